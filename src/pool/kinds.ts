// The pool's own task kinds (KernelPool's methods post them): a wasm kernel over column slices,
// Parquet bytes from an Arrow IPC stream, and a file's SHA-256.
import { sha256FileSync } from '../core/hash.js';
import { writeParquetFromIpc } from '../io/parquet.js';
import { runTask, type KernelTask } from './task.js';
import { taskKind } from './tasks.js';

export const kernelKind = taskKind<KernelTask, number>('kernel', (t, ex) => {
  runTask(ex, t);
  return 0;
});

/** Encode one Parquet part off the main thread (parquet-wasm is synchronous). */
export const parquetIpcKind = taskKind<Uint8Array, Uint8Array>('parquetIpc', (ipc) => writeParquetFromIpc(ipc));

/** Gate verification: a sealed data file's digest, so S0 hashes on every core. */
export const sha256FileKind = taskKind<string, string>('sha256File', (path) => sha256FileSync(path));
