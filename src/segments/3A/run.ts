// Segment 3A: how each merchant × legal country footprint splits over IANA zones.
//   S0 gate+seal → S1 escalation queue → S2 country→zone priors (policy-only, parameter-scoped)
//   → S3 Dirichlet activity shares for escalated pairs (wasm) → S4 zone counts + exact share units
//   → S5 zone_alloc + zone_alloc_universe_hash → S6 validation → S7 bundle + _passed.flag.
//
// Contract decision (written down in contracts/datasets/3A.yaml): the physical zone of every outlet
// is 2A's (site_timezones). zone_alloc.zone_site_count is therefore the exact number of the pair's
// outlets 2A placed in that zone — never a second, contradicting allocation — so every
// (merchant, country, tzid) row downstream routes to real sites in that zone and Σ_z = N(m,c).
// What 3A owns is the merchant's zone *activity* mix: monolithic pairs carry their site
// proportions; escalated pairs draw shares ~ Dirichlet around a blend of their site proportions and
// the country's population prior (S3), integerised exactly (S4) for 5A's demand split.
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load3A, type Policies3A } from './policies.js';
import { buildPriors } from './s2_priors.js';
import { s1Escalation } from './s1_escalation.js';
import { s3Dirichlet } from './s3_dirichlet.js';
import { s4ZoneCounts } from './s4_zone_counts.js';
import { readInputs3A, type Inputs3A } from './inputs.js';
import { publish3A } from './outputs.js';
import { validate3A } from './validate.js';
import type { World3A } from './world.js';

export const segment3A: SegmentDef = {
  id: '3A',
  layer: 1,
  upstream: ['1A', '1B', '2A'],
  async preflight(ctx) {
    const p = load3A(ctx.pack);
    checkPolicies(ctx, p);
  },
  async run(ctx) {
    await runS0(ctx, '3A', ['1A', '1B', '2A'], 'layer1/3A/');
    const p = load3A(ctx.pack);
    const inputs = await readInputs3A(ctx);
    const w = await build3A(ctx, p, inputs);
    const pub = await publish3A(ctx, w);
    await validate3A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

/** Cross-field checks a schema cannot express: every prior tzid is a zone the runtime tzdb knows. */
export function checkPolicies(ctx: Pick<RunContext, 'pack'>, p: Policies3A): void {
  for (const [c, zs] of Object.entries(p.alphas.countries)) {
    for (const z of zs) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: z.tzid });
      } catch {
        fail(
          ErrorCodes.CONFIG_SCHEMA_VIOLATION,
          `tzid "${z.tzid}" is not a zone of the runtime tzdb`,
          `${ctx.pack.dir}/${p.files.alphas}: countries.${c}`,
          're-run src/segments/3A/derive_alphas.ts',
        );
      }
    }
  }
  for (const f of p.floors.floors) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: f.tzid });
    } catch {
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `tzid "${f.tzid}" is not a zone of the runtime tzdb`,
        `${ctx.pack.dir}/${p.files.floors}: floors`,
        'use an IANA tzid such as Atlantic/Canary',
      );
    }
  }
}

export async function build3A(ctx: RunContext, p: Policies3A, inp: Inputs3A): Promise<World3A> {
  const priors = buildPriors(p);
  const trace = new RngTrace('3A');
  const s1 = await s1Escalation(ctx, { p, priors, inp, trace });
  const s3 = await s3Dirichlet(ctx, { p, priors, inp, escalated: s1.escalated, trace });
  const s4 = s4ZoneCounts({ p, priors, inp, escalated: s1.escalated, share: s3.share });
  return {
    p,
    priors,
    in: inp,
    zoneCountCountry: s1.zoneCountCountry,
    escP: s1.escP,
    escU: s1.escU,
    escalated: s1.escalated,
    reason: s1.reason,
    alpha: s3.alpha,
    share: s3.share,
    units: s4.units,
    unitRank: s4.unitRank,
    inPrior: s4.inPrior,
    dirDraws: s3.dirDraws,
    dirBlocks: s3.dirBlocks,
    keys: { escalation: s1.escKeys, dirichlet: s3.dirKeys },
    trace,
  };
}
