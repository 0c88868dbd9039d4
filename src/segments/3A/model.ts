// The RNG-free laws of 3A as pure functions over arrays: S1 escalation ladder, the S3 Dirichlet
// parameters of a pair, and the exact integer share units of S4/S5 (S2's priors are s2_priors.ts).
// The state files feed them the upstream facts; the tests feed them synthetic ones.
import { fail, ErrorCodes } from '../../core/errors.js';
import type { DecisionReason, MixturePolicy } from './policies.js';
import type { Priors } from './s2_priors.js';

// ── S1: escalation ladder ──

export interface EscalationDecision {
  /** forced outcome, or -1 when the pair goes to the probabilistic default */
  forced: -1 | 0 | 1;
  reason: DecisionReason | '';
  /** P(escalate) for the probabilistic default (0 or 1 when forced) */
  p: number;
}

/** First matching rule decides; otherwise escalate with min(cap, theta_mix + slope × (N − 2)). */
export function escalationRule(m: MixturePolicy, siteCount: number, zoneCount: number): EscalationDecision {
  for (const r of m.rules) {
    const hit =
      (r.metric === 'site_count_lt' && siteCount < r.threshold) ||
      (r.metric === 'site_count_ge' && siteCount >= r.threshold) ||
      (r.metric === 'zone_count_country_le' && zoneCount <= r.threshold) ||
      (r.metric === 'zone_count_country_ge' && zoneCount >= r.threshold);
    if (hit) {
      const esc = r.decision_reason === 'forced_escalation' ? 1 : 0;
      return { forced: esc, reason: r.decision_reason, p: esc };
    }
  }
  const d = m.default_escalation;
  const p = Math.min(d.cap, d.theta_mix + d.site_count_slope * Math.max(0, siteCount - 2));
  return { forced: -1, reason: '', p: Math.max(0, Math.min(1, p)) };
}

// ── S3: Dirichlet parameters of an escalated pair ──

/**
 * alpha over the pair's observed zones (tzid order): kappa × ((1 − w) n_z / N + w π(z | O)), floored.
 * π(z | O) is the country prior restricted to O and renormalised; a zone outside the prior set
 * (a site 2A placed in a zone the prior pack does not list) carries the default floor as prior mass.
 */
export function pairAlphas(m: MixturePolicy, priors: Priors, country: string, tzids: string[], counts: ArrayLike<number>, out: Float64Array): Float64Array {
  const prior = priors.byCountry.get(country) ?? [];
  const k = tzids.length;
  let N = 0;
  for (let i = 0; i < k; i++) N += counts[i];
  let pSum = 0;
  const pz = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const row = prior.find((r) => r.tzid === tzids[i]);
    pz[i] = row ? row.alpha_effective : priors.defaultFloor;
    pSum += pz[i];
  }
  const d = m.dispersion;
  const kappa = d.concentration_base + d.concentration_per_site * N;
  const w = d.prior_weight;
  for (let i = 0; i < k; i++) {
    const a = kappa * ((1 - w) * (counts[i] / N) + w * (pz[i] / pSum));
    out[i] = a > d.alpha_floor ? a : d.alpha_floor;
  }
  return out;
}

// ── S4/S5: exact integer share units ──

/**
 * Largest-remainder units: floor(U × share_z), then +1 to the largest residuals (ties: tzid ASCII
 * order, i.e. index order) until Σ = U exactly. Writes units and the 1-based residual rank.
 */
export function shareUnits(shares: ArrayLike<number>, U: number, units: Int32Array, rank: Int32Array, off = 0): void {
  const k = shares.length;
  let base = 0;
  const resid = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const t = shares[i] * U;
    const b = Math.floor(t);
    units[off + i] = b;
    resid[i] = t - b;
    base += b;
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => (resid[b] !== resid[a] ? resid[b] - resid[a] : a - b));
  const left = U - base;
  if (left < 0 || left > k) fail(ErrorCodes.INTERNAL, `share units: residual ${left} outside [0, ${k}]`);
  order.forEach((i, r) => {
    rank[off + i] = r + 1;
    if (r < left) units[off + i]++;
  });
}
