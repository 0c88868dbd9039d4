// 5B planning from the world alone: latent groups (S1), expected arrivals per cell, the shard plan
// (runs of whole merchants of about shard_target_arrivals expected arrivals each — never a function of
// the worker count) and each shard's compact kernel input.
import { fm_exp } from '../../rng/fmath.js';
import { createHash } from 'node:crypto';
import { asciiCompare } from '../../core/hash.js';
import { FamilyKeys, type RngIdentity } from '../../rng/keys.js';
import { sha256Words } from '../../rng/sha_batch.js';
import { SharedCol } from '../../pool/columns.js';
import type { KernelPool } from '../../pool/pool.js';
import { runShards } from '../../pool/shards.js';
import { k5bLatent } from '../../kernels/5B.js';
import { subsetRouter } from '../../laws/routing/router.js';
import { kernelTable } from '../../laws/time/ref.js';
import { CHANNELS, type Inputs5B } from './inputs.js';
import { weekTabOf, type ShardInput } from './kernels_ref.js';
import type { Policies5B } from './policies.js';
import { horizonWeights } from '../5A/read.js';
import type { Horizon } from '../../laws/time/grid.js';

const hashMod = (s: string, m: number): number => createHash('sha256').update(s).digest().readUInt32BE(0) % m;

export interface Groups {
  ids: string[];
  /** group index of each cell */
  cell: Int32Array;
  sigma: Float64Array;
  lengthScale: Float64Array;
  virtualBand: string[];
}

/** S1 grouping: stratum (band, class, channel, virtual band, zone group) × in-stratum hash bucket. */
export function planGroups(inp: Inputs5B, pol: Policies5B): Groups {
  const c = inp.cells;
  const virtualBand = new Array<string>(c.n);
  const zg = new Map<number, number>();
  const mb = new Map<bigint, number>();
  const classes = new Map<string, number>();
  // a numeric key per cell; the group's name is built once per distinct key, not once per cell
  const ZG = pol.grouping.zone_group_buckets,
    B = pol.grouping.in_stratum_buckets;
  // each merchant's in-stratum bucket, hashed in one batch (cells of a merchant are adjacent)
  const firsts: number[] = [];
  for (let i = 0; i < c.n; i++) if (i === 0 || c.merchant[i] !== c.merchant[i - 1]) firsts.push(i);
  const bh = sha256Words(
    new Uint8Array(0),
    firsts.map((i) => `5B.group_bucket|${c.merchant[i]}`),
    1,
  );
  firsts.forEach((i, k) => mb.set(c.merchant[i], bh[k] % B));
  const num = new Float64Array(c.n);
  const names = new Map<number, string>();
  for (let i = 0; i < c.n; i++) {
    let z = zg.get(c.zone[i]);
    if (z === undefined) zg.set(c.zone[i], (z = hashMod(`5B.zone_group|${inp.timetable.tzids[c.zone[i]]}`, ZG)));
    const b = mb.get(c.merchant[i])!;
    const v = c.pv[i] > 0 ? 1 : 0;
    virtualBand[i] = v ? 'virtual' : 'physical';
    let k = classes.get(c.demandClass[i]);
    if (k === undefined) classes.set(c.demandClass[i], (k = classes.size));
    const key = (((k * CHANNELS.length + c.channel[i]) * 2 + v) * ZG + z) * B + b;
    num[i] = key;
    if (!names.has(key))
      names.set(
        key,
        `g|baseline|${c.demandClass[i]}|${CHANNELS[c.channel[i]]}|${virtualBand[i]}|zg${String(z).padStart(2, '0')}|b${String(b).padStart(2, '0')}`,
      );
  }
  const ids = [...names.values()].sort(asciiCompare);
  const idx = new Map(ids.map((g, i) => [g, i]));
  const byKey = new Map([...names].map(([key, name]) => [key, idx.get(name)!]));
  const cell = Int32Array.from(num, (key) => byKey.get(key)!);
  const sigma = new Float64Array(ids.length),
    lengthScale = new Float64Array(ids.length);
  const L = pol.lgcp;
  const clamp = (x: number, [lo, hi]: number[]) => Math.min(hi, Math.max(lo, x));
  for (let i = 0; i < c.n; i++) {
    const g = cell[i];
    const cls = c.demandClass[i];
    sigma[g] = clamp(
      L.sigma.base *
        (L.sigma.class_multipliers[cls] ?? 1) *
        (L.sigma.channel_multipliers[CHANNELS[c.channel[i]]] ?? 1) *
        (L.sigma.virtual_multipliers[virtualBand[i]] ?? 1),
      L.sigma.bounds,
    );
    lengthScale[g] = clamp(L.length_scale_buckets.base * (L.length_scale_buckets.class_multipliers[cls] ?? 1), L.length_scale_buckets.bounds);
  }
  return { ids, cell, sigma, lengthScale, virtualBand };
}

