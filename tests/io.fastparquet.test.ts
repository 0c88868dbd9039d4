// src/io/fastparquet.ts: hand-written Parquet encoder for typed columns. Read back by DuckDB and by
// readParquetToArrow (parquet-rs), every value compared, logical types checked, ZSTD pages and column
// statistics checked against DuckDB's own aggregates, bytes deterministic (and pinned by a golden hash).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { encodeParquet, parquetParts, ready, sliceColumns, type FastColumn } from '../src/io/fastparquet.js';
import { readParquetToArrow } from '../src/io/parquet.js';
import { Compression, ParquetFile } from 'parquet-wasm';
import { Duck, lit } from '../src/io/duck.js';
import { KernelPool } from '../src/pool/pool.js';
import { arrivalColumns } from '../bench/arrivals_table.js';
import { wasmPageKernel } from '../src/io/fastparquet_wasm.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { zstdCompress } from '../src/io/zstd.js';
import zstd from '@foxglove/wasm-zstd';

let dir: string;
let duck: Duck;
let fileNo = 0;

beforeAll(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), 'fw-fastparquet-'));
  duck = await Duck.open(1);
});
afterAll(() => {
  duck.close();
  rmSync(dir, { recursive: true, force: true });
});

function save(bytes: Uint8Array): string {
  const f = join(dir, `t${fileNo++}.parquet`);
  writeFileSync(f, bytes);
  return lit(f);
}

// ---------------------------------------------------------------------------
// expected values, normalised to strings (null for nulls)
// ---------------------------------------------------------------------------
const f64Bits = (x: number): string => {
  const b = new BigUint64Array(new Float64Array([x]).buffer);
  return b[0].toString(16);
};

function expected(c: FastColumn, i: number): string | null {
  if (c.valid && c.valid[i] === 0) return null;
  const v = c.values[i];
  switch (c.type) {
    case 'dict':
      return c.dict![v as number];
    case 'bool':
      return v ? 'true' : 'false';
    case 'f64':
      return f64Bits(v as number);
    default:
      return String(v);
  }
}

/** Every value of a DuckDB read, normalised like expected(). */
async function duckValues(file: string, cols: FastColumn[]): Promise<(string | null)[][]> {
  const sel = cols.map((c) => {
    const q = `"${c.name}"`;
    switch (c.type) {
      case 'ts_utc_us':
      case 'ts_local_us':
        return `epoch_us(${q})::VARCHAR AS ${q}`;
      case 'f64':
        return `${q}`;
      case 'bool':
        return `${q}::VARCHAR AS ${q}`;
      default:
        return `${q}::VARCHAR AS ${q}`;
    }
  });
  const rows = await duck.conn.runAndReadAll(`SELECT ${sel.join(', ')} FROM read_parquet(${file}) `);
  return rows.getRowObjectsJS().map((r) =>
    cols.map((c) => {
      const v = r[c.name];
      if (v === null) return null;
      return c.type === 'f64' ? f64Bits(v as number) : String(v);
    }),
  );
}

/** Every value of a readParquetToArrow read, normalised like expected(). */
function arrowValues(t: arrow.Table, cols: FastColumn[]): (string | null)[][] {
  const out: (string | null)[][] = Array.from({ length: t.numRows }, () => []);
  for (const c of cols) {
    const vec = t.getChild(c.name)!;
    let row = 0;
    for (const d of vec.data) {
      const chunk = arrow.makeVector(d);
      for (let k = 0; k < d.length; k++, row++) {
        if (!chunk.isValid(k)) {
          out[row].push(null);
          continue;
        }
        let s: string;
        if (c.type === 'dict') s = chunk.get(k) as string;
        else if (c.type === 'bool') s = chunk.get(k) ? 'true' : 'false';
        else if (c.type === 'f64') s = f64Bits((d.values as Float64Array)[d.offset + k]);
        else s = String((d.values as BigInt64Array | Int32Array)[d.offset + k]);
        out[row].push(s);
      }
    }
  }
  return out;
}

function expectedRows(cols: FastColumn[], rows: number): (string | null)[][] {
  return Array.from({ length: rows }, (_, i) => cols.map((c) => expected(c, i)));
}

// ---------------------------------------------------------------------------
// an edge-case table
// ---------------------------------------------------------------------------
const U64_EDGE = [0n, 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 63n + 12345n, 2n ** 64n - 1n];
const TS_EDGE = [0n, -1n, 1n, -1_000_000_000_000_000n, -62_135_596_800_000_000n, 253_402_300_799_999_999n, 1_735_689_600_123_456n];
const F64_EDGE = [0, -0, 1.5, -2.25, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, 1 / 3];
const I32_EDGE = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31)];

function edgeTable(rows: number): FastColumn[] {
  let s = 12345;
  const r = (m: number) => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return (s >>> 8) % m;
  };
  const pick = <T>(a: readonly T[], i: number): T => a[(i * 7 + r(3)) % a.length];
  const dict3 = ['card_present', 'card_not_present', 'mixed'];
  const dict200 = Array.from({ length: 200 }, (_, i) => `Region/Zone_${i}_${'é'.repeat(i % 3)}`); // int16 index, 8 bits
  const dict1 = ['only'];
  const valid = (p: number) => Uint8Array.from({ length: rows }, () => (r(100) < p ? 1 : 0));
  const runs = (m: number) => {
    const a = new Int32Array(rows);
    let v = 0;
    for (let i = 0; i < rows; i++) {
      if (r(40) === 0) v = r(m);
      a[i] = v;
    }
    return a;
  };
  return [
    { name: 'merchant_id', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => pick(U64_EDGE, Math.floor(i / 50))) },
    { name: 'arrival_seq', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => BigInt(i)) },
    { name: 'ts_utc', type: 'ts_utc_us', values: BigInt64Array.from({ length: rows }, (_, i) => pick(TS_EDGE, i)) },
    { name: 'bucket_index', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => pick(I32_EDGE, i)) },
    { name: 'legal_country_iso', type: 'dict', values: runs(3), dict: dict3 },
    { name: 'tzid_primary', type: 'dict', values: Int32Array.from({ length: rows }, () => r(200)), dict: dict200 },
    { name: 'ts_local_primary', type: 'ts_local_us', values: BigInt64Array.from({ length: rows }, (_, i) => pick(TS_EDGE, i + 3)) },
    { name: 'channel_group', type: 'dict', values: new Int32Array(rows), dict: dict1 },
    { name: 'is_virtual', type: 'bool', values: Uint8Array.from({ length: rows }, () => (r(4) === 0 ? 1 : 0)) },
    { name: 'site_id', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => pick(U64_EDGE, i)), valid: valid(80) },
    { name: 'edge_id', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => BigInt(i) * 977n), valid: valid(15) },
    { name: 'tzid_operational', type: 'dict', values: runs(200), dict: dict200, valid: valid(50) },
    { name: 'ts_local_operational', type: 'ts_local_us', values: BigInt64Array.from({ length: rows }, (_, i) => pick(TS_EDGE, i + 1)), valid: valid(97) },
    { name: 'lambda_realised', type: 'f64', values: Float64Array.from({ length: rows }, (_, i) => pick(F64_EDGE, i)) },
    { name: 'flag_nullable', type: 'bool', values: Uint8Array.from({ length: rows }, () => r(2)), valid: valid(60) },
    { name: 'count_nullable', type: 'i32', values: Int32Array.from({ length: rows }, () => r(1000) - 500), valid: valid(70) },
    { name: 'i64_col', type: 'i64', values: BigInt64Array.from({ length: rows }, (_, i) => (i % 2 ? -1n : 1n) * BigInt(i) ** 3n - 2n ** 62n) },
  ];
}

