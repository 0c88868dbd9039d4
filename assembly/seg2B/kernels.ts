// Segment 2B per-merchant kernels: S1 site weights, S2 alias slices, S3 day effects + S4 group
// mix, and the per-(merchant, day) group alias tables the router decodes. Mirrors
// src/segments/2B/kernels_ref.ts bit for bit. KEEP IN LOCKSTEP.
// Layout: keys are u32 pairs [k0,k1] per merchant; offsets are shard-local (first entry 0);
// draws/blocks are u32 per merchant.

import { streamInit, streamU01, streamDraws, streamBlocks } from "../rng/stream";
import { fm_log, fm_exp, fm_sin } from "../math/fmath";
import { voseInt, quantise } from "./alias";

export * from "./router";

const TWO_PI: f64 = 6.283185307179586;

@inline function key0(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3)); }
@inline function key1(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3) + 4); }
@inline function ldI(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function ldU(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
@inline function ldF(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stF(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function stI(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function stU(p: usize, i: i32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }
@inline function acct(drawsPtr: usize, blocksPtr: usize, i: i32): void {
  store<u32>(drawsPtr + (<usize>i << 2), <u32>streamDraws());
  store<u32>(blocksPtr + (<usize>i << 2), <u32>streamBlocks());
}

function maxRun(off: usize, n: i32): i32 {
  let mx: i32 = 1;
  for (let i = 0; i < n; i++) {
    let k = ldI(off, i + 1) - ldI(off, i);
    if (k > mx) mx = k;
  }
  return mx;
}

// Per-bucket parameter row of k2bSiteWeights (f64 each).
const P_CDF0: i32 = 0; // P(hub_spoke)
const P_CDF1: i32 = 1; // P(hub_spoke) + P(heavy_tail)
const P_A0: i32 = 2; // alpha hub_spoke
const P_A1: i32 = 3; // alpha heavy_tail
const P_A2: i32 = 4; // alpha near_uniform
const P_CAP: i32 = 5; // top-1 soft cap
const P_SEC: i32 = 6; // min secondary mass
const P_STRIDE: i32 = 7;

@inline function powNeg(x: f64, e: f64): f64 { return fm_exp(-e * fm_log(x)); }

/** Index of the largest p among [0, n) except `skip` and those flagged in `used`; ties → lower index. */
function argmaxExcept(p: usize, n: i32, skip: i32, used: usize): i32 {
  let best: i32 = -1;
  let bv: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    if (i == skip || (used != 0 && load<u8>(used + <usize>i) != 0)) continue;
    let v = ldF(p, i);
    if (best < 0 || v > bv) { best = i; bv = v; }
  }
  return best;
}

/**
 * S1 per-merchant site weights (profile mixture). Per merchant with n sites:
 *   u → component (hub_spoke | heavy_tail | near_uniform) by the bucket's mixture CDF (1 draw);
 *   Fisher–Yates rank permutation, i = n-1..1: j = floor(u*(i+1)) (n-1 draws);
 *   raw_i from rank_i+1 by component; p = raw/Σraw; top-1 soft cap (excess spread pro rata);
 *   second site lifted to min_secondary_mass from the largest donors; p clipped ≥ 0, renormalised;
 *   absolute floor (floorValue > 0), renormalised; quantised onto 2^bits.
 * Draws: exactly n. outFlags bit0 cap applied, bit1 secondary lift, bit2 secondary infeasible,
 * bit3 quantisation failed.
 */
export function k2bSiteWeights(n: i32, keys: usize, siteOff: usize, bucket: usize, params: usize, floorValue: f64, bits: i32,
  outP: usize, outMass: usize, outFloor: usize, outComp: usize, outFlags: usize, outDraws: usize, outBlocks: usize): void {
  let mx = maxRun(siteOff, n);
  let perm = heap.alloc(<usize>mx << 2);
  let used = heap.alloc(<usize>mx);
  let r = heap.alloc(<usize>mx << 3);
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let lo = ldI(siteOff, i) - ldI(siteOff, 0);
    let ns = ldI(siteOff, i + 1) - ldI(siteOff, i);
    let pr = params + (<usize>(ldI(bucket, i) * P_STRIDE) << 3);
    let p = outP + (<usize>lo << 3);
    let flags: i32 = 0;
    let u = streamU01();
    let comp: i32 = u < ldF(pr, P_CDF0) ? 0 : u < ldF(pr, P_CDF1) ? 1 : 2;
    let alpha = ldF(pr, P_A0 + comp);
    for (let k = 0; k < ns; k++) stI(perm, k, k);
    for (let k = ns - 1; k >= 1; k--) {
      let j = <i32>Math.floor(streamU01() * <f64>(k + 1));
      if (j > k) j = k;
      let t = ldI(perm, k);
      stI(perm, k, ldI(perm, j));
      stI(perm, j, t);
    }
    // raw weights by rank
    let hub: i32 = 0;
    for (let k = 0; k < ns; k++) {
      let rank1 = <f64>(ldI(perm, k) + 1);
      let w: f64;
      if (comp == 0) w = powNeg(rank1, max(alpha, 1.0));
      else if (comp == 1) w = powNeg(rank1, max(alpha, 0.5));
      else w = 1.0 + alpha / (rank1 + 1.0);
      if (ldI(perm, k) == 0) hub = k;
      stF(p, k, w);
    }
    if (comp == 0) stF(p, hub, ldF(p, hub) + max(1.0, alpha * <f64>max(2, ns / 2)));
    let s = 0.0;
    for (let k = 0; k < ns; k++) s += ldF(p, k);
    for (let k = 0; k < ns; k++) stF(p, k, ldF(p, k) / s);
    // top-1 soft cap
    let cap = ldF(pr, P_CAP);
    if (ns >= 2 && cap < 1.0) {
      let top = argmaxExcept(p, ns, -1, 0);
      if (ldF(p, top) > cap + 1e-15) {
        let excess = ldF(p, top) - cap;
        stF(p, top, cap);
        let rem = 0.0;
        for (let k = 0; k < ns; k++) if (k != top) rem += ldF(p, k);
        for (let k = 0; k < ns; k++) {
          if (k == top) continue;
          if (rem <= 1e-15) stF(p, k, excess / <f64>(ns - 1));
          else stF(p, k, ldF(p, k) + ldF(p, k) / rem * excess);
        }
        flags |= 1;
      }
    }
    // minimum mass of the second site, taken from the largest donors first
    let sec = ldF(pr, P_SEC);
    if (ns >= 2 && sec > 0.0) {
      let first = argmaxExcept(p, ns, -1, 0);
      let second = argmaxExcept(p, ns, first, 0);
      if (ldF(p, second) + 1e-15 < sec) {
        let need = sec - ldF(p, second);
        for (let k = 0; k < ns; k++) store<u8>(used + <usize>k, 0);
        while (need > 1e-12) {
          let d = argmaxExcept(p, ns, second, used);
          if (d < 0) break;
          store<u8>(used + <usize>d, 1);
          let avail = max(ldF(p, d) - 1e-12, 0.0);
          if (avail <= 0.0) continue;
          let t = min(avail, need);
          stF(p, d, ldF(p, d) - t);
          stF(p, second, ldF(p, second) + t);
          need -= t;
        }
        flags |= need > 1e-9 ? 6 : 2;
      }
    }
    s = 0.0;
    for (let k = 0; k < ns; k++) {
      if (ldF(p, k) < 0.0) stF(p, k, 0.0);
      s += ldF(p, k);
    }
    for (let k = 0; k < ns; k++) stF(p, k, ldF(p, k) / s);
    // absolute floor
    let fl = outFloor + <usize>lo;
    for (let k = 0; k < ns; k++) store<u8>(fl + <usize>k, 0);
    if (floorValue > 0.0) {
      s = 0.0;
      for (let k = 0; k < ns; k++) {
        if (ldF(p, k) < floorValue) { stF(p, k, floorValue); store<u8>(fl + <usize>k, 1); }
        s += ldF(p, k);
      }
      for (let k = 0; k < ns; k++) stF(p, k, ldF(p, k) / s);
    }
    if (quantise(p, ns, bits, outMass + (<usize>lo << 2), r, used) != 0) flags |= 8;
    stI(outComp, i, comp);
    stI(outFlags, i, flags);
    acct(outDraws, outBlocks, i);
  }
}

/**
 * S2 merchant alias slices (words are u32, little-endian in the blob). Per merchant with n sites
 * and G tz-groups, starting at word outWord[i] (shard-local):
 *   [0] n  [1] qbits  [2] G  [3] 0
 *   q[n], alias[n]                  merchant-wide table over masses (total 2^bits)
 *   start[G+1]                      group g owns perm positions [start[g], start[g+1])
 *   perm[n]                         site indices ordered by (group, site index)
 *   gq[n], galias[n]                per-group tables at the group's perm positions (group-local aliases)
 *   zero padding up to outWord[i+1].
 * A group whose masses are all 0 gets a uniform table (outStatus bit1). outStatus bit0: merchant
 * masses do not total 2^bits.
 */
export function k2bAliasEncode(n: i32, siteOff: usize, mass: usize, siteGroup: usize, nGroups: usize, outWord: usize,
  bits: i32, qbits: i32, out: usize, outStatus: usize): void {
  let mx = maxRun(siteOff, n);
  let s = heap.alloc(<usize>mx << 3);
  let small = heap.alloc(<usize>mx << 2);
  let large = heap.alloc(<usize>mx << 2);
  let mxG: i32 = 1;
  for (let i = 0; i < n; i++) if (ldI(nGroups, i) > mxG) mxG = ldI(nGroups, i);
  let cur = heap.alloc(<usize>(mxG + 1) << 2);
  for (let i = 0; i < n; i++) {
    let lo = ldI(siteOff, i) - ldI(siteOff, 0);
    let ns = ldI(siteOff, i + 1) - ldI(siteOff, i);
    let G = ldI(nGroups, i);
    let w0 = ldU(outWord, i) - ldU(outWord, 0);
    let w1 = ldU(outWord, i + 1) - ldU(outWord, 0);
    let base = out + (<usize>w0 << 2);
    let status: i32 = 0;
    stU(base, 0, <u32>ns);
    stU(base, 1, <u32>qbits);
    stU(base, 2, <u32>G);
    stU(base, 3, 0);
    let T: u64 = 0;
    for (let k = 0; k < ns; k++) {
      let m = <u64>ldU(mass, lo + k);
      store<u64>(s + (<usize>k << 3), m);
      T += m;
    }
    if (T != (<u64>1 << <u64>bits)) status |= 1;
    if (T == 0) {
      for (let k = 0; k < ns; k++) store<u64>(s + (<usize>k << 3), 1);
      T = <u64>ns;
    }
    voseInt(s, ns, T, qbits, base + 16, base + 16 + (<usize>ns << 2), small, large);
    let used: u32 = 4 + 2 * <u32>ns;
    if (G > 0) {
      let gs = base + (<usize>(4 + 2 * ns) << 2);
      let perm = gs + (<usize>(G + 1) << 2);
      let gq = perm + (<usize>ns << 2);
      let ga = gq + (<usize>ns << 2);
      for (let g = 0; g <= G; g++) stI(cur, g, 0);
      for (let k = 0; k < ns; k++) {
        let g = ldI(siteGroup, lo + k);
        stI(cur, g + 1, ldI(cur, g + 1) + 1);
      }
      for (let g = 0; g < G; g++) stI(cur, g + 1, ldI(cur, g + 1) + ldI(cur, g));
      for (let g = 0; g <= G; g++) stU(gs, g, <u32>ldI(cur, g));
      for (let k = 0; k < ns; k++) {
        let g = ldI(siteGroup, lo + k);
        let at = ldI(cur, g);
        stU(perm, at, <u32>k);
        stI(cur, g, at + 1);
      }
      for (let g = 0; g < G; g++) {
        let a = <i32>ldU(gs, g);
        let b = <i32>ldU(gs, g + 1);
        let ng = b - a;
        if (ng <= 0) continue;
        let Tg: u64 = 0;
        for (let k = 0; k < ng; k++) {
          let m = <u64>ldU(mass, lo + <i32>ldU(perm, a + k));
          store<u64>(s + (<usize>k << 3), m);
          Tg += m;
        }
        if (Tg == 0) {
          for (let k = 0; k < ng; k++) store<u64>(s + (<usize>k << 3), 1);
          Tg = <u64>ng;
          status |= 2;
        }
        voseInt(s, ng, Tg, qbits, gq + (<usize>a << 2), ga + (<usize>a << 2), small, large);
      }
      used += <u32>(G + 1) + 3 * <u32>ns;
    }
    for (let k = used; k < w1 - w0; k++) stU(base, <i32>k, 0);
    stI(outStatus, i, status);
  }
}

// Acklam's rational approximation of the standard normal inverse CDF (relative error < 1.15e-9).
const A0: f64 = -3.969683028665376e+01; const A1: f64 = 2.209460984245205e+02; const A2: f64 = -2.759285104469687e+02;
const A3: f64 = 1.383577518672690e+02; const A4: f64 = -3.066479806614716e+01; const A5: f64 = 2.506628277459239e+00;
const B0: f64 = -5.447609879822406e+01; const B1: f64 = 1.615858368580409e+02; const B2: f64 = -1.556989798598866e+02;
const B3: f64 = 6.680131188771972e+01; const B4: f64 = -1.328068155288572e+01;
const C0: f64 = -7.784894002430293e-03; const C1: f64 = -3.223964580411365e-01; const C2: f64 = -2.400758277161838e+00;
const C3: f64 = -2.549732539343734e+00; const C4: f64 = 4.374664141464968e+00; const C5: f64 = 2.938163982698783e+00;
const D0: f64 = 7.784695709041462e-03; const D1: f64 = 3.224671290700398e-01; const D2: f64 = 2.445134137142996e+00;
const D3: f64 = 3.754408661907416e+00;
const P_LOW: f64 = 0.02425;

/** Standard normal quantile of u in (0,1) (Acklam). No draws. */
export function normIcdf(u: f64): f64 {
  if (u < P_LOW) {
    let q = Math.sqrt(-2.0 * fm_log(u));
    return (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1.0);
  }
  if (u > 1.0 - P_LOW) {
    let q = Math.sqrt(-2.0 * fm_log(1.0 - u));
    return -(((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1.0);
  }
  let q = u - 0.5;
  let r = q * q;
  return (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q / (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1.0);
}

// Scalar parameters of k2bDayEffects, packed in an f64 array.
const S_PROFILE: i32 = 0; // 1 = per-merchant sigma profile (jitter, weekly component, clip)
const S_SIGMA: i32 = 1; // scalar sigma when the profile is off
const S_JITTER: i32 = 2; // jitter amplitude
const S_SMIN: i32 = 3;
const S_SMAX: i32 = 4;
const S_CMIN: i32 = 5; // gamma clip
const S_CMAX: i32 = 6;
const S_REG: i32 = 7; // 1 = group-mix regulariser on
const S_REG_GE: i32 = 8; // apply when groups >= this
const S_REG_STRENGTH: i32 = 9;
const S_REG_CAP: i32 = 10;
const S_REG_ENTROPY: i32 = 11;

@inline function blend(p: usize, n: i32, lam: f64): void {
  let off = lam * (1.0 / <f64>n);
  let sc = 1.0 - lam;
  for (let g = 0; g < n; g++) stF(p, g, sc * ldF(p, g) + off);
}

function entropy(p: usize, n: i32): f64 {
  let h = 0.0;
  for (let g = 0; g < n; g++) {
    let v = ldF(p, g);
    if (v > 0.0) h -= v * fm_log(v);
  }
  return h;
}

/** The S4 group-mix regulariser (blend toward uniform: strength, then soft cap, then entropy floor). */
function regularise(p: usize, n: i32, prm: usize, tmp: usize): void {
  let strength = min(max(ldF(prm, S_REG_STRENGTH), 0.0), 1.0);
  if (strength > 0.0) blend(p, n, strength);
  let uni = 1.0 / <f64>n;
  let cap = min(max(ldF(prm, S_REG_CAP), 0.0), 1.0);
  let mx = 0.0;
  for (let g = 0; g < n; g++) mx = max(mx, ldF(p, g));
  if (cap < 1.0 && mx > cap + 1e-12 && mx > uni + 1e-12) {
    let lam = min(max((mx - cap) / (mx - uni), 0.0), 1.0);
    if (lam >= 1.0) lam = 1.0 - 1e-9;
    blend(p, n, lam);
  }
  let hf = ldF(prm, S_REG_ENTROPY);
  if (hf > 0.0) {
    let h = entropy(p, n);
    let lam = 0.0;
    if (hf > h + 1e-12) {
      if (hf >= fm_log(<f64>n) - 1e-12) lam = 1.0 - 1e-9;
      else {
        let lo = 0.0;
        let hi = 1.0;
        for (let it = 0; it < 36; it++) {
          let mid = (lo + hi) / 2.0;
          for (let g = 0; g < n; g++) stF(tmp, g, ldF(p, g));
          blend(tmp, n, mid);
          if (entropy(tmp, n) + 1e-12 < hf) lo = mid;
          else hi = mid;
        }
        lam = hi;
      }
      blend(p, n, lam);
    }
  }
  let s = 0.0;
  for (let g = 0; g < n; g++) s += ldF(p, g);
  for (let g = 0; g < n; g++) stF(p, g, ldF(p, g) / s);
}

/**
 * S3 day effects and S4 group mix for merchants [0, n). Merchant i owns group rows
 * [groupOff[i], groupOff[i+1]) (tz groups in tzid order) and day rows
 * nDays*groupOff[i] + d*G + g for day d (ascending) and group g.
 * Profile substream (only when the profile is on): u_jitter, u_phase (2 draws);
 *   sigma_g = clamp(sigmaBase[i] * tzMult[g] * (1 + jitter*(2u_jitter - 1)), smin, smax),
 *   weekly_d = weeklyAmp[i] * sin(2π*((dow0 + d) mod 7)/7 + 2π u_phase).
 * Day substream: one u01 per row in row order; z = Φ⁻¹(u);
 *   log γ = -σ²/2 + σz + weekly_d, γ = exp(log γ) (clipped, log recomputed, when the profile is on);
 *   mass_raw = base_share * γ, denom = Σ_g mass_raw, p_group = mass_raw/denom (regularised if on).
 * Draws: day substream exactly nDays*G; profile substream 2 (or 0).
 */
export function k2bDayEffects(n: i32, dayKeys: usize, profKeys: usize, groupOff: usize, baseShare: usize, tzMult: usize,
  sigmaBase: usize, weeklyAmp: usize, nDays: i32, dow0: i32, prm: usize,
  outGamma: usize, outLogGamma: usize, outPGroup: usize, outMassRaw: usize, outDenom: usize, outSigma: usize,
  outJitter: usize, outPhase: usize, outClipped: usize, outDraws: usize, outBlocks: usize, outPDraws: usize, outPBlocks: usize): void {
  let mxG = maxRun(groupOff, n);
  let tmp = heap.alloc(<usize>mxG << 3);
  let profile = ldF(prm, S_PROFILE) != 0.0;
  let reg = ldF(prm, S_REG) != 0.0;
  let regGe = <i32>ldF(prm, S_REG_GE);
  let g0 = ldI(groupOff, 0);
  for (let i = 0; i < n; i++) {
    let ga = ldI(groupOff, i) - g0;
    let G = ldI(groupOff, i + 1) - ldI(groupOff, i);
    let jitter = 1.0;
    let phase = 0.0;
    let wamp = 0.0;
    if (profile) {
      streamInit(key0(profKeys, i), key1(profKeys, i));
      jitter = 1.0 + ldF(prm, S_JITTER) * (2.0 * streamU01() - 1.0);
      phase = TWO_PI * streamU01();
      wamp = ldF(weeklyAmp, i);
    } else {
      streamInit(0, 0); // no profile draws: reset the accounting so this merchant reports 0
    }
    stF(outJitter, i, jitter);
    stF(outPhase, i, phase);
    acct(outPDraws, outPBlocks, i);
    for (let g = 0; g < G; g++) {
      let sg: f64;
      if (profile) sg = min(max(ldF(sigmaBase, i) * ldF(tzMult, ga + g) * jitter, ldF(prm, S_SMIN)), ldF(prm, S_SMAX));
      else sg = ldF(prm, S_SIGMA);
      stF(outSigma, ga + g, sg);
    }
    streamInit(key0(dayKeys, i), key1(dayKeys, i));
    let clipped: i32 = 0;
    for (let d = 0; d < nDays; d++) {
      let row = nDays * ga + d * G;
      let weekly = 0.0;
      if (profile && wamp > 0.0) weekly = wamp * fm_sin(TWO_PI * <f64>((dow0 + d) % 7) / 7.0 + phase);
      let denom = 0.0;
      for (let g = 0; g < G; g++) {
        let sg = ldF(outSigma, ga + g);
        let z = normIcdf(streamU01());
        let lg = -0.5 * sg * sg + sg * z + weekly;
        let gm = fm_exp(lg);
        if (profile) {
          let c = min(max(gm, ldF(prm, S_CMIN)), ldF(prm, S_CMAX));
          if (c != gm) { gm = c; lg = fm_log(c); clipped++; }
        }
        let mr = ldF(baseShare, ga + g) * gm;
        stF(outGamma, row + g, gm);
        stF(outLogGamma, row + g, lg);
        stF(outMassRaw, row + g, mr);
        denom += mr;
      }
      let pg = outPGroup + (<usize>row << 3);
      for (let g = 0; g < G; g++) {
        stF(outDenom, row + g, denom);
        stF(pg, g, ldF(outMassRaw, row + g) / denom);
      }
      if (reg && G >= regGe) regularise(pg, G, prm, tmp);
    }
    stI(outClipped, i, clipped);
    acct(outDraws, outBlocks, i);
  }
}

/**
 * Per-(merchant, day) group alias tables in the router's layout: block b owns rows
 * [blockOff[b], blockOff[b+1]) of p (one day's p_group in tz-group order, k rows) and writes
 * q[k] then alias[k] at words 2*blockOff[b] of outTab (offsets shard-local after subtracting
 * blockOff[0]). Each block is quantised onto 2^bits and built with integer Vose (total 2^bits),
 * so decoded group probabilities are exactly mass/2^bits. outStatus[b] = 1 when quantisation failed.
 */
export function k2bGroupAlias(nBlocks: i32, blockOff: usize, p: usize, bits: i32, qbits: i32, outTab: usize, outStatus: usize): void {
  let mx = maxRun(blockOff, nBlocks);
  let s = heap.alloc(<usize>mx << 3);
  let small = heap.alloc(<usize>mx << 2);
  let large = heap.alloc(<usize>mx << 2);
  let r = heap.alloc(<usize>mx << 3);
  let used = heap.alloc(<usize>mx);
  let m = heap.alloc(<usize>mx << 2);
  let o0 = ldI(blockOff, 0);
  for (let b = 0; b < nBlocks; b++) {
    let lo = ldI(blockOff, b) - o0;
    let k = ldI(blockOff, b + 1) - o0 - lo;
    let st: i32 = 0;
    if (quantise(p + (<usize>lo << 3), k, bits, m, r, used) != 0) st = 1;
    for (let j = 0; j < k; j++) store<u64>(s + (<usize>j << 3), <u64>ldU(m, j));
    let t = outTab + (<usize>(2 * lo) << 2);
    voseInt(s, k, <u64>1 << <u64>bits, qbits, t, t + (<usize>k << 2), small, large);
    stI(outStatus, b, st);
  }
}
