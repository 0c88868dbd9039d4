// The 2B wasm kernels, run exactly as the pool runs them (runTask over shared columns), agree bit
// for bit with their TypeScript references (src/segments/2B/kernels_ref.ts), draws and blocks included.
import { describe, it, expect, beforeAll } from 'vitest';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k2bAliasEncode, k2bDayEffects, k2bGroupAlias, k2bSiteWeights } from '../src/kernels/2B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import {
  siteWeightsRef,
  aliasEncodeRef,
  dayEffectsRef,
  groupAliasRef,
  packBuckets,
  packDayParams,
  sliceWords,
  normIcdfRef,
  type DayParams,
} from '../src/segments/2B/kernels_ref.js';
import { bucketParams, load2B } from '../src/segments/2B/policies.js';
import { decodedProbabilities } from '../src/laws/routing/router.js';
import { loadPolicyPack } from '../src/config/load.js';
import { join } from 'node:path';

let ex: KernelExports;
const ROOT = join(__dirname, '..');
beforeAll(() => {
  ex = instantiateKernelsSync();
});

const id = { manifest_fingerprint: 'ab'.repeat(32), seed: 11n, parameter_hash: 'cd'.repeat(32) };
function keys(fam: string, n: number): Uint32Array {
  const k = new Uint32Array(2 * n);
  new FamilyKeys(id, fam).fill(
    BigUint64Array.from({ length: n }, (_, i) => BigInt(1000 + i)),
    k,
  );
  return k;
}
const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];
const sizes = (n: number) => Int32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 40 + (i % 5) * 37 : 1 + ((i * 7919) % 13)));
const offsets = (sz: Int32Array) => {
  const o = new Int32Array(sz.length + 1);
  for (let i = 0; i < sz.length; i++) o[i + 1] = o[i] + sz[i];
  return o;
};

