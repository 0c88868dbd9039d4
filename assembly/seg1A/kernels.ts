// Segment 1A per-merchant kernels. Each merchant owns one substream per family (keys derived in JS),
// so a shard can replay any merchant alone. Mirrors src/segments/1A/kernels_ref.ts bit for bit.
// Layout: keys are u32 pairs [k0,k1] per merchant; draws/blocks are u32 per merchant.

import { streamInit, streamU01, streamDraws, streamBlocks } from "../rng/stream";
import { rngGamma, rngPoisson } from "../rng/dist";
import { aliasSample } from "../rng/alias";
import { fm_log } from "../math/fmath";

@inline function key0(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3)); }
@inline function key1(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 3) + 4); }
@inline function acct(drawsPtr: usize, blocksPtr: usize, i: i32): void {
  store<u32>(drawsPtr + (<usize>i << 2), <u32>streamDraws());
  store<u32>(blocksPtr + (<usize>i << 2), <u32>streamBlocks());
}

/** S0 universe: home country (alias), MCC (alias), channel (Bernoulli p_cnp[mcc]). Draws: 3. */
export function k1aUniverse(n: i32, keys: usize, cProb: usize, cAlias: usize, nC: i32, mProb: usize, mAlias: usize, nM: i32,
  pCnp: usize, outHome: usize, outMcc: usize, outCnp: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let home = aliasSample(cProb, cAlias, nC);
    let m = aliasSample(mProb, mAlias, nM);
    let cnp: u8 = streamU01() < load<f64>(pCnp + (<usize>m << 3)) ? 1 : 0;
    store<i32>(outHome + (<usize>i << 2), home);
    store<i32>(outMcc + (<usize>i << 2), m);
    store<u8>(outCnp + <usize>i, cnp);
    acct(outDraws, outBlocks, i);
  }
}

/** S1 hurdle: multi iff u < pi (no draw when pi is 0 or 1). Draws: 0 or 1. */
export function k1aHurdle(n: i32, keys: usize, pi: usize, outMulti: usize, outU: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let p = load<f64>(pi + (<usize>i << 3));
    let multi: u8 = 0;
    let u: f64 = -1.0;
    if (p >= 1.0) multi = 1;
    else if (p > 0.0) {
      u = streamU01();
      multi = u < p ? 1 : 0;
    }
    store<u8>(outMulti + <usize>i, multi);
    store<f64>(outU + (<usize>i << 3), u);
    acct(outDraws, outBlocks, i);
  }
}

/** S2 NB2 outlet count for multi-site merchants: per attempt G ~ Gamma(phi), K ~ Poisson(mu/phi * G);
 *  accept K >= 2. N = 1 for singles (no draws); N = -1 if maxAttempts ran out. */
export function k1aNb(n: i32, keys: usize, multi: usize, mu: usize, phi: usize, maxAttempts: i32,
  outN: usize, outRej: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let N: i32 = 1;
    let rej: i32 = 0;
    if (load<u8>(multi + <usize>i) != 0) {
      let m = load<f64>(mu + (<usize>i << 3));
      let f = load<f64>(phi + (<usize>i << 3));
      N = -1;
      for (let a = 0; a < maxAttempts; a++) {
        let g = rngGamma(f);
        let k = rngPoisson((m / f) * g);
        if (k >= 2) { N = k; break; }
        rej++;
      }
    }
    store<i32>(outN + (<usize>i << 2), N);
    store<i32>(outRej + (<usize>i << 2), rej);
    acct(outDraws, outBlocks, i);
  }
}

/** S4 zero-truncated Poisson foreign target: Poisson(lambda) until K >= 1, at most maxZero attempts.
 *  Inactive merchants (lambda <= 0): K = 0, no draws. Exhausted: K = -1. */
export function k1aZtp(n: i32, keys: usize, lambda: usize, maxZero: i32, outK: usize, outAttempts: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let l = load<f64>(lambda + (<usize>i << 3));
    let K: i32 = 0;
    let att: i32 = 0;
    if (l > 0.0) {
      K = -1;
      while (att < maxZero) {
        att++;
        let k = rngPoisson(l);
        if (k > 0) { K = k; break; }
      }
    }
    store<i32>(outK + (<usize>i << 2), K);
    store<i32>(outAttempts + (<usize>i << 2), att);
    acct(outDraws, outBlocks, i);
  }
}

/** S6 weighted Gumbel top-K over each merchant's ranked candidates (ragged, shard-local offsets).
 *  One uniform per positive-weight candidate in rank order; key = ln w - ln(-ln u).
 *  outOrder[j] = selection order 1..K (0 = not selected); ties go to the lower rank. */
export function k1aGumbel(n: i32, keys: usize, offsets: usize, weights: usize, kTarget: usize,
  outKey: usize, outOrder: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(key0(keys, i), key1(keys, i));
    let lo = load<i32>(offsets + (<usize>i << 2));
    let hi = load<i32>(offsets + (<usize>(i + 1) << 2));
    let K = load<i32>(kTarget + (<usize>i << 2));
    for (let j = lo; j < hi; j++) {
      store<i32>(outOrder + (<usize>j << 2), 0);
      store<f64>(outKey + (<usize>j << 3), -Infinity);
    }
    if (K > 0) {
      for (let j = lo; j < hi; j++) {
        let w = load<f64>(weights + (<usize>j << 3));
        if (w > 0.0) {
          let u = streamU01();
          store<f64>(outKey + (<usize>j << 3), fm_log(w) - fm_log(-fm_log(u)));
        }
      }
      for (let r = 1; r <= K; r++) {
        let best = -1;
        let bestKey = -Infinity;
        for (let j = lo; j < hi; j++) {
          if (load<i32>(outOrder + (<usize>j << 2)) != 0) continue;
          let kk = load<f64>(outKey + (<usize>j << 3));
          if (kk > bestKey) { bestKey = kk; best = j; }
        }
        if (best < 0) break;
        store<i32>(outOrder + (<usize>best << 2), r);
      }
    }
    acct(outDraws, outBlocks, i);
  }
}
