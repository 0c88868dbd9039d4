// Distributions over a Substream: the TypeScript reference of assembly/rng/dist.ts.
//
// Every function documents its draw consumption (u01 lanes), because a family's draw
// order is part of the RNG law (SPEC §5): a shard must replay any substream alone.
// Bit-identical to the wasm kernels (same IEEE operation order, fmath not Math.log/exp/cos).
// KEEP IN LOCKSTEP WITH assembly/rng/dist.ts. Name map: normal = rngNormal, lognormal =
// rngLognormal, gumbel = rngGumbel, gamma = rngGamma, poisson = rngPoisson, ztp = rngZtp,
// nb2 = rngNb2, dirichlet = rngDirichlet.

import { Substream } from './stream.js';
import { fm_log, fm_exp, fm_cos, fm_lgamma } from './fmath.js';

const TWO_PI = 6.283185307179586;
const ONE_THIRD = 0.3333333333333333;
const PTRS_MIN_LAMBDA = 10.0; // inversion below, PTRS at and above

/** Standard normal by Box–Muller, cosine branch only (no caching of the sine twin).
 *  Draws: exactly 2 (u1 for the radius, then u2 for the angle). */
export function normal(s: Substream): number {
  const u1 = s.u01();
  const u2 = s.u01();
  return Math.sqrt(-2.0 * fm_log(u1)) * fm_cos(TWO_PI * u2);
}

/** exp(mu + sigma * Z), Z = normal(s). Draws: exactly 2. */
export function lognormal(s: Substream, mu: number, sigma: number): number {
  return fm_exp(mu + sigma * normal(s));
}

/** Gumbel(0,1) key = -ln(-ln u) (Gumbel-max sampling: argmax of ln w_i + key_i). Draws: exactly 1. */
export function gumbel(s: Substream): number {
  return -fm_log(-fm_log(s.u01()));
}

/** Marsaglia–Tsang for a >= 1. Each attempt: a normal (2 draws; redrawn, +2, while
 *  v <= 0), then 1 uniform. Draws: 3 per attempt plus 2 per v <= 0 redraw; variable. */
function gammaMT(s: Substream, a: number): number {
  const d = a - ONE_THIRD;
  const c = 1.0 / Math.sqrt(9.0 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const u = s.u01();
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v; // squeeze
    if (fm_log(u) < 0.5 * x2 + d * (1.0 - v + fm_log(v))) return d * v;
  }
}

/** Gamma(shape a, scale 1). a >= 1: Marsaglia–Tsang. 0 < a < 1: gamma(a+1) * u^(1/a) with
 *  the extra u drawn AFTER the gamma(a+1) draws. a <= 0 or NaN: NaN, no draws.
 *  Draws: gammaMT's (variable), +1 when a < 1. u^(1/a) may underflow to 0 for tiny a. */
export function gamma(s: Substream, a: number): number {
  if (!(a > 0.0)) return NaN;
  if (a >= 1.0) return gammaMT(s, a);
  const g = gammaMT(s, a + 1.0);
  const u = s.u01();
  return g * fm_exp(fm_log(u) / a);
}

// Per-lambda constants, cached because callers usually draw many times at one lambda.
// The cache only skips recomputation; the values (and so the draws) are identical.
let invLam = NaN;
let invExpNeg = 0.0;
let ptLam = NaN;
let ptSlam = 0.0;
let ptLogLam = 0.0;
let ptB = 0.0;
let ptA = 0.0;
let ptLogInvAlpha = 0.0;
let ptVr = 0.0;

/** Poisson by sequential inversion from k = 0. Draws: exactly 1. */
function poissonInversion(s: Substream, lambda: number): number {
  if (lambda !== invLam) {
    invLam = lambda;
    invExpNeg = fm_exp(-lambda);
  }
  let p = invExpNeg;
  let F = p;
  const u = s.u01();
  let k = 0;
  while (u > F) {
    k++;
    p = (p * lambda) / k;
    if (p === 0.0) break; // F stalled below u by rounding (u within ~1e-16 of 1): stop
    F += p;
  }
  return k;
}

