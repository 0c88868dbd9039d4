// S0.4–S0.6 / S1 / S2 deterministic per-merchant features: GDP bucket, hurdle probability,
// NB mean and dispersion, openness and cross-border eligibility. No RNG here.
import type { Country } from '../../reference/countries.js';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import type { Design, Merchants } from './world.js';
import type { Policies1A } from './policies.js';

export function gdpBucket(gdpPc: number, edges: number[]): number {
  let b = 1;
  for (const e of edges) if (gdpPc > e) b++;
  return b;
}

// fm_* (ours, not libm) so the bytes cannot change with the host's Math implementation.
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + fm_exp(-x)) : fm_exp(x) / (1 + fm_exp(x)));
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const chKey = (cnp: number) => (cnp ? 'card_not_present' : 'card_present') as 'card_present' | 'card_not_present';

export function computeDesign(m: Merchants, countries: Country[], p: Policies1A): Design {
  const n = m.n;
  const d: Design = {
    bucket: new Int32Array(n),
    gdpPc: new Float64Array(n),
    logit: new Float64Array(n),
    pi: new Float64Array(n),
    mu: new Float64Array(n),
    phi: new Float64Array(n),
    openness: new Float64Array(n),
    eligible: new Uint8Array(n),
    eligReason: new Array(n),
  };
  const { hurdle, nb, crossborder: xb, economy } = p;
  const rules = [...xb.eligibility.rules].sort(
    (a, b) => (a.decision === b.decision ? 0 : a.decision === 'deny' ? -1 : 1) || a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (let i = 0; i < n; i++) {
    const c = countries[m.home[i]];
    const mccRow = p.universe.mccs[m.mcc[i]];
    const cls = mccRow.class;
    const ch = chKey(m.cnp[i]);
    const gdpPc = (economy.countries[c.iso2] ?? economy.unlisted).gdp_pc_usd;
    const b = gdpBucket(gdpPc, economy.gdp_pc_bucket_edges);
    d.gdpPc[i] = gdpPc;
    d.bucket[i] = b;
    // Fixed summation order (intercept, channel, bucket, class, override): bytes must not depend on key order.
    let eta = hurdle.intercept;
    eta += hurdle.channel[ch];
    eta += hurdle.gdp_bucket[b - 1];
    eta += hurdle.class[cls] ?? 0;
    eta += hurdle.mcc_override[String(mccRow.mcc)] ?? 0;
    d.logit[i] = eta;
    d.pi[i] = sigmoid(eta);
    d.mu[i] = fm_exp(nb.mu.intercept + nb.mu.channel[ch] + (nb.mu.class[cls] ?? 0));
    d.phi[i] = fm_exp(nb.phi.intercept + nb.phi.channel[ch] + (nb.phi.class[cls] ?? 0) + nb.phi.ln_gdp_pc_slope * fm_log(gdpPc / 10000));
    d.openness[i] = clamp01(xb.openness.bucket_base[b - 1] + xb.openness.channel[ch] + (xb.openness.class_tilt[cls] ?? 0));
    // Eligibility: deny beats allow, then priority, then id; no match → default.
    let decision = xb.eligibility.default_decision;
    let reason = `default_${decision}`;
    for (const r of rules) {
      if (r.home_iso && !r.home_iso.includes(c.iso2)) continue;
      if (r.channel && !r.channel.includes(ch)) continue;
      if (r.mcc && !r.mcc.includes(mccRow.mcc)) continue;
      decision = r.decision;
      reason = r.id;
      break;
    }
    d.eligible[i] = decision === 'allow' ? 1 : 0;
    d.eligReason[i] = reason;
  }
  return d;
}
