// 5B's per-row laws over one shard's kernel columns, scanned by the worker that encodes them (the
// part's bytes are hashed from that same encoding): order, bucket law and horizon, routing columns,
// the summary's split, per-bucket counts on both sides for conservation, and the local-time shares
// the realism corridors read. S5 sums the shards and re-reads sampled published parts with DuckDB.
import type { ShardRun } from './shard.js';
import { k5bLaws, k5bLawsMaxH } from '../../kernels/5B.js';
import type { KernelExports } from '../../kernels/index.js';

export interface LawParams {
  H: number;
  h0Us: number;
  bucketUs: number;
  /** ISO days of week (1 = Monday) that count as weekend */
  weekendDays: number[];
  /** local hours [0, nightEnd) count as night */
  nightEnd: number;
}

export interface ShardLaws {
  /** rows out of (merchant, arrival_seq from 1, ts_utc) order */
  order: number;
  /** rows whose bucket_index ≠ floor((ts_utc − start) / bucket), or outside [0, H) */
  bucket: number;
  /** virtual rows without an edge or operational zone, physical rows without a site */
  routing: number;
  /** local times (primary, and operational on virtual rows) whose offset from ts_utc is not whole minutes in [−12 h, +14 h] */
  offset: number;
  /** summary rows with count_N ≠ physical + virtual, or count_N < 1 */
  summarySplit: number;
  /** ts_utc range in µs (NaN when the shard is empty) */
  tsMin: number;
  tsMax: number;
  virtual: number;
  night: number;
  weekend: number;
  /** arrivals per primary local hour 0..23 */
  localHour: number[];
  /** per UTC bucket: arrivals, and Σ count_N of the summary */
  arrivalsPerBucket: Int32Array;
  summaryPerBucket: Int32Array;
}

/** Local hours [0, NIGHT_END_HOUR) are night for the night-share corridor. */
export const NIGHT_END_HOUR = 6;

/** Laws of no rows, to sum shards into. */
export function emptyLaws(H: number): ShardLaws {
  return {
    order: 0,
    bucket: 0,
    routing: 0,
    offset: 0,
    summarySplit: 0,
    tsMin: NaN,
    tsMax: NaN,
    virtual: 0,
    night: 0,
    weekend: 0,
    localHour: new Array<number>(24).fill(0),
    arrivalsPerBucket: new Int32Array(H),
    summaryPerBucket: new Int32Array(H),
  };
}

/** Fold shard laws `b` into `a`. */
export function addLaws(a: ShardLaws, b: ShardLaws): void {
  a.order += b.order;
  a.bucket += b.bucket;
  a.routing += b.routing;
  a.offset += b.offset;
  a.summarySplit += b.summarySplit;
  // NaN marks an empty side
  if (!Number.isNaN(b.tsMin) && !(a.tsMin <= b.tsMin)) a.tsMin = b.tsMin;
  if (!Number.isNaN(b.tsMax) && !(a.tsMax >= b.tsMax)) a.tsMax = b.tsMax;
  a.virtual += b.virtual;
  a.night += b.night;
  a.weekend += b.weekend;
  b.localHour.forEach((x, h) => (a.localHour[h] += x));
  for (let i = 0; i < a.arrivalsPerBucket.length; i++) {
    a.arrivalsPerBucket[i] += b.arrivalsPerBucket[i];
    a.summaryPerBucket[i] += b.summaryPerBucket[i];
  }
}

const TWO32 = 4_294_967_296;
const MINUTE_US = 60_000_000;
const HOUR_US = 3_600_000_000;
const DAY_US = 86_400_000_000;
// every zone's offset lies in [UTC−12, UTC+14]
const OFFSET_MIN = -12 * HOUR_US,
  OFFSET_MAX = 14 * HOUR_US;
const badOffset = (d: number) => d < OFFSET_MIN || d > OFFSET_MAX || Math.floor(d / MINUTE_US) * MINUTE_US !== d;
// u64 columns read as (lo, hi) u32 pairs: no BigInt per row
const words = (c: any) => new Uint32Array(c.buffer, c.byteOffset, c.length * 2);

