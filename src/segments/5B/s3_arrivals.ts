// 5B.S3/S4: arrivals shard by shard on the pool — counts, times, routing and local time in one kernel per
// shard (the worker task in worker.ts, which also encodes the shard's Parquet parts); parts stream to staging.
import type { RunContext } from '../../engine/context.js';
import type { Horizon } from '../../laws/time/grid.js';
import { CHANNELS, type Inputs5B } from './inputs.js';
import { planShards, shardInput, worldTables, type Groups, type Shard } from './plan.js';
import type { Policies5B } from './policies.js';
import { shardCapacity, shardInputs } from './shard.js';
import { arrivals5BKind, type ArrivalTask } from './worker.js';
import { addLaws, emptyLaws, NIGHT_END_HOUR, type ShardLaws } from './laws.js';
import { US } from './tables.js';

export interface S3Input {
  pol: Policies5B;
  inp: Inputs5B;
  hz: Horizon;
  groups: Groups;
  expected: Float64Array;
  lhTab: Int32Array;
  week0: number;
  fac: Float64Array;
  sc: Record<string, string>;
}

export interface S3Arrivals {
  shards: number;
  tot: { arrivals: number; summary: number; draws: number; blocks: number; cells: number; unroutable: number; reruns: number };
  laws: ShardLaws;
  totalExpected: number;
  /** rows of each shard's arrival and summary part (part k = shard k) */
  partRows: number[];
  summaryPartRows: number[];
  /** worker ms: kernel, arrival parquet, summary parquet, law scan, part hashing; main-thread shard prep, commit */
  ms: number[];
}

export async function s3Arrivals(ctx: RunContext, { pol, inp, hz, groups, expected, lhTab, week0, fac, sc }: S3Input): Promise<S3Arrivals> {
  const tg = pol.timeGrid;
  const H = hz.H;
  const mf = ctx.manifest_fingerprint;
  const w = worldTables(
    inp,
    { manifest_fingerprint: mf, seed: ctx.seed, parameter_hash: ctx.parameter_hash },
    H,
    hz.startSec * US,
    3600 * US,
    week0,
    lhTab,
    fac,
  );
  const shards = planShards(inp, expected, pol.arrivals.shard_target_arrivals);
  const aw = ctx.out.stream('arrival_events_5B', { tokens: sc });
  const sw = ctx.out.stream('s4_arrival_summary_5B', { tokens: sc });
  const enc = {
    seed: ctx.seed.toString(),
    manifest_fingerprint: mf,
    scenario_id: tg.scenario_id,
    countries: inp.countries,
    zones: inp.timetable.tzids,
    channels: CHANNELS,
  };
  const totalExpected = expected.reduce((a, b) => a + b, 0);
  const stage = ctx.progress.stage('5B S3/S4 arrivals', Math.round(totalExpected), 'expected arrivals');
  const tot = { arrivals: 0, summary: 0, draws: 0, blocks: 0, cells: 0, unroutable: 0, reruns: 0 };
  const laws = emptyLaws(H);
  const lawParams = { H, h0Us: w.h0Us, bucketUs: w.bucketUs, weekendDays: tg.weekend_days, nightEnd: NIGHT_END_HOUR };
  const partRows: number[] = new Array(shards.length).fill(0);
  const summaryPartRows: number[] = new Array(shards.length).fill(0);
  const ms = [0, 0, 0, 0, 0, 0, 0];
  const runShard = async (s: Shard) => {
    const tp = performance.now();
    const { x, edgeIds } = shardInput(inp, groups, w, s);
    ms[5] += performance.now() - tp;
    const name = `part-${String(s.index).padStart(5, '0')}.parquet`;
    const ap = await aw.stagedPath(name),
      sp = await sw.stagedPath(name);
    const write = ap && sp ? { write: { arrivals: ap, summary: sp } } : {};
    const task = (cap: number): ArrivalTask => ({
      inputs: shardInputs(x),
      cap,
      maxCells: s.maxCells,
      enc: { ...enc, edges: edgeIds },
      laws: lawParams,
      ...write,
    });
    let r = await ctx.pool.call(arrivals5BKind, task(shardCapacity(s.expected)), `5B shard ${s.index}`);
    if (r.overflow) {
      tot.reruns++;
      r = await ctx.pool.call(arrivals5BKind, task(Math.max(r.stats[0], r.stats[1])), `5B shard ${s.index}`);
    }
    if (r.overflow || !r.laws || !r.arrivalsSha256 || !r.summarySha256) throw new Error(`5B shard ${s.index} overflowed twice`);
    if (r.arrivals && r.summary) {
      await aw.add(name, r.arrivals);
      await sw.add(name, r.summary);
    } else {
      await aw.adopt(name, { sha256_hex: r.arrivalsSha256, bytes: r.arrivalsBytes! }, r.writeError);
      await sw.adopt(name, { sha256_hex: r.summarySha256, bytes: r.summaryBytes! }, r.writeError);
    }
    partRows[s.index] = r.stats[0];
    summaryPartRows[s.index] = r.stats[1];
    addLaws(laws, r.laws);
    r.ms?.forEach((v, i) => (ms[i] += v));
    tot.arrivals += r.stats[0];
    tot.summary += r.stats[1];
    tot.draws += r.stats[2];
    tot.blocks += r.stats[3];
    tot.cells += r.stats[4];
    tot.unroutable += r.stats[5];
    stage.tick(Math.round(s.expected));
  };
  // bounded in-flight shards: memory holds a few shards' parts, never the world
  // three per worker: one computing, one writing its parts, one queued
  const inFlight = Math.max(4, ctx.pool.workers * 4);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, shards.length) }, async () => {
        while (next < shards.length) await runShard(shards[next++]);
      }),
    );
  } catch (e) {
    await aw.abort();
    await sw.abort();
    throw e;
  }
  const tc = performance.now();
  await aw.commit();
  await sw.commit();
  stage.done();
  ms[6] = performance.now() - tc;
  return { shards: shards.length, tot, laws, totalExpected, partRows, summaryPartRows, ms };
}
