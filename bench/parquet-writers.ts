/**
 * parquet-wasm vs DuckDB (@duckdb/node-api) writing the same Arrow data to
 * Parquet, plus the type / determinism / memory facts needed to choose one.
 * Results and the decision are recorded in bench/README.md.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/parquet-writers.js [flags]
 *   npx --yes tsx@4 bench/parquet-writers.ts [flags]
 *
 * Flags:
 *   --rows N          rows in the benchmark table (default 2,000,000)
 *   --facts-rows N    rows for the type/determinism/memory checks (default 300,000)
 *   --only a,b        run only these scenarios (names below); 'facts' is one of them
 *   --no-facts        skip the checks
 *   --out DIR         scratch dir for .parquet files (default $TMPDIR/fraudworld-parquet-bench)
 *   --json FILE       also write all results as JSON (e.g. bench/results/parquet-writers.json)
 *   --reps N          child processes per scenario, median reported (default 3)
 *   --no-concurrent   skip 'pw-zstd x<ncpu> processes' (one writer per core at once)
 *   --no-warmup       time cold processes (default: one untimed 131,072-row write first)
 *   --keep            keep the scratch .parquet files
 *
 * Every scenario runs in its own child process (same node + loader flags) so
 * peak RSS (getrusage maxRSS) and parquet-wasm's never-shrinking linear memory
 * are measured per scenario, not accumulated.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import {
  DuckDBAppender,
  DuckDBBooleanType,
  DuckDBBooleanVector,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDoubleType,
  DuckDBDoubleVector,
  DuckDBInstance,
  DuckDBIntegerType,
  DuckDBIntegerVector,
  DuckDBTimestampTZType,
  DuckDBTimestampTZValue,
  DuckDBTimestampTZVector,
  DuckDBTimestampType,
  DuckDBTimestampValue,
  DuckDBTimestampVector,
  DuckDBUBigIntType,
  DuckDBUBigIntVector,
  DuckDBVarCharType,
  DuckDBVarCharVector,
  version as duckdbVersion,
} from '@duckdb/node-api';
import {
  parquetWasmMemoryBytes,
  parquetWriterProperties,
  readParquetToArrow,
  writeParquet,
  writeParquetFromIpc,
  PARQUET_CREATED_BY,
} from '../src/io/parquet.js';
import { encodeParquet, parquetParts, ready, sliceColumns, type FastColumn } from '../src/io/fastparquet.js';
import { KernelPool } from '../src/pool/pool.js';
import { wasmPageKernel } from '../src/io/fastparquet_wasm.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { ARRIVAL_ARROW_BYTES_PER_ROW, arrivalColumns, arrivalsArrowTable } from './arrivals_table.js';

// ---------------------------------------------------------------------------
// Deterministic synthetic table
// ---------------------------------------------------------------------------

const CHANNELS = ['card_present', 'ecom', 'moto', 'atm'] as const;
const T0_US = 1_735_689_600_000_000; // 2025-01-01T00:00:00Z in microseconds
const SPAN_US = 30 * 86_400_000_000; // 30 days
const TWO32 = 4_294_967_296;

const channelType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8());
const SCHEMA = new arrow.Schema([
  new arrow.Field('merchant_id', new arrow.Uint64(), false),
  new arrow.Field('arrival_seq', new arrow.Uint64(), false),
  new arrow.Field('ts_utc', new arrow.TimestampMicrosecond('UTC'), false),
  new arrow.Field('ts_local', new arrow.TimestampMicrosecond(), false),
  new arrow.Field('site_id', new arrow.Int32(), false),
  new arrow.Field('amount', new arrow.Float64(), false),
  new arrow.Field('channel', channelType, false),
  new arrow.Field('is_fraud', new arrow.Bool(), false),
]);

/** Arrow buffer bytes per row of SCHEMA (no validity bitmaps: no nulls). */
const ARROW_BYTES_PER_ROW = 8 + 8 + 8 + 8 + 4 + 8 + 1 + 1 / 8;

const DUCKDB_DDL = `CREATE TABLE t (
  merchant_id UBIGINT, arrival_seq UBIGINT, ts_utc TIMESTAMPTZ, ts_local TIMESTAMP,
  site_id INTEGER, amount DOUBLE, channel VARCHAR, is_fraud BOOLEAN)`;

/**
 * Rows are a pure function of (seed, global row index) — batching never
 * changes the data, only how it is chunked into Arrow record batches.
 * merchant_id uses the full uint64 range (high word has its top bit set for
 * ~half the merchants) so a signed/unsigned mix-up is visible.
 */
export function buildTable(rows: number, seed = 42, batchRows = 65_536): arrow.Table {
  const dictionary = arrow.makeVector(arrow.vectorFromArray([...CHANNELS], new arrow.Utf8()).data[0]);
  const step = Math.max(1, Math.floor(SPAN_US / Math.max(rows, 1)));
  const batches: arrow.RecordBatch[] = [];
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start);
    const merchant = new BigUint64Array(n);
    const seq = new BigUint64Array(n);
    const tsUtc = new BigInt64Array(n);
    const tsLocal = new BigInt64Array(n);
    const site = new Int32Array(n);
    const amount = new Float64Array(n);
    const channel = new Int8Array(n);
    const fraud = new Uint8Array(Math.ceil(n / 8));
    // 32-bit views: write u64/i64 as (lo, hi) without BigInt in the hot loop.
    const m32 = new Uint32Array(merchant.buffer);
    const s32 = new Uint32Array(seq.buffer);
    const u32 = new Uint32Array(tsUtc.buffer);
    const l32 = new Uint32Array(tsLocal.buffer);
    for (let j = 0; j < n; j++) {
      const i = start + j;
      // per-row LCG stream seeded from (seed, i): order-independent
      let s = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35)) >>> 0;
      const next = (): number => {
        s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
        return ((s ^ (s >>> 15)) >>> 0) / TWO32;
      };
      const m = 1 + Math.floor(next() * 50_000);
      m32[2 * j] = m;
      m32[2 * j + 1] = Math.imul(m, 0x9e3779b1) >>> 0;
      s32[2 * j] = i >>> 0;
      s32[2 * j + 1] = Math.floor(i / TWO32);
      const ts = T0_US + i * step + Math.floor(next() * step);
      u32[2 * j] = ts >>> 0;
      u32[2 * j + 1] = Math.floor(ts / TWO32);
      const st = Math.floor(next() * 20_000);
      site[j] = st;
      const local = ts + ((st % 27) - 12) * 3_600_000_000;
      l32[2 * j] = local >>> 0;
      l32[2 * j + 1] = Math.floor(local / TWO32);
      amount[j] = Math.round(100 * Math.exp(next() * 8)) / 100;
      const c = next();
      channel[j] = c < 0.55 ? 0 : c < 0.9 ? 1 : c < 0.97 ? 2 : 3;
      if (next() < 0.01) fraud[j >> 3] |= 1 << (j & 7);
    }
    const f = SCHEMA.fields;
    const children = [
      arrow.makeData({ type: f[0].type as arrow.Uint64, length: n, nullCount: 0, data: merchant }),
      arrow.makeData({ type: f[1].type as arrow.Uint64, length: n, nullCount: 0, data: seq }),
      arrow.makeData({ type: f[2].type as arrow.TimestampMicrosecond, length: n, nullCount: 0, data: tsUtc }),
      arrow.makeData({ type: f[3].type as arrow.TimestampMicrosecond, length: n, nullCount: 0, data: tsLocal }),
      arrow.makeData({ type: f[4].type as arrow.Int32, length: n, nullCount: 0, data: site }),
      arrow.makeData({ type: f[5].type as arrow.Float64, length: n, nullCount: 0, data: amount }),
      arrow.makeData({ type: channelType, length: n, nullCount: 0, data: channel, dictionary }),
      arrow.makeData({ type: f[7].type as arrow.Bool, length: n, nullCount: 0, data: fraud }),
    ];
    const struct = arrow.makeData({ type: new arrow.Struct(SCHEMA.fields), length: n, nullCount: 0, children });
    batches.push(new arrow.RecordBatch(SCHEMA, struct));
  }
  return new arrow.Table(SCHEMA, batches);
}

