// Pool worker (loaded through workers/kernel_worker.cjs): one wasm instance per thread, reused for
// every task this thread runs; one handler for every task kind.
import { workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { writeParquetFromIpc } from '../src/io/parquet.js';
import { runArrivalTask, type ArrivalResult, type ArrivalTask } from '../src/segments/5B/worker.js';
import { runFastParquetTask, type FastParquetTask } from '../src/io/fastparquet_task.js';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { sha256FileSync } from '../src/core/hash.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export type WorkerTask = KernelTask | { parquetIpc: Uint8Array } | { arrivals5B: ArrivalTask } | { fastParquet: FastParquetTask } | { sha256File: string };

export default function run(task: WorkerTask) {
  if ('parquetIpc' in task) {
    // Encode one Parquet part off the main thread.
    return writeParquetFromIpc(task.parquetIpc);
  }
  if ('arrivals5B' in task) {
    // the two Parquet parts go back transferred, not cloned (hundreds of MB per worker at large)
    const moved = (r: ArrivalResult) => {
      const buffers = [...new Set([r.arrivals?.buffer, r.summary?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
      return move({ get [transferableSymbol]() { return buffers; }, get [valueSymbol]() { return r; } });
    };
    const r = runArrivalTask(exports, task.arrivals5B);
    return r instanceof Promise ? r.then(moved) : moved(r);
  }
  if ('fastParquet' in task) return runFastParquetTask(task.fastParquet, exports);
  // gate verification: a sealed data file's digest, so S0 hashes on every core
  if ('sha256File' in task) return sha256FileSync(task.sha256File);
  runTask(exports, task);
  return 0;
}
