/**
 * 5B arrival kernel throughput on one core: counts → arrivals → routed (site or CDN edge) → local
 * time, in arrivals per second, wasm (k5bArrivals through execShard, as a pool worker runs it) vs the
 * TypeScript reference (src/segments/5B/kernels_ref.ts arrivalsRef). Timings are reported, never asserted.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/arrivals.bench.js [--time MS] [--world DIR [--shards K]]
 *
 * Input: the synthetic 6-cell shard of bench/shard5B.ts (physical, hybrid over three zones with a DST
 * change, virtual-only; holiday and payday overlays; latent field) at three densities, expressed as
 * mean arrivals per cell-bucket: sparse (0.05, about a small world's cell), medium (1) and dense (20,
 * a big chain's cell). The per-bucket walk costs the same at every density; the per-arrival work
 * (exponential gap, Philox block, alias pick, offset lookup, per-merchant time merge) dominates as the
 * density grows. Figures: arrivals / mean task latency.
 *
 * --world DIR: real shards instead, K of them (default 4) spread over the shard plan of a world built
 * through 5A (`fraudworld run --until 5A`, default config): the 5B inputs, groups, latent field and
 * shard inputs are made exactly as `run` makes them, then each shard's kernel is timed alone.
 *
 * --against OTHER.wasm (with --world): an A/B of two kernel builds on the same shards — each shard runs on
 * this build and on OTHER (same kernel ABI), every output column and the stats are compared byte for byte
 * (identical / differ), and both are timed. FW_WASM picks this side's build (default build/fraudworld.wasm).
 */
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { arrivalsRef } from '../src/segments/5B/kernels_ref.js';
import { execShard, shardInputs } from '../src/segments/5B/shard.js';
import { syntheticShard } from './shard5B.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyPack } from '../src/config/load.js';
import { packageRoot } from '../src/core/paths.js';
import type { RunContext } from '../src/engine/context.js';
import { KernelPool } from '../src/pool/pool.js';
import { horizonOf, utcToLocalBucketTable, weekOffset } from '../src/laws/time/grid.js';
import { loadInputs } from '../src/segments/5B/inputs.js';
import { policies5B } from '../src/segments/5B/policies.js';
import { expectedPerCell, latentField, planGroups, planShards, shardInput, worldTables } from '../src/segments/5B/plan.js';
import { shardCapacity } from '../src/segments/5B/shard.js';

export interface WorldShardRow {
  shard: number;
  cells: number;
  arrivals: number;
  ms: number;
  mps: number;
  /** from the fastest task (this box drifts; the best run is the steadier figure) */
  bestMps: number;
  /** with --against: the other build's figures and whether its output bytes equal this build's */
  other?: { ms: number; mps: number; bestMps: number; identical: boolean };
}

/** Every output column and the stats of one shard run, as bytes (views over wasm memory do not outlive the next call). */
function runBytes(r: ReturnType<typeof execShard>): string {
  const cols = [...Object.values(r.arrivals), ...Object.values(r.summary)].map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  return JSON.stringify([r.stats, cols]);
}

