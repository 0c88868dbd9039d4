// Pool worker (loaded through workers/kernel_worker.cjs): one wasm instance per thread, reused for
// every task this thread runs; a task dispatches by its kind (src/pool/tasks.ts) to the handler that
// the kind's module registered (workers/task_kinds.ts imports them all).
import { workerData } from 'node:worker_threads';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { dispatch } from '../src/pool/tasks.js';
import { ready } from '../src/io/zstd.js';
import './task_kinds.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);
// fastparquet compresses with zstd's wasm, which loads asynchronously: ready before the first task
await ready();

export default function run(task: Record<string, unknown>) {
  return dispatch(task, exports);
}
