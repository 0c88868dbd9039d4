// `fraudworld tune`: which --workers suits this machine. Builds the same world once per worker count, each
// in a fresh child process and folder (so peak RSS is that run's), and DuckDB writing as many equal-width
// rows to Parquet as the same-machine reference; prints rows/s, arrivals/s, speed-up and peak RSS per
// count and recommends the fewest workers within 5 % of the fastest. Output bytes never depend on the
// count, so the choice is about time and memory only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { packageRoot } from '../core/paths.js';
import { ErrorCodes, fail } from '../core/errors.js';
import { Duck, lit } from '../io/duck.js';
import type { RunSummary } from '../engine/runner.js';
import { autoWorkers } from './workers.js';

export interface TunePoint {
  workers: number;
  seconds: number;
  rows: number;
  arrivals: number;
  rows_per_s: number;
  arrivals_per_s: number;
  speedup: number;
  peak_rss_mb: number;
}

export interface TuneResult {
  scale: string;
  until: string | null;
  cores: number;
  auto: number;
  points: TunePoint[];
  duckdb: { rows: number; seconds: number; rows_per_s: number; threads: number };
  recommended: number;
}

/** Default sweep: 1, 2, 4, … up to the cores, and the core count itself. */
export function defaultSweep(cores = availableParallelism()): number[] {
  const out: number[] = [];
  for (let w = 1; w < cores; w *= 2) out.push(w);
  out.push(cores);
  return [...new Set(out)];
}

/** The fewest workers whose rows/s is within `slack` of the best point's. */
export function recommend(points: readonly Pick<TunePoint, 'workers' | 'rows_per_s'>[], slack = 0.05): number {
  const best = Math.max(...points.map((p) => p.rows_per_s));
  return Math.min(...points.filter((p) => p.rows_per_s >= (1 - slack) * best).map((p) => p.workers));
}

function sweepList(v: string): number[] {
  const list = v.split(',').map((x) => x.trim());
  if (!list.length || list.some((x) => !/^\d+$/.test(x) || Number(x) < 1))
    throw new InvalidArgumentError('must be positive integers separated by commas, e.g. 1,2,4');
  return [...new Set(list.map(Number))].sort((a, b) => a - b);
}

