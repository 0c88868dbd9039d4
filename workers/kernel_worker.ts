// Pool worker (loaded through workers/kernel_worker.cjs): one wasm instance per thread, reused for
// every task this thread runs; one handler for every task kind.
import { workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquetFromIpc } from '../src/io/parquet.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export type WorkerTask = KernelTask | { parquetIpc: Uint8Array };

export default function run(task: WorkerTask) {
  if ('parquetIpc' in task) {
    // Encode one Parquet part off the main thread.
    return writeParquetFromIpc(task.parquetIpc);
  }
  runTask(exports, task);
  return 0;
}
