/**
 * RNG kernel throughput: wasm (assembly/rng) vs the TypeScript reference (src/rng), in
 * millions of values per second on one core. SPEC §9 target: Philox u01 in wasm > 100 M/s.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/kernels.bench.js [--time MS] [--batch N] [--wasm PATH]
 *
 * Each task call produces one batch of N values into a preallocated buffer (wasm: linear
 * memory; TS: a typed array) from a fresh substream, so call overhead is amortised and the
 * figure is values/s = N / mean latency. Timings are reported, never asserted.
 */
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { aliasBuild, aliasSampleBatch } from '../src/rng/alias.js';
import { normal, poisson } from '../src/rng/dist.js';
import { Substream } from '../src/rng/stream.js';
import { loadKernels } from '../src/rng/wasm.js';

export interface KernelBenchRow {
  kernel: string;
  wasmMps: number;
  tsMps: number;
}

export interface KernelBenchOptions {
  /** ms per task (tinybench `time`), default 500 */
  time?: number;
  /** values per task call, default 65536 */
  batch?: number;
  /** wasm file, default build/fraudworld.wasm under the package root */
  wasmPath?: string;
}

export async function runKernelBench(opts: KernelBenchOptions = {}): Promise<KernelBenchRow[]> {
  const time = opts.time ?? 500;
  const n = opts.batch ?? 65536;
  const k = await loadKernels(opts.wasmPath);
  k.resetHeap();
  const outF = k.allocF64(n);
  const outI = k.allocI32(n);
  const tsF = new Float64Array(n);
  const tsI = new Int32Array(n);

  // alias table over 1000 Zipf(1.1) weights, built once on both sides
  const weights = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1) ** 1.1);
  const wPtr = k.putF64(weights);
  const probPtr = k.allocF64(weights.length);
  const aliasPtr = k.allocI32(weights.length);
  if (k.aliasBuild(wPtr, weights.length, probPtr, aliasPtr) !== 0) throw new Error('aliasBuild failed');
  const table = aliasBuild(weights);

  let key = 1; // a new substream per call, as real shards do
  const kernels: Array<[string, () => void, () => void]> = [
    [
      'u01',
      () => k.fillU01(key++, 7, outF, n),
      () => {
        const s = new Substream(key++, 7);
        for (let i = 0; i < n; i++) tsF[i] = s.u01();
      },
    ],
    [
      'normal (Box-Muller)',
      () => k.fillNormal(key++, 7, outF, n),
      () => {
        const s = new Substream(key++, 7);
        for (let i = 0; i < n; i++) tsF[i] = normal(s);
      },
    ],
    [
      'poisson λ=3 (inversion)',
      () => k.fillPoisson(3, key++, 7, outI, n),
      () => {
        const s = new Substream(key++, 7);
        for (let i = 0; i < n; i++) tsI[i] = poisson(s, 3);
      },
    ],
    [
      'poisson λ=57 (PTRS)',
      () => k.fillPoisson(57, key++, 7, outI, n),
      () => {
        const s = new Substream(key++, 7);
        for (let i = 0; i < n; i++) tsI[i] = poisson(s, 57);
      },
    ],
    [
      'alias n=1000',
      () => {
        k.streamInit(key++, 7);
        k.aliasSampleBatch(probPtr, aliasPtr, weights.length, outI, n);
      },
      () => {
        aliasSampleBatch(new Substream(key++, 7), table, tsI, n);
      },
    ],
  ];

  const bench = new Bench({ name: 'rng kernels', time });
  for (const [name, wasmFn, tsFn] of kernels) {
    bench.add(`${name} | wasm`, wasmFn);
    bench.add(`${name} | ts`, tsFn);
  }
  await bench.run();

  const mps = (taskName: string): number => {
    const task = bench.tasks.find((t) => t.name === taskName);
    const r = task?.result;
    if (!r || r.state !== 'completed') throw new Error(`bench task ${taskName} did not complete`);
    return n / (r.latency.mean * 1e3); // latency in ms -> values per µs = M/s
  };
  return kernels.map(([name]) => ({ kernel: name, wasmMps: mps(`${name} | wasm`), tsMps: mps(`${name} | ts`) }));
}

export function formatKernelBench(rows: KernelBenchRow[]): string {
  const lines = ['kernel                      wasm M/s    TS M/s   wasm/TS'];
  for (const r of rows) {
    lines.push(`${r.kernel.padEnd(26)} ${r.wasmMps.toFixed(1).padStart(9)} ${r.tsMps.toFixed(1).padStart(9)} ${(r.wasmMps / r.tsMps).toFixed(1).padStart(8)}x`);
  }
  return lines.join('\n');
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const time = argValue('--time');
  const batch = argValue('--batch');
  const rows = await runKernelBench({
    time: time ? Number(time) : undefined,
    batch: batch ? Number(batch) : undefined,
    wasmPath: argValue('--wasm'),
  });
  console.log(`node ${process.version}, one core, batch ${batch ?? 65536} values per call`);
  console.log(formatKernelBench(rows));
}
