// Segment 5B kernels: the latent intensity field (S2) and counts → arrivals → routing → local time
// (S3/S4) over a shard of merchants: per cell a walk (arrival times), a route pass (site or edge) and
// a local-time pass, then each merchant's cells merged by time. Mirrors src/segments/5B/kernels_ref.ts bit
// for bit (same IEEE operation order, fm_* math). KEEP IN LOCKSTEP.
//
// Arrivals are a Cox process: given the realised intensity λ(cell, h) (expected arrivals in UTC
// bucket h), arrival times follow by the time-change method — exponential gaps walked through the
// cumulative intensity — so a cell's arrivals come out in time order with exactly Poisson counts per
// bucket and uniform placement inside each bucket, at a cost per arrival (not per bucket draw).
//
// RNG (SPEC §5), one substream per cell (key from the cell's (merchant, country, zone)), counter-
// addressed: block 0 lane 0 gives the first gap; arrival k (0-based) takes block k + 1: lane 0 routes
// it (hybrid coin u < pv, then u rescaled inside the chosen side picks the site or edge), lane 1 is
// the next gap. Per cell: blocks = arrivals + 1, draws (lanes) = 2·arrivals + 1. Gaps are
// fm_neglog_u01(u) = -ln u (table-driven, no division).
//
// Intensity: λ = V · unit[row, h] · latent[group, h], where a row is a (zone, shape, overlay) triple
// shared by the shard's cells and unit[row, h] = shape[local week bucket] · overlay[local bucket] is
// built once per row in the prologue, so the per cell-bucket walk is two loads and two multiplies.

import { streamInit } from "../rng/stream";
import { philoxRounds, philoxX0, philoxX1, philoxX2, philoxX3 } from "../rng/philox";
import { rngNormal } from "../rng/dist";
import { fm_exp, fm_neglog_u01, fm_neglog_u01x2 } from "../math/fmath";
import { siteOfGroup, sliceWide } from "../seg2B/router";

const INV_2_53: f64 = 1.1102230246251565e-16;
const U01_MAX: f64 = 0.9999999999999999;
const WEEK: i32 = 168;

