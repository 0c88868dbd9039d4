// TypeScript references of the 2B wasm kernels (assembly/seg2B/*.ts), bit for bit: same IEEE
// operation order, fmath instead of Math.log/exp/sin, the same draw order. Used by tests and by
// the S7 replay audit. KEEP IN LOCKSTEP.
import { Substream } from '../../rng/stream.js';
import { fm_exp, fm_log, fm_sin } from '../../rng/fmath.js';
import { voseIntRef, quantiseRef } from '../../laws/routing/alias.js';

const TWO_PI = 6.283185307179586;

/** Per-bucket S1 parameters, in the kernel's order. */
export interface BucketParams {
  cdf0: number;
  cdf1: number;
  alpha: [number, number, number];
  cap: number;
  minSecondary: number;
}
export const PARAM_STRIDE = 7;
export function packBuckets(b: BucketParams[]): Float64Array {
  return Float64Array.from(b.flatMap((x) => [x.cdf0, x.cdf1, ...x.alpha, x.cap, x.minSecondary]));
}

const powNeg = (x: number, e: number) => fm_exp(-e * fm_log(x));

function argmaxExcept(p: Float64Array, skip: number, used?: Uint8Array): number {
  let best = -1;
  let bv = 0;
  for (let i = 0; i < p.length; i++) {
    if (i === skip || (used && used[i])) continue;
    if (best < 0 || p[i] > bv) [best, bv] = [i, p[i]];
  }
  return best;
}

export interface SiteWeightsResult {
  p: Float64Array;
  mass: Uint32Array;
  floor: Uint8Array;
  component: number;
  flags: number;
  draws: number;
  blocks: number;
}

/** Reference of k2bSiteWeights for one merchant of ns sites. */
export function siteWeightsRef(k: [number, number], ns: number, b: BucketParams, floorValue: number, bits: number): SiteWeightsResult {
  const s0 = new Substream(k[0], k[1]);
  let flags = 0;
  const u = s0.u01();
  const comp = u < b.cdf0 ? 0 : u < b.cdf1 ? 1 : 2;
  const alpha = b.alpha[comp];
  const perm = Int32Array.from({ length: ns }, (_, i) => i);
  for (let i = ns - 1; i >= 1; i--) {
    let j = Math.floor(s0.u01() * (i + 1));
    if (j > i) j = i;
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const p = new Float64Array(ns);
  let hub = 0;
  for (let i = 0; i < ns; i++) {
    const rank1 = perm[i] + 1;
    p[i] = comp === 0 ? powNeg(rank1, Math.max(alpha, 1.0)) : comp === 1 ? powNeg(rank1, Math.max(alpha, 0.5)) : 1.0 + alpha / (rank1 + 1.0);
    if (perm[i] === 0) hub = i;
  }
  if (comp === 0) p[hub] = p[hub] + Math.max(1.0, alpha * Math.max(2, Math.trunc(ns / 2)));
  let s = 0;
  for (let i = 0; i < ns; i++) s += p[i];
  for (let i = 0; i < ns; i++) p[i] = p[i] / s;
  if (ns >= 2 && b.cap < 1.0) {
    const top = argmaxExcept(p, -1);
    if (p[top] > b.cap + 1e-15) {
      const excess = p[top] - b.cap;
      p[top] = b.cap;
      let rem = 0;
      for (let i = 0; i < ns; i++) if (i !== top) rem += p[i];
      for (let i = 0; i < ns; i++) {
        if (i === top) continue;
        if (rem <= 1e-15) p[i] = excess / (ns - 1);
        else p[i] = p[i] + (p[i] / rem) * excess;
      }
      flags |= 1;
    }
  }
  if (ns >= 2 && b.minSecondary > 0.0) {
    const first = argmaxExcept(p, -1);
    const second = argmaxExcept(p, first);
    if (p[second] + 1e-15 < b.minSecondary) {
      let need = b.minSecondary - p[second];
      const used = new Uint8Array(ns);
      while (need > 1e-12) {
        const d = argmaxExcept(p, second, used);
        if (d < 0) break;
        used[d] = 1;
        const avail = Math.max(p[d] - 1e-12, 0.0);
        if (avail <= 0) continue;
        const t = Math.min(avail, need);
        p[d] = p[d] - t;
        p[second] = p[second] + t;
        need -= t;
      }
      flags |= need > 1e-9 ? 6 : 2;
    }
  }
  s = 0;
  for (let i = 0; i < ns; i++) {
    if (p[i] < 0) p[i] = 0;
    s += p[i];
  }
  for (let i = 0; i < ns; i++) p[i] = p[i] / s;
  const floor = new Uint8Array(ns);
  if (floorValue > 0) {
    s = 0;
    for (let i = 0; i < ns; i++) {
      if (p[i] < floorValue) {
        p[i] = floorValue;
        floor[i] = 1;
      }
      s += p[i];
    }
    for (let i = 0; i < ns; i++) p[i] = p[i] / s;
  }
  const q = quantiseRef(p, bits);
  if (q.left !== 0) flags |= 8;
  return { p, mass: q.m, floor, component: comp, flags, draws: s0.draws, blocks: s0.blocks };
}

/** Words of one merchant slice before padding (header + tables + group section). */
export function sliceWords(n: number, G: number): number {
  return 4 + 2 * n + (G > 0 ? G + 1 + 3 * n : 0);
}

/** Reference of k2bAliasEncode for one merchant: the unpadded slice words and the status bits. */
export function aliasEncodeRef(
  mass: ArrayLike<number>,
  siteGroup: ArrayLike<number>,
  G: number,
  bits: number,
  qbits: number,
): { words: Uint32Array; status: number } {
  const n = mass.length;
  const words = new Uint32Array(sliceWords(n, G));
  let status = 0;
  words.set([n, qbits, G, 0]);
  let T = 0;
  for (let i = 0; i < n; i++) T += mass[i];
  if (T !== 2 ** bits) status |= 1;
  let ms: ArrayLike<number> = mass;
  if (T === 0) {
    ms = new Array(n).fill(1);
    T = n;
  }
  const mt = voseIntRef(ms, T, qbits);
  words.set(mt.q, 4);
  words.set(mt.alias, 4 + n);
  if (G > 0) {
    const gs = 4 + 2 * n;
    const perm = gs + G + 1;
    const gq = perm + n;
    const ga = gq + n;
    const cur = new Int32Array(G + 1);
    for (let k = 0; k < n; k++) cur[siteGroup[k] + 1]++;
    for (let g = 0; g < G; g++) cur[g + 1] += cur[g];
    for (let g = 0; g <= G; g++) words[gs + g] = cur[g];
    for (let k = 0; k < n; k++) words[perm + cur[siteGroup[k]]++] = k;
    for (let g = 0; g < G; g++) {
      const a = words[gs + g];
      const ng = words[gs + g + 1] - a;
      if (ng <= 0) continue;
      let gm = Array.from({ length: ng }, (_, k) => mass[words[perm + a + k]]);
      let Tg = gm.reduce((x, y) => x + y, 0);
      if (Tg === 0) {
        gm = gm.map(() => 1);
        Tg = ng;
        status |= 2;
      }
      const t = voseIntRef(gm, Tg, qbits);
      words.set(t.q, gq + a);
      words.set(t.alias, ga + a);
    }
  }
  return { words, status };
}

// Acklam's inverse normal CDF, same constants and operation order as assembly/seg2B/kernels.ts.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

export function normIcdfRef(u: number): number {
  if (u < P_LOW) {
    const q = Math.sqrt(-2.0 * fm_log(u));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
  }
  if (u > 1.0 - P_LOW) {
    const q = Math.sqrt(-2.0 * fm_log(1.0 - u));
    return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
  }
  const q = u - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0);
}

