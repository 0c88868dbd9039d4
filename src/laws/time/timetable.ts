// Civil-time tables compiled from the runtime tzdb (Node's ICU via Intl), and the conversions every
// later segment uses: utcToLocal / localToUtc by binary search over a zone's segments.
//
// A compiled Timetable holds, per zone (tzIndex = position in `tzids`, ASCII order), a run of segments
// [start, next start) with one UTC offset each. The first segment of a zone starts at -Infinity and the
// last runs to +Infinity: inside the horizon the table is exact to the second; outside it, the
// boundary offsets extend (2A.S4 reports the horizon, and consumers must stay inside it).
// Times are µs since the Unix epoch as plain numbers (exact integers up to year 2255).
import { asciiCompare, sha256Hex } from '../../core/hash.js';
import { icuCanonical } from '../../reference/tzworld.js';

export const US_PER_S = 1_000_000;

export interface Timetable {
  tzids: string[];
  /** ICU's canonical spelling of each tzid (what Intl resolved) */
  icu: string[];
  /** zone z owns segments [zoneStart[z], zoneStart[z+1]) */
  zoneStart: Int32Array;
  /** UTC µs at which each segment starts; -Infinity for a zone's first segment */
  segStart: Float64Array;
  /** UTC offset of each segment, seconds (local = utc + offset) */
  segOffset: Int32Array;
  horizonStartUs: number;
  horizonEndUs: number;
}

export interface CompileOptions {
  horizonStartUs: number;
  horizonEndUs: number;
  scanStepSeconds: number;
}

const OFFSET_RE = /GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** UTC offset (seconds) of a zone at UTC second t, from Intl's longOffset ("GMT+05:30", "GMT"). */
export function intlOffsetFn(tz: string): (tSec: number) => number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  return (tSec: number) => {
    const s = f.format(tSec * 1000);
    const m = OFFSET_RE.exec(s);
    if (!m) throw new Error(`unparseable Intl offset "${s}" for ${tz}`);
    if (!m[1]) return 0;
    const v = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? -v : v;
  };
}

/** Transitions of one zone in [h0, h1] (UTC seconds): [tSec, offsetAfter][] plus the offset at h0. */
export function scanZone(tz: string, h0: number, h1: number, step: number): { first: number; transitions: [number, number][] } {
  const f = intlOffsetFn(tz);
  const transitions: [number, number][] = [];
  let a = h0;
  let oa = f(a);
  const first = oa;
  while (a < h1) {
    const b = Math.min(h1, a + step);
    const ob = f(b);
    if (ob !== oa) {
      // smallest second in (a, b] whose offset differs from oa; continue from there (a second change
      // inside the same step is found on the next pass)
      let lo = a,
        hi = b;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (f(mid) === oa) lo = mid;
        else hi = mid;
      }
      const oh = f(hi);
      transitions.push([hi, oh]);
      a = hi;
      oa = oh;
      continue;
    }
    a = b;
    oa = ob;
  }
  return { first, transitions };
}

/** Compile every zone (ASCII order) over the horizon. Throws on a zone the tzdb does not know. */
export function compileTimetable(zones: string[], o: CompileOptions): Timetable {
  const tzids = [...new Set(zones)].sort(asciiCompare);
  const h0 = Math.floor(o.horizonStartUs / US_PER_S),
    h1 = Math.floor(o.horizonEndUs / US_PER_S);
  const starts: number[] = [];
  const offs: number[] = [];
  const zoneStart = new Int32Array(tzids.length + 1);
  const icu: string[] = [];
  tzids.forEach((tz, z) => {
    icu.push(icuCanonical(tz));
    const { first, transitions } = scanZone(tz, h0, h1, o.scanStepSeconds);
    zoneStart[z] = starts.length;
    starts.push(-Infinity);
    offs.push(first);
    for (const [t, off] of transitions) {
      starts.push(t * US_PER_S);
      offs.push(off);
    }
  });
  zoneStart[tzids.length] = starts.length;
  return {
    tzids,
    icu,
    zoneStart,
    segStart: Float64Array.from(starts),
    segOffset: Int32Array.from(offs),
    horizonStartUs: h0 * US_PER_S,
    horizonEndUs: h1 * US_PER_S,
  };
}

/** Canonical bytes of a table: one line per segment "tzid\tstart_us\toffset_s" (start "-inf" first). */
export function timetableCanonical(t: Timetable): string {
  const lines: string[] = [`horizon\t${t.horizonStartUs}\t${t.horizonEndUs}`];
  t.tzids.forEach((tz, z) => {
    for (let j = t.zoneStart[z]; j < t.zoneStart[z + 1]; j++)
      lines.push(`${tz}\t${Number.isFinite(t.segStart[j]) ? t.segStart[j] : '-inf'}\t${t.segOffset[j]}`);
  });
  return lines.join('\n') + '\n';
}

export const timetableDigest = (t: Timetable): string => sha256Hex(timetableCanonical(t));

