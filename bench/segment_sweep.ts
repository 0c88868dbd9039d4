// One segment end to end with a worker-count sweep (bench/run6A.ts, bench/run6B.ts), and DuckDB writing as
// many equal-width rows to Parquet in the same run as the same-machine limit. The world up to the segment's
// upstream is built once; each sweep point hard-links it, builds the segment alone in a fresh child process
// and reads its seconds, rows and the process peak RSS from the run receipt. Worker counts alternate over
// --reps repetitions (this kind of box drifts). Prints a table and writes bench/results/run<SEG>-<scale>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { Duck, lit } from '../src/io/duck.js';
import { arg, fw, line, linkCopy, receipt, sweepPoints } from './harness.js';

export interface SegmentBench {
  segment: string;
  /** the last upstream segment (built once) */
  upstream: string;
  /** what the "entities" column counts: these datasets' rows */
  entities: string[];
  /** one sentence on what the run covers */
  covers: string;
  /** DuckDB SQL writing `n` equal-width rows of the segment's widest shape to `path` */
  limitSql: (n: number, path: string) => string;
  /** the limit's shape, for the table's last line */
  limitShape: string;
}

interface Row {
  workers: number;
  seconds: number;
  entities: number;
  rows: number;
  peak_rss_mb: number;
}

export async function sweepSegment(b: SegmentBench): Promise<void> {
  const scale = arg('scale', 'medium');
  const sweep = arg('workers', '1,2').split(',').map(Number);
  const base = arg('keep', '') || mkdtempSync(join(tmpdir(), 'fw-bench-'));
  fw(['--out', base, '--until', b.upstream, '--scale', scale]);
  const reps = Number(arg('reps', '3'));
  const results: Row[] = [];
  for (let rep = 0; rep < reps; rep++)
    for (const w of rep % 2 ? [...sweep].reverse() : sweep) {
      const out = mkdtempSync(join(tmpdir(), `fw-bench-${w}-`));
      linkCopy(base, out);
      rmSync(join(out, 'runs'), { recursive: true, force: true });
      fw(['--out', out, '--until', b.segment, '--workers', String(w), '--scale', scale]);
      const r = receipt(out);
      const s = r.segments.find((x) => x.segment === b.segment && x.status === 'built');
      if (!s) throw new Error(`${b.segment} was not built`);
      const rows = Object.values(s.rows ?? {}).reduce((a, b) => a + b, 0);
      const entities = b.entities.reduce((a, id) => a + (s.rows?.[id] ?? 0), 0);
      results.push({ workers: w, seconds: s.seconds, entities, rows, peak_rss_mb: r.peak_rss_bytes / 2 ** 20 });
      rmSync(out, { recursive: true, force: true });
    }
  if (!arg('keep', '')) rmSync(base, { recursive: true, force: true });

  // Same-machine limit: DuckDB (all cores) writing as many rows as the segment published, in its shape
  const n = Math.max(...results.map((r) => r.rows));
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-duck-'));
  const duck = await Duck.open(availableParallelism());
  const t0 = performance.now();
  await duck.run(b.limitSql(n, lit(join(dir, 'limit.parquet'))));
  const duckSeconds = (performance.now() - t0) / 1000;
  duck.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`${b.segment} end to end, scale=${scale}, ${reps} alternating reps (${b.covers}; 1A–${b.upstream} prebuilt)`);
  console.log(`workers  ${b.segment} s median (best)  entities     rows        rows/s median  speed-up median (best)  peak RSS MB  vs DuckDB`);
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
    `DuckDB limit: ${n} equal-width rows (${b.limitShape}) to Parquet, ${availableParallelism()} threads, ${duckSeconds.toFixed(2)} s = ${Math.round(duckRate).toLocaleString('en-US')} rows/s`,
  );
  const outDir = join(packageRoot(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, `run${b.segment}-${scale}.json`),
    JSON.stringify({ scale, reps, results, duckdb_limit: { rows: n, seconds: duckSeconds } }, null, 2),
  );
}