/** Scalars of k2bDayEffects, packed in the kernel's order. */
export interface DayParams {
  profile: boolean;
  sigma: number;
  jitter: number;
  sigmaMin: number;
  sigmaMax: number;
  clipMin: number;
  clipMax: number;
  regulariser: boolean;
  regGe: number;
  regStrength: number;
  regCap: number;
  regEntropy: number;
}
export function packDayParams(p: DayParams): Float64Array {
  return Float64Array.from([
    p.profile ? 1 : 0,
    p.sigma,
    p.jitter,
    p.sigmaMin,
    p.sigmaMax,
    p.clipMin,
    p.clipMax,
    p.regulariser ? 1 : 0,
    p.regGe,
    p.regStrength,
    p.regCap,
    p.regEntropy,
  ]);
}

function blend(p: Float64Array, lam: number): void {
  const off = lam * (1.0 / p.length);
  const sc = 1.0 - lam;
  for (let g = 0; g < p.length; g++) p[g] = sc * p[g] + off;
}
function entropy(p: Float64Array): number {
  let h = 0;
  for (let g = 0; g < p.length; g++) if (p[g] > 0) h -= p[g] * fm_log(p[g]);
  return h;
}

/** Reference of the S4 group-mix regulariser (in place). */
export function regulariseRef(p: Float64Array, prm: DayParams): void {
  const n = p.length;
  const strength = Math.min(Math.max(prm.regStrength, 0), 1);
  if (strength > 0) blend(p, strength);
  const uni = 1.0 / n;
  const cap = Math.min(Math.max(prm.regCap, 0), 1);
  let mx = 0;
  for (let g = 0; g < n; g++) mx = Math.max(mx, p[g]);
  if (cap < 1.0 && mx > cap + 1e-12 && mx > uni + 1e-12) {
    let lam = Math.min(Math.max((mx - cap) / (mx - uni), 0), 1);
    if (lam >= 1.0) lam = 1.0 - 1e-9;
    blend(p, lam);
  }
  const hf = prm.regEntropy;
  if (hf > 0) {
    const h = entropy(p);
    if (hf > h + 1e-12) {
      let lam: number;
      if (hf >= fm_log(n) - 1e-12) lam = 1.0 - 1e-9;
      else {
        let lo = 0;
        let hi = 1;
        const tmp = new Float64Array(n);
        for (let it = 0; it < 36; it++) {
          const mid = (lo + hi) / 2.0;
          tmp.set(p);
          blend(tmp, mid);
          if (entropy(tmp) + 1e-12 < hf) lo = mid;
          else hi = mid;
        }
        lam = hi;
      }
      blend(p, lam);
    }
  }
  let s = 0;
  for (let g = 0; g < n; g++) s += p[g];
  for (let g = 0; g < n; g++) p[g] = p[g] / s;
}

