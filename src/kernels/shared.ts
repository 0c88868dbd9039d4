// Kernels shared by every segment and called directly on a thread's own instance: batched SHA-256
// (src/rng/sha_batch.ts) and Parquet page bodies (src/io/fastparquet_wasm.ts).
import { kernel, i32, bool, inCol, outCol, ptr } from './abi.js';

export const sha256Batch = kernel('sha256Batch', {
  prefix: inCol('u8'),
  prefixLen: i32,
  msgs: inCol('u8'),
  off: inCol('i32'),
  n: i32,
  words: i32,
  out: outCol('u32'),
});

/** src, valid: the page's values and validity, in the scratch or wherever they already lie in memory. */
export const pqPageAt = kernel(
  'pqPageAt',
  {
    src: ptr,
    valid: ptr,
    kind: i32,
    n: i32,
    width: i32,
    optional: bool,
    hasValid: bool,
    dictN: i32,
    dictBits: i32,
    stat: i32,
  },
  'i32',
);
export const pqScratchRows = kernel('pqScratchRows', {}, 'i32');
export const pqScratchValid = kernel('pqScratchValid', {}, 'usize');
export const pqScratchIn = kernel('pqScratchIn', {}, 'usize');
export const pqScratchOut = kernel('pqScratchOut', {}, 'usize');
export const pqEncoding = kernel('pqEncoding', {}, 'i32');
export const pqScratchStats = kernel('pqScratchStats', {}, 'usize');
export const pqScratchSeen = kernel('pqScratchSeen', {}, 'usize');
export const pqSeenCodes = kernel('pqSeenCodes', {}, 'i32');
