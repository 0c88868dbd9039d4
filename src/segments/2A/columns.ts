// Typed columns out of an Arrow table read back from Parquet (dictionary or plain utf8 alike).
import * as arrow from 'apache-arrow';
import type { DictCol } from '../../io/tables.js';
import { firstSeenCodes, requireColumn } from '../../io/arrow_columns.js';

const fixOf = (dataset: string) => `rebuild the upstream segment that writes ${dataset}`;
const column = (t: arrow.Table, name: string, dataset: string): arrow.Vector => requireColumn(t, name, dataset, fixOf(dataset));

/** utf8 column as codes into a first-seen dictionary; a null row gets code -1. */
export function stringsOf(t: arrow.Table, name: string, dataset: string): DictCol {
  return firstSeenCodes(t, name, dataset, 'code', fixOf(dataset));
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