const ROWS = 5_000;
// small pages and row groups so several of each are exercised
const OPTS = { rowGroupRows: 2_048, pageRows: 300 };

describe('fastparquet: DuckDB reads it back exactly', () => {
  it('logical types (DESCRIBE and parquet_schema)', async () => {
    const cols = edgeTable(ROWS);
    const f = save(encodeParquet(cols, ROWS, OPTS));
    const desc = Object.fromEntries((await duck.all(`DESCRIBE SELECT * FROM read_parquet(${f})`)).map((r) => [r.column_name, r.column_type]));
    expect(desc).toEqual({
      merchant_id: 'UBIGINT',
      arrival_seq: 'UBIGINT',
      ts_utc: 'TIMESTAMP WITH TIME ZONE',
      bucket_index: 'INTEGER',
      legal_country_iso: 'VARCHAR',
      tzid_primary: 'VARCHAR',
      ts_local_primary: 'TIMESTAMP',
      channel_group: 'VARCHAR',
      is_virtual: 'BOOLEAN',
      site_id: 'UBIGINT',
      edge_id: 'UBIGINT',
      tzid_operational: 'VARCHAR',
      ts_local_operational: 'TIMESTAMP',
      lambda_realised: 'DOUBLE',
      flag_nullable: 'BOOLEAN',
      count_nullable: 'INTEGER',
      i64_col: 'BIGINT',
    });
    const sch = Object.fromEntries(
      (await duck.all(`SELECT name, type, repetition_type, converted_type, logical_type FROM parquet_schema(${f})`)).map((r) => [r.name, r]),
    );
    expect(sch.merchant_id).toMatchObject({ type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'UINT_64' });
    expect(String(sch.merchant_id.logical_type)).toMatch(/IntType\(bitWidth=.*isSigned=0\)/);
    expect(sch.ts_utc).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MICROS' });
    expect(String(sch.ts_utc.logical_type)).toMatch(/isAdjustedToUTC=1.*MICROS=MicroSeconds/);
    expect(String(sch.ts_local_primary.logical_type)).toMatch(/isAdjustedToUTC=0.*MICROS=MicroSeconds/);
    expect(sch.legal_country_iso).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(String(sch.legal_country_iso.logical_type)).toMatch(/StringType/);
    expect(sch.is_virtual).toMatchObject({ type: 'BOOLEAN', repetition_type: 'REQUIRED' });
    expect(sch.bucket_index).toMatchObject({ type: 'INT32' });
    expect(sch.lambda_realised).toMatchObject({ type: 'DOUBLE' });
    expect(sch.site_id).toMatchObject({ type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'UINT_64' });
    expect(sch.tzid_operational).toMatchObject({ repetition_type: 'OPTIONAL' });
    const md = await duck.all(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${f}) ORDER BY 1`);
    expect(md.map((r) => r.row_group_num_rows)).toEqual([2048, 2048, 904]);
    const enc = await duck.all(`SELECT DISTINCT path_in_schema, encodings, compression FROM parquet_metadata(${f}) WHERE row_group_id = 0`);
    const byName = Object.fromEntries(enc.map((r) => [r.path_in_schema, r]));
    expect(String(byName.tzid_primary.encodings)).toContain('RLE_DICTIONARY');
    // random bits cannot shrink: those chunks are stored as they are, the rest through ZSTD
    expect(enc.filter((r) => r.compression !== 'ZSTD').map((r) => [r.path_in_schema, r.compression])).toEqual([
      ['is_virtual', 'UNCOMPRESSED'],
      ['flag_nullable', 'UNCOMPRESSED'],
    ]);
  });

  it('every value, nulls included (u64 > 2^63, negative and far timestamps, NaN/-0/inf)', async () => {
    const cols = edgeTable(ROWS);
    const f = save(encodeParquet(cols, ROWS, OPTS));
    expect(await duckValues(f, cols)).toEqual(expectedRows(cols, ROWS));
    const nulls = await duck.all(`SELECT count(*) - count(site_id) AS s, count(*) - count(tzid_operational) AS t FROM read_parquet(${f})`);
    expect(nulls[0]).toEqual({ s: cols[9].valid!.filter((v) => v === 0).length, t: cols[11].valid!.filter((v) => v === 0).length });
  });

  it('an arrivals-shaped table (long runs, 250/400-value dictionaries, default pages)', async () => {
    const rows = 40_000;
    const cols = arrivalColumns(rows, 3);
    const f = save(encodeParquet(cols, rows, { rowGroupRows: 16_384 }));
    expect(await duckValues(f, cols)).toEqual(expectedRows(cols, rows));
  });

  it("encoding 'delta' (DELTA_BINARY_PACKED, PLAIN fallback for pages past ±2^51) reads back exactly", async () => {
    const delta = (cols: FastColumn[]) =>
      cols.map((c) => (['u64', 'i64', 'i32', 'ts_utc_us', 'ts_local_us'].includes(c.type) ? { ...c, encoding: 'delta' as const } : c));
    const edge = delta(edgeTable(ROWS));
    const f1 = save(encodeParquet(edge, ROWS, OPTS));
    expect(await duckValues(f1, edge)).toEqual(expectedRows(edge, ROWS));
    expect(arrowValues(readParquetToArrow(encodeParquet(edge, ROWS, OPTS)), edge)).toEqual(expectedRows(edge, ROWS));
    const rows = 30_000;
    const arr = delta(arrivalColumns(rows, 11));
    // wide deltas: 40-50 bit jumps exercise the > 24-bit packing path
    const wide = BigInt64Array.from({ length: rows }, (_, i) => BigInt(((i * 2_654_435_761) % 2 ** 32) * ((i % 7) + 1) * 4096 - 2 ** 44));
    arr.push({ name: 'wide', type: 'i64', values: wide, encoding: 'delta' });
    const bytes = encodeParquet(arr, rows, { rowGroupRows: 16_384, pageRows: 5_000 });
    const f2 = save(bytes);
    expect(await duckValues(f2, arr)).toEqual(expectedRows(arr, rows));
    expect(arrowValues(readParquetToArrow(bytes), arr)).toEqual(expectedRows(arr, rows));
    const enc = await duck.all(`SELECT DISTINCT path_in_schema AS c, encodings AS e FROM parquet_metadata(${f2}) WHERE path_in_schema IN ('ts_utc', 'wide')`);
    for (const r of enc) expect(String(r.e)).toContain('DELTA_BINARY_PACKED');
    // smaller than PLAIN
    expect(bytes.length).toBeLessThan(encodeParquet(arrivalColumns(rows, 11), rows, { rowGroupRows: 16_384, pageRows: 5_000 }).length);
  });

  it('dictionary bit widths 1..17 round-trip (dict sizes 1, 2, 3, 129, 400, 70,000)', async () => {
    const rows = 3_001;
    const cols: FastColumn[] = [1, 2, 3, 129, 400, 70_000].map((n, k) => ({
      name: `d${n}`,
      type: 'dict' as const,
      dict: Array.from({ length: n }, (_, i) => `v${i}`),
      values: Int32Array.from({ length: rows }, (_, i) => (k % 2 ? (i * 7919) % n : Math.floor(i / 37) % n)),
    }));
    const f = save(encodeParquet(cols, rows, { pageRows: 1000 }));
    expect(await duckValues(f, cols)).toEqual(expectedRows(cols, rows));
    const t = readParquetToArrow(encodeParquet(cols, rows, { pageRows: 1000 }));
    expect(arrowValues(t, cols)).toEqual(expectedRows(cols, rows));
  });

  it('u32 and date32 (the contract types uint32 and date32): logical types, values, unsigned statistics', async () => {
    const rows = 5;
    const cols: FastColumn[] = [
      { name: 'mass', type: 'u32', values: Uint32Array.of(0, 1, 2 ** 31, 2 ** 32 - 1, 7) },
      { name: 'day', type: 'date32', values: Int32Array.of(0, -1, 20_000, 19_000, 1), valid: Uint8Array.of(1, 1, 1, 0, 1) },
    ];
    for (const opts of [{}, { pages: wasmPageKernel(instantiateKernelsSync()) }]) {
      const f = save(encodeParquet(cols, rows, opts));
      const desc = Object.fromEntries((await duck.all(`DESCRIBE SELECT * FROM read_parquet(${f})`)).map((r) => [r.column_name, r.column_type]));
      expect(desc).toEqual({ mass: 'UINTEGER', day: 'DATE' });
      const got = await duck.all(`SELECT mass::BIGINT AS m, (day - DATE '1970-01-01')::INTEGER AS d FROM read_parquet(${f})`);
      expect(got).toEqual([
        { m: 0, d: 0 },
        { m: 1, d: -1 },
        { m: 2 ** 31, d: 20_000 },
        { m: 2 ** 32 - 1, d: null },
        { m: 7, d: 1 },
      ]);
      const { got: st, want } = await statsVsDuck(f, cols, rows);
      expect(st).toEqual(want);
      const [m] = await duck.all(`SELECT stats_min_value AS mn, stats_max_value AS mx FROM parquet_metadata(${f}) WHERE path_in_schema = 'mass'`);
      expect(m).toEqual({ mn: '0', mx: String(2 ** 32 - 1) }); // unsigned order: 2^31 is not the minimum
    }
  });

  it('empty table: schema only, zero rows', async () => {
    const cols = sliceColumns(edgeTable(10), 0, 0);
    const bytes = encodeParquet(cols, 0);
    const f = save(bytes);
    expect(await duck.all(`SELECT count(*)::INTEGER AS n FROM read_parquet(${f})`)).toEqual([{ n: 0 }]);
    const desc = await duck.all(`DESCRIBE SELECT * FROM read_parquet(${f})`);
    expect(desc.map((r) => r.column_type).slice(0, 4)).toEqual(['UBIGINT', 'UBIGINT', 'TIMESTAMP WITH TIME ZONE', 'INTEGER']);
    const t = readParquetToArrow(bytes);
    expect(t.numRows).toBe(0);
    expect(String(t.schema.fields[0].type)).toBe('Uint64');
    expect(t.schema.fields.map((x) => x.name)).toEqual(cols.map((c) => c.name));
  });

  it('all-null columns', async () => {
    const rows = 1_500;
    const none = new Uint8Array(rows);
    const cols: FastColumn[] = [
      { name: 'k', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => i) },
      { name: 'site_id', type: 'u64', values: new BigUint64Array(rows).fill(7n), valid: none },
      { name: 'tz', type: 'dict', values: new Int32Array(rows), dict: ['A', 'B'], valid: none },
      { name: 'tz_empty_dict', type: 'dict', values: new Int32Array(rows), dict: [], valid: none },
      { name: 'ts', type: 'ts_local_us', values: new BigInt64Array(rows), valid: none },
      { name: 'b', type: 'bool', values: new Uint8Array(rows), valid: none },
    ];
    const bytes = encodeParquet(cols, rows, { pageRows: 512 });
    const f = save(bytes);
    expect(
      await duck.all(
        `SELECT count(*)::INTEGER AS n, count(site_id)::INTEGER AS a, count(tz)::INTEGER AS b, count(tz_empty_dict)::INTEGER AS c, count(ts)::INTEGER AS d, count(b)::INTEGER AS e FROM read_parquet(${f})`,
      ),
    ).toEqual([{ n: rows, a: 0, b: 0, c: 0, d: 0, e: 0 }]);
    expect(arrowValues(readParquetToArrow(bytes), cols)).toEqual(expectedRows(cols, rows));
  });

  it('a nullable-declared column without nulls is OPTIONAL', async () => {
    const rows = 100;
    const cols: FastColumn[] = [{ name: 'x', type: 'u64', values: BigUint64Array.from({ length: rows }, (_, i) => BigInt(i)), nullable: true }];
    const bytes = encodeParquet(cols, rows);
    const f = save(bytes);
    expect((await duck.all(`SELECT repetition_type FROM parquet_schema(${f}) WHERE name = 'x'`))[0].repetition_type).toBe('OPTIONAL');
    expect(await duckValues(f, cols)).toEqual(expectedRows(cols, rows));
    expect(readParquetToArrow(bytes).schema.fields[0].nullable).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// ZSTD pages and statistics
// ---------------------------------------------------------------------------

type TValue = number | boolean | Uint8Array | TValue[] | TStruct;
type TStruct = Map<number, TValue>;

/** Thrift compact protocol: the struct at `p` as field id -> value (integers as numbers), and where it ends. */
function thrift(b: Uint8Array, p: number): { s: TStruct; end: number } {
  const varint = (): number => {
    let v = 0,
      m = 1;
    for (;;) {
      const x = b[p++];
      v += (x & 127) * m;
      if (x < 128) return v;
      m *= 128;
    }
  };
  const unzz = (v: number) => (v % 2 ? -(v + 1) / 2 : v / 2);
  const value = (t: number): TValue => {
    if (t === 1 || t === 2) return b[p++] === 1; // list elements only; fields carry it in the type
    if (t === 3) return b[p++];
    if (t === 4 || t === 5 || t === 6) return unzz(varint());
    if (t === 8) {
      const n = varint();
      p += n;
      return b.subarray(p - n, p);
    }
    if (t === 9 || t === 10) {
      const h = b[p++];
      const n = h >> 4 === 15 ? varint() : h >> 4;
      return Array.from({ length: n }, () => value(h & 15));
    }
    if (t === 12) {
      const r = thrift(b, p);
      p = r.end;
      return r.s;
    }
    throw new Error(`thrift type ${t}`);
  };
  const s: TStruct = new Map();
  let last = 0;
  for (;;) {
    const h = b[p++];
    if (h === 0) return { s, end: p };
    const id = h >> 4 ? last + (h >> 4) : unzz(varint());
    last = id;
    s.set(id, (h & 15) === 1 || (h & 15) === 2 ? (h & 15) === 1 : value(h & 15));
  }
}

/** The footer's FileMetaData. */
function footerOf(bytes: Uint8Array): TStruct {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  return thrift(bytes, bytes.length - 8 - len).s;
}

/** Row group 0's Statistics structs from the footer, by column name. */
function footerStats(bytes: Uint8Array): Record<string, TStruct> {
  const rg = (footerOf(bytes).get(4) as TStruct[])[0];
  const out: Record<string, TStruct> = {};
  for (const cc of rg.get(1) as TStruct[]) {
    const md = cc.get(3) as TStruct;
    out[new TextDecoder().decode((md.get(3) as Uint8Array[])[0])] = md.get(12) as TStruct;
  }
  return out;
}

/**
 * Every page of every column chunk, walked from the chunk offsets DuckDB reports: a ZSTD frame whose
 * compressed_page_size and uncompressed_page_size match, a dictionary page first where there is one,
 * chunks back to back, and the chunk and row group sizes the metadata gives.
 */
async function checkPages(bytes: Uint8Array, file: string): Promise<{ pages: number; raw: number; stored: number }> {
  const md = await duck.all(
    `SELECT row_group_id AS g, dictionary_page_offset AS d, data_page_offset AS o, total_compressed_size AS z, total_uncompressed_size AS u,
            row_group_bytes AS gu, row_group_compressed_bytes AS gz, compression FROM parquet_metadata(${file}) ORDER BY row_group_id, column_id`,
  );
  let pos = 4,
    pages = 0,
    raw = 0,
    stored = 0;
  const groups = new Map<number, { u: number; z: number; gu: number; gz: number }>();
  for (const c of md) {
    expect(['ZSTD', 'UNCOMPRESSED']).toContain(c.compression);
    const zstdChunk = c.compression === 'ZSTD';
    const start = (c.d ?? c.o) as number;
    expect(start).toBe(pos);
    const end = start + (c.z as number);
    let u = 0;
    for (let k = 0; pos < end; k++) {
      const { s: hs, end: body } = thrift(bytes, pos);
      const h = (id: number) => hs.get(id) as number;
      expect(h(1)).toBe(k === 0 && c.d !== null ? 2 : 0); // DICTIONARY_PAGE first, then DATA_PAGE
      if (h(1) === 0 && (k === 0 || (k === 1 && c.d !== null))) expect(pos).toBe(c.o);
      const frame = bytes.subarray(body, body + h(3));
      if (zstdChunk) {
        expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
        expect(zstd.decompress(frame, h(2)).length).toBe(h(2));
      } else expect(h(3)).toBe(h(2));
      u += body - pos + h(2);
      pos = body + h(3);
      pages++;
    }
    expect(pos).toBe(end);
    expect(u).toBe(c.u);
    raw += u;
    stored += c.z as number;
    const g = groups.get(c.g as number) ?? { u: 0, z: 0, gu: c.gu as number, gz: c.gz as number };
    g.u += u;
    g.z += c.z as number;
    groups.set(c.g as number, g);
  }
  for (const g of groups.values()) expect([g.u, g.z]).toEqual([g.gu, g.gz]);
  const footer = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  expect(pos + footer + 8).toBe(bytes.length);
  return { pages, raw, stored };
}

/** Per row group and column: the file's statistics, and DuckDB's own min / max / null count over those rows. */
async function statsVsDuck(file: string, cols: FastColumn[], groupRows: number): Promise<{ got: unknown[]; want: unknown[] }> {
  const agg = cols.map((c, k) => {
    const q = `"${c.name}"`;
    const f = c.type === 'f64' ? ` FILTER (WHERE NOT isnan(${q}))` : ''; // the format's rule: NaN is left out
    return `(min(${q})${f})::VARCHAR AS mn${k}, (max(${q})${f})::VARCHAR AS mx${k}, count(*) - count(${q}) AS n${k}`;
  });
  const duckRows = await duck.all(
    `SELECT file_row_number // ${groupRows} AS g, ${agg.join(', ')} FROM read_parquet(${file}, file_row_number = true) GROUP BY g ORDER BY g`,
  );
  const meta = await duck.all(
    `SELECT row_group_id AS g, path_in_schema AS c, stats_min_value AS mn, stats_max_value AS mx, stats_null_count AS n, min_is_exact AS a, max_is_exact AS b
     FROM parquet_metadata(${file}) ORDER BY row_group_id, column_id`,
  );
  // -0.0 and 0.0 are one value to min(); the zero rule (min -0, max +0) is checked on its own.
  // DuckDB shows a DOUBLE statistic of ±inf as NULL (the bytes are checked in the footer instead).
  const z = (v: unknown) => (v === null ? null : String(v).replace(/^-0\.0$/, '0.0'));
  const shown = (v: unknown) => (v === 'inf' || v === '-inf' ? null : z(v));
  const want = duckRows.flatMap((r) =>
    cols.map((c, k) => [r.g, c.name, shown(r[`mn${k}`]), shown(r[`mx${k}`]), r[`n${k}`], r[`mn${k}`] !== null, r[`mx${k}`] !== null]),
  );
  const got = meta.map((r) => [r.g, r.c, z(r.mn), z(r.mx), r.n, r.a === true, r.b === true]);
  return { got, want };
}

describe('fastparquet: ZSTD pages and column statistics', () => {
  const pages = wasmPageKernel(instantiateKernelsSync());
  const delta = (cols: FastColumn[]) =>
    cols.map((c) => (['u64', 'i64', 'i32', 'ts_utc_us', 'ts_local_us'].includes(c.type) ? { ...c, encoding: 'delta' as const } : c));

  it('every page is one ZSTD frame with the sizes its header and the chunk metadata give (dictionary pages too)', async () => {
    for (const [cols, rows, opts] of [
      [edgeTable(ROWS), ROWS, OPTS],
      [delta(arrivalColumns(40_000, 3)), 40_000, { rowGroupRows: 16_384, pages }],
    ] as const) {
      const bytes = encodeParquet(cols as FastColumn[], rows, opts);
      const r = await checkPages(bytes, save(bytes));
      expect(r.pages).toBeGreaterThan(cols.length);
      expect(r.stored).toBeLessThan(r.raw);
      // parquet-rs's view of the same footer (its Compression enum: ZSTD = 5)
      const pf = await ParquetFile.fromFile(new Blob([bytes]));
      const groups = pf.metadata().rowGroups();
      const codecs = new Set(groups.flatMap((g) => g.columns().map((c) => c.compression())));
      expect(codecs.has(Compression.ZSTD)).toBe(true);
      for (const c of codecs) expect([Compression.ZSTD, Compression.UNCOMPRESSED]).toContain(c);
      expect(groups.reduce((t, g) => t + g.totalByteSize(), 0)).toBe(r.raw);
      expect(groups.reduce((t, g) => t + g.compressedSize(), 0)).toBe(r.stored);
      // one TYPE_ORDER per column: min_value / max_value are in each type's defined order
      expect(footerOf(bytes).get(7)).toEqual(cols.map(() => new Map([[1, new Map()]])));
    }
  });

  it('a chunk whose first page ZSTD cannot shrink is written UNCOMPRESSED; the others stay ZSTD; values read back', async () => {
    const rows = 50_000;
    let x = 0x9e3779b97f4a7c15n;
    const random = BigUint64Array.from({ length: rows }, () => {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      return x;
    });
    const cols: FastColumn[] = [
      { name: 'random_id', type: 'u64', values: random },
      { name: 'owner', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => i >> 3) },
      { name: 'maybe_id', type: 'u64', values: random.slice().reverse(), valid: Uint8Array.from({ length: rows }, (_, i) => (i % 7 ? 1 : 0)) },
    ];
    const opts = { rowGroupRows: 16_384, pageRows: 4_096 };
    const bytes = encodeParquet(cols, rows, opts);
    expect(Buffer.from(encodeParquet(cols, rows, { ...opts, pages })).equals(Buffer.from(bytes))).toBe(true);
    const f = save(bytes);
    await checkPages(bytes, f);
    const codec = await duck.all(`SELECT DISTINCT path_in_schema AS c, compression FROM parquet_metadata(${f}) ORDER BY 1`);
    expect(codec.map((r) => [r.c, r.compression])).toEqual([
      ['maybe_id', 'UNCOMPRESSED'],
      ['owner', 'ZSTD'],
      ['random_id', 'UNCOMPRESSED'],
    ]);
    const back = await duck.all(`SELECT random_id::VARCHAR AS r, owner, maybe_id::VARCHAR AS m FROM read_parquet(${f})`);
    for (let i = 0; i < rows; i += 97) {
      expect(back[i].r).toBe(String(random[i]));
      expect(back[i].owner).toBe(i >> 3);
      expect(back[i].m).toBe(i % 7 ? String(random[rows - 1 - i]) : null);
    }
  });

  it('statistics equal DuckDB min / max / null count per row group (TypeScript and wasm paths, edge values, arrivals)', async () => {
    const cases: [FastColumn[], number, { rowGroupRows: number; pageRows?: number }][] = [
      [edgeTable(ROWS), ROWS, OPTS],
      [delta(edgeTable(ROWS)), ROWS, { rowGroupRows: 1_500, pageRows: 128 }],
      [delta(arrivalColumns(40_000, 3)), 40_000, { rowGroupRows: 16_384 }],
    ];
    for (const [cols, rows, opts] of cases) {
      const ts = encodeParquet(cols, rows, opts);
      expect(Buffer.from(encodeParquet(cols, rows, { ...opts, pages })).equals(Buffer.from(ts))).toBe(true);
      const { got, want } = await statsVsDuck(save(ts), cols, opts.rowGroupRows);
      expect(got).toEqual(want);
    }
  });

  it('statistics: the float rules, all-null and NaN-only chunks, strings by UTF-8 bytes, u64 unsigned, dictionaries past the kernel marks', async () => {
    const rows = 6;
    const utf16Order = ['\uFB01', '\u{1F600}', 'Z', 'a']; // JS sorts 😀 (a surrogate pair) before ﬁ; UTF-8 bytes put it after
    const big = Array.from({ length: 70_000 }, (_, i) => `w${String(i).padStart(5, '0')}`);
    const cols: FastColumn[] = [
      { name: 'zero_min', type: 'f64', values: Float64Array.of(0, 1.5, 0, 2, 3, 0) },
      { name: 'zero_max', type: 'f64', values: Float64Array.of(-0, -1.5, 0, -2, -3, -0) },
      { name: 'nan_only', type: 'f64', values: Float64Array.of(NaN, NaN, NaN, NaN, NaN, NaN) },
      { name: 'nan_some', type: 'f64', values: Float64Array.of(NaN, 4, NaN, -Infinity, 7, NaN), valid: Uint8Array.of(1, 1, 1, 1, 0, 1) },
      { name: 'none', type: 'i64', values: BigInt64Array.of(1n, 2n, 3n, 4n, 5n, 6n), valid: new Uint8Array(rows) },
      { name: 'none_dict', type: 'dict', values: new Int32Array(rows), dict: [], valid: new Uint8Array(rows) },
      { name: 'u64', type: 'u64', values: BigUint64Array.of(2n ** 63n, 1n, 2n ** 64n - 1n, 5n, 2n ** 63n - 1n, 0n), valid: Uint8Array.of(1, 1, 1, 1, 1, 0) },
      { name: 'i64', type: 'i64', values: BigInt64Array.of(-(2n ** 63n), 1n, 2n ** 63n - 1n, -5n, 0n, 7n), encoding: 'delta' },
      { name: 'i32', type: 'i32', values: Int32Array.of(-(2 ** 31), 5, 2 ** 31 - 1, 0, -1, 3), valid: Uint8Array.of(0, 1, 1, 1, 1, 1) },
      { name: 'bools', type: 'bool', values: Uint8Array.of(1, 1, 0, 1, 1, 1), valid: Uint8Array.of(1, 1, 0, 1, 1, 1) },
      { name: 'utf8', type: 'dict', values: Int32Array.of(0, 1, 2, 3, 1, 0), dict: utf16Order },
      { name: 'unused', type: 'dict', values: Int32Array.of(1, 1, 2, 2, 1, 1), dict: ['a', 'b', 'c', 'z'] },
      { name: 'big_dict', type: 'dict', values: Int32Array.of(69_999, 5, 123, 65_536, 65_535, 7), dict: big },
    ];
    for (const opts of [{ pageRows: 4 }, { pageRows: 4, pages }]) {
      const bytes = encodeParquet(cols, rows, opts);
      const f = save(bytes);
      const { got, want } = await statsVsDuck(f, cols, rows);
      expect(got).toEqual(want);
      const by = Object.fromEntries(
        (await duck.all(`SELECT path_in_schema AS c, stats_min_value AS mn, stats_max_value AS mx, stats_null_count AS n FROM parquet_metadata(${f})`)).map(
          (r) => [r.c, r],
        ),
      );
      expect([by.zero_min.mn, by.zero_min.mx, by.zero_max.mn, by.zero_max.mx]).toEqual(['-0.0', '3.0', '-3.0', '0.0']);
      expect([by.nan_only.mn, by.nan_only.mx, by.nan_only.n]).toEqual([null, null, 0]);
      expect([by.nan_some.mn, by.nan_some.mx, by.nan_some.n]).toEqual([null, '4.0', 1]); // DuckDB shows -inf as NULL
      const raw = footerStats(bytes);
      const f64 = (u: TValue | undefined) => (u instanceof Uint8Array ? new DataView(u.buffer, u.byteOffset, u.length).getFloat64(0, true) : u);
      expect([f64(raw.nan_some.get(6)), f64(raw.nan_some.get(5)), raw.nan_some.get(3)]).toEqual([-Infinity, 4, 1]);
      expect(Object.is(f64(raw.zero_min.get(6)), -0) && Object.is(f64(raw.zero_max.get(5)), 0)).toBe(true);
      // null_count always; min_value / max_value (exact) when a value is present; never the deprecated min / max
      expect([...raw.nan_only.keys()]).toEqual([3]);
      expect([...raw.none_dict.keys()]).toEqual([3]);
      expect(raw.u64).toEqual(
        new Map<number, TValue>([
          [3, 1],
          [5, Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 255)],
          [6, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)],
          [7, true],
          [8, true],
        ]),
      );
      expect([by.none.mn, by.none.n, by.none_dict.mn, by.none_dict.n]).toEqual([null, rows, null, rows]);
      expect([by.u64.mn, by.u64.mx, by.i64.mn, by.i64.mx, by.i32.mn, by.i32.mx]).toEqual([
        '1',
        '18446744073709551615',
        '-9223372036854775808',
        '9223372036854775807',
        '-1',
        '2147483647',
      ]);
      expect([by.bools.mn, by.bools.mx, by.utf8.mn, by.utf8.mx, by.unused.mn, by.unused.mx]).toEqual(['true', 'true', 'Z', '\u{1F600}', 'b', 'c']);
      expect([by.big_dict.mn, by.big_dict.mx]).toEqual(['w00005', 'w69999']);
      expect(arrowValues(readParquetToArrow(bytes), cols)).toEqual(expectedRows(cols, rows));
    }
  });

  it('golden bytes: a fixed table and a fixed frame hash to pinned values (a zstd or encoder change that moves bytes fails here)', () => {
    // arrowSchema off: the pinned bytes are this encoder's and zstd's alone
    const cols = delta(edgeTable(1_000));
    const opts = { rowGroupRows: 512, pageRows: 100, arrowSchema: false };
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const frame = zstdCompress(new TextEncoder().encode('fraudworld '.repeat(500) + [...Array(500).keys()].join(',')));
    expect(sha(frame)).toBe('928647bde1c8bc69255d51093fc8bfc31eb31c95eeb3710a0bc80da67f634163');
    expect(sha(encodeParquet(cols, 1_000, opts))).toBe('0f15a011949eab7ca57fe4fe59f6577ad318c21521a48ccfe71ccc11948b6166');
    expect(sha(encodeParquet(cols, 1_000, { ...opts, pages }))).toBe('0f15a011949eab7ca57fe4fe59f6577ad318c21521a48ccfe71ccc11948b6166');
  });
});

