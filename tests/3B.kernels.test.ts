// The 3B wasm kernels, run exactly as the pool runs them, agree bit for bit with their TypeScript
// references; the edge alias slices are 2B's layout (2B's edgeSlice builds the same words) and
// decode to the edge weights: a chi-square test on 10^6 fixed-seed draws.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k3bEdgeAlias, k3bEdgeJitter, k3bEdgePlan, k3bEdgeSlots } from '../src/kernels/3B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { Substream } from '../src/rng/stream.js';
import { fm_log } from '../src/rng/fmath.js';
import { loadPolicyPack } from '../src/config/load.js';
import { loadCountries } from '../src/reference/countries.js';
import { edgePlanRef, edgeSlotsRef, edgeJitterRef, edgeAliasRef } from '../src/segments/3B/kernels_ref.js';
import { load3B } from '../src/segments/3B/policies.js';
import { loadGeo, unitVec, EARTH_RADIUS_KM } from '../src/segments/3B/geo.js';
import { placementTables, edgeWeights } from '../src/segments/3B/model.js';
import { sliceProbabilities } from '../src/segments/3B/metrics.js';
import { edgeSlice } from '../src/laws/routing/edges.js';
import { aliasDecodeQRef } from '../src/laws/routing/alias.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});
const id = { manifest_fingerprint: '3b'.repeat(32), seed: 5n, parameter_hash: 'b3'.repeat(32) };
function keys(fam: string, n: number, per = (i: number) => [BigInt(i + 1)]): Uint32Array {
  const fk = new FamilyKeys(id, fam);
  const k = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [a, b] = fk.forIds(...per(i));
    k[2 * i] = a;
    k[2 * i + 1] = b;
  }
  return k;
}
const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];

