// piscina worker: one wasm instance per thread, reused for every task this thread runs.
import { workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';

const exports = instantiateKernelsSync(workerData.wasmPath as string);

export default function run(task: KernelTask): number {
  runTask(exports, task);
  return 0;
}