describe('fastparquet: readParquetToArrow (parquet-rs) reads it back exactly', () => {
  it('Arrow types from the embedded ARROW:schema, nullability, every value', () => {
    const cols = edgeTable(ROWS);
    const t = readParquetToArrow(encodeParquet(cols, ROWS, OPTS));
    const types = Object.fromEntries(t.schema.fields.map((x) => [x.name, `${String(x.type)}${x.nullable ? '?' : ''}`]));
    expect(types).toEqual({
      merchant_id: 'Uint64',
      arrival_seq: 'Uint64',
      ts_utc: 'Timestamp<MICROSECOND, UTC>',
      bucket_index: 'Int32',
      legal_country_iso: 'Dictionary<Int8, Utf8>',
      tzid_primary: 'Dictionary<Int16, Utf8>',
      ts_local_primary: 'Timestamp<MICROSECOND>',
      channel_group: 'Dictionary<Int8, Utf8>',
      is_virtual: 'Bool',
      site_id: 'Uint64?',
      edge_id: 'Uint64?',
      tzid_operational: 'Dictionary<Int16, Utf8>?',
      ts_local_operational: 'Timestamp<MICROSECOND>?',
      lambda_realised: 'Float64',
      flag_nullable: 'Bool?',
      count_nullable: 'Int32?',
      i64_col: 'Int64',
    });
    expect(t.numRows).toBe(ROWS);
    expect(arrowValues(t, cols)).toEqual(expectedRows(cols, ROWS));
  });

  it("dictionaries at the index types' edges (127, 128, 32,767, 32,768 entries) read back in parquet-rs", () => {
    for (const [n, index] of [
      [127, 'Int8'],
      [128, 'Int16'],
      [32_767, 'Int16'],
      [32_768, 'Int32'],
    ] as const) {
      const dict = Array.from({ length: n }, (_, i) => `z${i}`);
      const cols: FastColumn[] = [{ name: 'z', type: 'dict', values: Int32Array.from({ length: n }, (_, i) => n - 1 - i), dict }];
      const t = readParquetToArrow(encodeParquet(cols, n));
      expect(String(t.schema.fields[0].type)).toBe(`Dictionary<${index}, Utf8>`);
      expect(t.getChild('z')!.get(0)).toBe(`z${n - 1}`);
    }
  });

  it('without ARROW:schema: parquet-rs maps the Parquet types (strings come back as plain Utf8)', () => {
    const cols = edgeTable(300);
    const t = readParquetToArrow(encodeParquet(cols, 300, { arrowSchema: false }));
    const types = Object.fromEntries(t.schema.fields.map((x) => [x.name, String(x.type)]));
    expect(types.merchant_id).toBe('Uint64');
    expect(types.ts_utc).toMatch(/^Timestamp<MICROSECOND, (UTC|\+00:00)>$/);
    expect(types.ts_local_primary).toBe('Timestamp<MICROSECOND>');
    expect(types.tzid_primary).toBe('Utf8');
    expect(arrowValues(t, cols)).toEqual(expectedRows(cols, 300));
  });
});

