// The 5B shard task as a pool worker runs it: kernel, then both Parquet parts encoded on the same
// thread, so the arrival columns never cross threads (only the finished file bytes do).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { sha256Hex } from '../../core/hash.js';
import { writeNewFileDirect } from '../../io/direct.js';
import { encodeParquet, type FastColumn, type FastParquetOptions } from '../../io/fastparquet.js';
import { checkFastColumns } from '../../io/fast_contract.js';
import { wasmPageKernel } from '../../io/fastparquet_wasm.js';
import { execShard, type ShardRun } from './shard.js';
import { shardLawsWasm, type LawParams, type ShardLaws } from './laws.js';
import type { KernelExports } from '../../kernels/index.js';
import { taskKind } from '../../pool/tasks.js';

export interface ArrivalTask {
  inputs: Parameters<typeof execShard>[1];
  cap: number;
  maxCells: number;
  /** dictionaries the kernel's codes index, and the partition tokens written as columns */
  enc: { seed: string; manifest_fingerprint: string; scenario_id: string; countries: string[]; zones: string[]; channels: string[]; edges: string[] };
  laws: LawParams;
  /** staged paths (PartStream.stagedPath, io/writer.ts) to write the two parts to here; absent: the bytes go back */
  write?: { arrivals: string; summary: string };
}

export interface ArrivalResult {
  overflow: boolean;
  stats: number[];
  /** the per-row laws over the kernel's columns (src/segments/5B/laws.ts) */
  laws?: ShardLaws;
  /** the parts' bytes, unless the task wrote them (then only their sizes, and any errno code) */
  arrivals?: Uint8Array;
  summary?: Uint8Array;
  arrivalsBytes?: number;
  summaryBytes?: number;
  writeError?: string;
  /** SHA-256 of the two parts, computed here so the main thread does not hash gigabytes */
  arrivalsSha256?: string;
  summarySha256?: string;
  /** worker milliseconds: kernel, arrival encode, summary encode, law scan, hashing (diagnostics only) */
  ms?: number[];
}

// Arrival parts go through our own Parquet encoder (src/io/fastparquet.ts: PLAIN/RLE_DICTIONARY,
// DELTA_BINARY_PACKED for the sorted integer columns, ZSTD pages, statistics), with its page bodies on this
// thread's wasm instance: parquet-wasm took ~10 µs per 17-column row here, the encoder ~50 ns.
/** The seed column and all-zero codes, kept per thread and grown as parts need (constant per world). */
let seedRun: { seed: string; values: BigUint64Array } | undefined;
let zeros = new Uint8Array(0);

function constants(n: number, e: ArrivalTask['enc']): FastColumn[] {
  if (!seedRun || seedRun.seed !== e.seed || seedRun.values.length < n)
    seedRun = { seed: e.seed, values: new BigUint64Array(Math.max(n, seedRun?.values.length ?? 0)).fill(BigInt(e.seed)) };
  if (zeros.length < n) zeros = new Uint8Array(n);
  const zero = zeros.subarray(0, n);
  return [
    // constant columns: delta pages of all-zero deltas are a few bytes, PLAIN would be 8 B/row
    { name: 'seed', type: 'i64', values: seedRun.values.subarray(0, n), encoding: 'delta' },
    { name: 'manifest_fingerprint', type: 'dict', values: zero, dict: [e.manifest_fingerprint] },
    { name: 'scenario_id', type: 'dict', values: zero, dict: [e.scenario_id] },
  ];
}

/** Encode a part of dataset `id` after checking its columns against the contract (no Arrow schema here to do it). */
function encodeChecked(id: string, cols: FastColumn[], n: number, opts: FastParquetOptions): Uint8Array {
  checkFastColumns(id, cols);
  return encodeParquet(cols, n, opts);
}

