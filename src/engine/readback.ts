// Validation from bytes: before a segment seals, every Parquet dataset it published is read back from
// the files its ledger lists (never from the arrays that produced them) and checked against its
// contract: the file body's columns and types, the row count the segment meant to write, primary-key
// uniqueness and sort order. Large datasets get footers and schema only, past FULL_SCAN_ROWS rows (the
// segment's own checks cover them by sampling, e.g. 5B's re-read parts).
import { join } from 'node:path';
import { dataset, type ColumnType, type DatasetSpec } from '../contracts/dictionary.js';
import { Duck, lit, litList } from '../io/duck.js';
import type { OutputEntry } from '../gates/verify.js';
import type { Checks } from './checks.js';

/** Past this many rows a dataset is checked from its footers and schema alone. */
export const FULL_SCAN_ROWS = 1_000_000;

/** How DuckDB names each contract type when it reads our Parquet. */
const DUCK_TYPE: Record<ColumnType, string> = {
  uint32: 'UINTEGER',
  int64: 'BIGINT',
  int32: 'INTEGER',
  int16: 'SMALLINT',
  uint8: 'UTINYINT',
  float64: 'DOUBLE',
  float32: 'FLOAT',
  utf8: 'VARCHAR',
  bool: 'BOOLEAN',
  timestamp_us_utc: 'TIMESTAMP WITH TIME ZONE',
  timestamp_us_local: 'TIMESTAMP',
  date32: 'DATE',
};

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** What one dataset's bytes say, next to what its contract and its segment say. */
export interface ReadBack {
  id: string;
  files: number;
  rows: number;
  /** contract columns missing from, or typed differently in, the file body; and body columns the contract lacks */
  schemaProblems: string[];
  /** rows minus distinct primary keys (null: not scanned) */
  duplicateKeys: number | null;
  /** adjacent row pairs out of sort_key order, in listed file order (null: not scanned or no sort key) */
  unsorted: number | null;
}

/** Read back every Parquet dataset in `outputs`, its files in the gate's order (ASCII order of path). */
export async function readBack(world: string, outputs: readonly OutputEntry[]): Promise<ReadBack[]> {
  const byId = new Map<string, string[]>();
  for (const o of outputs) {
    if (!o.path.endsWith('.parquet')) continue;
    (byId.get(o.dataset) ?? byId.set(o.dataset, []).get(o.dataset)!).push(join(world, o.path));
  }
  if (byId.size === 0) return [];
  // the order the gate lists them in (outputs.json: ASCII order of path), which is part order
  for (const files of byId.values()) files.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const duck = await Duck.open(2, '256MB');
  try {
    // small datasets cost a few queries each: several connections keep both cores busy
    const jobs = [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: ReadBack[] = new Array(jobs.length);
    let next = 0;
    const lane = async () => {
      const conn = await duck.fork();
      try {
        for (let k = next++; k < jobs.length; k = next++) out[k] = await readOne(conn, dataset(jobs[k][0]), jobs[k][1]);
      } finally {
        conn.close();
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, jobs.length) }, lane));
    return out;
  } finally {
    duck.close();
  }
}

async function readOne(duck: Duck, d: DatasetSpec, files: string[]): Promise<ReadBack> {
  // the file body only: partition tokens in the path are not columns of the file
  const src = `read_parquet(${litList(files)}, hive_partitioning = false, union_by_name = false)`;
  const meta = await duck.all(`SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata(${litList(files)})`);
  const rows = Number(meta[0].n ?? 0);
  const body = await duck.all(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM ${src})`);
  const have = new Map(body.map((c) => [String(c.name), String(c.type)]));
  const schemaProblems: string[] = [];
  for (const c of d.columns ?? []) {
    const t = have.get(c.name);
    if (t === undefined) schemaProblems.push(`${c.name} missing`);
    else if (t !== DUCK_TYPE[c.type]) schemaProblems.push(`${c.name} is ${t}, contract ${c.type}`);
  }
  const declared = new Set((d.columns ?? []).map((c) => c.name));
  for (const name of have.keys()) if (!declared.has(name)) schemaProblems.push(`${name} not in the contract`);
  let duplicateKeys: number | null = null;
  let unsorted: number | null = null;
  if (rows <= FULL_SCAN_ROWS && schemaProblems.length === 0) {
    const pk = d.primary_key.map(q);
    const sk = (d.sort_key ?? []).map(q);
    // one ordered pass answers both questions when the key is the sort key: sorted rows repeat a key only
    // in adjacent rows, so equal neighbours count duplicates and decreasing ones count disorder
    const pkIsSort = pk.length > 0 && pk.length === sk.length && pk.every((k, i) => k === sk[i]);
    if (sk.length) {
      const row = (ks: string[]) => (ks.length === 1 ? ks[0] : `row(${ks.join(', ')})`);
      const order = files.map((f, i) => `WHEN ${lit(f)} THEN ${i}`).join(' ');
      const r = await duck.all(
        `SELECT count(*) FILTER (WHERE cur < prev)::BIGINT AS bad, count(*) FILTER (WHERE cur = prev)::BIGINT AS dup FROM (SELECT row_number() OVER w AS rn, ${row(sk)} AS cur, ${row(sk.map((k) => `lag(${k}) OVER w`))} AS prev FROM (SELECT ${sk.join(', ')}, file_row_number, CASE filename ${order} END AS _f FROM read_parquet(${litList(files)}, hive_partitioning = false, filename = true, file_row_number = true)) WINDOW w AS (ORDER BY _f, file_row_number)) WHERE rn > 1`,
      );
      unsorted = Number(r[0].bad);
      if (pkIsSort) duplicateKeys = Number(r[0].dup);
    }
    if (pk.length && duplicateKeys === null) {
      const r = await duck.all(`SELECT (count(*) - (SELECT count(*) FROM (SELECT DISTINCT ${pk.join(', ')} FROM ${src})))::BIGINT AS dup FROM ${src}`);
      duplicateKeys = Number(r[0].dup);
    }
  }
  return { id: d.id, files: files.length, rows, schemaProblems, duplicateKeys, unsorted };
}

/** Add the read-back checks; `expectedRows` are the counts the segment meant to publish (its `rows`). */
export function addReadBackChecks(checks: Checks, backs: readonly ReadBack[], expectedRows: Readonly<Record<string, number>> = {}): void {
  for (const b of backs) {
    const want = expectedRows[b.id];
    checks.add(
      `readback.${b.id}.rows`,
      want === undefined || want === b.rows,
      `${b.rows} rows in ${b.files} file(s)${want === undefined ? '' : `; the segment wrote ${want}`}`,
      true,
      want === undefined ? undefined : Math.abs(want - b.rows),
    );
    checks.add(
      `readback.${b.id}.schema`,
      b.schemaProblems.length === 0,
      b.schemaProblems.length ? b.schemaProblems.slice(0, 5).join('; ') : 'file columns and types equal the contract',
      true,
      b.schemaProblems.length,
    );
    if (b.duplicateKeys !== null)
      checks.add(`readback.${b.id}.primary_key_unique`, b.duplicateKeys === 0, `${b.duplicateKeys} rows repeat a primary key`, true, b.duplicateKeys);
    if (b.unsorted !== null) checks.add(`readback.${b.id}.sorted`, b.unsorted === 0, `${b.unsorted} adjacent rows out of sort-key order`, true, b.unsorted);
  }
}
