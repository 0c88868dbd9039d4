// S7 integer allocation of N outlets over D = {home} ∪ selected foreign countries:
// shares from the currency weights restricted to D, home raised to its tier floor, then largest
// remainder with residuals quantised to dp (so ties are decided by policy, not float noise).
import type { Policies1A } from './policies.js';

export interface Allocation {
  counts: number[];
  residuals: number[];
  residualRank: number[]; // 1-based
}

/** `weights[0]` is home; entries are in candidate rank order; `isos` break ties A→Z. */
export function allocate(N: number, weights: number[], isos: string[], p: Policies1A): Allocation {
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
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => residuals[b] - residuals[a] || (isos[a] < isos[b] ? -1 : isos[a] > isos[b] ? 1 : 0) || a - b);
  const residualRank = new Array<number>(m);
  order.forEach((i, r) => (residualRank[i] = r + 1));
  const counts = base.slice();
  for (let r = 0; r < m && d > 0; r++, d--) counts[order[r]]++;
  return { counts, residuals, residualRank };
}
