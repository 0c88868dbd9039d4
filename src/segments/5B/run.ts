// Segment 5B: concrete arrivals. S0 gate → S1 time grid + grouping → S2 latent field (pool) →
// S3/S4 counts, arrival times, routing and local time in one kernel per shard (pool; each worker also
// encodes its shard's Parquet parts) → S5 checks and the gate.
import { fail, ErrorCodes } from '../../core/errors.js';
import { partitionDir } from '../../contracts/dictionary.js';
import { runS0 } from '../../engine/s0.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { RngTrace } from '../../engine/trace.js';
import { tokens, type RunContext, type SegmentDef } from '../../engine/context.js';
import type { OutputEntry } from '../../gates/verify.js';
import { PartitionWriter } from '../../io/publish.js';
import { publishFile } from '../../engine/datasets.js';
import type { FastColumn } from '../../io/fastparquet.js';
import { checkFastColumns } from '../../io/fast_contract.js';
import { horizonOf, utcToLocalBucketTable, weekOffset } from '../../laws/time/grid.js';
import { loadInputs, CHANNELS } from './inputs.js';
import { expectedPerCell, latentField, planGroups, planShards, shardInput, worldTables, type Shard } from './plan.js';
import { policies5B } from './policies.js';
import { shardCapacity, shardInputs } from './shard.js';
import { arrivals5BKind, type ArrivalTask } from './worker.js';
import { addLaws, emptyLaws, NIGHT_END_HOUR } from './laws.js';
import { validate5B } from './validate.js';

const UPSTREAM = ['1A', '1B', '2A', '2B', '3A', '3B', '5A'];
const US = 1_000_000;

/** One Parquet file at a catalogued file path (row groups of 1,048,576 rows), encoded on the pool. */
async function publishTable(ctx: RunContext, id: string, cols: FastColumn[], rows: number, outputs: OutputEntry[], extra: Record<string, string>): Promise<number> {
  checkFastColumns(id, cols);
  await publishFile(ctx, id, await ctx.pool.encodeParquet(cols, rows), outputs, extra);
  return rows;
}

export const segment5B: SegmentDef = { id: '5B', layer: 2, upstream: UPSTREAM, run: run5B };

