// How many worker threads `--workers auto` means: the cores Node may use, capped by memory. A worker
// holds its own wasm memory (kernel inputs and outputs of its shards, the Parquet page encoder and
// zstd), which at the large scale peaks near WORKER_BUDGET; the main thread keeps MAIN_BUDGET of world
// state. Output bytes never depend on the count.
import { InvalidArgumentError } from 'commander';
import { availableParallelism, totalmem } from 'node:os';

/** Memory a worker may need at the large scale (its wasm memories and in-flight parts). */
export const WORKER_BUDGET = 768 * 2 ** 20;
/** Memory the main thread may need at the large scale (the segment's world before publishing). */
export const MAIN_BUDGET = 4 * 2 ** 30;

/** The available parallelism, capped so that MAIN_BUDGET + workers × WORKER_BUDGET fits in 3/4 of this machine's memory. */
export function autoWorkers(cores = availableParallelism(), memory = totalmem()): number {
  const byMemory = Math.floor((0.75 * memory - MAIN_BUDGET) / WORKER_BUDGET);
  return Math.max(1, Math.min(cores, byMemory));
}

/** `--workers` value: a positive integer or `auto`. */
export function parseWorkers(v: string): number {
  if (v === 'auto') return autoWorkers();
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer or auto');
  return Number(v);
}
