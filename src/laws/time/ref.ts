// TypeScript reference of assembly/seg2A/timetable.ts over the same column layout (i64 µs columns as
// BigInt64Array, i64.MIN_VALUE for -infinity / "no answer"). Built on src/segments/2A/timetable.ts, so the
// kernel, this reference and the library other segments call are one law.
import { localToUtcCode, US_PER_S, type Timetable } from './timetable.js';

export const I64_MIN = -(1n << 63n);

/** The kernel's table columns: zoneStart i32, segStart i64 (µs, I64_MIN first), segOffset i32. */
export function kernelTable(t: Timetable): { nZones: number; zoneStart: Int32Array; segStart: BigInt64Array; segOffset: Int32Array } {
  const segStart = new BigInt64Array(t.segStart.length);
  for (let j = 0; j < t.segStart.length; j++) segStart[j] = Number.isFinite(t.segStart[j]) ? BigInt(t.segStart[j]) : I64_MIN;
  return { nZones: t.tzids.length, zoneStart: t.zoneStart, segStart, segOffset: t.segOffset };
}

/** Reference of k2aUtcToLocal. */
export function utcToLocalRef(t: Timetable, tz: Int32Array, utc: BigInt64Array): BigInt64Array {
  const out = new BigInt64Array(tz.length);
  for (let i = 0; i < tz.length; i++) {
    const z = tz[i];
    if (z < 0 || z >= t.tzids.length) {
      out[i] = I64_MIN;
      continue;
    }
    // integer arithmetic in BigInt: the kernel adds offset·10^6 to the i64 instant
    const u = utc[i];
    let lo = t.zoneStart[z],
      hi = t.zoneStart[z + 1] - 1;
    const un = Number(u);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t.segStart[mid] <= un) lo = mid;
      else hi = mid - 1;
    }
    out[i] = u + BigInt(t.segOffset[lo]) * BigInt(US_PER_S);
  }
  return out;
}

/** Reference of k2aLocalToUtc (mode 0 compatible, 1 earlier, 2 later, 3 reject). */
export function localToUtcRef(t: Timetable, tz: Int32Array, local: BigInt64Array, mode: number): { utc: BigInt64Array; kind: Uint8Array } {
  const utc = new BigInt64Array(tz.length);
  const kind = new Uint8Array(tz.length);
  for (let i = 0; i < tz.length; i++) {
    const z = tz[i];
    if (z < 0 || z >= t.tzids.length) {
      utc[i] = I64_MIN;
      kind[i] = 255;
      continue;
    }
    const r = localToUtcCode(t, z, Number(local[i]), mode);
    utc[i] = Number.isNaN(r.utcUs) ? I64_MIN : BigInt(r.utcUs);
    kind[i] = r.kind;
  }
  return { utc, kind };
}
