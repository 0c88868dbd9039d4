// Publishing helpers for catalogued paths that name a single file (…/issues.parquet,
// …/edge_alias_blob_3B.bin) rather than a directory of parts. Shared by 3A and 3B.
import { partitionDir } from '../contracts/dictionary.js';
import { ipcParts, PART_ROWS, type ColumnValues } from '../io/tables.js';
import { publishPartition } from '../io/publish.js';
import { sha256Hex } from '../core/hash.js';
import { fail, ErrorCodes } from '../core/errors.js';
import type { OutputEntry } from '../gates/verify.js';
import { tokens, type RunContext } from '../engine/context.js';

/** Parquet bytes of a dataset's rows as ONE part (the whole table must fit in one part). */
export async function parquetBytes(ctx: RunContext, id: string, cols: Record<string, ColumnValues>): Promise<{ bytes: Uint8Array; rows: number }> {
  const parts = [...ipcParts(id, cols, PART_ROWS)];
  if (parts.length !== 1) fail(ErrorCodes.INTERNAL, `${id}: ${parts.length} parts for a single-file dataset`);
  return { bytes: await ctx.pool.parquet(parts[0].ipc), rows: parts[0].rows };
}

/** Publish bytes at a dataset whose path template ends in a file name. */
export async function publishFile(ctx: RunContext, id: string, bytes: Uint8Array, outputs: OutputEntry[], extraTokens: Record<string, string> = {}): Promise<string> {
  const { dir, file } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  if (!file) throw new Error(`dataset ${id} is a directory, not a file`);
  await publishPartition(ctx.world, dir, [{ name: file, bytes }]);
  const path = `${dir}/${file}`;
  outputs.push({ dataset: id, path, sha256_hex: sha256Hex(bytes), bytes: bytes.length });
  return path;
}

/** Publish a single-file Parquet dataset; returns rows and the file digest. */
export async function publishParquetFile(ctx: RunContext, id: string, cols: Record<string, ColumnValues>, outputs: OutputEntry[]): Promise<{ rows: number; sha256_hex: string; path: string }> {
  const { bytes, rows } = await parquetBytes(ctx, id, cols);
  const path = await publishFile(ctx, id, bytes, outputs);
  return { rows, sha256_hex: sha256Hex(bytes), path };
}
