// 3B.S2: the edge catalogue — per virtual merchant an edge count (NB2 by size/class/mode) and reach, then per edge a gravity
// country mix around the settlement node, host city + jitter inside the country polygon (wasm), 2A's zone, id and weight.
import { fm_log } from '../../rng/fmath.js';
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k3bEdgeJitter, k3bEdgePlan, k3bEdgeSlots } from '../../kernels/3B.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { loadCountries } from '../../reference/countries.js';
import { edgeTzSource, type ZoneLookup } from '../../laws/tz/zone.js';
import type { Policies3B, VirtualMode } from './policies.js';
import { unitVec, EARTH_RADIUS_KM, type GeoRef } from './geo.js';
import { placementTables, edgeMu, edgeWeights, edgeId, type PlacementTables } from './model.js';
import type { Inputs3B } from './inputs.js';
import { SHARD_MERCHANTS, SHARD_EDGES, FAMILIES, type World3B } from './world.js';
import { tupleKeys } from '../../rng/keys.js';

export interface S2Input {
  p: Policies3B;
  inp: Inputs3B;
  geo: GeoRef;
  zones: ZoneLookup;
  trace: RngTrace;
  mode: VirtualMode[];
  vIdx: Int32Array;
  vMerchant: bigint[];
  settle: World3B['settle'];
}

export async function s2Edges(ctx: RunContext, { p, inp, geo, zones, trace, mode, vIdx, vMerchant, settle }: S2Input) {
  const tables = placementTables(
    p,
    geo,
    loadCountries().countries.map((c) => c.iso2),
  );
  const { pKeys, E, reach, planDraws, planBlocks, edgeOff, nE } = await edgePlan(ctx, { p, inp, trace, mode, vIdx, vMerchant });
  const s = await edgeSlots(ctx, { p, inp, vIdx, vMerchant, settle, tables, E, reach, edgeOff, nE });
  const { eKeys, country, city, lat, lon, pc, placeDraws, placeBlocks } = s;
  const { attempts, fallback } = await jitterRetries(ctx, { p, geo, tables, eKeys, country, city, lat, lon, placeDraws, placeBlocks, nE });
  trace.add(FAMILIES.place, placeDraws, placeBlocks);
  const z = edgeZones({ p, zones, tables, vMerchant, edgeOff, country, city, lat, lon, pc, nE });
  return {
    tables,
    pKeys,
    E,
    reach,
    planDraws,
    planBlocks,
    edgeOff,
    eKeys,
    eOffL: s.eOffL,
    country,
    city,
    lat,
    lon,
    pc,
    placeDraws,
    placeBlocks,
    attempts,
    fallback,
    ...z,
  };
}

export type S2Edges = Awaited<ReturnType<typeof s2Edges>>;

/** Edge plan: count E (NB2 by size/class/mode) and reach L, one plan draw set per virtual merchant. */
async function edgePlan(ctx: RunContext, { p, inp, trace, mode, vIdx, vMerchant }: Pick<S2Input, 'p' | 'inp' | 'trace' | 'mode' | 'vIdx' | 'vMerchant'>) {
  const V = vIdx.length;
  const ec = p.edges.edge_count;
  const mu = Float64Array.from(vIdx, (i) => edgeMu(p.edges, mode[i], inp.merchantClass[i], inp.nOutlets[i], Math.max(1, inp.footprint[i].length)));
  const pKeys = tupleKeys(
    ctx,
    FAMILIES.plan,
    vMerchant.map((m) => [m]),
  );
  const kP = SharedCol.from('u32', pKeys),
    muC = SharedCol.from('f64', mu);
  const eC = new SharedCol('i32', V),
    lC = new SharedCol('f64', V),
    pd = new SharedCol('u32', V),
    pb = new SharedCol('u32', V);
  const r = p.edges.reach;
  await runShards(
    ctx.pool,
    V,
    SHARD_MERCHANTS,
    ({ start: s, end: e }) =>
      k3bEdgePlan.task({
        n: e - s,
        keys: kP.in(s, e, 2),
        mu: muC.in(s, e),
        phi: ec.phi,
        minE: ec.min_edges,
        maxE: ec.max_edges,
        lnBase: fm_log(r.base_km),
        elasticity: r.edges_elasticity,
        sigma: r.sigma,
        baseMu: ec.base_mu,
        outE: eC.out(s, e),
        outReach: lC.out(s, e),
        outDraws: pd.out(s, e),
        outBlocks: pb.out(s, e),
      }),
    ctx.progress.stage('3B S2 edge plan', V, 'merchants'),
  );
  const E = Int32Array.from(eC.view() as Int32Array);
  const reach = Float64Array.from(lC.view() as Float64Array);
  const planDraws = Uint32Array.from(pd.view() as Uint32Array),
    planBlocks = Uint32Array.from(pb.view() as Uint32Array);
  trace.add(FAMILIES.plan, planDraws, planBlocks);
  const edgeOff = new Int32Array(V + 1);
  for (let v = 0; v < V; v++) edgeOff[v + 1] = edgeOff[v] + E[v];
  const nE = edgeOff[V];

  return { pKeys, E, reach, planDraws, planBlocks, edgeOff, nE };
}

