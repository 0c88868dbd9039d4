// 3B.S1: which merchants are virtual (MCC × channel ladder, overrides) and one settlement node per virtual merchant (home-country place, 2A's zone).
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { ZoneLookup } from '../../laws/tz/zone.js';
import type { Policies3B, VirtualMode } from './policies.js';
import type { GeoRef } from './geo.js';
import { classify, orderedRules, pickSettlement, settlementCandidates, settlementSiteId } from './model.js';
import type { Inputs3B } from './inputs.js';
import { FAMILIES, type World3B } from './world.js';
import { tupleKeys } from '../../rng/keys.js';

export interface S1Input {
  p: Policies3B;
  inp: Inputs3B;
  geo: GeoRef;
  zones: ZoneLookup;
  trace: RngTrace;
}

export interface S1Classification {
  mode: VirtualMode[];
  reason: string[];
  ruleId: (string | null)[];
  virtualShare: Float64Array;
  /** virtual merchants (merchant order), index v */
  vIdx: Int32Array;
  vMerchant: bigint[];
  settle: World3B['settle'];
  sKeys: Uint32Array;
}

export function s1Classification(
  ctx: Pick<RunContext, 'manifest_fingerprint' | 'seed' | 'parameter_hash'>,
  { p, inp, geo, zones, trace }: S1Input,
): S1Classification {
  const n = inp.n;
  const rules = orderedRules(p.rules);
  const overrides = new Map(p.rules.overrides.map((o) => [BigInt(o.merchant_id), o.mode]));
  const mode: VirtualMode[] = new Array(n),
    reason: string[] = new Array(n),
    ruleId: (string | null)[] = new Array(n);
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

  // settlement nodes (2 draws each, family 3B.settlement)
  const sKeys = tupleKeys(
    ctx,
    FAMILIES.settlement,
    vMerchant.map((m) => [m]),
  );
  const settle = {
    lat: new Float64Array(V),
    lon: new Float64Array(V),
    tzid: new Array<string>(V),
    tzSource: new Array<string>(V),
    geonameid: new Int32Array(V),
    bucket: new Int32Array(V),
    siteId: new Array<string>(V),
    country: new Array<string>(V),
  };
  const sDraws = new Uint32Array(V),
    sBlocks = new Uint32Array(V);
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
  return { mode, reason, ruleId, virtualShare, vIdx, vMerchant, settle, sKeys };
}
