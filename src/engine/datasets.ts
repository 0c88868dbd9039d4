// Dataset I/O every segment shares: publish a Parquet dataset (parts encoded on the pool), read one
// back (only behind a verified gate: S0 of the reading segment has checked it), JSON receipts.
import { join } from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { partitionDir, dataset } from '../contracts/dictionary.js';
import { ipcParts, type ColumnValues } from '../io/tables.js';
import { publishPartition } from '../io/publish.js';
import { readParquetToArrow } from '../io/parquet.js';
import { readParquetColumns } from '../io/duck_read.js';
import { sha256Hex, stableJson } from '../core/hash.js';
import type { OutputEntry } from '../gates/verify.js';
import { tokens, type RunContext } from './context.js';

/**
 * Encode a dataset's parts on the pool and publish its partition; returns the row count. Parts are
 * part-NNNNN.parquet; where the path template names a file, one part takes that name and several
 * become <stem>.part-NNNNN.parquet beside it.
 */
export async function publishParquet(ctx: RunContext, id: string, cols: Record<string, ColumnValues>, outputs: OutputEntry[], extraTokens: Record<string, string> = {}): Promise<number> {
  const { dir, file } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  const parts = [...ipcParts(id, cols)];
  const stem = file?.replace(/\.parquet$/, '');
  const nameOf = (p: (typeof parts)[number], i: number) => (!file ? p.name : parts.length === 1 ? file : `${stem}.part-${String(i).padStart(5, '0')}.parquet`);
  const files = await Promise.all(parts.map(async (p, i) => ({ name: nameOf(p, i), bytes: await ctx.pool.parquet(p.ipc) })));
  let rows = 0;
  files.forEach((f, i) => {
    outputs.push({ dataset: id, path: `${dir}/${f.name}`, sha256_hex: sha256Hex(f.bytes), bytes: f.bytes.length });
    rows += parts[i].rows;
  });
  await publishPartition(ctx.world, dir, files);
  return rows;
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

/** Publish a JSON document at a dataset whose path template ends in a file name. */
export async function publishJson(ctx: RunContext, id: string, doc: unknown, outputs?: OutputEntry[], extraTokens: Record<string, string> = {}): Promise<void> {
  const { dir, file } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  if (!file) throw new Error(`dataset ${id} is a directory, not a JSON file`);
  const bytes = Buffer.from(stableJson(doc));
  await publishPartition(ctx.world, dir, [{ name: file, bytes }]);
  outputs?.push({ dataset: id, path: `${dir}/${file}`, sha256_hex: sha256Hex(bytes), bytes: bytes.length });
}

/** Options of readParquetDataset: read only these columns (through DuckDB), optionally filtered. */
export interface ReadOptions {
  columns?: string[];
  /** SQL over the columns (DuckDB syntax); only with `columns` */
  where?: string;
}

/**
 * Read every part of a published Parquet dataset, in part order, as one Arrow table. With `columns`
 * only those are read, by DuckDB on its own threads (src/io/duck_read.ts); without, every column
 * through parquet-wasm on this thread.
 */
export async function readParquetDataset(ctx: RunContext, id: string, extraTokens: Record<string, string> = {}, opts: ReadOptions = {}): Promise<arrow.Table> {
  if (dataset(id).format !== 'parquet') throw new Error(`${id} is not a parquet dataset`);
  const { dir } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  const full = join(ctx.world, dir);
  const parts = (await readdir(full)).filter((f) => f.endsWith('.parquet')).sort();
  if (opts.columns) return readParquetColumns(parts.map((p) => join(full, p)), opts.columns, opts.where);
  if (opts.where) throw new Error('readParquetDataset: where needs columns');
  const tables = [];
  for (const p of parts) tables.push(readParquetToArrow(await readFile(join(full, p))));
  return tables.length === 1 ? tables[0] : new arrow.Table(tables.flatMap((t) => t.batches));
}
