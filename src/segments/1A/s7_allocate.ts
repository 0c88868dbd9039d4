// S7 integer allocation of N outlets over D = {home} ∪ selected foreign countries:
// shares from the currency weights restricted to D, home raised to its tier floor, then largest
// remainder with residuals quantised to dp (so ties are decided by policy, not float noise).
import type { Country } from '../../reference/countries.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1A } from './policies.js';
import type { CandidateRow } from './world.js';

export interface Allocation {
  counts: number[];
  residuals: number[];
  residualRank: number[]; // 1-based
}

/** `weights[0]` is home; entries are in candidate rank order; `isos` break ties A→Z. */
function allocate(N: number, weights: number[], isos: string[], p: Policies1A): Allocation {
  const m = weights.length;
  if (m === 1) return { counts: [N], residuals: [0], residualRank: [1] };
  const sum = weights.reduce((a, b) => a + b, 0);
  let shares = weights.map((w) => w / sum);
  const tier = p.crossborder.allocation.home_floor_tiers.find((t) => N <= t.n_max);
  const floor = tier ? tier.home_share_min : 0;
  if (shares[0] < floor) {
    const scale = (1 - floor) / (1 - shares[0]);
    shares = shares.map((s, i) => (i === 0 ? floor : s * scale));
  }
  const q = 10 ** p.crossborder.allocation.residual_dp;
  const base = shares.map((s) => Math.floor(N * s));
  const residuals = shares.map((s, i) => Math.round((N * s - base[i]) * q) / q);
  let d = N - base.reduce((a, b) => a + b, 0);
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => residuals[b] - residuals[a] || (isos[a] < isos[b] ? -1 : isos[a] > isos[b] ? 1 : 0) || a - b,
  );
  const residualRank = new Array<number>(m);
  order.forEach((i, r) => (residualRank[i] = r + 1));
  const counts = base.slice();
  for (let r = 0; r < m && d > 0; r++, d--) counts[order[r]]++;
  return { counts, residuals, residualRank };
}

export interface S7Result {
  kRealized: Int32Array;
  inDomain: Uint8Array;
  residual: Float64Array;
  residualRank: Int32Array;
  count: Int32Array;
}

/** S7 is last: it splits S2's N over home plus S6's selected countries, with S5's weights; S8 (outlet_catalogue) lists its counts. */
export function s7Allocate(
  _ctx: RunContext,
  inp: { countries: Country[]; p: Policies1A; N: Int32Array; cands: CandidateRow[]; candOff: Int32Array; candWeight: Float64Array; selOrder: Int32Array },
): S7Result {
  const { countries, p, N, cands, candOff, candWeight, selOrder } = inp;
  const n = N.length;
  const kRealized = new Int32Array(n);
  const inDomain = new Uint8Array(cands.length);
  const residual = new Float64Array(cands.length).fill(NaN);
  const residualRank = new Int32Array(cands.length);
  const count = new Int32Array(cands.length);
  for (let i = 0; i < n; i++) {
    const D: number[] = [];
    for (let j = candOff[i]; j < candOff[i + 1]; j++) {
      if (cands[j].isHome || selOrder[j] > 0) {
        D.push(j);
        inDomain[j] = 1;
      }
    }
    kRealized[i] = D.length - 1;
    const a = allocate(
      N[i],
      D.map((j) => candWeight[j]),
      D.map((j) => countries[cands[j].iso].iso2),
      p,
    );
    D.forEach((j, r) => {
      count[j] = a.counts[r];
      residual[j] = a.residuals[r];
      residualRank[j] = a.residualRank[r];
    });
  }
  return { kRealized, inDomain, residual, residualRank, count };
}
