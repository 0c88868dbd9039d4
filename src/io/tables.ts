// Arrow tables built from typed columns, checked against the dataset dictionary before writing:
// a dataset can't be published with a column missing, misnamed, reordered or of the wrong type.
import * as arrow from 'apache-arrow';
import { dataset, type ColumnType } from '../contracts/dictionary.js';
import { writeParquet } from './parquet.js';

export type ColumnValues = ArrayLike<unknown> | BigUint64Array | BigInt64Array;

function arrowType(t: ColumnType): arrow.DataType {
  switch (t) {
    case 'uint64': return new arrow.Uint64();
    case 'uint32': return new arrow.Uint32();
    case 'int64': return new arrow.Int64();
    case 'int32': return new arrow.Int32();
    case 'int16': return new arrow.Int16();
    case 'uint8': return new arrow.Uint8();
    case 'float64': return new arrow.Float64();
    case 'float32': return new arrow.Float32();
    case 'utf8': return new arrow.Utf8();
    case 'bool': return new arrow.Bool();
    case 'timestamp_us_utc': return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp_us_local': return new arrow.TimestampMicrosecond();
    case 'date32': return new arrow.DateDay();
  }
}

/** Build the table for dataset `id` from named columns (all the dictionary's columns, in its order). */
export function buildTable(id: string, cols: Record<string, ColumnValues>): arrow.Table {
  const spec = dataset(id);
  if (!spec.columns) throw new Error(`dataset ${id} has no column list in the dictionary`);
  const extra = Object.keys(cols).filter((k) => !spec.columns!.some((c) => c.name === k));
  if (extra.length) throw new Error(`dataset ${id}: columns not in dictionary: ${extra.join(', ')}`);
  const vectors: Record<string, arrow.Vector> = {};
  let n = -1;
  for (const c of spec.columns) {
    const v = cols[c.name];
    if (v === undefined) throw new Error(`dataset ${id}: column ${c.name} missing`);
    if (n >= 0 && v.length !== n) throw new Error(`dataset ${id}: column ${c.name} has ${v.length} rows, expected ${n}`);
    n = v.length;
    const type = arrowType(c.type);
    if (!c.nullable && Array.prototype.some.call(v, (x: unknown) => x === null || x === undefined)) {
      throw new Error(`dataset ${id}: column ${c.name} is not nullable but has nulls`);
    }
    vectors[c.name] = arrow.vectorFromArray(v as any, type as any);
  }
  return new arrow.Table(vectors);
}

/** A dataset as one Parquet part (row groups of the writer's default size). */
export function parquetPart(id: string, cols: Record<string, ColumnValues>): { bytes: Uint8Array; rows: number } {
  const t = buildTable(id, cols);
  return { bytes: writeParquet(t), rows: t.numRows };
}
