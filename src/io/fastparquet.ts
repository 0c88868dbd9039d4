/**
 * A small, fast, deterministic Parquet encoder for wide typed-array row batches
 * (segment 5B's arrival_events and anything shaped like it). Pure TypeScript,
 * synchronous: call it in a pool worker (KernelPool.encodeParquet /
 * `{ fastParquet }` task), or anywhere for small tables.
 *
 * What it writes (Parquet format 1 / data page V1):
 *   - fixed-width columns (u64, i64, i32, f64, ts_*): PLAIN. The page body is the
 *     typed array's own little-endian bytes, so a required column costs one memcpy.
 *     Integer columns with `encoding: 'delta'`: DELTA_BINARY_PACKED (about half the
 *     file for sorted ids / sequences / timestamps; bench/README.md has the numbers).
 *   - bool: PLAIN (bit-packed, LSB first).
 *   - dict (strings as codes + dictionary): one PLAIN dictionary page per column
 *     chunk holding the WHOLE `dict` (in the given order, used or not), then
 *     RLE_DICTIONARY data pages (RLE / bit-packed hybrid, bit width of dict.length-1).
 *   - nullable columns: OPTIONAL, RLE/bit-packed definition levels, then only the
 *     present values.
 *   - one row group per `rowGroupRows` rows (default 1,048,576), data pages of
 *     `pageRows` rows (default 131,072), both counted from the file's first row.
 *   - every page body (definition levels included; dictionary pages too) as one ZSTD
 *     level-1 frame (src/io/zstd.ts), except in column chunks whose first data page ZSTD
 *     leaves above 95% of its size (random ids): those chunks are UNCOMPRESSED, which
 *     saves a zstd pass per byte for a few bytes per page.
 *   - per column chunk, Statistics: null_count and exact min_value / max_value of the
 *     present values in the column's sort order (signed INT32/INT64/timestamps, unsigned
 *     u64, IEEE doubles ignoring NaN with the -0/+0 rule, false < true, strings by UTF-8
 *     bytes of the values used), plus column_orders (TYPE_ORDER) as the format asks.
 * Before the first call on a thread: `await ready()` (zstd's wasm loads asynchronously).
 *
 * Types (what DuckDB and parquet-rs see; matches what writeParquet/parquet-rs writes):
 *   u64        INT64  UINT_64 + IntType(64, unsigned)        DuckDB UBIGINT
 *   i64        INT64                                          BIGINT
 *   i32        INT32                                          INTEGER
 *   u32        INT32  UINT_32 + IntType(32, unsigned)        UINTEGER
 *   date32     INT32  DATE + DATE (days since 1970-01-01)    DATE
 *   f64        DOUBLE                                         DOUBLE
 *   bool       BOOLEAN                                        BOOLEAN
 *   ts_utc_us  INT64  TIMESTAMP_MICROS + TIMESTAMP(MICROS, isAdjustedToUTC=true)  TIMESTAMP WITH TIME ZONE
 *   ts_local_us INT64 TIMESTAMP_MICROS + TIMESTAMP(MICROS, isAdjustedToUTC=false) TIMESTAMP
 *   dict       BYTE_ARRAY UTF8 + STRING, dictionary-encoded   VARCHAR
 * The Arrow schema is embedded as `ARROW:schema` (as parquet-rs does), so
 * readParquetToArrow returns Uint64 / Timestamp(us,'UTC') / Timestamp(us) /
 * Dictionary<Int8|Int16|Int32, Utf8> / Bool / Int32 / Float64 with the given nullability.
 * The dictionary index type is the smallest signed type that holds dict.length
 * codes (Int8 up to 127 values, Int16 up to 32,767: parquet-rs refuses longer ones) unless `dictIndex` says otherwise.
 *
 * Determinism: the bytes are a pure function of (columns' names, types, values,
 * validity, dictionaries, rows, options) and the zstd build (pinned; a golden hash in
 * tests/io.fastparquet.test.ts notices a change). No timestamps, no random ids, no
 * dependence on how the caller built its arrays; null slots' values are ignored.
 * Part files cut with `parquetParts` depend only on the row count.
 *
 * Little-endian hosts only (x86-64, arm64): PLAIN is the typed array's memory.
 */
import { endianness } from 'node:os';
import * as arrow from 'apache-arrow';
import { assertZstdReady, zstdCompress } from './zstd.js';

export { ready } from './zstd.js';

export type FastColumnType = 'u64' | 'i64' | 'i32' | 'u32' | 'date32' | 'f64' | 'bool' | 'ts_utc_us' | 'ts_local_us' | 'dict';

export type DictCodes = Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

export interface FastColumn {
  name: string;
  type: FastColumnType;
  /**
   * u64: BigUint64Array; i64/ts_*: BigInt64Array (or BigUint64Array, same bits);
   * i32 / date32 (days since the epoch): Int32Array; u32: Uint32Array; f64: Float64Array; bool: Uint8Array (0/1, one byte per row);
   * dict: integer codes into `dict`. Exactly `rows` elements; null slots may hold anything.
   */
  values: BigUint64Array | BigInt64Array | Int32Array | Float64Array | DictCodes;
  /** dict only: the strings the codes point at (≤ 16,777,216). */
  dict?: readonly string[];
  /** 1 = present, 0 = null, one byte per row. Makes the column nullable. */
  valid?: Uint8Array;
  /** Declare the column OPTIONAL even when this batch has no `valid` (so every part has one schema). */
  nullable?: boolean;
  /** dict only: Arrow index type in the embedded schema (default: smallest that fits dict.length). */
  dictIndex?: 'int8' | 'int16' | 'int32';
  /**
   * u64 / i64 / i32 / ts_* only: 'delta' writes DELTA_BINARY_PACKED pages (small for sorted, run-heavy
   * or slowly changing columns: ids in runs, sequence numbers, timestamps). A page whose values or
   * values leave ±2^51 (e.g. u64 ≥ 2^63) is written PLAIN instead. Default 'plain'.
   */
  encoding?: 'plain' | 'delta';
  /**
   * i64 only: refuse a negative value, read from each chunk's statistics (no pass of its own): a u64 id
   * at or above 2^63 published as INT64 would read back negative.
   */
  nonNegative?: boolean;
}