describe('fastparquet: deterministic bytes', () => {
  it('same input twice, copies in other buffers (offset views, SharedArrayBuffer), garbage under nulls -> same bytes', () => {
    const cols = edgeTable(ROWS);
    const a = encodeParquet(cols, ROWS, OPTS);
    expect(Buffer.from(encodeParquet(cols, ROWS, OPTS)).equals(Buffer.from(a))).toBe(true);
    const moved = cols.map((c) => {
      const pad = 3;
      const Ctor = c.values.constructor as new (b: ArrayBufferLike, o: number, n: number) => FastColumn['values'];
      const el = c.values.BYTES_PER_ELEMENT;
      const buf = new SharedArrayBuffer((c.values.length + pad) * el);
      const v = new Ctor(buf, pad * el, c.values.length);
      (v as Int32Array).set(c.values as Int32Array);
      if (c.valid) {
        // scribble over the null slots: their values must not matter
        for (let i = 0; i < v.length; i++) if (c.valid[i] === 0) (v as Int32Array)[i] = (typeof v[0] === 'bigint' ? 99n : 1) as never;
      }
      return { ...c, values: v, ...(c.valid ? { valid: c.valid.slice() } : {}) };
    });
    expect(Buffer.from(encodeParquet(moved, ROWS, OPTS)).equals(Buffer.from(a))).toBe(true);
  });

  it('parts depend only on the row count: parquetParts == encoding each slice on its own', () => {
    const rows = 10_000;
    const cols = arrivalColumns(rows, 5);
    const parts = [...parquetParts(cols, rows, 4_096)];
    expect(parts.map((p) => [p.name, p.rows])).toEqual([
      ['part-00000.parquet', 4096],
      ['part-00001.parquet', 4096],
      ['part-00002.parquet', 1808],
    ]);
    parts.forEach((p, k) => {
      const own = cols.map((c) => ({
        ...c,
        values: c.values.slice(k * 4096, k * 4096 + p.rows),
        ...(c.valid ? { valid: c.valid.slice(k * 4096, k * 4096 + p.rows) } : {}),
      }));
      expect(Buffer.from(encodeParquet(own, p.rows)).equals(Buffer.from(p.bytes))).toBe(true);
    });
  });

  it('on the pool: KernelPool.encodeParquet gives the in-thread bytes (shared and non-shared columns)', async () => {
    const rows = 20_000;
    const cols = arrivalColumns(rows, 9);
    const pool = new KernelPool(2);
    try {
      const parts = [
        [0, 8_192],
        [8_192, 16_384],
        [16_384, rows],
      ];
      const got = await Promise.all(parts.map(([a, b]) => pool.encodeParquet(sliceColumns(cols, a, b), b - a)));
      parts.forEach(([a, b], k) => expect(Buffer.from(got[k]).equals(Buffer.from(encodeParquet(sliceColumns(cols, a, b), b - a)))).toBe(true));
    } finally {
      await pool.close();
    }
  });
});