const LATENT_GROUPS_PER_TASK = 64;

/**
 * S2: the latent AR(1) field and its clipped factor per group × UTC bucket (k5bLatent on the pool,
 * 64 groups a task; substream of a group named by its id, family 5B.lgcp_latent).
 */
export async function latentField(
  pool: KernelPool,
  groups: Groups,
  pol: Policies5B,
  H: number,
  id: RngIdentity,
): Promise<{ latent: SharedCol; factor: SharedCol }> {
  const nG = groups.ids.length;
  const keys = new FamilyKeys(id, '5B.lgcp_latent').forStrings(groups.ids);
  const phi = Float64Array.from(groups.lengthScale, (l) => fm_exp(-1 / l));
  const latent = new SharedCol('f64', nG * H),
    factor = new SharedCol('f64', nG * H);
  const kc = SharedCol.from('u32', keys),
    sg = SharedCol.from('f64', groups.sigma),
    ph = SharedCol.from('f64', phi);
  await runShards(pool, nG, LATENT_GROUPS_PER_TASK, ({ start: g0, end: g1 }) =>
    k5bLatent.task({
      nG: g1 - g0,
      H,
      keys: kc.in(g0, g1, 2),
      sigma: sg.in(g0, g1),
      phi: ph.in(g0, g1),
      minF: pol.lgcp.clip.min_factor,
      maxF: pol.lgcp.clip.max_factor,
      outLatent: latent.out(g0, g1, H),
      outFactor: factor.out(g0, g1, H),
    }),
  );
  return { latent, factor };
}

/** Expected arrivals of every cell over the UTC horizon (no latent field): volume × 5A's horizon weight. */
export function expectedPerCell(inp: Inputs5B, hz: Horizon, lhTab: Int32Array): Float64Array {
  const c = inp.cells;
  const weight = horizonWeights({
    hz,
    shapes: inp.shapes,
    overlays: inp.overlays,
    utcLocal: lhTab,
    cellShape: c.shape,
    cellOverlay: c.overlay,
    cellZone: c.zone,
  });
  return Float64Array.from(weight, (x, i) => c.volume[i] * x);
}

export interface Shard {
  index: number;
  /** cells [c0, c1) = whole merchants */
  c0: number;
  c1: number;
  expected: number;
  maxCells: number;
}

/** Runs of whole merchants with about `target` expected arrivals each (a heavy merchant gets a shard alone). */
export function planShards(inp: Inputs5B, expected: Float64Array, target: number): Shard[] {
  const c = inp.cells;
  const shards: Shard[] = [];
  let c0 = 0,
    e = 0,
    maxCells = 0;
  for (let i = 0; i < c.n;) {
    let j = i,
      em = 0;
    while (j < c.n && c.merchant[j] === c.merchant[i]) em += expected[j++];
    if (j > c0 && e > 0 && e + em > target) {
      shards.push({ index: shards.length, c0, c1: i, expected: e, maxCells });
      c0 = i;
      e = 0;
      maxCells = 0;
    }
    e += em;
    maxCells = Math.max(maxCells, j - i);
    i = j;
  }
  if (c.n > c0) shards.push({ index: shards.length, c0, c1: c.n, expected: e, maxCells });
  return shards;
}

