// RNG-free and small per-merchant parts of 3B as pure functions: S1 classification ladder, S1
// settlement node (two draws of family 3B.settlement per virtual merchant), identifiers, the
// mix/placement tables S2's kernels read, and edge weights.
import { createHash } from 'node:crypto';
import { asciiCompare } from '../../core/hash.js';
import { aliasBuild } from '../../rng/alias.js';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import { Substream } from '../../rng/stream.js';
import { unitVec, EARTH_RADIUS_KM, type GeoRef, type Place } from './geo.js';
import type { MixTables } from './kernels_ref.js';
import type { EdgesPolicy, Policies3B, RulesPolicy, SettlementPolicy, VirtualMode } from './policies.js';

// ── S1 classification ──

export interface MerchantCtx {
  merchant_id: bigint;
  mcc: number;
  channel: string;
  n_outlets: number;
}
export interface Classification {
  mode: VirtualMode;
  reason: 'RULE_MATCH' | 'OVERRIDE_ACCEPT' | 'OVERRIDE_DENY' | 'DEFAULT_GUARD';
  rule_id: string | null;
  virtual_share: number;
}

/** Rules in evaluation order: priority descending, rule_id ASCII. */
export function orderedRules(r: RulesPolicy) {
  return [...r.rules].sort((a, b) => b.priority - a.priority || asciiCompare(a.rule_id, b.rule_id));
}

export function classify(r: RulesPolicy, rules: ReturnType<typeof orderedRules>, m: MerchantCtx, overrides: Map<bigint, VirtualMode>): Classification {
  const share = (mode: VirtualMode) => (mode === 'VIRTUAL_ONLY' ? 1 : mode === 'HYBRID' ? r.hybrid_virtual_share : 0);
  const o = overrides.get(m.merchant_id);
  if (o !== undefined) return { mode: o, reason: o === 'NON_VIRTUAL' ? 'OVERRIDE_DENY' : 'OVERRIDE_ACCEPT', rule_id: null, virtual_share: share(o) };
  for (const rule of rules) {
    if (rule.mccs && !rule.mccs.includes(m.mcc)) continue;
    if (rule.channels && !rule.channels.includes(m.channel as 'card_present')) continue;
    if (rule.min_outlets !== undefined && m.n_outlets < rule.min_outlets) continue;
    if (rule.max_outlets !== undefined && m.n_outlets > rule.max_outlets) continue;
    return { mode: rule.mode, reason: 'RULE_MATCH', rule_id: rule.rule_id, virtual_share: share(rule.mode) };
  }
  return { mode: r.default_mode, reason: 'DEFAULT_GUARD', rule_id: null, virtual_share: share(r.default_mode) };
}

// ── identifiers ──

/** Low 64 bits (last 8 bytes, big-endian) of SHA-256(tag ‖ 0x1F ‖ merchant_id ‖ [0x1F ‖ LE32(seq)]) as 16 hex. */
export function hexId(tag: string, merchantId: bigint, seq?: number): string {
  const h = createHash('sha256')
    .update(tag)
    .update(Buffer.from([0x1f]))
    .update(merchantId.toString());
  if (seq !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(seq);
    h.update(Buffer.from([0x1f])).update(b);
  }
  return h.digest().subarray(24, 32).toString('hex');
}
export const settlementSiteId = (m: bigint) => hexId('3B.SETTLEMENT', m);
export const edgeId = (m: bigint, seq: number) => hexId('3B.EDGE', m, seq);

// ── S1 settlement node ──

export interface SettlementPick {
  place: Place | null;
  lat: number;
  lon: number;
  bucket: number;
  draws: number;
  blocks: number;
}

/** Candidates of a home country: its places, population desc (ties geonameid), at most max_candidates. */
export function settlementCandidates(geo: GeoRef, sp: SettlementPolicy, iso: string): Place[] {
  return (geo.places.get(iso) ?? []).slice(0, sp.max_candidates);
}

/** Two draws: the rank bucket (CDF over non-empty buckets, renormalised), then a place within it
 *  with weight (population + offset)^exponent. No candidate: the country's representative point. */
export function pickSettlement(sp: SettlementPolicy, cands: Place[], rep: [number, number], k: [number, number]): SettlementPick {
  const s = new Substream(k[0], k[1]);
  const u1 = s.u01();
  const u2 = s.u01();
  const n = cands.length;
  if (n === 0) return { place: null, lat: rep[0], lon: rep[1], bucket: -1, draws: s.draws, blocks: s.blocks };
  const live = sp.buckets.map((b, i) => ({ i, a: b.first_rank, z: Math.min(b.last_rank, n - 1), p: b.probability })).filter((b) => b.a <= b.z);
  let tot = 0;
  for (const b of live) tot += b.p;
  let acc = 0;
  let chosen = live[live.length - 1];
  for (const b of live) {
    acc += b.p / tot;
    if (u1 < acc) {
      chosen = b;
      break;
    }
  }
  let wsum = 0;
  const w: number[] = [];
  for (let r = chosen.a; r <= chosen.z; r++) {
    const x = fm_exp(sp.population_exponent * fm_log(cands[r].population + sp.population_offset));
    w.push(x);
    wsum += x;
  }
  const target = u2 * wsum;
  let cum = 0;
  let pick = chosen.z;
  for (let r = chosen.a; r <= chosen.z; r++) {
    cum += w[r - chosen.a];
    if (target < cum) {
      pick = r;
      break;
    }
  }
  const place = cands[pick];
  return { place, lat: place.lat, lon: place.lon, bucket: chosen.i, draws: s.draws, blocks: s.blocks };
}

// ── S2 tables ──

