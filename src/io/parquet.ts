/**
 * Not the engine's writer (that is io/fastparquet.ts): parquet-wasm as an independent reader for tests
 * and as the comparison writer in bench/ (a devDependency).
 *
 * Arrow -> Parquet writer backed by parquet-wasm 0.8 (arrow-rs / parquet-rs
 * 59.x compiled to wasm32: single-threaded and synchronous, so call it from a
 * worker, not the main thread).
 *
 * Why this writer, and the measurements behind every claim below, are in
 * bench/README.md ("Parquet writer choice"); re-run bench/parquet-writers.ts
 * after bumping parquet-wasm.
 *
 * Types: the Arrow schema is embedded (`ARROW:schema` key-value metadata) and
 * the Parquet logical types are exact: Uint64 -> INT64 + UINT_64 /
 * IntType(64, unsigned); Timestamp(us, 'UTC') -> TIMESTAMP(MICROS,
 * isAdjustedToUTC=true); Timestamp(us) -> isAdjustedToUTC=false; Bool ->
 * BOOLEAN; Dictionary<Int8, Utf8> -> dictionary-encoded BYTE_ARRAY STRING,
 * read back by readParquetToArrow as Dictionary<Int8, Utf8> again.
 *
 * Determinism: parquet-rs writes no timestamps or random ids and we pin
 * created_by, so the bytes are a pure function of (parquet-wasm version, Arrow
 * data + schema, options) -- PROVIDED every record batch except the last has a
 * multiple of PARQUET_WRITE_BATCH_SIZE (1024) rows (see hasCanonicalBatching);
 * otherwise page boundaries follow the batch boundaries and the same rows can
 * give different bytes. rowGroupSize is required to be a multiple of 1024 for
 * the same reason. Same process or not, same table -> same bytes (checked).
 *
 * Memory: wasm linear memory grows to ~2x the Arrow bytes of the largest single
 * call (2M rows x 45 B -> 175 MiB) and never shrinks while the process (or
 * worker) lives. Write large outputs as <= 1,048,576-row slices (93 MiB).
 */
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';

export type ParquetCompression = 'zstd' | 'snappy' | 'uncompressed';

export interface WriteParquetOptions {
  /**
   * Max rows per row group; must be a multiple of PARQUET_WRITE_BATCH_SIZE
   * (1024). Default 1,048,576 (parquet-rs default, pinned).
   */
  rowGroupSize?: number;
  /** Default 'zstd' (parquet-rs default zstd level, i.e. 1). */
  compression?: ParquetCompression;
}

/**
 * Fixed `created_by` string. parquet-rs would otherwise write
 * "parquet-rs version <x.y.z>", which changes bytes on every dependency bump.
 * Uses the conventional "<app> version <semver> (build <id>)" shape that
 * readers parse (DuckDB reads it back fine: checked).
 */
export const PARQUET_CREATED_BY = 'fraudworld version 0.1.0 (build parquet-wasm)';

export const DEFAULT_ROW_GROUP_SIZE = 1_048_576;

/**
 * parquet-rs cuts each column into "mini-batches" of this many values and only
 * decides page boundaries / dictionary fallback between mini-batches, counting
 * from the start of each incoming Arrow record batch. Hence the determinism
 * rule above: batch boundaries must fall on multiples of this. (Setting it to
 * 1 makes output batching-independent but writes ~1.8x slower: measured.)
 */
export const PARQUET_WRITE_BATCH_SIZE = 1024;

/**
 * True when `table`'s record-batch layout cannot influence writeParquet's
 * bytes: every batch except the last has a multiple of
 * PARQUET_WRITE_BATCH_SIZE rows.
 */
export function hasCanonicalBatching(table: arrow.Table): boolean {
  const b = table.batches;
  for (let i = 0; i < b.length - 1; i++) {
    if (b[i].numRows % PARQUET_WRITE_BATCH_SIZE !== 0) return false;
  }
  return true;
}

const COMPRESSION: Record<ParquetCompression, pq.Compression> = {
  zstd: pq.Compression.ZSTD,
  snappy: pq.Compression.SNAPPY,
  uncompressed: pq.Compression.UNCOMPRESSED,
};

/**
 * The pinned writer properties used by writeParquet. Exposed for streaming
 * writers (pq.transformParquetStream); the returned object is consumed by the
 * parquet-wasm call it is passed to.
 */
export function parquetWriterProperties(opts: WriteParquetOptions = {}): pq.WriterProperties {
  const compression = opts.compression ?? 'zstd';
  const rowGroupSize = opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!(compression in COMPRESSION)) {
    throw new Error(`writeParquet: unknown compression '${String(compression)}'`);
  }
  if (!Number.isInteger(rowGroupSize) || rowGroupSize <= 0 || rowGroupSize % PARQUET_WRITE_BATCH_SIZE !== 0) {
    // Row-group starts reset parquet-rs's mini-batch grid; a size off the grid
    // makes bytes depend on the input's record-batch layout.
    throw new Error(`writeParquet: rowGroupSize must be a positive multiple of ${PARQUET_WRITE_BATCH_SIZE}, got ${rowGroupSize}`);
  }
  // Each builder setter consumes `this` and returns a new builder; chain them.
  return new pq.WriterPropertiesBuilder()
    .setCreatedBy(PARQUET_CREATED_BY)
    .setWriterVersion(pq.WriterVersion.V1)
    .setCompression(COMPRESSION[compression])
    .setMaxRowGroupSize(rowGroupSize)
    .setWriteBatchSize(PARQUET_WRITE_BATCH_SIZE)
    .setDictionaryEnabled(true)
    .setStatisticsEnabled(pq.EnabledStatistics.Page)
    .build();
}

/**
 * Serialise an Arrow table to a complete Parquet file held in memory.
 *
 * The Arrow schema is embedded as the `ARROW:schema` key-value metadata (as
 * parquet-rs always does), so UInt64, Timestamp(us, 'UTC') vs Timestamp(us)
 * and Dictionary<Int8, Utf8> round-trip exactly through readParquetToArrow;
 * non-Arrow readers see UINT_64 / TIMESTAMP(isAdjustedToUTC=true|false) /
 * STRING logical types.
 */
export function writeParquet(table: arrow.Table, opts: WriteParquetOptions = {}): Uint8Array {
  const props = parquetWriterProperties(opts);
  let wasmTable: pq.Table;
  try {
    wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  } catch (err) {
    props.free();
    throw err;
  }
  // writeParquet consumes (frees) both the wasm table and the properties.
  return pq.writeParquet(wasmTable, props);
}

/** Same as writeParquet, from Arrow IPC stream bytes (what a pool worker receives). */
export function writeParquetFromIpc(ipc: Uint8Array, opts: WriteParquetOptions = {}): Uint8Array {
  const props = parquetWriterProperties(opts);
  let wasmTable: pq.Table;
  try {
    wasmTable = pq.Table.fromIPCStream(ipc);
  } catch (err) {
    props.free();
    throw err;
  }
  return pq.writeParquet(wasmTable, props);
}

/** Read a Parquet file (bytes) back into an Arrow JS table. For tests/tools. */
export function readParquetToArrow(bytes: Uint8Array): arrow.Table {
  const wasmTable = pq.readParquet(bytes);
  // intoIPCStream consumes the wasm table.
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/** Current size of parquet-wasm's linear memory in bytes (grows, never shrinks). */
export function parquetWasmMemoryBytes(): number {
  return pq.wasmMemory().buffer.byteLength;
}