// ---------------------------------------------------------------------------
// DuckDB ingest helpers
// ---------------------------------------------------------------------------

interface BatchCols {
  n: number;
  merchant: BigUint64Array;
  seq: BigUint64Array;
  tsUtc: BigInt64Array;
  tsLocal: BigInt64Array;
  site: Int32Array;
  amount: Float64Array;
  channel: Int8Array;
  fraud: Uint8Array;
}

function batchCols(b: arrow.RecordBatch): BatchCols {
  const c = b.data.children;
  for (const d of c) if (d.offset !== 0) throw new Error('sliced batches not supported here');
  return {
    n: b.numRows,
    merchant: c[0].values as BigUint64Array,
    seq: c[1].values as BigUint64Array,
    tsUtc: c[2].values as BigInt64Array,
    tsLocal: c[3].values as BigInt64Array,
    site: c[4].values as Int32Array,
    amount: c[5].values as Float64Array,
    channel: c[6].values as Int8Array,
    fraud: c[7].values as Uint8Array,
  };
}

/** Row-at-a-time DuckDBAppender: 8 append calls + endRow per row. */
async function appendRows(conn: DuckDBConnection, table: arrow.Table): Promise<void> {
  const app: DuckDBAppender = await conn.createAppender('t');
  for (const b of table.batches) {
    const c = batchCols(b);
    for (let j = 0; j < c.n; j++) {
      app.appendUBigInt(c.merchant[j]);
      app.appendUBigInt(c.seq[j]);
      app.appendTimestampTZ(new DuckDBTimestampTZValue(c.tsUtc[j]));
      app.appendTimestamp(new DuckDBTimestampValue(c.tsLocal[j]));
      app.appendInteger(c.site[j]);
      app.appendDouble(c.amount[j]);
      app.appendVarchar(CHANNELS[c.channel[j]]);
      app.appendBoolean((c.fraud[j >> 3] & (1 << (j & 7))) !== 0);
      app.endRow();
    }
  }
  app.closeSync();
}

const CHUNK_TYPES = [
  DuckDBUBigIntType.instance,
  DuckDBUBigIntType.instance,
  DuckDBTimestampTZType.instance,
  DuckDBTimestampType.instance,
  DuckDBIntegerType.instance,
  DuckDBDoubleType.instance,
  DuckDBVarCharType.instance,
  DuckDBBooleanType.instance,
];

/** Column-at-a-time: fill a DuckDBDataChunk (<=2048 rows) and appendDataChunk. */
async function appendChunks(conn: DuckDBConnection, table: arrow.Table): Promise<void> {
  const app = await conn.createAppender('t');
  let chunk: DuckDBDataChunk | null = null;
  let chunkRows = -1;
  for (const b of table.batches) {
    const c = batchCols(b);
    for (let off = 0; off < c.n; off += 2048) {
      const n = Math.min(2048, c.n - off);
      if (n !== chunkRows) {
        chunk = DuckDBDataChunk.create(CHUNK_TYPES, n);
        chunkRows = n;
      }
      const ch = chunk as DuckDBDataChunk;
      const v0 = ch.getColumnVector(0) as DuckDBUBigIntVector;
      const v1 = ch.getColumnVector(1) as DuckDBUBigIntVector;
      const v2 = ch.getColumnVector(2) as DuckDBTimestampTZVector;
      const v3 = ch.getColumnVector(3) as DuckDBTimestampVector;
      const v4 = ch.getColumnVector(4) as DuckDBIntegerVector;
      const v5 = ch.getColumnVector(5) as DuckDBDoubleVector;
      const v6 = ch.getColumnVector(6) as DuckDBVarCharVector;
      const v7 = ch.getColumnVector(7) as DuckDBBooleanVector;
      for (let k = 0; k < n; k++) {
        const j = off + k;
        v0.setItem(k, c.merchant[j]);
        v1.setItem(k, c.seq[j]);
        v2.setItem(k, new DuckDBTimestampTZValue(c.tsUtc[j]));
        v3.setItem(k, new DuckDBTimestampValue(c.tsLocal[j]));
        v4.setItem(k, c.site[j]);
        v5.setItem(k, c.amount[j]);
        v6.setItem(k, CHANNELS[c.channel[j]]);
        v7.setItem(k, (c.fraud[j >> 3] & (1 << (j & 7))) !== 0);
      }
      v0.flush();
      v1.flush();
      v2.flush();
      v3.flush();
      v4.flush();
      v5.flush();
      v6.flush();
      v7.flush();
      app.appendDataChunk(ch);
    }
  }
  app.closeSync();
}

