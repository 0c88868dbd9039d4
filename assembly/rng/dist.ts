// Distributions over the current substream (assembly/rng/stream.ts).
//
// Every function documents its draw consumption (u01 lanes), because a family's draw
// order is part of the RNG law (SPEC §5): a shard must replay any substream alone.
// Bit-identical to src/rng/dist.ts (same IEEE operation order, fmath not libm).
// KEEP IN LOCKSTEP WITH src/rng/dist.ts.

import { streamU01 } from "./stream";
import { fm_log, fm_exp, fm_cos, fm_lgamma } from "../math/fmath";

const TWO_PI: f64 = 6.283185307179586;
const ONE_THIRD: f64 = 0.3333333333333333;
const PTRS_MIN_LAMBDA: f64 = 10.0; // inversion below, PTRS at and above

/** Standard normal by Box–Muller, cosine branch only (no caching of the sine twin).
 *  Draws: exactly 2 (u1 for the radius, then u2 for the angle). */
export function rngNormal(): f64 {
  let u1 = streamU01();
  let u2 = streamU01();
  return Math.sqrt(-2.0 * fm_log(u1)) * fm_cos(TWO_PI * u2);
}

/** exp(mu + sigma * Z), Z = rngNormal(). Draws: exactly 2. */
export function rngLognormal(mu: f64, sigma: f64): f64 {
  return fm_exp(mu + sigma * rngNormal());
}

/** Gumbel(0,1) key = -ln(-ln u) (Gumbel-max sampling: argmax of ln w_i + key_i). Draws: exactly 1. */
export function rngGumbel(): f64 {
  return -fm_log(-fm_log(streamU01()));
}

/** Marsaglia–Tsang for a >= 1. Each attempt: a normal (2 draws; redrawn, +2, while
 *  v <= 0), then 1 uniform. Draws: 3 per attempt plus 2 per v <= 0 redraw; variable. */
