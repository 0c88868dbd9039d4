// 5A.S4: the scenario calendar (holidays, paydays, campaigns / stress) and overlay factors per (country, tzid, class) over the local horizon.
import { asciiCompare } from '../../core/hash.js';
import type { Policies5A } from './policies.js';
import type { Horizon } from '../../laws/time/grid.js';
import { buildCalendar, type Calendar } from './calendar.js';
import { OverlayEngine } from './overlays.js';
import type { Inputs5A, World5A } from './world.js';

export interface S4Input {
  p: Policies5A;
  inp: Inputs5A;
  hz: Horizon;
  mClass: string[];
  cellM: Int32Array;
}

export interface S4Overlays {
  cellOverlay: Int32Array;
  overlayKeys: World5A['overlayKeys'];
  calendar: Calendar;
  /** overlay profile o, local bucket h at o × H + h */
  overlays: Float64Array;
  usedEvents: World5A['usedEvents'];
}

export function s4Overlays({ p, inp, hz, mClass, cellM }: S4Input): S4Overlays {
  const N = inp.cellMerchant.length;
  const okey = (c: number) => `${inp.cellCountry[c]}\u0000${inp.cellTzid[c]}\u0000${mClass[cellM[c]]}`;
  const keys = [...new Set(Array.from({ length: N }, (_, c) => okey(c)))].sort(asciiCompare);
  const oIndex = new Map(keys.map((k, i) => [k, i]));
  const cellOverlay = Int32Array.from({ length: N }, (_, c) => oIndex.get(okey(c))!);
  const overlayKeys = keys.map((k) => {
    const [country, tzid, demand_class] = k.split('\u0000');
    return { country, tzid, demand_class };
  });
  const countries = [...new Set(inp.cellCountry)].sort(asciiCompare);
  const calendar = buildCalendar(p.calendar, p.scenario, hz, countries, p.classes.classes);
  const engine = new OverlayEngine(p.scenario, calendar.events, hz.H);
  const overlays = new Float64Array(keys.length * hz.H);
  overlayKeys.forEach((k, o) => engine.factors(k.country, k.tzid, k.demand_class, overlays.subarray(o * hz.H, (o + 1) * hz.H)));
  return { cellOverlay, overlayKeys, calendar, overlays, usedEvents: engine.used };
}
