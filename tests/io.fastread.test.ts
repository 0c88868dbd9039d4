// The worker-side reader (io/fastread.ts) against the writer it reads: every column kind, nulls, delta
// and plain pages, dictionaries, uncompressed chunks, several row groups and pages; DuckDB reads the same
// file to the same values; anything outside the writer's subset is refused by name.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeParquet, ready, type FastColumn } from '../src/io/fastparquet.js';
import { decodeParquet } from '../src/io/fastread.js';
import { wasmPageKernel } from '../src/io/fastparquet_wasm.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquet } from '../src/io/parquet.js';
import * as arrow from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

beforeAll(async () => {
  await ready();
});

/** A deterministic table of every column kind fastparquet writes, with runs, random values and nulls. */
function table(rows: number): FastColumn[] {
  let x = 0x2545f4914f6cdd1dn;
  const next = () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return x;
  };
  const r = (m: number) => Number(next() >> 33n) % m;
  const valid = (pct: number) => Uint8Array.from({ length: rows }, () => (r(100) < pct ? 1 : 0));
  return [
    { name: 'random_id', type: 'u64', values: BigUint64Array.from({ length: rows }, () => next() >> 2n) },
    { name: 'big_u64', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => (i % 3 ? 2n ** 64n - 1n - BigInt(i) : BigInt(i))) },
    { name: 'seq', type: 'i64', values: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 1000n - 5n), encoding: 'delta' },
    { name: 'constant', type: 'i64', values: new BigInt64Array(rows).fill(42n), encoding: 'delta' },
    {
      name: 'wide_delta',
      type: 'i64',
      values: BigInt64Array.from({ length: rows }, () => BigInt(r(2 ** 30)) * BigInt(r(2 ** 20)) - 2n ** 49n),
      encoding: 'delta',
    },
    { name: 'ts', type: 'ts_utc_us', values: BigInt64Array.from({ length: rows }, (_, i) => 1_700_000_000_000_000n + BigInt(i * 997)), encoding: 'delta' },
    { name: 'local', type: 'ts_local_us', values: BigInt64Array.from({ length: rows }, (_, i) => -BigInt(i) * 3n), valid: valid(70), encoding: 'delta' },
    { name: 'i32_delta', type: 'i32', values: Int32Array.from({ length: rows }, () => r(2 ** 31) * (r(2) ? 1 : -1)), encoding: 'delta' },
    { name: 'i32_plain', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => i - 7), valid: valid(90) },
    { name: 'u32', type: 'u32', values: Uint32Array.from({ length: rows }, () => r(2 ** 31) * 2 + 1) },
    { name: 'day', type: 'date32', values: Int32Array.from({ length: rows }, (_, i) => 19_000 + (i % 400)) },
    { name: 'f', type: 'f64', values: Float64Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? -0 : i / 7)), valid: valid(95) },
    { name: 'flag', type: 'bool', values: Uint8Array.from({ length: rows }, () => r(2)), valid: valid(60) },
    { name: 'flag_req', type: 'bool', values: Uint8Array.from({ length: rows }, () => (r(10) === 0 ? 1 : 0)) },
    { name: 'country', type: 'dict', values: Int32Array.from({ length: rows }, () => r(3)), dict: ['DE', 'FR', 'ÉÈ'] },
    {
      name: 'zone',
      type: 'dict',
      values: Int32Array.from({ length: rows }, () => r(300)),
      dict: Array.from({ length: 300 }, (_, i) => `Zone/${i}`),
      valid: valid(50),
    },
  ];
}

/** What a reader should see: the columns with null slots zero. */
function expected(cols: FastColumn[]): Record<string, { values: unknown[]; valid?: number[] }> {
  return Object.fromEntries(
    cols.map((c) => {
      const v = Array.from(c.values as ArrayLike<number | bigint>, (x, i) => (c.valid && !c.valid[i] ? (typeof x === 'bigint' ? 0n : 0) : x));
      return [
        c.name,
        { values: c.type === 'dict' ? v.map((k, i) => (c.valid && !c.valid[i] ? null : c.dict![Number(k)])) : v, ...(c.valid ? { valid: [...c.valid] } : {}) },
      ];
    }),
  );
}

