// 5B.S5: the gate's checks. Every row's laws come from the workers' scans of the columns they
// encoded (src/segments/5B/laws.ts; each part's bytes are hashed from that encoding): order, bucket law,
// horizon, routing columns, summary split, per-bucket conservation, local-time shares. Over the
// published bytes: every part's row count from its Parquet footer, and DuckDB re-reads sampled
// parts (policy reread_parts; 0 = all) for the same laws, the partition tokens, per-bucket
// conservation against the same shard's summary part, and local-time legality re-derived from
// 2A's timetable. Also: RNG accounting and the realism corridors (total vs target, night, weekend).
import { join } from 'node:path';
import { partitionDir } from '../../contracts/dictionary.js';
import { tokens, type RunContext } from '../../engine/context.js';
import type { Checks } from '../../engine/checks.js';
import { Duck, lit, litList } from '../../io/duck.js';
import { readParquetColumns } from '../../io/duck_read.js';
import { sealedParquet } from '../../io/reader.js';
import { offsetAt, tzIndexOf } from '../../laws/time/timetable.js';
import type { Horizon } from '../../laws/time/grid.js';
import type { Inputs5B } from './inputs.js';
import type { ShardLaws } from './laws.js';
import { NIGHT_END_HOUR } from './laws.js';
import type { Policies5B } from './policies.js';

export interface Validate5BInput {
  checks: Checks;
  pol: Policies5B;
  inp: Inputs5B;
  H: number;
  hz: Horizon;
  tot: { arrivals: number; summary: number; draws: number; blocks: number; cells: number; unroutable: number; reruns: number };
  /** the workers' laws, summed over shards */
  laws: ShardLaws;
  totalExpected: number;
  cells: number;
  groups: number;
  shards: number;
  /** rows of each shard's arrival and summary part (part k = shard k) */
  partRows: number[];
  summaryPartRows: number[];
  sc: Record<string, string>;
}

const num = (v: unknown) => Number(v ?? 0);

/** Shard indices of up to k non-empty parts spread evenly over the partition (first and last included); k = 0: all. */
function sampleParts(partRows: number[], k: number): number[] {
  const idx = partRows.map((r, i) => (r > 0 ? i : -1)).filter((i) => i >= 0);
  if (k === 0 || k >= idx.length) return idx;
  const pick = new Set<number>();
  for (let j = 0; j < k; j++) pick.add(idx[Math.round((j * (idx.length - 1)) / Math.max(1, k - 1))]);
  return [...pick].sort((a, b) => a - b);
}

const partName = (i: number) => `part-${String(i).padStart(5, '0')}.parquet`;

