// Typed columns out of an Arrow table read back from Parquet (dictionary or plain utf8 alike).
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../core/errors.js';
import type { DictCol } from '../io/tables.js';

function column(t: arrow.Table, name: string, dataset: string): arrow.Vector {
  const c = t.getChild(name);
  if (!c) fail(ErrorCodes.VALIDATION_FAILED, `column ${name} is missing`, dataset, `rebuild the upstream segment that writes ${dataset}`);
  return c;
}

/** utf8 column as codes into a first-seen dictionary; a null row gets code -1. */
export function stringsOf(t: arrow.Table, name: string, dataset: string): DictCol {
  const c = column(t, name, dataset);
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
  for (const d of c.data) {
    if (arrow.DataType.isDictionary(d.type)) {
      const values = arrow.makeVector(d.dictionary!);
      const local = Array.from({ length: values.length }, (_, i) => code(String(values.get(i))));
      const idx = d.values as ArrayLike<number>;
      const nulls = d.nullCount > 0;
      for (let i = 0; i < d.length; i++) codes[r++] = nulls && !d.getValid(i) ? -1 : local[idx[d.offset + i]];
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

export function u64Of(t: arrow.Table, name: string, dataset: string): BigUint64Array {
  const a = column(t, name, dataset).toArray();
  if (a instanceof BigUint64Array) return a;
  if (a instanceof BigInt64Array) return new BigUint64Array(a.buffer, a.byteOffset, a.length);
  return BigUint64Array.from(a as ArrayLike<number>, (x) => BigInt(x));
}

export function i32Of(t: arrow.Table, name: string, dataset: string): Int32Array {
  const a = column(t, name, dataset).toArray();
  return a instanceof Int32Array ? a : Int32Array.from(a as ArrayLike<number>);
}

export function f64Of(t: arrow.Table, name: string, dataset: string): Float64Array {
  const a = column(t, name, dataset).toArray();
  return a instanceof Float64Array ? a : Float64Array.from(a as ArrayLike<number>);
}

/** timestamp (µs) column as numbers. */
export function tsOf(t: arrow.Table, name: string, dataset: string): Float64Array {
  const a = column(t, name, dataset).toArray() as ArrayLike<bigint | number>;
  return Float64Array.from(a as ArrayLike<number>, (x) => Number(x));
}
