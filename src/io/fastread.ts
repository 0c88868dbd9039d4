/**
 * The reading half of io/fastparquet.ts: decode the Parquet files this engine wrote, on whatever thread
 * holds the bytes (a pool worker streaming an upstream dataset part by part), with no DuckDB and no
 * copy through Arrow. It reads exactly the subset fastparquet writes — data page V1; PLAIN,
 * DELTA_BINARY_PACKED and RLE_DICTIONARY values; RLE / bit-packed definition levels; ZSTD or
 * UNCOMPRESSED chunks; flat schemas — and refuses anything else by name, so a foreign file fails loudly
 * instead of decoding wrong. Values come back in the encoder's own column shapes (FastColumn), so
 * `decodeParquet(encodeParquet(cols))` returns `cols` (null slots zero). The general reader is
 * io/reader.ts (DuckDB); tests hold this one to it on real parts.
 */
import { readFileSync } from 'node:fs';
import zstd from '@foxglove/wasm-zstd';
import { assertZstdReady } from './zstd.js';
import type { DictCodes, FastColumnType } from './fastparquet.js';

export { ready } from './zstd.js';

/** One decoded column: the encoder's shape (values per row; `valid` only where the column has nulls). */
export interface ReadColumn {
  name: string;
  type: FastColumnType;
  values: BigUint64Array | BigInt64Array | Int32Array | Uint32Array | Float64Array | Uint8Array | DictCodes;
  /** dict only: the dictionary page's strings, in file order */
  dict?: string[];
  /** 1 present / 0 null per row, when the column is OPTIONAL */
  valid?: Uint8Array;
}

export interface ReadTable {
  rows: number;
  columns: Record<string, ReadColumn>;
}

// ---------------------------------------------------------------------------
// Thrift compact protocol: structs as Map<field id, value>
// ---------------------------------------------------------------------------
type TValue = number | boolean | Uint8Array | TStruct | TValue[];
type TStruct = Map<number, TValue>;

class ThriftIn {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {}
  varint(): number {
    let v = 0,
      mul = 1,
      x: number;
    do {
      x = this.b[this.pos++];
      if (x === undefined) throw new Error('truncated varint');
      v += (x & 127) * mul;
      mul *= 128;
      if (mul > 2 ** 56) throw new Error('varint beyond 2^53');
    } while (x & 128);
    return v;
  }
  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  value(type: number): TValue {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return this.b[this.pos++];
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 7: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const n = this.varint();
        const v = this.b.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case 9:
      case 10: {
        const h = this.b[this.pos++];
        const n = h >> 4 === 15 ? this.varint() : h >> 4;
        const et = h & 15;
        const out: TValue[] = [];
        for (let i = 0; i < n; i++) out.push(et === 1 || et === 2 ? this.b[this.pos++] === 1 : this.value(et));
        return out;
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`thrift type ${type} is not read`);
    }
  }
  struct(): TStruct {
    const s: TStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.b[this.pos++];
      if (h === undefined) throw new Error('truncated struct');
      if (h === 0) return s;
      const d = h >> 4;
      const id = d === 0 ? this.zigzag() : last + d;
      s.set(id, this.value(h & 15));
      last = id;
    }
  }
}

const num = (s: TStruct, id: number): number => {
  const v = s.get(id);
  if (typeof v !== 'number') throw new Error(`thrift field ${id} missing`);
  return v;
};

// ---------------------------------------------------------------------------
// Value decoders
// ---------------------------------------------------------------------------