export async function validate5B(ctx: RunContext, v: Validate5BInput): Promise<Record<string, unknown>> {
  const { checks, tot, pol, laws } = v;
  const t = { ...tokens(ctx), ...v.sc };
  const aDir = join(ctx.world, partitionDir('arrival_events_5B', t).dir),
    sDir = join(ctx.world, partitionDir('s4_arrival_summary_5B', t).dir);
  const h0 = v.hz.startSec * 1e6,
    h1 = h0 + v.H * 3600e6;
  const n = tot.arrivals;
  // one substream per cell: a block for the first gap, then one block per arrival (route lane + next gap lane)
  checks.add('rng_cells_accounted', tot.cells === v.cells, `the kernel walked ${tot.cells} cells of ${v.cells}`);
  checks.add(
    'rng_arrival_accounting',
    tot.blocks === tot.arrivals + v.cells && tot.draws === 2 * tot.arrivals + v.cells,
    `blocks ${tot.blocks} = arrivals ${tot.arrivals} + cells ${v.cells}; draws ${tot.draws} = 2 × arrivals + cells`,
  );
  checks.add('all_arrivals_routed', tot.unroutable === 0, `${tot.unroutable} arrivals had no site and no edge`);
  // the workers' laws over every row
  let bucketDiff = 0,
    summaryN = 0;
  for (let b = 0; b < v.H; b++) {
    if (laws.arrivalsPerBucket[b] !== laws.summaryPerBucket[b]) bucketDiff++;
    summaryN += laws.summaryPerBucket[b];
  }

  const duck = await Duck.open(2, pol.validation.duckdb_memory_limit);
  let realism: Record<string, unknown>;
  try {
    // every query on a connection of its own, all at once (each is partly single-threaded)
    const q = (sql: string) => duck.allApart(sql);
    // every published part's row count, from its footer (the parts as 5B's ledger lists them)
    const footers = async (id: string) =>
      new Map(
        (await q(`SELECT file_name f, num_rows n FROM parquet_file_metadata(${litList(await sealedParquet(ctx, id, v.sc))})`)).map((r) => [
          String(r.f).split(/[\\/]/).pop(),
          num(r.n),
        ]),
      );
    const footerBad = (m: Map<string | undefined, number>, rows: number[]) => m.size !== rows.length || rows.some((r, i) => m.get(partName(i)) !== r);

    // sampled parts re-read from the published bytes: the same laws, tokens, per-part conservation
    const pick = sampleParts(v.partRows, pol.validation.reread_parts);
    const files = (dir: string) => `[${pick.map((i) => lit(join(dir, partName(i)))).join(', ')}]`;
    const A = files(aDir),
      S = files(sDir);
    const none = { n: 0, bad_bucket: 0, bad_virtual: 0, bad_physical: 0, bad_tokens: 0, lo: null, hi: null };
    const rereadRows = pick.reduce((x, i) => x + v.partRows[i], 0);
    const step = Math.max(1, Math.floor(rereadRows / pol.validation.local_time_sample_rows));
    const [fa, fs, [a], [s], [pb], [ord], lt] = await Promise.all([
      footers('arrival_events_5B'),
      footers('s4_arrival_summary_5B'),
      pick.length
        ? q(`SELECT count(*) n, min(epoch_us(ts_utc)) lo, max(epoch_us(ts_utc)) hi,
        count(*) FILTER (WHERE bucket_index <> CAST(floor((epoch_us(ts_utc) - ${h0}) / 3600e6) AS INTEGER)) bad_bucket,
        count(*) FILTER (WHERE is_virtual AND (edge_id IS NULL OR tzid_operational IS NULL OR ts_local_operational IS NULL OR site_order IS NOT NULL)) bad_virtual,
        count(*) FILTER (WHERE NOT is_virtual AND (site_order IS NULL OR edge_id IS NOT NULL)) bad_physical,
        count(*) FILTER (WHERE seed <> ${ctx.seed} OR manifest_fingerprint <> ${lit(ctx.manifest_fingerprint)} OR scenario_id <> ${lit(v.sc.scenario_id)}) bad_tokens
      FROM read_parquet(${A})`)
        : [none],
      pick.length
        ? q(`SELECT count(*) FILTER (WHERE count_N <> count_physical + count_virtual OR count_N < 1) bad,
        count(*) FILTER (WHERE seed <> ${ctx.seed} OR manifest_fingerprint <> ${lit(ctx.manifest_fingerprint)} OR scenario_id <> ${lit(v.sc.scenario_id)}) bad_tokens
      FROM read_parquet(${S})`)
        : [{ bad: 0, bad_tokens: 0 }],
      pick.length
        ? q(`WITH x AS (SELECT parse_filename(filename) f, bucket_index b, count(*) n FROM read_parquet(${A}, filename = true) GROUP BY 1, 2),
        y AS (SELECT parse_filename(filename) f, bucket_index b, sum(count_N) n FROM read_parquet(${S}, filename = true) GROUP BY 1, 2)
      SELECT count(*) diff FROM x FULL OUTER JOIN y USING (f, b) WHERE x.n IS DISTINCT FROM y.n`)
        : [{ diff: 0 }],
      // a part holds whole merchants in (merchant, arrival_seq) order: each row against the one before it
      // in its file (a self-join on the row number; a window sort took twice as long)
      pick.length
        ? q(`WITH t AS (SELECT filename f, file_row_number r, merchant_id m, arrival_seq s, ts_utc u FROM read_parquet(${A}, filename = true, file_row_number = true))
      SELECT count(*) FILTER (WHERE CASE WHEN a.r IS NULL THEN b.s <> 1 WHEN a.m = b.m THEN b.s <> a.s + 1 OR b.u < a.u ELSE b.m < a.m OR b.s <> 1 END) bad
      FROM t b LEFT JOIN t a ON a.f = b.f AND a.r + 1 = b.r`)
        : [{ bad: 0 }],
      // local time legality on evenly spaced rows of the re-read parts, re-derived from 2A's timetable (below)
      pick.length
        ? readParquetColumns(
            pick.map((i) => join(aDir, partName(i))),
            ['tzid_primary', 'ts_utc', 'ts_local_primary', 'tzid_operational', 'ts_local_operational'],
            `file_row_number % ${step} = 0`,
          )
        : undefined,
    ]);
    checks.add(
      'arrivals_published',
      !footerBad(fa, v.partRows),
      `${fa.size} arrival parts whose footers hold ${[...fa.values()].reduce((x, y) => x + y, 0)} rows; the kernel counted ${n} in ${v.partRows.length} shards`,
    );
    checks.add(
      'conservation_total',
      summaryN === n && !footerBad(fs, v.summaryPartRows) && v.summaryPartRows.reduce((x, y) => x + y, 0) === tot.summary,
      `Σ count_N ${summaryN} = arrivals ${n}; summary rows ${tot.summary} in ${fs.size} parts`,
    );
    checks.add('conservation_per_bucket', bucketDiff === 0, `${bucketDiff} buckets where arrivals ≠ Σ count_N (all rows, workers' scans)`);
    const reread = `${pick.length} of ${v.partRows.length} parts (${num(a.n)} rows) re-read`;
    checks.add('reread_rows', num(a.n) === rereadRows, `${reread}; their footers and the kernel say ${rereadRows}`);
    checks.add(
      'summary_split',
      laws.summarySplit === 0 && num(s.bad) === 0,
      `${laws.summarySplit} summary rows with count_N ≠ physical + virtual or < 1 (workers); ${s.bad} in the re-read parts`,
    );
    checks.add('conservation_per_part_bucket', num(pb.diff) === 0, `${pb.diff} (part, bucket) pairs in the re-read parts where arrivals ≠ Σ count_N`);
    const inH = (lo: number, hi: number) => lo >= h0 && hi < h1;
    checks.add(
      'inside_horizon',
      n === 0 || (inH(laws.tsMin, laws.tsMax) && (a.lo === null || inH(num(a.lo), num(a.hi)))),
      `ts_utc in [${laws.tsMin}, ${laws.tsMax}] µs (workers), [${a.lo}, ${a.hi}] re-read; horizon [${h0}, ${h1})`,
    );
    checks.add(
      'bucket_law',
      laws.bucket === 0 && num(a.bad_bucket) === 0,
      `${laws.bucket} rows whose bucket_index ≠ floor((ts_utc − start)/1h) or outside the grid (workers); ${a.bad_bucket} re-read`,
    );
    checks.add(
      'routing_columns',
      laws.routing === 0 && num(a.bad_virtual) + num(a.bad_physical) === 0,
      `${laws.routing} rows without their site or edge (workers); ${a.bad_virtual} virtual / ${a.bad_physical} physical rows with inconsistent columns re-read`,
    );
    checks.add(
      'partition_tokens',
      num(a.bad_tokens) + num(s.bad_tokens) === 0,
      `${a.bad_tokens} arrival / ${s.bad_tokens} summary rows re-read whose seed/fingerprint/scenario differ from the path`,
    );
    checks.add(
      'order_by_merchant_time',
      laws.order === 0 && num(ord.bad) === 0,
      `${laws.order} rows out of (merchant, arrival_seq, ts_utc) order in the workers' scan of all ${n}; ${ord.bad} in the ${reread}`,
    );
    let bad = 0,
      ns = 0;
    if (lt) {
      const codesOf = (name: string) => {
        const d = lt.getChild(name)!.data[0];
        const dv = d.dictionary!;
        // each distinct zone is looked up once
        const zone = Array.from({ length: dv.length }, (_, k) => tzIndexOf(v.inp.timetable, String(dv.get(k))));
        return { codes: d.values as Int32Array, zone, valid: (i: number) => d.nullCount === 0 || d.getValid(i) };
      };
      const tz = codesOf('tzid_primary'),
        tzo = codesOf('tzid_operational');
      const col = (name: string) => lt.getChild(name)!.data[0].values as BigInt64Array;
      const u64 = col('ts_utc'),
        l64 = col('ts_local_primary'),
        lo64 = col('ts_local_operational');
      ns = lt.numRows;
      for (let i = 0; i < ns; i++) {
        const u = Number(u64[i]);
        const z = tz.zone[tz.codes[i]];
        if (z < 0 || Number(l64[i]) !== u + offsetAt(v.inp.timetable, z, u) * 1e6) bad++;
        if (tzo.valid(i)) {
          const zo = tzo.zone[tzo.codes[i]];
          if (zo < 0 || Number(lo64[i]) !== u + offsetAt(v.inp.timetable, zo, u) * 1e6) bad++;
        }
      }
    }
    checks.add(
      'local_time_legal',
      bad === 0 && laws.offset === 0,
      `${bad} of ${ns} sampled rows whose local time ≠ UTC + the zone's offset; ${laws.offset} local times of all rows (workers) not whole minutes within UTC−12…UTC+14`,
    );
    const tgt = ctx.scale.arrivals;
    checks.add(
      'intensity_integrates_to_target',
      Math.abs(v.totalExpected - tgt) <= 1e-6 * tgt,
      `Σ 5A intensity over the UTC horizon = ${v.totalExpected} (scale target ${tgt})`,
    );
    const ratio = v.totalExpected > 0 ? n / v.totalExpected : 1;
    const inR = (x: number, [lo, hi]: [number, number]) => x >= lo && x <= hi;
    const share = (k: number) => (n > 0 ? k / n : 0);
    const night = share(laws.night),
      weekend = share(laws.weekend);
    checks.add(
      'total_vs_expected',
      inR(ratio, pol.validation.total_vs_expected),
      `arrivals / 5A expectation = ${ratio.toFixed(4)} (corridor ${pol.validation.total_vs_expected.join('–')})`,
    );
    checks.add('night_share', inR(night, pol.validation.night_share), `local 00–0${NIGHT_END_HOUR} share ${night.toFixed(4)}`, n >= 1000);
    checks.add('weekend_share', inR(weekend, pol.validation.weekend_share), `local weekend share ${weekend.toFixed(4)}`, n >= 1000);
    realism = {
      arrivals: n,
      expected_arrivals: v.totalExpected,
      target_arrivals: ctx.scale.arrivals,
      ratio_to_expected: ratio,
      cells: v.cells,
      groups: v.groups,
      shards: v.shards,
      shard_reruns: tot.reruns,
      night_share: night,
      weekend_share: weekend,
      virtual_share: share(laws.virtual),
      summary_rows: tot.summary,
      local_hour_shares: laws.localHour.map((x) => Number(share(x).toFixed(5))),
      part_rows: v.partRows,
      reread_parts: pick,
    };
  } finally {
    duck.close();
  }
  return realism;
}