async function run5B(ctx: RunContext) {
  const tS0 = performance.now();
  await runS0(ctx, '5B', UPSTREAM, 'layer2/5B/');
  ctx.progress.log(`5B S0 upstream gates verified from bytes ${((performance.now() - tS0) / 1000).toFixed(2)} s`);
  const pol = policies5B(ctx.pack);
  const tg = pol.timeGrid;
  if (tg.bucket_seconds !== 3600) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `bucket_seconds ${tg.bucket_seconds}: the 5A surfaces are hourly`, 'config/layer2/5B/time_grid.yaml bucket_seconds', 'set bucket_seconds: 3600');
  const hz = horizonOf(tg);
  const H = hz.H;
  const sc = { scenario_id: tg.scenario_id };
  const outputs: OutputEntry[] = [];
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
  const c = inp.cells;
  const mf = ctx.manifest_fingerprint;

  // S1: time grid and grouping
  const bStart = new BigInt64Array(H), bEnd = new BigInt64Array(H), dow = new Int32Array(H), hour = new Int32Array(H), wkend = new Uint8Array(H);
  for (let h = 0; h < H; h++) {
    const t = (hz.startSec + h * 3600) * US;
    bStart[h] = BigInt(t);
    bEnd[h] = BigInt(t + 3600 * US);
    const d = new Date(t / 1000);
    dow[h] = ((d.getUTCDay() + 6) % 7) + 1;
    hour[h] = d.getUTCHours();
    wkend[h] = tg.weekend_days.includes(dow[h]) ? 1 : 0;
  }
  const konst = (name: string, n: number, v: string): FastColumn => ({ name, type: 'dict', values: new Uint8Array(n), dict: [v] });
  const ids = (n: number) => [konst('manifest_fingerprint', n, mf), konst('scenario_id', n, tg.scenario_id)];
  // keys in publishing order, whatever order the background publishes finish in
  const rows: Record<string, number> = { s1_time_grid_5B: 0, s1_grouping_5B: 0, s2_latent_field_5B: 0 };
  // S1/S2 tables publish in the background (their fsyncs wait on the disk, not the CPU); joined before S5
  const background: Promise<void>[] = [];
  const later = (id: string, p: Promise<number>) => {
    const q = p.then((n) => void (rows[id] = n));
    q.catch(() => undefined); // handled at the join; not an unhandled rejection meanwhile
    background.push(q);
  };
  later('s1_time_grid_5B', publishTable(ctx, 's1_time_grid_5B', [
    ...ids(H), { name: 'bucket_index', type: 'i32', values: Int32Array.from({ length: H }, (_, h) => h) },
    { name: 'bucket_start_utc', type: 'ts_utc_us', values: bStart }, { name: 'bucket_end_utc', type: 'ts_utc_us', values: bEnd },
    { name: 'utc_day_of_week', type: 'i32', values: dow }, { name: 'utc_hour', type: 'i32', values: hour }, { name: 'is_weekend_utc', type: 'bool', values: wkend },
  ], H, outputs, sc));
  const nZones = inp.timetable.tzids.length;
  const lhTab = utcToLocalBucketTable(inp.timetable, Int32Array.from({ length: nZones }, (_, z) => z), H, hz.startSec);
  const week0 = weekOffset(hz);
  const groups = planGroups(inp, pol);
  const expected = expectedPerCell(inp, hz, lhTab);
  const classes = [...new Set(c.demandClass)].sort();
  const vbands = ['physical', 'virtual'];
  later('s1_grouping_5B', publishTable(ctx, 's1_grouping_5B', [
    ...ids(c.n), { name: 'merchant_id', type: 'u64', values: c.merchant },
    { name: 'legal_country_iso', type: 'dict', values: c.country, dict: inp.countries }, { name: 'zone_representation', type: 'dict', values: c.zone, dict: inp.timetable.tzids },
    { name: 'channel_group', type: 'dict', values: c.channel, dict: CHANNELS },
    { name: 'demand_class', type: 'dict', values: Int32Array.from(c.demandClass, (d) => classes.indexOf(d)), dict: classes },
    { name: 'virtual_band', type: 'dict', values: Int32Array.from(groups.virtualBand, (v) => vbands.indexOf(v)), dict: vbands },
    { name: 'group_id', type: 'dict', values: groups.cell, dict: groups.ids }, { name: 'expected_arrivals', type: 'f64', values: expected },
  ], c.n, outputs, sc));
  lap('S1 grid + grouping');

  // S2: latent field per group, on the pool
  const nG = groups.ids.length;
  const { latent, factor } = await latentField(ctx.pool, groups, pol, H, { manifest_fingerprint: mf, seed: ctx.seed, parameter_hash: ctx.parameter_hash });
  trace.addTotals('5B.lgcp_latent', nG, nG * 2 * H, nG * H, nG, H);
  const gRow = new Int32Array(nG * H), bRow = new Int32Array(nG * H), sRow = new Float64Array(nG * H), lRow = new Float64Array(nG * H);
  for (let g = 0; g < nG; g++) for (let h = 0; h < H; h++) {
    const i = g * H + h;
    gRow[i] = g;
    bRow[i] = h;
    sRow[i] = groups.sigma[g];
    lRow[i] = groups.lengthScale[g];
  }
  const fac = factor.view() as Float64Array;
  const nGH = nG * H;
  later('s2_latent_field_5B', publishTable(ctx, 's2_latent_field_5B', [
    { name: 'seed', type: 'u64', values: new BigUint64Array(nGH).fill(ctx.seed) }, ...ids(nGH),
    { name: 'group_id', type: 'dict', values: gRow, dict: groups.ids }, { name: 'bucket_index', type: 'i32', values: bRow },
    { name: 'sigma', type: 'f64', values: sRow }, { name: 'length_scale_buckets', type: 'f64', values: lRow },
    { name: 'latent_value', type: 'f64', values: latent.view() as Float64Array }, { name: 'factor', type: 'f64', values: fac },
  ], nGH, outputs, sc));
  lap(`S2 latent field (${nG} groups)`);

  // S3/S4: arrivals, shard by shard on the pool; parts stream to staging as they finish
  const w = worldTables(inp, { manifest_fingerprint: mf, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, H, hz.startSec * US, 3600 * US, week0, lhTab, fac);
  const shards = planShards(inp, expected, pol.arrivals.shard_target_arrivals);
  const t = { ...tokens(ctx), ...sc };
  const aw = new PartitionWriter(ctx.world, partitionDir('arrival_events_5B', t).dir);
  const sw = new PartitionWriter(ctx.world, partitionDir('s4_arrival_summary_5B', t).dir);
  const enc = { seed: ctx.seed.toString(), manifest_fingerprint: mf, scenario_id: tg.scenario_id, countries: inp.countries, zones: inp.timetable.tzids, channels: CHANNELS };
  const totalExpected = expected.reduce((a, b) => a + b, 0);
  const stage = ctx.progress.stage('5B S3/S4 arrivals', Math.round(totalExpected));
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
    const ap = await aw.stagedPath(name), sp = await sw.stagedPath(name);
    const write = ap && sp ? { write: { arrivals: ap, summary: sp } } : {};
    const task = (cap: number): ArrivalTask => ({ inputs: shardInputs(x), cap, maxCells: s.maxCells, enc: { ...enc, edges: edgeIds }, laws: lawParams, ...write });
    let r = await ctx.pool.call(arrivals5BKind, task(shardCapacity(s.expected)), `5B shard ${s.index}`);
    if (r.overflow) {
      tot.reruns++;
      r = await ctx.pool.call(arrivals5BKind, task(Math.max(r.stats[0], r.stats[1])), `5B shard ${s.index}`);
    }
    if (r.overflow || !r.laws || !r.arrivalsSha256 || !r.summarySha256) throw new Error(`5B shard ${s.index} overflowed twice`);
    if (r.arrivals && r.summary) {
      await aw.add({ name, bytes: r.arrivals });
      await sw.add({ name, bytes: r.summary });
    } else {
      await aw.adopt(name, r.writeError);
      await sw.adopt(name, r.writeError);
    }
    const ad = partitionDir('arrival_events_5B', t).dir, sd = partitionDir('s4_arrival_summary_5B', t).dir;
    outputs.push({ dataset: 'arrival_events_5B', path: `${ad}/${name}`, sha256_hex: r.arrivalsSha256, bytes: r.arrivalsBytes! });
    outputs.push({ dataset: 's4_arrival_summary_5B', path: `${sd}/${name}`, sha256_hex: r.summarySha256, bytes: r.summaryBytes! });
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
    await Promise.all(Array.from({ length: Math.min(inFlight, shards.length) }, async () => {
      while (next < shards.length) await runShard(shards[next++]);
    }));
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
  lap(`S3/S4 arrivals (${shards.length} shards; worker ms: kernel ${ms[0].toFixed(0)}, arrival parquet ${ms[1].toFixed(0)}, summary parquet ${ms[2].toFixed(0)}, law scan ${ms[3].toFixed(0)}, part hashing ${ms[4].toFixed(0)}; main-thread shard prep ${ms[5].toFixed(0)}, commit ${ms[6].toFixed(0)})`);
  await Promise.all(background);
  rows.arrival_events_5B = tot.arrivals;
  rows.s4_arrival_summary_5B = tot.summary;
  trace.addTotals('5B.arrivals', tot.cells, tot.draws, tot.blocks, tot.arrivals, 0);

  // S5
  const realism = await validate5B(ctx, { checks, pol, inp, H, hz, tot, laws, totalExpected, cells: c.n, groups: nG, shards: shards.length, partRows, summaryPartRows, sc, outputs });
  lap('S5 checks');
  await sealSegment(ctx, { segment: '5B', checks, outputs, rows, trace, files: { 'realism_5B.json': realism } });
  return { rows };
}
