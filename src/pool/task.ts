// The one task shape the worker pool runs: call an exported wasm kernel over column slices.
// Columns live in SharedArrayBuffers (no copy across threads); the worker copies its slice into
// its own wasm memory (one module instance per worker: the stub runtime is not thread-safe),
// runs the kernel, and copies the outputs back into the shared output columns.
// Tasks are built from a kernel's declaration (src/kernels/abi.ts), never by hand: the argument
// order is the declaration's.

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
/**
 * A whole-world table a kernel reads on every task (6B's entity tables): copied into a worker's wasm memory
 * once and kept there across tasks while tasks name the same tables (`key`: the set's identity and the
 * column's name); a task naming others replaces them. Output bytes never depend on residency.
 */
export type ResArg<T extends ElemType = ElemType> = { kind: 'res'; key: string; col: ColumnSlice<T> };
export type KernelArg = InArg | OutArg | ResArg | { kind: 'scalar'; value: number | bigint };

export interface KernelTask {
  kernel: string;
  args: KernelArg[];
}

/** What the task runner needs of a kernel module's exports (the full typed handle: src/kernels/index.ts). */
export interface WasmHeap {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  resetHeap(): void;
  keepHeap(bytes: number): void;
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

/** A column slice's elements, viewed where they lie. */
const sliceView = (c: ColumnSlice) => viewOf(c.buf, c.type, c.offset * ELEM_BYTES[c.type], c.length);

/** alloc() room for `bytes` (at least 8: an empty column still gets a valid pointer) and copy `src` in, if given. */
export function place(ex: WasmHeap, bytes: number, src?: ArrayBufferView): number {
  const p = ex.alloc(Math.max(8, bytes));
  if (src) new Uint8Array(ex.memory.buffer, p, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  return p;
}

/** Per instance: the resident set's key and its columns' pointers. */
const residents = new WeakMap<WasmHeap, { key: string; ptrs: Map<string, number> }>();

/** Pointers of a task's resident columns, loading them as the heap's kept first block unless already there. */
export function residentPointers(ex: WasmHeap, args: ResArg[]): Map<string, number> {
  if (args.length === 0) return new Map();
  const key = args.map((a) => a.key).join('\u0000');
  const have = residents.get(ex);
  if (have?.key === key) return have.ptrs;
  ex.keepHeap(0);
  ex.resetHeap();
  const sizes = args.map((a) => (a.col.length * ELEM_BYTES[a.col.type] + 15) & ~15);
  const total = Math.max(
    16,
    sizes.reduce((x, y) => x + y, 0),
  );
  const base = ex.alloc(total);
  const ptrs = new Map<string, number>();
  let at = base;
  args.forEach((a, i) => {
    const src = sliceView(a.col);
    new Uint8Array(ex.memory.buffer, at, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    ptrs.set(a.key, at);
    at += sizes[i];
  });
  ex.keepHeap(total);
  residents.set(ex, { key, ptrs });
  return ptrs;
}

/** Run a task against an instantiated kernel module (used by workers and by in-thread tests); the kernel's return value (0 for void). */
export function runTask(ex: WasmHeap, task: KernelTask): number {
  const res = residentPointers(
    ex,
    task.args.filter((a): a is ResArg => a.kind === 'res'),
  );
  ex.resetHeap();
  const ptrs: (number | bigint)[] = [];
  for (const a of task.args) {
    if (a.kind === 'scalar') {
      ptrs.push(a.value);
      continue;
    }
    if (a.kind === 'res') {
      ptrs.push(res.get(a.key)!);
      continue;
    }
    const bytes = a.col.length * ELEM_BYTES[a.col.type];
    ptrs.push(place(ex, bytes, a.kind === 'in' ? sliceView(a.col) : undefined));
  }
  // the wire carries the kernel's name; the declaration that built the task fixed its argument order
  const fn = (ex as unknown as Record<string, unknown>)[task.kernel];
  if (typeof fn !== 'function') throw new Error(`wasm kernel ${task.kernel} is not exported`);
  const ret = (fn as (...a: (number | bigint)[]) => number | undefined)(...ptrs);
  const mem = ex.memory.buffer;
  task.args.forEach((a, i) => {
    if (a.kind !== 'out') return;
    const n = a.col.length * ELEM_BYTES[a.col.type];
    new Uint8Array(a.col.buf, a.col.offset * ELEM_BYTES[a.col.type], n).set(new Uint8Array(mem, ptrs[i] as number, n));
  });
  return typeof ret === 'number' ? ret : 0;
}
