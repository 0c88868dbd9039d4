// 2A.S4: DST legality of every zone the sites use, from the compiled timetable alone.
// A zone is legal when the timetable knows it, its segment starts strictly increase, and every offset
// is a whole number of minutes inside the policy bounds. Each transition with a non-zero change opens
// a window: a gap (clocks forward: wall times that never happen) or a fold (clocks back: wall times
// that happen twice). Windows are counted per zone, not per site.
import { asciiCompare } from '../../core/hash.js';
import { dstWindows, tzIndexOf, type DstWindow, type Timetable } from '../../laws/time/timetable.js';
import type { TzWorld } from '../../reference/tzworld.js';
import type { Policies2A } from './policies.js';

export type ZoneStatus = 'legal' | 'missing' | 'illegal';

export interface ZoneLegality {
  tzid: string;
  tz_index: number;
  sites: number;
  status: ZoneStatus;
  problems: string[];
  offsets_minutes: number[];
  gap_windows: number;
  fold_windows: number;
  max_gap_minutes: number;
  max_fold_minutes: number;
}

export interface Legality {
  zones: ZoneLegality[];
  windows: (DstWindow & { tzid: string; sites: number })[];
  sitesTotal: number;
  status: 'PASS' | 'FAIL';
}

/** `used`: tzid → number of sites, any order (the report is ASCII by tzid). */
export function legality(t: Timetable, used: Map<string, number>, bounds: { min: number; max: number }): Legality {
  const zones: ZoneLegality[] = [];
  const windows: Legality['windows'] = [];
  let sitesTotal = 0;
  for (const tzid of [...used.keys()].sort(asciiCompare)) {
    const sites = used.get(tzid)!;
    sitesTotal += sites;
    const z = tzIndexOf(t, tzid);
    const row: ZoneLegality = {
      tzid,
      tz_index: z,
      sites,
      status: 'legal',
      problems: [],
      offsets_minutes: [],
      gap_windows: 0,
      fold_windows: 0,
      max_gap_minutes: 0,
      max_fold_minutes: 0,
    };
    zones.push(row);
    if (z < 0) {
      row.status = 'missing';
      row.problems.push('not in tz_timetable_cache');
      continue;
    }
    const offs = new Set<number>();
    for (let j = t.zoneStart[z]; j < t.zoneStart[z + 1]; j++) {
      const o = t.segOffset[j];
      offs.add(o);
      if (!Number.isInteger(o) || o % 60 !== 0) row.problems.push(`offset ${o}s is not a whole number of minutes`);
      if (o < bounds.min * 60 || o > bounds.max * 60) row.problems.push(`offset ${o / 60} min outside [${bounds.min}, ${bounds.max}]`);
      if (j > t.zoneStart[z] && !(t.segStart[j] > t.segStart[j - 1])) row.problems.push(`segment ${j - t.zoneStart[z]} does not start after the previous one`);
    }
    row.offsets_minutes = [...offs].map((o) => o / 60).sort((a, b) => a - b);
    for (const w of dstWindows(t, z)) {
      const minutes = Math.abs(w.offsetAfter - w.offsetBefore) / 60;
      if (w.kind === 'gap') {
        row.gap_windows++;
        row.max_gap_minutes = Math.max(row.max_gap_minutes, minutes);
      } else {
        row.fold_windows++;
        row.max_fold_minutes = Math.max(row.max_fold_minutes, minutes);
      }
      windows.push({ ...w, tzid, sites });
    }
    if (row.problems.length) row.status = 'illegal';
  }
  return { zones, windows, sitesTotal, status: zones.every((z) => z.status === 'legal') ? 'PASS' : 'FAIL' };
}

/** S4: the legality of the zones the sites use (each zone counted by its sites). */
export function s4Legality({ world, p, tz, timetable }: { world: TzWorld; p: Policies2A; tz: Int32Array; timetable: Timetable }): Legality {
  const used = new Map<string, number>();
  for (let i = 0; i < tz.length; i++) {
    const z = world.zones[tz[i]];
    used.set(z, (used.get(z) ?? 0) + 1);
  }
  return legality(timetable, used, p.timetable.offset_bounds_minutes);
}
