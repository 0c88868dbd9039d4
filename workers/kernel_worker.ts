// Pool worker (loaded through workers/kernel_worker.cjs): one wasm instance per thread, reused for
// every task this thread runs; one handler for every task kind.
import { workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquetFromIpc } from '../src/io/parquet.js';
import { runArrivalTask, type ArrivalTask } from '../src/5B/worker.js';
import { runFastParquetTask, type FastParquetTask } from '../src/io/fastparquet_task.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export type WorkerTask = KernelTask | { parquetIpc: Uint8Array } | { arrivals5B: ArrivalTask } | { fastParquet: FastParquetTask };

export default function run(task: WorkerTask) {
  if ('parquetIpc' in task) {
    // Encode one Parquet part off the main thread.
    return writeParquetFromIpc(task.parquetIpc);
  }
  if ('arrivals5B' in task) return runArrivalTask(exports, task.arrivals5B);
  if ('fastParquet' in task) return runFastParquetTask(task.fastParquet);
  runTask(exports, task);
  return 0;
}
