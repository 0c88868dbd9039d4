// Selected columns of Parquet files, read by DuckDB into an Arrow table. DuckDB's native reader
// decodes on its own threads and skips the columns nobody asked for; each 2048-row chunk of a numeric
// column then leaves as one memcpy of the vector's memory (node-bindings' raw vector access). The
// parquet-wasm path decodes every column on the calling thread: ~0.5 s for a 20 MB, 19-column file
// of which a reader needed four.
//
// Rows come in file order (the files in the order given, each in its own row order: DuckDB keeps
// insertion order for a plain scan). Text columns with few distinct values become
// Dictionary<Int32, Utf8> whose dictionary is the ASCII-sorted distinct values; others plain Utf8.
import duckdb from '@duckdb/node-bindings';
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBEnumType } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { asciiCompare } from '../core/hash.js';
import { lit } from './duck.js';

/** Text columns with at most this many distinct values are read as dictionary codes. */
const DICT_MAX = 65_535;

/** One DuckDB per process for reads: opening one costs ~100 ms, and reads are short. */
let reader: Promise<DuckDBInstance> | undefined;
function instance(): Promise<DuckDBInstance> {
  // memory cap: reads are a few columns of a few files, never a whole world
  reader ??= DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  return reader;
}

type Values = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type Fixed = { bytes: number; make: (n: number) => Values; type: () => arrow.DataType };
const FIXED: Partial<Record<DuckDBTypeId, Fixed>> = {
  [DuckDBTypeId.UBIGINT]: { bytes: 8, make: (n) => new BigUint64Array(n), type: () => new arrow.Uint64() },
  [DuckDBTypeId.BIGINT]: { bytes: 8, make: (n) => new BigInt64Array(n), type: () => new arrow.Int64() },
  [DuckDBTypeId.INTEGER]: { bytes: 4, make: (n) => new Int32Array(n), type: () => new arrow.Int32() },
  [DuckDBTypeId.UINTEGER]: { bytes: 4, make: (n) => new Uint32Array(n), type: () => new arrow.Uint32() },
  [DuckDBTypeId.SMALLINT]: { bytes: 2, make: (n) => new Int16Array(n), type: () => new arrow.Int16() },
  [DuckDBTypeId.USMALLINT]: { bytes: 2, make: (n) => new Uint16Array(n), type: () => new arrow.Uint16() },
  [DuckDBTypeId.TINYINT]: { bytes: 1, make: (n) => new Int8Array(n), type: () => new arrow.Int8() },
  [DuckDBTypeId.UTINYINT]: { bytes: 1, make: (n) => new Uint8Array(n), type: () => new arrow.Uint8() },
  [DuckDBTypeId.DOUBLE]: { bytes: 8, make: (n) => new Float64Array(n), type: () => new arrow.Float64() },
  [DuckDBTypeId.FLOAT]: { bytes: 4, make: (n) => new Float32Array(n), type: () => new arrow.Float32() },
  [DuckDBTypeId.DATE]: { bytes: 4, make: (n) => new Int32Array(n), type: () => new arrow.DateDay() },
  [DuckDBTypeId.TIMESTAMP]: { bytes: 8, make: (n) => new BigInt64Array(n), type: () => new arrow.TimestampMicrosecond() },
  [DuckDBTypeId.TIMESTAMP_TZ]: { bytes: 8, make: (n) => new BigInt64Array(n), type: () => new arrow.TimestampMicrosecond('UTC') },
};
const ENUM_CODE: Partial<Record<DuckDBTypeId, number>> = { [DuckDBTypeId.UTINYINT]: 1, [DuckDBTypeId.USMALLINT]: 2, [DuckDBTypeId.UINTEGER]: 4 };

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Column builder: values plus an Arrow validity bitmap that exists only once a null is seen. */
interface Col {
  name: string;
  kind: 'fixed' | 'bool' | 'code' | 'text';
  fixed?: Fixed;
  values?: Values;
  codeBytes?: number;
  dict?: string[];
  text?: Text;
  nulls: Uint8Array | undefined;
  nullCount: number;
}

