// Columns out of an Arrow table read back from Parquet: a named column that must be there, and a
// utf8 column (plain or dictionary-encoded) as codes into a first-seen dictionary.
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../core/errors.js';
import type { DictCol } from './tables.js';
import { asciiCompare } from '../core/hash.js';

const fixOf = (dataset: string) => `rebuild the segment that writes ${dataset}`;
const col = (t: arrow.Table, name: string, dataset: string): arrow.Vector => requireColumn(t, name, dataset, fixOf(dataset));

/** The column `name` of `t`; a missing column is VALIDATION_FAILED naming `dataset`, with `fix`. */
export function requireColumn(t: arrow.Table, name: string, dataset: string, fix: string): arrow.Vector {
  const c = t.getChild(name);
  if (!c) fail(ErrorCodes.VALIDATION_FAILED, `column ${name} is missing`, dataset, fix);
  return c;
}

/**
 * A utf8 column (plain or dictionary-encoded) as codes into a first-seen dictionary.
 * nulls 'code': a null row gets code -1; nulls 'fail': a column with any null is VALIDATION_FAILED.
 * `fix` is the remediation named by either error (missing column, nulls).
 */
export function firstSeenCodes(t: arrow.Table, name: string, dataset: string, nulls: 'code' | 'fail', fix: string): DictCol {
  const c = requireColumn(t, name, dataset, fix);
  const codes = new Int32Array(t.numRows);
  const dict: string[] = [];
  const index = new Map<string, number>();
  const code = (s: string) => {
    let k = index.get(s);
    if (k === undefined) {
      k = dict.length;
      dict.push(s);
      index.set(s, k);
    }
    return k;
  };
  let r = 0;
  // batches read from one Parquet column chunk share one dictionary object: map it once
  const mapped = new Map<unknown, number[]>();
  for (const d of c.data) {
    if (nulls === 'fail' && d.nullCount > 0) fail(ErrorCodes.VALIDATION_FAILED, `column ${name} has nulls`, dataset, fix);
    if (arrow.DataType.isDictionary(d.type)) {
      let local = mapped.get(d.dictionary);
      if (local === undefined) {
        const values = arrow.makeVector(d.dictionary!);
        local = Array.from({ length: values.length }, (_, i) => code(String(values.get(i))));
        mapped.set(d.dictionary, local);
      }
      const idx = d.values as ArrayLike<number>;
      const hasNulls = d.nullCount > 0;
      for (let i = 0; i < d.length; i++) codes[r++] = hasNulls && !d.getValid(i) ? -1 : local![idx[i]];
    } else if (arrow.DataType.isUtf8(d.type) && d.valueOffsets instanceof Int32Array) {
      // plain utf8 (parquet-wasm reads dictionary pages back plain): key rows by their raw bytes
      // (latin1 is one char per byte, so distinct bytes give distinct keys) and decode UTF-8 only
      // once per distinct value, instead of one Arrow get() + UTF-8 decode per row
      const offs = d.valueOffsets,
        vals = d.values as Uint8Array;
      const buf = Buffer.from(vals.buffer, vals.byteOffset, vals.byteLength);
      const byBytes = new Map<string, number>();
      const hasNulls = d.nullCount > 0;
      for (let i = 0; i < d.length; i++) {
        if (hasNulls && !d.getValid(i)) {
          codes[r++] = -1;
          continue;
        }
        const key = buf.toString('latin1', offs[i], offs[i + 1]);
        let k = byBytes.get(key);
        if (k === undefined) byBytes.set(key, (k = code(buf.toString('utf8', offs[i], offs[i + 1]))));
        codes[r++] = k;
      }
    } else {
      const v = arrow.makeVector(d);
      for (let i = 0; i < d.length; i++) {
        const x = v.get(i);
        codes[r++] = x === null ? -1 : code(String(x));
      }
    }
  }
  return { codes, dict };
}

/**
 * A text column's codes and dictionary as stored, with no per-row work, when the column is one
 * Dictionary<Int32, Utf8> chunk without nulls whose dictionary is ASCII-sorted (what readParquetDataset
 * with `columns` gives); undefined otherwise.
 */
