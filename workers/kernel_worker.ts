// piscina worker: one wasm instance per thread, reused for every task this thread runs.
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquetFromIpc } from '../src/io/parquet.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export default function run(task: KernelTask): number {
  runTask(exports, task);
  return 0;
}

/** Encode one Parquet part off the main thread; the bytes move back without a copy. */
export function parquet(ipc: Uint8Array) {
  const bytes = writeParquetFromIpc(ipc);
  return Piscina.move(bytes);
}
