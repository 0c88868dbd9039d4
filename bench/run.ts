// Whole-run throughput harness: build the same world with a worker-count sweep, each in a fresh
// child process and directory, and put DuckDB writing an equal-width table to Parquet beside it as
// the same-machine limit. Prints a table and writes bench/results/run-<scale>.json.
//   node dist/bench/run.js [--scale small] [--until 1A] [--workers 1,2]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { Duck, lit } from '../src/io/duck.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

interface RunRow {
  workers: number;
  seconds: number;
  segments: Record<string, { seconds: number; rows: Record<string, number> }>;
  rows: number;
  rows_per_s: number;
  peak_rss_mb: number;
}

async function main(): Promise<void> {
  const scale = arg('scale', 'small');
  const until = arg('until', '1A');
  const sweep = arg('workers', Array.from(new Set([1, 2, availableParallelism()])).join(','))
    .split(',')
    .map(Number);
  const root = packageRoot();
  const results: RunRow[] = [];
  for (const w of sweep) {
    const out = mkdtempSync(join(tmpdir(), `fw-bench-${w}-`));
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin', 'fraudworld.js'), 'run', '--out', out, '--scale', scale, '--until', until, '--workers', String(w), '--quiet'],
      { encoding: 'utf8' },
    );
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
    const receipt = JSON.parse(spawnSync('sh', ['-c', `cat ${out}/runs/*/run_receipt.json`], { encoding: 'utf8' }).stdout);
    const segments: RunRow['segments'] = {};
    let rows = 0;
    for (const s of receipt.segments) {
      segments[s.segment] = { seconds: s.seconds, rows: s.rows ?? {} };
      rows += Object.values((s.rows ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    }
    results.push({ workers: w, seconds, segments, rows, rows_per_s: rows / seconds, peak_rss_mb: receipt.peak_rss_bytes / 2 ** 20 });
    rmSync(out, { recursive: true, force: true });
  }
  // Same-machine limit: DuckDB, all threads, an equal-width synthetic table (outlet_catalogue's 10 columns).
  const limitRows = Math.max(...results.map((r) => r.segments[until]?.rows?.outlet_catalogue ?? r.rows));
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-duck-'));
  const duck = await Duck.open(availableParallelism());
  const t0 = performance.now();
  await duck.run(`COPY (SELECT repeat('a', 64) AS manifest_fingerprint, (i // 10)::UBIGINT AS merchant_id, lpad((i % 10 + 1)::VARCHAR, 6, '0') AS site_id,
      'DE' AS home_country_iso, CASE WHEN i % 7 = 0 THEN 'FR' ELSE 'DE' END AS legal_country_iso, (i % 3 = 0) AS single_vs_multi_flag,
      (hash(i) % 50)::INTEGER AS raw_nb_outlet_draw, (hash(i + 1) % 20)::INTEGER AS final_country_outlet_count, (i % 10 + 1)::INTEGER AS site_order, 42::UBIGINT AS global_seed
      FROM range(${limitRows}) t(i)) TO ${lit(join(dir, 'limit.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
  const duckSeconds = (performance.now() - t0) / 1000;
  duck.close();
  rmSync(dir, { recursive: true, force: true });

  const base = results[0];
  console.log(`scale=${scale} until=${until} (rows = all rows the segments published)`);
  console.log(
    'workers  seconds  rows        rows/s       speed-up  peak RSS MB  ' +
      Object.keys(base.segments)
        .map((s) => `${s} s`)
        .join('  '),
  );
  for (const r of results) {
    console.log(
      `${String(r.workers).padEnd(8)} ${r.seconds.toFixed(2).padStart(7)}  ${String(r.rows).padEnd(10)}  ${Math.round(r.rows_per_s).toLocaleString('en-US').padStart(11)}  ${(base.seconds / r.seconds).toFixed(2).padStart(8)}  ${r.peak_rss_mb.toFixed(0).padStart(11)}  ` +
        Object.values(r.segments)
          .map((s) => s.seconds.toFixed(2))
          .join('  '),
    );
  }
  console.log(
    `DuckDB limit: ${limitRows} equal-width rows to Parquet (zstd, ${availableParallelism()} threads) in ${duckSeconds.toFixed(2)} s = ${Math.round(limitRows / duckSeconds).toLocaleString('en-US')} rows/s`,
  );
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `run-${scale}.json`), JSON.stringify({ scale, until, results, duckdb_limit: { rows: limitRows, seconds: duckSeconds } }, null, 2));
}

await main();
