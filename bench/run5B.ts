// 5B end to end (S0 gate checks → inputs → S1/S2 → arrivals kernel + Parquet publish → S5 checks →
// gate) with a worker-count sweep, and DuckDB writing an equal-width arrival table to Parquet in the
// same run as the same-machine limit. The world up to 5A is built once; each sweep point hard-links
// it (published files are write-once, so links are safe and a copy's writeback does not compete),
// builds 5B alone in a fresh child process and reads 5B's seconds and the process peak RSS from the
// run receipt. The sweep repeats --reps times with the worker counts alternating, because this kind
// of box drifts by tens of percent within minutes; the table gives the median and the best of each.
// Prints a table and writes bench/results/run5B-<scale>.json.
//   node dist/bench/run5B.js [--scale medium] [--workers 1,2] [--reps 3] [--arrivals N] [--keep DIR]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { Duck, lit } from '../src/io/duck.js';
import { arg, fw, line, linkCopy, receipt, sweepPoints } from './harness.js';

interface Row {
  workers: number;
  seconds: number;
  arrivals: number;
  arrivals_per_s: number;
  peak_rss_mb: number;
}

async function main(): Promise<void> {
  const scale = arg('scale', 'medium');
  const sweep = arg('workers', '1,2').split(',').map(Number);
  const arrivals = arg('arrivals', '');
  const extra = ['--scale', scale, ...(arrivals ? ['--arrivals', arrivals] : [])];
  const base = arg('keep', '') || mkdtempSync(join(tmpdir(), 'fw-bench5b-'));
  fw(['--out', base, '--until', '5A', ...extra]);
  const reps = Number(arg('reps', '3'));
  const results: Row[] = [];
  for (let rep = 0; rep < reps; rep++)
    for (const w of rep % 2 ? [...sweep].reverse() : sweep) {
      const out = mkdtempSync(join(tmpdir(), `fw-bench5b-${w}-`));
      linkCopy(base, out);
      rmSync(join(out, 'runs'), { recursive: true, force: true });
      fw(['--out', out, '--until', '5B', '--workers', String(w), ...extra]);
      const r = receipt(out);
      const s = r.segments.find((x) => x.segment === '5B' && x.status === 'built');
      if (!s) throw new Error('5B was not built');
      const n = s.rows?.arrival_events_5B ?? 0;
      results.push({ workers: w, seconds: s.seconds, arrivals: n, arrivals_per_s: n / s.seconds, peak_rss_mb: r.peak_rss_bytes / 2 ** 20 });
      rmSync(out, { recursive: true, force: true });
    }
  if (!arg('keep', '')) rmSync(base, { recursive: true, force: true });

  // Same-machine limit: DuckDB (all cores) writing as many rows of arrival_events_5B's width and
  // types (17 columns) to Parquet, default codec.
  const n = Math.max(...results.map((r) => r.arrivals));
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench5b-duck-'));
  const duck = await Duck.open(availableParallelism());
  const t0 = performance.now();
  await duck.run(`COPY (SELECT 42::UBIGINT seed, repeat('a', 64) manifest_fingerprint, 'baseline_v1' scenario_id, (i // 1300)::UBIGINT merchant_id,
      (i % 1300 + 1)::UBIGINT arrival_seq, make_timestamptz(1767225600000000 + i * 7) ts_utc, (i // 4600)::INTEGER bucket_index,
      CASE WHEN i % 5 = 0 THEN 'FR' ELSE 'DE' END legal_country_iso, CASE WHEN i % 3 = 0 THEN 'Europe/Paris' ELSE 'Europe/Berlin' END tzid_primary,
      make_timestamp(1767229200000000 + i * 7) ts_local_primary, CASE WHEN i % 2 = 0 THEN 'card_present' ELSE 'card_not_present' END channel_group,
      (i % 10 = 0) is_virtual, CASE WHEN i % 10 = 0 THEN NULL ELSE (hash(i) % 40)::INTEGER END site_order,
      CASE WHEN i % 10 = 0 THEN 'e' || (i % 17)::VARCHAR END edge_id, CASE WHEN i % 10 = 0 THEN 'Europe/Dublin' END tzid_operational,
      CASE WHEN i % 10 = 0 THEN make_timestamp(1767225600000000 + i * 7) END ts_local_operational, (hash(i) % 1000) / 7.0 lambda_realised
      FROM range(${n}) t(i)) TO ${lit(join(dir, 'limit.parquet'))} (FORMAT parquet)`);
  const duckSeconds = (performance.now() - t0) / 1000;
  duck.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`5B end to end, scale=${scale}${arrivals ? ` arrivals=${arrivals}` : ''}, ${reps} alternating reps (S0 through the sealed gate; 1A–5A prebuilt)`);
  console.log('workers  5B s median (best)  arrivals     arrivals/s median  speed-up median (best)  peak RSS MB  vs DuckDB');
  const duckRate = n / duckSeconds;
  for (const pt of sweepPoints(sweep, results)) {
    const r0 = results.find((r) => r.workers === pt.workers)!;
    const rate = r0.arrivals / pt.seconds;
    console.log(
      line([
        [String(pt.workers), -7],
        [`${pt.seconds.toFixed(2)} (${pt.best.toFixed(2)})`, 18],
        [String(r0.arrivals), -11],
        [Math.round(rate).toLocaleString('en-US'), 17],
        [`${pt.speedup.toFixed(2)} (${pt.speedupBest.toFixed(2)})`, 22],
        [pt.peakMb.toFixed(0), 11],
        [(rate / duckRate).toFixed(2), 9],
      ]),
    );
  }
  console.log(
    `DuckDB limit: ${n} equal-width rows (17 columns) to Parquet, ${availableParallelism()} threads, ${duckSeconds.toFixed(2)} s = ${Math.round(duckRate).toLocaleString('en-US')} rows/s`,
  );
  const outDir = join(packageRoot(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, `run5B-${scale}.json`),
    JSON.stringify({ scale, arrivals: arrivals || null, reps, results, duckdb_limit: { rows: n, seconds: duckSeconds } }, null, 2),
  );
}

await main();
