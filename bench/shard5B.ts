// A small synthetic 5B shard (3 merchants: one physical single-zone, one hybrid over three zones,
// one virtual-only) over a two-zone timetable with a DST change, for kernel tests and benches.
import { aliasEncodeRef } from '../src/segments/2B/kernels_ref.js';
import { quantiseRef } from '../src/laws/routing/alias.js';
import { edgeSlice } from '../src/laws/routing/edges.js';
import { latentRef, weekTabOf, type ShardInput } from '../src/segments/5B/kernels_ref.js';
import { FamilyKeys } from '../src/rng/keys.js';

const H0 = Date.UTC(2026, 0, 1) * 1000;
const HOUR = 3_600_000_000;

function slice(weights: number[], group: number[], G: number): Uint32Array {
  const q = quantiseRef(
    Float64Array.from(weights, (w) => w / weights.reduce((a, b) => a + b, 0)),
    24,
  );
  const w = aliasEncodeRef(q.m, group, G, 24, 32).words;
  const out = new Uint32Array((w.length + 1) & ~1);
  out.set(w);
  return out;
}

export function syntheticShard(opts: { H?: number; volume?: number; seed?: bigint } = {}): ShardInput {
  const H = opts.H ?? 24 * 21;
  const V = opts.volume ?? 400;
  const id = { manifest_fingerprint: 'ab'.repeat(32), seed: opts.seed ?? 1n, parameter_hash: 'cd'.repeat(32) };
  // zone 0: fixed +0; zone 1: +1h, then +2h from day 10 (a spring-forward), zone 2: +5:30
  const zoneStart = Int32Array.of(0, 1, 3, 4);
  const segStart = BigInt64Array.of(-(2n ** 63n), -(2n ** 63n), BigInt(H0 + 10 * 24 * HOUR + 1 * HOUR), -(2n ** 63n));
  const segOffset = Int32Array.of(0, 3600, 7200, 19800);
  const nZones = 3;
  const lhTab = new Int32Array(nZones * H);
  for (let z = 0; z < nZones; z++) {
    for (let h = 0; h < H; h++) {
      const t = H0 + h * HOUR + HOUR / 2;
      let j = zoneStart[z];
      while (j + 1 < zoneStart[z + 1] && Number(segStart[j + 1]) <= t) j++;
      lhTab[z * H + h] = Math.floor((h * 3600 + 1800 + segOffset[j]) / 3600);
    }
  }
  const shapes = new Float64Array(2 * 168);
  for (let s = 0; s < 2; s++) {
    let tot = 0;
    for (let b = 0; b < 168; b++) tot += shapes[s * 168 + b] = 0.2 + Math.exp(-(((b % 24) - (s ? 20 : 12)) ** 2) / 18) * (b >= 120 ? 0.6 : 1);
    for (let b = 0; b < 168; b++) shapes[s * 168 + b] /= tot;
  }
  const overlay = new Float64Array(H).fill(1);
  for (let lh = 24 * 3; lh < 24 * 4; lh++) overlay[lh] = 0.5; // a holiday
  for (let lh = 24 * 8; lh < 24 * 9; lh++) overlay[lh] = 1.6; // a payday
  const nG = 3;
  const lk = new Uint32Array(2 * nG);
  new FamilyKeys(id, '5B.test.latent').fill(BigUint64Array.of(1n, 2n, 3n), lk);
  const latent = latentRef(nG, H, lk, Float64Array.of(0.25, 0.6, 0), Float64Array.of(Math.exp(-1 / 24), Math.exp(-1 / 6), 0.5), 0.2, 5).factor;
  // merchants: m0 physical (1 zone, 3 sites), m1 hybrid (3 cells over zones 0,1,2; 2 tz-groups), m2 virtual-only (2 cells)
  const b0 = slice([1, 2, 3], [0, 0, 0], 1);
  const b1 = slice([5, 1, 1, 2, 4], [0, 0, 1, 1, 2], 3);
  const blob = new Uint32Array(b0.length + b1.length);
  blob.set(b0);
  blob.set(b1, b0.length);
  const e1 = edgeSlice([3, 1, 1]);
  const e2 = edgeSlice([1, 1, 2, 5]);
  const edgeBlob = new Uint32Array(e1.length + e2.length);
  edgeBlob.set(e1);
  edgeBlob.set(e2, e1.length);
  const nC = 6;
  const cKey = new Uint32Array(2 * nC);
  new FamilyKeys(id, '5B.test.arrivals').fill(
    BigUint64Array.from({ length: nC }, (_, i) => BigInt(i + 100)),
    cKey,
  );
  // (zone, shape, overlay) rows shared by cells, as src/segments/5B/plan.ts builds them
  const cZone = Int32Array.of(0, 0, 1, 2, 1, 2),
    cShape = [0, 1, 1, 0, 1, 1],
    cOverlay = [0, -1, 0, 0, -1, 0];
  const rows = new Map<string, number>();
  const cRow = Int32Array.from({ length: nC }, (_, c) => {
    const k = `${cZone[c]}|${cShape[c]}|${cOverlay[c]}`;
    if (!rows.has(k)) rows.set(k, rows.size);
    return rows.get(k)!;
  });
  const rowKeys = [...rows.keys()].map((k) => k.split('|').map(Number));
  return {
    mCell: Int32Array.of(0, 1, 4, 6),
    mId: BigUint64Array.of(11n, 2n ** 63n + 5n, 99n),
    mSlice: Int32Array.of(0, b0.length, -1),
    mEdge: Int32Array.of(-1, 0, e1.length),
    mSite: Int32Array.of(0, 3, 8),
    mEdgeOff: Int32Array.of(0, 0, 3),
    blob,
    edgeBlob,
    siteCountry: Int32Array.of(4, 4, 4, 7, 7, 8, 8, 9),
    siteOrder: Int32Array.of(1, 2, 3, 1, 2, 1, 2, 1),
    edgeZone: Int32Array.of(0, 1, 2, 2, 2, 1, 0),
    rowZone: Int32Array.from(rowKeys, (r) => r[0]),
    rowShape: Int32Array.from(rowKeys, (r) => r[1]),
    rowOverlay: Int32Array.from(rowKeys, (r) => r[2]),
    cZone,
    cCountry: Int32Array.of(4, 7, 8, 9, 3, 5),
    cChannel: Int32Array.of(0, 2, 2, 2, 1, 1),
    cRow,
    cGroup: Int32Array.of(0, 1, 1, 2, 0, 1),
    cRGroup: Int32Array.of(0, 0, 1, 2, -1, -1),
    cPV: Float64Array.of(0, 0.35, 0.35, 0.35, 1, 1),
    cV: Float64Array.of(V, V * 0.7, V * 0.2, V * 0.1, V * 0.5, V * 0.3),
    cKey,
    H,
    h0Us: H0,
    bucketUs: HOUR,
    week0: 72,
    shapes,
    lhTab,
    wkTab: weekTabOf(lhTab, 72),
    overlay,
    latent,
    zoneStart,
    segStart,
    segOffset,
  };
}
