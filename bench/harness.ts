// Shared pieces of the whole-run benchmarks (run5B, run6A): the CLI in a child process, the latest
// run receipt, hard-linked world copies and medians.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';

export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const CLI = join(packageRoot(), 'bin', 'fraudworld.js');

/** `fraudworld run …` in a child process (a fresh heap and pool per measurement). */
export function fw(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, 'run', ...args, '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fraudworld run ${args.join(' ')} failed: ${r.stderr}`);
}

export interface Receipt {
  segments: { segment: string; status: string; seconds: number; rows?: Record<string, number> }[];
  peak_rss_bytes: number;
}

/** The newest run receipt of a world. */
export function receipt(world: string): Receipt {
  const runs = join(world, 'runs');
  const latest = readdirSync(runs)
    .map((d) => join(runs, d, 'run_receipt.json'))
    .filter(existsSync)
    .map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .sort((a, b) => String(a.created_utc ?? '').localeCompare(String(b.created_utc ?? '')));
  return latest[latest.length - 1];
}

/** A writable copy of a built world: hard links where the filesystem allows (published files are write-once), else a real copy. */
export function linkCopy(from: string, to: string): void {
  const r = spawnSync('cp', ['-al', `${from}/.`, to]);
  if (r.status !== 0) cpSync(from, to, { recursive: true });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One worker count's summary over its repetitions: seconds (median, best), speed-up against the first count, peak RSS. */
export interface SweepPoint {
  workers: number;
  seconds: number;
  best: number;
  speedup: number;
  speedupBest: number;
  peakMb: number;
}

export function sweepPoints(sweep: number[], results: { workers: number; seconds: number; peak_rss_mb: number }[]): SweepPoint[] {
  const of = (w: number) => results.filter((r) => r.workers === w);
  const s0 = of(sweep[0]);
  return sweep.map((w) => {
    const rs = of(w);
    const seconds = median(rs.map((r) => r.seconds)),
      best = Math.min(...rs.map((r) => r.seconds));
    return {
      workers: w,
      seconds,
      best,
      speedup: median(s0.map((r) => r.seconds)) / seconds,
      speedupBest: Math.min(...s0.map((r) => r.seconds)) / best,
      peakMb: Math.max(...rs.map((r) => r.peak_rss_mb)),
    };
  });
}

/** A table row: the columns padded to the header's widths. */
export const line = (cells: [string, number][]) => cells.map(([v, w]) => (w < 0 ? v.padEnd(-w) : v.padStart(w))).join('  ');