export interface FastParquetOptions {
  /** Rows per row group (default 1,048,576). */
  rowGroupRows?: number;
  /** Rows per data page (default 131,072: 1 MiB for an 8-byte column). */
  pageRows?: number;
  /** Embed `ARROW:schema` (default true). Without it parquet-rs readers get dict columns as plain Utf8. */
  arrowSchema?: boolean;
  /** Extra key-value metadata (written after ARROW:schema, in the given order). */
  metadata?: readonly (readonly [string, string])[];
  /**
   * Page bodies from wasm (src/io/fastparquet_wasm.ts): the same bytes, several times faster for
   * delta, dictionary and nullable columns. Not serialisable: a pool worker adds its own.
   */
  pages?: PageKernel;
  /** Zeroed bytes allocated after the file in the returned buffer, for the caller's trailer (a digest). */
  spare?: number;
}

/** A page-body encoder whose output is byte-identical to this file's TypeScript functions. */
export interface PageKernel {
  /** most rows one page may have */
  rows: number;
  /** dictionaries up to this many entries can have their used codes marked (StatKind 5) */
  seenCodes: number;
  /**
   * The body (definition levels, then values) of rows [a, b): `values` are a fixed-width column's
   * bytes (width bytes per row) or a dict column's codes. The body may be a view valid only until
   * the next call (the caller compresses it at once). With `stat` it also gives the count of present
   * values and their min and max (sentinels when none; f64: min > max when only NaN), or for a dict
   * marks the codes used in seen(). On a bad validity byte or code it says which, and the caller lets
   * the TypeScript path throw its message.
   */
  page(
    kind: PageKind,
    a: number,
    b: number,
    width: number,
    optional: boolean,
    valid: Uint8Array | undefined,
    values: Uint8Array | DictCodes,
    dictN: number,
    dictBits: number,
    stat: StatKind,
  ): { body: Uint8Array; encoding: number; present: number; min: number | bigint; max: number | bigint } | { error: 'valid' | 'code' };
  /** Marks (1 = used) of codes [0, dictN) since the caller last zeroed them: a view into the kernel's memory. */
  seen(dictN: number): Uint8Array;
}

/** 0 PLAIN, 1 DELTA_BINARY_PACKED (PLAIN when out of range), 2 RLE_DICTIONARY */
export type PageKind = 0 | 1 | 2;
/** Page statistics a PageKernel gathers: 0 none, 1 i32, 2 i64, 3 u64, 4 f64, 5 dict codes used */
export type StatKind = 0 | 1 | 2 | 3 | 4 | 5;

export const FAST_PARQUET_CREATED_BY = 'fraudworld version 0.1.0 (build fastparquet)';
export const FAST_ROW_GROUP_ROWS = 1_048_576;
export const FAST_PAGE_ROWS = 131_072;
const MAX_DICT = 1 << 24;

// ---------------------------------------------------------------------------
// Parquet enums (parquet.thrift)
// ---------------------------------------------------------------------------
const T_BOOLEAN = 0,
  T_INT32 = 1,
  T_INT64 = 2,
  T_DOUBLE = 5,
  T_BYTE_ARRAY = 6;
const CT_UTF8 = 0,
  CT_DATE = 6,
  CT_TIMESTAMP_MICROS = 10,
  CT_UINT_32 = 13,
  CT_UINT_64 = 14;
const REQUIRED = 0,
  OPTIONAL = 1;
const E_PLAIN = 0,
  E_RLE = 3,
  E_DELTA_BINARY_PACKED = 5,
  E_RLE_DICTIONARY = 8;
const PAGE_DATA = 0,
  PAGE_DICTIONARY = 2;
const CODEC_ZSTD = 6; // CompressionCodec in parquet.thrift (not parquet-wasm's enum)
const CODEC_UNCOMPRESSED = 0;
/** A chunk whose first data page ZSTD keeps above this share of its size is written uncompressed (random ids). */
const INCOMPRESSIBLE = 0.95;

