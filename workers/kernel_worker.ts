// piscina worker: one wasm instance per thread, reused for every task this thread runs.
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../src/pool/task.js';

const bytes = readFileSync(workerData.wasmPath as string);
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
  env: {
    abort: (_m: number, _f: number, line: number, col: number) => {
      throw new Error(`wasm abort at ${line}:${col}`);
    },
  },
});
const exports = instance.exports as Record<string, any>;

export default function run(task: KernelTask): number {
  runTask(exports, task);
  return 0;
}
