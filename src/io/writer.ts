// The one writer. Every byte a segment publishes goes through a segment's Outputs: it checks the
// contract before encoding (io/tables.ts contractColumns, io/fast_contract.ts), fills in the constant
// identity columns, names the files by the catalogue's path template, publishes each partition
// write-once (io/publish.ts) and keeps the segment's outputs ledger, which the seal turns into
// outputs.json. Nothing else in a segment writes, and nothing threads a ledger by hand. Every Parquet
// file is encoded by one encoder (io/fastparquet.ts) on the pool: one codec, one set of types and
// statistics for every dataset (README "Parquet, one policy").
import { partitionDir, dataset, type Tokens } from '../contracts/dictionary.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { sha256Hex, stableJson } from '../core/hash.js';
import { runTokens } from '../core/identity.js';
import type { OutputEntry } from '../gates/verify.js';
import { contractColumns, plannedColumns, PART_ROWS, type ColumnValues, type Planned } from './tables.js';
import { fill, type PlannedColumn } from './take.js';
import { checkFastColumns } from './fast_contract.js';
import { sliceColumns, type FastColumn } from './fastparquet.js';
import { PartitionWriter, publishPartition, type PartFile } from './publish.js';

export type { OutputEntry, PartFile };

/** What the writer needs from the run: where the world is, the run's tokens and the pool's encoders. */
export interface WriterHost {
  world: string;
  seed: bigint;
  manifest_fingerprint: string;
  parameter_hash: string;
  run_id: string;
  pool: {
    /** typed columns → Parquet bytes (io/fastparquet.ts, on a worker) */
    encodeParquet(columns: readonly FastColumn[], rows: number): Promise<Uint8Array>;
    /** rows [a, b) of planned columns → Parquet bytes (io/take.ts, on a worker) */
    encodePlanned(cols: PlannedColumn[], a: number, b: number, where: string): Promise<{ bytes: Uint8Array; sha256_hex: string }>;
  };
}

/** A published dataset partition: its rows and its files as the ledger records them. */
export interface Written {
  rows: number;
  files: OutputEntry[];
}

export interface WriteOptions {
  /** tokens beyond the run's (scenario_id, …) for the path template */
  tokens?: Record<string, string>;
}

export interface ParquetOptions extends WriteOptions {
  /** Files published in the same partition beside the parts, made from them (a manifest of their digests). */
  beside?: (parts: readonly PartFile[]) => PartFile[];
  /** Rows per part (default PART_ROWS); a single-file template takes exactly one part. */
  partRows?: number;
}

/** Part i of `parts` of a partition: part-NNNNN.parquet, or the template's file (one part) or <stem>.part-NNNNN.parquet beside it. */
function partFileName(file: string | undefined, parts: number, i: number): string {
  const part = `part-${String(i).padStart(5, '0')}.parquet`;
  return !file ? part : parts === 1 ? file : `${file.replace(/\.parquet$/, '')}.${part}`;
}

/** The identity tokens a dataset may carry as constant columns, filled in when the caller leaves them out. */
const CONSTANT_COLUMNS = ['seed', 'manifest_fingerprint', 'parameter_hash', 'run_id', 'scenario_id'] as const;

export class Outputs {
  /** Every file published by this segment in this run, in publishing order (outputs.json sorts it). */
  readonly ledger: OutputEntry[] = [];

  constructor(
    /** the segment whose outputs these are: reads of its own datasets before the seal come from the ledger */
    readonly segment: string,
    private readonly host: WriterHost,
  ) {}

  tokens(extra: Record<string, string> = {}): Tokens {
    return { ...runTokens(this.host), ...extra };
  }

  /** The partition directory and file name (for a file template) of dataset `id`. */
  where(id: string, extra: Record<string, string> = {}): { dir: string; file?: string } {
    return partitionDir(id, this.tokens(extra));
  }

  /**
   * Publish a Parquet dataset from columns. Parts are encoded on the pool; they are named
   * part-NNNNN.parquet, or, where the template names a file, that file (one part) or
   * <stem>.part-NNNNN.parquet beside it (several).
   */
  async write(id: string, cols: Record<string, ColumnValues>, opts: ParquetOptions = {}): Promise<Written> {
    const { dir, file } = this.where(id, opts.tokens);
    const parts = await this.encodeParts(id, cols, opts);
    const files = parts.map((p, i) => ({ name: partFileName(file, parts.length, i), bytes: p.bytes }));
    const rows = parts.reduce((a, p) => a + p.rows, 0);
    return this.publish(id, dir, [...files, ...(opts.beside?.(files) ?? [])], rows);
  }