describe('fastparquet: wasm page bodies (assembly/io/parquet.ts) give the TypeScript bytes', () => {
  const pages = wasmPageKernel(instantiateKernelsSync());
  const same = (cols: FastColumn[], rows: number, opts: Parameters<typeof encodeParquet>[2] = {}) => {
    const ts = encodeParquet(cols, rows, opts);
    expect(Buffer.from(encodeParquet(cols, rows, { ...opts, pages })).equals(Buffer.from(ts))).toBe(true);
    return ts;
  };
  const delta = (cols: FastColumn[]) =>
    cols.map((c) => (['u64', 'i64', 'i32', 'ts_utc_us', 'ts_local_us'].includes(c.type) ? { ...c, encoding: 'delta' as const } : c));

  it('edge-case table, plain and delta, small and default pages', () => {
    for (const cols of [edgeTable(ROWS), delta(edgeTable(ROWS))]) {
      same(cols, ROWS, OPTS);
      same(cols, ROWS);
      same(cols, ROWS, { pageRows: 7, rowGroupRows: 1_000 });
    }
  });

  it('arrivals-shaped tables, wide deltas, values each side of ±2^51, i32 wrap-around deltas', () => {
    const rows = 30_000;
    const arr = delta(arrivalColumns(rows, 11));
    const wide = BigInt64Array.from({ length: rows }, (_, i) => BigInt(((i * 2_654_435_761) % 2 ** 32) * ((i % 7) + 1) * 4096 - 2 ** 44));
    arr.push({ name: 'wide', type: 'i64', values: wide, encoding: 'delta' });
    // pages straddling the limit: some go PLAIN, the rest DELTA with 52-53 bit offsets
    const L = 2n ** 51n;
    arr.push({
      name: 'limit',
      type: 'i64',
      values: BigInt64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? L - 1n - BigInt(i) : i % 3 === 1 ? -L + 1n + BigInt(i) : i > 20_000 ? L : 0n)),
      encoding: 'delta',
    });
    arr.push({ name: 'wrap', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => (i % 2 ? 2 ** 31 - 1 - i : -(2 ** 31) + i)), encoding: 'delta' });
    arr.push({
      name: 'nullable_delta',
      type: 'ts_utc_us',
      values: wide,
      valid: Uint8Array.from({ length: rows }, (_, i) => (i % 5 === 0 || i > 25_000 ? 0 : 1)),
      encoding: 'delta',
    });
    for (const pageRows of [5_000, 128, 129, 1]) same(arr, rows, { rowGroupRows: 16_384, pageRows });
    same(arr, rows);
    const bytes = same(arr, rows, { rowGroupRows: 16_384, pageRows: 5_000 });
    expect(arrowValues(readParquetToArrow(bytes), arr)).toEqual(expectedRows(arr, rows));
  });

  it('dictionary widths 1..17, all-null and nullable-declared columns, empty dictionary', () => {
    const rows = 3_001;
    const dicts: FastColumn[] = [1, 2, 3, 129, 400, 70_000].map((n, k) => ({
      name: `d${n}`,
      type: 'dict' as const,
      dict: Array.from({ length: n }, (_, i) => `v${i}`),
      values: (k % 2 ? Uint16Array : Int32Array).from({ length: rows }, (_, i) => (k % 2 ? (i * 7919) % n : Math.floor(i / 37) % n)),
    }));
    same(dicts, rows, { pageRows: 1000 });
    const none = new Uint8Array(rows);
    same(
      [
        { name: 'a', type: 'u64', values: new BigUint64Array(rows).fill(7n), valid: none, encoding: 'delta' },
        { name: 'b', type: 'dict', values: new Int32Array(rows), dict: [], valid: none },
        { name: 'c', type: 'i32', values: Int32Array.from({ length: rows }, (_, i) => i), nullable: true, encoding: 'delta' },
        { name: 'd', type: 'dict', values: new Uint8Array(rows), dict: ['x'], nullable: true },
        { name: 'e', type: 'f64', values: new Float64Array(rows).fill(0.5), nullable: true },
      ],
      rows,
      { pageRows: 512 },
    );
  });

  it('pages larger than the scratch fall back to TypeScript; bad input throws the same messages', () => {
    const rows = pages.rows + 10;
    const cols = delta(arrivalColumns(rows, 2));
    same(cols, rows, { pageRows: rows, rowGroupRows: rows });
    const bad: FastColumn[] = [{ name: 'c', type: 'dict', values: Int32Array.of(0, 1, 2), dict: ['a', 'b'] }];
    expect(() => encodeParquet(bad, 3, { pages })).toThrow(/code 2 outside its 2-entry dictionary/);
    expect(() => encodeParquet([{ name: 'x', type: 'i32', values: new Int32Array(3), valid: Uint8Array.of(1, 2, 0) }], 3, { pages })).toThrow(
      /valid must hold 0 or 1, got 2 at row 1/,
    );
  });
});

