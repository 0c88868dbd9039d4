// wasm entry: a plain list of exports. Built with --runtime stub (no GC): kernels work on
// arrays that JS places in linear memory with alloc(); no strings, no allocation in loops.

export * from "./rng/kernels";
export * from "./rng/stream";
export * from "./rng/dist";
export * from "./rng/alias";
export { philoxBlock } from "./rng/philox";
export { fm_log, fm_exp, fm_cos, fm_sin, fm_lgamma, fm_neglog_u01 } from "./math/fmath";

/** Bump-allocate `bytes` (16-byte aligned) from the stub runtime's heap, growing memory as
 *  needed. Returns a byte offset into memory. Views over memory.buffer go stale on growth. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Bytes of the heap's first block that resetHeap keeps (resident tables; 0: none). */
let kept: usize = 0;

/** Drop everything alloc() handed out (the stub heap never frees otherwise), except a kept first block:
 *  the bump allocator hands the same first block back, so its bytes and pointer survive. */
export function resetHeap(): void {
  heap.reset();
  if (kept > 0) heap.alloc(kept);
}

/** Keep the first `bytes` allocated after a reset across later resets (0 releases them). */
export function keepHeap(bytes: usize): void {
  kept = bytes;
}
export * from "./seg1A/kernels";
export * from "./seg2A/timetable";
export * from "./seg2B/kernels";
export * from "./seg3A/kernels";
export * from "./seg3B/kernels";
export * from "./seg1B/kernels";
export * from "./seg5B/kernels";
export * from "./io/parquet";
export * from "./seg5B/laws";
export { sha256Batch } from "./rng/sha256";
export * from "./seg6A/kernels";
export * from "./seg6B/kernels";