export interface DayEffectsResult {
  sigma: Float64Array; // per group
  jitter: number;
  phase: number;
  gamma: Float64Array; // per day row (d*G + g)
  logGamma: Float64Array;
  pGroup: Float64Array;
  massRaw: Float64Array;
  denom: Float64Array;
  clipped: number;
  draws: number;
  blocks: number;
  profileDraws: number;
  profileBlocks: number;
}

/** Reference of k2bDayEffects for one merchant (G groups, nDays days). */
export function dayEffectsRef(
  dayKey: [number, number],
  profKey: [number, number],
  baseShare: ArrayLike<number>,
  tzMult: ArrayLike<number>,
  sigmaBase: number,
  weeklyAmp: number,
  nDays: number,
  dow0: number,
  prm: DayParams,
): DayEffectsResult {
  const G = baseShare.length;
  let jitter = 1.0;
  let phase = 0.0;
  let wamp = 0.0;
  let profileDraws = 0;
  let profileBlocks = 0;
  if (prm.profile) {
    const ps = new Substream(profKey[0], profKey[1]);
    jitter = 1.0 + prm.jitter * (2.0 * ps.u01() - 1.0);
    phase = TWO_PI * ps.u01();
    wamp = weeklyAmp;
    profileDraws = ps.draws;
    profileBlocks = ps.blocks;
  }
  const sigma = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    sigma[g] = prm.profile ? Math.min(Math.max(sigmaBase * tzMult[g] * jitter, prm.sigmaMin), prm.sigmaMax) : prm.sigma;
  }
  const ds = new Substream(dayKey[0], dayKey[1]);
  const rows = nDays * G;
  const gamma = new Float64Array(rows),
    logGamma = new Float64Array(rows),
    pGroup = new Float64Array(rows),
    massRaw = new Float64Array(rows),
    denomA = new Float64Array(rows);
  let clipped = 0;
  for (let d = 0; d < nDays; d++) {
    const row = d * G;
    let weekly = 0.0;
    if (prm.profile && wamp > 0.0) weekly = wamp * fm_sin((TWO_PI * ((dow0 + d) % 7)) / 7.0 + phase);
    let denom = 0.0;
    for (let g = 0; g < G; g++) {
      const sg = sigma[g];
      const z = normIcdfRef(ds.u01());
      let lg = -0.5 * sg * sg + sg * z + weekly;
      let gm = fm_exp(lg);
      if (prm.profile) {
        const c = Math.min(Math.max(gm, prm.clipMin), prm.clipMax);
        if (c !== gm) {
          gm = c;
          lg = fm_log(c);
          clipped++;
        }
      }
      const mr = baseShare[g] * gm;
      gamma[row + g] = gm;
      logGamma[row + g] = lg;
      massRaw[row + g] = mr;
      denom += mr;
    }
    for (let g = 0; g < G; g++) {
      denomA[row + g] = denom;
      pGroup[row + g] = massRaw[row + g] / denom;
    }
    if (prm.regulariser && G >= prm.regGe) {
      const v = pGroup.subarray(row, row + G);
      regulariseRef(v, prm);
    }
  }
  return { sigma, jitter, phase, gamma, logGamma, pGroup, massRaw, denom: denomA, clipped, draws: ds.draws, blocks: ds.blocks, profileDraws, profileBlocks };
}

/** Reference of k2bGroupAlias for one block (k rows): masses on 2^bits and the table words q[k] then alias[k]. */
export function groupAliasRef(p: ArrayLike<number>, bits: number, qbits: number): { mass: Uint32Array; tab: Uint32Array; status: number } {
  const qz = quantiseRef(p, bits);
  const t = voseIntRef(qz.m, 2 ** bits, qbits);
  const tab = new Uint32Array(2 * p.length);
  tab.set(t.q, 0);
  tab.set(t.alias, p.length);
  return { mass: qz.m, tab, status: qz.left !== 0 ? 1 : 0 };
}
