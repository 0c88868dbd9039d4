// 3B's kernels (assembly/seg3B/kernels.ts).
import { kernel, i32, f64, inCol, outCol } from './abi.js';

export const k3bEdgePlan = kernel('k3bEdgePlan', {
  n: i32,
  keys: inCol('u32'),
  mu: inCol('f64'),
  phi: f64,
  minE: i32,
  maxE: i32,
  lnBase: f64,
  elasticity: f64,
  sigma: f64,
  baseMu: f64,
  outE: outCol('i32'),
  outReach: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

/** edgeOff, fpOff: shard-local offsets per merchant (n + 1). */
export const k3bEdgeSlots = kernel('k3bEdgeSlots', {
  n: i32,
  nC: i32,
  settleU: inCol('f64'),
  settleC: inCol('i32'),
  reach: inCol('f64'),
  edgeOff: inCol('i32'),
  fpOff: inCol('i32'),
  fpIdx: inCol('i32'),
  edgeKeys: inCol('u32'),
  pw: inCol('f64'),
  cU: inCol('f64'),
  cityOff: inCol('i32'),
  cityProb: inCol('f64'),
  cityAlias: inCol('i32'),
  cityLat: inCol('f64'),
  cityLon: inCol('f64'),
  g: f64,
  bs: f64,
  bf: f64,
  radius: f64,
  jitterKm: f64,
  outCountry: outCol('i32'),
  outCity: outCol('i32'),
  outLat: outCol('f64'),
  outLon: outCol('f64'),
  outPc: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

export const k3bEdgeJitter = kernel('k3bEdgeJitter', {
  n: i32,
  edgeKeys: inCol('u32'),
  attempt: inCol('i32'),
  lat: inCol('f64'),
  lon: inCol('f64'),
  jitterKm: f64,
  outLat: outCol('f64'),
  outLon: outCol('f64'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

/** outWord is an input despite its name: shard-local first word of each merchant's slice (n + 1). */
export const k3bEdgeAlias = kernel('k3bEdgeAlias', {
  n: i32,
  edgeOff: inCol('i32'),
  weight: inCol('f64'),
  outWord: inCol('u32'),
  bits: i32,
  qbits: i32,
  out: outCol('u32'),
  outLeft: outCol('i32'),
});
