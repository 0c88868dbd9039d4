// Arrow tables built from typed columns, checked against the dataset dictionary before writing:
// a dataset can't be published with a column missing, misnamed, reordered or of the wrong type.
// Columns are handed over as typed arrays (zero-copy into Arrow), string codes + dictionary, or
// values + validity; a partition is written in fixed-size parts so memory is bounded by the part.
import * as arrow from 'apache-arrow';
import { dataset, type ColumnSpec, type ColumnType } from '../contracts/dictionary.js';

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

function arrowType(t: ColumnType): arrow.DataType {
  switch (t) {
    case 'uint32':
      return new arrow.Uint32();
    case 'int64':
      return new arrow.Int64();
    case 'int32':
      return new arrow.Int32();
    case 'int16':
      return new arrow.Int16();
    case 'uint8':
      return new arrow.Uint8();
    case 'float64':
      return new arrow.Float64();
    case 'float32':
      return new arrow.Float32();
    case 'utf8':
      return new arrow.Utf8();
    case 'bool':
      return new arrow.Bool();
    case 'timestamp_us_utc':
      return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp_us_local':
      return new arrow.TimestampMicrosecond();
    case 'date32':
      return new arrow.DateDay();
  }
}

const TYPED_FOR: Partial<Record<ColumnType, string>> = {
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  uint32: 'Uint32Array',
  int16: 'Int16Array',
  uint8: 'Uint8Array',
  float64: 'Float64Array',
  float32: 'Float32Array',
  timestamp_us_utc: 'BigInt64Array',
  timestamp_us_local: 'BigInt64Array',
  date32: 'Int32Array',
};