export interface WorldTables {
  H: number;
  h0Us: number;
  bucketUs: number;
  week0: number;
  /** local horizon bucket and local-week bucket per (zone, UTC bucket); shards take their zones' rows */
  lhTab: Int32Array;
  wkTab: Uint8Array;
  zoneStart: Int32Array;
  segStart: BigInt64Array;
  segOffset: Int32Array;
  shapes: Float64Array;
  /** 5A overlay rows and the S2 latent factor rows (H each), in shared memory: shards gather theirs on the worker */
  overlays: Float64Array;
  factor: Float64Array;
  /** substream key of every cell (family 5B.arrivals): [k0, k1] of cell i at 2i */
  cellKeys: Uint32Array;
}

/** SharedArrayBuffer-backed copy: posted to workers without cloning. */
export function shared<T extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(a: T): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(Math.max(8, a.byteLength)));
  (out as any).set(a);
  return out;
}

export function worldTables(
  inp: Inputs5B,
  id: RngIdentity,
  H: number,
  h0Us: number,
  bucketUs: number,
  week0: number,
  lhTab: Int32Array,
  factor: Float64Array,
): WorldTables {
  const kt = kernelTable(inp.timetable);
  return {
    H,
    h0Us,
    bucketUs,
    week0,
    lhTab: shared(lhTab),
    wkTab: shared(weekTabOf(lhTab, week0)),
    zoneStart: shared(kt.zoneStart),
    segStart: shared(kt.segStart),
    segOffset: shared(kt.segOffset),
    shapes: shared(inp.shapes),
    overlays: shared(inp.overlays),
    factor: factor.buffer instanceof SharedArrayBuffer ? factor : shared(factor),
    cellKeys: cellKeys(inp, id),
  };
}

/** Every cell's substream key, named by the cell's key (merchant, country, zone): stable whatever the shard. */
function cellKeys(inp: Inputs5B, id: RngIdentity): Uint32Array {
  const c = inp.cells;
  const names = new Array<string>(c.n);
  for (let i = 0; i < c.n; i++) names[i] = `${c.merchant[i]}|${inp.countries[c.country[i]]}|${inp.timetable.tzids[c.zone[i]]}`;
  return new FamilyKeys(id, '5B.arrivals').forStrings(names);
}