describe('fastparquet: wasm pages read columns in place when they live in wasm memory (as 5B kernel outputs do)', () => {
  const ex = instantiateKernelsSync();
  const pages = wasmPageKernel(ex);
  /** The same columns with values and validity copied into this instance's memory. */
  const inWasm = (cols: FastColumn[]): FastColumn[] => {
    ex.resetHeap();
    const place = <T extends { byteLength: number; buffer: ArrayBufferLike; byteOffset: number; length: number }>(a: T): T => {
      const p = ex.alloc(Math.max(8, a.byteLength)) as number;
      const bytes = new Uint8Array((ex.memory as WebAssembly.Memory).buffer, p, a.byteLength);
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      const C = (a as unknown as { constructor: new (b: ArrayBufferLike, o: number, n: number) => T }).constructor;
      return new C((ex.memory as WebAssembly.Memory).buffer, p, a.length);
    };
    return cols.map((c) => ({ ...c, values: place(c.values), ...(c.valid ? { valid: place(c.valid) } : {}) }));
  };

  it('the same bytes as TypeScript, and the columns are left as they were', () => {
    const rows = 20_000;
    const base = arrivalColumns(rows, 5).map((c) =>
      ['u64', 'i64', 'i32', 'ts_utc_us', 'ts_local_us'].includes(c.type) ? { ...c, encoding: 'delta' as const } : c,
    );
    base.push({
      name: 'sparse',
      type: 'ts_local_us',
      values: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 977n),
      valid: Uint8Array.from({ length: rows }, (_, i) => (i % 3 ? 0 : 1)),
      encoding: 'delta',
    });
    base.push({
      name: 'codes',
      type: 'dict',
      values: Int32Array.from({ length: rows }, (_, i) => i % 5),
      dict: ['a', 'b', 'c', 'd', 'e'],
      valid: Uint8Array.from({ length: rows }, (_, i) => (i % 4 ? 1 : 0)),
    });
    const ts = encodeParquet(base, rows, { pageRows: 3_000, rowGroupRows: 8_192 });
    const cols = inWasm(base);
    const before = cols.map((c) => Buffer.from(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength)));
    expect(Buffer.from(encodeParquet(cols, rows, { pageRows: 3_000, rowGroupRows: 8_192, pages })).equals(Buffer.from(ts))).toBe(true);
    cols.forEach((c, k) => expect(Buffer.from(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength)).equals(before[k])).toBe(true));
  });

  it('bad codes and validity in place throw the TypeScript messages', () => {
    expect(() => encodeParquet(inWasm([{ name: 'c', type: 'dict', values: Int32Array.of(0, 1, 2), dict: ['a', 'b'] }]), 3, { pages })).toThrow(
      /code 2 outside its 2-entry dictionary/,
    );
    expect(() => encodeParquet(inWasm([{ name: 'x', type: 'i32', values: new Int32Array(3), valid: Uint8Array.of(1, 2, 0) }]), 3, { pages })).toThrow(
      /valid must hold 0 or 1, got 2 at row 1/,
    );
  });
});

