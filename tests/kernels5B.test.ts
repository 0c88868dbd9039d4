// 5B kernels: wasm == TypeScript reference bit for bit (columns, summary, RNG accounting), and the
// arrival process matches its intensity (a statistical test that a wrong formula fails).
import { describe, it, expect, beforeAll } from 'vitest';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { runTask } from '../src/pool/task.js';
import { SharedCol } from '../src/pool/columns.js';
import { k5bLatent } from '../src/kernels/5B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { arrivalsRef, latentRef, WEEK, type ShardInput } from '../src/segments/5B/kernels_ref.js';
import { execShard, shardInputs } from '../src/segments/5B/shard.js';
import { syntheticShard } from '../bench/shard5B.js';
import { addLaws, emptyLaws, shardLaws, shardLawsWasm } from '../src/segments/5B/laws.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});

const asNum = (a: ArrayLike<number | bigint>) => Array.from(a, (v) => (typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v));

describe('5B kernels: wasm == TypeScript reference', () => {
  it('k5bLatent', () => {
    const nG = 7,
      H = 500;
    const keys = new Uint32Array(2 * nG);
    new FamilyKeys({ manifest_fingerprint: 'ef'.repeat(32), seed: 3n, parameter_hash: '01'.repeat(32) }, '5B.t.latent').fill(
      BigUint64Array.from({ length: nG }, (_, i) => BigInt(i)),
      keys,
    );
    const sigma = Float64Array.from({ length: nG }, (_, i) => 0.05 + 0.2 * i);
    const phi = Float64Array.from({ length: nG }, (_, i) => Math.exp(-1 / (2 + 20 * i)));
    const lat = new SharedCol('f64', nG * H),
      fac = new SharedCol('f64', nG * H);
    runTask(
      ex,
      k5bLatent.task({
        nG,
        H,
        keys: SharedCol.from('u32', keys).all(),
        sigma: SharedCol.from('f64', sigma).all(),
        phi: SharedCol.from('f64', phi).all(),
        minF: 0.2,
        maxF: 5,
        outLatent: lat.out(0, nG * H),
        outFactor: fac.out(0, nG * H),
      }),
    );
    const ref = latentRef(nG, H, keys, sigma, phi, 0.2, 5);
    expect(Array.from(lat.view() as Float64Array)).toEqual(Array.from(ref.latent));
    expect(Array.from(fac.view() as Float64Array)).toEqual(Array.from(ref.factor));
    // stationary AR(1): the sample sd of the latent path is close to sigma (largest sigma, long path)
    const g = nG - 1;
    const path = ref.latent.subarray(g * H, (g + 1) * H);
    const m = path.reduce((a, b) => a + b, 0) / H;
    const sd = Math.sqrt(path.reduce((a, b) => a + (b - m) ** 2, 0) / H);
    expect(sd).toBeGreaterThan(sigma[g] * 0.5);
    expect(sd).toBeLessThan(sigma[g] * 1.6);
  });

  it('k5bArrivals: every column, the summary and the accounting', () => {
    const x = syntheticShard();
    const ref = arrivalsRef(x);
    const run = execShard(ex, shardInputs(x), ref.stats[0] + 10, 3);
    expect(run.overflow).toBe(false);
    expect(run.stats).toEqual(ref.stats);
    expect(ref.stats[0]).toBeGreaterThan(1000);
    const a = run.arrivals;
    expect(asNum(a.merchant)).toEqual(asNum(ref.merchant));
    expect(asNum(a.seq)).toEqual(asNum(ref.seq));
    expect(asNum(a.ts)).toEqual(asNum(ref.ts));
    expect(asNum(a.local)).toEqual(asNum(ref.local));
    expect(asNum(a.localOp)).toEqual(asNum(ref.localOp));
    for (const k of ['bucket', 'country', 'tz', 'channel', 'virtual', 'site', 'tzOp', 'lambda'] as const)
      expect(Array.from(a[k] as any), k).toEqual(Array.from(ref[k] as any));
    expect(asNum(a.edge)).toEqual(asNum(ref.edge));
    for (const k of Object.keys(ref.summary) as (keyof typeof ref.summary)[])
      expect(asNum(run.summary[k] as any), `summary.${k}`).toEqual(asNum(ref.summary[k]));
    // accounting (6 cells): one block per arrival plus one per cell; two lanes per arrival plus one per cell
    expect(ref.stats[3]).toBe(ref.stats[0] + 6);
    expect(ref.stats[2]).toBe(2 * ref.stats[0] + 6);
    expect(ref.stats[4]).toBe(6);
  });

  it('merchant merge: sparse cells (counting order by bucket) and dense cells (heap merge) both match the reference order', () => {
    // volume 400: a few arrivals per merchant-bucket, from different cells (ordered inside the bucket
    // by the insertion pass); volume 20000: well over 32 per bucket, so the merchant takes the heap merge
    for (const volume of [400, 20000]) {
      const x = syntheticShard({ H: 24 * 8, volume, seed: 5n });
      const ref = arrivalsRef(x);
      const run = execShard(ex, shardInputs(x), ref.stats[0] + 10, 3);
      const perBucket = ref.stats[0] / (24 * 8);
      expect(volume === 400 ? perBucket < 20 : perBucket > 100, `volume ${volume}`).toBe(true);
      expect(asNum(run.arrivals.ts), `volume ${volume}`).toEqual(asNum(ref.ts));
      for (const k of ['bucket', 'tz', 'channel', 'site', 'edge', 'lambda'] as const)
        expect(asNum(run.arrivals[k] as any), `${k}, volume ${volume}`).toEqual(asNum(ref[k] as any));
    }
  });

  it('gathered world rows (any order, shared tables) give the same arrivals as dense ones, in wasm and the reference', () => {
    const x = syntheticShard();
    const dense = execShard(ex, shardInputs(x), arrivalsRef(x).stats[0] + 10, 3);
    const want = {
      stats: dense.stats,
      ts: asNum(dense.arrivals.ts),
      site: Array.from(dense.arrivals.site as Int32Array),
      lambda: Array.from(dense.arrivals.lambda as Float64Array),
    };
    // the world tables hold the shard's rows reversed behind an extra row; the gather picks them back
    const world = <T extends Float64Array | Int32Array | Uint8Array>(t: T) => {
      const n = t.length / x.H;
      const out = new (t.constructor as new (n: number) => T)((n + 1) * x.H);
      for (let r = 0; r < n; r++) out.set(t.subarray(r * x.H, (r + 1) * x.H) as ArrayLike<number>, (n - r) * x.H);
      return { src: out, rows: Int32Array.from({ length: n }, (_, r) => n - r) };
    };
    const g = {
      ...x,
      gather: { overlay: world(x.overlay), latent: world(x.latent), lhTab: world(x.lhTab), wkTab: world(x.wkTab) },
      overlay: new Float64Array(0),
      latent: new Float64Array(0),
      lhTab: new Int32Array(0),
      wkTab: new Uint8Array(0),
    };
    const run = execShard(ex, shardInputs(g), want.stats[0] + 10, 3);
    expect({
      stats: run.stats,
      ts: asNum(run.arrivals.ts),
      site: Array.from(run.arrivals.site as Int32Array),
      lambda: Array.from(run.arrivals.lambda as Float64Array),
    }).toEqual(want);
    const ref = arrivalsRef(g);
    expect(ref.stats).toEqual(want.stats);
    expect(asNum(ref.ts)).toEqual(want.ts);
  });

  it('reports overflow and gives identical output when rerun with room', () => {
    const x = syntheticShard();
    const small = execShard(ex, shardInputs(x), 100, 3);
    expect(small.overflow).toBe(true);
    const n = small.stats[0];
    const ts = asNum(execShard(ex, shardInputs(x), n, 3).arrivals.ts);
    expect(ts.length).toBe(n);
    expect(ts).toEqual(asNum(arrivalsRef(x).ts));
  });

  it('arrivals are sorted by merchant then time, inside the horizon, with legal local times', () => {
    const x = syntheticShard();
    const r = arrivalsRef(x);
    const end = x.h0Us + x.H * x.bucketUs;
    for (let i = 0; i < r.ts.length; i++) {
      expect(r.ts[i] >= x.h0Us && r.ts[i] < end).toBe(true);
      expect(Math.floor((r.ts[i] - x.h0Us) / x.bucketUs)).toBe(r.bucket[i]);
      if (i > 0 && r.merchant[i] === r.merchant[i - 1]) expect(r.ts[i]).toBeGreaterThanOrEqual(r.ts[i - 1]);
      const off = (r.local[i] - r.ts[i]) / 1e6;
      const z = r.tz[i];
      let j = x.zoneStart[z];
      while (j + 1 < x.zoneStart[z + 1] && Number(x.segStart[j + 1]) <= r.ts[i]) j++;
      expect(off).toBe(x.segOffset[j]);
      if (r.virtual[i]) expect(r.site[i]).toBe(-1);
      else expect(r.site[i]).toBeGreaterThan(0);
    }
  });
});

