// Segment 1B per-(merchant, country) kernels. Each pair owns one substream per family (keys derived
// in JS), so a shard can replay any pair alone. Mirrors src/segments/1B/kernels_ref.ts bit for bit.
// Layout: keys are u32 pairs [k0,k1] per pair; offsets are shard-local site offsets (n+1 per shard);
// draws/blocks are u32 per pair.

import { streamInit, streamU01, streamDraws, streamBlocks } from "../rng/stream";

@inline function key0(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3)); }
@inline function key1(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3) + 4); }
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function acct(drawsPtr: usize, blocksPtr: usize, i: i32): void {
  store<u32>(drawsPtr + (<usize>i << 2), <u32>streamDraws());
  store<u32>(blocksPtr + (<usize>i << 2), <u32>streamBlocks());
}

/** Stable bottom-up merge sort of idx[0..m) by key[idx] ascending (ties keep index order). Returns the buffer holding the result. */
function sortByKey(idx: usize, tmp: usize, m: i32, key: usize): usize {
  let src = idx;
  let dst = tmp;
  let width = 1;
  while (width < m) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      let mid = min(lo + width, m);
      let hi = min(lo + 2 * width, m);
      let a = lo, b = mid, o = lo;
      while (a < mid && b < hi) {
        let ia = ldi(src, a), ib = ldi(src, b);
        if (ldf(key, ia) <= ldf(key, ib)) { store<i32>(dst + (<usize>o << 2), ia); a++; }
        else { store<i32>(dst + (<usize>o << 2), ib); b++; }
        o++;
      }
      while (a < mid) { store<i32>(dst + (<usize>o << 2), ldi(src, a)); a++; o++; }
      while (b < hi) { store<i32>(dst + (<usize>o << 2), ldi(src, b)); b++; o++; }
    }
    let t = src; src = dst; dst = t;
    width <<= 1;
  }
  return src;
}

/** S5 site→tile assignment. For each pair: one u01 per site in site_order (family 1B.site_tile_assign),
 *  sites sorted by (u, site_order), the k-th site of that order takes the k-th slot of the S4 tile
 *  multiset (slotTile, ascending tile order). Draws: sites of the pair. */
export function k1bAssign(n: i32, keys: usize, offsets: usize, slotTile: usize, outTile: usize, outU: usize, outDraws: usize, outBlocks: usize): void {
  let maxM = 1;
  for (let i = 0; i < n; i++) maxM = max(maxM, ldi(offsets, i + 1) - ldi(offsets, i));
  let idx = heap.alloc(<usize>maxM << 2);
  let tmp = heap.alloc(<usize>maxM << 2);
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let lo = ldi(offsets, i);
    let m = ldi(offsets, i + 1) - lo;
    let u = outU + (<usize>lo << 3);
    for (let j = 0; j < m; j++) {
      store<f64>(u + (<usize>j << 3), streamU01());
      store<i32>(idx + (<usize>j << 2), j);
    }
    let order = sortByKey(idx, tmp, m, u);
    for (let k = 0; k < m; k++) {
      let site = ldi(order, k);
      store<i32>(outTile + (<usize>(lo + site) << 2), ldi(slotTile, lo + k));
    }
    acct(outDraws, outBlocks, i);
  }
}

// ── point in country: the even-odd crossing rule of src/segments/1B/geometry.ts ──

@inline function crosses(vx: usize, vy: usize, i: i32, x: f64, y: f64): bool {
  let y1 = ldf(vy, i), y2 = ldf(vy, i + 1);
  if ((y1 > y) != (y2 > y)) {
    let x1 = ldf(vx, i);
    let xc = x1 + ((y - y1) * (ldf(vx, i + 1) - x1)) / (y2 - y1);
    return x < xc;
  }
  return false;
}

/** cBand: per country [bandLo, bandCount, bandBase]; bandOff[bandBase + b .. +1] index bandEdge (edge = start vertex).
 *  cRing: per country [ringLo, ringHi]; ringOff: global ring vertex offsets (used when the country has no band index). */
