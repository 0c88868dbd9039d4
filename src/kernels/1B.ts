// 1B's kernels (assembly/seg1B/kernels.ts).
import { kernel, i32, f64, inCol, outCol } from './abi.js';

/** offsets: shard-local site offsets per pair (n + 1). */
export const k1bAssign = kernel('k1bAssign', {
  n: i32,
  keys: inCol('u32'),
  offsets: inCol('i32'),
  slotTile: inCol('i32'),
  outTile: outCol('i32'),
  outU: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

/** Point-in-country for one point (tests call it directly; k1bJitter runs the same test per attempt). */
export const k1bInside = kernel(
  'k1bInside',
  {
    c: i32,
    x: f64,
    y: f64,
    vx: inCol('f64'),
    vy: inCol('f64'),
    cBand: inCol('i32'),
    bandOff: inCol('i32'),
    bandEdge: inCol('i32'),
    cRing: inCol('i32'),
    ringOff: inCol('i32'),
    bandDeg: f64,
  },
  'i32',
);

export const k1bJitter = kernel('k1bJitter', {
  n: i32,
  keys: inCol('u32'),
  offsets: inCol('i32'),
  pairCountry: inCol('i32'),
  cLevel: inCol('i32'),
  siteRow: inCol('i32'),
  siteCol: inCol('i32'),
  siteAnchor: inCol('f64'),
  base: f64,
  maxAttempts: i32,
  vx: inCol('f64'),
  vy: inCol('f64'),
  cBand: inCol('i32'),
  bandOff: inCol('i32'),
  bandEdge: inCol('i32'),
  cRing: inCol('i32'),
  ringOff: inCol('i32'),
  bandDeg: f64,
  outLon: outCol('f64'),
  outLat: outCol('f64'),
  outAttempts: outCol('i32'),
  outFallback: outCol('u8'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});
