// The one task shape the worker pool runs: call an exported wasm kernel over column slices.
// Columns live in SharedArrayBuffers (no copy across threads); the worker copies its slice into
// its own wasm memory (one module instance per worker: the stub runtime is not thread-safe),
// runs the kernel, and copies the outputs back into the shared output columns.

export type ElemType = 'u8' | 'i32' | 'u32' | 'f64' | 'u64';

export interface ColumnSlice<T extends ElemType = ElemType> {
  buf: SharedArrayBuffer;
  type: T;
  /** element offset and count within buf */
  offset: number;
  length: number;
}

/** Column arguments carry their element type, so a declaration can demand one (SharedCol<T>.in/out/all). */
export type InArg<T extends ElemType = ElemType> = { kind: 'in'; col: ColumnSlice<T> };
export type OutArg<T extends ElemType = ElemType> = { kind: 'out'; col: ColumnSlice<T> };
export type KernelArg = InArg | OutArg | { kind: 'scalar'; value: number | bigint };

export interface KernelTask {
  kernel: string;
  args: KernelArg[];
}

/** What the task runner needs of a kernel module's exports (the full typed handle: src/kernels/index.ts). */
export interface WasmHeap {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  resetHeap(): void;
}

export const ELEM_BYTES: Record<ElemType, number> = { u8: 1, i32: 4, u32: 4, f64: 8, u64: 8 };

export function viewOf(buf: ArrayBufferLike, type: ElemType, byteOffset: number, length: number) {
  switch (type) {
    case 'u8':
      return new Uint8Array(buf, byteOffset, length);
    case 'i32':
      return new Int32Array(buf, byteOffset, length);
    case 'u32':
      return new Uint32Array(buf, byteOffset, length);
    case 'f64':
      return new Float64Array(buf, byteOffset, length);
    case 'u64':
      return new BigUint64Array(buf, byteOffset, length);
  }
}

/** Run a task against an instantiated kernel module (used by workers and by in-thread tests). */
export function runTask(exports: Record<string, any>, task: KernelTask): void {
  const mem = exports.memory as WebAssembly.Memory;
  exports.resetHeap();
  const ptrs: (number | bigint)[] = [];
  for (const a of task.args) {
    if (a.kind === 'scalar') {
      ptrs.push(a.value);
      continue;
    }
    const bytes = Math.max(8, a.col.length * ELEM_BYTES[a.col.type]);
    const p = exports.alloc(bytes) as number;
    ptrs.push(p);
    if (a.kind === 'in') {
      const src = viewOf(a.col.buf, a.col.type, a.col.offset * ELEM_BYTES[a.col.type], a.col.length);
      new Uint8Array(mem.buffer, p, bytes).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    }
  }
  const fn = exports[task.kernel];
  if (typeof fn !== 'function') throw new Error(`wasm kernel ${task.kernel} is not exported`);
  fn(...ptrs);
  task.args.forEach((a, i) => {
    if (a.kind !== 'out') return;
    const n = a.col.length * ELEM_BYTES[a.col.type];
    const dst = new Uint8Array(a.col.buf, a.col.offset * ELEM_BYTES[a.col.type], n);
    dst.set(new Uint8Array(mem.buffer, ptrs[i] as number, n));
  });
}
