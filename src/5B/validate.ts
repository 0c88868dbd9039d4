// 5B.S5: checks over what was published (DuckDB over the Parquet parts) and over the kernel's own
// accounting: conservation (arrivals = Σ bucket counts, per bucket too), horizon and bucket law,
// ordering, RNG accounting, zero unroutable arrivals, local-time legality re-derived from 2A's
// timetable on a sample, and realism corridors (total vs target, night and weekend shares).
import { join } from 'node:path';
import { partitionDir } from '../contracts/dictionary.js';
import { tokens, type RunContext } from '../engine/context.js';
import type { Checks } from '../engine/seal.js';
import { Duck, lit } from '../io/duck.js';
import { offsetAt, tzIndexOf } from '../2A/timetable.js';
import type { Horizon } from '../5A/grid.js';
import type { Inputs5B } from './inputs.js';
import type { Policies5B } from './policies.js';

export interface Validate5BInput {
  checks: Checks;
  pol: Policies5B;
  inp: Inputs5B;
  H: number;
  hz: Horizon;
  tot: { arrivals: number; summary: number; draws: number; blocks: number; cells: number; unroutable: number; reruns: number; orderViolations: number };
  totalExpected: number;
  cells: number;
  groups: number;
  shards: number;
  partRows: number[];
  sc: Record<string, string>;
}

const num = (v: unknown) => Number(v ?? 0);

/** Up to k part files spread evenly over the partition (first and last included), skipping empty parts. */
function samplePartFiles(world: string, dir: string, partRows: number[], k: number): string[] {
  const idx = partRows.map((r, i) => (r > 0 ? i : -1)).filter((i) => i >= 0);
  const pick = new Set<number>();
  for (let j = 0; j < Math.min(k, idx.length); j++) pick.add(idx[Math.round((j * (idx.length - 1)) / Math.max(1, Math.min(k, idx.length) - 1))]);
  return [...pick].sort((a, b) => a - b).map((i) => join(world, dir, `part-${String(i).padStart(5, '0')}.parquet`));
}

