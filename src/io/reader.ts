// The one reader. A dataset is exactly the files its segment's gate lists (outputs.json), never a
// directory listing: a file dropped beside them is not read. A segment reading back its own datasets
// before its seal reads the files of its outputs ledger instead (io/writer.ts).
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { partitionDir, dataset } from '../contracts/dictionary.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { runTokens } from '../core/identity.js';
import { gateOutputs } from '../gates/verify.js';
import { readParquetColumns } from './duck_read.js';
import type { Outputs } from './writer.js';

/** What the reader needs from the run: the world, its identity tokens and the reading segment's ledger. */
export interface ReaderHost {
  world: string;
  seed: bigint;
  manifest_fingerprint: string;
  parameter_hash: string;
  run_id: string;
  out?: Outputs;
}

export interface ReadOptions {
  /** tokens beyond the run's (scenario_id, …) for the path template */
  tokens?: Record<string, string>;
  /** read only these columns (through DuckDB, on its own threads) */
  columns?: string[];
  /** SQL over the columns (DuckDB syntax); only with `columns` */
  where?: string;
}

function dirOf(host: ReaderHost, id: string, extra: Record<string, string> = {}): { dir: string; file?: string } {
  return partitionDir(id, { ...runTokens(host), ...extra });
}

/** The files of one partition of dataset `id`, world-relative, in path order. */
export async function sealedFiles(host: ReaderHost, id: string, extra: Record<string, string> = {}): Promise<string[]> {
  const { dir } = dirOf(host, id, extra);
  const seg = dataset(id).segment;
  const own = host.out?.segment === seg;
  const entries = own ? host.out!.ledger : await gateOutputs(host.world, seg, host.manifest_fingerprint);
  const files = entries.filter((e) => e.dataset === id && e.path.startsWith(`${dir}/`)).map((e) => e.path);
  // outputs.json is sorted by path (engine/seal.ts); the ledger is in publishing order
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) {
    if (own) fail(ErrorCodes.INTERNAL, `${id} was not published in this run`, dir);
    fail(ErrorCodes.GATE_FILE_MISSING, `the ${seg} gate lists no file of ${id}`, dir, `rebuild segment ${seg} (fraudworld run --until ${seg})`);
  }
  return files;
}

/** Absolute paths of the sealed Parquet files of a dataset partition, for DuckDB. */
export async function sealedParquet(host: ReaderHost, id: string, extra: Record<string, string> = {}): Promise<string[]> {
  return (await sealedFiles(host, id, extra)).filter((f) => f.endsWith('.parquet')).map((f) => join(host.world, f));
}

/**
 * The bytes of one sealed file of dataset `id`: the file its path template names, or `name` inside
 * its partition (a manifest beside the parts).
 */
export async function readBytes(host: ReaderHost, id: string, opts: { tokens?: Record<string, string>; name?: string } = {}): Promise<Buffer> {
  const { dir, file } = dirOf(host, id, opts.tokens);
  if (!opts.name && !file) fail(ErrorCodes.INTERNAL, `dataset ${id} is a directory, not a file`);
  const want = `${dir}/${opts.name ?? file}`;
  const path = (await sealedFiles(host, id, opts.tokens)).find((f) => f === want);
  if (!path) fail(ErrorCodes.GATE_FILE_MISSING, `${want} is not among the sealed files of ${id}`, dir, `rebuild segment ${dataset(id).segment}`);
  return readFile(join(host.world, path));
}

/** The bytes of every sealed file of one partition of dataset `id`, in path order (digests over parts). */
export async function readAllBytes(host: ReaderHost, id: string, extra: Record<string, string> = {}): Promise<Buffer[]> {
  return Promise.all((await sealedFiles(host, id, extra)).map((f) => readFile(join(host.world, f))));
}

/** A sealed JSON document of dataset `id` (readBytes, parsed). */
export async function readJson<T>(host: ReaderHost, id: string, opts: { tokens?: Record<string, string>; name?: string } = {}): Promise<T> {
  return JSON.parse((await readBytes(host, id, opts)).toString('utf8')) as T;
}

/**
 * Every sealed part of a Parquet dataset, in part order, as one Arrow table, read by DuckDB on its own
 * threads (io/duck_read.ts): the `columns` asked for, or every contract column.
 */
export async function readTable(host: ReaderHost, id: string, opts: ReadOptions = {}): Promise<arrow.Table> {
  if (dataset(id).format !== 'parquet') fail(ErrorCodes.INTERNAL, `${id} is not a parquet dataset`);
  const parts = await sealedParquet(host, id, opts.tokens);
  return readParquetColumns(parts, opts.columns ?? (dataset(id).columns ?? []).map((c) => c.name), opts.where);
}
