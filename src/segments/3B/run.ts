// Segment 3B: which merchants are virtual, where each settles, and the CDN edge world their
// card-not-present traffic appears to come through.
//   S0 gate+seal (1A 1B 2A 2B 3A) → S1 classification (MCC × channel ladder) + one settlement node
//   per virtual merchant (home-country GeoNames place, 2A's zone) → S2 edge catalogue: merchant-
//   conditioned edge count (NB2 by size/class/mode) and reach, gravity country mix around the
//   settlement node, host city + jitter inside the country polygon, 2A's zone (wasm) → S3 edge
//   alias slices in 2B's layout + edge_universe_hash_3B → S4 virtual_routing_policy_3B +
//   virtual_validation_contract_3B → S5 checks + bundle.
import { load2A } from '../2A/read.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { loadCountries } from '../../reference/countries.js';
import { ZoneLookup } from '../../laws/tz/zone.js';
import { load3B, type Policies3B } from './policies.js';
import { loadGeo } from './geo.js';
import { readInputs3B, type Inputs3B } from './inputs.js';
import { publish3B } from './outputs.js';
import { validate3B } from './validate.js';
import type { World3B } from './world.js';
import { s1Classification } from './s1_classification.js';
import { s2Edges } from './s2_edges.js';
import { s3Alias } from './s3_alias.js';

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
  for (const iso of Object.keys(p.cdn.countries))
    if (!isos.has(iso))
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `"${iso}" is not an ISO 3166-1 alpha-2 country`,
        where(p.files.cdn, `countries.${iso}`),
        'use a code such as DE',
      );
  const ids = new Set<string>();
  p.rules.rules.forEach((r, i) => {
    if (ids.has(r.rule_id))
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `rule_id ${r.rule_id} is used twice`,
        where(p.files.rules, `/rules/${i}/rule_id`),
        'give every rule a distinct rule_id',
      );
    ids.add(r.rule_id);
    if (r.min_outlets !== undefined && r.max_outlets !== undefined && r.min_outlets > r.max_outlets)
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'min_outlets exceeds max_outlets', where(p.files.rules, `/rules/${i}`), 'make min_outlets <= max_outlets');
  });
  const ec = p.edges.edge_count;
  if (ec.min_edges > ec.max_edges)
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'min_edges exceeds max_edges', where(p.files.edges, '/edge_count'), 'make min_edges <= max_edges');
  if (!(p.edges.country_mix.global_floor > 0))
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      'global_floor must be > 0 (a merchant far from every country would have no mass)',
      where(p.files.edges, '/country_mix/global_floor'),
      'use e.g. 0.03',
    );
  const b = p.settlement.buckets;
  b.forEach((x, i) => {
    if (x.first_rank > x.last_rank || (i > 0 && x.first_rank <= b[i - 1].last_rank))
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        'buckets must be disjoint rank ranges in increasing order',
        where(p.files.settlement, `/buckets/${i}`),
        'fix first_rank/last_rank',
      );
  });
}

export async function build3B(ctx: RunContext, p: Policies3B, inp: Inputs3B): Promise<World3B> {
  const trace = new RngTrace('3B');
  const geo = loadGeo(ctx.pack);
  const zones = new ZoneLookup(load2A(ctx.pack));
  const s1 = s1Classification(ctx, { p, inp, geo, zones, trace });
  const { mode, reason, ruleId, virtualShare, vIdx, vMerchant, settle } = s1;
  const s2 = await s2Edges(ctx, { p, inp, geo, zones, trace, mode, vIdx, vMerchant, settle });
  const { E, reach, edgeOff, tables, country, city, lat, lon, pc, attempts, fallback, tzid, tzSource, weight, edgeIds } = s2;
  const { words, wordOff, quantLeft } = await s3Alias(ctx, { p, E, edgeOff, eOffL: s2.eOffL, weight });
  return {
    p,
    in: inp,
    geo,
    mode,
    reason,
    ruleId,
    virtualShare,
    vIdx,
    settle,
    E,
    reach,
    edgeOff,
    tables,
    country,
    city,
    lat,
    lon,
    pc,
    attempts,
    fallback,
    tzid,
    tzSource,
    weight,
    edgeIds,
    words,
    wordOff,
    quantLeft,
    keys: { settlement: s1.sKeys, plan: s2.pKeys, place: s2.eKeys },
    planDraws: s2.planDraws,
    planBlocks: s2.planBlocks,
    placeDraws: s2.placeDraws,
    placeBlocks: s2.placeBlocks,
    trace,
  };
}