function gammaMT(a: f64): f64 {
  let d = a - ONE_THIRD;
  let c = 1.0 / Math.sqrt(9.0 * d);
  while (true) {
    let x: f64;
    let v: f64;
    do {
      x = rngNormal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    let u = streamU01();
    let x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v; // squeeze
    if (fm_log(u) < 0.5 * x2 + d * (1.0 - v + fm_log(v))) return d * v;
  }
}

/** Gamma(shape a, scale 1). a >= 1: Marsaglia–Tsang. 0 < a < 1: gamma(a+1) * u^(1/a) with
 *  the extra u drawn AFTER the gamma(a+1) draws. a <= 0 or NaN: NaN, no draws.
 *  Draws: gammaMT's (variable), +1 when a < 1. u^(1/a) may underflow to 0 for tiny a. */
export function rngGamma(a: f64): f64 {
  if (!(a > 0.0)) return NaN;
  if (a >= 1.0) return gammaMT(a);
  let g = gammaMT(a + 1.0);
  let u = streamU01();
  return g * fm_exp(fm_log(u) / a);
}

// Per-lambda constants, cached because callers usually draw many times at one lambda.
// The cache only skips recomputation; the values (and so the draws) are identical.
let invLam: f64 = NaN;
let invExpNeg: f64 = 0.0;
let ptLam: f64 = NaN;
let ptSlam: f64 = 0.0;
let ptLogLam: f64 = 0.0;
let ptB: f64 = 0.0;
let ptA: f64 = 0.0;
let ptLogInvAlpha: f64 = 0.0;
let ptVr: f64 = 0.0;

/** Poisson by sequential inversion from k = 0. Draws: exactly 1. */
function poissonInversion(lambda: f64): i32 {
  if (lambda != invLam) {
    invLam = lambda;
    invExpNeg = fm_exp(-lambda);
  }
  let p = invExpNeg;
  let F = p;
  let u = streamU01();
  let k: i32 = 0;
  while (u > F) {
    k++;
    p = (p * lambda) / <f64>k;
    if (p == 0.0) break; // F stalled below u by rounding (u within ~1e-16 of 1): stop
    F += p;
  }
  return k;
}

/** Hörmann (1993) PTRS, transformed rejection with squeeze. Each attempt draws
 *  U then V (2 draws); variable number of attempts (acceptance ~ 0.9+). */
function poissonPTRS(lambda: f64): i32 {
  if (lambda != ptLam) {
    ptLam = lambda;
    ptSlam = Math.sqrt(lambda);
    ptLogLam = fm_log(lambda);
    ptB = 0.931 + 2.53 * ptSlam;
    ptA = -0.059 + 0.02483 * ptB;
    ptLogInvAlpha = fm_log(1.1239 + 1.1328 / (ptB - 3.4));
    ptVr = 0.9277 - 3.6224 / (ptB - 2.0);
  }
  let a = ptA;
  let b = ptB;
  while (true) {
    let U = streamU01() - 0.5;
    let V = streamU01();
    let us = 0.5 - Math.abs(U);
    let k = Math.floor(((2.0 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= ptVr) return <i32>k; // immediate acceptance region
    if (k < 0.0 || (us < 0.013 && V > us)) continue;
    if (fm_log(V) + ptLogInvAlpha - fm_log(a / (us * us) + b) <= -lambda + k * ptLogLam - fm_lgamma(k + 1.0)) {
      return <i32>k;
    }
  }
}

/** Poisson(lambda). lambda < 10: inversion (exactly 1 draw). lambda >= 10: PTRS (2 draws
 *  per attempt, variable). lambda <= 0 or NaN: 0, no draws. Requires lambda < 2^31. */
export function rngPoisson(lambda: f64): i32 {
  if (!(lambda > 0.0)) return 0;
  if (lambda < PTRS_MIN_LAMBDA) return poissonInversion(lambda);
  return poissonPTRS(lambda);
}

/** Zero-truncated Poisson by rejection: redraw rngPoisson(lambda) until k > 0, at most
 *  maxAttempts times; -1 if all attempts gave 0 (the caller decides what that means).
 *  Draws: the sum of the attempts' Poisson draws. lambda <= 0: -1, no draws. */
export function rngZtp(lambda: f64, maxAttempts: i32): i32 {
  if (!(lambda > 0.0)) return -1;
  for (let i = 0; i < maxAttempts; i++) {
    let k = rngPoisson(lambda);
    if (k > 0) return k;
  }
  return -1;
}

/** Negative binomial NB2 (mean mu, variance mu + mu^2/phi) as Poisson(Gamma(phi) * mu / phi).
 *  Draws: rngGamma(phi)'s, then rngPoisson's. phi <= 0 or NaN: -1, no draws. mu <= 0: the
 *  gamma is still drawn, result 0. */
export function rngNb2(mu: f64, phi: f64): i32 {
  if (!(phi > 0.0)) return -1;
  let g = rngGamma(phi);
  return rngPoisson((g * mu) / phi);
}

/** Dirichlet(alpha[0..n)) into out[0..n) (f64 arrays at the pointers): gammas in index
 *  order, normalised by their left-to-right sum. Draws: the n rngGamma draws in order.
 *  If every gamma underflowed to 0 (tiny alphas), out = 1/n each. */
export function rngDirichlet(alphaPtr: usize, n: i32, outPtr: usize): void {
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    let g = rngGamma(load<f64>(alphaPtr + (<usize>i << 3)));
    store<f64>(outPtr + (<usize>i << 3), g);
    sum += g;
  }
  if (sum > 0.0) {
    for (let i = 0; i < n; i++) {
      let p = outPtr + (<usize>i << 3);
      store<f64>(p, load<f64>(p) / sum);
    }
  } else {
    let eq = 1.0 / <f64>n;
    for (let i = 0; i < n; i++) store<f64>(outPtr + (<usize>i << 3), eq);
  }
}
