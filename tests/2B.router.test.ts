// The 2B alias tables decode exactly, the wasm router agrees with its TypeScript reference bit for
// bit, and routed draws follow the exact routing law (chi-square on 10^6 draws, fixed seed).
import { describe, it, expect, beforeAll } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k2bEdgePick, k2bRoute, k2bRouteStream } from '../src/kernels/2B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { Substream } from '../src/rng/stream.js';
import { aliasEncodeRef, sliceWords } from '../src/segments/2B/kernels_ref.js';
import { quantiseRef, voseIntRef } from '../src/laws/routing/alias.js';
import { buildDayTables, routerArgs } from '../src/segments/2B/router.js';
import { decodedProbabilities, routeRef, routingLaw, subsetRouter, type Router2B } from '../src/laws/routing/router.js';
import { edgePickRef, edgeSlice } from '../src/laws/routing/edges.js';
import { virtualEdgesFrom } from '../src/segments/3B/read.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});

/** k2bRouteStream's router tables (everything but the arrivals). */
const tables = (r: Router2B) => ({
  sliceWord: SharedCol.from('u32', r.sliceWord).all(),
  blob: SharedCol.from('u32', r.blob).all(),
  dayWord: SharedCol.from('u32', r.dayWord).all(),
  nDays: r.nDays,
  dayTab: SharedCol.from('u32', r.dayTab).all(),
  dayQbits: r.dayQbits,
});

/** Deterministic pseudo-random numbers for building inputs (not an RNG under test). */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

/** A synthetic router: M merchants, their sites and tz-groups, D days of group mixes. */
function syntheticRouter(M: number, D: number, seed: number): Router2B {
  const rnd = lcg(seed);
  const bits = 24,
    qbits = 32;
  const siteOff = new Int32Array(M + 1),
    groupOff = new Int32Array(M + 1);
  const slices: Uint32Array[] = [];
  const pGroup: number[] = [];
  const groupTz: string[] = [];
  for (let m = 0; m < M; m++) {
    const n = m % 7 === 0 ? 30 + Math.floor(rnd() * 40) : 1 + Math.floor(rnd() * 9);
    const G = Math.min(n, 1 + Math.floor(rnd() * 4));
    const w = Array.from({ length: n }, () => Math.exp(2 * rnd()) * (rnd() < 0.1 ? 0 : 1) + 1e-9);
    const s = w.reduce((a, b) => a + b, 0);
    const mass = quantiseRef(
      w.map((x) => x / s),
      bits,
    ).m;
    const grp = Int32Array.from({ length: n }, (_, k) => (k < G ? k : Math.floor(rnd() * G)));
    const enc = aliasEncodeRef(mass, grp, G, bits, qbits);
    const padded = new Uint32Array((enc.words.length + 1) & ~1);
    padded.set(enc.words);
    slices.push(padded);
    for (let g = 0; g < G; g++) groupTz.push(`Zone/${m}_${g}`);
    for (let d = 0; d < D; d++) {
      const raw = Array.from({ length: G }, () => 0.05 + rnd());
      const t = raw.reduce((a, b) => a + b, 0);
      pGroup.push(...raw.map((x) => x / t));
    }
    siteOff[m + 1] = siteOff[m] + n;
    groupOff[m + 1] = groupOff[m] + G;
  }
  const sliceWord = new Uint32Array(M);
  let tot = 0;
  slices.forEach((s, m) => ((sliceWord[m] = tot), (tot += s.length)));
  const blob = new Uint32Array(tot);
  slices.forEach((s, m) => blob.set(s, sliceWord[m]));
  const { dayTab, dayWord } = buildDayTables(Float64Array.from(pGroup), groupOff, D, bits, qbits, ex);
  return {
    merchantId: BigUint64Array.from({ length: M }, (_, m) => BigInt(100 + m)),
    blob,
    sliceWord,
    dayTab,
    dayWord,
    nDays: D,
    startDay: 20454,
    dayQbits: qbits,
    groupOff,
    groupTz,
    siteOff,
    siteCountry: { codes: new Int32Array(siteOff[M]), dict: ['ZZ'] },
    siteOrder: Int32Array.from({ length: siteOff[M] }, (_, i) => i),
  };
}