/** Same columns/types/cardinalities as buildTable, generated inside DuckDB. */
function syntheticSelect(rows: number): string {
  const step = Math.max(1, Math.floor(SPAN_US / Math.max(rows, 1)));
  return `
    WITH g AS (
      SELECT i, (hash(i) % 50000 + 1) AS m, (hash(i + 1) % 20000)::INTEGER AS site,
             ${T0_US}::BIGINT + i * ${step} + (hash(i + 2) % ${step})::BIGINT AS us
      FROM range(${rows}) r(i))
    SELECT
      ((hash(m) & 18446744069414584320::UBIGINT) | m)::UBIGINT AS merchant_id,
      i::UBIGINT AS arrival_seq,
      make_timestamp(us)::TIMESTAMPTZ AS ts_utc,
      make_timestamp(us + ((site % 27) - 12) * 3600000000::BIGINT) AS ts_local,
      site AS site_id,
      round(exp((hash(i + 3) % 1000000) / 1e6 * 8) * 100) / 100 AS amount,
      CASE WHEN hash(i + 4) % 100 < 55 THEN 'card_present' WHEN hash(i + 4) % 100 < 90 THEN 'ecom'
           WHEN hash(i + 4) % 100 < 97 THEN 'moto' ELSE 'atm' END AS channel,
      hash(i + 5) % 100 = 0 AS is_fraud
    FROM g`;
}

async function openDuck(threads: number): Promise<{ db: DuckDBInstance; conn: DuckDBConnection }> {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await db.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return { db, conn };
}

const sqlStr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

async function copyTo(conn: DuckDBConnection, from: string, file: string, extra = ''): Promise<void> {
  await conn.run(`COPY ${from} TO ${sqlStr(file)} (FORMAT parquet, COMPRESSION zstd${extra})`);
}

