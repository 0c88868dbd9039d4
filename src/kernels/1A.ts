// 1A's kernels (assembly/seg1A/kernels.ts). 3A's escalation runs k1aHurdle too (the same law).
import { kernel, i32, inCol, outCol } from './abi.js';

export const k1aUniverse = kernel('k1aUniverse', {
  n: i32,
  keys: inCol('u32'),
  cProb: inCol('f64'),
  cAlias: inCol('i32'),
  nC: i32,
  mProb: inCol('f64'),
  mAlias: inCol('i32'),
  nM: i32,
  pCnp: inCol('f64'),
  outHome: outCol('i32'),
  outMcc: outCol('i32'),
  outCnp: outCol('u8'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

export const k1aHurdle = kernel('k1aHurdle', {
  n: i32,
  keys: inCol('u32'),
  pi: inCol('f64'),
  outMulti: outCol('u8'),
  outU: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

export const k1aNb = kernel('k1aNb', {
  n: i32,
  keys: inCol('u32'),
  multi: inCol('u8'),
  mu: inCol('f64'),
  phi: inCol('f64'),
  maxAttempts: i32,
  outN: outCol('i32'),
  outRej: outCol('i32'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

export const k1aZtp = kernel('k1aZtp', {
  n: i32,
  keys: inCol('u32'),
  lambda: inCol('f64'),
  maxZero: i32,
  outK: outCol('i32'),
  outAttempts: outCol('i32'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

/** offsets: shard-local candidate offsets (n + 1; localOffsets in src/pool/shards.ts). */
export const k1aGumbel = kernel('k1aGumbel', {
  n: i32,
  keys: inCol('u32'),
  offsets: inCol('i32'),
  weights: inCol('f64'),
  kTarget: inCol('i32'),
  outKey: outCol('f64'),
  outOrder: outCol('i32'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});