/** Columns in the dictionary's order (contracts/datasets/5B.yaml), checked before encoding. */
export function encodeArrivals(r: ShardRun, e: ArrivalTask['enc'], opts: FastParquetOptions = {}): Uint8Array {
  const a = r.arrivals as Record<string, any>;
  const n = r.stats[0];
  const valid = a.virtual as Uint8Array;
  const phys = new Uint8Array(n);
  for (let i = 0; i < n; i++) phys[i] = valid[i] ^ 1;
  return encodeChecked(
    'arrival_events_5B',
    [
      ...constants(n, e),
      { name: 'merchant_id', type: 'i64', values: a.merchant, encoding: 'delta' },
      { name: 'arrival_seq', type: 'i64', values: a.seq, encoding: 'delta' },
      { name: 'ts_utc', type: 'ts_utc_us', values: a.ts, encoding: 'delta' },
      { name: 'bucket_index', type: 'i32', values: a.bucket, encoding: 'delta' },
      { name: 'legal_country_iso', type: 'dict', values: a.country, dict: e.countries },
      { name: 'tzid_primary', type: 'dict', values: a.tz, dict: e.zones },
      { name: 'ts_local_primary', type: 'ts_local_us', values: a.local, encoding: 'delta' },
      { name: 'channel_group', type: 'dict', values: a.channel, dict: e.channels },
      { name: 'is_virtual', type: 'bool', values: valid },
      { name: 'site_order', type: 'i32', values: a.site, valid: phys, nullable: true, encoding: 'delta' },
      { name: 'edge_id', type: 'dict', values: a.edge, dict: e.edges.length ? e.edges : [''], valid, nullable: true },
      { name: 'tzid_operational', type: 'dict', values: a.tzOp, dict: e.zones, valid, nullable: true },
      { name: 'ts_local_operational', type: 'ts_local_us', values: a.localOp, valid, nullable: true, encoding: 'delta' },
      { name: 'lambda_realised', type: 'f64', values: a.lambda },
    ],
    n,
    opts,
  );
}

export function encodeSummary(r: ShardRun, e: ArrivalTask['enc'], opts: FastParquetOptions = {}): Uint8Array {
  const s = r.summary as Record<string, any>;
  const n = r.stats[1];
  return encodeChecked(
    's4_arrival_summary_5B',
    [
      ...constants(n, e),
      { name: 'merchant_id', type: 'i64', values: s.merchant, encoding: 'delta' },
      { name: 'legal_country_iso', type: 'dict', values: s.country, dict: e.countries },
      { name: 'zone_representation', type: 'dict', values: s.tz, dict: e.zones },
      { name: 'channel_group', type: 'dict', values: s.channel, dict: e.channels },
      { name: 'bucket_index', type: 'i32', values: s.bucket, encoding: 'delta' },
      { name: 'count_N', type: 'i32', values: s.n, encoding: 'delta' },
      { name: 'count_physical', type: 'i32', values: s.phys, encoding: 'delta' },
      { name: 'count_virtual', type: 'i32', values: s.virt, encoding: 'delta' },
      { name: 'lambda_realised', type: 'f64', values: s.lambda },
    ],
    n,
    opts,
  );
}

/**
 * The shard task. With `write` it resolves once both parts are on disk: the wasm work is all done
 * before the first await, so the pool may start this thread's next shard while the write proceeds.
 */
export function runArrivalTask(ex: KernelExports, t: ArrivalTask): ArrivalResult | Promise<ArrivalResult> {
  const t0 = performance.now();
  const r = execShard(ex, t.inputs, t.cap, t.maxCells);
  if (r.overflow) return { overflow: true, stats: r.stats };
  const t1 = performance.now();
  const opts = { pages: wasmPageKernel(ex) };
  const arrivals = encodeArrivals(r, t.enc, opts);
  const t2 = performance.now();
  const summary = encodeSummary(r, t.enc, opts);
  const t3 = performance.now();
  const laws = shardLawsWasm(ex, r, t.laws);
  const t4 = performance.now();
  const arrivalsSha256 = sha256Hex(arrivals),
    summarySha256 = sha256Hex(summary);
  const out = { overflow: false, stats: r.stats, laws, arrivalsSha256, summarySha256, arrivalsBytes: arrivals.length, summaryBytes: summary.length };
  const t5 = performance.now();
  const ms = [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4];
  if (!t.write) return { ...out, arrivals, summary, ms };
  // written from here, the parts never cross to the main thread (whose GC churned on them)
  const w = t.write;
  return (async () => {
    try {
      // the stream's commit fsyncs them before the partition is published; direct I/O keeps
      // them out of the page cache (src/io/direct.ts)
      await writeNewFileDirect(w.arrivals, arrivals);
      await writeNewFileDirect(w.summary, summary);
      return { ...out, ms };
    } catch (e) {
      return { ...out, writeError: (e as NodeJS.ErrnoException).code ?? String(e), ms };
    }
  })();
}

/** The shard as a pool task kind; the two parts go back transferred, not cloned (hundreds of MB per worker at large). */
export const arrivals5BKind = taskKind<ArrivalTask, ArrivalResult>('arrivals5B', (t, ex) => {
  const moved = (r: ArrivalResult) => {
    const buffers = [...new Set([r.arrivals?.buffer, r.summary?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
    return move({
      get [transferableSymbol]() {
        return buffers;
      },
      get [valueSymbol]() {
        return r;
      },
    });
  };
  const r = runArrivalTask(ex, t);
  return r instanceof Promise ? r.then(moved) : moved(r);
});