describe('3B kernels: wasm == TypeScript reference', () => {
  it('k3bEdgePlan: NB2 edge count clamped, then lognormal reach', () => {
    const N = 3000;
    const k = keys('t.3b.plan', N);
    const mu = Float64Array.from({ length: N }, (_, i) => 2 + ((i * 7919) % 1000) / 20);
    const q = { phi: 2.2, minE: 3, maxE: 160, lnBase: fm_log(2000), elasticity: 0.6, sigma: 0.6, baseMu: 11 };
    const E = new SharedCol('i32', N),
      L = new SharedCol('f64', N),
      d = new SharedCol('u32', N),
      b = new SharedCol('u32', N);
    runTask(
      ex,
      k3bEdgePlan.task({
        n: N,
        keys: SharedCol.from('u32', k).all(),
        mu: SharedCol.from('f64', mu).all(),
        ...q,
        outE: E.out(0, N),
        outReach: L.out(0, N),
        outDraws: d.out(0, N),
        outBlocks: b.out(0, N),
      }),
    );
    const seen = new Set<number>();
    for (let i = 0; i < N; i++) {
      const r = edgePlanRef(kp(k, i), mu[i], q);
      expect([E.view()[i], L.view()[i], d.view()[i], b.view()[i]]).toEqual([r.E, r.reach, r.draws, r.blocks]);
      expect(r.E).toBeGreaterThanOrEqual(3);
      expect(r.E).toBeLessThanOrEqual(160);
      seen.add(r.E);
    }
    expect(seen.size).toBeGreaterThan(30); // not a constant edge count
  });

  it('k3bEdgeSlots (gravity mix, catchment weights) and k3bEdgeJitter', async () => {
    const pack = await loadPolicyPack(join(__dirname, '..', 'config'));
    const p = load3B(pack);
    const geo = loadGeo(pack);
    const t = placementTables(
      p,
      geo,
      loadCountries().countries.map((c) => c.iso2),
    );
    const V = 120;
    const settleU = new Float64Array(3 * V),
      settleC = new Int32Array(V),
      reach = new Float64Array(V),
      edgeOff = new Int32Array(V + 1);
    const fpOff = new Int32Array(V + 1),
      fp: number[] = [];
    for (let v = 0; v < V; v++) {
      const c = (v * 37) % t.nC;
      const [lat, lon] = [t.cityLat[t.cityOff[c]], t.cityLon[t.cityOff[c]]];
      settleU.set(unitVec(lat, lon), 3 * v);
      settleC[v] = v % 9 === 0 ? -1 : c;
      reach[v] = 300 + ((v * 131) % 40) * 150;
      edgeOff[v + 1] = edgeOff[v] + 3 + ((v * 13) % 30);
      if (v % 3 === 0) fp.push(c, (c + 5) % t.nC);
      fpOff[v + 1] = fp.length;
    }
    const nE = edgeOff[V];
    const ek = keys('t.3b.place', nE, (j) => [7n, BigInt(j)]);
    const q = { g: 0.03, bs: 3, bf: 1.5, radius: EARTH_RADIUS_KM, jitterKm: 12 };
    const o = {
      c: new SharedCol('i32', nE),
      city: new SharedCol('i32', nE),
      lat: new SharedCol('f64', nE),
      lon: new SharedCol('f64', nE),
      pc: new SharedCol('f64', nE),
      d: new SharedCol('u32', nE),
      b: new SharedCol('u32', nE),
    };
    const all = <T extends 'f64' | 'i32'>(type: T, a: ArrayLike<number>) => SharedCol.from(type, a).all();
    runTask(
      ex,
      k3bEdgeSlots.task({
        n: V,
        nC: t.nC,
        settleU: all('f64', settleU),
        settleC: all('i32', settleC),
        reach: all('f64', reach),
        edgeOff: all('i32', edgeOff),
        fpOff: all('i32', fpOff),
        fpIdx: all('i32', fp.length ? fp : [0]),
        edgeKeys: SharedCol.from('u32', ek).all(),
        pw: all('f64', t.pw),
        cU: all('f64', t.cU),
        cityOff: all('i32', t.cityOff),
        cityProb: all('f64', t.cityProb),
        cityAlias: all('i32', t.cityAlias),
        cityLat: all('f64', t.cityLat),
        cityLon: all('f64', t.cityLon),
        ...q,
        outCountry: o.c.out(0, nE),
        outCity: o.city.out(0, nE),
        outLat: o.lat.out(0, nE),
        outLon: o.lon.out(0, nE),
        outPc: o.pc.out(0, nE),
        outDraws: o.d.out(0, nE),
        outBlocks: o.b.out(0, nE),
      }),
    );
    let multiCountry = 0;
    for (let v = 0; v < V; v++) {
      const a = edgeOff[v],
        b = edgeOff[v + 1];
      const r = edgeSlotsRef(
        t,
        q,
        settleU.subarray(3 * v, 3 * v + 3),
        settleC[v],
        reach[v],
        fp.slice(fpOff[v], fpOff[v + 1]),
        Array.from({ length: b - a }, (_, k) => kp(ek, a + k)),
      );
      const cs = new Set<number>();
      r.forEach((s, k) => {
        const j = a + k;
        expect([o.c.view()[j], o.city.view()[j], o.lat.view()[j], o.lon.view()[j], o.pc.view()[j], o.d.view()[j], o.b.view()[j]]).toEqual([
          s.country,
          s.city,
          s.lat,
          s.lon,
          s.pc,
          s.draws,
          s.blocks,
        ]);
        cs.add(s.country);
      });
      // catchment: the distinct edge countries together hold all the mix mass
      const pcs = new Map(r.map((s) => [s.country, s.pc]));
      expect(Math.abs([...pcs.values()].reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
      if (cs.size > 1) multiCountry++;
    }
    expect(multiCountry).toBeGreaterThan(V / 2);

    const m = 500;
    const at = Int32Array.from({ length: m }, (_, j) => 1 + (j % 7));
    const la = Float64Array.from({ length: m }, (_, j) => -60 + (j % 120)),
      lo = Float64Array.from({ length: m }, (_, j) => -179 + ((j * 7) % 359));
    const jk = ek.subarray(0, 2 * m);
    const nl = new SharedCol('f64', m),
      no = new SharedCol('f64', m),
      nd = new SharedCol('u32', m),
      nb = new SharedCol('u32', m);
    runTask(
      ex,
      k3bEdgeJitter.task({
        n: m,
        edgeKeys: SharedCol.from('u32', jk).all(),
        attempt: SharedCol.from('i32', at).all(),
        lat: SharedCol.from('f64', la).all(),
        lon: SharedCol.from('f64', lo).all(),
        jitterKm: 12,
        outLat: nl.out(0, m),
        outLon: no.out(0, m),
        outDraws: nd.out(0, m),
        outBlocks: nb.out(0, m),
      }),
    );
    for (let j = 0; j < m; j++) {
      const r = edgeJitterRef(kp(jk, j), at[j], la[j], lo[j], 12);
      expect([nl.view()[j], no.view()[j], nd.view()[j], nb.view()[j]]).toEqual([r.lat, r.lon, r.draws, r.blocks]);
      expect(r.draws).toBe(4 + 2 * at[j]);
    }
  });

  it('k3bEdgeAlias writes 2B-layout slices equal to edgeAliasRef and to 2B’s edgeSlice', () => {
    const V = 400;
    const off = new Int32Array(V + 1);
    for (let v = 0; v < V; v++) off[v + 1] = off[v] + 1 + ((v * 17) % 60);
    const w = Float64Array.from({ length: off[V] }, (_, j) => (1 + ((j * 7919) % 997)) ** 1.7 / 1e3);
    const words = new Uint32Array(V + 1);
    for (let v = 0; v < V; v++) words[v + 1] = words[v] + Math.ceil((4 + 2 * (off[v + 1] - off[v])) / 2) * 2;
    const out = new SharedCol('u32', words[V]),
      left = new SharedCol('i32', V);
    runTask(
      ex,
      k3bEdgeAlias.task({
        n: V,
        edgeOff: SharedCol.from('i32', off).all(),
        weight: SharedCol.from('f64', w).all(),
        outWord: SharedCol.from('u32', words).all(),
        bits: 24,
        qbits: 32,
        out: out.out(0, words[V]),
        outLeft: left.out(0, V),
      }),
    );
    const ov = out.view() as Uint32Array;
    for (let v = 0; v < V; v++) {
      const ws = w.subarray(off[v], off[v + 1]);
      const r = edgeAliasRef(ws, 24, 32);
      const got = ov.subarray(words[v], words[v] + r.words.length);
      expect(Array.from(got)).toEqual(Array.from(r.words));
      expect(Array.from(edgeSlice(ws, 24, 32))).toEqual(Array.from(r.words));
      for (let k = words[v] + r.words.length; k < words[v + 1]; k++) expect(ov[k]).toBe(0);
      expect(left.view()[v]).toBe(0);
      const pr = sliceProbabilities(got, 0);
      let s = 0;
      for (const x of ws) s += x;
      for (let k = 0; k < ws.length; k++) expect(Math.abs(pr[k] - ws[k] / s)).toBeLessThan(1e-7);
    }
  });
});

describe('3B edge alias sampling', () => {
  it('10^6 fixed-seed draws through 2B’s decoder match the edge weights (chi-square)', () => {
    // a realistic merchant: 40 edges, catchment-style weights (a few heavy, a long tail)
    const n = 40;
    const country = Int32Array.from({ length: n }, (_, k) => (k < 12 ? 0 : k < 20 ? 1 : 2 + (k % 9)));
    const pcMass = [0.55, 0.2, ...Array.from({ length: 9 }, (_, i) => 0.25 / 9 + i * 1e-3)];
    const pc = Float64Array.from(country, (c) => pcMass[c]);
    const pop = Float64Array.from({ length: n }, (_, k) => 2e4 + ((k * 104729) % 50) * 1e5);
    const weights = edgeWeights({ weights: { city_share_exponent: 0.5 } } as never, country, pc, pop, new Float64Array(n));
    const slice = edgeAliasRef(weights, 24, 32).words;
    const q = slice.subarray(4, 4 + n),
      alias = slice.subarray(4 + n, 4 + 2 * n);
    const s = new Substream(0x3b3b3b3b, 0x12345678);
    const counts = new Float64Array(n);
    const D = 1_000_000;
    for (let i = 0; i < D; i++) counts[aliasDecodeQRef(q, alias, n, s.u01(), 2 ** 32)]++;
    let chi = 0;
    for (let k = 0; k < n; k++) {
      const e = D * weights[k];
      chi += ((counts[k] - e) * (counts[k] - e)) / e;
    }
    // 39 degrees of freedom: P(chi2 > 72.1) ≈ 0.001
    expect(chi).toBeLessThan(72.1);
    expect(chi).toBeGreaterThan(10); // not suspiciously perfect either (P(chi2 < 10) ≈ 1e-6)
    const max = Math.max(...weights),
      min = Math.min(...weights);
    expect(max / min).toBeGreaterThan(5); // far from uniform
  });
});