export function sortedDictCodes(t: arrow.Table, name: string, dataset: string, fix: string): DictCol | undefined {
  const c = requireColumn(t, name, dataset, fix);
  if (c.data.length !== 1) return undefined;
  const d = c.data[0];
  if (!arrow.DataType.isDictionary(d.type) || d.nullCount > 0 || !(d.values instanceof Int32Array)) return undefined;
  const dv = arrow.makeVector(d.dictionary!);
  const dict = Array.from({ length: dv.length }, (_, i) => String(dv.get(i)));
  for (let i = 1; i < dict.length; i++) if (!(dict[i - 1] < dict[i])) return undefined;
  // a sliced Data's buffers are already sliced: index i is row i
  return { codes: d.values.subarray(0, d.length), dict };
}

/** Every row of a text column as a string (null for nulls), decoding plain Utf8 chunks straight from their bytes. */
export function textValues(t: arrow.Table, name: string, dataset: string, fix: string): (string | null)[] {
  const c = requireColumn(t, name, dataset, fix);
  const out: (string | null)[] = [];
  for (const d of c.data) {
    if (arrow.DataType.isUtf8(d.type) && d.valueOffsets instanceof Int32Array) {
      const offs = d.valueOffsets,
        vals = d.values as Uint8Array;
      const buf = Buffer.from(vals.buffer, vals.byteOffset, vals.byteLength);
      for (let i = 0; i < d.length; i++) out.push(d.nullCount > 0 && !d.getValid(i) ? null : buf.toString('utf8', offs[i], offs[i + 1]));
      continue;
    }
    const v = arrow.makeVector(d);
    for (let i = 0; i < d.length; i++) {
      const x = v.get(i);
      out.push(x === null ? null : String(x));
    }
  }
  return out;
}

/** A utf8 column (plain or dictionary-encoded) as codes into a first-seen dictionary; nulls are refused. */
export function stringColumn(t: arrow.Table, name: string, dataset: string): DictCol {
  return firstSeenCodes(t, name, dataset, 'fail', fixOf(dataset));
}

/** A numeric column as one typed array (chunks concatenated). */
export function numericColumn<T extends BigUint64Array | Int32Array | Float64Array | Uint32Array>(
  t: arrow.Table,
  name: string,
  dataset: string,
  ctor: new (n: number) => T,
): T {
  const c = col(t, name, dataset);
  if (c.nullCount > 0) fail(ErrorCodes.VALIDATION_FAILED, `column ${name} has nulls`, dataset, `rebuild the segment that writes ${dataset}`);
  const out = new ctor(t.numRows);
  let r = 0;
  for (const d of c.data) {
    const v = arrow.makeVector(d).toArray() as unknown as ArrayLike<number | bigint>;
    if (typeof v[0] === 'bigint' && !(out instanceof BigUint64Array))
      fail(ErrorCodes.VALIDATION_FAILED, `column ${name} is 64-bit`, dataset, 'expected a 32-bit column');
    (out as any).set(v, r);
    r += d.length;
  }
  return out;
}

/** A utf8 column as codes into its ASCII-sorted dictionary (as stored when it already is); nulls refused. */
export function sortedStringColumn(t: arrow.Table, name: string, dataset: string): DictCol {
  return sortedDictCodes(t, name, dataset, fixOf(dataset)) ?? sortedDict(stringColumn(t, name, dataset));
}

/** Re-code a dictionary column so the dictionary is ascending (ASCII) and codes follow it. */
export function sortedDict(c: DictCol): DictCol {
  const order = c.dict.map((_, i) => i).sort((a, b) => asciiCompare(c.dict[a], c.dict[b]));
  const remap = new Int32Array(c.dict.length);
  order.forEach((old, nu) => (remap[old] = nu));
  return { codes: Int32Array.from(c.codes, (k) => remap[k]), dict: order.map((i) => c.dict[i]) };
}
