// Vose alias tables over linear memory (build O(n), sample O(1) with ONE u01).
// Bit-identical to src/rng/alias.ts. KEEP IN LOCKSTEP.
//
// Layout: weights f64[n], prob f64[n], alias i32[n], all caller-owned (see alloc()).
// Determinism: the build is a fixed sequence of float64 operations with worklists in
// index order (FIFO), so the table is a pure function of the weight bytes.

import { streamU01 } from "./stream";

/**
 * Build prob/alias from weights. Returns 0, or -1 for bad input (n < 1, a weight negative
 * or non-finite, or a sum that is 0 or non-finite) leaving prob/alias unspecified.
 *
 * p_i = (w_i / sum) * n. Small (p < 1) and large (p >= 1) worklists are filled in index
 * order and consumed front to back; the current large donor stays at the front until it
 * drops below 1, then joins the back of the small list. Leftovers (either list, only
 * rounding residue) get prob = 1.0 and alias = self, so they are exact.
 * Scratch: 2n i32 taken from the heap top and released before returning (this may grow
 * memory, so JS must re-make its typed-array views afterwards).
 */
export function aliasBuild(wPtr: usize, n: i32, probPtr: usize, aliasPtr: usize): i32 {
  if (n < 1) return -1;
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    let w = load<f64>(wPtr + (<usize>i << 3));
    if (!(w >= 0.0 && w < Infinity)) return -1;
    sum += w;
  }
  if (!(sum > 0.0 && sum < Infinity)) return -1;
  let nf = <f64>n;
  let small = heap.alloc(<usize>n << 3); // small queue [0, n) then large list [n, 2n)
  let large = small + (<usize>n << 2);
  let st: i32 = 0; // small tail
  let lt: i32 = 0; // large tail
  for (let i = 0; i < n; i++) {
    let p = (load<f64>(wPtr + (<usize>i << 3)) / sum) * nf;
    store<f64>(probPtr + (<usize>i << 3), p);
    if (p < 1.0) {
      store<i32>(small + (<usize>st << 2), i);
      st++;
    } else {
      store<i32>(large + (<usize>lt << 2), i);
      lt++;
    }
  }
  let si: i32 = 0; // small head
  let gi: i32 = 0; // large head
  while (si < st && gi < lt) {
    let l = load<i32>(small + (<usize>si << 2));
    si++;
    let g = load<i32>(large + (<usize>gi << 2));
    // l keeps its scaled p as prob; the remainder of its column goes to g
    store<i32>(aliasPtr + (<usize>l << 2), g);
    let pg = (load<f64>(probPtr + (<usize>g << 3)) + load<f64>(probPtr + (<usize>l << 3))) - 1.0;
    store<f64>(probPtr + (<usize>g << 3), pg);
    if (pg < 1.0) {
      store<i32>(small + (<usize>st << 2), g);
      st++;
      gi++;
    }
  }
  for (; gi < lt; gi++) {
    let g = load<i32>(large + (<usize>gi << 2));
    store<f64>(probPtr + (<usize>g << 3), 1.0);
    store<i32>(aliasPtr + (<usize>g << 2), g);
  }
  for (; si < st; si++) {
    let l = load<i32>(small + (<usize>si << 2));
    store<f64>(probPtr + (<usize>l << 3), 1.0);
    store<i32>(aliasPtr + (<usize>l << 2), l);
  }
  heap.free(small); // last block on the bump heap: released
  return 0;
}

/** The alias pick of uniform u: j = floor(u*n), frac = u*n - j; frac < prob[j] ? j : alias[j]. */
// @ts-ignore: decorator
@inline
export function aliasAt(probPtr: usize, aliasPtr: usize, n: i32, u: f64): i32 {
  let x = u * <f64>n;
  let jf = Math.floor(x);
  let frac = x - jf;
  let j = <i32>jf;
  if (j >= n) j = n - 1; // u*n can round up to n for huge n
  // branch-free select: the coin is unpredictable, a branch here halves throughput
  return select<i32>(j, load<i32>(aliasPtr + (<usize>j << 2)), frac < load<f64>(probPtr + (<usize>j << 3)));
}

/** One alias sample from ONE u01 of the current substream (aliasAt). Draws: exactly 1. */
// @ts-ignore: decorator
@inline
export function aliasSample(probPtr: usize, aliasPtr: usize, n: i32): i32 {
  return aliasAt(probPtr, aliasPtr, n, streamU01());
}

/** count alias samples from the current substream into i32 out[0..count). Draws: count. */
export function aliasSampleBatch(probPtr: usize, aliasPtr: usize, n: i32, outPtr: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    store<i32>(outPtr + (<usize>i << 2), aliasSample(probPtr, aliasPtr, n));
  }
}
