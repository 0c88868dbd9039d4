// S5 currency → country weights (deterministic): blend currency-area and trade pull, smooth,
// floor, renormalise, quantise to exactly 10^dp units so every currency's weights sum to 1.
import type { Country } from '../../reference/countries.js';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import type { Policies1A } from './policies.js';
import type { RunContext } from '../../engine/context.js';
import type { CandidateRow, CurrencyWeights, Merchants } from './world.js';

function currencyWeights(countries: Country[], p: Policies1A): CurrencyWeights {
  const { currency: cp, economy } = p;
  const gdp = countries.map((c) => (c.currency ? (economy.countries[c.iso2] ?? economy.unlisted).gdp_usd_bn : 0));
  const trade = gdp.map((g) => (g > 0 ? fm_exp(cp.trade_exponent * fm_log(g)) : 0));
  const tradeSum = trade.reduce((a, b) => a + b, 0);
  const currencies = [...new Set(countries.flatMap((c) => c.currencies))].sort();
  const U = 10 ** cp.dp;
  const out: CurrencyWeights = { currencies, ulps: new Map(), dp: cp.dp, sparse: new Map() };
  for (const k of currencies) {
    const par = { ...cp.defaults, ...(cp.per_currency[k] ?? {}) };
    let areaSum = 0;
    let areaCount = 0;
    countries.forEach((c, i) => {
      if (c.currencies.includes(k) && gdp[i] > 0) {
        areaSum += gdp[i];
        areaCount++;
      }
    });
    const n = countries.length;
    const w = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (gdp[i] <= 0) continue; // no legal tender: never a site country
      const qArea = areaSum > 0 && countries[i].currencies.includes(k) ? gdp[i] / areaSum : 0;
      const q = par.blend_weight * qArea + (1 - par.blend_weight) * (trade[i] / tradeSum);
      const post = (q * par.n_eff + par.alpha) / (par.n_eff + par.alpha * n);
      w[i] = Math.max(post, par.min_share);
      total += w[i];
    }
    out.ulps.set(k, quantise(w, total, U, countries));
    out.sparse.set(k, areaCount < cp.sparse_threshold_countries);
  }
  return out;
}

export interface S5Result {
  ccy: CurrencyWeights;
  currency: string[]; // each merchant's home currency
  candWeight: Float64Array; // per candidate row
}

/** S5 has no RNG and runs before S4 (which does not need it) so the weights are in hand for S6's foreign draws and S7's allocation. */
export function s5Currency(_ctx: RunContext, inp: { countries: Country[]; p: Policies1A; m: Merchants; cands: CandidateRow[]; candOff: Int32Array }): S5Result {
  const { countries, p, m, cands, candOff } = inp;
  const n = m.n;
  const ccy = currencyWeights(countries, p);
  const currency = Array.from(m.home, (h) => countries[h].currency);
  const U = 10 ** ccy.dp;
  const candWeight = new Float64Array(cands.length);
  for (let i = 0; i < n; i++) {
    const ul = ccy.ulps.get(currency[i])!;
    for (let j = candOff[i]; j < candOff[i + 1]; j++) candWeight[j] = ul[cands[j].iso] / U;
  }
  return { ccy, currency, candWeight };
}

/** Largest remainder to exactly U units; ties by ISO A→Z (countries are sorted, so by index). */
function quantise(w: Float64Array, total: number, U: number, countries: Country[]): Int32Array {
  const n = w.length;
  const units = new Int32Array(n);
  const rem = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const a = (w[i] / total) * U;
    units[i] = Math.floor(a);
    rem[i] = a - units[i];
    given += units[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => w[i] > 0);
  order.sort((a, b) => rem[b] - rem[a] || (countries[a].iso2 < countries[b].iso2 ? -1 : 1));
  for (let j = 0; given < U; j++, given++) units[order[j % order.length]]++;
  return units;
}
