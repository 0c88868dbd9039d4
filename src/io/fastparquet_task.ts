// The `{ fastParquet }` pool task: typed columns in, Parquet bytes (src/io/fastparquet.ts) out.
// Columns backed by SharedArrayBuffers (SharedCol) reach the worker without a copy;
// other typed arrays are structured-cloned, which copies their WHOLE underlying ArrayBuffer, so
// fastParquetTask copies a partial view down to its own rows first. The bytes come back transferred.
import { move } from 'piscina';
import { encodeParquet, type FastColumn, type FastParquetOptions } from './fastparquet.js';
import { wasmPageKernel } from './fastparquet_wasm.js';
import type { KernelExports } from '../kernels/index.js';
import { taskKind } from '../pool/tasks.js';

export type { FastColumn, FastParquetOptions } from './fastparquet.js';

export interface FastParquetTask {
  columns: FastColumn[];
  rows: number;
  opts?: FastParquetOptions;
}

type View = FastColumn['values'] | Uint8Array;

function own<T extends View>(v: T): T {
  const shared = typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
  if (shared || (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength)) return v;
  return v.slice() as T;
}

/** The task for KernelPool.encodeParquet (main thread side). */
export function fastParquetTask(columns: readonly FastColumn[], rows: number, opts?: FastParquetOptions): FastParquetTask {
  return {
    columns: columns.map((c) => ({ ...c, values: own(c.values), ...(c.valid ? { valid: own(c.valid) } : {}) })),
    rows,
    ...(opts ? { opts } : {}),
  };
}

/** Worker side: encode (page bodies on the worker's wasm instance `ex`) and hand the bytes back without a copy. */
export function runFastParquetTask(task: FastParquetTask, ex?: KernelExports): unknown {
  const bytes = encodeParquet(task.columns, task.rows, ex ? { ...task.opts, pages: wasmPageKernel(ex) } : task.opts);
  return move(bytes);
}

export const fastParquetKind = taskKind<FastParquetTask, Uint8Array>('fastParquet', runFastParquetTask);
