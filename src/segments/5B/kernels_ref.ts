// TypeScript references of the 5B kernels (assembly/seg5B/kernels.ts), bit for bit: the same IEEE
// operation order, fm_* math, the same RNG consumption. Tests prove wasm == reference on small inputs.
import { Substream, u01FromWords, U01_MAX } from '../../rng/stream.js';
import { philoxInto } from '../../rng/philox.js';
import { normal } from '../../rng/dist.js';
import { fm_exp, fm_neglog_u01 } from '../../rng/fmath.js';
import { sliceWideRef } from '../../laws/routing/alias.js';
import { siteOfGroupWords } from '../../laws/routing/router.js';

export const WEEK = 168;

export function latentRef(
  nG: number,
  H: number,
  keys: Uint32Array,
  sigma: Float64Array,
  phi: Float64Array,
  minF: number,
  maxF: number,
): { latent: Float64Array; factor: Float64Array } {
  const latent = new Float64Array(nG * H);
  const factor = new Float64Array(nG * H);
  for (let g = 0; g < nG; g++) {
    const s = new Substream(keys[2 * g], keys[2 * g + 1]);
    const sg = sigma[g];
    const ph = phi[g];
    const innov = Math.sqrt(1.0 - ph * ph);
    const half = 0.5 * sg * sg;
    let z = normal(s);
    for (let h = 0; h < H; h++) {
      if (h > 0) z = ph * z + innov * normal(s);
      const l = sg * z;
      let f = fm_exp(l - half);
      if (f < minF) f = minF;
      if (f > maxF) f = maxF;
      latent[g * H + h] = l;
      factor[g * H + h] = f;
    }
  }
  return { latent, factor };
}

/** One shard's inputs, exactly what k5bArrivals reads (see its header for the meaning of each). */
export interface ShardInput {
  mCell: Int32Array;
  mId: BigUint64Array;
  mSlice: Int32Array;
  mEdge: Int32Array;
  mSite: Int32Array;
  mEdgeOff: Int32Array;
  blob: Uint32Array;
  edgeBlob: Uint32Array;
  siteCountry: Int32Array;
  siteOrder: Int32Array;
  /** zone of each shard-local edge */ edgeZone: Int32Array;
  /** (zone, shape, overlay) rows shared by the shard's cells: unit intensity = shape × overlay */
  rowZone: Int32Array;
  rowShape: Int32Array;
  rowOverlay: Int32Array;
  cZone: Int32Array;
  cCountry: Int32Array;
  cChannel: Int32Array;
  cRow: Int32Array;
  cGroup: Int32Array;
  cRGroup: Int32Array;
  cPV: Float64Array;
  cV: Float64Array;
  /** one substream key per cell (k0, k1) */ cKey: Uint32Array;
  H: number;
  h0Us: number;
  bucketUs: number;
  /** local-week bucket of local horizon bucket 0 */ week0: number;
  /**
   * Per zone row (rowZone indexes these rows, not the world's zone list) and UTC bucket: the local
   * horizon bucket (lhTab) and the local-week bucket (wkTab = (week0 + lhTab) mod 168, which the
   * kernel reads instead of dividing; weekTabOf makes it).
   */
  shapes: Float64Array;
  lhTab: Int32Array;
  wkTab: Uint8Array;
  overlay: Float64Array;
  latent: Float64Array;
  zoneStart: Int32Array;
  segStart: BigInt64Array;
  segOffset: Int32Array;
  /**
   * Instead of `overlay` and `latent` (then empty): the world's rows (H each, in shared memory) and
   * which of them the shard uses, in its local order; the worker gathers them into wasm memory, so
   * the main thread neither copies nor posts them.
   */
  gather?: { overlay: RowGather<Float64Array>; latent: RowGather<Float64Array>; lhTab: RowGather<Int32Array>; wkTab: RowGather<Uint8Array> };
}

export type RowTable = Float64Array | Int32Array | Uint8Array;

/** Rows (H values each) of a world table in shared memory, by row index in the shard's order. */
export interface RowGather<T extends RowTable = RowTable> {
  src: T;
  rows: Int32Array;
}

/** Rows `rows` of `src` (`width` values each) into `dst`, one after another. */
export function copyRows<T extends RowTable>(dst: T, src: T, rows: Int32Array, width: number): void {
  rows.forEach((r, k) => dst.set(src.subarray(r * width, (r + 1) * width) as ArrayLike<number>, k * width));
}