function packBits(bits: ArrayLike<number | boolean>): Uint8Array {
  const out = new Uint8Array((bits.length + 7) >> 3);
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

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

function vectorFor(c: ColumnSpec, v: ColumnValues, id: string): arrow.Vector {
  const type = arrowType(c.type);
  const where = `dataset ${id}: column ${c.name}`;
  if (c.type === 'utf8') {
    const d = isDict(v) ? v : Array.isArray(v) ? dictEncode(v as string[]) : undefined;
    if (!d) throw new Error(`${where}: utf8 needs string[] or {codes, dict}`);
    const dictType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const dictionary = arrow.vectorFromArray(d.dict, new arrow.Utf8());
    // a nullable string column: {codes, dict, valid} (1 = present)
    const valid = isDict(v) ? v.valid : undefined;
    if (valid && !c.nullable) throw new Error(`${where} is not nullable`);
    const nulls = valid ? valid.length - valid.reduce((a, b) => a + (b ? 1 : 0), 0) : 0;
    return arrow.makeVector(
      arrow.makeData({
        type: dictType,
        length: d.codes.length,
        data: d.codes,
        dictionary,
        ...(valid ? { nullBitmap: packBits(valid), nullCount: nulls } : {}),
      }),
    );
  }
  if (c.type === 'bool') {
    if (isDict(v) || isNullable(v)) throw new Error(`${where}: bool needs boolean[] or Uint8Array`);
    return arrow.makeVector(arrow.makeData({ type: type as arrow.Bool, length: v.length, data: packBits(v as ArrayLike<number>) }));
  }
  let values = isNullable(v) ? v.values : (v as Typed);
  // ids are kept as u64 bit patterns in the engine; published as signed INT64 (every reader agrees
  // on it), which holds because they are below 2^63 (seeds and merchant ids are checked at input)
  if (c.type === 'int64' && values instanceof BigUint64Array) values = signedView(values, where);
  if (isDict(v) || values.constructor.name !== TYPED_FOR[c.type]) {
    throw new Error(`${where}: ${c.type} needs a ${TYPED_FOR[c.type]}, got ${isDict(v) ? 'codes' : values.constructor.name}`);
  }
  if (isNullable(v)) {
    if (!c.nullable) throw new Error(`${where} is not nullable`);
    const nulls = v.valid.length - v.valid.reduce((a, b) => a + (b ? 1 : 0), 0);
    return arrow.makeVector(arrow.makeData({ type: type as any, length: values.length, data: values as any, nullBitmap: packBits(v.valid), nullCount: nulls }));
  }
  return arrow.makeVector(arrow.makeData({ type: type as any, length: values.length, data: values as any }));
}

const I64_LIMIT = 1n << 63n;

/** The same bits as signed 64-bit integers; a value at or above 2^63 would read back negative, so it is refused. */
function signedView(u: BigUint64Array, where: string): BigInt64Array {
  for (let i = 0; i < u.length; i++) if (u[i] >= I64_LIMIT) throw new Error(`${where}: ${u[i]} does not fit a signed INT64`);
  return new BigInt64Array(u.buffer, u.byteOffset, u.length);
}

function sliceCol(v: ColumnValues, a: number, b: number): ColumnValues {
  if (isDict(v)) return { codes: v.codes.subarray(a, b), dict: v.dict, ...(v.valid ? { valid: v.valid.subarray(a, b) } : {}) };
  if (isNullable(v)) return { values: v.values.subarray(a, b) as Typed, valid: v.valid.subarray(a, b) };
  if (Array.isArray(v)) return v.slice(a, b) as ColumnValues;
  return (v as Typed).subarray(a, b) as Typed;
}

/** Build the table for dataset `id` from named columns (all the dictionary's columns, in its order). */
export function buildTable(id: string, cols: Record<string, ColumnValues>): arrow.Table {
  const spec = dataset(id);
  if (!spec.columns) throw new Error(`dataset ${id} has no column list in the dictionary`);
  const extra = Object.keys(cols).filter((k) => !spec.columns!.some((c) => c.name === k));
  if (extra.length) throw new Error(`dataset ${id}: columns not in dictionary: ${extra.join(', ')}`);
  const vectors: Record<string, arrow.Vector> = {};
  // Arrow's IPC writer corrupts the stream when two columns share one buffer: copy repeats.
  // Same memory = same (buffer, offset, length), whatever the view object (slices make new ones).
  const seen = new Map<unknown, Set<string>>();
  const own = (v: ColumnValues): ColumnValues => {
    const key = (isDict(v) ? v.codes : isNullable(v) ? v.values : v) as { buffer?: unknown; byteOffset?: number; byteLength?: number };
    const buf = key.buffer ?? key;
    const range = `${key.byteOffset ?? 0}:${key.byteLength ?? 0}`;
    const ranges = seen.get(buf) ?? new Set<string>();
    seen.set(buf, ranges);
    if (!ranges.has(range)) {
      ranges.add(range);
      return v;
    }
    if (isDict(v)) return { ...v, codes: v.codes.slice() };
    if (isNullable(v)) return { ...v, values: v.values.slice() as Typed };
    return (Array.isArray(v) ? v.slice() : (v as Typed).slice()) as ColumnValues;
  };
  let n = -1;
  for (const c of spec.columns) {
    const v = cols[c.name];
    if (v === undefined) throw new Error(`dataset ${id}: column ${c.name} missing`);
    if (n >= 0 && lengthOf(v) !== n) throw new Error(`dataset ${id}: column ${c.name} has ${lengthOf(v)} rows, expected ${n}`);
    n = lengthOf(v);
    vectors[c.name] = vectorFor(c, own(v), id);
  }
  return new arrow.Table(vectors);
}

/** Arrow IPC parts of at most PART_ROWS rows (boundaries depend on the row count only), for pool encoding. */
export function* ipcParts(id: string, cols: Record<string, ColumnValues>, partRows = PART_ROWS): Generator<{ name: string; ipc: Uint8Array; rows: number }> {
  const n = lengthOf(Object.values(cols)[0]);
  const parts = Math.max(1, Math.ceil(n / partRows));
  for (let p = 0; p < parts; p++) {
    const a = p * partRows;
    const b = Math.min(n, a + partRows);
    const slice: Record<string, ColumnValues> = {};
    for (const [k, v] of Object.entries(cols)) slice[k] = sliceCol(v, a, b);
    yield { name: `part-${String(p).padStart(5, '0')}.parquet`, ipc: arrow.tableToIPC(buildTable(id, slice), 'stream'), rows: b - a };
  }
}
