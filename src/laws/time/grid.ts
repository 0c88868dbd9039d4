// The 5A time grids: the local week (168 hourly buckets, Monday 00:00 local = bucket 0), the local horizon
// (local wall-clock hours since the horizon's first date at 00:00 local) and the UTC horizon (hours since
// horizon_start_utc). One law maps a UTC bucket to the local horizon bucket of its midpoint; 5A's UTC views and
// 5B's kernels both use it.
import { offsetAt, US_PER_S, type Timetable } from './timetable.js';

export const T_WEEK = 168;
export const BUCKET_SECONDS = 3600;

export interface Horizon {
  scenario_id: string;
  /** UTC seconds of horizon_start_utc (a UTC midnight) */
  startSec: number;
  /** number of hourly buckets */
  H: number;
  /** ISO weekday (1 = Mon .. 7 = Sun) of the horizon's first date */
  firstDow: number;
  /** 'YYYY-MM-DD' of the first date */
  firstDate: string;
}

export function horizonOf(s: { scenario_id: string; horizon_start_utc: string; horizon_end_utc: string }): Horizon {
  const startSec = Date.parse(s.horizon_start_utc) / 1000;
  const endSec = Date.parse(s.horizon_end_utc) / 1000;
  const H = (endSec - startSec) / BUCKET_SECONDS;
  const jsDow = new Date(startSec * 1000).getUTCDay(); // 0 = Sunday
  return { scenario_id: s.scenario_id, startSec, H, firstDow: jsDow === 0 ? 7 : jsDow, firstDate: s.horizon_start_utc.slice(0, 10) };
}

/** Offset (hours) of the local-week bucket of local horizon bucket 0: 72 for a Thursday start. */
export const weekOffset = (h: Pick<Horizon, 'firstDow'>): number => (h.firstDow - 1) * 24;

/** Local-week bucket of a local horizon bucket lh (any integer, negative too). */
export function weekBucket(h: Pick<Horizon, 'firstDow'>, lh: number): number {
  const r = (weekOffset(h) + lh) % T_WEEK;
  return r < 0 ? r + T_WEEK : r;
}

/**
 * Local horizon bucket of UTC bucket h in zone tzIndex: the bucket holding the UTC midpoint's local wall time,
 * counted from the horizon's first date at 00:00 local. May be < 0 or >= H near the horizon's ends.
 */
export function localBucketOfUtc(t: Timetable, tzIndex: number, h: number, startSec = HORIZON_START_SEC): number {
  const rel = h * BUCKET_SECONDS + BUCKET_SECONDS / 2;
  const off = offsetAt(t, tzIndex, (startSec + rel) * US_PER_S);
  return Math.floor((rel + off) / BUCKET_SECONDS);
}

/** Row z*H + h: the local horizon bucket of UTC bucket h in zone tzIndices[z]. */
export function utcToLocalBucketTable(t: Timetable, tzIndices: ArrayLike<number>, H: number, startSec = HORIZON_START_SEC): Int32Array {
  const out = new Int32Array(tzIndices.length * H);
  for (let z = 0; z < tzIndices.length; z++) for (let h = 0; h < H; h++) out[z * H + h] = localBucketOfUtc(t, tzIndices[z], h, startSec);
  return out;
}

/** 2026-01-01T00:00:00Z, the start of the one shipped scenario (config/layer2/5A/scenario.yaml). */
export const HORIZON_START_SEC = Date.UTC(2026, 0, 1) / 1000;

/** Local date 'YYYY-MM-DD' → its first local horizon bucket (24 per day from the horizon's first date). */
export function dayBucket(h: Pick<Horizon, 'firstDate'>, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${h.firstDate}T00:00:00Z`)) / 3_600_000);
}

/** Local horizon bucket → 'YYYY-MM-DDTHH:00' local wall time. */
export function localStamp(h: Pick<Horizon, 'firstDate'>, lh: number): string {
  return new Date(Date.parse(`${h.firstDate}T00:00:00Z`) + lh * 3_600_000).toISOString().slice(0, 16);
}
