// 3A's kernel (assembly/seg3A/kernels.ts); its escalation runs 1A's k1aHurdle.
import { kernel, i32, inCol, outCol } from './abi.js';

/** off: shard-local zone offsets per pair (n + 1). */
export const k3aZoneShares = kernel('k3aZoneShares', {
  n: i32,
  keys: inCol('u32'),
  off: inCol('i32'),
  alpha: inCol('f64'),
  outShare: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});