async function rowGroups(conn: DuckDBConnection, file: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata(${sqlStr(file)})`);
  return Number(r.getRowsJS()[0][0]);
}

// ---------------------------------------------------------------------------
// Measurement plumbing
// ---------------------------------------------------------------------------

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fileSha = (f: string): string => sha256(fs.readFileSync(f));

/** Samples rss every 20 ms while the event loop is free (async DuckDB work). */
class RssSampler {
  peak = process.memoryUsage().rss;
  private timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 20);
  }
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

interface ScenarioResult {
  scenario: string;
  rows: number;
  /** Named phase timings in seconds; `total` is what rows/s is computed from. */
  phases: Record<string, number>;
  total_s: number;
  /** user+system CPU seconds of the whole process (all threads) over the timed phases. */
  cpu_s?: number;
  /** epoch ms at start/end of the timed region (for concurrent runs). */
  t_start?: number;
  t_end?: number;
  file_bytes: number;
  files: number;
  row_groups?: number;
  rss_base_mb: number;
  rss_peak_mb: number;
  wasm_mb?: number;
  notes?: string[];
  sha256?: string;
  facts?: unknown;
  /** Arrow bytes per row of the scenario's table (default ARROW_BYTES_PER_ROW). */
  arrow_bytes_per_row?: number;
}

const nowMs = (): number => performance.timeOrigin + performance.now();
const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

async function pwRowGroups(bytes: Uint8Array): Promise<number> {
  const f = await pq.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const md = f.metadata();
  const n = md.numRowGroups();
  md.free();
  f.free();
  return n;
}

const WARMUP_ROWS = 131_072;
const warmupEnabled = (): boolean => !process.argv.includes('--no-warmup');

/**
 * Untimed small write first, so the timed run measures a warm worker (wasm
 * tiered up / JIT'd), which is what a long-lived pool worker sees.
 */
function pwWarmup(): void {
  if (warmupEnabled()) writeParquet(buildTable(WARMUP_ROWS, 1));
}

async function duckWarmup(conn: DuckDBConnection, dir: string, mode: 'rows' | 'chunks' | 'sql'): Promise<void> {
  if (!warmupEnabled()) return;
  const f = path.join(dir, `warmup-${process.pid}.parquet`);
  if (mode === 'sql') {
    await copyTo(conn, `(${syntheticSelect(WARMUP_ROWS)})`, f);
  } else {
    await conn.run(DUCKDB_DDL);
    const w = buildTable(WARMUP_ROWS, 1);
    await (mode === 'rows' ? appendRows(conn, w) : appendChunks(conn, w));
    await copyTo(conn, 't', f);
    await conn.run('DROP TABLE t');
  }
  fs.rmSync(f, { force: true });
}

function timed<T>(phases: Record<string, number>, name: string, fn: () => T): T {
  const t = performance.now();
  const r = fn();
  phases[name] = (phases[name] ?? 0) + (performance.now() - t) / 1000;
  return r;
}

async function timedAsync<T>(phases: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  phases[name] = (phases[name] ?? 0) + (performance.now() - t) / 1000;
  return r;
}

// ---------------------------------------------------------------------------
// Scenarios (each runs in a fresh child process)
// ---------------------------------------------------------------------------

type Scenario = (rows: number, dir: string) => Promise<ScenarioResult>;

function pwWhole(compression: 'zstd' | 'snappy'): Scenario {
  return async (rows, dir) => {
    const table = buildTable(rows);
    pwWarmup();
    const base = process.memoryUsage().rss;
    const phases: Record<string, number> = {};
    const t_start = nowMs();
    const cpu0 = cpuNow();
    const bytes = timed(phases, 'writeParquet', () => writeParquet(table, { compression }));
    const file = path.join(dir, `pw-${compression}-${process.pid}.parquet`);
    timed(phases, 'fs.write', () => fs.writeFileSync(file, bytes));
    const cpu_s = cpuNow() - cpu0;
    const t_end = nowMs();
    const total = phases.writeParquet + phases['fs.write'];
    const wasm_mb = parquetWasmMemoryBytes() / MiB;
    return {
      scenario: `pw-${compression}`,
      rows,
      phases,
      total_s: total,
      cpu_s,
      t_start,
      t_end,
      file_bytes: bytes.byteLength,
      files: 1,
      row_groups: await pwRowGroups(bytes),
      rss_base_mb: base / MiB,
      rss_peak_mb: process.resourceUsage().maxRSS / 1024,
      wasm_mb,
      sha256: sha256(bytes),
    };
  };
}

/** Conversion breakdown: where writeParquet's time goes (not a writer option). */
const pwBreakdown: Scenario = async (rows) => {
  const table = buildTable(rows);
  pwWarmup();
  const base = process.memoryUsage().rss;
  const phases: Record<string, number> = {};
  const cpu0 = cpuNow();
  const ipc = timed(phases, 'tableToIPC', () => arrow.tableToIPC(table, 'stream'));
  const wt = timed(phases, 'fromIPCStream', () => pq.Table.fromIPCStream(ipc));
  const bytes = timed(phases, 'pq.writeParquet', () => pq.writeParquet(wt, parquetWriterProperties({ compression: 'zstd' })));
  const cpu_s = cpuNow() - cpu0;
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  return {
    scenario: 'pw-zstd-breakdown',
    rows,
    phases,
    total_s: total,
    cpu_s,
    file_bytes: bytes.byteLength,
    files: 1,
    rss_base_mb: base / MiB,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    wasm_mb: parquetWasmMemoryBytes() / MiB,
  };
};

/** One writeParquet call (and one file) per 1M-row slice. */
const pwSlices: Scenario = async (rows, dir) => {
  const table = buildTable(rows);
  pwWarmup();
  const base = process.memoryUsage().rss;
  const phases: Record<string, number> = {};
  const slice = 1_048_576;
  let bytesTotal = 0;
  let files = 0;
  const wasm: number[] = [];
  const cpu0 = cpuNow();
  for (let off = 0; off < rows; off += slice) {
    const part = table.slice(off, Math.min(rows, off + slice));
    const bytes = timed(phases, 'writeParquet', () => writeParquet(part, { compression: 'zstd' }));
    timed(phases, 'fs.write', () => fs.writeFileSync(path.join(dir, `pw-slice-${files}.parquet`), bytes));
    bytesTotal += bytes.byteLength;
    files++;
    wasm.push(Math.round(parquetWasmMemoryBytes() / MiB));
  }
  const cpu_s = cpuNow() - cpu0;
  const wasm_mb = parquetWasmMemoryBytes() / MiB;
  let rg = 0;
  for (let i = 0; i < files; i++) rg += await pwRowGroups(fs.readFileSync(path.join(dir, `pw-slice-${i}.parquet`)));
  return {
    scenario: 'pw-zstd-slices-1M',
    rows,
    phases,
    total_s: phases.writeParquet + phases['fs.write'],
    cpu_s,
    file_bytes: bytesTotal,
    files,
    row_groups: rg,
    rss_base_mb: base / MiB,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    wasm_mb,
    notes: [`wasm MiB after each slice: ${wasm.join(', ')}`],
  };
};

/** One file, fed to pq.transformParquetStream as 1M-row wasm record batches. */
const pwStream: Scenario = async (rows, dir) => {
  const table = buildTable(rows);
  pwWarmup();
  const base = process.memoryUsage().rss;
  const phases: Record<string, number> = {};
  const slice = 1_048_576;
  let off = 0;
  const t0 = performance.now();
  const cpu0 = cpuNow();
  const input = new ReadableStream<pq.RecordBatch>({
    pull(ctrl) {
      if (off >= rows) {
        ctrl.close();
        return;
      }
      const part = table.slice(off, Math.min(rows, off + slice));
      off += slice;
      const wt = pq.Table.fromIPCStream(arrow.tableToIPC(part, 'stream'));
      for (const rb of wt.recordBatches()) ctrl.enqueue(rb);
      wt.free();
    },
  });
  const file = path.join(dir, 'pw-stream.parquet');
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  const hash = createHash('sha256');
  const out = await pq.transformParquetStream(input, parquetWriterProperties({ compression: 'zstd' }));
  const reader = (out as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    fs.writeSync(fd, value);
    hash.update(value);
    bytes += value.byteLength;
  }
  fs.closeSync(fd);
  phases.stream = (performance.now() - t0) / 1000;
  const cpu_s = cpuNow() - cpu0;
  const wasm_mb = parquetWasmMemoryBytes() / MiB;
  const rg = await pwRowGroups(fs.readFileSync(file));
  return {
    scenario: 'pw-zstd-stream-1M',
    rows,
    phases,
    total_s: phases.stream,
    cpu_s,
    file_bytes: bytes,
    files: 1,
    row_groups: rg,
    rss_base_mb: base / MiB,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    wasm_mb,
    sha256: hash.digest('hex'),
  };
};

function duckAppender(mode: 'rows' | 'chunks'): Scenario {
  return async (rows, dir) => {
    const table = buildTable(rows);
    const base = process.memoryUsage().rss;
    const sampler = new RssSampler();
    const phases: Record<string, number> = {};
    const threads = os.cpus().length;
    const { db, conn } = await openDuck(threads);
    await duckWarmup(conn, dir, mode);
    await conn.run(DUCKDB_DDL);
    const cpu0 = cpuNow();
    await timedAsync(phases, 'append', () => (mode === 'rows' ? appendRows(conn, table) : appendChunks(conn, table)));
    sampler.sample();
    const file = path.join(dir, `duck-${mode}.parquet`);
    await timedAsync(phases, 'COPY', () => copyTo(conn, 't', file));
    const cpu_s = cpuNow() - cpu0;
    const size = fs.statSync(file).size;
    const rg = await rowGroups(conn, file);
    sampler.stop();
    const notes = [`threads=${threads}`];
    // determinism of COPY from the same table: threads=N twice more, then threads=1 twice
    if (mode === 'chunks') {
      const shas: Record<string, string[]> = { [`threads=${threads}`]: [fileSha(file)] };
      for (let k = 0; k < 2; k++) {
        const f = path.join(dir, `duck-det-${k}.parquet`);
        await copyTo(conn, 't', f);
        shas[`threads=${threads}`].push(fileSha(f));
      }
      await conn.run('SET threads = 1');
      shas['threads=1'] = [];
      for (let k = 0; k < 2; k++) {
        const f = path.join(dir, `duck-det1-${k}.parquet`);
        const t = performance.now();
        const c = cpuNow();
        await copyTo(conn, 't', f);
        if (k === 0) {
          notes.push(`COPY with threads=1: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${(cpuNow() - c).toFixed(2)} CPU-s`);
        }
        shas['threads=1'].push(fileSha(f));
      }
      for (const [k, v] of Object.entries(shas)) {
        notes.push(`COPY same table ${k} x${v.length}: ${new Set(v).size === 1 ? 'identical' : 'DIFFERENT'} bytes`);
      }
      notes.push(`threads=1 vs threads=${threads}: ${shas['threads=1'][0] === shas[`threads=${threads}`][0] ? 'identical' : 'different'}`);
    }
    conn.closeSync();
    db.closeSync();
    return {
      scenario: `duck-appender-${mode}`,
      rows,
      phases,
      total_s: phases.append + phases.COPY,
      cpu_s,
      file_bytes: size,
      files: 1,
      row_groups: rg,
      rss_base_mb: base / MiB,
      rss_peak_mb: process.resourceUsage().maxRSS / 1024,
      notes,
      sha256: fileSha(file),
    };
  };
}

/** DuckDB generating an equal-width table itself: the same-machine ceiling. */
const duckSql: Scenario = async (rows, dir) => {
  const base = process.memoryUsage().rss;
  const sampler = new RssSampler();
  const phases: Record<string, number> = {};
  const threads = os.cpus().length;
  const { db, conn } = await openDuck(threads);
  await duckWarmup(conn, dir, 'sql');
  const file = path.join(dir, 'duck-sql.parquet');
  const cpu0 = cpuNow();
  await timedAsync(phases, 'COPY(SELECT)', () => copyTo(conn, `(${syntheticSelect(rows)})`, file));
  const cpu_s = cpuNow() - cpu0;
  const size = fs.statSync(file).size;
  const sha = fileSha(file);
  const again = path.join(dir, 'duck-sql-2.parquet');
  await copyTo(conn, `(${syntheticSelect(rows)})`, again);
  const rg = await rowGroups(conn, file);
  // materialised table -> COPY, comparable to the appender scenarios' COPY phase
  await timedAsync(phases, 'CTAS', () => conn.run(`CREATE TABLE s AS ${syntheticSelect(rows)}`));
  const f2 = path.join(dir, 'duck-sql-table.parquet');
  await timedAsync(phases, 'COPY(table)', () => copyTo(conn, 's', f2));
  sampler.stop();
  conn.closeSync();
  db.closeSync();
  return {
    scenario: 'duck-sql-synthetic',
    rows,
    phases,
    total_s: phases['COPY(SELECT)'],
    cpu_s,
    file_bytes: size,
    files: 1,
    row_groups: rg,
    rss_base_mb: base / MiB,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    sha256: sha,
    notes: [
      `threads=${threads}`,
      `COPY(SELECT) twice: ${sha === fileSha(again) ? 'identical' : 'DIFFERENT'} bytes`,
      `COPY(table) size ${(fs.statSync(f2).size / MiB).toFixed(1)} MiB`,
    ],
  };
};

// ---------------------------------------------------------------------------
// Facts: types, round trip, determinism, wasm memory
// ---------------------------------------------------------------------------

const facts: Scenario = async (rows, dir) => {
  const out: Record<string, unknown> = {};
  const wasm: Record<string, number> = { start: parquetWasmMemoryBytes() / MiB };
  const t = buildTable(rows);
  const a = writeParquet(t);
  wasm['after table 1'] = parquetWasmMemoryBytes() / MiB;
  const b = writeParquet(t);
  wasm['after table 2'] = parquetWasmMemoryBytes() / MiB;
  const t3 = buildTable(rows, 7); // different data, same size
  const c3 = writeParquet(t3);
  wasm['after table 3'] = parquetWasmMemoryBytes() / MiB;
  const big = t.concat(t3, t);
  writeParquet(big);
  wasm['after 3x-size table'] = parquetWasmMemoryBytes() / MiB;
  writeParquet(buildTable(1000));
  wasm['after 1k-row table'] = parquetWasmMemoryBytes() / MiB;
  void c3;
  out.wasm_memory_mib = wasm;
  out.arrow_mib_per_table = (rows * ARROW_BYTES_PER_ROW) / MiB;

  const det: Record<string, boolean | string> = {};
  det['pw same table twice'] = sha256(a) === sha256(b);
  det['pw one record batch vs 65,536-row batches'] = sha256(writeParquet(buildTable(rows, 42, rows))) === sha256(a);
  det['pw 4,096-row batches (multiple of 1024)'] = sha256(writeParquet(buildTable(rows, 42, 4096))) === sha256(a);
  det['pw 10,000-row batches (NOT multiple of 1024)'] = sha256(writeParquet(buildTable(rows, 42, 10_000))) === sha256(a);
  det['pw rowGroupSize 102,400: one batch vs 4,096-row batches'] =
    sha256(writeParquet(buildTable(rows, 42, rows), { rowGroupSize: 102_400 })) === sha256(writeParquet(buildTable(rows, 42, 4096), { rowGroupSize: 102_400 }));
  det['pw sha256'] = sha256(a);
  out.determinism = det;

  // Arrow round trip through parquet-wasm's own reader
  const back = readParquetToArrow(a);
  const rt: Record<string, boolean | string> = { schema: String(back.schema.fields.map((f) => `${f.name}:${f.type}`)) };
  rt['schema identical'] = back.schema.fields.every((f, i) => String(f.type) === String(SCHEMA.fields[i].type) && f.name === SCHEMA.fields[i].name);
  for (const f of SCHEMA.fields) {
    const x = t.getChild(f.name)!;
    const y = back.getChild(f.name)!;
    let same = x.length === y.length;
    if (same && (f.name === 'channel' || f.name === 'is_fraud')) {
      for (let i = 0; i < x.length && same; i++) same = x.get(i) === y.get(i);
    } else if (same) {
      const xa = x.toArray() as ArrayLike<unknown>;
      const ya = y.toArray() as ArrayLike<unknown>;
      for (let i = 0; i < xa.length && same; i++) same = xa[i] === ya[i];
    }
    rt[`values ${f.name}`] = same;
  }
  out.arrow_roundtrip = rt;

  // What non-Arrow readers see, via DuckDB; and DuckDB's own output of the same rows
  const pwFile = path.join(dir, 'facts-pw.parquet');
  fs.writeFileSync(pwFile, a);
  const { db, conn } = await openDuck(os.cpus().length);
  await conn.run(DUCKDB_DDL);
  await appendChunks(conn, t);
  const duckFile = path.join(dir, 'facts-duck.parquet');
  await copyTo(conn, 't', duckFile);
  const schemaOf = async (file: string): Promise<Record<string, string>> => {
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlStr(file)})`)).getRowObjectsJS();
    const ps = (
      await conn.runAndReadAll(`SELECT name, type, converted_type, logical_type FROM parquet_schema(${sqlStr(file)}) WHERE type IS NOT NULL`)
    ).getRowObjectsJS();
    const r: Record<string, string> = {};
    for (const d of desc) {
      const p = ps.find((x) => x.name === d.column_name);
      const lt = String(p?.logical_type ?? '')
        .replace(/unit=TimeUnit\(.*MICROS=MicroSeconds\(\).*\)\)/, 'unit=MICROS)')
        .replace('bitWidth=@', 'bitWidth=64');
      r[String(d.column_name)] = `${d.column_type} <- ${p?.type}/${p?.converted_type ?? '-'}/${lt || '-'}`;
    }
    return r;
  };
  out.duckdb_view_of_pw = await schemaOf(pwFile);
  out.duckdb_view_of_duck = await schemaOf(duckFile);
  const meta = async (file: string): Promise<unknown> =>
    (
      await conn.runAndReadAll(
        `SELECT created_by, num_rows::BIGINT AS num_rows, num_row_groups::BIGINT AS row_groups FROM parquet_file_metadata(${sqlStr(file)})`,
      )
    ).getRowObjectsJson()[0];
  const enc = async (file: string): Promise<Record<string, string>> => {
    const rs = (
      await conn.runAndReadAll(
        `SELECT path_in_schema AS c, string_agg(DISTINCT encodings, ' | ') AS e, string_agg(DISTINCT compression, ',') AS z
       FROM parquet_metadata(${sqlStr(file)}) GROUP BY ALL ORDER BY min(column_id)`,
      )
    ).getRowObjectsJS();
    return Object.fromEntries(rs.map((r) => [String(r.c), `${r.e} [${r.z}]`]));
  };
  out.encodings_pw = await enc(pwFile);
  out.encodings_duck = await enc(duckFile);
  out.meta_pw = await meta(pwFile);
  out.meta_duck = await meta(duckFile);
  out.kv_pw = (await conn.runAndReadAll(`SELECT decode(key) AS key FROM parquet_kv_metadata(${sqlStr(pwFile)})`)).getRowsJS().map((r) => r[0]);
  const diff = async (x: string, y: string): Promise<number> =>
    Number(
      (
        await conn.runAndReadAll(`SELECT count(*) FROM (SELECT * FROM read_parquet(${sqlStr(x)}) EXCEPT ALL SELECT * FROM read_parquet(${sqlStr(y)}))`)
      ).getRowsJS()[0][0],
    );
  out['rows in pw not in duck'] = await diff(pwFile, duckFile);
  out['rows in duck not in pw'] = await diff(duckFile, pwFile);
  out['max merchant_id (pw file)'] = String((await conn.runAndReadAll(`SELECT max(merchant_id) FROM read_parquet(${sqlStr(pwFile)})`)).getRowsJS()[0][0]);
  out['max merchant_id (arrow)'] = String((t.getChild('merchant_id')!.toArray() as BigUint64Array).reduce((m, v) => (v > m ? v : m), 0n));
  conn.closeSync();
  db.closeSync();
  return {
    scenario: 'facts',
    rows,
    phases: {},
    total_s: 0,
    file_bytes: a.byteLength,
    files: 1,
    rss_base_mb: 0,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
    facts: out,
    sha256: sha256(a),
  };
};

