// Segment 6B: who pays, and (in later states) payments, fraud, labels and cases.
//   S0 gate+seal (1A 1B 2A 2B 3A 3B 5A 5B 6A) → S1 visits and attachment (pool: one task per 5B part, world
//   tables resident in the workers) → a state receipt. No 6B gate yet: upstream forbids a partial one, so the
//   receipt lists what S1 published with its digests (fraudworld validate checks them from bytes and reports
//   6B as built and awaiting its gate).
import { runS0 } from '../../engine/s0.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { policy } from '../../config/load.js';
import { stableJson } from '../../core/hash.js';
import { check } from '../../contracts/registry.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { load6B } from './policies.js';
import { readInputs6B } from './inputs.js';
import { s1Attach } from './s1_attach.js';
import { CHANNELS, RULES } from './kernels_ref.js';

export const UPSTREAM_6B = ['1A', '1B', '2A', '2B', '3A', '3B', '5A', '5B', '6A'];

/** The states this build of 6B runs (the gate comes with S5). */
export const STATES_6B = ['S0', 'S1'];

export const segment6B: SegmentDef = {
  id: '6B',
  layer: 3,
  upstream: UPSTREAM_6B,
  gated: false,
  async preflight(ctx) {
    load6B(ctx.pack);
  },
  run: run6B,
};

async function run6B(ctx: RunContext) {
  await runS0(ctx, '6B', UPSTREAM_6B, 'layer3/6B/');
  const p = load6B(ctx.pack);
  const scenario = policy<{ scenario_id: string }>(ctx.pack, 'layer2/5B/time_grid.yaml').scenario_id;
  const inp = await readInputs6B(ctx, p, scenario);
  ctx.progress.log(
    `6B S1 tables: ${inp.stats.payers.toLocaleString('en-US')} payers of ${inp.stats.parties.toLocaleString('en-US')} parties in ${inp.stats.cells.toLocaleString('en-US')} cells, ${inp.stats.cards.toLocaleString('en-US')} cards, ${inp.stats.sites.toLocaleString('en-US')} outlets`,
  );
  const s1 = await s1Attach(ctx, p, inp, scenario);
  if (s1.arrivals === 0) fail(ErrorCodes.VALIDATION_FAILED, 'no arrivals were attached', 's1_arrival_entities_6B', 'rebuild 5B');
  const share = (x: number, of: number) => (of > 0 ? Math.round((x / of) * 1e6) / 1e6 : 0);
  const summary = {
    arrivals: s1.arrivals,
    visits: s1.visits,
    arrivals_per_visit: share(s1.arrivals, s1.visits),
    multi_arrival_visit_share: share(s1.multiVisits, s1.visits),
    cross_border_share: share(s1.travellers, s1.arrivals),
    channel_share: Object.fromEntries(CHANNELS.map((c, i) => [c, share(s1.channel[i], s1.arrivals)])),
    attach_rule_share: Object.fromEntries(RULES.map((r, i) => [r, share(s1.rule[i], s1.arrivals)])),
    tables: inp.stats,
    parts: s1.parts,
    // counter-addressed draws per family (rng_trace_log_6B comes with the gate): an arrival's window spends one
    // block on channel and continuation, a visit five more; a regular one block of its own; a party one block
    rng: {
      '6B.attach': { draws: 2 * s1.arrivals + 10 * s1.visits, blocks: s1.arrivals + 5 * s1.visits },
      '6B.regular': { draws: 2 * s1.rule[1], blocks: s1.rule[1] },
      '6B.active': { draws: inp.stats.parties, blocks: inp.stats.parties },
    },
  };
  const receipt = {
    segment: '6B',
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    seed: ctx.seed.toString(),
    states_built: STATES_6B,
    awaiting: 'the 6B gate (flows and events, fraud overlay, labels and cases, validation)',
    s1: summary,
    files: [...ctx.out.ledger].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  const err = check('state_receipt.schema.json', JSON.parse(stableJson(receipt)));
  if (err) fail(ErrorCodes.INTERNAL, `state_receipt.schema.json ${err.field}: ${err.message}`);
  await ctx.out.writeJson('state_receipt_6B', receipt);
  ctx.progress.log(
    `6B S1: ${s1.arrivals.toLocaleString('en-US')} arrivals in ${s1.visits.toLocaleString('en-US')} visits (${summary.arrivals_per_visit} per visit), cross-border ${summary.cross_border_share}, channels ${JSON.stringify(summary.channel_share)}`,
  );
  return { rows: { s1_arrival_entities_6B: s1.arrivals, s1_session_index_6B: s1.visits } };
}