interface SlotsInput {
  p: Policies3B;
  inp: Inputs3B;
  vIdx: Int32Array;
  vMerchant: bigint[];
  settle: World3B['settle'];
  tables: PlacementTables;
  E: Int32Array;
  reach: Float64Array;
  edgeOff: Int32Array;
  nE: number;
}

/** Edge slots: gravity country mix → country, host city, jitter attempt 0 (one substream per edge). */
async function edgeSlots(ctx: RunContext, { p, inp, vIdx, vMerchant, settle, tables, E, reach, edgeOff, nE }: SlotsInput) {
  const V = vIdx.length;
  const edgeIdsList: bigint[][] = [];
  for (let v = 0; v < V; v++) for (let k = 0; k < E[v]; k++) edgeIdsList.push([vMerchant[v], BigInt(k)]);
  const eKeys = tupleKeys(ctx, FAMILIES.place, edgeIdsList);
  const settleU = new Float64Array(3 * V),
    settleC = new Int32Array(V);
  const fpOff = new Int32Array(V + 1),
    fpIdx: number[] = [];
  for (let v = 0; v < V; v++) {
    settleU.set(unitVec(settle.lat[v], settle.lon[v]), 3 * v);
    settleC[v] = tables.index.get(settle.country[v]) ?? -1;
    for (const c of inp.footprint[vIdx[v]]) {
      const ci = tables.index.get(c);
      if (ci !== undefined) fpIdx.push(ci);
    }
    fpOff[v + 1] = fpIdx.length;
  }
  const cm = p.edges.country_mix,
    pl = p.edges.placement;
  const T = {
    pw: SharedCol.from('f64', tables.pw),
    cU: SharedCol.from('f64', tables.cU),
    cityOff: SharedCol.from('i32', tables.cityOff),
    cityProb: SharedCol.from('f64', tables.cityProb),
    cityAlias: SharedCol.from('i32', tables.cityAlias),
    cityLat: SharedCol.from('f64', tables.cityLat),
    cityLon: SharedCol.from('f64', tables.cityLon),
  };
  const sU = SharedCol.from('f64', settleU),
    sC = SharedCol.from('i32', settleC),
    rC = SharedCol.from('f64', reach);
  const eOffL = SharedCol.from('i32', localOffsets(edgeOff, V, SHARD_MERCHANTS)),
    fOffL = SharedCol.from('i32', localOffsets(fpOff, V, SHARD_MERCHANTS)),
    fI = SharedCol.from('i32', fpIdx);
  const kE = SharedCol.from('u32', eKeys);
  const oCountry = new SharedCol('i32', nE),
    oCity = new SharedCol('i32', nE),
    oLat = new SharedCol('f64', nE),
    oLon = new SharedCol('f64', nE),
    oPc = new SharedCol('f64', nE),
    od = new SharedCol('u32', nE),
    ob = new SharedCol('u32', nE);
  await runShards(
    ctx.pool,
    V,
    SHARD_MERCHANTS,
    ({ start: s, end: e, k }) => {
      const a = edgeOff[s],
        b = edgeOff[e]; // the shard's edges
      return k3bEdgeSlots.task({
        n: e - s,
        nC: tables.nC,
        settleU: sU.in(s, e, 3),
        settleC: sC.in(s, e),
        reach: rC.in(s, e),
        edgeOff: eOffL.in(s + k, e + k + 1),
        fpOff: fOffL.in(s + k, e + k + 1),
        fpIdx: fI.in(fpOff[s], fpOff[e]),
        edgeKeys: kE.in(a, b, 2),
        pw: T.pw.all(),
        cU: T.cU.all(),
        cityOff: T.cityOff.all(),
        cityProb: T.cityProb.all(),
        cityAlias: T.cityAlias.all(),
        cityLat: T.cityLat.all(),
        cityLon: T.cityLon.all(),
        g: cm.global_floor,
        bs: cm.settlement_boost,
        bf: cm.footprint_boost,
        radius: EARTH_RADIUS_KM,
        jitterKm: pl.jitter_km,
        outCountry: oCountry.out(a, b),
        outCity: oCity.out(a, b),
        outLat: oLat.out(a, b),
        outLon: oLon.out(a, b),
        outPc: oPc.out(a, b),
        outDraws: od.out(a, b),
        outBlocks: ob.out(a, b),
      });
    },
    ctx.progress.stage('3B S2 edge slots', V, 'merchants'),
  );
  const country = Int32Array.from(oCountry.view() as Int32Array),
    city = Int32Array.from(oCity.view() as Int32Array);
  const lat = Float64Array.from(oLat.view() as Float64Array),
    lon = Float64Array.from(oLon.view() as Float64Array),
    pc = Float64Array.from(oPc.view() as Float64Array);
  const placeDraws = Uint32Array.from(od.view() as Uint32Array),
    placeBlocks = Uint32Array.from(ob.view() as Uint32Array);
  return { eKeys, eOffL, country, city, lat, lon, pc, placeDraws, placeBlocks };
}