/** Kernel time of K real shards of a world built through 5A (inputs prepared as run5B prepares them). */
export async function runWorldShardBench(world: string, k = 4, time = 800, against?: string): Promise<WorldShardRow[]> {
  const runs = join(world, 'runs');
  const rec = JSON.parse(readFileSync(join(runs, readdirSync(runs).sort()[0], 'run_receipt.json'), 'utf8'));
  const pool = new KernelPool(1);
  try {
    const ctx = {
      world,
      seed: BigInt(rec.seed),
      parameter_hash: rec.parameter_hash,
      manifest_fingerprint: rec.manifest_fingerprint,
      run_id: rec.run_id,
      pack: await loadPolicyPack(join(packageRoot(), 'config')),
      pool,
    } as unknown as RunContext;
    const pol = policies5B(ctx.pack);
    const hz = horizonOf(pol.timeGrid);
    const inp = await loadInputs(ctx, pol.timeGrid.scenario_id, hz.H);
    const lhTab = utcToLocalBucketTable(
      inp.timetable,
      Int32Array.from(inp.timetable.tzids, (_, z) => z),
      hz.H,
      hz.startSec,
    );
    const groups = planGroups(inp, pol);
    const expected = expectedPerCell(inp, hz, lhTab);
    const id = { manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash };
    const { factor } = await latentField(pool, groups, pol, hz.H, id);
    const w = worldTables(inp, id, hz.H, hz.startSec * 1e6, 3600e6, weekOffset(hz), lhTab, factor.view() as Float64Array);
    const shards = planShards(inp, expected, pol.arrivals.shard_target_arrivals);
    const ex = instantiateKernelsSync(process.env.FW_WASM || undefined);
    const exB = against ? instantiateKernelsSync(against) : undefined;
    const rows: WorldShardRow[] = [];
    for (let j = 0; j < Math.min(k, shards.length); j++) {
      const s = shards[Math.round((j * (shards.length - 1)) / Math.max(1, k - 1))];
      const inputs = shardInputs(shardInput(inp, groups, w, s).x);
      const cap = execShard(ex, inputs, shardCapacity(s.expected), s.maxCells).stats[0] + 16;
      const bench = new Bench({ time, warmup: true });
      bench.add('wasm', () => {
        execShard(ex, inputs, cap, s.maxCells);
      });
      let capB = 0;
      if (exB) {
        capB = execShard(exB, inputs, shardCapacity(s.expected), s.maxCells).stats[0] + 16;
        bench.add('other', () => {
          execShard(exB, inputs, capB, s.maxCells);
        });
      }
      await bench.run();
      const lat = (name: string) => {
        const r = bench.tasks.find((t) => t.name === name)?.result;
        if (!r || r.state !== 'completed') throw new Error(`bench task ${name} did not complete`);
        return r.latency;
      };
      const arrivals = cap - 16;
      const a = lat('wasm');
      const row: WorldShardRow = { shard: s.index, cells: s.c1 - s.c0, arrivals, ms: a.mean, mps: arrivals / a.mean / 1e3, bestMps: arrivals / a.min / 1e3 };
      if (exB) {
        const b = lat('other');
        const identical = runBytes(execShard(ex, inputs, cap, s.maxCells)) === runBytes(execShard(exB, inputs, capB, s.maxCells));
        row.other = { ms: b.mean, mps: (capB - 16) / b.mean / 1e3, bestMps: (capB - 16) / b.min / 1e3, identical };
      }
      rows.push(row);
    }
    return rows;
  } finally {
    await pool.close();
  }
}

export interface ArrivalBenchRow {
  density: string;
  perCellBucket: number;
  arrivals: number;
  wasmMps: number;
  /** from the fastest wasm task */
  wasmBestMps: number;
  tsMps: number;
}

export async function runArrivalBench(time = 800): Promise<ArrivalBenchRow[]> {
  const ex = instantiateKernelsSync(process.env.FW_WASM || undefined);
  const H = 24 * 28;
  const rows: ArrivalBenchRow[] = [];
  for (const [density, perCellBucket] of [
    ['sparse', 0.05],
    ['medium', 1],
    ['dense', 20],
  ] as const) {
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
    const latency = (name: string) => {
      const r = bench.tasks.find((t) => t.name === name)?.result;
      if (!r || r.state !== 'completed') throw new Error(`bench task ${name} did not complete`);
      return r.latency; // ms
    };
    rows.push({
      density,
      perCellBucket,
      arrivals: n,
      wasmMps: n / latency('wasm').mean / 1e3,
      wasmBestMps: n / latency('wasm').min / 1e3,
      tsMps: n / latency('ts').mean / 1e3,
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const time = Number(arg('--time') ?? 800);
  const world = arg('--world');
  if (world) {
    const against = arg('--against');
    const rows = await runWorldShardBench(world, Number(arg('--shards') ?? 4), time, against);
    console.log(`5B k5bArrivals on real shards of ${world}, one core (copy-in, kernel, merge; M arrivals/s)`);
    console.log(`shard  cells  arrivals  ms/task  M arrivals/s mean (best)${against ? `  | ${against}: ms/task  M/s mean (best)  output` : ''}`);
    for (const r of rows) {
      const o = r.other
        ? `  | ${r.other.ms.toFixed(1).padStart(7)}  ${`${r.other.mps.toFixed(1)} (${r.other.bestMps.toFixed(1)})`.padStart(12)}  ${r.other.identical ? 'identical' : 'DIFFERS'}`
        : '';
      console.log(
        `${String(r.shard).padStart(5)}  ${String(r.cells).padStart(5)}  ${String(r.arrivals).padStart(8)}  ${r.ms.toFixed(1).padStart(7)}  ${`${r.mps.toFixed(1)} (${r.bestMps.toFixed(1)})`.padStart(12)}${o}`,
      );
    }
    return;
  }
  const rows = await runArrivalBench(time);
  console.log('5B k5bArrivals, one core (M arrivals/s: counts → times → routed → local time, incl. copy-in and merge)');
  console.log('density  arrivals/cell-bucket  arrivals/task  wasm M/s mean (best)  ts M/s');
  for (const r of rows) {
    console.log(
      `${r.density.padEnd(8)} ${String(r.perCellBucket).padStart(20)}  ${String(r.arrivals).padStart(13)}  ${`${r.wasmMps.toFixed(1)} (${r.wasmBestMps.toFixed(1)})`.padStart(19)}  ${r.tsMps.toFixed(1).padStart(6)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
