// Segment 3B kernels: CDN edge plan (count + reach), edge slots (gravity country mix → alias →
// country, host city, first jitter attempt), jitter retries, and the per-merchant edge alias
// slices in 2B's layout. Mirrors src/segments/3B/kernels_ref.ts bit for bit.
// Keys are u32 pairs [k0,k1] (derived in JS); draws/blocks are u32 per substream.

import { streamInit, streamU01, streamDraws, streamBlocks } from "../rng/stream";
import { rngNb2, rngNormal } from "../rng/dist";
import { aliasBuild, aliasSample } from "../rng/alias";
import { fm_log, fm_exp, fm_cos, fm_sin } from "../math/fmath";
import { quantise, voseInt } from "../seg2B/alias";

const TWO_PI: f64 = 6.283185307179586;
const DEG: f64 = 0.017453292519943295;
const KM_PER_DEG_LAT: f64 = 110.574;
const KM_PER_DEG_LON: f64 = 111.32;

@inline function ldF(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stF(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function ldI(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function stI(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function acct(drawsPtr: usize, blocksPtr: usize, i: i32): void {
  store<u32>(drawsPtr + (<usize>i << 2), <u32>streamDraws());
  store<u32>(blocksPtr + (<usize>i << 2), <u32>streamBlocks());
}

/** Edge plan per virtual merchant (family 3B.edge_plan): E = min(minE + NB2(max(mu − minE, 0.1), phi), maxE)
 *  (a shifted NB2: mean mu, no pile-up at the floor), then
 *  reach L = exp(lnBase + elasticity·ln(E / baseMu) + sigma·Z). Draws: NB2's (variable), then 2. */
export function k3bEdgePlan(n: i32, keys: usize, mu: usize, phi: f64, minE: i32, maxE: i32, lnBase: f64, elasticity: f64, sigma: f64, baseMu: f64,
  outE: usize, outReach: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(load<u32>(keys + (<usize>i << 3)), load<u32>(keys + (<usize>i << 3) + 4));
    let m = ldF(mu, i) - <f64>minE;
    if (m < 0.1) m = 0.1;
    let k = minE + rngNb2(m, phi);
    if (k > maxE) k = maxE;
    let z = rngNormal();
    let L = fm_exp(lnBase + elasticity * fm_log(<f64>k / baseMu) + sigma * z);
    stI(outE, i, k);
    stF(outReach, i, L);
    acct(outDraws, outBlocks, i);
  }
}

/** One jitter attempt around (lat, lon): uniform point in a disc of jitterKm (2 draws). Writes
 *  the candidate to (outLat, outLon) at index j. Latitude clamped to ±89.9999, longitude wrapped. */
// @ts-ignore: decorator
@inline
function jitter(lat: f64, lon: f64, jitterKm: f64, outLat: usize, outLon: usize, j: i32): void {
  let r = jitterKm * Math.sqrt(streamU01());
  let t = TWO_PI * streamU01();
  let c = fm_cos(lat * DEG);
  if (c < 0.01) c = 0.01;
  let a = lat + (r * fm_cos(t)) / KM_PER_DEG_LAT;
  let o = lon + (r * fm_sin(t)) / (KM_PER_DEG_LON * c);
  if (a > 89.9999) a = 89.9999;
  if (a < -89.9999) a = -89.9999;
  if (o > 180.0) o -= 360.0;
  if (o <= -180.0) o += 360.0;
  stF(outLat, j, a);
  stF(outLon, j, o);
}

/**
 * Edge slots of each merchant. Country mix over the nC countries:
 *   raw_c = pw[c] × (g + (1 − g)·exp(−d_c / L)) × (1 + bs if c = settle) × (1 + bf if c ∈ footprint),
 *   d_c = R·|u_settle − u_c| (chord). Then, for slot k (substream keyed per edge, family 3B.edge_place):
 *   country ~ alias(raw) (1 draw), host city ~ the country's city alias (1 draw), first jitter
 *   attempt (2 draws). Then the catchment: each of the nC countries sends its raw mass to the nearest
 *   (chord) country that received an edge, ties to the lower index. Outputs per edge: country, city
 *   (global row), candidate lat/lon, pc = catchment mass of the edge's country / Σ raw.
 * Inputs per merchant: settle unit vector (3 f64), settle country (i32, −1 none), reach, E, local edge
 * offsets (n+1), footprint country lists (fpOff n+1 local, fpIdx). Tables (whole): pw, country unit
 * vectors (3 per country), cityOff (nC+1), cityProb, cityAlias, cityLat, cityLon.
 */
export function k3bEdgeSlots(n: i32, nC: i32, settleU: usize, settleC: usize, reach: usize, edgeOff: usize, fpOff: usize, fpIdx: usize,
  edgeKeys: usize, pw: usize, cU: usize, cityOff: usize, cityProb: usize, cityAlias: usize, cityLat: usize, cityLon: usize,
  g: f64, bs: f64, bf: f64, radius: f64, jitterKm: f64,
  outCountry: usize, outCity: usize, outLat: usize, outLon: usize, outPc: usize, outDraws: usize, outBlocks: usize): void {
  let raw = heap.alloc(<usize>nC << 3);
  let prob = heap.alloc(<usize>nC << 3);
  let alias = heap.alloc(<usize>nC << 2);
  let mark = heap.alloc(<usize>nC);
  for (let c = 0; c < nC; c++) store<u8>(mark + <usize>c, 0);
  let e0 = ldI(edgeOff, 0);
  let f0 = ldI(fpOff, 0);
  for (let i = 0; i < n; i++) {
    let sx = ldF(settleU, 3 * i), sy = ldF(settleU, 3 * i + 1), sz = ldF(settleU, 3 * i + 2);
    let sc = ldI(settleC, i);
    let L = ldF(reach, i);
    let fa = ldI(fpOff, i) - f0, fb = ldI(fpOff, i + 1) - f0;
    for (let t = fa; t < fb; t++) store<u8>(mark + <usize>ldI(fpIdx, t), 1);
    let sum = 0.0;
    for (let c = 0; c < nC; c++) {
      let dx = sx - ldF(cU, 3 * c), dy = sy - ldF(cU, 3 * c + 1), dz = sz - ldF(cU, 3 * c + 2);
      let d = radius * Math.sqrt(dx * dx + dy * dy + dz * dz);
      let v = ldF(pw, c) * (g + (1.0 - g) * fm_exp(-d / L));
      if (c == sc) v = v * (1.0 + bs);
      if (load<u8>(mark + <usize>c) != 0) v = v * (1.0 + bf);
      stF(raw, c, v);
      sum += v;
    }
    for (let t = fa; t < fb; t++) store<u8>(mark + <usize>ldI(fpIdx, t), 0);
    aliasBuild(raw, nC, prob, alias);
    let a = ldI(edgeOff, i) - e0, b = ldI(edgeOff, i + 1) - e0;
    for (let j = a; j < b; j++) {
      streamInit(load<u32>(edgeKeys + (<usize>j << 3)), load<u32>(edgeKeys + (<usize>j << 3) + 4));
      let c = aliasSample(prob, alias, nC);
      let co = ldI(cityOff, c);
      let nCity = ldI(cityOff, c + 1) - co;
      let city = co + aliasSample(cityProb + (<usize>co << 3), cityAlias + (<usize>co << 2), nCity);
      jitter(ldF(cityLat, city), ldF(cityLon, city), jitterKm, outLat, outLon, j);
      stI(outCountry, j, c);
      stI(outCity, j, city);
      store<u8>(mark + <usize>c, 1);
      acct(outDraws, outBlocks, j);
    }
    // catchment: every country's mass goes to the nearest country holding an edge (ties: lower index)
    let ns: i32 = 0;
    for (let c = 0; c < nC; c++) {
      stF(prob, c, 0.0);
      if (load<u8>(mark + <usize>c) != 0) {
        stI(alias, ns, c);
        ns++;
      }
    }
    for (let c = 0; c < nC; c++) {
      let best = ldI(alias, 0);
      let bestD = Infinity;
      for (let t = 0; t < ns; t++) {
        let s = ldI(alias, t);
        let dx = ldF(cU, 3 * c) - ldF(cU, 3 * s), dy = ldF(cU, 3 * c + 1) - ldF(cU, 3 * s + 1), dz = ldF(cU, 3 * c + 2) - ldF(cU, 3 * s + 2);
        let d = dx * dx + dy * dy + dz * dz;
        if (d < bestD) {
          bestD = d;
          best = s;
        }
      }
      stF(prob, best, ldF(prob, best) + ldF(raw, c));
    }
    for (let j = a; j < b; j++) stF(outPc, j, ldF(prob, ldI(outCountry, j)) / sum);
    for (let t = 0; t < ns; t++) store<u8>(mark + <usize>ldI(alias, t), 0);
  }
}

/** Jitter attempt `attempt[j]` (≥ 1) of edge j around its host city: skips the 2 choice draws and
 *  the 2·attempt earlier jitter draws of the edge's substream, then draws 2. */
export function k3bEdgeJitter(n: i32, edgeKeys: usize, attempt: usize, lat: usize, lon: usize, jitterKm: f64,
  outLat: usize, outLon: usize, outDraws: usize, outBlocks: usize): void {
  for (let j = 0; j < n; j++) {
    streamInit(load<u32>(edgeKeys + (<usize>j << 3)), load<u32>(edgeKeys + (<usize>j << 3) + 4));
    let skip = 2 + 2 * ldI(attempt, j);
    for (let s = 0; s < skip; s++) streamU01();
    jitter(ldF(lat, j), ldF(lon, j), jitterKm, outLat, outLon, j);
    acct(outDraws, outBlocks, j);
  }
}

/**
 * Edge alias slices in 2B's layout, one per merchant: u32 [n, qbits, 0, 0] q[n] alias[n], zero-padded
 * to outWord[i+1]. Weights are normalised by their index-order sum, quantised onto 2^bits (2B's
 * quantise) and encoded by 2B's integer Vose. outLeft: the quantisation Δ left (0 = exact).
 */
export function k3bEdgeAlias(n: i32, edgeOff: usize, weight: usize, outWord: usize, bits: i32, qbits: i32, out: usize, outLeft: usize): void {
  let e0 = ldI(edgeOff, 0);
  let w0 = load<u32>(outWord);
  let mx: i32 = 1;
  for (let i = 0; i < n; i++) {
    let k = ldI(edgeOff, i + 1) - ldI(edgeOff, i);
    if (k > mx) mx = k;
  }
  let p = heap.alloc(<usize>mx << 3);
  let m = heap.alloc(<usize>mx << 2);
  let r = heap.alloc(<usize>mx << 3);
  let used = heap.alloc(<usize>mx);
  let s = heap.alloc(<usize>mx << 3);
  let small = heap.alloc(<usize>mx << 2);
  let large = heap.alloc(<usize>mx << 2);
  let T: u64 = <u64>1 << <u64>bits;
  for (let i = 0; i < n; i++) {
    let a = ldI(edgeOff, i) - e0;
    let k = ldI(edgeOff, i + 1) - ldI(edgeOff, i);
    let sum = 0.0;
    for (let j = 0; j < k; j++) sum += ldF(weight, a + j);
    for (let j = 0; j < k; j++) stF(p, j, ldF(weight, a + j) / sum);
    let left = quantise(p, k, bits, m, r, used);
    for (let j = 0; j < k; j++) store<u64>(s + (<usize>j << 3), <u64>load<u32>(m + (<usize>j << 2)));
    let wa = load<u32>(outWord + (<usize>i << 2)) - w0;
    let wb = load<u32>(outWord + (<usize>(i + 1) << 2)) - w0;
    let base = out + (<usize>wa << 2);
    store<u32>(base, <u32>k);
    store<u32>(base + 4, <u32>qbits);
    store<u32>(base + 8, 0);
    store<u32>(base + 12, 0);
    voseInt(s, k, T, qbits, base + 16, base + 16 + (<usize>k << 2), small, large);
    for (let w: u32 = 4 + 2 * <u32>k; w < wb - wa; w++) store<u32>(base + (<usize>w << 2), 0);
    store<i32>(outLeft + (<usize>i << 2), <i32>left);
  }
}