  /**
   * Publish a Parquet dataset of `rows` rows from planned columns (io/take.ts): each part's rows are
   * gathered on the worker that encodes them. Same parts, names and bytes as `write` of the evaluated columns.
   */
  async writePlanned(id: string, cols: Record<string, Planned>, rows: number, opts: WriteOptions = {}): Promise<Written> {
    const { dir, file } = this.where(id, opts.tokens);
    const withConst: Record<string, Planned> = { ...cols };
    for (const c of this.missingConstants(id, cols, opts.tokens))
      withConst[c.name] = c.type === 'int64' ? { values: fill(BigInt(c.value), 'i64') } : { values: fill(0, 'i32'), dict: [c.value] };
    const planned = plannedColumns(id, withConst);
    const parts = Math.max(1, Math.ceil(rows / PART_ROWS));
    const bytes = await Promise.all(
      Array.from({ length: parts }, (_, k) => this.host.pool.encodePlanned(planned, k * PART_ROWS, Math.min(rows, (k + 1) * PART_ROWS), `dataset ${id}`)),
    );
    return this.publish(
      id,
      dir,
      bytes.map((b, i) => ({ name: partFileName(file, parts, i), ...b })),
      rows,
    );
  }

  /** Publish a Parquet dataset at a file template, encoded from typed columns by the fast encoder. */
  async writeFast(id: string, cols: FastColumn[], rows: number, opts: WriteOptions = {}): Promise<Written> {
    const { dir, file } = this.fileWhere(id, opts.tokens);
    checkFastColumns(id, cols);
    return this.publish(id, dir, [{ name: file, bytes: await this.host.pool.encodeParquet(cols, rows) }], rows);
  }

  /** Publish a JSON document (canonical bytes) at a file template. */
  async writeJson(id: string, doc: unknown, opts: WriteOptions = {}): Promise<Written> {
    const { dir, file } = this.fileWhere(id, opts.tokens);
    return this.publish(id, dir, [{ name: file, bytes: Buffer.from(stableJson(doc)) }], 1);
  }

  /** Publish bytes (a blob, a text file) at a file template. */
  async writeBytes(id: string, bytes: Uint8Array, opts: WriteOptions = {}): Promise<Written> {
    const { dir, file } = this.fileWhere(id, opts.tokens);
    return this.publish(id, dir, [{ name: file, bytes }], 1);
  }

  /** The Parquet parts `write` would publish, not published (to digest a masked variant). */
  async encode(id: string, cols: Record<string, ColumnValues>): Promise<Uint8Array[]> {
    return (await this.encodeParts(id, cols, {})).map((p) => p.bytes);
  }

  /** A partition written part by part (outputs too large to hold), published whole at commit. */
  stream(id: string, opts: WriteOptions = {}): PartStream {
    // a streamed part is one Parquet file whatever its rows (the caller sized the chunk)
    const encode = async (cols: Record<string, ColumnValues>) => (await this.encodeParts(id, cols, { ...opts, partRows: Number.MAX_SAFE_INTEGER }))[0];
    return new PartStream(id, this.where(id, opts.tokens).dir, this.host.world, this.ledger, encode);
  }

  private fileWhere(id: string, extra?: Record<string, string>): { dir: string; file: string } {
    const { dir, file } = this.where(id, extra);
    if (!file) fail(ErrorCodes.INTERNAL, `dataset ${id} is a directory, not a file`);
    return { dir, file };
  }

  private async encodeParts(id: string, cols: Record<string, ColumnValues>, opts: ParquetOptions): Promise<(PartFile & { rows: number })[]> {
    const { columns, rows } = contractColumns(id, this.withConstants(id, cols, opts.tokens));
    // part boundaries depend on the row count only
    const partRows = opts.partRows ?? PART_ROWS;
    const parts = Math.max(1, Math.ceil(rows / partRows));
    return Promise.all(
      Array.from({ length: parts }, async (_, k) => {
        const a = k * partRows,
          b = Math.min(rows, a + partRows);
        const bytes = await this.host.pool.encodeParquet(sliceColumns(columns, a, b), b - a);
        return { name: `part-${String(k).padStart(5, '0')}.parquet`, rows: b - a, bytes };
      }),
    );
  }