// ---------------------------------------------------------------------------
// arrivals: segment 5B's arrival_events_5B schema (14 columns, 4 nullable),
// typed columns -> Parquet part files of <= 1,048,576 rows, every writer fed
// from the same typed arrays (bench/arrivals_table.ts).
// ---------------------------------------------------------------------------

const PART = 1_048_576;

/** parquet-wasm properties for the arrivals table: `tuned` = dictionary only for the string columns, no statistics. */
function arrivalsProps(compression: 'zstd' | 'snappy' | 'uncompressed', tuned: boolean, cols: FastColumn[]): pq.WriterProperties {
  const codec = { zstd: pq.Compression.ZSTD, snappy: pq.Compression.SNAPPY, uncompressed: pq.Compression.UNCOMPRESSED }[compression];
  let b = new pq.WriterPropertiesBuilder()
    .setCreatedBy(PARQUET_CREATED_BY)
    .setWriterVersion(pq.WriterVersion.V1)
    .setCompression(codec)
    .setMaxRowGroupSize(PART)
    .setWriteBatchSize(1024);
  if (tuned) {
    b = b.setDictionaryEnabled(false).setStatisticsEnabled(pq.EnabledStatistics.None);
    for (const c of cols) if (c.type === 'dict') b = b.setColumnDictionaryEnabled(c.name, true);
  } else {
    b = b.setDictionaryEnabled(true).setStatisticsEnabled(pq.EnabledStatistics.Page);
  }
  return b.build();
}