export async function validate5B(ctx: RunContext, v: Validate5BInput): Promise<Record<string, unknown>> {
  const { checks, tot, pol } = v;
  const t = { ...tokens(ctx), ...v.sc };
  const glob = (id: string) => lit(join(ctx.world, partitionDir(id, t).dir, '*.parquet'));
  const A = glob('arrival_events_5B'), S = glob('s4_arrival_summary_5B');
  const h0 = v.hz.startSec * 1e6, h1 = h0 + v.H * 3600e6;
  // one substream per cell: a block for the first gap, then one block per arrival (route lane + next gap lane)
  checks.add('rng_cells_accounted', tot.cells === v.cells, `the kernel walked ${tot.cells} cells of ${v.cells}`);
  checks.add('rng_arrival_accounting', tot.blocks === tot.arrivals + v.cells && tot.draws === 2 * tot.arrivals + v.cells,
    `blocks ${tot.blocks} = arrivals ${tot.arrivals} + cells ${v.cells}; draws ${tot.draws} = 2 × arrivals + cells`);
  checks.add('all_arrivals_routed', tot.unroutable === 0, `${tot.unroutable} arrivals had no site and no edge`);
  const duck = await Duck.open(2, pol.validation.duckdb_memory_limit);
  let realism: Record<string, unknown>;
  try {
    // one streaming scan of every arrival for the aggregate checks (bounded memory at any world size)
    const [a] = await duck.all(`SELECT count(*) n, min(epoch_us(ts_utc)) lo, max(epoch_us(ts_utc)) hi,
        count(*) FILTER (WHERE bucket_index <> CAST(floor((epoch_us(ts_utc) - ${h0}) / 3600e6) AS INTEGER)) bad_bucket,
        count(*) FILTER (WHERE is_virtual AND (edge_id IS NULL OR tzid_operational IS NULL OR ts_local_operational IS NULL OR site_order IS NOT NULL)) bad_virtual,
        count(*) FILTER (WHERE NOT is_virtual AND (site_order IS NULL OR edge_id IS NOT NULL)) bad_physical,
        count(*) FILTER (WHERE seed <> ${ctx.seed} OR manifest_fingerprint <> ${lit(ctx.manifest_fingerprint)} OR scenario_id <> ${lit(v.sc.scenario_id)}) bad_tokens,
        avg(CASE WHEN hour(ts_local_primary) < 6 THEN 1.0 ELSE 0.0 END) night,
        avg(CASE WHEN isodow(ts_local_primary) IN (${pol.timeGrid.weekend_days.join(',')}) THEN 1.0 ELSE 0.0 END) weekend,
        avg(CASE WHEN is_virtual THEN 1.0 ELSE 0.0 END) virtual_share
      FROM read_parquet(${A})`);
    const [s] = await duck.all(`SELECT count(*) nrows, sum(count_N) n, sum(count_physical) p, sum(count_virtual) v,
        count(*) FILTER (WHERE count_N <> count_physical + count_virtual OR count_N < 1) bad FROM read_parquet(${S})`);
    const [pb] = await duck.all(`WITH x AS (SELECT bucket_index b, count(*) n FROM read_parquet(${A}) GROUP BY 1),
        y AS (SELECT bucket_index b, sum(count_N) n FROM read_parquet(${S}) GROUP BY 1)
      SELECT count(*) diff FROM x FULL OUTER JOIN y USING (b) WHERE x.n IS DISTINCT FROM y.n`);
    // order: every part was scanned by its worker before encoding (ShardRun order check); here the
    // published bytes of sampled parts are re-read (a part holds whole merchants, so order is per part)
    const parts = samplePartFiles(ctx.world, partitionDir('arrival_events_5B', t).dir, v.partRows, pol.validation.order_sample_parts);
    const P = `[${parts.map((f) => lit(f)).join(', ')}]`;
    const [ord] = parts.length ? await duck.all(`SELECT count(*) FILTER (WHERE seq_gap OR ts_back) bad, count(*) n FROM (
        SELECT arrival_seq <> coalesce(lag(arrival_seq) OVER w, 0) + 1 seq_gap, epoch_us(ts_utc) < coalesce(lag(epoch_us(ts_utc)) OVER w, 0) ts_back
        FROM read_parquet(${P}, filename = true) WINDOW w AS (PARTITION BY filename, merchant_id ORDER BY arrival_seq))`) : [{ bad: 0, n: 0 }];
    const n = num(a.n);
    checks.add('arrivals_published', n === tot.arrivals, `${n} rows published, kernel counted ${tot.arrivals}`);
    checks.add('conservation_total', num(s.n) === n && num(s.nrows) === tot.summary, `Σ count_N ${s.n} = arrivals ${n}; summary rows ${s.nrows}`);
    checks.add('conservation_per_bucket', num(pb.diff) === 0, `${pb.diff} buckets where arrivals ≠ Σ count_N`);
    checks.add('summary_split', num(s.bad) === 0, `${s.bad} summary rows with count_N ≠ physical + virtual or < 1`);
    checks.add('inside_horizon', n === 0 || (num(a.lo) >= h0 && num(a.hi) < h1), `ts_utc in [${a.lo}, ${a.hi}] µs, horizon [${h0}, ${h1})`);
    checks.add('bucket_law', num(a.bad_bucket) === 0, `${a.bad_bucket} rows whose bucket_index ≠ floor((ts_utc − start)/1h)`);
    checks.add('routing_columns', num(a.bad_virtual) + num(a.bad_physical) === 0, `${a.bad_virtual} virtual / ${a.bad_physical} physical rows with inconsistent site/edge columns`);
    checks.add('partition_tokens', num(a.bad_tokens) === 0, `${a.bad_tokens} rows whose seed/fingerprint/scenario differ from the path`);
    checks.add('order_by_merchant_time', num(ord.bad) === 0 && tot.orderViolations === 0,
      `${tot.orderViolations} rows out of (merchant, arrival_seq, ts_utc) order in the workers' scan of all ${tot.arrivals}; ${ord.bad} of ${ord.n} re-read from ${parts.length} published parts`);
    // local time legality on an evenly spaced sample, re-derived from 2A's timetable
    const step = Math.max(1, Math.floor(n / pol.validation.local_time_sample_rows));
    const sample = await duck.all(`SELECT tzid_primary tz, epoch_us(ts_utc) u, epoch_us(ts_local_primary) l, tzid_operational tzo, epoch_us(ts_local_operational) lo
      FROM read_parquet(${A}, file_row_number = true) WHERE file_row_number % ${step} = 0`);
    let bad = 0;
    for (const r of sample) {
      const u = num(r.u);
      const z = tzIndexOf(v.inp.timetable, String(r.tz));
      if (z < 0 || num(r.l) !== u + offsetAt(v.inp.timetable, z, u) * 1e6) bad++;
      if (r.tzo !== null && r.tzo !== undefined) {
        const zo = tzIndexOf(v.inp.timetable, String(r.tzo));
        if (zo < 0 || num(r.lo) !== u + offsetAt(v.inp.timetable, zo, u) * 1e6) bad++;
      }
    }
    checks.add('local_time_legal', bad === 0, `${bad} of ${sample.length} sampled rows whose local time ≠ UTC + the zone's offset`);
    const tgt = ctx.scale.arrivals;
    checks.add('intensity_integrates_to_target', Math.abs(v.totalExpected - tgt) <= 1e-6 * tgt, `Σ 5A intensity over the UTC horizon = ${v.totalExpected} (scale target ${tgt})`);
    const ratio = v.totalExpected > 0 ? n / v.totalExpected : 1;
    const inR = (x: number, [lo, hi]: [number, number]) => x >= lo && x <= hi;
    const night = num(a.night), weekend = num(a.weekend);
    checks.add('total_vs_expected', inR(ratio, pol.validation.total_vs_expected), `arrivals / 5A expectation = ${ratio.toFixed(4)} (corridor ${pol.validation.total_vs_expected.join('–')})`);
    checks.add('night_share', inR(night, pol.validation.night_share), `local 00–06 share ${night.toFixed(4)}`, n >= 1000);
    checks.add('weekend_share', inR(weekend, pol.validation.weekend_share), `local weekend share ${weekend.toFixed(4)}`, n >= 1000);
    const [hourly] = await duck.all(`SELECT list(s ORDER BY h) shares FROM (SELECT hour(ts_local_primary) h, count(*) / sum(count(*)) OVER () s FROM read_parquet(${A}) GROUP BY 1)`);
    realism = {
      arrivals: n, expected_arrivals: v.totalExpected, target_arrivals: ctx.scale.arrivals, ratio_to_expected: ratio, cells: v.cells, groups: v.groups, shards: v.shards,
      shard_reruns: tot.reruns, night_share: night, weekend_share: weekend, virtual_share: num(a.virtual_share), summary_rows: tot.summary,
      local_hour_shares: (hourly.shares as number[] | undefined)?.map((x) => Number(Number(x).toFixed(5))) ?? [],
      part_rows: v.partRows,
    };
  } finally {
    duck.close();
  }
  return realism;
}
