// 3B realism metrics over the computed world (pure functions of it; fm_* wherever a value reaches
// bundle bytes). Names match config/layer1/3B/validation.yaml corridors and the upstream
// virtual_validation realism_checks.
import { fm_log } from '../../rng/fmath.js';
import { chordKm, unitVec } from './geo.js';
import type { World3B } from './world.js';

const median = (a: number[]) => quantile(a, 0.5);
export function quantile(a: number[], q: number): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
function cv(a: number[]): number {
  if (a.length === 0) return NaN;
  let m = 0;
  for (const x of a) m += x;
  m /= a.length;
  let v = 0;
  for (const x of a) v += (x - m) * (x - m);
  return Math.sqrt(v / a.length) / m;
}

/** Implied probabilities of one 2B-layout slice [n, qbits, 0, 0] q[n] alias[n]. */
export function sliceProbabilities(words: Uint32Array, at: number): Float64Array {
  const n = words[at],
    qbits = words[at + 1];
  const scale = 2 ** qbits;
  const p = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const q = words[at + 4 + j] / scale;
    const a = words[at + 4 + n + j];
    p[j] += q / n;
    p[a] += (1 - q) / n;
  }
  return p;
}

export interface EdgeStats {
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
  mean: number;
  total: number;
  merchants: number;
}

export function edgeCountStats(E: Int32Array): EdgeStats {
  const a = Array.from(E);
  return {
    min: Math.min(...a),
    p10: quantile(a, 0.1),
    p50: quantile(a, 0.5),
    p90: quantile(a, 0.9),
    max: Math.max(...a),
    mean: a.reduce((x, y) => x + y, 0) / Math.max(1, a.length),
    total: a.reduce((x, y) => x + y, 0),
    merchants: a.length,
  };
}

export function realismMetrics3B(w: World3B): Record<string, number> {
  const V = w.vIdx.length;
  const t = w.tables;
  let baseSum = 0;
  for (let c = 0; c < t.nC; c++) baseSum += t.baseWeight[c];
  const countries: number[] = [],
    top1: number[] = [],
    top1u: number[] = [],
    js: number[] = [],
    overlap: number[] = [],
    dist: number[] = [];
  let maxDelta = 0;
  for (let v = 0; v < V; v++) {
    const a = w.edgeOff[v],
      b = w.edgeOff[v + 1];
    const mass = new Map<number, number>();
    let t1 = 0,
      ov = 0,
      dsum = 0;
    const su = unitVec(w.settle.lat[v], w.settle.lon[v]);
    for (let j = a; j < b; j++) {
      mass.set(w.country[j], (mass.get(w.country[j]) ?? 0) + w.weight[j]);
      if (w.weight[j] > t1) t1 = w.weight[j];
      if (t.isos[w.country[j]] === w.settle.country[v]) ov += w.weight[j];
      dsum += w.weight[j] * chordKm(su, unitVec(w.lat[j], w.lon[j]));
    }
    countries.push(mass.size);
    top1.push(t1);
    top1u.push(t1 * (b - a));
    overlap.push(ov);
    dist.push(dsum);
    // Jensen–Shannon divergence (nats) between the merchant's country mass and the global base mix
    let d = 0;
    for (const [c, pm] of [...mass.entries()].sort((x, y) => x[0] - y[0])) {
      const q = t.baseWeight[c] / baseSum;
      const m = 0.5 * (pm + q);
      d += 0.5 * pm * fm_log(pm / m);
    }
    let qRest = 0;
    for (let c = 0; c < t.nC; c++) {
      const q = t.baseWeight[c] / baseSum;
      const pm = mass.get(c) ?? 0;
      const m = 0.5 * (pm + q);
      if (q > 0) qRest += 0.5 * q * fm_log(q / m);
    }
    js.push(d + qRest);
    const p = sliceProbabilities(w.words, w.wordOff[v]);
    for (let j = a; j < b; j++) maxDelta = Math.max(maxDelta, Math.abs(p[j - a] - w.weight[j]));
  }
  const ruled = Array.from(w.vIdx).filter((i) => w.ruleId[i] !== null);
  const fb = w.fallback.reduce((x, y) => x + y, 0);
  return {
    virtual_merchant_share: w.in.n ? V / w.in.n : NaN,
    edge_count_cv: cv(Array.from(w.E)),
    country_count_cv: cv(countries),
    top1_share_p50: median(top1),
    top1_over_uniform_p50: median(top1u),
    js_divergence_median: median(js),
    settlement_overlap_median: median(overlap),
    settlement_overlap_p75: quantile(overlap, 0.75),
    settlement_distance_median_km: median(dist),
    rule_id_non_null_rate: V ? ruled.length / V : NaN,
    active_rule_id_count: new Set(ruled.map((i) => w.ruleId[i])).size,
    alias_max_abs_delta: maxDelta,
    edge_jitter_fallback_share: w.weight.length ? fb / w.weight.length : 0,
    countries_per_merchant_p50: median(countries),
  };
}