describe('fastparquet: refuses bad input', () => {
  const base = (): FastColumn[] => [{ name: 'c', type: 'dict', values: Int32Array.of(0, 1, 2), dict: ['a', 'b'] }];
  it('codes outside the dictionary, wrong array types, wrong lengths, bad validity', () => {
    expect(() => encodeParquet(base(), 3)).toThrow(/code 2 outside its 2-entry dictionary/);
    expect(() => encodeParquet([{ name: 'x', type: 'u64', values: new Float64Array(3) }], 3)).toThrow(/u64 needs a BigUint64Array/);
    expect(() => encodeParquet([{ name: 'x', type: 'i32', values: new Int32Array(2) }], 3)).toThrow(/expected 3 values/);
    expect(() => encodeParquet([{ name: 'x', type: 'i32', values: new Int32Array(3), valid: Uint8Array.of(1, 2, 0) }], 3)).toThrow(/valid must hold 0 or 1/);
    expect(() =>
      encodeParquet(
        [
          { name: 'x', type: 'i32', values: new Int32Array(3) },
          { name: 'x', type: 'i32', values: new Int32Array(3) },
        ],
        3,
      ),
    ).toThrow(/unique/);
    expect(() =>
      encodeParquet([{ name: 'x', type: 'dict', values: new Int32Array(3), dict: Array.from({ length: 200 }, String), dictIndex: 'int8' }], 3),
    ).toThrow(/do not fit int8/);
  });
});
