// piscina worker: one wasm instance per thread, reused for every task this thread runs.
// One default handler for every task kind: piscina loads each named handler with its own
// require() of this ESM file, and two such loads in one worker were seen to crash Node 20
// (v8 "IsGraphAsync must be used on an instantiated module").
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquetFromIpc } from '../src/io/parquet.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export type WorkerTask = KernelTask | { parquetIpc: Uint8Array };

export default function run(task: WorkerTask) {
  if ('parquetIpc' in task) {
    // Encode one Parquet part off the main thread; the bytes move back without a copy.
    return Piscina.move(writeParquetFromIpc(task.parquetIpc));
  }
  runTask(exports, task);
  return 0;
}
