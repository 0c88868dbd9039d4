// The pool's own task kinds (KernelPool's methods post them): a wasm kernel over column slices and a
// file's SHA-256 (Parquet encoding is io/fastparquet_task.ts's kind).
import { sha256FileSync } from '../core/hash.js';
import { runTask, type KernelTask } from './task.js';
import { taskKind } from './tasks.js';

export const kernelKind = taskKind<KernelTask, number>('kernel', (t, ex) => {
  runTask(ex, t);
  return 0;
});

/** Gate verification: a sealed data file's digest, so S0 hashes on every core. */
export const sha256FileKind = taskKind<string, string>('sha256File', (path) => sha256FileSync(path));
