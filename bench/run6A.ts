// 6A end to end (S0 gate checks → parties, accounts, instruments, devices and IPs, roles → S5 checks →
// gate) with a worker-count sweep, and DuckDB writing as many equal-width rows to Parquet in the same
// run as the same-machine limit. The world up to 5B is built once; each sweep point hard-links it,
// builds 6A alone in a fresh child process and reads 6A's seconds, rows and the process peak RSS from
// the run receipt. Worker counts alternate over --reps repetitions (this kind of box drifts).
// Prints a table and writes bench/results/run6A-<scale>.json.
//   node dist/bench/run6A.js [--scale medium] [--workers 1,2] [--reps 3] [--keep DIR]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { Duck, lit } from '../src/io/duck.js';
import { arg, fw, line, linkCopy, receipt, sweepPoints } from './harness.js';

/** The entity bases: what "entities/s" counts. */
const ENTITIES = ['s1_party_base_6A', 's2_account_base_6A', 's3_instrument_base_6A', 's4_device_base_6A', 's4_ip_base_6A'];

interface Row {
  workers: number;
  seconds: number;
  entities: number;
  rows: number;
  peak_rss_mb: number;
}

async function main(): Promise<void> {
  const scale = arg('scale', 'medium');
  const sweep = arg('workers', '1,2').split(',').map(Number);
  const base = arg('keep', '') || mkdtempSync(join(tmpdir(), 'fw-bench6a-'));
  fw(['--out', base, '--until', '5B', '--scale', scale]);
  const reps = Number(arg('reps', '3'));
  const results: Row[] = [];
  for (let rep = 0; rep < reps; rep++)
    for (const w of rep % 2 ? [...sweep].reverse() : sweep) {
      const out = mkdtempSync(join(tmpdir(), `fw-bench6a-${w}-`));
      linkCopy(base, out);
      rmSync(join(out, 'runs'), { recursive: true, force: true });
      fw(['--out', out, '--until', '6A', '--workers', String(w), '--scale', scale]);
      const r = receipt(out);
      const s = r.segments.find((x) => x.segment === '6A' && x.status === 'built');
      if (!s) throw new Error('6A was not built');
      const rows = Object.values(s.rows ?? {}).reduce((a, b) => a + b, 0);
      const entities = ENTITIES.reduce((a, id) => a + (s.rows?.[id] ?? 0), 0);
      results.push({ workers: w, seconds: s.seconds, entities, rows, peak_rss_mb: r.peak_rss_bytes / 2 ** 20 });
      rmSync(out, { recursive: true, force: true });
    }
  if (!arg('keep', '')) rmSync(base, { recursive: true, force: true });

  // Same-machine limit: DuckDB (all cores) writing as many rows as 6A published, 8 columns of the
  // shape of 6A's link tables (ids, a nullable id, a role, the identity columns), default codec.
  const n = Math.max(...results.map((r) => r.rows));
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench6a-duck-'));
  const duck = await Duck.open(availableParallelism());
  const t0 = performance.now();
  await duck.run(`COPY (SELECT (hash(i) // 2)::BIGINT device_id, CASE WHEN i % 3 = 0 THEN NULL ELSE (hash(i + 1) // 2)::BIGINT END party_id,
      CASE WHEN i % 3 = 0 THEN (hash(i + 2) // 2)::BIGINT END account_id, NULL::BIGINT instrument_id,
      CASE WHEN i % 3 = 0 THEN 'ASSOCIATED_ACCOUNT_ACCESS' ELSE 'PRIMARY_OWNER' END link_role,
      repeat('a', 64) manifest_fingerprint, repeat('b', 64) parameter_hash, 42::BIGINT seed
      FROM range(${n}) t(i)) TO ${lit(join(dir, 'limit.parquet'))} (FORMAT parquet)`);
  const duckSeconds = (performance.now() - t0) / 1000;
  duck.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`6A end to end, scale=${scale}, ${reps} alternating reps (S0 through the sealed gate; 1A–5B prebuilt)`);
  console.log('workers  6A s median (best)  entities     rows        rows/s median  speed-up median (best)  peak RSS MB  vs DuckDB');
  const duckRate = n / duckSeconds;
  for (const pt of sweepPoints(sweep, results)) {
    const r0 = results.find((r) => r.workers === pt.workers)!;
    const rate = r0.rows / pt.seconds;
    console.log(
      line([
        [String(pt.workers), -7],
        [`${pt.seconds.toFixed(2)} (${pt.best.toFixed(2)})`, 18],
        [String(r0.entities), -11],
        [String(r0.rows), -10],
        [Math.round(rate).toLocaleString('en-US'), 13],
        [`${pt.speedup.toFixed(2)} (${pt.speedupBest.toFixed(2)})`, 22],
        [pt.peakMb.toFixed(0), 11],
        [(rate / duckRate).toFixed(2), 9],
      ]),
    );
  }
  console.log(
    `DuckDB limit: ${n} equal-width rows (8 columns) to Parquet, ${availableParallelism()} threads, ${duckSeconds.toFixed(2)} s = ${Math.round(duckRate).toLocaleString('en-US')} rows/s`,
  );
  const outDir = join(packageRoot(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `run6A-${scale}.json`), JSON.stringify({ scale, reps, results, duckdb_limit: { rows: n, seconds: duckSeconds } }, null, 2));
}

await main();