/** Whether the first n bits of a validity mask are all set (checked a byte at a time). */
function allValid(mask: Uint8Array, n: number): boolean {
  const whole = n >> 3;
  for (let i = 0; i < whole; i++) if (mask[i] !== 255) return false;
  const rest = n & 7;
  return rest === 0 || (mask[whole] & ((1 << rest) - 1)) === (1 << rest) - 1;
}

/** Mark rows [at, at + n) from a DuckDB validity mask (u64 words, bit i = row i; absent = all valid). */
function copyValidity(c: Col, vector: duckdb.Vector, at: number, n: number, total: number): void {
  const mask = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
  const valid = !mask || mask.byteLength === 0 || allValid(mask, n);
  if (valid && !c.nulls) return;
  if (!c.nulls) {
    // first null: every earlier row was valid
    c.nulls = new Uint8Array(Math.ceil(total / 8));
    for (let j = 0; j < at; j++) c.nulls[j >> 3] |= 1 << (j & 7);
  }
  for (let i = 0; i < n; i++) {
    if (valid || (mask![i >> 3] >> (i & 7)) & 1) c.nulls[(at + i) >> 3] |= 1 << ((at + i) & 7);
    else c.nullCount++;
  }
}

/** Rows per string built by textColumn (V8 strings stop at 2^29 characters). */
const TEXT_BLOCK_ROWS = 1 << 20;

/** Arrow Utf8 layout of a text column, with its nulls. */
interface Text {
  offsets: Int32Array;
  bytes: Uint8Array;
  nulls: Uint8Array | undefined;
  nullCount: number;
}

/**
 * A text column in file order, without a native call or an encode per value: DuckDB joins each block
 * of rows into one string (values separated by NUL, plus a string of null marks), and the block's
 * UTF-8 bytes become the Arrow value buffer with the separators taken out. A value holding NUL
 * itself would shift the split: the count check refuses it.
 */
async function textColumn(conn: DuckDBConnection, r: string, name: string, total: number): Promise<Text> {
  const c = quoteId(name);
  const order = `ORDER BY ${FI}, ${RN}`;
  const blocks = (await (
    await conn.run(`SELECT string_agg(coalesce(${c}, ''), chr(0) ${order}) s, string_agg(CASE WHEN ${c} IS NULL THEN '0' ELSE '1' END, '' ${order}) v
    FROM ${r} GROUP BY ${FI}, ${RN} // ${TEXT_BLOCK_ROWS} ORDER BY ${FI}, ${RN} // ${TEXT_BLOCK_ROWS}`)
  ).getRows()) as [string, string][];
  const encoded = blocks.map(([s]) => Buffer.from(s, 'utf8'));
  const bytes = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
  const offsets = new Int32Array(total + 1);
  let row = 0,
    at = 0,
    nulls: Uint8Array | undefined,
    nullCount = 0;
  const bad = () => new Error(`readParquetColumns: column ${name}: values holding NUL, or ${total} rows that DuckDB counted otherwise`);
  blocks.forEach(([, v], k) => {
    const e = encoded[k];
    const r0 = row;
    for (let i = 0; i <= e.length; i++) {
      if (i < e.length && e[i] !== 0) {
        bytes[at++] = e[i];
        continue;
      }
      // the end of one value
      if (row >= total) throw bad();
      offsets[++row] = at;
    }
    if (row - r0 !== v.length) throw bad();
    for (let i = 0; i < v.length; i++) {
      if (v.charCodeAt(i) === 49) continue;
      const r = r0 + i;
      if (!nulls) nulls = new Uint8Array(Math.ceil(total / 8)).fill(255);
      nulls[r >> 3] &= ~(1 << (r & 7));
      nullCount++;
    }
  });
  if (row !== total) throw bad();
  return { offsets, bytes: bytes.subarray(0, at), nulls, nullCount };
}

