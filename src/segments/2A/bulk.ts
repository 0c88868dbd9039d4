// Civil time for other segments: read the sealed tz_timetable_cache back, and convert columns of
// instants in bulk on the worker pool with the wasm kernels (k2aUtcToLocal / k2aLocalToUtc).
// Shards are fixed-size row ranges, so output bytes never depend on the worker count.
import { SharedCol } from '../../pool/columns.js';
import type { KernelPool } from '../../pool/pool.js';
import { runShards } from '../../pool/shards.js';
import { k2aLocalToUtc, k2aUtcToLocal } from '../../kernels/2A.js';
import { DISAMBIGUATION_CODE, type Disambiguation, type Timetable } from '../../laws/time/timetable.js';
import { kernelTable } from '../../laws/time/ref.js';

export const MANIFEST_FILE = 'tz_timetable_manifest.json';
export const BULK_SHARD_ROWS = 1 << 16;

const asU64 = (a: BigInt64Array) => new BigUint64Array(a.buffer, a.byteOffset, a.length);

function tableCols(t: Timetable) {
  const kt = kernelTable(t);
  return { nZones: kt.nZones, zs: SharedCol.from('i32', kt.zoneStart), ss: SharedCol.from('u64', asU64(kt.segStart)), so: SharedCol.from('i32', kt.segOffset) };
}

/** Local wall times (µs) of UTC instants (µs) in zones tz (timetable indices), on the pool. */
export async function utcToLocalBulk(pool: KernelPool, t: Timetable, tz: Int32Array, utc: BigInt64Array, shardRows = BULK_SHARD_ROWS): Promise<BigInt64Array> {
  const n = tz.length;
  const T = tableCols(t);
  const cTz = SharedCol.from('i32', tz),
    cU = SharedCol.from('u64', asU64(utc)),
    out = new SharedCol('u64', n);
  await runShards(pool, n, shardRows, ({ start: s, end: e }) =>
    k2aUtcToLocal.task({
      n: e - s,
      tz: cTz.in(s, e),
      utc: cU.in(s, e),
      nZones: T.nZones,
      zoneStart: T.zs.all(),
      segStart: T.ss.all(),
      segOffset: T.so.all(),
      out: out.out(s, e),
    }),
  );
  return new BigInt64Array((out.view() as BigUint64Array).slice().buffer);
}

/** UTC instants (µs) of local wall times (µs), with kind 0 unique / 1 gap / 2 fold (255 bad zone), on the pool. */
export async function localToUtcBulk(
  pool: KernelPool,
  t: Timetable,
  tz: Int32Array,
  local: BigInt64Array,
  mode: Disambiguation = 'compatible',
  shardRows = BULK_SHARD_ROWS,
): Promise<{ utc: BigInt64Array; kind: Uint8Array }> {
  const n = tz.length;
  const T = tableCols(t);
  const cTz = SharedCol.from('i32', tz),
    cL = SharedCol.from('u64', asU64(local)),
    out = new SharedCol('u64', n),
    kind = new SharedCol('u8', n);
  await runShards(pool, n, shardRows, ({ start: s, end: e }) =>
    k2aLocalToUtc.task({
      n: e - s,
      tz: cTz.in(s, e),
      local: cL.in(s, e),
      nZones: T.nZones,
      zoneStart: T.zs.all(),
      segStart: T.ss.all(),
      segOffset: T.so.all(),
      mode: DISAMBIGUATION_CODE[mode],
      outUtc: out.out(s, e),
      outKind: kind.out(s, e),
    }),
  );
  return { utc: new BigInt64Array((out.view() as BigUint64Array).slice().buffer), kind: Uint8Array.from(kind.view() as Uint8Array) };
}