  /** The contract's constant identity columns the caller left out, filled from the run's tokens. */
  private withConstants(id: string, cols: Record<string, ColumnValues>, extra?: Record<string, string>): Record<string, ColumnValues> {
    const missing = this.missingConstants(id, cols, extra);
    if (missing.length === 0) return cols;
    const given = Object.values(cols)[0];
    if (given === undefined) fail(ErrorCodes.INTERNAL, `dataset ${id}: no columns to size the constant columns by`);
    const n = 'codes' in given ? given.codes.length : 'valid' in given && 'values' in given ? given.values.length : given.length;
    const out: Record<string, ColumnValues> = { ...cols };
    for (const c of missing) out[c.name] = c.type === 'utf8' ? { codes: new Int32Array(n), dict: [c.value] } : new BigInt64Array(n).fill(BigInt(c.value));
    return out;
  }

  /** The contract's constant identity columns `cols` leaves out, each with its token's value (utf8 or int64 only). */
  private missingConstants(
    id: string,
    cols: Record<string, unknown>,
    extra?: Record<string, string>,
  ): { name: string; type: 'utf8' | 'int64'; value: string }[] {
    const t = this.tokens(extra);
    return (dataset(id).columns ?? [])
      .filter((c) => cols[c.name] === undefined && (CONSTANT_COLUMNS as readonly string[]).includes(c.name))
      .map((c) => {
        const v = t[c.name];
        if (v === undefined) fail(ErrorCodes.INTERNAL, `dataset ${id}: no token for the constant column ${c.name}`);
        if (c.type !== 'utf8' && c.type !== 'int64') fail(ErrorCodes.INTERNAL, `dataset ${id}: constant column ${c.name} of type ${c.type}`);
        return { name: c.name, type: c.type, value: String(v) };
      });
  }

  private async publish(id: string, dir: string, files: PartFile[], rows: number): Promise<Written> {
    await publishPartition(this.host.world, dir, files);
    const entries = files.map((f) => ({ dataset: id, path: `${dir}/${f.name}`, sha256_hex: f.sha256_hex ?? sha256Hex(f.bytes), bytes: f.bytes.length }));
    this.ledger.push(...entries);
    return { rows, files: entries };
  }
}

/**
 * One partition streamed part by part with the guarantees of a whole write: parts are staged, the
 * partition appears at commit, and only then do its files enter the ledger. A part may be written
 * by someone else (a pool worker, straight to stagedPath) and adopted with its digest.
 */
export class PartStream {
  private readonly w: PartitionWriter;
  private readonly pending: OutputEntry[] = [];
  constructor(
    readonly id: string,
    readonly dir: string,
    world: string,
    private readonly ledger: OutputEntry[],
    private readonly encode: (cols: Record<string, ColumnValues>) => Promise<PartFile & { rows: number }>,
  ) {
    this.w = new PartitionWriter(world, dir);
  }

  /** Encode rows as part `name` (contract-checked, constant columns filled in) and stage it; returns its rows. */
  async write(name: string, cols: Record<string, ColumnValues>): Promise<number> {
    const part = await this.encode(cols);
    await this.add(name, part.bytes);
    return part.rows;
  }

  /** Where part `name` may be written directly; undefined when the partition is already published (use add). */
  stagedPath(name: string): Promise<string | undefined> {
    return this.w.stagedPath(name);
  }

  /** Record a part written at stagedPath(name); `writeError` is the errno code its writer reported. */
  async adopt(name: string, digest: { sha256_hex: string; bytes: number }, writeError?: string): Promise<void> {
    await this.w.adopt(name, writeError);
    this.pending.push({ dataset: this.id, path: `${this.dir}/${name}`, ...digest });
  }

  async add(name: string, bytes: Uint8Array): Promise<void> {
    await this.w.add({ name, bytes });
    this.pending.push({ dataset: this.id, path: `${this.dir}/${name}`, sha256_hex: sha256Hex(bytes), bytes: bytes.length });
  }

  /** Publish the partition; returns its files in path order. */
  async commit(): Promise<OutputEntry[]> {
    await this.w.commit();
    const files = [...this.pending].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.ledger.push(...files);
    return files;
  }

  abort(): Promise<void> {
    return this.w.abort();
  }
}
