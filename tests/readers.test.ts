// A world any Parquet reader can open: every sealed Parquet file of a tiny world is read by a second,
// independent reader (hyparquet, pure JavaScript, with its zstd/snappy decompressors) and by DuckDB,
// and the two agree on the row count and, per column, on a checksum: the null count, and for numbers
// the exact integer sum (floats: the sum within 1e-9 relative, and exact min/max), for strings the
// byte-length sum and the distinct count.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { Duck, lit } from '../src/io/duck.js';
import { sharedWorld } from './support/shared_worlds.js';

// read only: the tiny world other files share
const W = sharedWorld({ scale: 'tiny', workers: 1 });

interface Sum {
  rows: number;
  cols: Record<string, { nulls: number; sum?: string; min?: string; max?: string; bytes?: number; distinct?: number }>;
}

type Kind = 'int' | 'float' | 'string' | 'bool';

/** The files every gate of the world lists (outputs.json), Parquet only, world-relative. */
function sealedParquetFiles(): string[] {
  const files: string[] = [];
  const seg = ['1A', '1B', '2A', '2B', '3A', '3B'].map((s) => `data/layer1/${s}`).concat(['5A', '5B'].map((s) => `data/layer2/${s}`));
  const run = readdirSync(join(W, 'runs'))[0];
  const fp = JSON.parse(readFileSync(join(W, 'runs', run, 'run_receipt.json'), 'utf8')).manifest_fingerprint as string;
  for (const base of seg) {
    const vdir = join(W, base, 'validation');
    const out = JSON.parse(readFileSync(join(vdir, `manifest_fingerprint=${fp}`, 'outputs.json'), 'utf8')).files as { path: string }[];
    files.push(...out.map((o) => o.path).filter((p) => p.endsWith('.parquet')));
  }
  return files;
}

function kindOf(type: string, logical?: string): Kind {
  if (type === 'BOOLEAN') return 'bool';
  if (type === 'DOUBLE' || type === 'FLOAT') return 'float';
  if (type === 'BYTE_ARRAY' || logical === 'STRING') return 'string';
  return 'int';
}

/** Per-column checksums of one file as hyparquet reads it. */
async function hyparquetSum(path: string): Promise<Sum & { kinds: Record<string, Kind> }> {
  const b = readFileSync(path);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const metadata = parquetMetadata(file);
  const kinds: Record<string, Kind> = {};
  for (const c of parquetSchema(metadata).children) kinds[c.element.name] = kindOf(String(c.element.type), c.element.logical_type?.type);
  const acc: Record<string, { nulls: number; isum: bigint; fsum: number; min?: number | string; max?: number | string; bytes: number; set: Set<string> }> = {};
  for (const name of Object.keys(kinds)) acc[name] = { nulls: 0, isum: 0n, fsum: 0, bytes: 0, set: new Set() };
  await parquetRead({
    file,
    metadata,
    compressors,
    // exact values: microseconds and days as integers, not Date objects
    parsers: { timestampFromMicroseconds: (x: bigint) => x, timestampFromMilliseconds: (x: bigint) => x * 1000n, dateFromDays: (d: number) => d },
    onChunk: (c) => {
      const a = acc[c.columnName];
      const k = kinds[c.columnName];
      for (const v of c.columnData as ArrayLike<unknown>) {
        if (v === null || v === undefined) a.nulls++;
        else if (k === 'int') a.isum += BigInt(v as number | bigint);
        else if (k === 'bool') a.isum += v ? 1n : 0n;
        else if (k === 'float') {
          const x = v as number;
          a.fsum += x;
          if (a.min === undefined || x < (a.min as number)) a.min = x;
          if (a.max === undefined || x > (a.max as number)) a.max = x;
        } else {
          a.bytes += Buffer.byteLength(v as string);
          a.set.add(v as string);
        }
      }
    },
  });
  const cols: Sum['cols'] = {};
  for (const [name, a] of Object.entries(acc)) {
    const k = kinds[name];
    cols[name] =
      k === 'string'
        ? { nulls: a.nulls, bytes: a.bytes, distinct: a.set.size }
        : k === 'float'
          ? { nulls: a.nulls, sum: String(a.fsum), min: String(a.min ?? null), max: String(a.max ?? null) }
          : { nulls: a.nulls, sum: a.isum.toString() };
  }
  return { rows: Number(metadata.num_rows), cols, kinds };
}