/** Expected arrivals per UTC bucket of cell c (the intensity the kernel integrates). */
function intensity(x: ShardInput, c: number): Float64Array {
  const out = new Float64Array(x.H);
  for (let h = 0; h < x.H; h++) {
    const lh = x.lhTab[x.rowZone[x.cRow[c]] * x.H + h];
    const wb = (((x.week0 + lh) % WEEK) + WEEK) % WEEK;
    const prof = x.rowOverlay[x.cRow[c]];
    const ov = prof >= 0 && lh >= 0 && lh < x.H ? x.overlay[prof * x.H + lh] : 1;
    out[h] = x.cV[c] * x.shapes[x.rowShape[x.cRow[c]] * WEEK + wb] * ov * x.latent[x.cGroup[c] * x.H + h];
  }
  return out;
}

describe('5B arrival process follows its intensity', () => {
  it('counts over many seeds: per-bucket means within 5σ and a chi-square that a shifted law fails', () => {
    const H = 24 * 14;
    const seeds = 40;
    const sums = new Float64Array(H);
    let lam: Float64Array | undefined;
    let phys = 0,
      virt = 0;
    for (let s = 0; s < seeds; s++) {
      const x = syntheticShard({ H, volume: 300, seed: BigInt(s + 1) });
      x.latent.fill(1); // a Poisson process: the latent field is tested on its own above
      const r = execShard(ex, shardInputs(x), 200000, 3);
      expect(r.overflow).toBe(false);
      const cells = r.summary;
      for (let i = 0; i < r.stats[1]; i++) if (cells.tz[i] === 0 && cells.country[i] === 4) sums[cells.bucket[i]] += cells.n[i];
      lam ??= intensity(x, 0);
      for (let i = 0; i < r.stats[0]; i++) if (Number(r.arrivals.merchant[i]) === Number(2n ** 63n + 5n)) r.arrivals.virtual[i] ? virt++ : phys++;
    }
    // cell 0 (merchant 11, zone 0, country 4): Poisson(λ_h) per bucket, independent over seeds
    let chi = 0,
      chiShift = 0;
    for (let h = 0; h < H; h++) {
      const mu = seeds * lam![h];
      expect(Math.abs(sums[h] - mu)).toBeLessThan(5 * Math.sqrt(mu) + 1);
      chi += (sums[h] - mu) ** 2 / mu;
      const wrong = seeds * lam![(h + 1) % H]; // the intensity one hour off
      chiShift += (sums[h] - wrong) ** 2 / wrong;
    }
    // chi-square with H degrees of freedom: mean H, sd sqrt(2H) ≈ 26
    expect(chi).toBeLessThan(H + 6 * Math.sqrt(2 * H));
    expect(chiShift).toBeGreaterThan(H + 6 * Math.sqrt(2 * H));
    // hybrid merchant: virtual share ≈ 0.35 on its physical-capable cells
    const share = virt / (phys + virt);
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.4);
  });
});