describe('2B alias tables', () => {
  it('integer Vose on a 2^24 grid decodes to exactly mass / 2^24', () => {
    const rnd = lcg(7);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rnd() * (t < 280 ? 20 : 2000));
      const w = Array.from({ length: n }, () => (rnd() < 0.2 ? 0 : rnd() ** 3));
      if (w.every((x) => x === 0)) w[0] = 1;
      const s = w.reduce((a, b) => a + b, 0);
      const p = w.map((x) => x / s);
      const q = quantiseRef(p, 24);
      expect(q.left).toBe(0);
      expect(q.m.reduce((a, b) => a + b, 0)).toBe(2 ** 24);
      for (let i = 0; i < n; i++) expect(Math.abs(q.m[i] / 2 ** 24 - p[i])).toBeLessThanOrEqual(2 ** -24);
      const tab = voseIntRef(q.m, 2 ** 24, 32);
      const dec = decodedProbabilities(tab.q, tab.alias, n, 32);
      for (let i = 0; i < n; i++) expect(dec[i]).toBe(q.m[i] / 2 ** 24);
    }
  });

  it("tz-group tables are exact within 2^-32 and hold only their group's sites", () => {
    const rnd = lcg(9);
    for (let t = 0; t < 100; t++) {
      const n = 2 + Math.floor(rnd() * 60);
      const G = 1 + Math.floor(rnd() * Math.min(n, 5));
      const grp = Int32Array.from({ length: n }, (_, k) => (k < G ? k : Math.floor(rnd() * G)));
      const w = Array.from({ length: n }, () => rnd() + 0.01);
      const s = w.reduce((a, b) => a + b, 0);
      const mass = quantiseRef(
        w.map((x) => x / s),
        24,
      ).m;
      const { words } = aliasEncodeRef(mass, grp, G, 24, 32);
      expect(words.length).toBe(sliceWords(n, G));
      const gs = 4 + 2 * n,
        perm = gs + G + 1;
      for (let g = 0; g < G; g++) {
        const a = words[gs + g],
          ng = words[gs + g + 1] - a;
        const sites = Array.from(words.subarray(perm + a, perm + a + ng));
        expect(sites.every((k) => grp[k] === g)).toBe(true);
        const Mg = sites.reduce((x, k) => x + mass[k], 0);
        const dec = decodedProbabilities(words.subarray(perm + n + a), words.subarray(perm + 2 * n + a), ng, 32);
        sites.forEach((k, j) => expect(Math.abs(dec[j] - mass[k] / Mg)).toBeLessThanOrEqual(2 ** -32));
      }
    }
  });
});