// @ts-ignore: decorator
@inline function u01Of(hi: u32, lo: u32): f64 {
  let lane = (<u64>hi << 32) | <u64>lo;
  return min((<f64>(lane >> 11) + 0.5) * INV_2_53, U01_MAX);
}
// @ts-ignore: decorator
@inline function ldI32(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ldU32(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ldF64(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function ldI64(p: usize, i: i32): i64 { return load<i64>(p + (<usize>i << 3)); }

/**
 * S2 latent field: per group g an AR(1) Gaussian path over H buckets (stationary start),
 * z_0 = N_0, z_t = phi z_{t-1} + sqrt(1 - phi²) N_t; latent = sigma z_t;
 * factor = clamp(exp(latent - sigma²/2), minF, maxF) (mean one before the clamp).
 * Substream of group g: keys[2g], keys[2g+1]; draws = 2H (one Box–Muller normal per bucket).
 */
export function k5bLatent(nG: i32, H: i32, keys: usize, sigma: usize, phi: usize, minF: f64, maxF: f64, outLatent: usize, outFactor: usize): void {
  for (let g = 0; g < nG; g++) {
    streamInit(ldU32(keys, 2 * g), ldU32(keys, 2 * g + 1));
    let s = ldF64(sigma, g);
    let ph = ldF64(phi, g);
    let innov = Math.sqrt(1.0 - ph * ph);
    let half = 0.5 * s * s;
    let z = rngNormal();
    for (let h = 0; h < H; h++) {
      if (h > 0) z = ph * z + innov * rngNormal();
      let l = s * z;
      let f = fm_exp(l - half);
      if (f < minF) f = minF;
      if (f > maxF) f = maxF;
      let o = <usize>(g * H + h) << 3;
      store<f64>(outLatent + o, l);
      store<f64>(outFactor + o, f);
    }
  }
}

/** UTC offset (seconds) of zone z at UTC µs t, scanning forward from segment j (returns the segment). */
// @ts-ignore: decorator
@inline function segFrom(zoneStart: usize, segStart: usize, z: i32, j: i32, t: i64): i32 {
  let end = ldI32(zoneStart, z + 1);
  while (j + 1 < end && ldI64(segStart, j + 1) <= t) j++;
  return j;
}

/**
 * Arrivals of one shard. Pointers (element types in brackets), nM merchants, nC = mCell[nM] cells:
 *  merchants: mCell i32[nM+1] (cells of m: [mCell[m], mCell[m+1])), mId u64[nM], mSlice i32[nM] (2B slice word, -1 none),
 *             mEdge i32[nM] (edge slice word, -1 none), mSite i32[nM+1], mEdgeOff i32[nM+1]
 *  tables:    blob u32[], edgeBlob u32[], siteCountry i32[], siteOrder i32[], edgeZone i32[] (per shard-local edge)
 *  rows:      nRows (zone, shape, overlay) triples rowZone, rowShape, rowOverlay (-1 none) i32[nRows]
 *  cells:     cZone, cCountry, cChannel, cRow, cGroup, cRGroup (2B tz-group) i32[nC];
 *             cPV f64[nC] (3B virtual share), cV f64[nC] (weekly volume); cKey u32[2nC] (substream key)
 *  surfaces:  shapes f64[*168], lhTab i32[nZoneRows*H] (local horizon bucket), wkTab u8[nZoneRows*H] (local-week bucket),
 *             overlay f64[*H], latent f64[*H]; rowZone indexes the zone rows, cZone the civil tables
 *  civil:     zoneStart i32[nZones+1], segStart i64[], segOffset i32[]
 *  outputs (capacity cap rows; written only while they fit; stats[0] = arrivals needed):
 *    oMerchant u64, oSeq u64, oTs i64, oBucket i32, oCountry i32, oTz i32, oLocal i64, oChannel i32, oVirtual u8,
 *    oSite i32 (-1 null), oEdge i32 (shard-local edge index, -1 null), oTzOp i32 (-1 null), oLocalOp i64, oLambda f64
 *    summary (capacity cap rows): sMerchant u64, sCountry i32, sTz i32, sChannel i32, sBucket i32, sN i32, sPhys i32, sVirt i32, sLambda f64
 *  scratch: unit f64[nRows*H], perm i32[cap], tmp u64[cap], heapArr i32[H+1 + 3*maxCellsPerMerchant+4] (bucket counts, then the heap)
 *  stats f64[8]: arrivals, summary rows, draws, blocks, cells, unroutable arrivals, max cells/merchant, overflow
 */
export function k5bArrivals(nM: i32, mCell: usize, mId: usize, mSlice: usize, mEdge: usize, mSite: usize,
  blob: usize, edgeBlob: usize, siteCountry: usize, siteOrder: usize, edgeZone: usize, mEdgeOff: usize,
  nRows: i32, rowZone: usize, rowShape: usize, rowOverlay: usize,
  cZone: usize, cCountry: usize, cChannel: usize, cRow: usize, cGroup: usize, cRGroup: usize, cPV: usize,
  cV: usize, cKey: usize,
  H: i32, h0f: f64, bucketF: f64,
  shapes: usize, lhTab: usize, wkTab: usize, overlay: usize, latent: usize,
  zoneStart: usize, segStart: usize, segOffset: usize,
  cap: i32,
  oMerchant: usize, oSeq: usize, oTs: usize, oBucket: usize, oCountry: usize, oTz: usize, oLocal: usize, oChannel: usize,
  oVirtual: usize, oSite: usize, oEdge: usize, oTzOp: usize, oLocalOp: usize, oLambda: usize,
  sMerchant: usize, sCountry: usize, sTz: usize, sChannel: usize, sBucket: usize, sN: usize, sPhys: usize, sVirt: usize, sLambda: usize,
  unit: usize, perm: usize, tmp: usize, heapArr: usize, stats: usize): void {
  unitRows(nRows, H, rowZone, rowShape, rowOverlay, shapes, lhTab, wkTab, overlay, unit);
  // heapArr: the merge's bucket counts (H + 1), then its heap (3R + 4)
  let cnt = heapArr, heap = heapArr + (<usize>(H + 1) << 2);
  // The work is split into small loops (walk, route, merge) rather than one loop body: in one body
  // TurboFan spilled most values and the bucket walk reloaded a dozen of them per bucket.
  // Between walk and route the route uniform of arrival i waits in tmp[i] and its summary row in
  // perm[i]; both scratches are free again before the merchant's merge uses them.
  wPos = 0;
  wSrow = 0;
  let draws: f64 = 0, blocks: f64 = 0, maxCells: i32 = 0, cells: i32 = 0;
  rUnroutable = 0;
  let h0 = <i64>h0f; // µs, exact in f64 (JS passes numbers, not BigInts)
  let bucketUs = <i64>bucketF;
  for (let m = 0; m < nM; m++) {
    let c0 = ldI32(mCell, m), c1 = ldI32(mCell, m + 1);
    if (c1 - c0 > maxCells) maxCells = c1 - c0;
    let mStart = wPos;
    let slice = ldI32(mSlice, m);
    let eSlice = ldI32(mEdge, m);
    let siteBase = ldI32(mSite, m);
    let edgeBase = ldI32(mEdgeOff, m);
    let mid = load<u64>(mId + (<usize>m << 3));
    for (let c = c0; c < c1; c++) {
      // run boundaries of this merchant's cells (for the merge), in the heap scratch's upper half
      store<i32>(heap + (<usize>(c1 - c0 + 1 + (c - c0)) << 2), wPos - mStart);
      cells++;
      let zone = ldI32(cZone, c), country = ldI32(cCountry, c), channel = ldI32(cChannel, c);
      let a0 = wPos, s0 = wSrow;
      let k = walkCell(unit + (<usize>(ldI32(cRow, c) * H) << 3), latent + (<usize>(ldI32(cGroup, c) * H) << 3), ldF64(cV, c), H,
        ldU32(cKey, 2 * c), ldU32(cKey, 2 * c + 1), h0, bucketUs, bucketF, cap, oTs, oBucket, oLambda, tmp, perm, sBucket, sN, sLambda);
      // the cell's summary rows: its identity, counts by side filled in by the route pass
      let s1 = min(wSrow, cap);
      for (let r = s0; r < s1; r++) {
        let o8 = <usize>r << 3, o4 = <usize>r << 2;
        store<u64>(sMerchant + o8, mid);
        store<i32>(sCountry + o4, country);
        store<i32>(sTz + o4, zone);
        store<i32>(sChannel + o4, channel);
        store<i32>(sPhys + o4, 0);
        store<i32>(sVirt + o4, 0);
      }
      let a1 = min(wPos, cap), pv = ldF64(cPV, c), rg = ldI32(cRGroup, c);
      if (!(pv > 0.0) && slice >= 0 && rg >= 0) {
        // physical only (most cells): no coin, no edge
        routePhysical(a0, a1, <u32>slice, rg, siteBase, blob, siteCountry, siteOrder, tmp, perm, oCountry, oSite, sPhys);
        fill<u8>(oVirtual, a0, a1, 0);
        fill<i32>(oEdge, a0, a1, -1);
        fill<i32>(oTzOp, a0, a1, -1);
        fill<i64>(oLocalOp, a0, a1, 0);
      } else {
        routeCell(a0, a1, pv, slice, eSlice, rg, siteBase, edgeBase, country,
          blob, edgeBlob, siteCountry, siteOrder, edgeZone, zoneStart, segStart, segOffset, tmp, perm,
          oTs, oCountry, oVirtual, oSite, oEdge, oTzOp, oLocalOp, sPhys, sVirt);
      }
      localTimes(a0, a1, zone, zoneStart, segStart, segOffset, oTs, oLocal);
      fill<i32>(oTz, a0, a1, zone);
      fill<i32>(oChannel, a0, a1, channel);
      draws += <f64>(2 * k + 1);
      blocks += <f64>(k + 1);
    }
    let n = wPos - mStart;
    let nCells = c1 - c0;
    if (wPos <= cap && n > 0) {
      if (nCells > 1) mergeMerchant(mStart, n, nCells, heap, cnt, perm, tmp, oTs, oBucket, oCountry, oTz, oLocal, oChannel, oVirtual, oSite, oEdge, oTzOp, oLocalOp, oLambda);
      for (let i = 0; i < n; i++) {
        store<u64>(oMerchant + (<usize>(mStart + i) << 3), mid);
        store<u64>(oSeq + (<usize>(mStart + i) << 3), <u64>(i + 1));
      }
    }
  }
  store<f64>(stats, <f64>wPos);
  store<f64>(stats + 8, <f64>wSrow);
  store<f64>(stats + 16, draws);
  store<f64>(stats + 24, blocks);
  store<f64>(stats + 32, <f64>cells);
  store<f64>(stats + 40, <f64>rUnroutable);
  store<f64>(stats + 48, <f64>maxCells);
  store<f64>(stats + 56, wPos > cap || wSrow > cap ? 1.0 : 0.0);
}

/** Unit intensity rows: shape[local week bucket] × overlay[local horizon bucket] per UTC bucket
 *  (1 outside the horizon). Table lookups and selects: no division, no branch per bucket. */
function unitRows(nRows: i32, H: i32, rowZone: usize, rowShape: usize, rowOverlay: usize,
  shapes: usize, lhTab: usize, wkTab: usize, overlay: usize, unit: usize): void {
  for (let r = 0; r < nRows; r++) {
    let zb = ldI32(rowZone, r) * H;
    let sp = shapes + (<usize>(ldI32(rowShape, r) * WEEK) << 3);
    let wk = wkTab + <usize>zb;
    let prof = ldI32(rowOverlay, r);
    let ub = unit + (<usize>(r * H) << 3);
    if (prof < 0) {
      for (let h = 0; h < H; h++) store<f64>(ub + (<usize>h << 3), load<f64>(sp + (<usize>load<u8>(wk + <usize>h) << 3)));
      continue;
    }
    let op = overlay + (<usize>(prof * H) << 3);
    for (let h = 0; h < H; h++) {
      let lh = ldI32(lhTab, zb + h);
      let inH = <u32>lh < <u32>H;
      let ov = select<f64>(load<f64>(op + (<usize>select<i32>(lh, 0, inH) << 3)), 1.0, inH);
      store<f64>(ub + (<usize>h << 3), load<f64>(sp + (<usize>load<u8>(wk + <usize>h) << 3)) * ov);
    }
  }
}

// Philox blocks of the next GAP_BATCH arrivals, drawn together: drawn one per arrival, a block's next
// gap (ten rounds of multiplies, then a log) sat on the walk's critical path; drawn in a batch the
// blocks are independent and overlap. Blocks drawn past a cell's last arrival are never used (no output or
// accounting sees them). Arrival k of the cell reads slot k mod GAP_BATCH.
// @ts-ignore: decorator
@lazy const GAP_BATCH: i32 = 8;
// @ts-ignore: decorator
@lazy const GAP_U = memory.data(8 * 8, 16); // lane 0-1 uniform: routes arrival k
// @ts-ignore: decorator
@lazy const GAP_E = memory.data(8 * 8, 16); // -ln(lane 2-3 uniform): the gap after arrival k

/** Blocks k+1 … k+GAP_BATCH of the cell's substream into GAP_U / GAP_E: Philox4x32-10 on four blocks
 *  per i32x4 (block j in lane j; extmul gives the 32×32→64 products), two such sets interleaved, then
 *  u01 and -ln u two lanes at a time. Bit-identical to philoxRounds + u01Of + fm_neglog_u01 per block. */
function fillGaps(k0: u32, k1: u32, k: i32): void {
  let m0 = i32x4.splat(<i32>0xd2511f53), m1 = i32x4.splat(<i32>0xcd9e8d57);
  let c = <i32>(k + 1);
  let x0 = i32x4(c, c + 1, c + 2, c + 3), y0 = i32x4(c + 4, c + 5, c + 6, c + 7);
  let x1 = i32x4.splat(0), x2 = i32x4.splat(0), x3 = i32x4.splat(0);
  let y1 = x1, y2 = x1, y3 = x1;
  let a = k0, b = k1;
  for (let r = 0; r < 10; r++) {
    let ka = i32x4.splat(<i32>a), kb = i32x4.splat(<i32>b);
    let p0l = i64x2.extmul_low_i32x4_u(x0, m0), p0h = i64x2.extmul_high_i32x4_u(x0, m0);
    let p1l = i64x2.extmul_low_i32x4_u(x2, m1), p1h = i64x2.extmul_high_i32x4_u(x2, m1);
    let q0l = i64x2.extmul_low_i32x4_u(y0, m0), q0h = i64x2.extmul_high_i32x4_u(y0, m0);
    let q1l = i64x2.extmul_low_i32x4_u(y2, m1), q1h = i64x2.extmul_high_i32x4_u(y2, m1);
    x0 = v128.xor(v128.xor(v128.shuffle<i32>(p1l, p1h, 1, 3, 5, 7), x1), ka);
    x1 = v128.shuffle<i32>(p1l, p1h, 0, 2, 4, 6);
    x2 = v128.xor(v128.xor(v128.shuffle<i32>(p0l, p0h, 1, 3, 5, 7), x3), kb);
    x3 = v128.shuffle<i32>(p0l, p0h, 0, 2, 4, 6);
    y0 = v128.xor(v128.xor(v128.shuffle<i32>(q1l, q1h, 1, 3, 5, 7), y1), ka);
    y1 = v128.shuffle<i32>(q1l, q1h, 0, 2, 4, 6);
    y2 = v128.xor(v128.xor(v128.shuffle<i32>(q0l, q0h, 1, 3, 5, 7), y3), kb);
    y3 = v128.shuffle<i32>(q0l, q0h, 0, 2, 4, 6);
    a += 0x9e3779b9; b += 0xbb67ae85;
  }
  v128.store(GAP_U, u01x2(x0, x1)); v128.store(GAP_U, u01x2(hiPair(x0), hiPair(x1)), 16);
  v128.store(GAP_U, u01x2(y0, y1), 32); v128.store(GAP_U, u01x2(hiPair(y0), hiPair(y1)), 48);
  v128.store(GAP_E, fm_neglog_u01x2(u01x2(x2, x3))); v128.store(GAP_E, fm_neglog_u01x2(u01x2(hiPair(x2), hiPair(x3))), 16);
  v128.store(GAP_E, fm_neglog_u01x2(u01x2(y2, y3)), 32); v128.store(GAP_E, fm_neglog_u01x2(u01x2(hiPair(y2), hiPair(y3))), 48);
}

/** u01Of on i32 lanes 0 and 1 of hi/lo: (hi·2^21 + lo>>11) is exact below 2^53, as the u64 shift is. */
// @ts-ignore: decorator
@inline function u01x2(hi: v128, lo: v128): v128 {
  let v = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(hi), f64x2.splat(2097152.0)), f64x2.convert_low_i32x4_u(i32x4.shr_u(lo, 11)));
  return f64x2.min(f64x2.mul(f64x2.add(v, f64x2.splat(0.5)), f64x2.splat(INV_2_53)), f64x2.splat(U01_MAX));
}
// @ts-ignore: decorator
@inline function hiPair(x: v128): v128 { return v128.shuffle<i32>(x, x, 2, 3, 2, 3); }

// walk state across cells: arrivals and summary rows so far (counting continues past cap)
let wPos: i32 = 0;
let wSrow: i32 = 0;
let rUnroutable: i32 = 0;

/**
 * Arrival times of one cell (see the header): writes ts, bucket, lambda, the route uniform (uOut)
 * and the summary row index (rowOut) of arrivals wPos…, and bucket, count, lambda of its summary
 * rows wSrow…, while they fit under cap. Returns the cell's arrivals.
 */
function walkCell(ub: usize, lb: usize, V: f64, H: i32, k0: u32, k1: u32, h0: i64, bucketUs: i64, bucketF: f64, cap: i32,
  oTs: usize, oBucket: usize, oLambda: usize, uOut: usize, rowOut: usize, sBucket: usize, sN: usize, sLambda: usize): i32 {
  philoxRounds(0, 0, 0, 0, k0, k1);
  let E = fm_neglog_u01(u01Of(philoxX0, philoxX1));
  let k: i32 = 0;
  let pos = wPos, srow = wSrow;
  let h: i32 = 0;
  while (true) {
    // buckets without an arrival: two loads, two multiplies, one compare (the hot loop)
    let lam: f64 = 0.0;
    while (h < H) {
      lam = V * load<f64>(ub + (<usize>h << 3)) * load<f64>(lb + (<usize>h << 3));
      if (E < lam) break;
      E = select<f64>(E - lam, E, lam > 0.0);
      h++;
    }
    if (h >= H) break;
    // arrivals of bucket h at cumulative positions acc (in units of λ) while acc < λ; the division
    // only scales offsets, off the chain the loop test waits on
    let scale = bucketF / lam;
    let acc = E;
    let nb: i32 = 0;
    let bStart = h0 + <i64>h * bucketUs;
    do {
      let off = <i64>(acc * scale); // truncation is floor here (acc ≥ 0)
      if (off >= bucketUs) off = bucketUs - 1;
      let slot = <usize>(k & (GAP_BATCH - 1)) << 3;
      if (slot == 0) fillGaps(k0, k1, k);
      if (pos < cap) {
        store<i64>(oTs + (<usize>pos << 3), bStart + off);
        store<i32>(oBucket + (<usize>pos << 2), h);
        store<f64>(oLambda + (<usize>pos << 3), lam);
        store<f64>(uOut + (<usize>pos << 3), load<f64>(GAP_U + slot));
        store<i32>(rowOut + (<usize>pos << 2), srow);
      }
      acc += load<f64>(GAP_E + slot);
      pos++;
      k++;
      nb++;
    } while (acc < lam);
    E = acc - lam;
    if (srow < cap) {
      store<i32>(sBucket + (<usize>srow << 2), h);
      store<i32>(sN + (<usize>srow << 2), nb);
      store<f64>(sLambda + (<usize>srow << 3), lam);
    }
    srow++;
    h++;
  }
  wPos = pos;
  wSrow = srow;
  return k;
}

/** Route arrivals [a, b) of one cell with a virtual share or no usable site (coin, edge or site), and
 *  count them into their summary rows. (Local times, zone and channel: localTimes and fill.) */
function routeCell(a: i32, b: i32, pv: f64, slice: i32, eSlice: i32, rg: i32, siteBase: i32, edgeBase: i32, country: i32,
  blob: usize, edgeBlob: usize, siteCountry: usize, siteOrder: usize, edgeZone: usize, zoneStart: usize, segStart: usize, segOffset: usize,
  uIn: usize, rowIn: usize,
  oTs: usize, oCountry: usize, oVirtual: usize, oSite: usize, oEdge: usize, oTzOp: usize, oLocalOp: usize,
  sPhys: usize, sVirt: usize): void {
  let hybrid = pv > 0.0 && pv < 1.0;
  for (let i = a; i < b; i++) {
    let o8 = <usize>i << 3, o4 = <usize>i << 2;
    let u = load<f64>(uIn + o8);
    let virt = u < pv; // virtual share: 0 never, 1 always (u < 1), else a hybrid coin
    if (hybrid) {
      // the coin's uniform, rescaled inside the side it chose, picks the site or edge
      u = virt ? u / pv : (u - pv) / (1.0 - pv);
      if (u > U01_MAX) u = U01_MAX;
    }
    if (virt && eSlice < 0) virt = false;
    if (!virt && (slice < 0 || rg < 0)) virt = eSlice >= 0;
    let siteCol: i32 = -1, ctry = country, tzOp: i32 = -1;
    let eid: i32 = -1;
    let localOp: i64 = 0;
    let row = <usize>ldI32(rowIn, i) << 2;
    if (virt) {
      let ts = load<i64>(oTs + o8);
      let e = sliceWide(edgeBlob + (<usize>eSlice << 2), u);
      eid = edgeBase + e;
      tzOp = ldI32(edgeZone, eid);
      let j = segFrom(zoneStart, segStart, tzOp, ldI32(zoneStart, tzOp), ts);
      localOp = ts + <i64>ldI32(segOffset, j) * 1000000;
      store<i32>(sVirt + row, load<i32>(sVirt + row) + 1);
    } else if (slice >= 0 && rg >= 0) {
      let site = siteOfGroup(blob, <u32>slice, rg, u);
      siteCol = ldI32(siteOrder, siteBase + site);
      ctry = ldI32(siteCountry, siteBase + site);
      store<i32>(sPhys + row, load<i32>(sPhys + row) + 1);
    } else {
      rUnroutable++;
    }
    store<i32>(oCountry + o4, ctry);
    store<u8>(oVirtual + <usize>i, virt ? 1 : 0);
    store<i32>(oSite + o4, siteCol);
    store<i32>(oEdge + o4, eid);
    store<i32>(oTzOp + o4, tzOp);
    store<i64>(oLocalOp + o8, localOp);
  }
}

/** routeCell for a cell with no virtual share and a site table: every arrival goes to a site of tz-group rg. */
function routePhysical(a: i32, b: i32, slice: u32, rg: i32, siteBase: i32, blob: usize, siteCountry: usize, siteOrder: usize,
  uIn: usize, rowIn: usize, oCountry: usize, oSite: usize, sPhys: usize): void {
  for (let i = a; i < b; i++) {
    let site = siteBase + siteOfGroup(blob, slice, rg, load<f64>(uIn + (<usize>i << 3)));
    let o4 = <usize>i << 2;
    store<i32>(oSite + o4, ldI32(siteOrder, site));
    store<i32>(oCountry + o4, ldI32(siteCountry, site));
    let row = <usize>ldI32(rowIn, i) << 2;
    store<i32>(sPhys + row, load<i32>(sPhys + row) + 1);
  }
}

/** Primary local time of arrivals [a, b) of a cell in zone `zone` (times ascending: one forward cursor). */
function localTimes(a: i32, b: i32, zone: i32, zoneStart: usize, segStart: usize, segOffset: usize, oTs: usize, oLocal: usize): void {
  let seg = ldI32(zoneStart, zone);
  for (let i = a; i < b; i++) {
    let ts = load<i64>(oTs + (<usize>i << 3));
    seg = segFrom(zoneStart, segStart, zone, seg, ts);
    store<i64>(oLocal + (<usize>i << 3), ts + <i64>ldI32(segOffset, seg) * 1000000);
  }
}

// @ts-ignore: decorator
@inline function fill<T>(col: usize, a: i32, b: i32, v: T): void {
  for (let i = a; i < b; i++) store<T>(col + (<usize>i << alignof<T>()), v);
}

// Most merchants are sparse: a bucket rarely holds arrivals of two cells. Their arrivals are ordered
// by a counting sort on bucket (buckets are disjoint time ranges), then an insertion pass by time
// within each bucket; stable, so equal times keep cell order. Merchants with a bucket fuller than
// BUCKET_SORT_MAX (dense cells) take a k-way heap merge of the cells' runs instead. Both give the
// order (ts, cell, position).
// @ts-ignore: decorator
@lazy const BUCKET_SORT_MAX: i32 = 32;

/** Order a merchant's n arrivals (cells' runs, each sorted by time) by (ts, cell) into perm, then gather its columns. */
function mergeMerchant(mStart: i32, n: i32, R: i32, heapArr: usize, cnt: usize, perm: usize, tmp: usize,
  oTs: usize, oBucket: usize, oCountry: usize, oTz: usize, oLocal: usize, oChannel: usize, oVirtual: usize,
  oSite: usize, oEdge: usize, oTzOp: usize, oLocalOp: usize, oLambda: usize): void {
  if (!bucketOrder(mStart, n, cnt, perm, oTs, oBucket)) heapOrder(mStart, n, R, heapArr, perm, oTs);
  gather<u64>(oTs, mStart, n, perm, tmp);
  gather<u64>(oLocal, mStart, n, perm, tmp);
  gather<u64>(oLocalOp, mStart, n, perm, tmp);
  gather<u64>(oLambda, mStart, n, perm, tmp);
  gather<u32>(oBucket, mStart, n, perm, tmp);
  gather<u32>(oCountry, mStart, n, perm, tmp);
  gather<u32>(oTz, mStart, n, perm, tmp);
  gather<u32>(oChannel, mStart, n, perm, tmp);
  gather<u32>(oSite, mStart, n, perm, tmp);
  gather<u32>(oEdge, mStart, n, perm, tmp);
  gather<u32>(oTzOp, mStart, n, perm, tmp);
  gather<u8>(oVirtual, mStart, n, perm, tmp);
}

/** Counting sort by bucket, then insertion by ts inside buckets; false (perm untouched) if a bucket holds more than BUCKET_SORT_MAX. */
function bucketOrder(mStart: i32, n: i32, cnt: usize, perm: usize, oTs: usize, oBucket: usize): bool {
  let ob = oBucket + (<usize>mStart << 2);
  let bMin = ldI32(ob, 0), bMax = bMin;
  for (let i = 1; i < n; i++) {
    let b = ldI32(ob, i);
    bMin = min(bMin, b);
    bMax = max(bMax, b);
  }
  for (let b = bMin; b <= bMax; b++) store<i32>(cnt + (<usize>b << 2), 0);
  for (let i = 0; i < n; i++) {
    let q = cnt + (<usize>ldI32(ob, i) << 2);
    store<i32>(q, load<i32>(q) + 1);
  }
  let sum: i32 = 0, most: i32 = 0;
  for (let b = bMin; b <= bMax; b++) {
    let q = cnt + (<usize>b << 2);
    let c = load<i32>(q);
    store<i32>(q, sum);
    sum += c;
    most = max(most, c);
  }
  if (most > BUCKET_SORT_MAX) return false;
  for (let i = 0; i < n; i++) {
    let q = cnt + (<usize>ldI32(ob, i) << 2);
    let at = load<i32>(q);
    store<i32>(perm + (<usize>at << 2), i);
    store<i32>(q, at + 1);
  }
  let ts = oTs + (<usize>mStart << 3);
  let prev = ldI64(ts, ldI32(perm, 0));
  for (let j = 1; j < n; j++) {
    let pj = ldI32(perm, j);
    let t = ldI64(ts, pj);
    if (t < prev) {
      let q = j;
      do {
        store<i32>(perm + (<usize>q << 2), ldI32(perm, q - 1));
        q--;
      } while (q > 0 && ldI64(ts, ldI32(perm, q - 1)) > t);
      store<i32>(perm + (<usize>q << 2), pj);
    } else prev = t;
  }
  return true;
}

// k-way merge of a merchant's cells (runs sorted by time) through a binary heap of run ids.
// heapArr: [0, R) heap slots, [R+1, 2R+2) run cursors (run starts, relative; slot R holds n), [2R+2, 3R+2) run ends.
function heapOrder(mStart: i32, n: i32, R: i32, heapArr: usize, perm: usize, oTs: usize): void {
  let runs = heapArr + (<usize>(R + 1) << 2);
  store<i32>(runs + (<usize>R << 2), n);
  let ends = heapArr + (<usize>(2 * R + 2) << 2);
  for (let r = 0; r < R; r++) store<i32>(ends + (<usize>r << 2), load<i32>(runs + (<usize>(r + 1) << 2)));
  // heap of run ids keyed by head ts; heap slot array = heapArr[0..R)
  let hs: i32 = 0;
  for (let r = 0; r < R; r++) {
    if (load<i32>(runs + (<usize>r << 2)) < load<i32>(ends + (<usize>r << 2))) {
      // sift up
      let i = hs++;
      store<i32>(heapArr + (<usize>i << 2), r);
      while (i > 0) {
        let par = (i - 1) >> 1;
        if (runLess(oTs, mStart, runs, load<i32>(heapArr + (<usize>i << 2)), load<i32>(heapArr + (<usize>par << 2)))) {
          let t = load<i32>(heapArr + (<usize>i << 2));
          store<i32>(heapArr + (<usize>i << 2), load<i32>(heapArr + (<usize>par << 2)));
          store<i32>(heapArr + (<usize>par << 2), t);
          i = par;
        } else break;
      }
    }
  }
  for (let out = 0; out < n; out++) {
    let r = load<i32>(heapArr);
    let cur = load<i32>(runs + (<usize>r << 2));
    store<i32>(perm + (<usize>out << 2), cur);
    cur++;
    store<i32>(runs + (<usize>r << 2), cur);
    if (cur >= load<i32>(ends + (<usize>r << 2))) {
      hs--;
      store<i32>(heapArr, load<i32>(heapArr + (<usize>hs << 2)));
    }
    // sift down
    let i = 0;
    while (true) {
      let l = 2 * i + 1;
      if (l >= hs) break;
      let b = l;
      if (l + 1 < hs && runLess(oTs, mStart, runs, load<i32>(heapArr + (<usize>(l + 1) << 2)), load<i32>(heapArr + (<usize>l << 2)))) b = l + 1;
      if (runLess(oTs, mStart, runs, load<i32>(heapArr + (<usize>b << 2)), load<i32>(heapArr + (<usize>i << 2)))) {
        let t = load<i32>(heapArr + (<usize>i << 2));
        store<i32>(heapArr + (<usize>i << 2), load<i32>(heapArr + (<usize>b << 2)));
        store<i32>(heapArr + (<usize>b << 2), t);
        i = b;
      } else break;
    }
  }
}

/** Run a before run b: earlier head time, then lower run (cell) index. */
// @ts-ignore: decorator
@inline function runLess(oTs: usize, base: i32, runs: usize, a: i32, b: i32): bool {
  let ta = load<i64>(oTs + (<usize>(base + load<i32>(runs + (<usize>a << 2))) << 3));
  let tb = load<i64>(oTs + (<usize>(base + load<i32>(runs + (<usize>b << 2))) << 3));
  return ta < tb || (ta == tb && a < b);
}

/** Rows [base, base + n) of a column of T reordered by perm (row i takes old row perm[i]), through tmp. */
function gather<T>(col: usize, base: i32, n: i32, perm: usize, tmp: usize): void {
  let b = col + (<usize>base << alignof<T>());
  for (let i = 0; i < n; i++) store<T>(tmp + (<usize>i << alignof<T>()), load<T>(b + (<usize>load<i32>(perm + (<usize>i << 2)) << alignof<T>())));
  memory.copy(b, tmp, <usize>n << alignof<T>());
}