interface JitterInput {
  p: Policies3B;
  geo: GeoRef;
  tables: PlacementTables;
  eKeys: Uint32Array;
  country: Int32Array;
  city: Int32Array;
  /** updated in place, as are placeDraws/placeBlocks */
  lat: Float64Array;
  lon: Float64Array;
  placeDraws: Uint32Array;
  placeBlocks: Uint32Array;
  nE: number;
}

/** Jitter retries until the point lies inside its country (polygon-less countries: the place itself). */
async function jitterRetries(ctx: RunContext, { p, geo, tables, eKeys, country, city, lat, lon, placeDraws, placeBlocks, nE }: JitterInput) {
  const pl = p.edges.placement;
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
    const pk = new Uint32Array(2 * m),
      at = new Int32Array(m).fill(a),
      cl = new Float64Array(m),
      co = new Float64Array(m);
    pending.forEach((j, t) => {
      pk[2 * t] = eKeys[2 * j];
      pk[2 * t + 1] = eKeys[2 * j + 1];
      cl[t] = tables.cityLat[city[j]];
      co[t] = tables.cityLon[city[j]];
    });
    const cK = SharedCol.from('u32', pk),
      cA = SharedCol.from('i32', at),
      cLa = SharedCol.from('f64', cl),
      cLo = SharedCol.from('f64', co);
    const nLa = new SharedCol('f64', m),
      nLo = new SharedCol('f64', m),
      nd = new SharedCol('u32', m),
      nb = new SharedCol('u32', m);
    await runShards(
      ctx.pool,
      m,
      SHARD_EDGES,
      ({ start: s, end: e }) =>
        k3bEdgeJitter.task({
          n: e - s,
          edgeKeys: cK.in(s, e, 2),
          attempt: cA.in(s, e),
          lat: cLa.in(s, e),
          lon: cLo.in(s, e),
          jitterKm: pl.jitter_km,
          outLat: nLa.out(s, e),
          outLon: nLo.out(s, e),
          outDraws: nd.out(s, e),
          outBlocks: nb.out(s, e),
        }),
      ctx.progress.stage(`3B S2 jitter retry ${a}`, m, 'edges'),
    );
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
  return { attempts, fallback };
}

interface ZonesInput {
  p: Policies3B;
  zones: ZoneLookup;
  tables: PlacementTables;
  vMerchant: bigint[];
  edgeOff: Int32Array;
  country: Int32Array;
  city: Int32Array;
  lat: Float64Array;
  lon: Float64Array;
  pc: Float64Array;
  nE: number;
}

/** Operational zone (2A's ladder + overrides), edge ids and weights. */
function edgeZones({ p, zones, tables, vMerchant, edgeOff, country, city, lat, lon, pc, nE }: ZonesInput) {
  const V = vMerchant.length;
  const tzid: string[] = new Array(nE),
    tzSource: string[] = new Array(nE),
    edgeIds: string[] = new Array(nE);
  const weight = new Float64Array(nE);
  for (let v = 0; v < V; v++) {
    const a = edgeOff[v],
      b = edgeOff[v + 1];
    for (let j = a; j < b; j++) {
      const z = zones.at(lat[j], lon[j], tables.isos[country[j]]); // an edge's civil time: country overrides only
      tzid[j] = z.tzid;
      tzSource[j] = edgeTzSource(z);
      edgeIds[j] = edgeId(vMerchant[v], j - a);
    }
    edgeWeights(
      p.edges,
      country.subarray(a, b),
      pc.subarray(a, b),
      Array.from(city.subarray(a, b), (c) => tables.cityPop[c]),
      weight.subarray(a, b),
    );
  }
  return { tzid, tzSource, edgeIds, weight };
}