describe('2B router', () => {
  const r = syntheticRouter(60, 5, 3);
  const n = 50_000;
  const mIdx = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 60);
  const dIdx = Int32Array.from({ length: n }, (_, i) => ((i * 31) % 7) - 1); // includes -1 and 5: outside the horizon

  it('k2bRoute and k2bRouteStream == routeRef (and -1 outside the horizon)', () => {
    const s = new Substream(0x1234, 0x5678);
    const u = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) u[i] = s.u01();
    const og = new SharedCol('i32', n),
      os = new SharedCol('i32', n);
    runTask(ex, k2bRoute.task(routerArgs(r, SharedCol.from('i32', mIdx), SharedCol.from('i32', dIdx), SharedCol.from('f64', u), og, os, 0, n)));
    const og2 = new SharedCol('i32', n),
      os2 = new SharedCol('i32', n);
    runTask(
      ex,
      k2bRouteStream.task({
        n,
        k0: 0x1234,
        k1: 0x5678,
        mIdx: SharedCol.from('i32', mIdx).all(),
        dIdx: SharedCol.from('i32', dIdx).all(),
        ...tables(r),
        outGroup: og2.out(0, n),
        outSite: os2.out(0, n),
      }),
    );
    let outside = 0,
      bad = 0,
      range = 0;
    for (let i = 0; i < n; i++) {
      const ref = routeRef(r, mIdx[i], dIdx[i], u[2 * i], u[2 * i + 1]);
      if (og.view()[i] !== ref.group || os.view()[i] !== ref.site || og2.view()[i] !== ref.group || os2.view()[i] !== ref.site) bad++;
      if (dIdx[i] < 0 || dIdx[i] >= r.nDays) {
        if (ref.group !== -1 || ref.site !== -1) range++;
        outside++;
      } else {
        const m = mIdx[i];
        if (!(ref.site >= 0 && ref.site < r.siteOff[m + 1] - r.siteOff[m])) range++;
      }
    }
    expect([bad, range]).toEqual([0, 0]);
    expect(outside).toBeGreaterThan(0);
  });

  it('a sub-router over a merchant shard routes exactly like the full router', () => {
    const pick = [3, 7, 8, 40, 59];
    const sub = subsetRouter(r, pick);
    const s = new Substream(99, 1);
    for (let i = 0; i < 5000; i++) {
      const k = i % pick.length,
        d = i % r.nDays;
      const u1 = s.u01(),
        u2 = s.u01();
      expect(routeRef(sub, k, d, u1, u2)).toEqual(routeRef(r, pick[k], d, u1, u2));
    }
    expect(sub.groupTz.slice(0, 2)).toEqual(r.groupTz.slice(r.groupOff[3], r.groupOff[3] + 2));
  });

  it('10^6 routed draws follow the exact routing law (chi-square, fixed seed)', () => {
    // the largest merchant, on day 2: its exact law is Σ_g P(g) P(site | g) from the decoded tables
    let m = 0;
    for (let i = 1; i < 60; i++) if (r.siteOff[i + 1] - r.siteOff[i] > r.siteOff[m + 1] - r.siteOff[m]) m = i;
    const d = 2;
    const law = routingLaw(r, m, d);
    const ns = law.length;
    expect(r.groupOff[m + 1] - r.groupOff[m]).toBeGreaterThan(1);
    expect(Math.abs(law.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    const N = 1_000_000;
    const og = new SharedCol('i32', N),
      os = new SharedCol('i32', N);
    runTask(
      ex,
      k2bRouteStream.task({
        n: N,
        k0: 2024,
        k1: 11,
        mIdx: SharedCol.from('i32', new Int32Array(N).fill(m)).all(),
        dIdx: SharedCol.from('i32', new Int32Array(N).fill(d)).all(),
        ...tables(r),
        outGroup: og.out(0, N),
        outSite: os.out(0, N),
      }),
    );
    const counts = new Float64Array(ns);
    for (const x of os.view() as Int32Array) counts[x]++;
    let chi2 = 0,
      df = -1;
    for (let k = 0; k < ns; k++) {
      if (law[k] === 0) {
        expect(counts[k]).toBe(0);
        continue;
      }
      const e = N * law[k];
      chi2 += (counts[k] - e) ** 2 / e;
      df++;
    }
    // 99.9% quantile of chi-square(df) (Wilson–Hilferty)
    const z = 3.090232;
    const crit = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
    expect(df).toBeGreaterThan(20);
    expect(chi2, `chi2 ${chi2.toFixed(1)} on ${df} df`).toBeLessThan(crit);
    expect(chi2).toBeGreaterThan(df / 4); // not suspiciously perfect either
    // and the group frequencies match the day's group law
    const G = r.groupOff[m + 1] - r.groupOff[m];
    const gl = decodedProbabilities(r.dayTab.subarray(r.dayWord[m] + d * 2 * G), r.dayTab.subarray(r.dayWord[m] + d * 2 * G + G), G, 32);
    const gc = new Float64Array(G);
    for (const g of og.view() as Int32Array) gc[g]++;
    let chiG = 0;
    for (let g = 0; g < G; g++) chiG += (gc[g] - N * gl[g]) ** 2 / (N * gl[g]);
    expect(chiG).toBeLessThan(20); // df ≤ 3
  });
});

