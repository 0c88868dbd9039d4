// 5B's kernels: the latent field (pool task), and the arrivals and their laws, which a worker calls
// directly on its own instance (src/segments/5B/shard.ts, laws.ts): columns there are pointers.
import { kernel, i32, f64, i64, inCol, outCol, ptr } from './abi.js';

export const k5bLatent = kernel('k5bLatent', {
  nG: i32, H: i32, keys: inCol('u32'), sigma: inCol('f64'), phi: inCol('f64'), minF: f64, maxF: f64, outLatent: outCol('f64'), outFactor: outCol('f64'),
});

/** Inputs (through segOffset) as shardInputs lays them out; rows up to `cap`; scratch sized by execShard. */
export const k5bArrivals = kernel('k5bArrivals', {
  nM: i32, mCell: inCol('i32'), mId: inCol('u64'), mSlice: inCol('i32'), mEdge: inCol('i32'), mSite: inCol('i32'),
  blob: inCol('u32'), edgeBlob: inCol('u32'), siteCountry: inCol('i32'), siteOrder: inCol('i32'), edgeZone: inCol('i32'), mEdgeOff: inCol('i32'),
  nRows: i32, rowZone: inCol('i32'), rowShape: inCol('i32'), rowOverlay: inCol('i32'),
  cZone: inCol('i32'), cCountry: inCol('i32'), cChannel: inCol('i32'), cRow: inCol('i32'), cGroup: inCol('i32'), cRGroup: inCol('i32'), cPV: inCol('f64'),
  cV: inCol('f64'), cKey: inCol('u32'),
  H: i32, h0f: f64, bucketF: f64,
  shapes: inCol('f64'), lhTab: inCol('i32'), wkTab: inCol('u8'), overlay: inCol('f64'), latent: inCol('f64'),
  zoneStart: inCol('i32'), segStart: inCol('u64'), segOffset: inCol('i32'),
  cap: i32,
  oMerchant: outCol('u64'), oSeq: outCol('u64'), oTs: outCol('u64'), oBucket: outCol('i32'), oCountry: outCol('i32'), oTz: outCol('i32'), oLocal: outCol('u64'), oChannel: outCol('i32'),
  oVirtual: outCol('u8'), oSite: outCol('i32'), oEdge: outCol('i32'), oTzOp: outCol('i32'), oLocalOp: outCol('u64'), oLambda: outCol('f64'),
  sMerchant: outCol('u64'), sCountry: outCol('i32'), sTz: outCol('i32'), sChannel: outCol('i32'), sBucket: outCol('i32'), sN: outCol('i32'), sPhys: outCol('i32'), sVirt: outCol('i32'), sLambda: outCol('f64'),
  unit: ptr, perm: ptr, tmp: ptr, heapArr: ptr, stats: ptr,
});

/** Largest horizon (buckets) k5bLaws's static output holds. */
export const k5bLawsMaxH = kernel('k5bLawsMaxH', {}, 'i32');

/** Returns a pointer to its counters (layout in assembly/seg5B/laws.ts). */
export const k5bLaws = kernel('k5bLaws', {
  n: i32, merchant: inCol('u64'), seq: inCol('u64'), ts: inCol('u64'), bucket: inCol('i32'), virt: inCol('u8'), site: inCol('i32'), edge: inCol('i32'), tzOp: inCol('i32'), local: inCol('u64'), localOp: inCol('u64'),
  ns: i32, sBucket: inCol('i32'), sN: inCol('i32'), sPhys: inCol('i32'), sVirt: inCol('i32'), H: i32, h0Us: i64, bucketUs: i64, weekendMask: i32, nightEnd: i32,
}, 'usize');
