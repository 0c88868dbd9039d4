// Columns as segments hand them to the writer, checked against the dataset dictionary before a byte is
// encoded: a dataset can't be published with a column missing, misnamed, reordered or of the wrong type.
// Columns are typed arrays, string codes + dictionary, or values + validity; they reach the encoder
// (io/fastparquet.ts) without a copy, and a partition is written in parts of PART_ROWS rows.
import { dataset, type ColumnSpec, type ColumnType } from '../contracts/dictionary.js';
import type { FastColumn, FastColumnType } from './fastparquet.js';
import { exprType, shareExpr, type Expr, type PlannedColumn } from './take.js';

type Typed = Int32Array | Uint32Array | Float64Array | Float32Array | Int16Array | Uint8Array | BigUint64Array | BigInt64Array;

/** A utf8 column as codes into a dictionary (low-cardinality strings: countries, classes, reasons). */
export interface DictCol {
  codes: Int32Array;
  dict: string[];
  /** optional validity (1 = present) for a nullable string column */
  valid?: Uint8Array;
}
/** A nullable numeric column: values + validity (1 = present). */
export interface NullableCol {
  values: Typed;
  valid: Uint8Array;
}
export type ColumnValues = Typed | DictCol | NullableCol | string[] | boolean[];

export const PART_ROWS = 1_048_576;

const isDict = (v: ColumnValues): v is DictCol => (v as DictCol).codes !== undefined;
const isNullable = (v: ColumnValues): v is NullableCol => (v as NullableCol).valid !== undefined;
const lengthOf = (v: ColumnValues) => (isDict(v) ? v.codes.length : isNullable(v) ? v.values.length : v.length);

/** Strings → dictionary codes (first-seen order), so repeated values are stored once. */
export function dictEncode(values: ArrayLike<string>): DictCol {
  const index = new Map<string, number>();
  const dict: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let c = index.get(values[i]);
    if (c === undefined) {
      c = dict.length;
      dict.push(values[i]);
      index.set(values[i], c);
    }
    codes[i] = c;
  }
  return { codes, dict };
}

/**
 * What each contract type is written as by the encoder (io/fastparquet.ts), and the typed array it takes.
 * Integers and timestamps are DELTA_BINARY_PACKED: a constant column (seed) or counts shrink to a few
 * bits per value before ZSTD sees them; random ids fall back to PLAIN page by page.
 */
const FAST: Partial<Record<ColumnType, { type: FastColumnType; typed: string; delta?: true }>> = {
  int64: { type: 'i64', typed: 'BigInt64Array', delta: true },
  int32: { type: 'i32', typed: 'Int32Array', delta: true },
  uint32: { type: 'u32', typed: 'Uint32Array' },
  float64: { type: 'f64', typed: 'Float64Array' },
  timestamp_us_utc: { type: 'ts_utc_us', typed: 'BigInt64Array', delta: true },
  timestamp_us_local: { type: 'ts_local_us', typed: 'BigInt64Array', delta: true },
  date32: { type: 'date32', typed: 'Int32Array' },
};

function fastColumn(c: ColumnSpec, v: ColumnValues, where: string): FastColumn {
  const nullable = c.nullable ? { nullable: true } : {};
  if (c.type === 'utf8') {
    const d = isDict(v) ? v : Array.isArray(v) ? dictEncode(v as string[]) : undefined;
    if (!d) throw new Error(`${where}: utf8 needs string[] or {codes, dict}`);
    if (d.valid && !c.nullable) throw new Error(`${where} is not nullable`);
    return { name: c.name, type: 'dict', values: d.codes, dict: d.dict, ...nullable, ...(d.valid ? { valid: d.valid } : {}) };
  }
  if (c.type === 'bool') {
    if (isDict(v) || isNullable(v)) throw new Error(`${where}: bool needs boolean[] or Uint8Array`);
    const bits = v instanceof Uint8Array ? v : Uint8Array.from(v as ArrayLike<number | boolean>, (x) => (x ? 1 : 0));
    return { name: c.name, type: 'bool', values: bits, ...nullable };
  }
  const f = FAST[c.type];
  if (!f) throw new Error(`${where}: no Parquet writer for contract type ${c.type}`);
  let values = isNullable(v) ? v.values : (v as Typed);
  // ids are kept as u64 bit patterns in the engine; published as signed INT64 (every reader agrees
  // on it), which holds because they are below 2^63 (seeds and merchant ids are checked at input)
  if (c.type === 'int64' && values instanceof BigUint64Array) values = signedView(values, where);
  if (isDict(v) || Array.isArray(values) || values.constructor.name !== f.typed) {
    throw new Error(`${where}: ${c.type} needs a ${f.typed}, got ${isDict(v) ? 'codes' : values.constructor.name}`);
  }
  if (isNullable(v) && !c.nullable) throw new Error(`${where} is not nullable`);
  return {
    name: c.name,
    type: f.type,
    values: values as FastColumn['values'],
    ...nullable,
    ...(isNullable(v) ? { valid: v.valid } : {}),
    ...(f.delta ? { encoding: 'delta' as const } : {}),
  };
}

