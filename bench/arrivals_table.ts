/**
 * A deterministic synthetic table shaped like segment 5B's arrival_events_5B (for
 * bench/parquet-writers.ts `arrivals-*` scenarios and the fastparquet tests):
 * rows sorted by merchant then time, merchant_id in long runs (mean ~1,300 rows,
 * full 64-bit range), ts_utc increasing within a merchant, 250 countries, 400
 * tzids, 3 channel groups, ~10 % virtual merchants (site_id present iff not
 * virtual; edge_id / tzid_operational / ts_local_operational present iff virtual).
 */
import * as arrow from 'apache-arrow';
import type { FastColumn } from '../src/io/fastparquet.js';

const TWO32 = 4_294_967_296;
const T0_US = 1_735_689_600_000_000; // 2025-01-01T00:00:00Z
const HOUR_US = 3_600_000_000;

export const COUNTRIES = Array.from({ length: 250 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
export const TZIDS = Array.from({ length: 400 }, (_, i) => `Zone/City_${String(i).padStart(3, '0')}`);
export const CHANNELS = ['card_present', 'card_not_present', 'mixed'];

/** Arrow-equivalent bytes per row (values + validity bitmaps, Int32 dictionary codes as the engine builds them). */
export const ARRIVAL_ARROW_BYTES_PER_ROW = 8 + 8 + 8 + 4 + 4 + 4 + 8 + 4 + 1 / 8 + 8 + 8 + 4 + 8 + 8 + 4 / 8;

function setI64(w: Uint32Array, j: number, v: number): void {
  // v is an integer with |v| < 2^53
  const lo = v >>> 0;
  const hi = Math.floor(v / TWO32);
  w[2 * j] = lo;
  w[2 * j + 1] = hi >>> 0;
}

export function arrivalColumns(rows: number, seed = 7): FastColumn[] {
  let s = (0x9e3779b9 ^ Math.imul(seed, 0x85ebca6b)) | 1;
  // xorshift32
  const r01 = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / TWO32;
  };
  const merchant = new BigUint64Array(rows),
    m32 = new Uint32Array(merchant.buffer);
  const seq = new BigUint64Array(rows),
    q32 = new Uint32Array(seq.buffer);
  const tsUtc = new BigInt64Array(rows),
    t32 = new Uint32Array(tsUtc.buffer);
  const bucket = new Int32Array(rows);
  const country = new Int32Array(rows);
  const tz = new Int32Array(rows);
  const tsLocal = new BigInt64Array(rows),
    l32 = new Uint32Array(tsLocal.buffer);
  const channel = new Int32Array(rows);
  const virt = new Uint8Array(rows);
  const site = new BigUint64Array(rows),
    s32 = new Uint32Array(site.buffer);
  const siteValid = new Uint8Array(rows);
  const edge = new BigUint64Array(rows),
    e32 = new Uint32Array(edge.buffer);
  const edgeValid = new Uint8Array(rows);
  const tzOp = new Int32Array(rows);
  const tzOpValid = new Uint8Array(rows);
  const tsOp = new BigInt64Array(rows),
    o32 = new Uint32Array(tsOp.buffer);
  const lambda = new Float64Array(rows);
  let m = 0;
  let i = 0;
  while (i < rows) {
    m++;
    const run = Math.min(rows - i, 1 + Math.floor(r01() * r01() * 4000));
    const c = Math.floor(r01() * 250);
    const tzBase = Math.floor(r01() * 400);
    const multiTz = r01() < 0.2;
    const isVirtual = r01() < 0.1 ? 1 : 0;
    const ch = Math.floor(r01() * 3);
    const sites = 1 + Math.floor(r01() * 50);
    const lam = 0.5 + r01() * 20;
    let ts = T0_US + Math.floor(r01() * 86_400_000_000);
    for (let k = 0; k < run; k++, i++) {
      m32[2 * i] = m;
      m32[2 * i + 1] = Math.imul(m, 0x9e3779b1) >>> 0;
      setI64(q32, i, k);
      ts += 1 + Math.floor(r01() * 600_000_000);
      setI64(t32, i, ts);
      bucket[i] = Math.floor((ts - T0_US) / HOUR_US);
      country[i] = c;
      const st = Math.floor(r01() * sites);
      const z = multiTz ? (tzBase + (st % 3)) % 400 : tzBase;
      tz[i] = z;
      setI64(l32, i, ts + ((z % 27) - 12) * HOUR_US);
      channel[i] = ch;
      virt[i] = isVirtual;
      if (isVirtual) {
        edgeValid[i] = 1;
        setI64(e32, i, m * 64 + st);
        tzOpValid[i] = 1;
        const zo = Math.floor(r01() * 400);
        tzOp[i] = zo;
        setI64(o32, i, ts + ((zo % 27) - 12) * HOUR_US);
      } else {
        siteValid[i] = 1;
        setI64(s32, i, m * 1000 + st);
      }
      lambda[i] = lam * (0.5 + r01());
    }
  }
  return [
    { name: 'merchant_id', type: 'u64', values: merchant },
    { name: 'arrival_seq', type: 'u64', values: seq },
    { name: 'ts_utc', type: 'ts_utc_us', values: tsUtc },
    { name: 'bucket_index', type: 'i32', values: bucket },
    { name: 'legal_country_iso', type: 'dict', values: country, dict: COUNTRIES },
    { name: 'tzid_primary', type: 'dict', values: tz, dict: TZIDS },
    { name: 'ts_local_primary', type: 'ts_local_us', values: tsLocal },
    { name: 'channel_group', type: 'dict', values: channel, dict: CHANNELS },
    { name: 'is_virtual', type: 'bool', values: virt },
    { name: 'site_id', type: 'u64', values: site, valid: siteValid, nullable: true },
    { name: 'edge_id', type: 'u64', values: edge, valid: edgeValid, nullable: true },
    { name: 'tzid_operational', type: 'dict', values: tzOp, dict: TZIDS, valid: tzOpValid, nullable: true },
    { name: 'ts_local_operational', type: 'ts_local_us', values: tsOp, valid: tzOpValid, nullable: true },
    { name: 'lambda_realised', type: 'f64', values: lambda },
  ];
}

function packBits(v: Uint8Array): Uint8Array {
  const out = new Uint8Array((v.length + 7) >> 3);
  for (let i = 0; i < v.length; i++) if (v[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/**
 * The same columns as an Arrow table the way src/io/tables.ts builds one
 * (Dictionary<Int32, Utf8> for strings, packed validity) — the input to the
 * parquet-wasm path. One record batch.
 */
export function arrivalsArrowTable(cols: FastColumn[], rows: number): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  for (const c of cols) {
    const nulls = c.valid ? { nullBitmap: packBits(c.valid), nullCount: c.valid.length - c.valid.reduce((a, b) => a + b, 0) } : {};
    let data: arrow.Data;
    switch (c.type) {
      case 'dict':
        data = arrow.makeData({
          type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
          length: rows,
          data: c.values as Int32Array,
          dictionary: arrow.vectorFromArray([...c.dict!], new arrow.Utf8()),
          ...nulls,
        });
        break;
      case 'bool':
        data = arrow.makeData({ type: new arrow.Bool(), length: rows, data: packBits(c.values as Uint8Array), ...nulls });
        break;
      case 'u64':
        data = arrow.makeData({ type: new arrow.Uint64(), length: rows, data: c.values as BigUint64Array, ...nulls });
        break;
      case 'i64':
        data = arrow.makeData({ type: new arrow.Int64(), length: rows, data: c.values as BigInt64Array, ...nulls });
        break;
      case 'i32':
        data = arrow.makeData({ type: new arrow.Int32(), length: rows, data: c.values as Int32Array, ...nulls });
        break;
      case 'f64':
        data = arrow.makeData({ type: new arrow.Float64(), length: rows, data: c.values as Float64Array, ...nulls });
        break;
      case 'ts_utc_us':
        data = arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: rows, data: c.values as BigInt64Array, ...nulls });
        break;
      case 'ts_local_us':
        data = arrow.makeData({ type: new arrow.TimestampMicrosecond(), length: rows, data: c.values as BigInt64Array, ...nulls });
        break;
      case 'u32':
        data = arrow.makeData({ type: new arrow.Uint32(), length: rows, data: c.values as Uint32Array, ...nulls });
        break;
      case 'date32':
        data = arrow.makeData({ type: new arrow.DateDay(), length: rows, data: c.values as Int32Array, ...nulls });
        break;
    }
    vectors[c.name] = arrow.makeVector(data);
  }
  return new arrow.Table(vectors);
}