/** `x` with gathered rows materialised as the dense tables the reference reads. */
export function denseShardInput(x: ShardInput): ShardInput {
  if (!x.gather) return x;
  const dense = <T extends RowTable>(g: RowGather<T>): T => {
    const out = new (g.src.constructor as new (n: number) => T)(Math.max(1, g.rows.length) * x.H);
    copyRows(out, g.src, g.rows, x.H);
    return out;
  };
  const g = x.gather;
  return { ...x, overlay: dense(g.overlay), latent: dense(g.latent), lhTab: dense(g.lhTab), wkTab: dense(g.wkTab), gather: undefined };
}

export interface ShardOutput {
  merchant: BigUint64Array;
  seq: BigUint64Array;
  ts: Float64Array;
  bucket: Int32Array;
  country: Int32Array;
  tz: Int32Array;
  local: Float64Array;
  channel: Int32Array;
  virtual: Uint8Array;
  site: Int32Array;
  /** shard-local edge index, -1 physical */ edge: Int32Array;
  tzOp: Int32Array;
  localOp: Float64Array;
  lambda: Float64Array;
  summary: {
    merchant: BigUint64Array;
    country: Int32Array;
    tz: Int32Array;
    channel: Int32Array;
    bucket: Int32Array;
    n: Int32Array;
    phys: Int32Array;
    virt: Int32Array;
    lambda: Float64Array;
  };
  /** arrivals, summary rows, draws, blocks, cells, unroutable, max cells per merchant */
  stats: number[];
}

function segFrom(zoneStart: Int32Array, segStart: BigInt64Array, z: number, j: number, t: number): number {
  const end = zoneStart[z + 1];
  while (j + 1 < end && Number(segStart[j + 1]) <= t) j++;
  return j;
}

interface Row {
  ts: number;
  bucket: number;
  country: number;
  tz: number;
  local: number;
  channel: number;
  virtual: number;
  site: number;
  edge: number;
  tzOp: number;
  localOp: number;
  lambda: number;
}

/** Unit intensity rows: shape[local week bucket] × overlay[local horizon bucket] per UTC bucket. */
export function unitRowsRef(x: ShardInput): Float64Array {
  const H = x.H;
  const unit = new Float64Array(x.rowZone.length * H);
  for (let r = 0; r < x.rowZone.length; r++) {
    const zb = x.rowZone[r] * H,
      sb = x.rowShape[r] * WEEK,
      prof = x.rowOverlay[r];
    for (let h = 0; h < H; h++) {
      const lh = x.lhTab[zb + h];
      let wb = (x.week0 + lh) % WEEK;
      if (wb < 0) wb += WEEK;
      let ov = 1.0;
      if (prof >= 0 && lh >= 0 && lh < H) ov = x.overlay[prof * H + lh];
      unit[r * H + h] = x.shapes[sb + wb] * ov;
    }
  }
  return unit;
}

/** The local-week bucket of every local horizon bucket in lhTab (ShardInput.wkTab). */
export function weekTabOf(lhTab: Int32Array, week0: number): Uint8Array {
  const out = new Uint8Array(lhTab.length);
  for (let i = 0; i < lhTab.length; i++) out[i] = (((week0 + lhTab[i]) % WEEK) + WEEK) % WEEK;
  return out;
}

