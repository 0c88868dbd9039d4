// The RNG-free parts of 3A as pure functions over arrays: S2 priors, S1 escalation ladder, the S3
// Dirichlet parameters of a pair, and the exact integer share units of S4/S5. run.ts feeds them
// the upstream facts; the tests feed them synthetic ones.
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { DecisionReason, MixturePolicy, Policies3A } from './policies.js';

// ── S2: country → zone priors ──

export interface PriorRow {
  country: string;
  tzid: string;
  alpha_raw: number;
  alpha_effective: number;
  floor_applied: boolean;
  share_effective: number;
}
export interface Priors {
  rows: PriorRow[];
  /** country → its rows (tzid ASCII order) */
  byCountry: Map<string, PriorRow[]>;
  alphaSum: Map<string, number>;
  /** zones whose share_effective >= meaningful_zone_share */
  zoneCountCountry: Map<string, number>;
  defaultFloor: number;
}

/** S2: alpha_effective = max(alpha_raw, floor(tzid)); shares within the country. Countries and zones in ASCII order. */
export function buildPriors(p: Policies3A): Priors {
  const floorOf = new Map(p.floors.floors.map((f) => [f.tzid, f.floor_value]));
  const rows: PriorRow[] = [];
  const byCountry = new Map<string, PriorRow[]>();
  const alphaSum = new Map<string, number>();
  const zoneCountCountry = new Map<string, number>();
  for (const country of Object.keys(p.alphas.countries).sort(asciiCompare)) {
    const entries = [...p.alphas.countries[country]].sort((a, b) => asciiCompare(a.tzid, b.tzid));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i].tzid === entries[i - 1].tzid) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `zone ${entries[i].tzid} listed twice`, `${p.files.alphas}: countries.${country}`, 're-run src/segments/3A/derive_alphas.ts');
    }
    const cr: PriorRow[] = entries.map((e) => {
      const floor = floorOf.get(e.tzid) ?? p.floors.default_floor;
      const eff = Math.max(e.alpha, floor);
      return { country, tzid: e.tzid, alpha_raw: e.alpha, alpha_effective: eff, floor_applied: eff > e.alpha, share_effective: 0 };
    });
    let sum = 0;
    for (const r of cr) sum += r.alpha_effective; // tzid order: fixed summation order
    let meaningful = 0;
    for (const r of cr) {
      r.share_effective = r.alpha_effective / sum;
      if (r.share_effective >= p.mixture.meaningful_zone_share) meaningful++;
    }
    rows.push(...cr);
    byCountry.set(country, cr);
    alphaSum.set(country, sum);
    zoneCountCountry.set(country, meaningful);
  }
  return { rows, byCountry, alphaSum, zoneCountCountry, defaultFloor: p.floors.default_floor };
}

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
