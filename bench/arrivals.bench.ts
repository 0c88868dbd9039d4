/**
 * 5B arrival kernel throughput on one core: counts → arrivals → routed (site or CDN edge) → local
 * time, in arrivals per second, wasm (k5bArrivals through execShard, as a pool worker runs it) vs the
 * TypeScript reference (src/5B/kernels_ref.ts arrivalsRef). Timings are reported, never asserted.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/arrivals.bench.js [--time MS]
 *
 * Input: the synthetic 6-cell shard of bench/shard5B.ts (physical, hybrid over three zones with a DST
 * change, virtual-only; holiday and payday overlays; latent field) at three densities, expressed as
 * mean arrivals per cell-bucket: sparse (0.05, about a small world's cell), medium (1) and dense (20,
 * a big chain's cell). The per-bucket walk costs the same at every density; the per-arrival work
 * (exponential gap, Philox block, alias pick, offset lookup, per-merchant time merge) dominates as the
 * density grows. Figures: arrivals / mean task latency.
 */
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { arrivalsRef } from '../src/5B/kernels_ref.js';
import { execShard, shardInputs } from '../src/5B/shard.js';
import { syntheticShard } from './shard5B.js';

export interface ArrivalBenchRow {
  density: string;
  perCellBucket: number;
  arrivals: number;
  wasmMps: number;
  tsMps: number;
}

export async function runArrivalBench(time = 800): Promise<ArrivalBenchRow[]> {
  const ex = instantiateKernelsSync(process.env.FW_WASM || undefined);
  const H = 24 * 28;
  const rows: ArrivalBenchRow[] = [];
  for (const [density, perCellBucket] of [['sparse', 0.05], ['medium', 1], ['dense', 20]] as const) {
    // cV is weekly volume: a cell's mean per bucket is volume / 168 (shapes are unit-mass over a week)
    const x = syntheticShard({ H, volume: perCellBucket * 168 * 2 });
    const inputs = shardInputs(x);
    const probe = execShard(ex, inputs, 16, 3);
    const n = probe.stats[0];
    const cap = n + 16;
    const bench = new Bench({ time, warmup: true });
    bench.add('wasm', () => {
      execShard(ex, inputs, cap, 3);
    });
    bench.add('ts', () => {
      arrivalsRef(x);
    });
    await bench.run();
    const mean = (name: string): number => {
      const r = bench.tasks.find((t) => t.name === name)?.result;
      if (!r || r.state !== 'completed') throw new Error(`bench task ${name} did not complete`);
      return r.latency.mean; // ms
    };
    rows.push({ density, perCellBucket, arrivals: n, wasmMps: n / mean('wasm') / 1e3, tsMps: n / mean('ts') / 1e3 });
  }
  return rows;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--time');
  const rows = await runArrivalBench(i > 0 ? Number(process.argv[i + 1]) : 800);
  console.log('5B k5bArrivals, one core (M arrivals/s: counts → times → routed → local time, incl. copy-in and merge)');
  console.log('density  arrivals/cell-bucket  arrivals/task  wasm M/s  ts M/s');
  for (const r of rows) {
    console.log(`${r.density.padEnd(8)} ${String(r.perCellBucket).padStart(20)}  ${String(r.arrivals).padStart(13)}  ${r.wasmMps.toFixed(1).padStart(8)}  ${r.tsMps.toFixed(1).padStart(6)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
