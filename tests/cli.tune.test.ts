// `fraudworld tune` and `--workers auto` (issue "A world anyone can open" §5): the sweep's shape, never
// its timings; the recommendation rule and the memory cap as pure functions.
import { describe, expect, it } from 'vitest';
import { fw, requireBuild } from './support/world.js';
import { defaultSweep, recommend } from '../src/cli/tune.js';
import { autoWorkers, MAIN_BUDGET, WORKER_BUDGET } from '../src/cli/workers.js';

describe('--workers auto', () => {
  it('is the cores, capped so that the main budget and a budget per worker fit in 3/4 of memory, and at least 1', () => {
    const GiB = 2 ** 30;
    expect(autoWorkers(2, 24 * GiB)).toBe(2);
    expect(autoWorkers(64, 16 * GiB)).toBe(Math.floor((12 * GiB - MAIN_BUDGET) / WORKER_BUDGET));
    expect(autoWorkers(8, 2 * GiB)).toBe(1);
  });
});

describe('fraudworld tune', () => {
  it('sweeps 1, 2, 4, … up to the cores and recommends the fewest workers within 5 % of the best', () => {
    expect(defaultSweep(1)).toEqual([1]);
    expect(defaultSweep(2)).toEqual([1, 2]);
    expect(defaultSweep(6)).toEqual([1, 2, 4, 6]);
    expect(
      recommend([
        { workers: 1, rows_per_s: 100 },
        { workers: 2, rows_per_s: 180 },
        { workers: 4, rows_per_s: 185 },
      ]),
    ).toBe(2);
    expect(
      recommend([
        { workers: 1, rows_per_s: 100 },
        { workers: 2, rows_per_s: 98 },
      ]),
    ).toBe(1);
  });

  it('prints one point per worker count with rows, rates and peak RSS, DuckDB as the reference, and a recommendation', () => {
    requireBuild();
    const r = fw('tune', '--scale', 'tiny', '--until', '1A', '--workers', '2,1', '--json');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t.points.map((p: { workers: number }) => p.workers)).toEqual([1, 2]);
    for (const p of t.points) {
      expect(p.rows).toBeGreaterThan(0);
      expect(p.rows).toBe(t.points[0].rows); // the same world whatever the count
      expect(p.seconds).toBeGreaterThan(0);
      expect(p.rows_per_s).toBeCloseTo(p.rows / p.seconds, 6);
      expect(p.peak_rss_mb).toBeGreaterThan(0);
    }
    expect(t.duckdb.rows).toBe(t.points[0].rows);
    expect(t.duckdb.rows_per_s).toBeGreaterThan(0);
    expect([1, 2]).toContain(t.recommended);
    const text = fw('tune', '--scale', 'tiny', '--until', '1A', '--workers', '1');
    expect(text.out).toMatch(/^workers +seconds +rows +rows\/s +arrivals\/s +speed-up +peak RSS MB +vs DuckDB$/m);
    expect(text.out).toMatch(/^recommended: --workers 1$/m);
    const bad = fw('tune', '--workers', '0,2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error CLI_BAD_ARGUMENT: --workers: .*must be positive integers separated by commas/);
  }, 120_000);
});
