// Vose alias tables: the TypeScript reference of assembly/rng/alias.ts (bit-identical).
// Build O(n), sample O(1) with ONE u01. KEEP IN LOCKSTEP.

import type { Substream } from './stream.js';

export interface AliasTable {
  readonly n: number;
  readonly prob: Float64Array;
  readonly alias: Int32Array;
}

/**
 * Build an alias table from non-negative finite weights (not all zero); RangeError otherwise
 * (the wasm aliasBuild returns -1 for the same inputs).
 *
 * p_i = (w_i / sum) * n. Small (p < 1) and large (p >= 1) worklists are filled in index
 * order and consumed front to back; the current large donor stays at the front until it
 * drops below 1, then joins the back of the small list. Leftovers (either list, only
 * rounding residue) get prob = 1.0 and alias = self, so they are exact.
 */
export function aliasBuild(
  weights: ArrayLike<number>,
  prob: Float64Array = new Float64Array(weights.length),
  alias: Int32Array = new Int32Array(weights.length),
): AliasTable {
  const n = weights.length;
  if (n < 1) throw new RangeError('aliasBuild: no weights');
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0.0 && w < Infinity)) throw new RangeError(`aliasBuild: weight ${i} is ${w}`);
    sum += w;
  }
  if (!(sum > 0.0 && sum < Infinity)) throw new RangeError(`aliasBuild: weight sum is ${sum}`);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let st = 0;
  let lt = 0;
  for (let i = 0; i < n; i++) {
    const p = (weights[i]! / sum) * n;
    prob[i] = p;
    if (p < 1.0) small[st++] = i;
    else large[lt++] = i;
  }
  let si = 0;
  let gi = 0;
  while (si < st && gi < lt) {
    const l = small[si++]!;
    const g = large[gi]!;
    // l keeps its scaled p as prob; the remainder of its column goes to g
    alias[l] = g;
    const pg = prob[g]! + prob[l]! - 1.0;
    prob[g] = pg;
    if (pg < 1.0) {
      small[st++] = g;
      gi++;
    }
  }
  for (; gi < lt; gi++) {
    const g = large[gi]!;
    prob[g] = 1.0;
    alias[g] = g;
  }
  for (; si < st; si++) {
    const l = small[si]!;
    prob[l] = 1.0;
    alias[l] = l;
  }
  return { n, prob, alias };
}

/** The alias pick of uniform u from the table at prob/alias[off, off + n): j = floor(u*n), frac = u*n - j; frac < prob[j] ? j : alias[j]. */
export function aliasAt(prob: ArrayLike<number>, alias: ArrayLike<number>, off: number, n: number, u: number): number {
  const x = u * n;
  const jf = Math.floor(x);
  const frac = x - jf;
  let j = jf;
  if (j >= n) j = n - 1; // u*n can round up to n for huge n
  return frac < prob[off + j]! ? j : alias[off + j]!;
}

/** One alias sample from ONE u01 (aliasAt). Draws: exactly 1. */
export function aliasSample(s: Substream, t: AliasTable): number {
  return aliasAt(t.prob, t.alias, 0, t.n, s.u01());
}

/** count alias samples into out (Int32Array). Draws: count. */
export function aliasSampleBatch(s: Substream, t: AliasTable, out: Int32Array, count = out.length): Int32Array {
  for (let i = 0; i < count; i++) out[i] = aliasSample(s, t);
  return out;
}
