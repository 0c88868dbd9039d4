// Segment 3B: which merchants are virtual, where each settles, and the CDN edge world their
// card-not-present traffic appears to come through.
//   S0 gate+seal (1A 1B 2A 2B 3A) → S1 classification (MCC × channel ladder) + one settlement node
//   per virtual merchant (home-country GeoNames place, 2A's zone) → S2 edge catalogue: merchant-
//   conditioned edge count (NB2 by size/class/mode) and reach, gravity country mix around the
//   settlement node, host city + jitter inside the country polygon, 2A's zone (wasm) → S3 edge
//   alias slices in 2B's layout + edge_universe_hash_3B → S4 virtual_routing_policy_3B +
//   virtual_validation_contract_3B → S5 checks + bundle.
import { load2A } from '../2A/read.js';
import { FamilyKeys } from '../../rng/keys.js';
import { fm_log } from '../../rng/fmath.js';
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k3bEdgeAlias, k3bEdgeJitter, k3bEdgePlan, k3bEdgeSlots } from '../../kernels/3B.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { loadCountries } from '../../reference/countries.js';
import { ZoneLookup, edgeTzSource } from '../../laws/tz/zone.js';
import { load3B, type Policies3B, type VirtualMode } from './policies.js';
import { loadGeo, unitVec, EARTH_RADIUS_KM, type GeoRef } from './geo.js';
import { classify, orderedRules, pickSettlement, settlementCandidates, settlementSiteId, placementTables, edgeMu, edgeWeights, edgeId, type PlacementTables } from './model.js';
import { readInputs3B, type Inputs3B } from './inputs.js';
import { publish3B } from './outputs.js';
import { validate3B } from './validate.js';
import { SHARD_MERCHANTS, SHARD_EDGES, FAMILIES, World3B } from './world.js';

export const segment3B: SegmentDef = {
  id: '3B',
  layer: 1,
  upstream: ['1A', '1B', '2A', '2B', '3A'],
  async preflight(ctx) {
    checkPolicies(ctx, load3B(ctx.pack));
  },
  async run(ctx) {
    await runS0(ctx, '3B', ['1A', '1B', '2A', '2B', '3A'], 'layer1/3B/');
    const p = load3B(ctx.pack);
    const inputs = await readInputs3B(ctx);
    const w = await build3B(ctx, p, inputs);
    const pub = await publish3B(ctx, w);
    await validate3B(ctx, w, pub);
    return { rows: pub.rows };
  },
};

/** Cross-field checks a schema cannot express. */
export function checkPolicies(ctx: Pick<RunContext, 'pack'>, p: Policies3B): void {
  const where = (f: string, field: string) => `${ctx.pack.dir}/${f}: ${field}`;
  const isos = new Set(loadCountries().countries.map((c) => c.iso2));
  for (const iso of Object.keys(p.cdn.countries)) if (!isos.has(iso)) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `"${iso}" is not an ISO 3166-1 alpha-2 country`, where(p.files.cdn, `countries.${iso}`), 'use a code such as DE');
  const ids = new Set<string>();
  p.rules.rules.forEach((r, i) => {
    if (ids.has(r.rule_id)) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `rule_id ${r.rule_id} is used twice`, where(p.files.rules, `/rules/${i}/rule_id`), 'give every rule a distinct rule_id');
    ids.add(r.rule_id);
    if (r.min_outlets !== undefined && r.max_outlets !== undefined && r.min_outlets > r.max_outlets) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'min_outlets exceeds max_outlets', where(p.files.rules, `/rules/${i}`), 'make min_outlets <= max_outlets');
  });
  const ec = p.edges.edge_count;
  if (ec.min_edges > ec.max_edges) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'min_edges exceeds max_edges', where(p.files.edges, '/edge_count'), 'make min_edges <= max_edges');
  if (!(p.edges.country_mix.global_floor > 0)) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'global_floor must be > 0 (a merchant far from every country would have no mass)', where(p.files.edges, '/country_mix/global_floor'), 'use e.g. 0.03');
  const b = p.settlement.buckets;
  b.forEach((x, i) => {
    if (x.first_rank > x.last_rank || (i > 0 && x.first_rank <= b[i - 1].last_rank)) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'buckets must be disjoint rank ranges in increasing order', where(p.files.settlement, `/buckets/${i}`), 'fix first_rank/last_rank');
  });
}

type Key = Pick<RunContext, 'manifest_fingerprint' | 'seed' | 'parameter_hash'>;
function keysFor(ctx: Key, family: string, ids: bigint[][]): Uint32Array {
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, family);
  const out = new Uint32Array(ids.length * 2);
  ids.forEach((x, i) => {
    const [a, b] = fk.forIds(...x);
    out[2 * i] = a;
    out[2 * i + 1] = b;
  });
  return out;
}