/** One measured build: the CLI in a child process, its --json summary. */
function buildOnce(scale: string, until: string | undefined, workers: number, seed: string): RunSummary {
  const dir = mkdtempSync(join(tmpdir(), `fw-tune-${workers}-`));
  try {
    const args = [
      join(packageRoot(), 'bin', 'fraudworld.js'),
      'run',
      '--out',
      dir,
      '--scale',
      scale,
      '--workers',
      String(workers),
      '--seed',
      seed,
      '--json',
      '--quiet',
    ];
    if (until) args.push('--until', until);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    if (r.status !== 0) {
      const line = r.stderr.trim().split('\n').pop() ?? '';
      if (line.startsWith('error ')) {
        process.stderr.write(line + '\n');
        process.exit(r.status ?? 2);
      }
      fail(ErrorCodes.INTERNAL, `the build with ${workers} workers failed: ${line}`, 'tune', 'run the same fraudworld run command to see the whole error');
    }
    return JSON.parse(r.stdout) as RunSummary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function tune(o: { scale: string; until?: string; workers: number[]; seed: string }, log: (s: string) => void): Promise<TuneResult> {
  const points: TunePoint[] = [];
  for (const w of o.workers) {
    log(`building a ${o.scale} world${o.until ? ` up to ${o.until}` : ''} with ${w} worker${w > 1 ? 's' : ''}…`);
    const s = buildOnce(o.scale, o.until, w, o.seed);
    const built = s.segments.filter((x) => x.status === 'built');
    const seconds = built.reduce((a, x) => a + x.seconds, 0);
    const rows = built.reduce((a, x) => a + Object.values(x.rows ?? {}).reduce((p, q) => p + q, 0), 0);
    const arrivals = built.reduce((a, x) => a + (x.rows?.arrival_events_5B ?? 0), 0);
    points.push({
      workers: w,
      seconds,
      rows,
      arrivals,
      rows_per_s: seconds > 0 ? rows / seconds : 0,
      arrivals_per_s: seconds > 0 ? arrivals / seconds : 0,
      speedup: 0,
      peak_rss_mb: s.peak_rss_bytes / 2 ** 20,
    });
  }
  for (const p of points) p.speedup = points[0].seconds / p.seconds;
  // the same-machine reference: DuckDB (every core) writing as many 8-column equal-width rows
  const n = Math.max(1, ...points.map((p) => p.rows));
  const threads = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'fw-tune-duck-'));
  const duck = await Duck.open(threads);
  const t0 = performance.now();
  try {
    await duck.run(`COPY (SELECT (hash(i) // 2)::BIGINT a, (hash(i + 1) // 2)::BIGINT b, i::BIGINT c, (i % 97)::INTEGER d, (i * 0.5)::DOUBLE e,
        CASE WHEN i % 3 = 0 THEN 'x' ELSE 'y' END f, repeat('a', 64) g, 42::BIGINT h FROM range(${n}) t(i)) TO ${lit(join(dir, 'ref.parquet'))} (FORMAT parquet)`);
  } finally {
    duck.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return {
    scale: o.scale,
    until: o.until ?? null,
    cores: availableParallelism(),
    auto: autoWorkers(),
    points,
    duckdb: { rows: n, seconds, rows_per_s: n / seconds, threads },
    recommended: recommend(points),
  };
}

export function tuneCommand(program: Command): void {
  program
    .command('tune')
    .description('measure this machine: build the same world with each worker count and recommend --workers')
    .option('--scale <name>', 'world to build per point (tiny: seconds each; small: ~30 s each)', 'tiny')
    .option('--workers <list>', `worker counts to try (default: ${defaultSweep().join(',')})`, sweepList)
    .option('--until <seg>', 'build only up to this segment (e.g. 5B)')
    .option('--seed <n>', 'seed of the measured world', '42')
    .option('--json', 'print the measurements as one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  fraudworld tune                          a tiny world per count: a minute or less\n  fraudworld tune --scale small --workers 1,2,4 --json\n\nThe recommendation is the fewest workers within 5 % of the best rows/s; bytes never depend on it.',
    )
    .action(async (o: { scale: string; workers?: number[]; until?: string; seed: string; json?: boolean }) => {
      const r = await tune({ scale: o.scale, until: o.until, workers: o.workers ?? defaultSweep(), seed: o.seed }, (s) => process.stderr.write(s + '\n'));
      if (o.json) {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      process.stdout.write(`scale ${r.scale}${r.until ? ` up to ${r.until}` : ''}; ${r.cores} cores (auto = ${r.auto} workers)\n`);
      process.stdout.write('workers   seconds        rows      rows/s  arrivals/s  speed-up  peak RSS MB  vs DuckDB\n');
      for (const p of r.points)
        process.stdout.write(
          `${String(p.workers).padStart(7)}  ${p.seconds.toFixed(2).padStart(8)}  ${fmt(p.rows).padStart(10)}  ${fmt(p.rows_per_s).padStart(10)}  ${fmt(p.arrivals_per_s).padStart(10)}  ${p.speedup.toFixed(2).padStart(8)}  ${p.peak_rss_mb.toFixed(0).padStart(11)}  ${(p.rows_per_s / r.duckdb.rows_per_s).toFixed(2).padStart(9)}\n`,
        );
      process.stdout.write(
        `DuckDB (${r.duckdb.threads} threads) writes ${fmt(r.duckdb.rows)} equal-width rows in ${r.duckdb.seconds.toFixed(2)} s: ${fmt(r.duckdb.rows_per_s)} rows/s\n` +
          `recommended: --workers ${r.recommended}\n`,
      );
    });
}
