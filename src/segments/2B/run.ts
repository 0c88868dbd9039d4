// Segment 2B: how traffic routes to sites (routing fabric).
//   S0 gate+seal (1B, 2A) → sites (site_locations ⋈ site_timezones, tz-groups)
//   → S1 per-merchant site weights (profile mixture, 2^b masses) → S2 alias index + blob
//   → S3 day effects γ per merchant × UTC day × tz-group → S4 group mix per merchant × day
//   → S5/S6 router + virtual-edge pick (src/segments/2B/router.ts, edges.ts; exercised by the S7 self-test)
//   → S7 audit report + S8 validation bundle (src/segments/2B/validate.ts).
// Each built state is one file, s<N>_<name>.ts (S3+S4 share one: they run chunk by chunk together); build2B calls them in order.
import { gateFor } from '../../contracts/dictionary.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { readTable } from '../../io/reader.js';
import { runS0 } from '../../engine/s0.js';
import { RngTrace } from '../../engine/trace.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { shardPlan } from '../../pool/shards.js';
import { buildSites, type Sites2B } from './inputs.js';
import { load2B } from './policies.js';
import { s1SiteWeights } from './s1_site_weights.js';
import { s2Alias } from './s2_alias.js';
import { s3DayEffects } from './s3_day_effects.js';
import { publish2B, DayPartWriter } from './outputs.js';
import { validate2B } from './validate.js';
import { SHARD_MERCHANTS, World2B } from './world.js';

export const segment2B: SegmentDef = {
  id: '2B',
  layer: 1,
  upstream: ['1B', '2A'],
  async preflight(ctx) {
    load2B(ctx.pack);
  },
  async run(ctx) {
    await runS0(
      ctx,
      '2B',
      gateFor('2B').upstream_gate_dependencies.map((g) => g.split('.')[2]),
      'layer1/2B/',
    );
    const key = ['merchant_id', 'legal_country_iso', 'site_order'];
    const [loc, tz] = await Promise.all([readTable(ctx, 'site_locations', { columns: key }), readTable(ctx, 'site_timezones', { columns: [...key, 'tzid'] })]);
    const sites = buildSites(loc, tz);
    const parts = new DayPartWriter(ctx);
    let w: World2B, pub: Awaited<ReturnType<typeof publish2B>>;
    try {
      w = await build2B(ctx, sites, parts);
      pub = await publish2B(ctx, w, parts);
    } catch (e) {
      await parts.abort(); // staged day parts never reach the world
      throw e;
    }
    await validate2B(ctx, w, pub);
    return { rows: pub.rows };
  },
};

export async function build2B(ctx: RunContext, sites: Sites2B, parts: DayPartWriter): Promise<World2B> {
  const p = load2B(ctx.pack);
  const trace = new RngTrace('2B');
  const M = sites.merchantId.length;
  if (M === 0) fail(ErrorCodes.VALIDATION_FAILED, 'site_locations has no sites', 'site_locations', 'rebuild 1B for this world');
  const plan = shardPlan(M, SHARD_MERCHANTS);
  const nSites = Int32Array.from({ length: M }, (_, i) => sites.siteOff[i + 1] - sites.siteOff[i]);
  const s1 = await s1SiteWeights(ctx, { p, sites, plan, nSites, trace });
  const s2 = await s2Alias(ctx, { p, sites, plan, nSites, mass: s1.mass });
  const s3 = await s3DayEffects(ctx, { p, sites, plan, nSites, pWeight: s1.pWeight, parts, trace });
  return {
    p,
    sites,
    bucket: s1.bucket,
    pWeight: s1.pWeight,
    mass: s1.mass,
    floorApplied: s1.floorApplied,
    component: s1.component,
    s1Flags: s1.s1Flags,
    wordOff: s2.wordOff,
    blob: s2.blob,
    sliceStatus: s2.sliceStatus,
    segment: s3.segment,
    baseShare: s3.baseShare,
    tzMult: s3.tzMult,
    sigma: s3.sigma,
    jitter: s3.jitter,
    phase: s3.phase,
    dayTab: s3.dayTab,
    dayStats: s3.dayStats,
    sample: s3.sample,
    keys: { weights: s1.wKeys, profile: s3.pKeys, day: s3.dKeys },
    trace,
    draws: { weights: s1.weightDraws, day: s3.dayDraws, profile: s3.profileDraws },
  };
}