function decoded(bytes: Uint8Array, want?: string[]) {
  const t = decodeParquet(bytes, want);
  return {
    rows: t.rows,
    cols: Object.fromEntries(
      Object.values(t.columns).map((c) => {
        const v = Array.from(c.values as ArrayLike<number | bigint>);
        return [
          c.name,
          {
            values: c.type === 'dict' ? v.map((k, i) => (c.valid && !c.valid[i] ? null : c.dict![Number(k)])) : v,
            ...(c.valid ? { valid: [...c.valid] } : {}),
          },
        ];
      }),
    ),
  };
}

describe('fastread: the engine reads its own Parquet on any thread', () => {
  it('decode(encode(table)) is the table: every kind, nulls, delta and plain, dictionaries, row groups and pages (TypeScript and wasm page paths)', () => {
    const rows = 10_000;
    const cols = table(rows);
    const want = expected(cols);
    const pages = wasmPageKernel(instantiateKernelsSync());
    for (const opts of [{ rowGroupRows: 4_096, pageRows: 512 }, { rowGroupRows: 1_048_576 }, { rowGroupRows: 2_048, pageRows: 128, pages }]) {
      const got = decoded(encodeParquet(cols, rows, opts));
      expect(got.rows).toBe(rows);
      for (const c of cols) expect([c.name, got.cols[c.name]]).toEqual([c.name, want[c.name]]);
    }
    // a subset of columns, and an empty file
    expect(Object.keys(decoded(encodeParquet(cols, rows), ['zone', 'seq']).cols).sort()).toEqual(['seq', 'zone']);
    const empty = decoded(encodeParquet(table(0), 0));
    expect(empty.rows).toBe(0);
    expect(empty.cols.seq.values).toEqual([]);
  });

  it('DuckDB reads the same values from the same file', async () => {
    const rows = 3_000;
    const cols = table(rows);
    const bytes = encodeParquet(cols, rows, { rowGroupRows: 1_024, pageRows: 256 });
    const f = join(mkdtempSync(join(tmpdir(), 'fw-fastread-')), 't.parquet');
    writeFileSync(f, bytes);
    const db = await (await DuckDBInstance.create()).connect();
    const duck = (
      await db.runAndReadAll(`SELECT random_id::VARCHAR AS a, wide_delta::VARCHAR AS b, local::VARCHAR IS NULL AS c, zone, f FROM read_parquet('${f}')`)
    ).getRowObjects();
    const ours = decodeParquet(bytes).columns;
    for (let i = 0; i < rows; i += 7) {
      expect(duck[i].a).toBe(String((ours.random_id.values as BigUint64Array)[i]));
      expect(duck[i].b).toBe(String((ours.wide_delta.values as BigInt64Array)[i]));
      expect(duck[i].c).toBe(ours.local.valid![i] === 0);
      expect(duck[i].zone).toBe(ours.zone.valid![i] ? ours.zone.dict![(ours.zone.values as Int32Array)[i]] : null);
      expect(duck[i].f).toBe(ours.f.valid![i] ? (ours.f.values as Float64Array)[i] : null);
    }
  });

  it('refuses what fastparquet does not write, by name', () => {
    expect(() => decodeParquet(new Uint8Array(20))).toThrow(/fastread: not a Parquet file/);
    const cols = table(100);
    expect(() => decodeParquet(encodeParquet(cols, 100), ['nope'])).toThrow(/fastread: no column nope/);
    // parquet-rs writes SNAPPY-free but otherwise standard files; a dictionary-encoded int column is outside the subset
    const foreign = writeParquet(arrow.tableFromArrays({ a: Int32Array.from({ length: 100 }, (_, i) => i % 3) }));
    expect(() => decodeParquet(foreign)).toThrow(/fastread: column a: /);
  });
});
