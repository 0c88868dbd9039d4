// ZSTD for fastparquet's pages: @foxglove/wasm-zstd (zstd built to wasm, one instance per thread).
// Its module loads asynchronously, so every thread that encodes awaits ready() once first (the pool
// worker does at start-up); compressing before that throws rather than writing another codec.
import zstd from '@foxglove/wasm-zstd';

/** The level every page is written at: L3 was no smaller on delta pages and 1.6x slower. */
export const ZSTD_LEVEL = 1;

let loaded = false;

/** Load this thread's zstd module (idempotent). encodeParquet throws until it has resolved. */
export async function ready(): Promise<void> {
  if (loaded) return;
  await zstd.isLoaded;
  loaded = true;
}

/** Throws unless ready() has resolved on this thread. */
export function assertZstdReady(): void {
  if (!loaded) throw new Error('encodeParquet: zstd is not loaded on this thread (await ready() from src/io/zstd.ts first)');
}

/** One ZSTD frame of `src` at ZSTD_LEVEL (a fresh buffer; `src` may be a view into any memory). */
export function zstdCompress(src: Uint8Array): Uint8Array {
  assertZstdReady();
  return zstd.compress(src, ZSTD_LEVEL);
}