describe('2B kernels: wasm == TypeScript reference', async () => {
  const pack = await loadPolicyPack(join(ROOT, 'config'));
  const P = load2B(pack);
  const buckets = bucketParams(P.alias);
  const N = 400;
  const sz = sizes(N);
  const off = offsets(sz);
  const S = off[N];
  const bucket = Int32Array.from(sz, (n) => (n <= 3 ? 0 : n <= 8 ? 1 : 2));

  function siteWeights(floorValue: number) {
    const k = keys('t.2B.site_weights', N);
    const o = {
      p: new SharedCol('f64', S),
      m: new SharedCol('u32', S),
      f: new SharedCol('u8', S),
      c: new SharedCol('i32', N),
      fl: new SharedCol('i32', N),
      d: new SharedCol('u32', N),
      b: new SharedCol('u32', N),
    };
    runTask(
      ex,
      k2bSiteWeights.task({
        n: N,
        keys: SharedCol.from('u32', k).all(),
        siteOff: SharedCol.from('i32', off).all(),
        bucket: SharedCol.from('i32', bucket).all(),
        params: SharedCol.from('f64', packBuckets(buckets)).all(),
        floorValue,
        bits: 24,
        outP: o.p.out(0, S),
        outMass: o.m.out(0, S),
        outFloor: o.f.out(0, S),
        outComp: o.c.out(0, N),
        outFlags: o.fl.out(0, N),
        outDraws: o.d.out(0, N),
        outBlocks: o.b.out(0, N),
      }),
    );
    return { k, o };
  }

  it('k2bSiteWeights (profile mixture → p, 2^24 masses), with and without a floor', () => {
    for (const floorValue of [0, 0.01]) {
      const { k, o } = siteWeights(floorValue);
      const comps = new Set<number>();
      for (let i = 0; i < N; i++) {
        const r = siteWeightsRef(kp(k, i), sz[i], buckets[bucket[i]], floorValue, 24);
        const lo = off[i],
          hi = off[i + 1];
        expect(Array.from((o.p.view() as Float64Array).subarray(lo, hi))).toEqual(Array.from(r.p));
        expect(Array.from((o.m.view() as Uint32Array).subarray(lo, hi))).toEqual(Array.from(r.mass));
        expect(Array.from((o.f.view() as Uint8Array).subarray(lo, hi))).toEqual(Array.from(r.floor));
        expect([o.c.view()[i], o.fl.view()[i], o.d.view()[i], o.b.view()[i]]).toEqual([r.component, r.flags, r.draws, r.blocks]);
        expect(r.draws).toBe(sz[i]);
        expect(r.flags & 12).toBe(0);
        expect(r.mass.reduce((a, b) => a + b, 0)).toBe(2 ** 24);
        comps.add(r.component);
      }
      expect(comps.size).toBe(3);
    }
  });

  it('k2bAliasEncode (merchant slice with tz-group section)', () => {
    const { o } = siteWeights(0);
    const mass = o.m.view() as Uint32Array;
    const nGroups = Int32Array.from(sz, (n, i) => Math.min(n, 1 + (i % 4)));
    const siteGroup = new Int32Array(S);
    for (let i = 0; i < N; i++) for (let k = off[i]; k < off[i + 1]; k++) siteGroup[k] = (k * 31 + i) % nGroups[i];
    // every group non-empty: first G sites take groups 0..G-1
    for (let i = 0; i < N; i++) for (let g = 0; g < nGroups[i]; g++) siteGroup[off[i] + g] = g;
    const words = new Uint32Array(N + 1);
    for (let i = 0; i < N; i++) words[i + 1] = words[i] + ((sliceWords(sz[i], nGroups[i]) + 1) & ~1);
    const out = new SharedCol('u32', words[N]);
    const st = new SharedCol('i32', N);
    // two shards, to exercise shard-local offsets
    const half = N >> 1;
    for (const [s, e] of [
      [0, half],
      [half, N],
    ]) {
      runTask(
        ex,
        k2bAliasEncode.task({
          n: e - s,
          siteOff: SharedCol.from('i32', off).in(s, e + 1),
          mass: SharedCol.from('u32', mass).in(off[s], off[e]),
          siteGroup: SharedCol.from('i32', siteGroup).in(off[s], off[e]),
          nGroups: SharedCol.from('i32', nGroups).in(s, e),
          outWord: SharedCol.from('u32', words).in(s, e + 1),
          bits: 24,
          qbits: 32,
          out: out.out(words[s], words[e]),
          outStatus: st.out(s, e),
        }),
      );
    }
    const ov = out.view() as Uint32Array;
    for (let i = 0; i < N; i++) {
      const r = aliasEncodeRef(mass.subarray(off[i], off[i + 1]), siteGroup.subarray(off[i], off[i + 1]), nGroups[i], 24, 32);
      expect(Array.from(ov.subarray(words[i], words[i] + r.words.length))).toEqual(Array.from(r.words));
      for (let w = words[i] + r.words.length; w < words[i + 1]; w++) expect(ov[w]).toBe(0);
      expect(st.view()[i]).toBe(r.status);
    }
  });

  it('k2bAliasEncode: a tz-group whose sites all quantised to 0 gets a uniform table (status bit 1), the merchant table stays exact', () => {
    // sites 1 and 2 (group 1) carry no mass: a near-zero Dirichlet weight is below 2^-25
    const mass = Uint32Array.of(2 ** 24 - 5, 0, 0, 5),
      siteGroup = Int32Array.of(0, 1, 1, 0);
    const n = 4,
      G = 2,
      words = sliceWords(n, G);
    const out = new SharedCol('u32', words),
      st = new SharedCol('i32', 1);
    runTask(
      ex,
      k2bAliasEncode.task({
        n: 1,
        siteOff: SharedCol.from('i32', Int32Array.of(0, n)).in(0, 2),
        mass: SharedCol.from('u32', mass).in(0, n),
        siteGroup: SharedCol.from('i32', siteGroup).in(0, n),
        nGroups: SharedCol.from('i32', Int32Array.of(G)).in(0, 1),
        outWord: SharedCol.from('u32', Uint32Array.of(0, words)).in(0, 2),
        bits: 24,
        qbits: 32,
        out: out.out(0, words),
        outStatus: st.out(0, 1),
      }),
    );
    const r = aliasEncodeRef(mass, siteGroup, G, 24, 32);
    const w = out.view() as Uint32Array;
    expect(Array.from(w.subarray(0, r.words.length))).toEqual(Array.from(r.words));
    expect(st.view()[0]).toBe(2);
    expect(r.status).toBe(2);
    // merchant-wide table: exactly the masses; group 1 (perm positions 2..3): uniform over its two sites
    expect(Array.from(decodedProbabilities(w.subarray(4), w.subarray(4 + n), n, 32))).toEqual(Array.from(mass, (m) => m / 2 ** 24));
    const gs = 4 + 2 * n,
      perm = gs + G + 1,
      a = w[gs + 1];
    expect([w[perm + a], w[perm + a + 1]]).toEqual([1, 2]);
    expect(Array.from(decodedProbabilities(w.subarray(perm + n + a), w.subarray(perm + 2 * n + a), 2, 32))).toEqual([0.5, 0.5]);
  });

  it('k2bDayEffects (γ, p_group) with the profile on, off, and the regulariser', () => {
    const base = P.day;
    const variants: DayParams[] = [
      {
        profile: true,
        sigma: 0.12,
        jitter: 0.08,
        sigmaMin: 0.06,
        sigmaMax: 0.16,
        clipMin: 0.65,
        clipMax: 1.45,
        regulariser: false,
        regGe: 2,
        regStrength: 0.52,
        regCap: 0.68,
        regEntropy: 0.62,
      },
      {
        profile: false,
        sigma: 0.3,
        jitter: 0,
        sigmaMin: 0.06,
        sigmaMax: 0.16,
        clipMin: 0.65,
        clipMax: 1.45,
        regulariser: true,
        regGe: 2,
        regStrength: 0.52,
        regCap: 0.68,
        regEntropy: 0.62,
      },
      {
        profile: true,
        sigma: 0.12,
        jitter: 0.3,
        sigmaMin: 0.01,
        sigmaMax: 0.9,
        clipMin: 0.8,
        clipMax: 1.2,
        regulariser: true,
        regGe: 3,
        regStrength: 0,
        regCap: 0.5,
        regEntropy: 1.0,
      },
    ];
    expect(base.sigma_profile.enabled).toBe(true);
    const M = 120,
      D = 9,
      dow0 = 3;
    const G = Int32Array.from({ length: M }, (_, i) => 1 + (i % 5));
    const goff = offsets(G);
    const R = goff[M];
    const share = new Float64Array(R);
    const mult = new Float64Array(R);
    for (let i = 0; i < M; i++) {
      let s = 0;
      for (let g = goff[i]; g < goff[i + 1]; g++) s += share[g] = 1 + ((g * 13) % 7) * (g % 3);
      for (let g = goff[i]; g < goff[i + 1]; g++) {
        share[g] /= s;
        mult[g] = 0.97 + 0.01 * (g % 6);
      }
    }
    const sBase = Float64Array.from({ length: M }, (_, i) => 0.08 + 0.005 * (i % 4));
    const wAmp = Float64Array.from({ length: M }, (_, i) => 0.01 * (i % 3));
    const dk = keys('t.2B.day', M),
      pk = keys('t.2B.prof', M);
    for (const prm of variants) {
      const rows = R * D;
      const o = Object.fromEntries(['gamma', 'lg', 'pg', 'mr', 'den'].map((k) => [k, new SharedCol('f64', rows)])) as Record<string, SharedCol>;
      const sig = new SharedCol('f64', R),
        jit = new SharedCol('f64', M),
        ph = new SharedCol('f64', M),
        clip = new SharedCol('i32', M);
      const acc = ['d', 'b', 'pd', 'pb'].map(() => new SharedCol('u32', M));
      for (const [s, e] of [
        [0, 50],
        [50, M],
      ]) {
        const a = D * goff[s],
          b = D * goff[e];
        runTask(
          ex,
          k2bDayEffects.task({
            n: e - s,
            dayKeys: SharedCol.from('u32', dk).in(s, e, 2),
            profKeys: SharedCol.from('u32', pk).in(s, e, 2),
            groupOff: SharedCol.from('i32', goff).in(s, e + 1),
            baseShare: SharedCol.from('f64', share).in(goff[s], goff[e]),
            tzMult: SharedCol.from('f64', mult).in(goff[s], goff[e]),
            sigmaBase: SharedCol.from('f64', sBase).in(s, e),
            weeklyAmp: SharedCol.from('f64', wAmp).in(s, e),
            nDays: D,
            dow0,
            prm: SharedCol.from('f64', packDayParams(prm)).all(),
            outGamma: o.gamma.out(a, b),
            outLogGamma: o.lg.out(a, b),
            outPGroup: o.pg.out(a, b),
            outMassRaw: o.mr.out(a, b),
            outDenom: o.den.out(a, b),
            outSigma: sig.out(goff[s], goff[e]),
            outJitter: jit.out(s, e),
            outPhase: ph.out(s, e),
            outClipped: clip.out(s, e),
            outDraws: acc[0].out(s, e),
            outBlocks: acc[1].out(s, e),
            outPDraws: acc[2].out(s, e),
            outPBlocks: acc[3].out(s, e),
          }),
        );
      }
      for (let i = 0; i < M; i++) {
        const r = dayEffectsRef(
          kp(dk, i),
          kp(pk, i),
          share.subarray(goff[i], goff[i + 1]),
          mult.subarray(goff[i], goff[i + 1]),
          sBase[i],
          wAmp[i],
          D,
          dow0,
          prm,
        );
        const a = D * goff[i],
          b = D * goff[i + 1];
        const sl = (c: SharedCol) => Array.from((c.view() as Float64Array).subarray(a, b));
        expect(sl(o.gamma)).toEqual(Array.from(r.gamma));
        expect(sl(o.lg)).toEqual(Array.from(r.logGamma));
        expect(sl(o.pg)).toEqual(Array.from(r.pGroup));
        expect(sl(o.mr)).toEqual(Array.from(r.massRaw));
        expect(sl(o.den)).toEqual(Array.from(r.denom));
        expect(Array.from((sig.view() as Float64Array).subarray(goff[i], goff[i + 1]))).toEqual(Array.from(r.sigma));
        expect([jit.view()[i], ph.view()[i], clip.view()[i], ...acc.map((c) => c.view()[i])]).toEqual([
          r.jitter,
          r.phase,
          r.clipped,
          r.draws,
          r.blocks,
          r.profileDraws,
          r.profileBlocks,
        ]);
        expect(r.draws).toBe(D * G[i]);
        for (let d = 0; d < D; d++) {
          let s = 0;
          for (let g = 0; g < G[i]; g++) s += r.pGroup[d * G[i] + g];
          expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('k2bGroupAlias (per-day group tables on 2^24)', () => {
    const B = 300;
    const k = Int32Array.from({ length: B }, (_, b) => 1 + (b % 6));
    const boff = offsets(k);
    const p = new Float64Array(boff[B]);
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let j = boff[b]; j < boff[b + 1]; j++) s += p[j] = 1 / (1 + ((j * 7) % 11)) + (b % 3 === 0 && j === boff[b] ? 1e-9 : 0);
      for (let j = boff[b]; j < boff[b + 1]; j++) p[j] /= s;
    }
    const tab = new SharedCol('u32', 2 * p.length),
      st = new SharedCol('i32', B);
    for (const [s, e] of [
      [0, 100],
      [100, B],
    ]) {
      runTask(
        ex,
        k2bGroupAlias.task({
          nBlocks: e - s,
          blockOff: SharedCol.from('i32', boff).in(s, e + 1),
          p: SharedCol.from('f64', p).in(boff[s], boff[e]),
          bits: 24,
          qbits: 32,
          outTab: tab.out(2 * boff[s], 2 * boff[e]),
          outStatus: st.out(s, e),
        }),
      );
    }
    for (let b = 0; b < B; b++) {
      const r = groupAliasRef(p.subarray(boff[b], boff[b + 1]), 24, 32);
      expect(Array.from((tab.view() as Uint32Array).subarray(2 * boff[b], 2 * boff[b + 1]))).toEqual(Array.from(r.tab));
      expect(st.view()[b]).toBe(0);
      expect(r.mass.reduce((x, y) => x + y, 0)).toBe(2 ** 24);
    }
  });

  it('normIcdf matches the reference and inverts the normal CDF', () => {
    for (const u of [1e-300, 1e-12, 0.001, 0.02425, 0.024251, 0.3, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-12]) {
      expect(ex.normIcdf(u)).toBe(normIcdfRef(u));
    }
    expect(Math.abs(normIcdfRef(0.975) - 1.959963984540054)).toBeLessThan(1e-8);
    expect(normIcdfRef(0.5)).toBe(0);
  });
});