export async function build3B(ctx: RunContext, p: Policies3B, inp: Inputs3B): Promise<World3B> {
  const trace = new RngTrace('3B');
  const geo = loadGeo(ctx.pack);
  const zones = new ZoneLookup(load2A(ctx.pack));
  const n = inp.n;

  // ── S1 classification ──
  const rules = orderedRules(p.rules);
  const overrides = new Map(p.rules.overrides.map((o) => [BigInt(o.merchant_id), o.mode]));
  const mode: VirtualMode[] = new Array(n), reason: string[] = new Array(n), ruleId: (string | null)[] = new Array(n);
  const virtualShare = new Float64Array(n);
  const vList: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = classify(p.rules, rules, { merchant_id: inp.merchant[i], mcc: inp.mcc[i], channel: inp.channel[i], n_outlets: inp.nOutlets[i] }, overrides);
    mode[i] = c.mode;
    reason[i] = c.reason;
    ruleId[i] = c.rule_id;
    virtualShare[i] = c.virtual_share;
    if (c.mode !== 'NON_VIRTUAL') vList.push(i);
  }
  const vIdx = Int32Array.from(vList);
  const V = vIdx.length;
  const vMerchant = Array.from(vIdx, (i) => inp.merchant[i]);

  // ── S1 settlement nodes (2 draws each, family 3B.settlement) ──
  const sKeys = keysFor(ctx, FAMILIES.settlement, vMerchant.map((m) => [m]));
  const settle = { lat: new Float64Array(V), lon: new Float64Array(V), tzid: new Array<string>(V), tzSource: new Array<string>(V), geonameid: new Int32Array(V), bucket: new Int32Array(V), siteId: new Array<string>(V), country: new Array<string>(V) };
  const sDraws = new Uint32Array(V), sBlocks = new Uint32Array(V);
  for (let v = 0; v < V; v++) {
    const i = vIdx[v];
    const home = inp.home[i];
    const pick = pickSettlement(p.settlement, settlementCandidates(geo, p.settlement, home), geo.rep.get(home) ?? [0, 0], [sKeys[2 * v], sKeys[2 * v + 1]]);
    const z = zones.at(pick.lat, pick.lon, home); // legal time of the place: country overrides, never MCC ones
    settle.lat[v] = pick.lat;
    settle.lon[v] = pick.lon;
    settle.tzid[v] = z.tzid;
    settle.tzSource[v] = z.override ? 'OVERRIDE' : 'DERIVED';
    settle.geonameid[v] = pick.place ? pick.place.geonameid : -1;
    settle.bucket[v] = pick.bucket;
    settle.siteId[v] = settlementSiteId(inp.merchant[i]);
    settle.country[v] = home;
    sDraws[v] = pick.draws;
    sBlocks[v] = pick.blocks;
  }
  trace.add(FAMILIES.settlement, sDraws, sBlocks);

  // ── S2 edge plan: count E (NB2 by size/class/mode) and reach L ──
  const tables = placementTables(p, geo, loadCountries().countries.map((c) => c.iso2));
  const ec = p.edges.edge_count;
  const mu = Float64Array.from(vIdx, (i) => edgeMu(p.edges, mode[i], inp.merchantClass[i], inp.nOutlets[i], Math.max(1, inp.footprint[i].length)));
  const pKeys = keysFor(ctx, FAMILIES.plan, vMerchant.map((m) => [m]));
  const kP = SharedCol.from('u32', pKeys), muC = SharedCol.from('f64', mu);
  const eC = new SharedCol('i32', V), lC = new SharedCol('f64', V), pd = new SharedCol('u32', V), pb = new SharedCol('u32', V);
  const r = p.edges.reach;
  await runShards(ctx.pool, V, SHARD_MERCHANTS, ({ start: s, end: e }) => k3bEdgePlan.task({
    n: e - s, keys: kP.in(s, e, 2), mu: muC.in(s, e), phi: ec.phi, minE: ec.min_edges, maxE: ec.max_edges, lnBase: fm_log(r.base_km), elasticity: r.edges_elasticity, sigma: r.sigma, baseMu: ec.base_mu,
    outE: eC.out(s, e), outReach: lC.out(s, e), outDraws: pd.out(s, e), outBlocks: pb.out(s, e),
  }), ctx.progress.stage('3B S2 edge plan', V));
  const E = Int32Array.from(eC.view() as Int32Array);
  const reach = Float64Array.from(lC.view() as Float64Array);
  const planDraws = Uint32Array.from(pd.view() as Uint32Array), planBlocks = Uint32Array.from(pb.view() as Uint32Array);
  trace.add(FAMILIES.plan, planDraws, planBlocks);
  const edgeOff = new Int32Array(V + 1);
  for (let v = 0; v < V; v++) edgeOff[v + 1] = edgeOff[v] + E[v];
  const nE = edgeOff[V];

  // ── S2 edge slots: gravity country mix → country, host city, jitter attempt 0 (one substream per edge) ──
  const edgeIdsList: bigint[][] = [];
  for (let v = 0; v < V; v++) for (let k = 0; k < E[v]; k++) edgeIdsList.push([vMerchant[v], BigInt(k)]);
  const eKeys = keysFor(ctx, FAMILIES.place, edgeIdsList);
  const settleU = new Float64Array(3 * V), settleC = new Int32Array(V);
  const fpOff = new Int32Array(V + 1), fpIdx: number[] = [];
  for (let v = 0; v < V; v++) {
    settleU.set(unitVec(settle.lat[v], settle.lon[v]), 3 * v);
    settleC[v] = tables.index.get(settle.country[v]) ?? -1;
    for (const c of inp.footprint[vIdx[v]]) {
      const ci = tables.index.get(c);
      if (ci !== undefined) fpIdx.push(ci);
    }
    fpOff[v + 1] = fpIdx.length;
  }
  const cm = p.edges.country_mix, pl = p.edges.placement;
  const T = {
    pw: SharedCol.from('f64', tables.pw), cU: SharedCol.from('f64', tables.cU), cityOff: SharedCol.from('i32', tables.cityOff), cityProb: SharedCol.from('f64', tables.cityProb),
    cityAlias: SharedCol.from('i32', tables.cityAlias), cityLat: SharedCol.from('f64', tables.cityLat), cityLon: SharedCol.from('f64', tables.cityLon),
  };
  const sU = SharedCol.from('f64', settleU), sC = SharedCol.from('i32', settleC), rC = SharedCol.from('f64', reach);
  const eOffL = SharedCol.from('i32', localOffsets(edgeOff, V, SHARD_MERCHANTS)), fOffL = SharedCol.from('i32', localOffsets(fpOff, V, SHARD_MERCHANTS)), fI = SharedCol.from('i32', fpIdx);
  const kE = SharedCol.from('u32', eKeys);
  const oCountry = new SharedCol('i32', nE), oCity = new SharedCol('i32', nE), oLat = new SharedCol('f64', nE), oLon = new SharedCol('f64', nE), oPc = new SharedCol('f64', nE), od = new SharedCol('u32', nE), ob = new SharedCol('u32', nE);
  await runShards(ctx.pool, V, SHARD_MERCHANTS, ({ start: s, end: e, k }) => {
    const a = edgeOff[s], b = edgeOff[e]; // the shard's edges
    return k3bEdgeSlots.task({
      n: e - s, nC: tables.nC, settleU: sU.in(s, e, 3), settleC: sC.in(s, e), reach: rC.in(s, e), edgeOff: eOffL.in(s + k, e + k + 1), fpOff: fOffL.in(s + k, e + k + 1), fpIdx: fI.in(fpOff[s], fpOff[e]),
      edgeKeys: kE.in(a, b, 2), pw: T.pw.all(), cU: T.cU.all(), cityOff: T.cityOff.all(), cityProb: T.cityProb.all(), cityAlias: T.cityAlias.all(), cityLat: T.cityLat.all(), cityLon: T.cityLon.all(),
      g: cm.global_floor, bs: cm.settlement_boost, bf: cm.footprint_boost, radius: EARTH_RADIUS_KM, jitterKm: pl.jitter_km,
      outCountry: oCountry.out(a, b), outCity: oCity.out(a, b), outLat: oLat.out(a, b), outLon: oLon.out(a, b), outPc: oPc.out(a, b), outDraws: od.out(a, b), outBlocks: ob.out(a, b),
    });
  }, ctx.progress.stage('3B S2 edge slots', V));
  const country = Int32Array.from(oCountry.view() as Int32Array), city = Int32Array.from(oCity.view() as Int32Array);
  const lat = Float64Array.from(oLat.view() as Float64Array), lon = Float64Array.from(oLon.view() as Float64Array), pc = Float64Array.from(oPc.view() as Float64Array);
  const placeDraws = Uint32Array.from(od.view() as Uint32Array), placeBlocks = Uint32Array.from(ob.view() as Uint32Array);

  // ── S2 jitter retries until the point lies inside its country (polygon-less countries: the place itself) ──
  const attempts = new Int32Array(nE).fill(1);
  const fallback = new Uint8Array(nE);
  let pending: number[] = [];
  for (let j = 0; j < nE; j++) {
    const c = country[j];
    if (!tables.jittered[c]) {
      lat[j] = tables.cityLat[city[j]];
      lon[j] = tables.cityLon[city[j]];
      attempts[j] = 0;
    } else if (!geo.inside(tables.isos[c], lon[j], lat[j])) pending.push(j);
  }
  for (let a = 1; pending.length > 0 && a < pl.max_attempts; a++) {
    const m = pending.length;
    const pk = new Uint32Array(2 * m), at = new Int32Array(m).fill(a), cl = new Float64Array(m), co = new Float64Array(m);
    pending.forEach((j, t) => {
      pk[2 * t] = eKeys[2 * j];
      pk[2 * t + 1] = eKeys[2 * j + 1];
      cl[t] = tables.cityLat[city[j]];
      co[t] = tables.cityLon[city[j]];
    });
    const cK = SharedCol.from('u32', pk), cA = SharedCol.from('i32', at), cLa = SharedCol.from('f64', cl), cLo = SharedCol.from('f64', co);
    const nLa = new SharedCol('f64', m), nLo = new SharedCol('f64', m), nd = new SharedCol('u32', m), nb = new SharedCol('u32', m);
    await runShards(ctx.pool, m, SHARD_EDGES, ({ start: s, end: e }) => k3bEdgeJitter.task({
      n: e - s, edgeKeys: cK.in(s, e, 2), attempt: cA.in(s, e), lat: cLa.in(s, e), lon: cLo.in(s, e), jitterKm: pl.jitter_km, outLat: nLa.out(s, e), outLon: nLo.out(s, e), outDraws: nd.out(s, e), outBlocks: nb.out(s, e),
    }), ctx.progress.stage(`3B S2 jitter retry ${a}`, m));
    const next: number[] = [];
    pending.forEach((j, t) => {
      lat[j] = (nLa.view() as Float64Array)[t];
      lon[j] = (nLo.view() as Float64Array)[t];
      placeDraws[j] = (nd.view() as Uint32Array)[t];
      placeBlocks[j] = (nb.view() as Uint32Array)[t];
      attempts[j] = a + 1;
      if (!geo.inside(tables.isos[country[j]], lon[j], lat[j])) next.push(j);
    });
    pending = next;
  }
  for (const j of pending) {
    // every listed place lies inside its polygon (placementTables), so the place itself is a valid edge point
    lat[j] = tables.cityLat[city[j]];
    lon[j] = tables.cityLon[city[j]];
    fallback[j] = 1;
  }
  trace.add(FAMILIES.place, placeDraws, placeBlocks);

  // ── S2 operational zone (2A's ladder + overrides), edge ids and weights ──
  const tzid: string[] = new Array(nE), tzSource: string[] = new Array(nE), edgeIds: string[] = new Array(nE);
  const weight = new Float64Array(nE);
  for (let v = 0; v < V; v++) {
    const a = edgeOff[v], b = edgeOff[v + 1];
    for (let j = a; j < b; j++) {
      const z = zones.at(lat[j], lon[j], tables.isos[country[j]]); // an edge's civil time: country overrides only
      tzid[j] = z.tzid;
      tzSource[j] = edgeTzSource(z);
      edgeIds[j] = edgeId(vMerchant[v], j - a);
    }
    edgeWeights(p.edges, country.subarray(a, b), pc.subarray(a, b), Array.from(city.subarray(a, b), (c) => tables.cityPop[c]), weight.subarray(a, b));
  }

  // ── S3 alias slices (2B layout, padded to alignment) ──
  const al = p.edges.alias;
  const padWords = al.alignment_bytes / 4;
  const wordOff = new Uint32Array(V + 1);
  for (let v = 0; v < V; v++) {
    const w = 4 + 2 * E[v];
    wordOff[v + 1] = wordOff[v] + Math.ceil(w / padWords) * padWords;
  }
  const wOffC = SharedCol.from('u32', localOffsets(wordOff, V, SHARD_MERCHANTS)), wC = SharedCol.from('f64', weight);
  const words = new SharedCol('u32', wordOff[V]), left = new SharedCol('i32', V);
  await runShards(ctx.pool, V, SHARD_MERCHANTS, ({ start: s, end: e, k }) => k3bEdgeAlias.task({
    n: e - s, edgeOff: eOffL.in(s + k, e + k + 1), weight: wC.in(edgeOff[s], edgeOff[e]), outWord: wOffC.in(s + k, e + k + 1), bits: al.quantised_bits, qbits: al.prob_qbits, out: words.out(wordOff[s], wordOff[e]), outLeft: left.out(s, e),
  }), ctx.progress.stage('3B S3 edge alias', V));

  return {
    p, in: inp, geo, mode, reason, ruleId, virtualShare, vIdx, settle, E, reach, edgeOff, tables,
    country, city, lat, lon, pc, attempts, fallback, tzid, tzSource, weight, edgeIds,
    words: Uint32Array.from(words.view() as Uint32Array), wordOff, quantLeft: Int32Array.from(left.view() as Int32Array),
    keys: { settlement: sKeys, plan: pKeys, place: eKeys }, planDraws, planBlocks, placeDraws, placeBlocks, trace,
  };
}