/** The same checksums as DuckDB computes them over its own read of the file. */
async function duckSum(duck: Duck, path: string, kinds: Record<string, Kind>): Promise<Sum> {
  const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
  const exprs = [`count(*)::BIGINT AS n`];
  const types = Object.fromEntries(
    (await duck.all(`DESCRIBE SELECT * FROM read_parquet(${lit(path)}, hive_partitioning = false)`)).map((r) => [r.column_name, String(r.column_type)]),
  );
  Object.entries(kinds).forEach(([c, k], i) => {
    exprs.push(`(count(*) - count(${q(c)}))::BIGINT AS n${i}`);
    const t = types[c];
    const asInt = t.startsWith('TIMESTAMP') ? `epoch_us(${q(c)})` : t === 'DATE' ? `(${q(c)} - DATE '1970-01-01')` : `${q(c)}`;
    if (k === 'int') exprs.push(`coalesce(sum(${asInt}::HUGEINT), 0)::VARCHAR AS s${i}`);
    else if (k === 'bool') exprs.push(`coalesce(sum(${q(c)}::INTEGER), 0)::VARCHAR AS s${i}`);
    else if (k === 'float') exprs.push(`sum(${q(c)}) AS s${i}`, `min(${q(c)}) AS lo${i}`, `max(${q(c)}) AS hi${i}`);
    else exprs.push(`coalesce(sum(strlen(${q(c)})), 0)::BIGINT AS b${i}`, `count(DISTINCT ${q(c)})::BIGINT AS d${i}`);
  });
  const [r] = await duck.all(`SELECT ${exprs.join(', ')} FROM read_parquet(${lit(path)}, hive_partitioning = false)`);
  const cols: Sum['cols'] = {};
  Object.entries(kinds).forEach(([c, k], i) => {
    const nulls = Number(r[`n${i}`]);
    cols[c] =
      k === 'string'
        ? { nulls, bytes: Number(r[`b${i}`]), distinct: Number(r[`d${i}`]) }
        : k === 'float'
          ? { nulls, sum: String(r[`s${i}`] ?? 0), min: String(r[`lo${i}`] ?? null), max: String(r[`hi${i}`] ?? null) }
          : { nulls, sum: String(r[`s${i}`]) };
  });
  return { rows: Number(r.n), cols };
}

describe('a second Parquet reader', () => {
  it('reads every sealed Parquet file of a tiny world as DuckDB does (rows and per-column checksums)', async () => {
    const files = sealedParquetFiles();
    expect(files.length).toBeGreaterThan(40);
    const duck = await Duck.open();
    const problems: string[] = [];
    try {
      for (const f of files) {
        const h = await hyparquetSum(join(W, f));
        const d = await duckSum(duck, join(W, f), h.kinds);
        if (h.rows !== d.rows) problems.push(`${f}: hyparquet ${h.rows} rows, DuckDB ${d.rows}`);
        for (const [c, hc] of Object.entries(h.cols)) {
          const dc = d.cols[c];
          const k = h.kinds[c];
          const same =
            k === 'float'
              ? hc.nulls === dc.nulls &&
                hc.min === dc.min &&
                hc.max === dc.max &&
                Math.abs(Number(hc.sum) - Number(dc.sum)) <= 1e-9 * Math.max(1, Math.abs(Number(dc.sum)))
              : JSON.stringify(hc) === JSON.stringify(dc);
          if (!same) problems.push(`${f} ${c}: hyparquet ${JSON.stringify(hc)} DuckDB ${JSON.stringify(dc)}`);
        }
      }
    } finally {
      duck.close();
    }
    expect(problems).toEqual([]);
  });
});