/** The engine's parquet-wasm path: per part, Arrow table -> IPC (main thread) -> fromIPCStream + writeParquet (worker). */
/** The timed span of an arrivals scenario: part files are counted and hashed as they come (none are kept). */
class ArrivalRun {
  readonly base = process.memoryUsage().rss;
  readonly phases: Record<string, number> = {};
  readonly t_start = nowMs();
  private readonly cpu0 = cpuNow();
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private files = 0;
  add(part: Uint8Array): void {
    this.bytes += part.byteLength;
    this.hash.update(part);
    this.files++;
  }
  private stopped?: { cpu_s: number; t_end: number };
  /** End the timed span (result() ends it too, if not yet). */
  stop(): void {
    this.stopped ??= { cpu_s: cpuNow() - this.cpu0, t_end: nowMs() };
  }
  result(scenario: string, rows: number, extra: Partial<ScenarioResult> = {}): ScenarioResult {
    this.stop();
    const { cpu_s, t_end } = this.stopped!;
    return {
      scenario,
      rows,
      phases: this.phases,
      total_s: (t_end - this.t_start) / 1000,
      cpu_s,
      t_start: this.t_start,
      t_end,
      file_bytes: this.bytes,
      files: this.files,
      row_groups: this.files,
      rss_base_mb: this.base / MiB,
      rss_peak_mb: process.resourceUsage().maxRSS / 1024,
      sha256: this.hash.digest('hex'),
      arrow_bytes_per_row: ARRIVAL_ARROW_BYTES_PER_ROW,
      ...extra,
    };
  }
}

function arrivalsPw(compression: 'zstd' | 'snappy' | 'uncompressed', tuned: boolean): Scenario {
  const name = `arrivals-pw-${tuned ? 'tuned-' : ''}${compression}`;
  return async (rows) => {
    const cols = arrivalColumns(rows);
    const write = (cs: FastColumn[], n: number, phases: Record<string, number>) => {
      const ipc = timed(phases, 'arrow+IPC', () => arrow.tableToIPC(arrivalsArrowTable(cs, n), 'stream'));
      return timed(phases, 'writeParquet', () => {
        if (!tuned && compression !== 'uncompressed') return writeParquetFromIpc(ipc, { compression });
        return pq.writeParquet(pq.Table.fromIPCStream(ipc), arrivalsProps(compression, tuned, cs));
      });
    };
    if (warmupEnabled()) write(sliceColumns(cols, 0, Math.min(rows, WARMUP_ROWS)), Math.min(rows, WARMUP_ROWS), {});
    const run = new ArrivalRun();
    for (let a = 0; a < rows; a += PART) {
      const b = Math.min(rows, a + PART);
      run.add(write(sliceColumns(cols, a, b), b - a, run.phases));
    }
    return run.result(name, rows, { wasm_mb: parquetWasmMemoryBytes() / MiB });
  };
}