/**
 * `columns` of the Parquet `files` (read in that order) as an Arrow table; `where` filters rows (SQL).
 * Types: integers, doubles, dates, timestamps (µs, with or without UTC) and booleans as Arrow's own;
 * text as Dictionary<Int32, Utf8> (sorted distinct values) or Utf8 above DICT_MAX distinct values.
 */
export async function readParquetColumns(files: string[], columns: string[], where?: string): Promise<arrow.Table> {
  const conn = await (await instance()).connect();
  try {
    return await readWith(conn, files, columns, where);
  } finally {
    conn.closeSync();
  }
}

/** Columns that carry each row's place: file index (1-based, order given) and row in file. */
const FI = '__fw_file',
  RN = '__fw_row';

async function readWith(conn: DuckDBConnection, files: string[], columns: string[], where?: string): Promise<arrow.Table> {
  const list = `[${files.map(lit).join(', ')}]`;
  // each query below scans the files again (decoding a few columns costs less than a temp table),
  // unless a filter has to look at every row: then its result is kept in a temp table (this
  // connection's, gone when it closes)
  let r = `(SELECT ${columns.map(quoteId).join(', ')}, list_position(${list}, filename) ${FI}, CAST(file_row_number AS INTEGER) ${RN}
    FROM read_parquet(${list}, filename = true, file_row_number = true)${where ? ` WHERE ${where}` : ''})`;
  if (where) {
    await conn.run(`CREATE TEMP TABLE r AS SELECT * FROM ${r}`);
    r = 'r';
  }
  const probe = await conn.run(`SELECT ${columns.map(quoteId).join(', ')} FROM ${r} LIMIT 0`);
  const types = columns.map((_, i) => probe.columnTypeId(i));
  const textCols = columns.filter((_, i) => types[i] === DuckDBTypeId.VARCHAR);
  // distinct values of each text column, when few enough to be a dictionary
  const dicts = new Map<string, string[]>();
  if (textCols.length) {
    // counts first: a list of 10^5 distinct values costs more to build than the column itself
    const counts = (
      await (await conn.run(`SELECT ${textCols.map((c, k) => `count(DISTINCT ${quoteId(c)}) n${k}`).join(', ')} FROM ${r}`)).getRowObjectsJS()
    )[0];
    const few = textCols.filter((_, k) => Number(counts[`n${k}`]) <= DICT_MAX);
    if (few.length) {
      const row = (
        await (
          await conn.run(`SELECT ${few.map((c, k) => `list(DISTINCT ${quoteId(c)}) FILTER (WHERE ${quoteId(c)} IS NOT NULL) d${k}`).join(', ')} FROM ${r}`)
        ).getRowObjectsJS()
      )[0];
      few.forEach((c, k) => dicts.set(c, [...((row[`d${k}`] as string[] | null) ?? [])].sort(asciiCompare)));
    }
  }
  const select = columns.map((c) => {
    const d = dicts.get(c);
    // an empty dictionary (all null) still needs a valid ENUM type
    return d ? `CAST(${quoteId(c)} AS ENUM(${(d.length ? d : ['']).map(lit).join(', ')})) AS ${quoteId(c)}` : quoteId(c);
  });
  // a plain scan keeps insertion order (file order); the row places come along to prove it
  const res = await conn.run(`SELECT ${select.join(', ')}, ${FI}, ${RN} FROM ${r}`);
  const cols: Col[] = columns.map((name, i) => {
    const t = res.columnTypeId(i);
    if (t === DuckDBTypeId.ENUM) {
      const codeBytes = ENUM_CODE[(res.columnType(i) as DuckDBEnumType).internalTypeId];
      if (!codeBytes) throw new Error(`readParquetColumns: column ${name}: unexpected ENUM storage`);
      return { name, kind: 'code', codeBytes, dict: dicts.get(name)!, nulls: undefined, nullCount: 0 };
    }
    if (t === DuckDBTypeId.VARCHAR) return { name, kind: 'text', nulls: undefined, nullCount: 0 };
    if (t === DuckDBTypeId.BOOLEAN) return { name, kind: 'bool', nulls: undefined, nullCount: 0 };
    const fixed = FIXED[t];
    if (!fixed) throw new Error(`readParquetColumns: column ${name} has DuckDB type ${DuckDBTypeId[t]}, which this reader does not map`);
    return { name, kind: 'fixed', fixed, nulls: undefined, nullCount: 0 };
  });
  // materialised result: the row count is known before the first copy
  const chunks = await res.fetchAllChunks();
  const total = chunks.reduce((s, ch) => s + ch.rowCount, 0);
  for (const c of cols) {
    if (c.kind === 'fixed') c.values = c.fixed!.make(total);
    else if (c.kind === 'code') c.values = new Int32Array(total);
    else if (c.kind === 'bool') c.values = new Uint8Array(Math.ceil(total / 8));
  }
  let at = 0,
    lastFile = 0,
    lastRow = -1;
  for (const ch of chunks) {
    const n = ch.rowCount;
    const fi = new Int32Array(duckdb.vector_get_data(duckdb.data_chunk_get_vector(ch.chunk, columns.length), 4 * n).slice(0, 4 * n).buffer);
    const rn = new Int32Array(duckdb.vector_get_data(duckdb.data_chunk_get_vector(ch.chunk, columns.length + 1), 4 * n).slice(0, 4 * n).buffer);
    for (let j = 0; j < n; j++) {
      if (fi[j] < lastFile || (fi[j] === lastFile && rn[j] <= lastRow)) throw new Error('readParquetColumns: DuckDB returned rows out of file order');
      lastFile = fi[j];
      lastRow = rn[j];
    }
    cols.forEach((c, i) => {
      if (c.kind === 'text') return;
      const vector = duckdb.data_chunk_get_vector(ch.chunk, i);
      copyValidity(c, vector, at, n, total);
      if (c.kind === 'fixed') {
        const w = c.fixed!.bytes;
        const raw = duckdb.vector_get_data(vector, n * w);
        new Uint8Array(c.values!.buffer, c.values!.byteOffset + at * w, n * w).set(raw.subarray(0, n * w));
      } else if (c.kind === 'code') {
        const w = c.codeBytes!;
        const raw = duckdb.vector_get_data(vector, n * w);
        const codes = w === 1 ? raw : w === 2 ? new Uint16Array(raw.buffer, raw.byteOffset, n) : new Uint32Array(raw.buffer, raw.byteOffset, n);
        (c.values as Int32Array).set(codes.subarray(0, n), at);
      } else if (c.kind === 'bool') {
        const raw = duckdb.vector_get_data(vector, n);
        const bits = c.values as Uint8Array;
        for (let j = 0; j < n; j++) if (raw[j]) bits[(at + j) >> 3] |= 1 << ((at + j) & 7);
      }
    });
    at += n;
  }
  for (const c of cols) if (c.kind === 'text') c.text = await textColumn(conn, r, c.name, total);
  const vectors: Record<string, arrow.Vector> = {};
  for (const c of cols) {
    const nullBitmap = c.nulls,
      nullCount = c.nullCount;
    if (c.kind === 'text') {
      const t = c.text!;
      vectors[c.name] = arrow.makeVector(
        arrow.makeData({ type: new arrow.Utf8(), length: total, valueOffsets: t.offsets, data: t.bytes, nullBitmap: t.nulls, nullCount: t.nullCount }),
      );
      continue;
    }
    if (c.kind === 'code') {
      const dictionary = arrow.vectorFromArray(c.dict!, new arrow.Utf8());
      const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
      vectors[c.name] = arrow.makeVector(arrow.makeData({ type, length: total, data: c.values as Int32Array, nullBitmap, nullCount, dictionary }));
      continue;
    }
    const type = c.kind === 'bool' ? new arrow.Bool() : c.fixed!.type();
    vectors[c.name] = arrow.makeVector(arrow.makeData({ type, length: total, data: c.values as any, nullBitmap, nullCount } as any));
  }
  return new arrow.Table(vectors);
}
