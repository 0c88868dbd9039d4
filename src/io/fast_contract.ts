// The fast Parquet path (io/fastparquet.ts) writes from typed columns without Arrow, so it gets the
// same contract check as the Arrow path (io/tables.ts buildTable), run before a byte is encoded:
// every contract column present, in contract order, of a compatible type, nullable only where the
// contract allows nulls, and nothing else.
import { dataset, type ColumnType } from '../contracts/dictionary.js';
import type { FastColumn, FastColumnType } from './fastparquet.js';

/** The fast encoder's column types each contract type may be written as. */
const WRITES: Record<ColumnType, readonly FastColumnType[]> = {
  int64: ['i64'],
  uint32: ['u32'],
  int32: ['i32'],
  int16: [],
  uint8: [],
  float64: ['f64'],
  float32: [],
  utf8: ['dict'],
  bool: ['bool'],
  timestamp_us_utc: ['ts_utc_us'],
  timestamp_us_local: ['ts_local_us'],
  date32: ['date32'],
};

/** Problems of `cols` against dataset `id`'s contract (empty when they match). */
export function fastColumnProblems(id: string, cols: readonly Pick<FastColumn, 'name' | 'type' | 'valid' | 'nullable'>[]): string[] {
  const spec = dataset(id).columns ?? [];
  const out: string[] = [];
  if (cols.map((c) => c.name).join() !== spec.map((c) => c.name).join())
    out.push(`columns [${cols.map((c) => c.name).join(', ')}] are not the contract's [${spec.map((c) => c.name).join(', ')}]`);
  for (const c of cols) {
    const s = spec.find((x) => x.name === c.name);
    if (!s) continue;
    if (!WRITES[s.type].includes(c.type)) out.push(`${c.name} written as ${c.type}, contract ${s.type}`);
    if ((c.valid || c.nullable) && !s.nullable) out.push(`${c.name} may be null, the contract says not`);
  }
  return out;
}

/** Throw before encoding when the columns break the contract (a bug in the engine, not in user input). */
export function checkFastColumns(id: string, cols: readonly Pick<FastColumn, 'name' | 'type' | 'valid' | 'nullable'>[]): void {
  const p = fastColumnProblems(id, cols);
  if (p.length) throw new Error(`dataset ${id} breaks its contract (contracts/datasets): ${p.join('; ')}`);
}