export function tzIndexOf(t: Timetable, tzid: string): number {
  let lo = 0,
    hi = t.tzids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = asciiCompare(t.tzids[mid], tzid);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Index of the segment of zone z in force at UTC µs u (last segment whose start <= u). */
export function segmentAt(t: Timetable, z: number, utcUs: number): number {
  let lo = t.zoneStart[z],
    hi = t.zoneStart[z + 1] - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.segStart[mid] <= utcUs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export const offsetAt = (t: Timetable, z: number, utcUs: number): number => t.segOffset[segmentAt(t, z, utcUs)];

/** Local wall time (µs, as if UTC) of a UTC instant in zone tzIndex. */
export function utcToLocal(t: Timetable, tzIndex: number, utcUs: number): number {
  return utcUs + t.segOffset[segmentAt(t, tzIndex, utcUs)] * US_PER_S;
}

/** How a wall time maps back: unique, in a gap (does not exist) or in a fold (exists twice). */
export const LocalKind = { UNIQUE: 0, GAP: 1, FOLD: 2 } as const;
export type Disambiguation = 'compatible' | 'earlier' | 'later' | 'reject';
export const DISAMBIGUATION_CODE: Record<Disambiguation, number> = { compatible: 0, earlier: 1, later: 2, reject: 3 };

export interface LocalResult {
  /** UTC µs; NaN when the wall time is in a gap/fold and disambiguation is 'reject' */
  utcUs: number;
  kind: 0 | 1 | 2;
}

/**
 * UTC instant of a local wall time in zone tzIndex.
 * - gap (wall time skipped, e.g. 02:30 on a spring-forward night): 'compatible' and 'later' give the
 *   instant read with the offset before the transition (lands after it: the wall time moves forward by
 *   the gap); 'earlier' reads it with the offset after (lands before the transition).
 * - fold (wall time repeated): 'compatible' and 'earlier' give the first occurrence, 'later' the second.
 * - 'reject' returns NaN for either.
 */
export function localToUtc(t: Timetable, tzIndex: number, localUs: number, mode: Disambiguation = 'compatible'): LocalResult {
  return localToUtcCode(t, tzIndex, localUs, DISAMBIGUATION_CODE[mode]);
}

export function localToUtcCode(t: Timetable, z: number, localUs: number, mode: number): LocalResult {
  const s0 = t.zoneStart[z],
    s1 = t.zoneStart[z + 1];
  // last transition k (segment index in (s0, s1)) whose window start W_k = T_k + min(off_{k-1}, off_k) <= L;
  // windows are ordered because transitions are weeks apart and offsets differ by hours
  let lo = s0,
    hi = s1 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const a = t.segOffset[mid - 1],
      b = t.segOffset[mid];
    const w = t.segStart[mid] + (a < b ? a : b) * US_PER_S;
    if (w <= localUs) lo = mid;
    else hi = mid - 1;
  }
  const k = lo;
  if (k === s0) return { utcUs: localUs - t.segOffset[k] * US_PER_S, kind: 0 };
  const before = t.segOffset[k - 1],
    after = t.segOffset[k];
  const end = t.segStart[k] + (before > after ? before : after) * US_PER_S;
  if (localUs >= end || before === after) return { utcUs: localUs - after * US_PER_S, kind: 0 };
  if (after > before) {
    // gap
    if (mode === 3) return { utcUs: NaN, kind: 1 };
    return { utcUs: localUs - (mode === 1 ? after : before) * US_PER_S, kind: 1 };
  }
  // fold
  if (mode === 3) return { utcUs: NaN, kind: 2 };
  return { utcUs: localUs - (mode === 2 ? after : before) * US_PER_S, kind: 2 };
}

export interface DstWindow {
  tzIndex: number;
  kind: 'gap' | 'fold';
  transitionUs: number;
  offsetBefore: number;
  offsetAfter: number;
  /** wall-time window [localStart, localEnd) that is skipped (gap) or repeated (fold) */
  localStartUs: number;
  localEndUs: number;
}

/** Gap and fold windows of a zone (every transition with a non-zero offset change). */
export function dstWindows(t: Timetable, z: number): DstWindow[] {
  const out: DstWindow[] = [];
  for (let k = t.zoneStart[z] + 1; k < t.zoneStart[z + 1]; k++) {
    const a = t.segOffset[k - 1],
      b = t.segOffset[k];
    if (a === b) continue;
    const T = t.segStart[k];
    out.push({
      tzIndex: z,
      kind: b > a ? 'gap' : 'fold',
      transitionUs: T,
      offsetBefore: a,
      offsetAfter: b,
      localStartUs: T + Math.min(a, b) * US_PER_S,
      localEndUs: T + Math.max(a, b) * US_PER_S,
    });
  }
  return out;
}

/** A Timetable rebuilt from the rows of tz_timetable_cache (one row per segment, zone then segment order). */
export function timetableFromRows(
  rows: { tzid: string[]; icu: string[]; validFromUs: Float64Array; offset: Int32Array; segment: Int32Array },
  horizon: { startUs: number; endUs: number },
): Timetable {
  const tzids: string[] = [];
  const icu: string[] = [];
  const zs: number[] = [];
  const n = rows.tzid.length;
  const segStart = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rows.segment[i] === 0) {
      zs.push(i);
      tzids.push(rows.tzid[i]);
      icu.push(rows.icu[i]);
      segStart[i] = -Infinity;
    } else segStart[i] = rows.validFromUs[i];
  }
  zs.push(n);
  return {
    tzids,
    icu,
    zoneStart: Int32Array.from(zs),
    segStart,
    segOffset: Int32Array.from(rows.offset),
    horizonStartUs: horizon.startUs,
    horizonEndUs: horizon.endUs,
  };
}

/** The table bound once, for call sites that convert many instants: clock.utcToLocal(tzIndex, utcUs). */
export interface CivilClock {
  table: Timetable;
  tzIndex(tzid: string): number;
  utcToLocal(tzIndex: number, utcUs: number): number;
  localToUtc(tzIndex: number, localUs: number, mode?: Disambiguation): LocalResult;
  offsetSeconds(tzIndex: number, utcUs: number): number;
}

export function civilClock(t: Timetable): CivilClock {
  return {
    table: t,
    tzIndex: (tzid) => tzIndexOf(t, tzid),
    utcToLocal: (z, u) => utcToLocal(t, z, u),
    localToUtc: (z, l, mode = 'compatible') => localToUtc(t, z, l, mode),
    offsetSeconds: (z, u) => offsetAt(t, z, u),
  };
}