const I64_LIMIT = 1n << 63n;

/** The same bits as signed 64-bit integers; a value at or above 2^63 would read back negative, so it is refused. */
function signedView(u: BigUint64Array, where: string): BigInt64Array {
  for (let i = 0; i < u.length; i++) if (u[i] >= I64_LIMIT) throw new Error(`${where}: ${u[i]} does not fit a signed INT64`);
  return new BigInt64Array(u.buffer, u.byteOffset, u.length);
}

/**
 * `cols` as the encoder's columns in contract order, checked against dataset `id`'s contract first:
 * every contract column present, nothing else, equal lengths, the contract's types and nullability.
 */
export function contractColumns(id: string, cols: Record<string, ColumnValues>): { columns: FastColumn[]; rows: number } {
  const spec = dataset(id);
  if (!spec.columns) throw new Error(`dataset ${id} has no column list in the dictionary`);
  const extra = Object.keys(cols).filter((k) => !spec.columns!.some((c) => c.name === k));
  if (extra.length) throw new Error(`dataset ${id}: columns not in dictionary: ${extra.join(', ')}`);
  let n = -1;
  const columns = spec.columns.map((c) => {
    const v = cols[c.name];
    if (v === undefined) throw new Error(`dataset ${id}: column ${c.name} missing`);
    if (n >= 0 && lengthOf(v) !== n) throw new Error(`dataset ${id}: column ${c.name} has ${lengthOf(v)} rows, expected ${n}`);
    n = lengthOf(v);
    return fastColumn(c, v, `dataset ${id}: column ${c.name}`);
  });
  return { columns, rows: Math.max(0, n) };
}

/** A column as a plan (io/take.ts): its values (and validity) as expressions, a utf8 column's dictionary. */
export interface Planned {
  values: Expr;
  valid?: Expr;
  dict?: string[];
}

/**
 * Planned columns in contract order, checked against dataset `id`'s contract as contractColumns checks
 * whole columns (names, order, element types, nullability); each becomes what fastColumn would make of
 * the evaluated values, so a part's bytes are those of the same columns written whole.
 */
export function plannedColumns(id: string, cols: Record<string, Planned>): PlannedColumn[] {
  const spec = dataset(id);
  if (!spec.columns) throw new Error(`dataset ${id} has no column list in the dictionary`);
  const extra = Object.keys(cols).filter((k) => !spec.columns!.some((c) => c.name === k));
  if (extra.length) throw new Error(`dataset ${id}: columns not in dictionary: ${extra.join(', ')}`);
  return spec.columns.map((c) => {
    const where = `dataset ${id}: column ${c.name}`;
    const v = cols[c.name];
    if (v === undefined) throw new Error(`dataset ${id}: column ${c.name} missing`);
    if (v.valid && !c.nullable) throw new Error(`${where} is not nullable`);
    const t = exprType(v.values);
    const nullable = c.nullable ? { nullable: true } : {};
    const planned = (column: PlannedColumn['column'], signed = false): PlannedColumn => ({
      column,
      values: shareExpr(v.values),
      ...(v.valid ? { valid: shareExpr(v.valid) } : {}),
      ...(signed ? { signed } : {}),
    });
    if (c.type === 'utf8') {
      if (!v.dict || t !== 'Int32Array') throw new Error(`${where}: utf8 needs codes (Int32Array) and a dictionary`);
      return planned({ name: c.name, type: 'dict', dict: v.dict, ...nullable });
    }
    if (c.type === 'bool') {
      if (t !== 'Uint8Array') throw new Error(`${where}: bool needs a Uint8Array`);
      return planned({ name: c.name, type: 'bool', ...nullable });
    }
    const f = FAST[c.type];
    if (!f) throw new Error(`${where}: no Parquet writer for contract type ${c.type}`);
    const signed = c.type === 'int64' && t === 'BigUint64Array';
    if (!signed && t !== f.typed) throw new Error(`${where}: ${c.type} needs a ${f.typed}, got ${t}`);
    return planned({ name: c.name, type: f.type, ...nullable, ...(f.delta ? { encoding: 'delta' as const } : {}) }, signed);
  });
}
