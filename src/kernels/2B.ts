// 2B's kernels: site weights, alias slices, day effects, group tables (assembly/seg2B/kernels.ts)
// and the router (assembly/seg2B/router.ts).
import { kernel, i32, u32, f64, inCol, outCol } from './abi.js';

export const k2bSiteWeights = kernel('k2bSiteWeights', {
  n: i32,
  keys: inCol('u32'),
  siteOff: inCol('i32'),
  bucket: inCol('i32'),
  params: inCol('f64'),
  floorValue: f64,
  bits: i32,
  outP: outCol('f64'),
  outMass: outCol('u32'),
  outFloor: outCol('u8'),
  outComp: outCol('i32'),
  outFlags: outCol('i32'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
});

/** outWord is an input despite its name: each merchant's first word in `out` (n + 1). */
export const k2bAliasEncode = kernel('k2bAliasEncode', {
  n: i32,
  siteOff: inCol('i32'),
  mass: inCol('u32'),
  siteGroup: inCol('i32'),
  nGroups: inCol('i32'),
  outWord: inCol('u32'),
  bits: i32,
  qbits: i32,
  out: outCol('u32'),
  outStatus: outCol('i32'),
});

export const k2bDayEffects = kernel('k2bDayEffects', {
  n: i32,
  dayKeys: inCol('u32'),
  profKeys: inCol('u32'),
  groupOff: inCol('i32'),
  baseShare: inCol('f64'),
  tzMult: inCol('f64'),
  sigmaBase: inCol('f64'),
  weeklyAmp: inCol('f64'),
  nDays: i32,
  dow0: i32,
  prm: inCol('f64'),
  outGamma: outCol('f64'),
  outLogGamma: outCol('f64'),
  outPGroup: outCol('f64'),
  outMassRaw: outCol('f64'),
  outDenom: outCol('f64'),
  outSigma: outCol('f64'),
  outJitter: outCol('f64'),
  outPhase: outCol('f64'),
  outClipped: outCol('i32'),
  outDraws: outCol('u32'),
  outBlocks: outCol('u32'),
  outPDraws: outCol('u32'),
  outPBlocks: outCol('u32'),
});

export const k2bGroupAlias = kernel('k2bGroupAlias', {
  nBlocks: i32,
  blockOff: inCol('i32'),
  p: inCol('f64'),
  bits: i32,
  qbits: i32,
  outTab: outCol('u32'),
  outStatus: outCol('i32'),
});

/** Two uniforms per arrival given in u (u[2i] tz-group, u[2i+1] site). */
export const k2bRoute = kernel('k2bRoute', {
  n: i32,
  mIdx: inCol('i32'),
  dIdx: inCol('i32'),
  u: inCol('f64'),
  sliceWord: inCol('u32'),
  blob: inCol('u32'),
  dayWord: inCol('u32'),
  nDays: i32,
  dayTab: inCol('u32'),
  dayQbits: i32,
  outGroup: outCol('i32'),
  outSite: outCol('i32'),
});

/** k2bRoute drawing its uniforms from the substream (k0, k1). */
export const k2bRouteStream = kernel('k2bRouteStream', {
  n: i32,
  k0: u32,
  k1: u32,
  mIdx: inCol('i32'),
  dIdx: inCol('i32'),
  sliceWord: inCol('u32'),
  blob: inCol('u32'),
  dayWord: inCol('u32'),
  nDays: i32,
  dayTab: inCol('u32'),
  dayQbits: i32,
  outGroup: outCol('i32'),
  outSite: outCol('i32'),
});

export const k2bEdgePick = kernel('k2bEdgePick', {
  n: i32,
  vIdx: inCol('i32'),
  u: inCol('f64'),
  edgeWord: inCol('u32'),
  edgeBlob: inCol('u32'),
  outEdge: outCol('i32'),
});
