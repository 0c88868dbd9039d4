// The 5B shard task as a pool worker runs it: kernel, then both Parquet parts encoded on the same
// thread, so the arrival columns never cross threads (only the finished file bytes do).
import { sha256Hex } from '../core/hash.js';
import { encodeParquet, type FastColumn } from '../io/fastparquet.js';
import { execShard, type ShardRun } from './shard.js';

export interface ArrivalTask {
  inputs: Parameters<typeof execShard>[1];
  cap: number;
  maxCells: number;
  /** dictionaries the kernel's codes index, and the partition tokens written as columns */
  enc: { seed: string; manifest_fingerprint: string; scenario_id: string; countries: string[]; zones: string[]; channels: string[]; edges: string[] };
}

export interface ArrivalResult {
  overflow: boolean;
  stats: number[];
  /** rows out of (merchant, arrival_seq from 1, ts_utc) order, from a scan of the kernel's columns */
  orderViolations?: number;
  arrivals?: Uint8Array;
  summary?: Uint8Array;
  /** SHA-256 of the two parts, computed here so the main thread does not hash gigabytes */
  arrivalsSha256?: string;
  summarySha256?: string;
  /** worker milliseconds: kernel, arrival encode, summary encode, order scan (diagnostics only) */
  ms?: number[];
}

// Arrival parts go through our own Parquet encoder (src/io/fastparquet.ts: PLAIN/RLE_DICTIONARY,
// DELTA_BINARY_PACKED for the sorted integer columns, no compression): parquet-wasm took ~10 µs per 17-column row here, the encoder a fraction of that.
function constants(n: number, e: ArrivalTask['enc']): FastColumn[] {
  const zero = new Uint8Array(n);
  return [
    { name: 'seed', type: 'u64', values: new BigUint64Array(n).fill(BigInt(e.seed)) },
    { name: 'manifest_fingerprint', type: 'dict', values: zero, dict: [e.manifest_fingerprint] },
    { name: 'scenario_id', type: 'dict', values: zero, dict: [e.scenario_id] },
  ];
}

/** Columns in the dictionary's order (contracts/datasets/5B.yaml). */
export function encodeArrivals(r: ShardRun, e: ArrivalTask['enc']): Uint8Array {
  const a = r.arrivals as Record<string, any>;
  const n = r.stats[0];
  const valid = a.virtual as Uint8Array;
  const phys = new Uint8Array(n);
  for (let i = 0; i < n; i++) phys[i] = valid[i] ^ 1;
  return encodeParquet([
    ...constants(n, e),
    { name: 'merchant_id', type: 'u64', values: a.merchant, encoding: 'delta' },
    { name: 'arrival_seq', type: 'u64', values: a.seq, encoding: 'delta' },
    { name: 'ts_utc', type: 'ts_utc_us', values: a.ts, encoding: 'delta' },
    { name: 'bucket_index', type: 'i32', values: a.bucket, encoding: 'delta' },
    { name: 'legal_country_iso', type: 'dict', values: a.country, dict: e.countries },
    { name: 'tzid_primary', type: 'dict', values: a.tz, dict: e.zones },
    { name: 'ts_local_primary', type: 'ts_local_us', values: a.local, encoding: 'delta' },
    { name: 'channel_group', type: 'dict', values: a.channel, dict: e.channels },
    { name: 'is_virtual', type: 'bool', values: valid },
    { name: 'site_order', type: 'i32', values: a.site, valid: phys, nullable: true },
    { name: 'edge_id', type: 'dict', values: a.edge, dict: e.edges.length ? e.edges : [''], valid, nullable: true },
    { name: 'tzid_operational', type: 'dict', values: a.tzOp, dict: e.zones, valid, nullable: true },
    { name: 'ts_local_operational', type: 'ts_local_us', values: a.localOp, valid, nullable: true },
    { name: 'lambda_realised', type: 'f64', values: a.lambda },
  ], n);
}

export function encodeSummary(r: ShardRun, e: ArrivalTask['enc']): Uint8Array {
  const s = r.summary as Record<string, any>;
  const n = r.stats[1];
  return encodeParquet([
    ...constants(n, e),
    { name: 'merchant_id', type: 'u64', values: s.merchant, encoding: 'delta' },
    { name: 'legal_country_iso', type: 'dict', values: s.country, dict: e.countries },
    { name: 'zone_representation', type: 'dict', values: s.tz, dict: e.zones },
    { name: 'channel_group', type: 'dict', values: s.channel, dict: e.channels },
    { name: 'bucket_index', type: 'i32', values: s.bucket, encoding: 'delta' },
    { name: 'count_N', type: 'i32', values: s.n },
    { name: 'count_physical', type: 'i32', values: s.phys },
    { name: 'count_virtual', type: 'i32', values: s.virt },
    { name: 'lambda_realised', type: 'f64', values: s.lambda },
  ], n);
}

/** Rows that break the published order: merchant non-decreasing, arrival_seq 1, 2, … per merchant, ts_utc non-decreasing. */
export function orderViolations(r: ShardRun): number {
  // u64 columns read as (lo, hi) u32 pairs: no BigInt per row. ts_utc is positive (after 1970), so
  // unsigned word order is time order; arrival_seq stays far below 2^32 within one merchant.
  const w = (c: any) => new Uint32Array(c.buffer, c.byteOffset, c.length * 2);
  const a = r.arrivals as Record<string, any>;
  const m = w(a.merchant), seq = w(a.seq), ts = w(a.ts);
  const n = r.stats[0];
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const lo = 2 * i, hi = lo + 1;
    const same = i > 0 && m[hi] === m[hi - 2] && m[lo] === m[lo - 2];
    if (i > 0 && !same && (m[hi] < m[hi - 2] || (m[hi] === m[hi - 2] && m[lo] < m[lo - 2]))) bad++;
    else if (seq[hi] !== 0 || seq[lo] !== (same ? seq[lo - 2] + 1 : 1)) bad++;
    else if (same && (ts[hi] < ts[hi - 2] || (ts[hi] === ts[hi - 2] && ts[lo] < ts[lo - 2]))) bad++;
  }
  return bad;
}

export function runArrivalTask(ex: Record<string, any>, t: ArrivalTask): ArrivalResult {
  const t0 = performance.now();
  const r = execShard(ex, t.inputs, t.cap, t.maxCells);
  if (r.overflow) return { overflow: true, stats: r.stats };
  const t1 = performance.now();
  const arrivals = encodeArrivals(r, t.enc);
  const t2 = performance.now();
  const summary = encodeSummary(r, t.enc);
  const t3 = performance.now();
  const bad = orderViolations(r);
  return { overflow: false, stats: r.stats, orderViolations: bad, arrivals, summary, arrivalsSha256: sha256Hex(arrivals), summarySha256: sha256Hex(summary), ms: [t1 - t0, t2 - t1, t3 - t2, performance.now() - t3] };
}