export function arrivalsRef(input: ShardInput): ShardOutput {
  const x = denseShardInput(input);
  const rows: (Row & { merchant: bigint; seq: number })[] = [];
  const sum: { merchant: bigint; country: number; tz: number; channel: number; bucket: number; n: number; phys: number; virt: number; lambda: number }[] = [];
  const block = new Uint32Array(4);
  const H = x.H;
  const unit = unitRowsRef(x);
  let draws = 0,
    blocks = 0,
    cells = 0,
    unroutable = 0,
    maxCells = 0;
  const nM = x.mId.length;
  for (let m = 0; m < nM; m++) {
    const c0 = x.mCell[m],
      c1 = x.mCell[m + 1];
    maxCells = Math.max(maxCells, c1 - c0);
    const slice = x.mSlice[m],
      eSlice = x.mEdge[m],
      siteBase = x.mSite[m],
      edgeBase = x.mEdgeOff[m];
    const runs: Row[][] = [];
    for (let c = c0; c < c1; c++) {
      const run: Row[] = [];
      runs.push(run);
      cells++;
      const zone = x.cZone[c],
        country = x.cCountry[c],
        channel = x.cChannel[c];
      const ub = x.cRow[c] * H,
        lb = x.cGroup[c] * H,
        rg = x.cRGroup[c],
        pv = x.cPV[c],
        V = x.cV[c];
      const hybrid = pv > 0.0 && pv < 1.0;
      const k0 = x.cKey[2 * c],
        k1 = x.cKey[2 * c + 1];
      philoxInto(0, 0, 0, 0, k0, k1, block);
      let E = fm_neglog_u01(u01FromWords(block[0], block[1]));
      let k = 0;
      let seg = x.zoneStart[zone];
      for (let h = 0; h < H; h++) {
        const lam = V * unit[ub + h] * x.latent[lb + h];
        if (!(E < lam)) {
          if (lam > 0.0) E -= lam;
          continue;
        }
        // arrivals of bucket h at cumulative positions acc (units of λ) while acc < λ
        const scale = x.bucketUs / lam;
        let acc = E;
        let nb = 0,
          nPhys = 0,
          nVirt = 0;
        const bStart = x.h0Us + h * x.bucketUs;
        do {
          let off = Math.trunc(acc * scale);
          if (off >= x.bucketUs) off = x.bucketUs - 1;
          const ts = bStart + off;
          philoxInto((k + 1) >>> 0, 0, 0, 0, k0, k1, block);
          let u = u01FromWords(block[0], block[1]);
          acc += fm_neglog_u01(u01FromWords(block[2], block[3]));
          let virt = u < pv;
          if (hybrid) {
            u = virt ? u / pv : (u - pv) / (1.0 - pv);
            if (u > U01_MAX) u = U01_MAX;
          }
          if (virt && eSlice < 0) virt = false;
          if (!virt && (slice < 0 || rg < 0)) virt = eSlice >= 0;
          let site = -1,
            ctry = country,
            tzOp = -1,
            eid = -1,
            localOp = 0;
          if (virt) {
            const e = sliceWideRef(x.edgeBlob, eSlice, u);
            eid = edgeBase + e;
            tzOp = x.edgeZone[eid];
            const j = segFrom(x.zoneStart, x.segStart, tzOp, x.zoneStart[tzOp], ts);
            localOp = ts + x.segOffset[j] * 1000000;
            nVirt++;
          } else if (slice >= 0 && rg >= 0) {
            const s = siteOfGroupWords(x.blob, slice, rg, u);
            site = x.siteOrder[siteBase + s];
            ctry = x.siteCountry[siteBase + s];
            nPhys++;
          } else unroutable++;
          seg = segFrom(x.zoneStart, x.segStart, zone, seg, ts);
          run.push({
            ts,
            bucket: h,
            country: ctry,
            tz: zone,
            local: ts + x.segOffset[seg] * 1000000,
            channel,
            virtual: virt ? 1 : 0,
            site,
            edge: eid,
            tzOp,
            localOp,
            lambda: lam,
          });
          k++;
          nb++;
        } while (acc < lam);
        E = acc - lam;
        sum.push({ merchant: x.mId[m], country, tz: zone, channel, bucket: h, n: nb, phys: nPhys, virt: nVirt, lambda: lam });
      }
      draws += 2 * k + 1;
      blocks += k + 1;
    }
    // merge runs by (ts, run index): a stable sort over (ts, run, position) gives the same order
    const merged = runs.flatMap((r, ri) => r.map((row, i) => ({ row, ri, i })));
    merged.sort((a, b) => a.row.ts - b.row.ts || a.ri - b.ri || a.i - b.i);
    merged.forEach((e, i) => rows.push({ ...e.row, merchant: x.mId[m], seq: i + 1 }));
  }
  const n = rows.length;
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  return {
    merchant: BigUint64Array.from(col((r) => r.merchant)),
    seq: BigUint64Array.from(col((r) => BigInt(r.seq))),
    ts: Float64Array.from(col((r) => r.ts)),
    bucket: Int32Array.from(col((r) => r.bucket)),
    country: Int32Array.from(col((r) => r.country)),
    tz: Int32Array.from(col((r) => r.tz)),
    local: Float64Array.from(col((r) => r.local)),
    channel: Int32Array.from(col((r) => r.channel)),
    virtual: Uint8Array.from(col((r) => r.virtual)),
    site: Int32Array.from(col((r) => r.site)),
    edge: Int32Array.from(col((r) => r.edge)),
    tzOp: Int32Array.from(col((r) => r.tzOp)),
    localOp: Float64Array.from(col((r) => r.localOp)),
    lambda: Float64Array.from(col((r) => r.lambda)),
    summary: {
      merchant: BigUint64Array.from(sum, (s) => s.merchant),
      country: Int32Array.from(sum, (s) => s.country),
      tz: Int32Array.from(sum, (s) => s.tz),
      channel: Int32Array.from(sum, (s) => s.channel),
      bucket: Int32Array.from(sum, (s) => s.bucket),
      n: Int32Array.from(sum, (s) => s.n),
      phys: Int32Array.from(sum, (s) => s.phys),
      virt: Int32Array.from(sum, (s) => s.virt),
      lambda: Float64Array.from(sum, (s) => s.lambda),
    },
    stats: [n, sum.length, draws, blocks, cells, unroutable, maxCells],
  };
}