/** The integer columns that compress well under DELTA_BINARY_PACKED (sorted / runs / slowly changing). */
export const ARRIVAL_DELTA_COLUMNS = ['merchant_id', 'arrival_seq', 'ts_utc', 'bucket_index', 'ts_local_primary', 'site_id', 'edge_id', 'ts_local_operational'];

/** src/io/fastparquet.ts on this thread, part by part (ZSTD pages, statistics); `wasm`: page bodies and statistics on assembly/io/parquet.ts (same bytes). */
const arrivalsFast =
  (delta: boolean, wasm = false): Scenario =>
  async (rows) => {
    await ready();
    const cols = arrivalColumns(rows).map((c) => (delta && ARRIVAL_DELTA_COLUMNS.includes(c.name) ? { ...c, encoding: 'delta' as const } : c));
    const opts = wasm ? { pages: wasmPageKernel(instantiateKernelsSync()) } : {};
    if (warmupEnabled()) for (let k = 0; k < 3; k++) encodeParquet(sliceColumns(cols, 0, Math.min(rows, WARMUP_ROWS)), Math.min(rows, WARMUP_ROWS), opts);
    const run = new ArrivalRun();
    const t = performance.now();
    for (const p of parquetParts(cols, rows, PART, opts)) run.add(p.bytes);
    run.phases.encodeParquet = (performance.now() - t) / 1000;
    return run.result(`${delta ? 'arrivals-fast-delta' : 'arrivals-fast'}${wasm ? '-wasm' : ''}`, rows);
  };

/** Columns copied into SharedArrayBuffers (what a 5B kernel's outputs are). */
function sharedCopy(cols: FastColumn[]): FastColumn[] {
  const sh = <T extends ArrayBufferView>(v: T): T => {
    const buf = new SharedArrayBuffer(Math.max(8, v.byteLength));
    new Uint8Array(buf).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return new (v.constructor as new (b: SharedArrayBuffer) => T)(buf);
  };
  return cols.map((c) => ({ ...c, values: sh(c.values), ...(c.valid ? { valid: sh(c.valid) } : {}) }));
}

/** KernelPool.encodeParquet with 2 workers: shared columns in, part bytes back (needs `npm run build`). */
const arrivalsFastPool: Scenario = async (rows) => {
  const cols = sharedCopy(arrivalColumns(rows));
  const pool = new KernelPool(2);
  const parts = [];
  for (let a = 0; a < rows; a += PART) parts.push([a, Math.min(rows, a + PART)]);
  // warm both workers
  const w = Math.min(rows, WARMUP_ROWS);
  if (warmupEnabled()) for (let k = 0; k < 3; k++) await Promise.all([0, 1].map(() => pool.encodeParquet(sliceColumns(cols, 0, w), w)));
  const run = new ArrivalRun();
  const outs = await Promise.all(parts.map(([a, b]) => pool.encodeParquet(sliceColumns(cols, a, b), b - a)));
  run.stop(); // the pool's encode alone: hashing and closing stay outside the timed span
  await pool.close();
  for (const o of outs) run.add(o);
  const r = run.result('arrivals-fast-pool2', rows);
  r.phases['pool.encodeParquet'] = r.total_s;
  return r;
};

const SCENARIOS: Record<string, Scenario> = {
  'pw-zstd': pwWhole('zstd'),
  'pw-snappy': pwWhole('snappy'),
  'pw-zstd-breakdown': pwBreakdown,
  'pw-zstd-slices-1M': pwSlices,
  'pw-zstd-stream-1M': pwStream,
  'duck-appender-rows': duckAppender('rows'),
  'duck-appender-chunks': duckAppender('chunks'),
  'duck-sql-synthetic': duckSql,
  facts,
  'arrivals-pw-zstd': arrivalsPw('zstd', false),
  'arrivals-pw-snappy': arrivalsPw('snappy', false),
  'arrivals-pw-tuned-snappy': arrivalsPw('snappy', true),
  'arrivals-pw-tuned-uncompressed': arrivalsPw('uncompressed', true),
  'arrivals-fast': arrivalsFast(false),
  'arrivals-fast-delta': arrivalsFast(true),
  'arrivals-fast-delta-wasm': arrivalsFast(true, true),
  'arrivals-fast-pool2': arrivalsFastPool,
};

/** Scenarios also run as one process per core at once (aggregate throughput). */
const CONCURRENT = new Set(['pw-zstd', 'arrivals-pw-zstd', 'arrivals-pw-tuned-snappy', 'arrivals-fast', 'arrivals-fast-delta']);

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(name);

const RESULT_PREFIX = '@@RESULT ';
const passThrough = (): string[] => (flag('--no-warmup') ? ['--no-warmup'] : []);