// Thrift compact protocol type ids
const CT_TRUE = 1,
  CT_FALSE = 2,
  CT_BYTE = 3,
  CT_I16 = 4,
  CT_I32 = 5,
  CT_I64 = 6,
  CT_BINARY = 8,
  CT_LIST = 9,
  CT_STRUCT = 12;

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------
// Growable byte buffer
// ---------------------------------------------------------------------------
class Bytes {
  buf: Uint8Array;
  pos = 0;
  constructor(cap = 256) {
    this.buf = new Uint8Array(cap);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }
  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  /** Unsigned LEB128 of a non-negative integer < 2^53. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  u32le(v: number): void {
    this.ensure(4);
    const b = this.buf,
      p = this.pos;
    b[p] = v & 255;
    b[p + 1] = (v >>> 8) & 255;
    b[p + 2] = (v >>> 16) & 255;
    b[p + 3] = (v >>> 24) & 255;
    this.pos += 4;
  }
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  /** A copy of the written bytes. */
  take(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

// ---------------------------------------------------------------------------
// Thrift compact protocol writer (only what FileMetaData / PageHeader need)
// ---------------------------------------------------------------------------
class Thrift extends Bytes {
  private last = 0;
  private stack: number[] = [];
  private field(type: number, id: number): void {
    const d = id - this.last;
    if (d > 0 && d <= 15) this.byte((d << 4) | type);
    else {
      this.byte(type);
      this.varint(id >= 0 ? 2 * id : -2 * id - 1);
    }
    this.last = id;
  }
  private zz(v: number): number {
    return v >= 0 ? 2 * v : -2 * v - 1;
  }
  i32(id: number, v: number): this {
    this.field(CT_I32, id);
    this.varint(this.zz(v));
    return this;
  }
  i64(id: number, v: number): this {
    this.field(CT_I64, id);
    this.varint(this.zz(v));
    return this;
  }
  i16(id: number, v: number): this {
    this.field(CT_I16, id);
    this.varint(this.zz(v));
    return this;
  }
  i8(id: number, v: number): this {
    this.field(CT_BYTE, id);
    this.byte(v & 255);
    return this;
  }
  bool(id: number, v: boolean): this {
    this.field(v ? CT_TRUE : CT_FALSE, id);
    return this;
  }
  bin(id: number, v: Uint8Array): this {
    this.field(CT_BINARY, id);
    this.varint(v.length);
    this.bytes(v);
    return this;
  }
  str(id: number, s: string): this {
    return this.bin(id, utf8.encode(s));
  }
  begin(id: number): this {
    this.field(CT_STRUCT, id);
    return this.enter();
  }
  /** Start a struct that is a list element (no field header). */
  enter(): this {
    this.stack.push(this.last);
    this.last = 0;
    return this;
  }
  end(): this {
    this.byte(0);
    this.last = this.stack.pop()!;
    return this;
  }
  list(id: number, elemType: number, size: number): this {
    this.field(CT_LIST, id);
    if (size < 15) this.byte((size << 4) | elemType);
    else {
      this.byte(0xf0 | elemType);
      this.varint(size);
    }
    return this;
  }
  elemI32(v: number): this {
    this.varint(this.zz(v));
    return this;
  }
  elemStr(s: string): this {
    const b = utf8.encode(s);
    this.varint(b.length);
    this.bytes(b);
    return this;
  }
}

// ---------------------------------------------------------------------------
// RLE / bit-packed hybrid (definition levels and dictionary indices)
// ---------------------------------------------------------------------------

/** Minimum run that is written as an RLE run rather than inside a bit-packed run. */
const RLE_MIN = 8;

/**
 * Append the hybrid encoding of src[from, to) (values < 2^width, width 1..24)
 * to `w`. Deterministic: long runs (≥ 8) become RLE runs, everything else is
 * bit-packed in groups of 8; a bit-packed run stops at the first group boundary
 * where a long run starts. Only the very last group may be zero-padded.
 */
function hybrid(w: Bytes, src: ArrayLike<number>, from: number, to: number, width: number): void {
  const vbytes = (width + 7) >> 3;
  let i = from;
  while (i < to) {
    const v = src[i];
    let j = i + 1;
    while (j < to && src[j] === v) j++;
    if (j - i >= RLE_MIN) {
      w.varint((j - i) * 2);
      w.ensure(4);
      for (let k = 0, x = v; k < vbytes; k++, x >>>= 8) w.buf[w.pos++] = x & 255;
      i = j;
      continue;
    }
    // bit-packed groups of 8 from i
    let k = i;
    for (;;) {
      k += 8;
      if (k >= to) break;
      // does a long run start at k?
      const u = src[k];
      let r = k + 1;
      while (r < to && r - k < RLE_MIN && src[r] === u) r++;
      if (r - k >= RLE_MIN) break;
    }
    const groups = (k - i) >> 3;
    w.varint(groups * 2 + 1);
    w.ensure(groups * width);
    const buf = w.buf;
    let pos = w.pos;
    let acc = 0;
    let bits = 0;
    // the final group is zero-padded to 8 values when k > to
    for (let p = i; p < k; p++) {
      if (p < to) acc |= src[p] << bits;
      bits += width;
      while (bits >= 8) {
        buf[pos++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
    w.pos = pos;
    i = k;
  }
}

function bitWidth(maxValue: number): number {
  let b = 1;
  while (b < 24 && maxValue >= 2 ** b) b++;
  return b;
}

// ---------------------------------------------------------------------------
// DELTA_BINARY_PACKED (blocks of 128 values, 4 miniblocks of 32)
// ---------------------------------------------------------------------------
const TWO32 = 4_294_967_296;
// ±2^51 keeps every delta within ±2^52 and every delta − min below 2^53: exact in doubles
const LIMIT = 2 ** 51;
const deltas = new Float64Array(128);

function bitsOf(x: number): number {
  return x < TWO32 ? 32 - Math.clz32(x) : 32 + (32 - Math.clz32(Math.floor(x / TWO32)));
}

/**
 * Append a DELTA_BINARY_PACKED body of `count` values (int32 words, `k` words per value,
 * little-endian, starting at word `from`) to `w`. Arithmetic is exact in doubles: returns
 * false (w unchanged) when a value leaves ±2^51.
 */
function deltaBody(w: Bytes, words: Int32Array, k: number, from: number, count: number): boolean {
  const start = w.pos;
  const val = k === 2 ? (i: number) => words[from + 2 * i + 1] * TWO32 + (words[from + 2 * i] >>> 0) : (i: number) => words[from + i];
  const zz = (v: number) => (v >= 0 ? 2 * v : -2 * v - 1);
  w.varint(128);
  w.varint(4);
  w.varint(count);
  if (count === 0) {
    w.varint(0);
    return true;
  }
  let prev = val(0);
  if (!(prev > -LIMIT && prev < LIMIT)) {
    w.pos = start;
    return false;
  }
  w.varint(zz(prev));
  for (let s = 1; s < count; s += 128) {
    const m = Math.min(128, count - s);
    let min = Infinity;
    for (let j = 0; j < m; j++) {
      const v = val(s + j);
      if (!(v > -LIMIT && v < LIMIT)) {
        w.pos = start;
        return false;
      }
      // INT32 pages use 32-bit wrap-around deltas (readers hold min_delta in an int32)
      const d = k === 1 ? (v - prev) | 0 : v - prev;
      deltas[j] = d;
      if (d < min) min = d;
      prev = v;
    }
    w.varint(zz(min));
    const widthAt = w.pos;
    w.ensure(4 + 4 * 32 * 7);
    w.pos += 4;
    for (let mb = 0; mb < 4; mb++) {
      const a = mb * 32;
      const b = Math.min(m, a + 32);
      if (a >= b) {
        w.buf[widthAt + mb] = 0;
        continue;
      }
      let max = 0;
      for (let j = a; j < b; j++) if (deltas[j] - min > max) max = deltas[j] - min;
      const width = max === 0 ? 0 : bitsOf(max);
      w.buf[widthAt + mb] = width;
      if (width === 0) continue;
      w.ensure(width * 4);
      const buf = w.buf;
      let pos = w.pos;
      let acc = 0;
      let bits = 0;
      if (width <= 24) {
        for (let j = a; j < a + 32; j++) {
          acc |= (j < b ? deltas[j] - min : 0) << bits;
          bits += width;
          while (bits >= 8) {
            buf[pos++] = acc & 255;
            acc >>>= 8;
            bits -= 8;
          }
        }
        w.pos = pos;
        continue;
      }
      for (let j = a; j < a + 32; j++) {
        let x = j < b ? deltas[j] - min : 0;
        let left = width;
        while (left > 0) {
          const take = left > 24 ? 24 : left;
          const piece = take === 24 && left > 24 ? x % 16_777_216 : x;
          acc |= piece << bits;
          bits += take;
          left -= take;
          x = Math.floor(x / 16_777_216);
          while (bits >= 8) {
            buf[pos++] = acc & 255;
            acc >>>= 8;
            bits -= 8;
          }
        }
      }
      w.pos = pos;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Column preparation
// ---------------------------------------------------------------------------

interface Prepared {
  col: FastColumn;
  ptype: number;
  optional: boolean;
  /** bytes per value for fixed-width PLAIN columns, 0 otherwise */
  width: number;
  /** Int32 view over the values' bytes (fixed-width columns) */
  words?: Int32Array;
  /** raw bytes of the values (fixed-width columns) */
  raw?: Uint8Array;
  dictPage?: DictPage;
  dictBits?: number;
  delta: boolean;
  /** statistics sort order of INT64 values: unsigned for u64 (UINT_64), signed otherwise */
  unsigned: boolean;
}

interface DictPage {
  /** PLAIN dictionary page body, and that body as a ZSTD frame */
  raw: Uint8Array;
  z: Uint8Array;
  /** each entry's UTF-8 bytes (statistics compare these) */
  entries: Uint8Array[];
}

const FIXED: Record<string, { ptype: number; width: number; ok: string[] }> = {
  u64: { ptype: T_INT64, width: 8, ok: ['BigUint64Array', 'BigInt64Array'] },
  i64: { ptype: T_INT64, width: 8, ok: ['BigInt64Array', 'BigUint64Array'] },
  ts_utc_us: { ptype: T_INT64, width: 8, ok: ['BigInt64Array', 'BigUint64Array'] },
  ts_local_us: { ptype: T_INT64, width: 8, ok: ['BigInt64Array', 'BigUint64Array'] },
  i32: { ptype: T_INT32, width: 4, ok: ['Int32Array'] },
  u32: { ptype: T_INT32, width: 4, ok: ['Uint32Array'] },
  date32: { ptype: T_INT32, width: 4, ok: ['Int32Array'] },
  f64: { ptype: T_DOUBLE, width: 8, ok: ['Float64Array'] },
};
const CODE_ARRAYS = ['Int32Array', 'Int16Array', 'Int8Array', 'Uint8Array', 'Uint16Array', 'Uint32Array'];

/** Dictionary pages of recent dictionaries by content: a worker writes the same zones and countries into every part. */
const dictPages = new Map<string, DictPage>();
const DICT_PAGE_CACHE = 32;

/** PLAIN BYTE_ARRAY page body of the whole dictionary (4-byte length, UTF-8 bytes, per entry), compressed once. */
function dictPageOf(dict: readonly string[], where: string): DictPage {
  for (const s of dict) if (typeof s !== 'string') throw new Error(`${where}: dictionary entries must be strings`);
  const key = JSON.stringify(dict);
  const hit = dictPages.get(key);
  if (hit) return hit;
  const w = new Bytes(16 + dict.length * 8);
  const entries = dict.map((s) => {
    const b = utf8.encode(s);
    w.u32le(b.length);
    w.bytes(b);
    return b;
  });
  const raw = w.take();
  const page = { raw, z: zstdCompress(raw), entries };
  if (dictPages.size >= DICT_PAGE_CACHE) dictPages.delete(dictPages.keys().next().value!);
  dictPages.set(key, page);
  return page;
}

function prepare(col: FastColumn, rows: number): Prepared {
  const where = `encodeParquet: column '${col.name}'`;
  const v = col.values;
  const kind = v?.constructor?.name ?? typeof v;
  if (!v || v.length !== rows) throw new Error(`${where}: expected ${rows} values, got ${v ? v.length : 'none'}`);
  if (col.valid && col.valid.length !== rows) throw new Error(`${where}: valid has ${col.valid.length} entries, expected ${rows}`);
  if (col.valid && !(col.valid instanceof Uint8Array)) throw new Error(`${where}: valid must be a Uint8Array`);
  const optional = col.valid !== undefined || col.nullable === true;
  if (col.type === 'bool') {
    if (!(v instanceof Uint8Array)) throw new Error(`${where}: bool needs a Uint8Array (0/1 per row), got ${kind}`);
    if (col.encoding === 'delta') throw new Error(`${where}: encoding 'delta' is for integer columns`);
    return { col, ptype: T_BOOLEAN, optional, width: 0, delta: false, unsigned: false };
  }
  if (col.type === 'dict') {
    if (!CODE_ARRAYS.includes(kind)) throw new Error(`${where}: dict needs integer codes (Int32Array, ...), got ${kind}`);
    const dict = col.dict;
    if (!Array.isArray(dict)) throw new Error(`${where}: dict column needs dict: string[]`);
    if (dict.length > MAX_DICT) throw new Error(`${where}: dictionary has ${dict.length} entries (max ${MAX_DICT})`);
    if (col.encoding === 'delta') throw new Error(`${where}: encoding 'delta' is for integer columns`);
    return {
      col,
      ptype: T_BYTE_ARRAY,
      optional,
      width: 0,
      dictPage: dictPageOf(dict, where),
      dictBits: bitWidth(Math.max(0, dict.length - 1)),
      delta: false,
      unsigned: false,
    };
  }
  const f = FIXED[col.type];
  if (!f) throw new Error(`${where}: unknown type '${String(col.type)}'`);
  if (!f.ok.includes(kind)) throw new Error(`${where}: ${col.type} needs a ${f.ok[0]}, got ${kind}`);
  const t = v as BigUint64Array | Int32Array | Float64Array;
  if (col.encoding !== undefined && col.encoding !== 'plain' && col.encoding !== 'delta')
    throw new Error(`${where}: unknown encoding '${String(col.encoding)}'`);
  if (col.encoding === 'delta' && col.type === 'f64') throw new Error(`${where}: encoding 'delta' is for integer columns`);
  return {
    col,
    ptype: f.ptype,
    optional,
    width: f.width,
    delta: col.encoding === 'delta',
    unsigned: col.type === 'u64' || col.type === 'u32',
    raw: new Uint8Array(t.buffer, t.byteOffset, rows * f.width),
    words: new Int32Array(t.buffer, t.byteOffset, (rows * f.width) >> 2),
  };
}

// ---------------------------------------------------------------------------
// Page bodies
// ---------------------------------------------------------------------------

/** Definition levels of rows [a, b) (4-byte length + hybrid, width 1); returns the present count. */
function defLevels(w: Bytes, valid: Uint8Array, a: number, b: number, name: string): number {
  let present = 0;
  for (let i = a; i < b; i++) {
    const x = valid[i];
    if (x > 1) throw new Error(`encodeParquet: column '${name}': valid must hold 0 or 1, got ${x} at row ${i}`);
    present += x;
  }
  const lenAt = w.pos;
  w.u32le(0);
  hybrid(w, valid, a, b, 1);
  const len = w.pos - lenAt - 4;
  const p = w.buf;
  p[lenAt] = len & 255;
  p[lenAt + 1] = (len >>> 8) & 255;
  p[lenAt + 2] = (len >>> 16) & 255;
  p[lenAt + 3] = (len >>> 24) & 255;
  return present;
}

/** Present values of rows [a, b) of a fixed-width column, compacted. */
function compactFixed(p: Prepared, valid: Uint8Array, a: number, b: number, present: number): Uint8Array {
  const k = p.width >> 2; // int32 words per value
  const src = p.words!;
  const out = new Int32Array(present * k);
  let o = 0;
  let i = a;
  while (i < b) {
    if (valid[i] === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < b && valid[j] !== 0) j++;
    const n = (j - i) * k;
    if (n >= 32) out.set(src.subarray(i * k, j * k), o);
    else for (let q = 0, s = i * k; q < n; q++) out[o + q] = src[s + q];
    o += n;
    i = j;
  }
  return new Uint8Array(out.buffer);
}

function packBools(w: Bytes, v: Uint8Array, valid: Uint8Array | undefined, a: number, b: number): void {
  w.ensure(((b - a) >> 3) + 2);
  const buf = w.buf;
  let pos = w.pos;
  let acc = 0;
  let bits = 0;
  for (let i = a; i < b; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    if (v[i] !== 0) acc |= 1 << bits;
    if (++bits === 8) {
      buf[pos++] = acc;
      acc = 0;
      bits = 0;
    }
  }
  if (bits > 0) buf[pos++] = acc;
  w.pos = pos;
}

function dictIndices(w: Bytes, p: Prepared, valid: Uint8Array | undefined, a: number, b: number, present: number, scratch: { buf: Int32Array }): void {
  const codes = p.col.values as DictCodes;
  const n = p.col.dict!.length;
  let src: ArrayLike<number> = codes;
  let from = a;
  let to = b;
  if (valid !== undefined) {
    if (scratch.buf.length < present) scratch.buf = new Int32Array(Math.max(present, scratch.buf.length * 2));
    const s = scratch.buf;
    let o = 0;
    for (let i = a; i < b; i++) if (valid[i] !== 0) s[o++] = codes[i];
    src = s;
    from = 0;
    to = present;
  }
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (!(c >= 0 && c < n)) throw new Error(`encodeParquet: column '${p.col.name}': code ${c} outside its ${n}-entry dictionary`);
  }
  w.byte(p.dictBits!);
  hybrid(w, src, from, to, p.dictBits!);
}

// ---------------------------------------------------------------------------
// Statistics of a column chunk, from its values (run after its pages, which validate codes and validity)
// ---------------------------------------------------------------------------

interface Stats {
  nulls: number;
  /** PLAIN bytes (strings without their length); absent when no value (or only NaN) is present */
  min?: Uint8Array;
  max?: Uint8Array;
}

const SIGN = 0x80000000 | 0;
const leBytes = (a: Int32Array | Uint32Array | Float64Array | BigInt64Array | BigUint64Array) => new Uint8Array(a.buffer);

/** First present row of [a, b), or b. */
function firstPresent(valid: Uint8Array | undefined, a: number, b: number): number {
  if (valid) while (a < b && valid[a] === 0) a++;
  return a;
}

function minMaxI32(v: Int32Array, valid: Uint8Array | undefined, a: number, b: number): [Uint8Array, Uint8Array] {
  let i = firstPresent(valid, a, b);
  let mn = v[i],
    mx = mn;
  if (valid)
    for (; i < b; i++) {
      if (valid[i] === 0) continue;
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
  else
    for (; i < b; i++) {
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
  return [leBytes(Int32Array.of(mn)), leBytes(Int32Array.of(mx))];
}

function minMaxU32(v: Int32Array, valid: Uint8Array | undefined, a: number, b: number): [Uint8Array, Uint8Array] {
  let i = firstPresent(valid, a, b);
  let mn = v[i] >>> 0,
    mx = mn;
  for (; i < b; i++) {
    if (valid && valid[i] === 0) continue;
    const x = v[i] >>> 0;
    if (x < mn) mn = x;
    if (x > mx) mx = x;
  }
  return [leBytes(Uint32Array.of(mn)), leBytes(Uint32Array.of(mx))];
}

/**
 * 64-bit values as int32 word pairs: (hi, lo) compared lexicographically, hi signed (unsigned for u64,
 * by flipping its sign bit) and lo unsigned (sign bit flipped), so every comparison stays on int32s.
 */
function minMaxI64(w: Int32Array, valid: Uint8Array | undefined, a: number, b: number, unsigned: boolean): [Uint8Array, Uint8Array] {
  const flip = unsigned ? SIGN : 0;
  let i = firstPresent(valid, a, b);
  let mnH = w[2 * i + 1] ^ flip,
    mnL = w[2 * i] ^ SIGN;
  let mxH = mnH,
    mxL = mnL;
  for (; i < b; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    const h = w[2 * i + 1] ^ flip;
    if (h <= mnH) {
      const l = w[2 * i] ^ SIGN;
      if (h < mnH || l < mnL) {
        mnH = h;
        mnL = l;
      }
    }
    if (h >= mxH) {
      const l = w[2 * i] ^ SIGN;
      if (h > mxH || l > mxL) {
        mxH = h;
        mxL = l;
      }
    }
  }
  return [leBytes(Int32Array.of(mnL ^ SIGN, mnH ^ flip)), leBytes(Int32Array.of(mxL ^ SIGN, mxH ^ flip))];
}

/** IEEE order without NaN (comparisons with NaN are false); a zero min is written -0, a zero max +0 (parquet.thrift). */
function minMaxF64(v: Float64Array, valid: Uint8Array | undefined, a: number, b: number): [Uint8Array, Uint8Array] | undefined {
  let mn = Infinity,
    mx = -Infinity;
  if (valid)
    for (let i = a; i < b; i++) {
      if (valid[i] === 0) continue;
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
  else
    for (let i = a; i < b; i++) {
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
  return f64Pair(mn, mx);
}

/** min > max means only NaN was present (no min / max); a zero min is written -0, a zero max +0. */
function f64Pair(mn: number, mx: number): [Uint8Array, Uint8Array] | undefined {
  if (mn > mx) return undefined;
  return [leBytes(Float64Array.of(mn === 0 ? -0 : mn)), leBytes(Float64Array.of(mx === 0 ? 0 : mx))];
}

function minMaxBool(v: Uint8Array, valid: Uint8Array | undefined, a: number, b: number): [Uint8Array, Uint8Array] {
  let seen = 0; // bit 0: false present, bit 1: true present
  for (let i = a; i < b && seen !== 3; i++) if (valid === undefined || valid[i] !== 0) seen |= v[i] !== 0 ? 2 : 1;
  return [Uint8Array.of(seen & 1 ? 0 : 1), Uint8Array.of(seen & 2 ? 1 : 0)];
}

let seenScratch = new Uint8Array(0);

/** The least and greatest (by UTF-8 bytes) of the entries marked in `seen` (at least one is). */
function seenMinMax(entries: Uint8Array[], seen: Uint8Array): [Uint8Array, Uint8Array] {
  let mn: Uint8Array | undefined, mx: Uint8Array | undefined;
  for (let k = 0; k < entries.length; k++) {
    if (seen[k] === 0) continue;
    const e = entries[k];
    if (mn === undefined || Buffer.compare(e, mn) < 0) mn = e;
    if (mx === undefined || Buffer.compare(e, mx) > 0) mx = e;
  }
  return [mn!, mx!];
}

function minMaxDict(p: Prepared, valid: Uint8Array | undefined, a: number, b: number): [Uint8Array, Uint8Array] {
  const entries = p.dictPage!.entries;
  const n = entries.length;
  if (n === 1) return [entries[0], entries[0]];
  const codes = p.col.values as DictCodes;
  if (seenScratch.length < n) seenScratch = new Uint8Array(n);
  else seenScratch.fill(0, 0, n);
  const seen = seenScratch;
  if (valid) {
    for (let i = a; i < b; i++) if (valid[i] !== 0) seen[codes[i]] = 1;
  } else for (let i = a; i < b; i++) seen[codes[i]] = 1;
  return seenMinMax(entries, seen.subarray(0, n));
}

/** What the kernel can gather for a column's pages (0: TypeScript computes the chunk's statistics). */
function statKind(p: Prepared, kern: PageKernel): StatKind {
  if (p.dictPage) return p.col.dict!.length <= kern.seenCodes ? 5 : 0;
  if (p.col.type === 'f64') return 4;
  // u32 sorts unsigned: its statistics come from chunkStats, not the kernel's signed int32 ones
  if (p.width === 4) return p.unsigned ? 0 : 1;
  return p.unsigned ? 3 : 2;
}

/** A column chunk's statistics merged page by page from the kernel's. */
class PageStats {
  present = 0;
  min: number | bigint = Infinity;
  max: number | bigint = -Infinity;
  constructor(readonly stat: StatKind) {}
  add(r: { present: number; min: number | bigint; max: number | bigint }): void {
    if (r.present === 0) return;
    if (this.present === 0 || r.min < this.min) this.min = r.min;
    if (this.present === 0 || r.max > this.max) this.max = r.max;
    this.present += r.present;
  }
  finish(p: Prepared, rows: number, kern: PageKernel): Stats {
    const nulls = rows - this.present;
    if (this.present === 0) return { nulls };
    let mm: [Uint8Array, Uint8Array] | undefined;
    switch (this.stat) {
      case 5:
        mm = seenMinMax(p.dictPage!.entries, kern.seen(p.col.dict!.length));
        break;
      case 4:
        mm = f64Pair(this.min as number, this.max as number);
        break;
      case 3:
        mm = [leBytes(BigUint64Array.of(this.min as bigint)), leBytes(BigUint64Array.of(this.max as bigint))];
        break;
      case 2:
        mm = [leBytes(BigInt64Array.of(this.min as bigint)), leBytes(BigInt64Array.of(this.max as bigint))];
        break;
      default:
        mm = [leBytes(Int32Array.of(Number(this.min))), leBytes(Int32Array.of(Number(this.max)))];
    }
    return mm ? { nulls, min: mm[0], max: mm[1] } : { nulls };
  }
}

function chunkStats(p: Prepared, a: number, b: number): Stats {
  const valid = p.col.valid;
  let present = b - a;
  if (valid) {
    present = 0;
    for (let i = a; i < b; i++) present += valid[i];
  }
  const nulls = b - a - present;
  if (present === 0) return { nulls };
  let mm: [Uint8Array, Uint8Array] | undefined;
  if (p.col.type === 'dict') mm = minMaxDict(p, valid, a, b);
  else if (p.col.type === 'bool') mm = minMaxBool(p.col.values as Uint8Array, valid, a, b);
  else if (p.col.type === 'f64') mm = minMaxF64(p.col.values as Float64Array, valid, a, b);
  else if (p.width === 4) mm = p.unsigned ? minMaxU32(p.words!, valid, a, b) : minMaxI32(p.words!, valid, a, b);
  else mm = minMaxI64(p.words!, valid, a, b, p.unsigned);
  return mm ? { nulls, min: mm[0], max: mm[1] } : { nulls };
}

// ---------------------------------------------------------------------------
// File assembly
// ---------------------------------------------------------------------------

interface ChunkMeta {
  start: number;
  dictOffset: number; // -1 if none
  dataOffset: number;
  /** bytes in the file (headers + compressed bodies) and before compression (headers + raw bodies) */
  size: number;
  rawSize: number;
  numValues: number;
  stats: Stats;
  codec: number;
}

function pageHeader(type: number, rawBody: number, body: number, numValues: number, encoding: number): Uint8Array {
  const t = new Thrift(48);
  t.i32(1, type).i32(2, rawBody).i32(3, body);
  if (type === PAGE_DATA) {
    t.begin(5).i32(1, numValues).i32(2, encoding).i32(3, E_RLE).i32(4, E_RLE).end();
  } else {
    t.begin(7).i32(1, numValues).i32(2, E_PLAIN).end();
  }
  t.byte(0);
  return t.take();
}

function arrowTypeOf(c: FastColumn): arrow.DataType {
  switch (c.type) {
    case 'u64':
      return new arrow.Uint64();
    case 'i64':
      return new arrow.Int64();
    case 'i32':
      return new arrow.Int32();
    case 'u32':
      return new arrow.Uint32();
    case 'date32':
      return new arrow.DateDay();
    case 'f64':
      return new arrow.Float64();
    case 'bool':
      return new arrow.Bool();
    case 'ts_utc_us':
      return new arrow.TimestampMicrosecond('UTC');
    case 'ts_local_us':
      return new arrow.TimestampMicrosecond();
    case 'dict':
      throw new Error('unreachable');
  }
}

function dictIndexType(c: FastColumn): arrow.Int8 | arrow.Int16 | arrow.Int32 {
  const n = c.dict!.length;
  // parquet-rs (arrow-rs) refuses a dictionary longer than its index type's largest value: 127 entries for Int8
  const kind = c.dictIndex ?? (n <= 127 ? 'int8' : n <= 32_767 ? 'int16' : 'int32');
  const cap = kind === 'int8' ? 127 : kind === 'int16' ? 32_767 : 2 ** 31 - 1;
  if (n > cap) throw new Error(`encodeParquet: column '${c.name}': ${n} dictionary entries do not fit ${kind} indices`);
  return kind === 'int8' ? new arrow.Int8() : kind === 'int16' ? new arrow.Int16() : new arrow.Int32();
}

const schemaCache = new Map<string, string>();

/** base64 of the Arrow IPC schema message (continuation + length + flatbuffer), as parquet-rs embeds it. */
function arrowSchemaB64(prepared: Prepared[]): string {
  const key = JSON.stringify(prepared.map((p) => [p.col.name, p.col.type, p.optional, p.col.type === 'dict' ? dictIndexType(p.col).bitWidth : 0]));
  const hit = schemaCache.get(key);
  if (hit !== undefined) return hit;
  let dictId = 0;
  const fields = prepared.map((p) => {
    const t = p.col.type === 'dict' ? new arrow.Dictionary(new arrow.Utf8(), dictIndexType(p.col), dictId++, false) : arrowTypeOf(p.col);
    return new arrow.Field(p.col.name, t, p.optional);
  });
  const ipc = arrow.tableToIPC(new arrow.Table(new arrow.Schema(fields)), 'stream');
  const dv = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  if (dv.getUint32(0, true) !== 0xffffffff) throw new Error('encodeParquet: unexpected Arrow IPC framing');
  const msg = ipc.subarray(0, 8 + dv.getInt32(4, true));
  const b64 = Buffer.from(msg).toString('base64');
  schemaCache.set(key, b64);
  return b64;
}

function writeSchemaElement(t: Thrift, p: Prepared): void {
  t.enter();
  t.i32(1, p.ptype);
  t.i32(3, p.optional ? OPTIONAL : REQUIRED);
  t.str(4, p.col.name);
  switch (p.col.type) {
    case 'u64':
      t.i32(6, CT_UINT_64);
      t.begin(10).begin(10).i8(1, 64).bool(2, false).end().end();
      break;
    case 'u32':
      t.i32(6, CT_UINT_32);
      t.begin(10).begin(10).i8(1, 32).bool(2, false).end().end();
      break;
    case 'date32':
      t.i32(6, CT_DATE);
      t.begin(10).begin(6).end().end();
      break;
    case 'ts_utc_us':
    case 'ts_local_us':
      t.i32(6, CT_TIMESTAMP_MICROS);
      t.begin(10)
        .begin(8)
        .bool(1, p.col.type === 'ts_utc_us')
        .begin(2)
        .begin(2)
        .end()
        .end()
        .end()
        .end();
      break;
    case 'dict':
      t.i32(6, CT_UTF8);
      t.begin(10).begin(1).end().end();
      break;
    default:
      break;
  }
  t.end();
}

/**
 * Encode `rows` rows of `columns` as one complete Parquet file (bytes).
 * Row groups of `rowGroupRows`; `rows` = 0 gives a valid file with the schema and no row groups.
 */
export function encodeParquet(columns: readonly FastColumn[], rows: number, opts: FastParquetOptions = {}): Uint8Array {
  if (endianness() !== 'LE') throw new Error('encodeParquet: little-endian hosts only');
  assertZstdReady();
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`encodeParquet: rows must be a non-negative integer, got ${rows}`);
  const rgRows = opts.rowGroupRows ?? FAST_ROW_GROUP_ROWS;
  const pageRows = opts.pageRows ?? FAST_PAGE_ROWS;
  if (!Number.isInteger(rgRows) || rgRows <= 0 || rgRows >= 2 ** 31) throw new Error(`encodeParquet: bad rowGroupRows ${rgRows}`);
  if (!Number.isInteger(pageRows) || pageRows <= 0) throw new Error(`encodeParquet: bad pageRows ${pageRows}`);
  if (columns.length === 0) throw new Error('encodeParquet: no columns');
  const names = new Set<string>();
  for (const c of columns) {
    if (typeof c.name !== 'string' || c.name === '' || names.has(c.name))
      throw new Error(`encodeParquet: column names must be unique and non-empty ('${c.name}')`);
    names.add(c.name);
  }
  const prepared = columns.map((c) => prepare(c, rows));

  const pieces: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array) => {
    pieces.push(b);
    offset += b.length;
  };
  push(utf8.encode('PAR1'));
  let rawSize = 0; // of the current column chunk
  // A chunk's codec follows from its first data page (dictionary chunks stay ZSTD): pages of random
  // ids barely shrink, so compressing the rest would spend a zstd pass per byte for nothing.
  let codec = -1;
  const page = (type: number, body: Uint8Array, numValues: number, encoding: number, given?: Uint8Array) => {
    let z: Uint8Array;
    if (given) z = given;
    else if (codec === CODEC_UNCOMPRESSED)
      z = body.slice(); // the body may be a scratch the next page reuses
    else {
      z = zstdCompress(body);
      if (codec < 0) {
        codec = z.length > INCOMPRESSIBLE * body.length ? CODEC_UNCOMPRESSED : CODEC_ZSTD;
        if (codec === CODEC_UNCOMPRESSED) z = body.slice();
      }
    }
    const h = pageHeader(type, body.length, z.length, numValues, encoding);
    push(h);
    push(z);
    rawSize += h.length + body.length;
  };

  const rowGroups: { rows: number; chunks: ChunkMeta[]; start: number; size: number; rawSize: number }[] = [];
  const scratch = { buf: new Int32Array(0) };
  const w = new Bytes(1 << 16);
  for (let g = 0; g < rows; g += rgRows) {
    const gEnd = Math.min(rows, g + rgRows);
    const rgStart = offset;
    const chunks: ChunkMeta[] = [];
    for (const p of prepared) {
      const start = offset;
      rawSize = 0;
      codec = p.dictPage ? CODEC_ZSTD : -1;
      let dictOffset = -1;
      if (p.dictPage) {
        dictOffset = offset;
        page(PAGE_DICTIONARY, p.dictPage.raw, p.col.dict!.length, E_PLAIN, p.dictPage.z);
      }
      const dataOffset = offset;
      const valid = p.col.valid;
      // every non-bool column goes through the kernel when there is one: it gathers the statistics
      const kern = opts.pages && p.col.type !== 'bool' && pageRows <= opts.pages.rows ? opts.pages : undefined;
      const stat = kern ? statKind(p, kern) : 0;
      const pageStats = kern && stat !== 0 ? new PageStats(stat) : undefined;
      if (stat === 5) kern!.seen(p.col.dict!.length).fill(0);
      for (let a = g; a < gEnd; a += pageRows) {
        const b = Math.min(gEnd, a + pageRows);
        if (kern) {
          const kind: PageKind = p.dictPage ? 2 : p.delta ? 1 : 0;
          const r = kern.page(
            kind,
            a,
            b,
            p.width,
            p.optional,
            valid,
            p.dictPage ? (p.col.values as DictCodes) : p.raw!,
            p.dictPage ? p.col.dict!.length : 0,
            p.dictBits ?? 0,
            stat,
          );
          if ('body' in r) {
            page(PAGE_DATA, r.body, b - a, r.encoding);
            pageStats?.add(r);
            continue;
          }
          // bad input: the TypeScript path below throws its message
        }
        w.pos = 0;
        let present = b - a;
        if (p.optional) {
          if (valid) present = defLevels(w, valid, a, b, p.col.name);
          else {
            // declared nullable, all present: one RLE run of 1s
            const lenAt = w.pos;
            w.u32le(0);
            w.varint((b - a) * 2);
            w.byte(1);
            const len = w.pos - lenAt - 4;
            w.buf[lenAt] = len;
          }
        }
        // page body = [definition levels] + values, in w unless it is a required PLAIN column's own bytes
        let body: Uint8Array | undefined;
        let encoding = E_PLAIN;
        if (p.width > 0) {
          const values = valid ? compactFixed(p, valid, a, b, present) : p.raw!.subarray(a * p.width, b * p.width);
          const k = p.width >> 2;
          const levels = w.pos;
          if (
            p.delta &&
            present > 0 &&
            (valid ? deltaBody(w, new Int32Array(values.buffer, values.byteOffset, present * k), k, 0, present) : deltaBody(w, p.words!, k, a * k, b - a))
          ) {
            encoding = E_DELTA_BINARY_PACKED;
          } else if (levels > 0) {
            w.pos = levels;
            w.bytes(values);
          } else body = values;
        } else if (p.col.type === 'bool') {
          packBools(w, p.col.values as Uint8Array, valid, a, b);
        } else {
          encoding = E_RLE_DICTIONARY;
          dictIndices(w, p, valid, a, b, present, scratch);
        }
        page(PAGE_DATA, body ?? w.buf.subarray(0, w.pos), b - a, encoding);
      }
      chunks.push({
        start,
        dictOffset,
        dataOffset,
        size: offset - start,
        rawSize,
        codec: codec < 0 ? CODEC_ZSTD : codec,
        numValues: gEnd - g,
        stats: pageStats ? pageStats.finish(p, gEnd - g, kern!) : chunkStats(p, g, gEnd),
      });
      const min = chunks[chunks.length - 1].stats.min;
      if (p.col.nonNegative && min && min[7] & 0x80)
        throw new Error(`encodeParquet: column ${p.col.name}: a value at or above 2^63 does not fit a signed INT64`);
    }
    const rgRaw = chunks.reduce((s, c) => s + c.rawSize, 0);
    rowGroups.push({ rows: gEnd - g, chunks, start: rgStart, size: offset - rgStart, rawSize: rgRaw });
  }

  // FileMetaData
  const t = new Thrift(4096);
  t.i32(1, 1);
  t.list(2, CT_STRUCT, prepared.length + 1);
  t.enter().str(4, 'schema').i32(5, prepared.length).end();
  for (const p of prepared) writeSchemaElement(t, p);
  t.i64(3, rows);
  t.list(4, CT_STRUCT, rowGroups.length);
  rowGroups.forEach((rg, ordinal) => {
    t.enter();
    t.list(1, CT_STRUCT, rg.chunks.length);
    rg.chunks.forEach((c, k) => {
      const p = prepared[k];
      t.enter();
      t.i64(2, c.start);
      t.begin(3);
      t.i32(1, p.ptype);
      const enc = p.dictPage ? [E_PLAIN, E_RLE, E_RLE_DICTIONARY] : p.delta ? [E_PLAIN, E_RLE, E_DELTA_BINARY_PACKED] : [E_PLAIN, E_RLE];
      t.list(2, CT_I32, enc.length);
      for (const e of enc) t.elemI32(e);
      t.list(3, CT_BINARY, 1).elemStr(p.col.name);
      t.i32(4, c.codec);
      t.i64(5, c.numValues);
      t.i64(6, c.rawSize);
      t.i64(7, c.size);
      t.i64(9, c.dataOffset);
      if (c.dictOffset >= 0) t.i64(11, c.dictOffset);
      // min_value / max_value only: the deprecated min / max (1, 2) mean signed order whatever the type
      t.begin(12).i64(3, c.stats.nulls);
      if (c.stats.min) t.bin(5, c.stats.max!).bin(6, c.stats.min).bool(7, true).bool(8, true);
      t.end();
      t.end();
      t.end();
    });
    t.i64(2, rg.rawSize);
    t.i64(3, rg.rows);
    t.i64(5, rg.start);
    t.i64(6, rg.size);
    t.i16(7, ordinal);
    t.end();
  });
  const kv: (readonly [string, string])[] = [];
  if (opts.arrowSchema ?? true) kv.push(['ARROW:schema', arrowSchemaB64(prepared)]);
  for (const e of opts.metadata ?? []) kv.push(e);
  if (kv.length) {
    t.list(5, CT_STRUCT, kv.length);
    for (const [k, v] of kv) t.enter().str(1, k).str(2, v).end();
  }
  t.str(6, FAST_PARQUET_CREATED_BY);
  // the statistics' min_value / max_value follow each type's defined order (TypeDefinedOrder)
  t.list(7, CT_STRUCT, prepared.length);
  for (let k = 0; k < prepared.length; k++) t.enter().begin(1).end().end();
  t.byte(0);
  const footer = t.take();
  push(footer);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.length, true);
  tail.set(utf8.encode('PAR1'), 4);
  push(tail);

  const out = new Uint8Array(offset + (opts.spare ?? 0));
  let o = 0;
  for (const b of pieces) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/**
 * Cut a table into part files of at most `partRows` rows (boundaries depend on
 * the row count only) and encode each: the same rows give the same parts
 * whoever calls. Columns are sliced with subarray (no copy).
 */
export function* parquetParts(
  columns: readonly FastColumn[],
  rows: number,
  partRows = FAST_ROW_GROUP_ROWS,
  opts: FastParquetOptions = {},
): Generator<{ name: string; rows: number; bytes: Uint8Array }> {
  const parts = Math.max(1, Math.ceil(rows / partRows));
  for (let k = 0; k < parts; k++) {
    const a = k * partRows;
    const b = Math.min(rows, a + partRows);
    yield { name: `part-${String(k).padStart(5, '0')}.parquet`, rows: b - a, bytes: encodeParquet(sliceColumns(columns, a, b), b - a, opts) };
  }
}

/** Rows [a, b) of every column (views, no copy). */
export function sliceColumns(columns: readonly FastColumn[], a: number, b: number): FastColumn[] {
  return columns.map((c) => ({
    ...c,
    values: c.values.subarray(a, b) as FastColumn['values'],
    ...(c.valid ? { valid: c.valid.subarray(a, b) } : {}),
    ...(c.valid || c.nullable ? { nullable: true } : {}),
  }));
}
