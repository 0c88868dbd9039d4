// Segment 5B: concrete arrivals. S0 gate → S1 time grid + grouping → S2 latent field (pool) →
// S3/S4 counts, arrival times, routing and local time in one kernel per shard (pool; each worker also
// encodes its shard's Parquet parts) → S5 checks and the gate.
import { fail, ErrorCodes } from '../../core/errors.js';
import { runS0 } from '../../engine/s0.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { RngTrace } from '../../engine/trace.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { horizonOf } from '../../laws/time/grid.js';
import { loadInputs } from './inputs.js';
import { policies5B } from './policies.js';
import { tables5B } from './tables.js';
import { s1GridGroups } from './s1_grid_groups.js';
import { s2Latent } from './s2_latent.js';
import { s3Arrivals } from './s3_arrivals.js';
import { validate5B } from './s5_checks.js';

const UPSTREAM = ['1A', '1B', '2A', '2B', '3A', '3B', '5A'];

export const segment5B: SegmentDef = { id: '5B', layer: 2, upstream: UPSTREAM, run: run5B };

async function run5B(ctx: RunContext) {
  const tS0 = performance.now();
  await runS0(ctx, '5B', UPSTREAM, 'layer2/5B/');
  ctx.progress.log(`5B S0 upstream gates verified from bytes ${((performance.now() - tS0) / 1000).toFixed(2)} s`);
  const pol = policies5B(ctx.pack);
  const tg = pol.timeGrid;
  if (tg.bucket_seconds !== 3600)
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      `bucket_seconds ${tg.bucket_seconds}: the 5A surfaces are hourly`,
      'config/layer2/5B/time_grid.yaml bucket_seconds',
      'set bucket_seconds: 3600',
    );
  const hz = horizonOf(tg);
  const H = hz.H;
  const checks = new Checks();
  const trace = new RngTrace('5B');
  let t0 = performance.now();
  const lap = (what: string) => {
    const t1 = performance.now();
    ctx.progress.log(`5B ${what} ${((t1 - t0) / 1000).toFixed(2)} s`);
    t0 = t1;
  };
  const inp = await loadInputs(ctx, tg.scenario_id, H);
  lap('inputs');
  const tables = tables5B(ctx, tg.scenario_id);
  const { sc, rows } = tables;

  const { lhTab, week0, groups, expected } = s1GridGroups(ctx, { pol, inp, hz, tables });
  lap('S1 grid + grouping');
  const nG = groups.ids.length;
  const { fac } = await s2Latent(ctx, { pol, groups, H, trace, tables });
  lap(`S2 latent field (${nG} groups)`);
  const s3 = await s3Arrivals(ctx, { pol, inp, hz, groups, expected, lhTab, week0, fac, sc });
  const { tot, laws, totalExpected, partRows, summaryPartRows, ms } = s3;
  lap(
    `S3/S4 arrivals (${s3.shards} shards; worker ms: kernel ${ms[0].toFixed(0)}, arrival parquet ${ms[1].toFixed(0)}, summary parquet ${ms[2].toFixed(0)}, law scan ${ms[3].toFixed(0)}, part hashing ${ms[4].toFixed(0)}; main-thread shard prep ${ms[5].toFixed(0)}, commit ${ms[6].toFixed(0)})`,
  );
  await Promise.all(tables.background);
  rows.arrival_events_5B = tot.arrivals;
  rows.s4_arrival_summary_5B = tot.summary;
  trace.addTotals('5B.arrivals', tot.cells, tot.draws, tot.blocks, tot.arrivals, 0);

  const realism = await validate5B(ctx, {
    checks,
    pol,
    inp,
    H,
    hz,
    tot,
    laws,
    totalExpected,
    cells: inp.cells.n,
    groups: nG,
    shards: s3.shards,
    partRows,
    summaryPartRows,
    sc,
  });
  lap('S5 checks');
  await sealSegment(ctx, { checks, rows, trace, files: { 'realism_5B.json': realism } });
  return { rows };
}