/** Hörmann (1993) PTRS, transformed rejection with squeeze. Each attempt draws
 *  U then V (2 draws); variable number of attempts (acceptance ~ 0.9+). */
function poissonPTRS(s: Substream, lambda: number): number {
  if (lambda !== ptLam) {
    ptLam = lambda;
    ptSlam = Math.sqrt(lambda);
    ptLogLam = fm_log(lambda);
    ptB = 0.931 + 2.53 * ptSlam;
    ptA = -0.059 + 0.02483 * ptB;
    ptLogInvAlpha = fm_log(1.1239 + 1.1328 / (ptB - 3.4));
    ptVr = 0.9277 - 3.6224 / (ptB - 2.0);
  }
  const a = ptA;
  const b = ptB;
  for (;;) {
    const U = s.u01() - 0.5;
    const V = s.u01();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2.0 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= ptVr) return k; // immediate acceptance region
    if (k < 0.0 || (us < 0.013 && V > us)) continue;
    if (fm_log(V) + ptLogInvAlpha - fm_log(a / (us * us) + b) <= -lambda + k * ptLogLam - fm_lgamma(k + 1.0)) {
      return k;
    }
  }
}

/** Poisson(lambda). lambda < 10: inversion (exactly 1 draw). lambda >= 10: PTRS (2 draws
 *  per attempt, variable). lambda <= 0 or NaN: 0, no draws. Requires lambda < 2^31. */
export function poisson(s: Substream, lambda: number): number {
  if (!(lambda > 0.0)) return 0;
  if (lambda < PTRS_MIN_LAMBDA) return poissonInversion(s, lambda);
  return poissonPTRS(s, lambda);
}

/** Zero-truncated Poisson by rejection: redraw poisson(lambda) until k > 0, at most
 *  maxAttempts times; -1 if all attempts gave 0 (the caller decides what that means).
 *  Draws: the sum of the attempts' Poisson draws. lambda <= 0: -1, no draws. */
export function ztp(s: Substream, lambda: number, maxAttempts: number): number {
  if (!(lambda > 0.0)) return -1;
  for (let i = 0; i < maxAttempts; i++) {
    const k = poisson(s, lambda);
    if (k > 0) return k;
  }
  return -1;
}

/** Negative binomial NB2 (mean mu, variance mu + mu^2/phi) as Poisson(Gamma(phi) * mu / phi).
 *  Draws: gamma(phi)'s, then poisson's. phi <= 0 or NaN: -1, no draws. mu <= 0: the
 *  gamma is still drawn, result 0. */
export function nb2(s: Substream, mu: number, phi: number): number {
  if (!(phi > 0.0)) return -1;
  const g = gamma(s, phi);
  return poisson(s, (g * mu) / phi);
}

/** Dirichlet(alpha) into out[0..alpha.length): gammas in index order, normalised by their
 *  left-to-right sum. Draws: the gamma draws in order. If every gamma underflowed to 0
 *  (tiny alphas), out = 1/n each. Returns out. */
export function dirichlet(s: Substream, alpha: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = alpha.length;
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const g = gamma(s, alpha[i]!);
    out[i] = g;
    sum += g;
  }
  if (sum > 0.0) {
    for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
  } else {
    const eq = 1.0 / n;
    for (let i = 0; i < n; i++) out[i] = eq;
  }
  return out;
}

/** One Bernoulli(p) decision on its own substream (the hurdle law of 1A S1 and 3A S1): no draw when p ≤ 0 or p ≥ 1. */
export function bernoulliRef(k: [number, number], p: number): { hit: number; u: number; draws: number; blocks: number } {
  const s = new Substream(k[0], k[1]);
  let hit = 0;
  let u = -1;
  if (p >= 1) hit = 1;
  else if (p > 0) {
    u = s.u01();
    hit = u < p ? 1 : 0;
  }
  return { hit, u, draws: s.draws, blocks: s.blocks };
}
