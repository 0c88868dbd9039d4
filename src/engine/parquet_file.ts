// Publishing helpers for single-file Parquet datasets (…/issues.parquet, …/edge_alias_index_3B.parquet)
// written by parquet-wasm as one part. Shared by 3A and 3B; publishFile itself is in engine/datasets.ts.
import { ipcParts, PART_ROWS, type ColumnValues } from '../io/tables.js';
import { publishFile } from './datasets.js';
import { sha256Hex } from '../core/hash.js';
import { fail, ErrorCodes } from '../core/errors.js';
import type { OutputEntry } from '../gates/verify.js';
import type { RunContext } from './context.js';

/** Parquet bytes of a dataset's rows as ONE part (the whole table must fit in one part). */
export async function parquetBytes(ctx: RunContext, id: string, cols: Record<string, ColumnValues>): Promise<{ bytes: Uint8Array; rows: number }> {
  const parts = [...ipcParts(id, cols, PART_ROWS)];
  if (parts.length !== 1) fail(ErrorCodes.INTERNAL, `${id}: ${parts.length} parts for a single-file dataset`);
  return { bytes: await ctx.pool.parquet(parts[0].ipc), rows: parts[0].rows };
}

/** Publish a single-file Parquet dataset; returns rows and the file digest. */
export async function publishParquetFile(
  ctx: RunContext,
  id: string,
  cols: Record<string, ColumnValues>,
  outputs: OutputEntry[],
): Promise<{ rows: number; sha256_hex: string; path: string }> {
  const { bytes, rows } = await parquetBytes(ctx, id, cols);
  const path = await publishFile(ctx, id, bytes, outputs);
  return { rows, sha256_hex: sha256Hex(bytes), path };
}