async function child(name: string): Promise<void> {
  const rows = Number(arg('--rows'));
  const dir = arg('--out') as string;
  const res = await SCENARIOS[name](rows, dir);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(res)}\n`);
}

function runChild(name: string, rows: number, dir: string): ScenarioResult {
  const args = [...process.execArgv, process.argv[1], '--child', name, '--rows', String(rows), '--out', dir, ...passThrough()];
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * MiB });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.status !== 0 || !line) {
    throw new Error(`scenario ${name} failed (status ${r.status}):\n${r.stdout}`);
  }
  const res = JSON.parse(line.slice(RESULT_PREFIX.length)) as ScenarioResult;
  process.stderr.write(`  ${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s wall (incl. table build)\n`);
  return res;
}

/**
 * `k` processes each running `name` at the same time: aggregate throughput of
 * one writer per core (how a worker pool would use parquet-wasm). Time is from
 * the first write start to the last write end.
 */
async function runConcurrent(name: string, k: number, rows: number, dir: string): Promise<ScenarioResult> {
  const args = [...process.execArgv, process.argv[1], '--child', name, '--rows', String(rows), '--out', dir, ...passThrough()];
  const one = (): Promise<ScenarioResult> =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      p.on('error', reject);
      p.on('close', (code) => {
        const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
        if (code !== 0 || !line) reject(new Error(`concurrent ${name} failed (${code})`));
        else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ScenarioResult);
      });
    });
  const rs = await Promise.all(Array.from({ length: k }, one));
  const start = Math.min(...rs.map((r) => r.t_start ?? NaN));
  const end = Math.max(...rs.map((r) => r.t_end ?? NaN));
  const skew = Math.max(...rs.map((r) => r.t_start ?? NaN)) - start;
  process.stderr.write(`  ${name} x${k} concurrent: done\n`);
  return {
    scenario: `${name} x${k} processes`,
    rows: rows * k,
    phases: Object.fromEntries(rs.map((r, i) => [`p${i}`, r.total_s])),
    total_s: (end - start) / 1000,
    cpu_s: rs.reduce((a, r) => a + (r.cpu_s ?? 0), 0),
    file_bytes: rs.reduce((a, r) => a + r.file_bytes, 0),
    files: k,
    row_groups: rs.reduce((a, r) => a + (r.row_groups ?? 0), 0),
    rss_base_mb: Math.max(...rs.map((r) => r.rss_base_mb)),
    rss_peak_mb: Math.max(...rs.map((r) => r.rss_peak_mb)),
    wasm_mb: Math.max(...rs.map((r) => r.wasm_mb ?? 0)),
    notes: [`${rows.toLocaleString('en-US')} rows per process; write starts within ${skew.toFixed(0)} ms; RSS/wasm are per process`],
  };
}

const fmt = (x: number, d = 1): string => x.toFixed(d);

interface Aggregate {
  median: ScenarioResult;
  min_s: number;
  max_s: number;
  reps: number;
  rss_peak_max_mb: number;
  /** sha256 equal across the separate processes (reps), when the scenario reports one. */
  same_bytes_across_processes?: boolean;
}

function aggregate(runs: ScenarioResult[]): Aggregate {
  const sorted = [...runs].sort((x, y) => x.total_s - y.total_s);
  const shas = runs.map((r) => r.sha256).filter((x): x is string => x !== undefined);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    min_s: sorted[0].total_s,
    max_s: sorted[sorted.length - 1].total_s,
    reps: runs.length,
    rss_peak_max_mb: Math.max(...runs.map((r) => r.rss_peak_mb)),
    same_bytes_across_processes: shas.length > 1 ? new Set(shas).size === 1 : undefined,
  };
}

function report(aggs: Aggregate[]): string {
  const lines = [
    '| scenario | time s, median (min-max) | phases s (median run) | CPU-s | Mrows/s | Arrow MB/s | file MiB (files) | row groups | peak RSS MiB (base) | wasm MiB |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const g of aggs) {
    const r = g.median;
    const ph = Object.entries(r.phases)
      .map(([k, v]) => `${k} ${fmt(v, 2)}`)
      .join(', ');
    const mbps = (r.rows * (r.arrow_bytes_per_row ?? ARROW_BYTES_PER_ROW)) / 1e6 / r.total_s;
    lines.push(
      `| ${r.scenario} | ${fmt(r.total_s, 2)} (${fmt(g.min_s, 2)}-${fmt(g.max_s, 2)}) | ${ph} | ` +
        `${r.cpu_s === undefined ? '-' : fmt(r.cpu_s, 2)} | ${fmt(r.rows / r.total_s / 1e6, 2)} | ` +
        `${fmt(mbps, 0)} | ${fmt(r.file_bytes / MiB)} (${r.files}) | ${r.row_groups ?? '-'} | ${fmt(g.rss_peak_max_mb, 0)} (${fmt(r.rss_base_mb, 0)}) | ` +
        `${r.wasm_mb === undefined ? '-' : fmt(r.wasm_mb, 0)} |`,
    );
  }
  for (const g of aggs) {
    for (const n of g.median.notes ?? []) lines.push(`- ${g.median.scenario}: ${n}`);
    if (g.same_bytes_across_processes !== undefined) {
      lines.push(`- ${g.median.scenario}: output bytes across ${g.reps} processes: ${g.same_bytes_across_processes ? 'identical' : 'DIFFERENT'}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const childName = arg('--child');
  if (childName) return child(childName);

  const rows = Number(arg('--rows') ?? 2_000_000);
  const factsRows = Number(arg('--facts-rows') ?? 300_000);
  const reps = Number(arg('--reps') ?? 3);
  const dir = arg('--out') ?? path.join(os.tmpdir(), 'fraudworld-parquet-bench');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const only = arg('--only')?.split(',');
  let names = Object.keys(SCENARIOS);
  if (only) names = names.filter((n) => only.includes(n));
  if (flag('--no-facts')) names = names.filter((n) => n !== 'facts');

  console.log(
    `# parquet writers: node ${process.version}, parquet-wasm 0.8.0, DuckDB ${duckdbVersion()}, ` +
      `${os.cpus().length} cpu (${os.cpus()[0]?.model ?? '?'}), rows=${rows.toLocaleString('en-US')}, reps=${reps}, ` +
      `Arrow bytes/row=${ARROW_BYTES_PER_ROW}`,
  );
  const benchNames = names.filter((n) => n !== 'facts');
  const ncpu = os.cpus().length;
  const concurrent = ncpu > 1 && !flag('--no-concurrent');
  const runs: Record<string, ScenarioResult[]> = {};
  // interleave reps so drift (thermal, page cache) spreads over all scenarios
  for (let k = 0; k < reps; k++) {
    for (const name of benchNames) {
      (runs[name] ??= []).push(runChild(name, rows, dir));
      if (CONCURRENT.has(name) && concurrent) {
        (runs[`${name}-concurrent`] ??= []).push(await runConcurrent(name, ncpu, rows, dir));
      }
    }
  }
  const aggs = Object.keys(runs).map((n) => aggregate(runs[n]));
  let factsOut: Record<string, unknown> | undefined;
  if (names.includes('facts')) {
    const f1 = runChild('facts', factsRows, dir);
    const f2 = runChild('facts', factsRows, dir); // a second process: same bytes?
    factsOut = f1.facts as Record<string, unknown>;
    factsOut['pw identical across 2 processes'] = f1.sha256 === f2.sha256;
  }
  console.log(report(aggs));
  if (factsOut) console.log(`\n## facts (rows=${factsRows.toLocaleString('en-US')})\n` + JSON.stringify(factsOut, null, 2));
  const jsonOut = arg('--json');
  if (jsonOut) {
    fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
    fs.writeFileSync(jsonOut, JSON.stringify({ rows, reps, duckdb: duckdbVersion(), node: process.version, aggregates: aggs, runs, facts: factsOut }, null, 2));
  }
  if (!flag('--keep')) fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
