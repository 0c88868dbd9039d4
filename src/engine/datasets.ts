// Dataset I/O every segment shares: publish a Parquet dataset (parts encoded on the pool), read one
// back (only behind a verified gate: S0 of the reading segment has checked it), JSON receipts.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { partitionDir, dataset } from '../contracts/dictionary.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { ipcParts, type ColumnValues } from '../io/tables.js';
import { publishPartition } from '../io/publish.js';
import { readParquetToArrow } from '../io/parquet.js';
import { readParquetColumns } from '../io/duck_read.js';
import { sha256Hex, stableJson } from '../core/hash.js';
import { gateOutputs, type OutputEntry } from '../gates/verify.js';
import { tokens, type RunContext } from './context.js';

/**
 * Encode a dataset's parts on the pool and publish its partition; returns the row count. Parts are
 * part-NNNNN.parquet; where the path template names a file, one part takes that name and several
 * become <stem>.part-NNNNN.parquet beside it.
 */
export async function publishParquet(
  ctx: RunContext,
  id: string,
  cols: Record<string, ColumnValues>,
  outputs: OutputEntry[],
  extraTokens: Record<string, string> = {},
): Promise<number> {
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
export async function publishFile(
  ctx: RunContext,
  id: string,
  bytes: Uint8Array,
  outputs: OutputEntry[],
  extraTokens: Record<string, string> = {},
): Promise<string> {
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

/**
 * The files of one partition of dataset `id` (world-relative, in outputs.json order): those its
 * segment's gate lists, or, for a segment reading back what it has just published (no gate yet),
 * those in its outputs ledger `published`. Never a directory listing: a file the gate does not list
 * is not part of the dataset, whatever else sits in the folder.
 */
export async function sealedFiles(ctx: RunContext, id: string, extraTokens: Record<string, string> = {}, published?: OutputEntry[]): Promise<string[]> {
  const { dir } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  const seg = dataset(id).segment;
  const entries = published ?? (await gateOutputs(ctx.world, seg, ctx.manifest_fingerprint));
  const files = entries.filter((e) => e.dataset === id && e.path.startsWith(`${dir}/`)).map((e) => e.path);
  // the ledger is in publishing order; outputs.json sorts it so (engine/seal.ts)
  if (published) files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) {
    if (published) fail(ErrorCodes.INTERNAL, `${id} was not published in this run`, dir);
    fail(ErrorCodes.GATE_FILE_MISSING, `the ${seg} gate lists no file of ${id}`, dir, `rebuild segment ${seg} (fraudworld run --until ${seg})`);
  }
  return files;
}

/** Absolute path of a dataset whose path template names one file, once its gate (or `published`) lists it. */
export async function sealedFile(ctx: RunContext, id: string, extraTokens: Record<string, string> = {}, published?: OutputEntry[]): Promise<string> {
  const { dir, file } = partitionDir(id, { ...tokens(ctx), ...extraTokens });
  if (!file) throw new Error(`dataset ${id} is a directory, not a file`);
  const path = (await sealedFiles(ctx, id, extraTokens, published)).find((f) => f === `${dir}/${file}`);
  if (!path) fail(ErrorCodes.GATE_FILE_MISSING, `${file} is not among the sealed files of ${id}`, dir, `rebuild segment ${dataset(id).segment}`);
  return join(ctx.world, path);
}

/** Absolute paths of the sealed Parquet files of a dataset partition (sealedFiles), for DuckDB. */
export async function sealedParquet(ctx: RunContext, id: string, extraTokens: Record<string, string> = {}, published?: OutputEntry[]): Promise<string[]> {
  return (await sealedFiles(ctx, id, extraTokens, published)).filter((f) => f.endsWith('.parquet')).map((f) => join(ctx.world, f));
}

/** Options of readParquetDataset: read only these columns (through DuckDB), optionally filtered. */
export interface ReadOptions {
  columns?: string[];
  /** SQL over the columns (DuckDB syntax); only with `columns` */
  where?: string;
  /** the reading segment's own outputs ledger, when it reads back its own dataset before sealing */
  published?: OutputEntry[];
}

/**
 * Read every sealed part of a published Parquet dataset (sealedFiles), in part order, as one Arrow
 * table. With `columns` only those are read, by DuckDB on its own threads (src/io/duck_read.ts);
 * without, every column through parquet-wasm on this thread.
 */
export async function readParquetDataset(ctx: RunContext, id: string, extraTokens: Record<string, string> = {}, opts: ReadOptions = {}): Promise<arrow.Table> {
  if (dataset(id).format !== 'parquet') throw new Error(`${id} is not a parquet dataset`);
  const parts = await sealedParquet(ctx, id, extraTokens, opts.published);
  if (opts.columns) return readParquetColumns(parts, opts.columns, opts.where);
  if (opts.where) throw new Error('readParquetDataset: where needs columns');
  const tables = [];
  for (const p of parts) tables.push(readParquetToArrow(await readFile(p)));
  return tables.length === 1 ? tables[0] : new arrow.Table(tables.flatMap((t) => t.batches));
}