/** RLE / bit-packed hybrid of `n` values of `width` (≤ 24) bits from b[pos..end) into out[0..n). */
function hybrid(b: Uint8Array, pos: number, end: number, width: number, n: number, out: Int32Array | Uint8Array): void {
  const bytes = (width + 7) >> 3;
  let o = 0;
  while (o < n) {
    if (pos >= end) throw new Error('hybrid run past its end');
    let h = 0,
      mul = 1,
      x: number;
    do {
      x = b[pos++];
      h += (x & 127) * mul;
      mul *= 128;
    } while (x & 128);
    if (h & 1) {
      // width ≤ 24 (dictionary codes below 2^24, definition levels 1): an int32 accumulator holds it
      const count = Math.floor(h / 2) * 8;
      const mask = (1 << width) - 1;
      let acc = 0,
        bits = 0;
      for (let k = 0; k < count; k++) {
        while (bits < width) {
          acc |= b[pos++] << bits;
          bits += 8;
        }
        if (o < n) out[o++] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
    } else {
      const count = Math.floor(h / 2);
      let v = 0;
      for (let k = 0; k < bytes; k++) v += b[pos++] * 2 ** (8 * k);
      const m = Math.min(n, o + count);
      out.fill(v, o, m);
      o = m;
    }
  }
}

/**
 * DELTA_BINARY_PACKED values into `words` (k int32 words per value, little-endian) from word `at`.
 * Values are exact in doubles: fastparquet writes this encoding only for values inside ±2^51.
 */
function deltaValues(b: Uint8Array, pos: number, words: Int32Array, k: number, at: number, n: number): void {
  const t = new ThriftIn(b, pos);
  const blockSize = t.varint(),
    miniblocks = t.varint(),
    total = t.varint();
  if (total !== n) throw new Error(`delta page holds ${total} values, ${n} expected`);
  if (n === 0) return;
  const perMini = blockSize / miniblocks;
  let prev = t.zigzag();
  const put = (i: number, v: number) => {
    if (k === 1) words[at + i] = v;
    else {
      const hi = Math.floor(v / 2 ** 32);
      words[at + 2 * i] = v - hi * 2 ** 32;
      words[at + 2 * i + 1] = hi;
    }
  };
  put(0, prev);
  let i = 1;
  while (i < n) {
    const min = t.zigzag();
    const widths = b.subarray(t.pos, t.pos + miniblocks);
    t.pos += miniblocks;
    for (let m = 0; m < miniblocks && i < n; m++) {
      const w = widths[m];
      const cnt = Math.min(perMini, n - i);
      if (w <= 24) {
        // narrow deltas (sequences, runs, timestamps): an int32 accumulator, no per-bit work
        const mask = (1 << w) - 1;
        let p = t.pos,
          acc = 0,
          bits = 0;
        for (let j = 0; j < cnt; j++) {
          while (bits < w) {
            acc |= b[p++] << bits;
            bits += 8;
          }
          const d = acc & mask;
          acc >>>= w;
          bits -= w;
          // INT32 pages wrap at 32 bits, as the encoder's deltas do
          prev = k === 1 ? (prev + min + d) | 0 : prev + min + d;
          put(i++, prev);
        }
      } else {
        // wide deltas (timestamps apart by seconds to hours, in µs): 24-bit pieces through the same accumulator
        let p = t.pos,
          acc = 0,
          bits = 0;
        for (let j = 0; j < cnt; j++) {
          let d = 0,
            scale = 1;
          for (let left = w; left > 0;) {
            const c = left > 24 ? 24 : left;
            while (bits < c) {
              acc |= b[p++] << bits;
              bits += 8;
            }
            d += (acc & ((1 << c) - 1)) * scale;
            acc >>>= c;
            bits -= c;
            scale *= 1 << c;
            left -= c;
          }
          prev = k === 1 ? (prev + min + d) | 0 : prev + min + d;
          put(i++, prev);
        }
      }
      t.pos += (w * perMini) / 8;
    }
  }
}

// ---------------------------------------------------------------------------
// File
// ---------------------------------------------------------------------------
interface Leaf {
  name: string;
  type: FastColumnType;
  ptype: number;
  optional: boolean;
}

function leafType(e: TStruct): FastColumnType {
  const ptype = num(e, 1);
  const conv = e.get(6) as number | undefined;
  if (ptype === 0) return 'bool';
  if (ptype === 5) return 'f64';
  if (ptype === 6) return 'dict';
  if (ptype === 1) return conv === 6 ? 'date32' : conv === 13 ? 'u32' : 'i32';
  if (ptype === 2) {
    if (conv === 14) return 'u64';
    if (conv === 10) {
      const ts = (e.get(10) as TStruct | undefined)?.get(8) as TStruct | undefined;
      return ts?.get(1) === false ? 'ts_local_us' : 'ts_utc_us';
    }
    return 'i64';
  }
  throw new Error(`physical type ${ptype} is not one fastparquet writes`);
}

const WIDTH: Partial<Record<FastColumnType, number>> = { u64: 8, i64: 8, ts_utc_us: 8, ts_local_us: 8, f64: 8, i32: 4, u32: 4, date32: 4 };

function allocate(type: FastColumnType, n: number): ReadColumn['values'] {
  switch (type) {
    case 'u64':
      return new BigUint64Array(n);
    case 'i64':
    case 'ts_utc_us':
    case 'ts_local_us':
      return new BigInt64Array(n);
    case 'f64':
      return new Float64Array(n);
    case 'u32':
      return new Uint32Array(n);
    case 'bool':
      return new Uint8Array(n);
    default:
      return new Int32Array(n);
  }
}

const utf8 = new TextDecoder();

/**
 * Decode the columns `want` (default all) of one Parquet file written by io/fastparquet.ts.
 * Throws `fastread: …` on anything outside that writer's subset.
 */
export function decodeParquet(bytes: Uint8Array, want?: readonly string[]): ReadTable {
  const n = bytes.length;
  const tail = (i: number) => String.fromCharCode(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]);
  if (n < 12 || tail(0) !== 'PAR1' || tail(n - 4) !== 'PAR1') throw new Error('fastread: not a Parquet file');
  const flen = bytes[n - 8] | (bytes[n - 7] << 8) | (bytes[n - 6] << 16) | (bytes[n - 5] << 24);
  let meta: TStruct;
  try {
    meta = new ThriftIn(bytes, n - 8 - flen).struct();
  } catch (e) {
    throw new Error(`fastread: footer: ${(e as Error).message}`);
  }
  const rows = num(meta, 3);
  const schema = meta.get(2) as TStruct[];
  const leaves: Leaf[] = schema.slice(1).map((e) => {
    if (e.get(5) !== undefined) throw new Error('fastread: nested schemas are not read');
    return { name: utf8.decode(e.get(4) as Uint8Array), type: leafType(e), ptype: num(e, 1), optional: e.get(3) === 1 };
  });
  const names = want ?? leaves.map((l) => l.name);
  for (const w of names) if (!leaves.some((l) => l.name === w)) throw new Error(`fastread: no column ${w}`);
  assertZstdReady();
  const out: Record<string, ReadColumn> = {};
  const groups = (meta.get(4) as TStruct[] | undefined) ?? [];
  for (const [ci, leaf] of leaves.entries()) {
    if (!names.includes(leaf.name)) continue;
    const col: ReadColumn = { name: leaf.name, type: leaf.type, values: allocate(leaf.type, rows) };
    if (leaf.optional) col.valid = new Uint8Array(rows);
    const width = WIDTH[leaf.type] ?? 0;
    const words = width > 0 ? new Int32Array(col.values.buffer, col.values.byteOffset, (rows * width) >> 2) : undefined;
    let row = 0;
    for (const g of groups) {
      const md = (g.get(1) as TStruct[])[ci].get(3) as TStruct;
      const codec = num(md, 4);
      if (codec !== 0 && codec !== 6) throw new Error(`fastread: column ${leaf.name}: codec ${codec} is not ZSTD or UNCOMPRESSED`);
      const start = (md.get(11) as number | undefined) ?? num(md, 9);
      const end = start + num(md, 7);
      const groupEnd = row + num(md, 5);
      let pos = start;
      let dict: string[] | undefined;
      while (pos < end) {
        const t = new ThriftIn(bytes, pos);
        const h = t.struct();
        const raw = num(h, 2),
          stored = num(h, 3);
        const frame = bytes.subarray(t.pos, t.pos + stored);
        const body = codec === 6 ? zstd.decompress(frame, raw) : frame;
        if (body.length !== raw) throw new Error(`fastread: column ${leaf.name}: page of ${body.length} bytes, header says ${raw}`);
        pos = t.pos + stored;
        if (num(h, 1) === 2) {
          dict = [];
          const count = num(h.get(7) as TStruct, 1);
          for (let q = 0, k = 0; k < count; k++) {
            const len = body[q] | (body[q + 1] << 8) | (body[q + 2] << 16) | (body[q + 3] << 24);
            dict.push(utf8.decode(body.subarray(q + 4, q + 4 + len)));
            q += 4 + len;
          }
          col.dict ??= dict;
          continue;
        }
        if (num(h, 1) !== 0) throw new Error(`fastread: column ${leaf.name}: page type ${num(h, 1)} is not read`);
        const dh = h.get(5) as TStruct;
        const count = num(dh, 1),
          enc = num(dh, 2);
        let q = 0;
        let present = count;
        let valid: Uint8Array | undefined;
        if (leaf.optional) {
          const len = body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24);
          valid = col.valid!.subarray(row, row + count);
          hybrid(body, 4, 4 + len, 1, count, valid);
          present = 0;
          for (let k = 0; k < count; k++) present += valid[k];
          q = 4 + len;
        }
        // present values first (at the page's first row), then spread over the valid rows
        if (leaf.type === 'bool') {
          const v = col.values as Uint8Array;
          for (let k = 0; k < present; k++) v[row + k] = (body[q + (k >> 3)] >> (k & 7)) & 1;
        } else if (leaf.type === 'dict') {
          if (enc !== 8) throw new Error(`fastread: column ${leaf.name}: encoding ${enc} is not RLE_DICTIONARY`);
          if (dict === undefined) throw new Error(`fastread: column ${leaf.name}: data before its dictionary`);
          if (col.dict !== dict && col.dict!.join('\u0000') !== dict.join('\u0000'))
            throw new Error(`fastread: column ${leaf.name}: row groups with different dictionaries`);
          hybrid(body, q + 1, body.length, body[q], present, (col.values as Int32Array).subarray(row, row + present));
        } else if (enc === 5) {
          deltaValues(body, q, words!, width >> 2, (row * width) >> 2, present);
        } else if (enc === 0) {
          new Uint8Array(col.values.buffer, col.values.byteOffset + row * width, present * width).set(body.subarray(q, q + present * width));
        } else throw new Error(`fastread: column ${leaf.name}: encoding ${enc} is not read`);
        if (valid && present < count) spread(col, width, row, count, valid, present);
        row += count;
      }
      if (row !== groupEnd) throw new Error(`fastread: column ${leaf.name}: ${row} rows where the row groups say ${groupEnd}`);
    }
    if (row !== rows) throw new Error(`fastread: column ${leaf.name}: ${row} rows of ${rows}`);
    out[leaf.name] = col;
  }
  return { rows, columns: out };
}

/** Move a page's `present` compacted values (at row `row`) to their valid rows, nulls zero (in place, from the end). */
function spread(col: ReadColumn, width: number, row: number, count: number, valid: Uint8Array, present: number): void {
  if (width === 8) {
    const w = new Int32Array(col.values.buffer, col.values.byteOffset + row * 8, count * 2);
    let s = present - 1;
    for (let k = count - 1; k >= 0; k--) {
      if (valid[k]) {
        w[2 * k] = w[2 * s];
        w[2 * k + 1] = w[2 * s + 1];
        s--;
      } else w[2 * k] = w[2 * k + 1] = 0;
    }
    return;
  }
  const v = col.values as Int32Array | Uint8Array;
  let s = row + present - 1;
  for (let k = count - 1; k >= 0; k--) {
    if (valid[k]) v[row + k] = v[s--];
    else v[row + k] = 0;
  }
}

/** decodeParquet of a file (a pool worker reading a sealed part it was handed by path). */
export function decodeParquetFile(path: string, want?: readonly string[]): ReadTable {
  return decodeParquet(readFileSync(path), want);
}