export interface PlacementTables extends MixTables {
  isos: string[];
  index: Map<string, number>;
  /** per country: 1 when edges are jittered and checked against a polygon, 0 = placed at the place itself */
  jittered: Uint8Array;
  /** per city row: geonameid (−1 = representative point), population */
  cityGeoname: Int32Array;
  cityPop: Float64Array;
  /** cdn base weight per country (before the exponent) */
  baseWeight: Float64Array;
}

/** The countries edges may go to (every ISO country with at least one placeable point), ASCII order. */
export function placementTables(p: Policies3B, geo: GeoRef, isos: string[]): PlacementTables {
  const pl = p.edges.placement;
  const a = p.edges.country_mix.weight_exponent;
  const keep: string[] = [];
  const cities: { iso: string; list: { lat: number; lon: number; pop: number; id: number }[] }[] = [];
  for (const iso of [...isos].sort(asciiCompare)) {
    const places = geo.places.get(iso) ?? [];
    const poly = geo.hasPolygon(iso);
    const ok = (q: { lat: number; lon: number }) => !poly || geo.inside(iso, q.lon, q.lat);
    let list = places.filter((q) => q.population >= pl.min_city_population && ok(q)).slice(0, pl.cities_per_country);
    if (list.length === 0) list = places.filter(ok).slice(0, 1);
    const mapped = list.map((q) => ({ lat: q.lat, lon: q.lon, pop: Math.max(1, q.population), id: q.geonameid }));
    if (mapped.length === 0) {
      const rep = geo.rep.get(iso);
      if (rep && ok({ lat: rep[0], lon: rep[1] })) mapped.push({ lat: rep[0], lon: rep[1], pop: 1, id: -1 });
    }
    if (mapped.length === 0) continue;
    keep.push(iso);
    cities.push({ iso, list: mapped });
  }
  const nC = keep.length;
  const pw = new Float64Array(nC),
    baseWeight = new Float64Array(nC),
    cU = new Float64Array(3 * nC),
    jittered = new Uint8Array(nC);
  const cityOff = new Int32Array(nC + 1);
  const lat: number[] = [],
    lon: number[] = [],
    prob: number[] = [],
    alias: number[] = [],
    gid: number[] = [],
    pop: number[] = [];
  keep.forEach((iso, c) => {
    const w = p.cdn.countries[iso] ?? p.cdn.tail_weight;
    baseWeight[c] = w;
    pw[c] = fm_exp(a * fm_log(w));
    const rep = geo.rep.get(iso) ?? [cities[c].list[0].lat, cities[c].list[0].lon];
    cU.set(unitVec(rep[0], rep[1]), 3 * c);
    jittered[c] = geo.hasPolygon(iso) ? 1 : 0;
    const list = cities[c].list;
    const t = aliasBuild(list.map((q) => fm_exp(pl.city_weight_exponent * fm_log(q.pop))));
    for (let i = 0; i < list.length; i++) {
      lat.push(list[i].lat);
      lon.push(list[i].lon);
      prob.push(t.prob[i]);
      alias.push(t.alias[i]);
      gid.push(list[i].id);
      pop.push(list[i].pop);
    }
    cityOff[c + 1] = lat.length;
  });
  return {
    isos: keep,
    index: new Map(keep.map((x, i) => [x, i])),
    nC,
    pw,
    cU,
    cityOff,
    cityProb: Float64Array.from(prob),
    cityAlias: Int32Array.from(alias),
    cityLat: Float64Array.from(lat),
    cityLon: Float64Array.from(lon),
    jittered,
    cityGeoname: Int32Array.from(gid),
    cityPop: Float64Array.from(pop),
    baseWeight,
  };
}

/** mu of the NB2 edge count of one merchant. */
export function edgeMu(e: EdgesPolicy, mode: VirtualMode, merchantClass: string, nOutlets: number, legalCountries: number): number {
  const ec = e.edge_count;
  const modeMult = mode === 'HYBRID' ? ec.mode_multiplier.HYBRID : ec.mode_multiplier.VIRTUAL_ONLY;
  const cls = ec.class_multiplier[merchantClass] ?? ec.default_class_multiplier;
  return (
    ec.base_mu *
    fm_exp(ec.outlets_exponent * fm_log(Math.max(1, nOutlets))) *
    fm_exp(ec.countries_exponent * fm_log(Math.max(1, legalCountries))) *
    modeMult *
    cls
  );
}

/**
 * Edge weights of one merchant: edge e in country c gets pc_e × cw_e / Σ_{e' of the merchant in c} cw_e',
 * pc_e = the catchment share of c (the mix mass of every country whose nearest edge country is c,
 * computed by the k3bEdgeSlots kernel), cw = host population^city_share_exponent; normalised to 1
 * over the merchant's edges (edge order sums).
 */
export function edgeWeights(e: EdgesPolicy, country: ArrayLike<number>, pc: ArrayLike<number>, cityPop: ArrayLike<number>, out: Float64Array): Float64Array {
  const k = country.length;
  const cw = new Float64Array(k);
  const byC = new Map<number, number>();
  for (let j = 0; j < k; j++) {
    cw[j] = fm_exp(e.weights.city_share_exponent * fm_log(cityPop[j]));
    byC.set(country[j], (byC.get(country[j]) ?? 0) + cw[j]);
  }
  let s = 0;
  for (let j = 0; j < k; j++) {
    out[j] = (pc[j] * cw[j]) / byC.get(country[j])!;
    s += out[j];
  }
  for (let j = 0; j < k; j++) out[j] = out[j] / s;
  return out;
}

export { EARTH_RADIUS_KM };
