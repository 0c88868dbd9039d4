// Validation from bytes (engine/readback.ts): a segment's published Parquet is read back from its listed
// files and held to its contract and to the rows the segment meant to write. Planted faults must fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duck, lit } from '../src/io/duck.js';
import { addReadBackChecks, readBack } from '../src/engine/readback.js';
import { Checks } from '../src/engine/checks.js';
import type { OutputEntry } from '../src/gates/verify.js';

// s3_requirements (1B): key and sort key (merchant_id, legal_country_iso), columns in contract order
const COLS = `merchant_id::BIGINT AS merchant_id, iso AS legal_country_iso, n::INTEGER AS n_sites`;
let dir: string;
let duck: Duck;

/** Write rows (merchant, iso, n) as one Parquet file and return its ledger entry. */
async function part(name: string, rows: [number, string, number][], cols = COLS): Promise<OutputEntry> {
  const values = rows.map(([m, c, n]) => `(${m}, ${lit(c)}, ${n})`).join(', ');
  await duck.run(`COPY (SELECT ${cols} FROM (VALUES ${values}) v(merchant_id, iso, n)) TO ${lit(join(dir, name))} (FORMAT parquet)`);
  return { dataset: 's3_requirements', path: name, sha256_hex: '', bytes: 0 };
}

async function checksOf(entries: OutputEntry[], rows?: number) {
  const c = new Checks();
  addReadBackChecks(c, await readBack(dir, entries), rows === undefined ? {} : { s3_requirements: rows });
  return Object.fromEntries(c.list.map((x) => [x.id.replace('readback.s3_requirements.', ''), x.passed]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-readback-'));
  duck = await Duck.open(1);
});
afterAll(() => {
  duck.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('read-back checks', () => {
  const good: [number, string, number][] = [
    [1, 'DE', 2],
    [1, 'FR', 1],
    [2, 'US', 5],
  ];

  it('pass on sorted, unique rows with the contract schema and the intended row count, across parts', async () => {
    const a = await part('a.parquet', good.slice(0, 2));
    const b = await part('b.parquet', good.slice(2));
    expect(await checksOf([a, b], 3)).toEqual({ rows: true, schema: true, primary_key_unique: true, sorted: true });
  });

  it('fail on a repeated key, rows out of order, parts named out of order, or a row count the segment did not write', async () => {
    expect((await checksOf([await part('dup.parquet', [...good, [2, 'US', 7]])])).primary_key_unique).toBe(false);
    expect((await checksOf([await part('swap.parquet', [good[1], good[0], good[2]])])).sorted).toBe(false);
    // parts are read in the gate's order (path order): later rows in an earlier-named part are out of order
    const a = await part('a2.parquet', good.slice(0, 2));
    const b = await part('b2.parquet', good.slice(2));
    expect((await checksOf([b, a])).sorted).toBe(true);
    const early = await part('a3.parquet', good.slice(2));
    const late = await part('b3.parquet', good.slice(0, 2));
    expect((await checksOf([early, late])).sorted).toBe(false);
    expect((await checksOf([a, b], 4)).rows).toBe(false);
  });

  it('fail on a column typed otherwise or not in the contract', async () => {
    const wide = await part('wide.parquet', good, `${COLS}, 1 AS extra`);
    expect((await checksOf([wide])).schema).toBe(false);
    const typed = await part('typed.parquet', good, `merchant_id::BIGINT AS merchant_id, iso AS legal_country_iso, n::BIGINT AS n_sites`);
    expect((await checksOf([typed])).schema).toBe(false);
  });
});

describe('the fast Parquet path checks the contract before encoding', () => {
  it('accepts 5B arrivals as the worker writes them and refuses a renamed, retyped, reordered or wrongly nullable column', async () => {
    const { fastColumnProblems } = await import('../src/io/fast_contract.js');
    const { dataset } = await import('../src/contracts/dictionary.js');
    const T: Record<string, string> = {
      int64: 'i64',
      int32: 'i32',
      float64: 'f64',
      utf8: 'dict',
      bool: 'bool',
      timestamp_us_utc: 'ts_utc_us',
      timestamp_us_local: 'ts_local_us',
    };
    const cols = dataset('arrival_events_5B').columns!.map((c) => ({ name: c.name, type: T[c.type] as never, nullable: c.nullable }));
    expect(fastColumnProblems('arrival_events_5B', cols)).toEqual([]);
    const renamed = cols.map((c) => (c.name === 'ts_utc' ? { ...c, name: 'ts' } : c));
    expect(fastColumnProblems('arrival_events_5B', renamed).length).toBeGreaterThan(0);
    const retyped = cols.map((c) => (c.name === 'bucket_index' ? { ...c, type: 'f64' as never } : c));
    expect(fastColumnProblems('arrival_events_5B', retyped)).toEqual(['bucket_index written as f64, contract int32']);
    expect(fastColumnProblems('arrival_events_5B', [cols[1], cols[0], ...cols.slice(2)]).length).toBe(1);
    const nullable = cols.map((c) => (c.name === 'merchant_id' ? { ...c, nullable: true } : c));
    expect(fastColumnProblems('arrival_events_5B', nullable)).toEqual(['merchant_id may be null, the contract says not']);
  });
});