function insideCountry(c: i32, x: f64, y: f64, vx: usize, vy: usize, cBand: usize, bandOff: usize, bandEdge: usize, cRing: usize, ringOff: usize, bandDeg: f64): bool {
  let inside = false;
  let nb = ldi(cBand, c * 3 + 1);
  if (bandDeg > 0.0 && nb > 0) {
    let b = <i32>Math.floor((90.0 - y) / bandDeg) - ldi(cBand, c * 3);
    if (b < 0 || b >= nb) return false;
    let base = ldi(cBand, c * 3 + 2);
    let k1 = ldi(bandOff, base + b + 1);
    for (let k = ldi(bandOff, base + b); k < k1; k++) {
      if (crosses(vx, vy, ldi(bandEdge, k), x, y)) inside = !inside;
    }
  } else {
    let r1 = ldi(cRing, c * 2 + 1);
    for (let r = ldi(cRing, c * 2); r < r1; r++) {
      let e1 = ldi(ringOff, r + 1) - 1;
      for (let i = ldi(ringOff, r); i < e1; i++) {
        if (crosses(vx, vy, i, x, y)) inside = !inside;
      }
    }
  }
  return inside;
}

/** Exported for tests: the kernel's point-in-country predicate. */
export function k1bInside(c: i32, x: f64, y: f64, vx: usize, vy: usize, cBand: usize, bandOff: usize, bandEdge: usize, cRing: usize, ringOff: usize, bandDeg: f64): i32 {
  return insideCountry(c, x, y, vx, vy, cBand, bandOff, bandEdge, cRing, ringOff, bandDeg) ? 1 : 0;
}

/** S6 in-tile jitter (family 1B.in_cell_jitter, one substream per pair, sites in site_order).
 *  Per attempt: u_lon then u_lat (one Philox block), point = cell minimum + u·d; accepted when inside
 *  the pair's country. After maxAttempts rejections the site takes its tile anchor (fallback = 1).
 *  Cell of a site: level from its country, row/col per site: d = base/2^level,
 *  lon ∈ [-180 + col·d, +d), lat ∈ [90 - (row+1)·d, +d). */
export function k1bJitter(n: i32, keys: usize, offsets: usize, pairCountry: usize, cLevel: usize, siteRow: usize, siteCol: usize, siteAnchor: usize,
  base: f64, maxAttempts: i32, vx: usize, vy: usize, cBand: usize, bandOff: usize, bandEdge: usize, cRing: usize, ringOff: usize, bandDeg: f64,
  outLon: usize, outLat: usize, outAttempts: usize, outFallback: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let c = ldi(pairCountry, i);
    let d = base / <f64>(1 << ldi(cLevel, c));
    let s1 = ldi(offsets, i + 1);
    for (let s = ldi(offsets, i); s < s1; s++) {
      let minLon = -180.0 + <f64>ldi(siteCol, s) * d;
      let minLat = 90.0 - <f64>(ldi(siteRow, s) + 1) * d;
      let x = 0.0, y = 0.0;
      let ok = false;
      let a = 0;
      while (a < maxAttempts) {
        a++;
        let u1 = streamU01();
        let u2 = streamU01();
        x = minLon + u1 * d;
        y = minLat + u2 * d;
        if (insideCountry(c, x, y, vx, vy, cBand, bandOff, bandEdge, cRing, ringOff, bandDeg)) { ok = true; break; }
      }
      if (!ok) {
        x = ldf(siteAnchor, 2 * s);
        y = ldf(siteAnchor, 2 * s + 1);
      }
      store<f64>(outLon + (<usize>s << 3), x);
      store<f64>(outLat + (<usize>s << 3), y);
      store<i32>(outAttempts + (<usize>s << 2), a);
      store<u8>(outFallback + <usize>s, ok ? 0 : 1);
    }
    acct(outDraws, outBlocks, i);
  }
}