describe('5B per-row laws (src/segments/5B/laws.ts, wasm k5bLaws) over the kernel columns of a shard', () => {
  const H0 = Date.UTC(2026, 0, 1) * 1000,
    HOUR = 3_600_000_000;
  const params = (H: number) => ({ H, h0Us: H0, bucketUs: HOUR, weekendDays: [6, 7], nightEnd: 6 });
  // a live run (views over wasm memory). The synthetic shard's merchants are 11, 2^63 + 5, 99: the
  // last is renamed 2^63 + 99 so ids ascend, as in a world.
  const live = () => {
    const x = syntheticShard();
    const r = execShard(ex, shardInputs(x), 100_000, 3);
    const m = r.arrivals.merchant as BigUint64Array;
    for (let i = 0; i < m.length; i++) if (m[i] === 99n) m[i] = 2n ** 63n + 99n;
    return { x, r };
  };
  const both = (r: ReturnType<typeof execShard>, H: number) => {
    const ts = shardLaws(r, params(H)),
      wasm = shardLawsWasm(ex, r, params(H));
    expect(wasm).toEqual(ts);
    return ts;
  };

  it('a clean shard: no violations; counts and shares agree with a direct recount; wasm == TS', () => {
    const { x, r } = live();
    const n = r.stats[0];
    const L = both(r, x.H);
    expect([L.order, L.bucket, L.routing, L.offset, L.summarySplit]).toEqual([0, 0, 0, 0, 0]);
    const ts = asNum(r.arrivals.ts as BigUint64Array),
      loc = asNum(r.arrivals.local as BigUint64Array);
    expect([L.tsMin, L.tsMax]).toEqual([Math.min(...ts), Math.max(...ts)]);
    const hours = loc.map((l) => new Date(l / 1000).getUTCHours());
    expect(L.localHour).toEqual(Array.from({ length: 24 }, (_, h) => hours.filter((x) => x === h).length));
    expect(L.night).toBe(hours.filter((h) => h < 6).length);
    expect(L.weekend).toBe(loc.filter((l) => [0, 6].includes(new Date(l / 1000).getUTCDay())).length);
    expect(L.virtual).toBe(Array.from(r.arrivals.virtual as Uint8Array).filter((v) => v === 1).length);
    expect(Array.from(L.arrivalsPerBucket)).toEqual(Array.from(L.summaryPerBucket));
    expect(L.arrivalsPerBucket.reduce((a, b) => a + b, 0)).toBe(n);
    const sum = emptyLaws(x.H);
    addLaws(sum, L);
    addLaws(sum, shardLaws({ ...r, stats: [0, 0, ...r.stats.slice(2)] }, params(x.H)));
    expect(sum).toEqual(L);
  });

  it('planted faults are counted (order, bucket law, routing, offsets, summary split); wasm == TS', () => {
    const { x, r } = live();
    const a = r.arrivals as Record<string, any>,
      s = r.summary as Record<string, any>;
    const v = Array.from(a.virtual as Uint8Array);
    const phys = v.indexOf(0),
      virt = v.indexOf(1);
    a.seq[5] += 1n; // a sequence gap: this row and the next
    a.bucket[10] += 1; // a row in the wrong bucket
    a.site[phys] = 0; // a physical row without a site
    a.edge[virt] = -1; // a virtual row without an edge
    a.local[20] += 1_000_000n; // an offset that is not whole minutes
    a.localOp[virt] -= 20n * BigInt(HOUR); // an operational offset below UTC−12
    s.phys[3] += 1; // count_N ≠ physical + virtual
    const L = both(r, x.H);
    expect(L.order).toBe(2);
    expect(L.bucket).toBe(1);
    expect(L.routing).toBe(2);
    expect(L.offset).toBe(2);
    expect(L.summarySplit).toBe(1);
    expect(L.arrivalsPerBucket.reduce((p, q) => p + q, 0)).toBe(r.stats[0] - 1);
    // past the kernel's horizon limit the TypeScript scan answers
    expect(shardLawsWasm(ex, r, { ...params(x.H), H: 70_000 })).toEqual(shardLaws(r, { ...params(x.H), H: 70_000 }));
  });
});