describe('2B virtual-edge branch (S6)', () => {
  // synthetic 3B-shaped tables: alias index rows, a blob of edge slices, the edge catalogue
  const weights = [[0.6, 0.4], [0.35, 0.25, 0.2, 0.2], [1]];
  const merchants = [900n, 905n, 77n];
  const slices = weights.map((w) => edgeSlice(w));
  const offs: number[] = [];
  let tot = 0;
  for (const s of slices) {
    offs.push(tot * 4);
    tot += (s.length + 1) & ~1;
  }
  const blob = new Uint32Array(tot);
  slices.forEach((s, i) => blob.set(s, offs[i] / 4));
  const index = tableFromArrays({
    scope: ['MERCHANT', 'MERCHANT', 'MERCHANT', 'GLOBAL'],
    merchant_id: BigUint64Array.from([...merchants, 0n]),
    blob_offset_bytes: Float64Array.from([...offs, 0]),
    edge_count_total: Int32Array.from([...weights.map((w) => w.length), 7]),
  });
  const cat = { m: [] as bigint[], seq: [] as number[], id: [] as string[], iso: [] as string[], lat: [] as number[], lon: [] as number[] };
  weights.forEach((w, i) =>
    w.forEach((_, k) => {
      cat.m.push(merchants[i]);
      cat.seq.push(w.length - 1 - k); // out of order on purpose
      cat.id.push(`edge-${merchants[i]}-${w.length - 1 - k}`);
      cat.iso.push(['US', 'IE', 'SG', 'AU'][k]);
      cat.lat.push(10 * k);
      cat.lon.push(-20 * k);
    }),
  );
  const catalogue = tableFromArrays({
    merchant_id: BigUint64Array.from(cat.m),
    edge_id: cat.id,
    edge_seq_index: Int32Array.from(cat.seq),
    country_iso: cat.iso,
    lat_deg: Float64Array.from(cat.lat),
    lon_deg: Float64Array.from(cat.lon),
  });
  const e = virtualEdgesFrom(index, new Uint8Array(blob.buffer), catalogue);

  it('reads 3B-shaped tables: merchants ascending, edges in edge_seq_index order', () => {
    expect(Array.from(e.merchantId)).toEqual([77n, 900n, 905n]);
    expect(Array.from(e.edgeOff)).toEqual([0, 1, 3, 7]);
    expect(e.edgeId.slice(1, 3)).toEqual(['edge-900-0', 'edge-900-1']);
  });

  it('k2bEdgePick == edgePickRef, one uniform per virtual arrival, and follows the edge weights', () => {
    const N = 400_000;
    const vIdx = Int32Array.from({ length: N }, (_, i) => (i % 5 === 4 ? -1 : 2));
    const s = new Substream(5, 6);
    const u = Float64Array.from({ length: N }, () => s.u01());
    const out = new SharedCol('i32', N);
    runTask(
      ex,
      k2bEdgePick.task({
        n: N,
        vIdx: SharedCol.from('i32', vIdx).all(),
        u: SharedCol.from('f64', u).all(),
        edgeWord: SharedCol.from('u32', e.edgeWord).all(),
        edgeBlob: SharedCol.from('u32', e.blob).all(),
        outEdge: out.out(0, N),
      }),
    );
    const counts = [0, 0, 0, 0];
    let bad = 0;
    for (let i = 0; i < N; i++) {
      const got = out.view()[i] as number;
      if (got !== (vIdx[i] < 0 ? -1 : edgePickRef(e, vIdx[i], u[i]))) bad++;
      if (got >= 0) counts[got]++;
    }
    expect(bad).toBe(0);
    const picks = counts.reduce((a, b) => a + b, 0);
    const law = decodedProbabilities(e.blob.subarray(e.edgeWord[2] + 4), e.blob.subarray(e.edgeWord[2] + 8), 4, 32);
    let chi2 = 0;
    for (let k = 0; k < 4; k++) chi2 += (counts[k] - picks * law[k]) ** 2 / (picks * law[k]);
    expect(chi2).toBeLessThan(16.27); // chi-square(3) 99.9%
    expect(Math.abs(law[0] - 0.35)).toBeLessThan(1e-7);
  });
});