export function shardLaws(r: ShardRun, p: LawParams): ShardLaws {
  const a = r.arrivals as Record<string, any>;
  const n = r.stats[0];
  const m = words(a.merchant),
    seq = words(a.seq),
    ts = words(a.ts),
    loc = words(a.local),
    locOp = words(a.localOp);
  const bucket = a.bucket as Int32Array,
    virt = a.virtual as Uint8Array,
    site = a.site as Int32Array,
    edge = a.edge as Int32Array,
    tzOp = a.tzOp as Int32Array;
  const weekend = new Uint8Array(8);
  for (const d of p.weekendDays) weekend[d] = 1;
  const localHour = new Array<number>(24).fill(0);
  const perBucket = new Int32Array(p.H);
  let order = 0,
    badBucket = 0,
    routing = 0,
    offset = 0,
    nVirt = 0,
    night = 0,
    wk = 0;
  let tsMin = NaN,
    tsMax = NaN;
  for (let i = 0; i < n; i++) {
    const lo = 2 * i,
      hi = lo + 1;
    // ts_utc is after 1970 and below 2^53 µs: unsigned word order is time order, and exact as a double
    // (read as the i64 it holds, as the wasm twin does)
    const same = i > 0 && m[hi] === m[hi - 2] && m[lo] === m[lo - 2];
    if (i > 0 && !same && (m[hi] < m[hi - 2] || (m[hi] === m[hi - 2] && m[lo] < m[lo - 2]))) order++;
    else if (seq[hi] !== 0 || seq[lo] !== (same ? seq[lo - 2] + 1 : 1)) order++;
    else if (same && (ts[hi] < ts[hi - 2] || (ts[hi] === ts[hi - 2] && ts[lo] < ts[lo - 2]))) order++;
    const t = (ts[hi] | 0) * TWO32 + ts[lo];
    if (i === 0 || t < tsMin) tsMin = t;
    if (i === 0 || t > tsMax) tsMax = t;
    const b = bucket[i];
    // b = floor((t − start) / bucket) and 0 ≤ b < H, as the wasm twin checks it (no division)
    const s0 = p.h0Us + b * p.bucketUs;
    if (b < 0 || b >= p.H || t < s0 || t - s0 >= p.bucketUs) badBucket++;
    else perBucket[b]++;
    if (virt[i] === 1) {
      nVirt++;
      if (edge[i] < 0 || tzOp[i] < 0) routing++;
      // i64 bit patterns: the high word read signed
      if (badOffset((locOp[hi] | 0) * TWO32 + locOp[lo] - t)) offset++;
    } else if (virt[i] !== 0 || site[i] < 1) routing++;
    // local µs since 1970-01-01T00:00 local (a Thursday, ISO day 4)
    const l = (loc[hi] | 0) * TWO32 + loc[lo];
    if (badOffset(l - t) || l < 0) {
      offset++;
      continue;
    }
    const h = Math.floor(l / HOUR_US) % 24;
    localHour[h]++;
    if (h < p.nightEnd) night++;
    if (weekend[((Math.floor(l / DAY_US) + 3) % 7) + 1]) wk++;
  }
  const s = r.summary as Record<string, any>;
  const ns = r.stats[1];
  const sb = s.bucket as Int32Array,
    sn = s.n as Int32Array,
    sp = s.phys as Int32Array,
    sv = s.virt as Int32Array;
  const summaryPerBucket = new Int32Array(p.H);
  let split = 0;
  for (let i = 0; i < ns; i++) {
    if (sn[i] !== sp[i] + sv[i] || sn[i] < 1) split++;
    const b = sb[i];
    if (b >= 0 && b < p.H) summaryPerBucket[b] += sn[i];
    else split++;
  }
  return {
    order,
    bucket: badBucket,
    routing,
    offset,
    summarySplit: split,
    tsMin,
    tsMax,
    virtual: nVirt,
    night,
    weekend: wk,
    localHour,
    arrivalsPerBucket: perBucket,
    summaryPerBucket,
  };
}

/**
 * shardLaws on wasm (assembly/seg5B/laws.ts k5bLaws), for a ShardRun whose columns are views over
 * `ex`'s memory (as execShard returns them); otherwise, or past the kernel's horizon limit, the
 * TypeScript scan above. Same result either way.
 */
export function shardLawsWasm(ex: KernelExports, r: ShardRun, p: LawParams): ShardLaws {
  const a = r.arrivals,
    s = r.summary;
  const mem = ex.memory;
  const cols = [a.merchant, a.seq, a.ts, a.bucket, a.virtual, a.site, a.edge, a.tzOp, a.local, a.localOp, s.bucket, s.n, s.phys, s.virt];
  if (p.H > k5bLawsMaxH.call(ex, {}) || cols.some((c) => c.buffer !== mem.buffer)) return shardLaws(r, p);
  let mask = 0;
  for (const d of p.weekendDays) mask |= 1 << d;
  const out = k5bLaws.call(ex, {
    n: r.stats[0],
    merchant: a.merchant.byteOffset,
    seq: a.seq.byteOffset,
    ts: a.ts.byteOffset,
    bucket: a.bucket.byteOffset,
    virt: a.virtual.byteOffset,
    site: a.site.byteOffset,
    edge: a.edge.byteOffset,
    tzOp: a.tzOp.byteOffset,
    local: a.local.byteOffset,
    localOp: a.localOp.byteOffset,
    ns: r.stats[1],
    sBucket: s.bucket.byteOffset,
    sN: s.n.byteOffset,
    sPhys: s.phys.byteOffset,
    sVirt: s.virt.byteOffset,
    H: p.H,
    h0Us: BigInt(p.h0Us),
    bucketUs: BigInt(p.bucketUs),
    weekendMask: mask,
    nightEnd: p.nightEnd,
  });
  const f = new Float64Array(mem.buffer, out, 40);
  const i32 = new Int32Array(mem.buffer, out + 40 * 8, 2 * p.H);
  return {
    order: f[0],
    bucket: f[1],
    routing: f[2],
    offset: f[3],
    summarySplit: f[4],
    tsMin: f[5],
    tsMax: f[6],
    virtual: f[7],
    night: f[8],
    weekend: f[9],
    localHour: Array.from(f.subarray(16, 40)),
    arrivalsPerBucket: i32.slice(0, p.H),
    summaryPerBucket: i32.slice(p.H),
  };
}
