// Worker pool (piscina) sized by --workers. The shard plan is made by the caller from the world
// alone; the pool only decides which thread runs which shard, so output bytes cannot depend on it.
import { Piscina } from 'piscina';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { packageRoot } from '../core/paths.js';
import { defaultWasmPath } from '../rng/wasm.js';
import { fail, ErrorCodes } from '../core/errors.js';
import type { KernelTask } from './task.js';
import { fastParquetKind, fastParquetTask, type FastColumn, type FastParquetOptions } from '../io/fastparquet_task.js';
import { kernelKind, sha256FileKind } from './kinds.js';
import { digestedPart, takeParquetKind, type PlannedColumn } from '../io/take.js';
import type { TaskKind } from './tasks.js';

export class KernelPool {
  private readonly pool: Piscina;
  constructor(readonly workers: number = availableParallelism()) {
    this.pool = new Piscina({
      filename: join(packageRoot(), 'workers', 'kernel_worker.cjs'),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      // a second task may start on a thread while the first awaits its file writes (5B shards);
      // synchronous tasks are unaffected: a thread runs them one after another
      concurrentTasksPerWorker: 3,
      workerData: { wasmPath: defaultWasmPath() },
    });
  }

  /** Set by terminate(): piscina would start fresh workers for later tasks, which must not write any more. */
  private stopped = false;

  private submit(task: unknown): Promise<unknown> {
    return this.stopped ? Promise.reject(new Error('the pool was stopped')) : this.pool.run(task);
  }

  async run(tasks: KernelTask[], onDone?: (i: number) => void): Promise<void> {
    // kernels go first: while a batch runs no new encode starts (encodes already running finish), so a
    // state's kernels don't queue behind the previous state's parts
    this.kernelBatches++;
    try {
      await Promise.all(tasks.map((t, i) => this.submit(kernelKind.task(t)).then(() => onDone?.(i))));
    } catch (e) {
      fail(ErrorCodes.WORKER_FAILED, `a worker failed: ${(e as Error).message}`, 'worker pool', 'rerun; published partitions are untouched');
    } finally {
      this.kernelBatches--;
      this.pump();
    }
  }
  private kernelBatches = 0;

  /** Run a task of a kind (src/pool/tasks.ts) on a worker and return its result. */
  async call<P, R>(kind: TaskKind<P, R>, payload: P, what: string): Promise<R> {
    try {
      return (await this.submit(kind.task(payload))) as R;
    } catch (e) {
      fail(ErrorCodes.WORKER_FAILED, `a worker failed (${what}): ${(e as Error).message}`, 'worker pool', 'rerun; published partitions are untouched');
    }
  }

  /** Parquet bytes for typed columns, encoded on a worker by src/io/fastparquet.ts (see fastParquetTask). */
  async encodeParquet(columns: readonly FastColumn[], rows: number, opts?: FastParquetOptions): Promise<Uint8Array> {
    return this.encodeSlot(() => this.call(fastParquetKind, fastParquetTask(columns, rows, opts), 'encoding Parquet'));
  }

  /** Parquet bytes for rows [a, b) of planned columns (src/io/take.ts), evaluated and encoded on a worker. */
  async encodePlanned(cols: PlannedColumn[], a: number, b: number, where: string): Promise<{ bytes: Uint8Array; sha256_hex: string }> {
    return digestedPart(await this.encodeSlot(() => this.call(takeParquetKind, { cols, a, b, where }, `encoding ${where}`)));
  }

  private async encodeSlot(run: () => Promise<Uint8Array>): Promise<Uint8Array> {
    // at most two encodes per worker in flight: a task copies its columns when it is made, so a writer
    // that hands over many parts at once would otherwise hold a copy of every part (memory, not speed);
    // waiters start in arrival order, and none while a kernel batch runs
    await new Promise<void>((go) => {
      this.encodeQueue.push(go);
      this.pump();
    });
    try {
      return await run();
    } finally {
      this.encoding--;
      this.pump();
    }
  }

  /** Start waiting encodes while slots are free and no kernel batch runs. */
  private pump(): void {
    while (this.kernelBatches === 0 && this.encoding < 2 * this.workers && this.encodeQueue.length > 0) {
      this.encoding++;
      this.encodeQueue.shift()!();
    }
  }
  private encoding = 0;
  private readonly encodeQueue: (() => void)[] = [];

  /** SHA-256 hex of each file, read and hashed on the workers (a task per file, in parallel). */
  async sha256Files(paths: string[]): Promise<string[]> {
    return Promise.all(paths.map((p) => this.call(sha256FileKind, p, `hashing ${p}`)));
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** Terminate the workers now (on an interrupt): running tasks fail, later ones fail at once. */
  async terminate(): Promise<void> {
    this.stopped = true;
    await this.pool.destroy();
  }
}