/** The kernel input of one shard: its merchants' router and edge slices, cells, and the latent/overlay rows it uses. */
export function shardInput(inp: Inputs5B, groups: Groups, w: WorldTables, s: Shard): { x: ShardInput; edgeIds: string[] } {
  const c = inp.cells;
  const H = w.H;
  // merchants of the shard
  const mStart: number[] = [];
  for (let i = s.c0; i < s.c1; i++) if (i === s.c0 || c.merchant[i] !== c.merchant[i - 1]) mStart.push(i);
  const nM = mStart.length;
  const mCell = new Int32Array(nM + 1);
  const mId = new BigUint64Array(nM);
  mStart.forEach((ci, m) => {
    mCell[m] = ci - s.c0;
    mId[m] = c.merchant[ci];
  });
  mCell[nM] = s.c1 - s.c0;
  // router subset (merchants known to 2B)
  const rIdx: number[] = [];
  const mSlice = new Int32Array(nM).fill(-1);
  const mSite = new Int32Array(nM + 1);
  const sub0 = mStart.map((ci) => c.rMerchant[ci]);
  for (const r of sub0) if (r >= 0) rIdx.push(r);
  const sub = subsetRouter(inp.router, rIdx);
  const cmap = sub.siteCountry.dict.map((d) => inp.countries.indexOf(d));
  const siteCountry = Int32Array.from(sub.siteCountry.codes, (k) => cmap[k]);
  for (let m = 0, k = 0; m < nM; m++) {
    if (sub0[m] >= 0) {
      mSlice[m] = sub.sliceWord[k];
      mSite[m] = sub.siteOff[k];
      k++;
    } else mSite[m] = m > 0 ? mSite[m - 1] : 0;
    mSite[m + 1] = sub.siteOff[k];
  }
  // edges subset
  const E = inp.edges;
  const mEdge = new Int32Array(nM).fill(-1);
  const mEdgeOff = new Int32Array(nM + 1);
  const words: number[] = [];
  const edgeZone: number[] = [];
  const edgeIds: string[] = [];
  for (let m = 0; m < nM; m++) {
    const v = c.eMerchant[mStart[m]];
    mEdgeOff[m + 1] = mEdgeOff[m];
    if (v < 0) continue;
    const w0 = E.edgeWord[v],
      n = E.blob[w0];
    mEdge[m] = words.length;
    for (let j = 0; j < 4 + 2 * n; j++) words.push(E.blob[w0 + j]);
    for (let e = E.edgeOff[v]; e < E.edgeOff[v + 1]; e++) {
      edgeZone.push(inp.edgeZone[e]);
      edgeIds.push(E.edgeId[e]);
    }
    mEdgeOff[m + 1] = edgeIds.length;
  }
  // cells, with shard-local (zone, shape, overlay) rows and latent groups
  const nC = s.c1 - s.c0;
  const profLocal = new Map<number, number>();
  const groupLocal = new Map<number, number>();
  const rowLocal = new Map<number, number>();
  const zoneLocal = new Map<number, number>();
  const rowZone: number[] = [],
    rowShape: number[] = [],
    rowOverlay: number[] = [];
  const cRow = new Int32Array(nC),
    cGroup = new Int32Array(nC),
    cRGroup = new Int32Array(nC);
  const cKey = w.cellKeys.slice(2 * s.c0, 2 * s.c1);
  const nShapes = inp.nShapes,
    nZones = inp.timetable.tzids.length;
  for (let i = 0; i < nC; i++) {
    const ci = s.c0 + i;
    const p = c.overlay[ci];
    let lp = -1;
    if (p >= 0 && p < inp.overlayHasEvents.length && inp.overlayHasEvents[p]) {
      if (!profLocal.has(p)) profLocal.set(p, profLocal.size);
      lp = profLocal.get(p)!;
    }
    const rk = ((lp + 1) * nShapes + c.shape[ci]) * nZones + c.zone[ci];
    let r = rowLocal.get(rk);
    if (r === undefined) {
      rowLocal.set(rk, (r = rowZone.length));
      // rows name the shard's own zone rows of lhTab/wkTab (a shard copies only those)
      if (!zoneLocal.has(c.zone[ci])) zoneLocal.set(c.zone[ci], zoneLocal.size);
      rowZone.push(zoneLocal.get(c.zone[ci])!);
      rowShape.push(c.shape[ci]);
      rowOverlay.push(lp);
    }
    cRow[i] = r;
    const g = groups.cell[ci];
    if (!groupLocal.has(g)) groupLocal.set(g, groupLocal.size);
    cGroup[i] = groupLocal.get(g)!;
    cRGroup[i] = c.rGroup[ci];
  }
  // Maps iterate in insertion order = local row order
  const zones = Int32Array.from(zoneLocal.keys());
  const gather = {
    overlay: { src: w.overlays, rows: Int32Array.from(profLocal.keys()) },
    latent: { src: w.factor, rows: Int32Array.from(groupLocal.keys()) },
    lhTab: { src: w.lhTab, rows: zones },
    wkTab: { src: w.wkTab, rows: zones },
  };
  const x: ShardInput = {
    mCell,
    mId,
    mSlice,
    mEdge,
    mSite,
    mEdgeOff,
    blob: sub.blob,
    edgeBlob: Uint32Array.from(words),
    siteCountry,
    siteOrder: sub.siteOrder,
    edgeZone: Int32Array.from(edgeZone),
    rowZone: Int32Array.from(rowZone),
    rowShape: Int32Array.from(rowShape),
    rowOverlay: Int32Array.from(rowOverlay),
    cZone: c.zone.slice(s.c0, s.c1),
    cCountry: c.country.slice(s.c0, s.c1),
    cChannel: c.channel.slice(s.c0, s.c1),
    cRow,
    cGroup,
    cRGroup,
    cPV: c.pv.slice(s.c0, s.c1),
    cV: c.volume.slice(s.c0, s.c1),
    cKey,
    H,
    h0Us: w.h0Us,
    bucketUs: w.bucketUs,
    week0: w.week0,
    shapes: w.shapes,
    lhTab: new Int32Array(0),
    wkTab: new Uint8Array(0),
    overlay: new Float64Array(0),
    latent: new Float64Array(0),
    gather,
    zoneStart: w.zoneStart,
    segStart: w.segStart,
    segOffset: w.segOffset,
  };
  return { x, edgeIds };
}
