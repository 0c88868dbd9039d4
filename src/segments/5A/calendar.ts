// S4 calendar: the scenario's events in local wall-clock time — public holidays per country (date-holidays),
// paydays per country rule, campaigns / stress windows from policy — for the countries of the world.
import { asciiCompare } from '../../core/hash.js';
import { countryHolidays, holidaysVersion } from '../../reference/holidays.js';
import { dayBucket, type Horizon } from '../../laws/time/grid.js';
import type { CalendarPolicy, EventType, PaydayDay, ScenarioPolicy } from './policies.js';

export interface CalEvent {
  event_id: string;
  type: EventType;
  name: string;
  scope_global: boolean;
  country: string | null;
  tzid: string | null;
  demand_class: string | null;
  /** local horizon buckets [start, end) */
  start: number;
  end: number;
  shape: 'constant' | 'ramp';
  amplitude: number;
  ramp_in: number;
  ramp_out: number;
  source: string;
}

/** Scope rank: global 0, else the number of predicates (more specific wins within a type). */
export const scopeRank = (e: Pick<CalEvent, 'scope_global' | 'country' | 'tzid' | 'demand_class'>): number =>
  e.scope_global ? 0 : (e.country ? 1 : 0) + (e.tzid ? 1 : 0) + (e.demand_class ? 1 : 0);

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/** Dates (inclusive) the horizon's local days cover. */
function horizonDates(h: Horizon): string[] {
  const t0 = Date.parse(`${h.firstDate}T00:00:00Z`);
  const out: string[] = [];
  for (let d = 0; d * 24 < h.H; d++) out.push(iso(t0 + d * DAY));
  return out;
}

export interface Calendar {
  events: CalEvent[];
  /** countries the holiday package has no data for */
  noHolidayData: string[];
  holidaysByCountry: Map<string, Set<string>>;
}

export function buildCalendar(cal: CalendarPolicy, sc: ScenarioPolicy, h: Horizon, countries: string[], classes: string[]): Calendar {
  const dates = horizonDates(h);
  const first = dates[0],
    last = dates[dates.length - 1];
  const years = [...new Set(dates.map((d) => Number(d.slice(0, 4))))];
  const events: CalEvent[] = [];
  const noHolidayData: string[] = [];
  const holidaysByCountry = new Map<string, Set<string>>();
  const src = `date-holidays@${holidaysVersion()}`;
  const cs = [...countries].sort(asciiCompare);
  const inWorld = new Set(cs);
  const et = sc.event_types;

  // holidays (one event per country-day; class-scoped ones beside it)
  for (const c of cs) {
    const byDate = new Map<string, string[]>();
    let any = false;
    for (const y of years) {
      const rows = countryHolidays(c, y);
      if (rows === null) continue;
      any = true;
      for (const r of rows) {
        if (!cal.holidays.types.includes(r.type) || r.date < first || r.date > last) continue;
        if (!byDate.has(r.date)) byDate.set(r.date, []);
        if (!byDate.get(r.date)!.includes(r.name)) byDate.get(r.date)!.push(r.name);
      }
    }
    if (!any) noHolidayData.push(c);
    holidaysByCountry.set(c, new Set(byDate.keys()));
    for (const d of [...byDate.keys()].sort()) {
      const s = dayBucket(h, d);
      const base = {
        type: 'HOLIDAY' as const,
        name: byDate.get(d)!.join('; '),
        scope_global: false,
        country: c,
        tzid: null,
        start: s,
        end: s + 24,
        shape: 'constant' as const,
        ramp_in: 0,
        ramp_out: 0,
        source: src,
      };
      events.push({ ...base, event_id: `HOLIDAY.${c}.${d}`, demand_class: null, amplitude: et.HOLIDAY.default_amplitude });
      for (const k of Object.keys(cal.holidays.class_amplitudes).sort(asciiCompare)) {
        if (classes.includes(k)) events.push({ ...base, event_id: `HOLIDAY.${c}.${d}.${k}`, demand_class: k, amplitude: cal.holidays.class_amplitudes[k] });
      }
    }
  }

  // paydays
  const months = [...new Set(dates.map((d) => d.slice(0, 7)))];
  for (const c of cs) {
    const rule = cal.paydays.rules.find((r) => r.countries.includes(c));
    const days = rule ? rule.days : cal.paydays.default_days;
    const hol = holidaysByCountry.get(c) ?? new Set<string>();
    const seen = new Set<string>();
    for (const m of months) {
      for (const d of days) {
        const date = paydayDate(m, d, hol);
        if (date < first || date > last || seen.has(date)) continue;
        seen.add(date);
        const s = dayBucket(h, date);
        events.push({
          event_id: `PAYDAY.${c}.${date}`,
          type: 'PAYDAY',
          name: `payday (${d})`,
          scope_global: false,
          country: c,
          tzid: null,
          demand_class: null,
          start: s,
          end: s + cal.paydays.duration_buckets,
          shape: et.PAYDAY.shape,
          amplitude: et.PAYDAY.default_amplitude,
          ramp_in: cal.paydays.ramp_in_buckets,
          ramp_out: cal.paydays.ramp_out_buckets,
          source: 'policy:calendar.paydays',
        });
      }
    }
  }

  // campaigns / stress windows
  for (const cp of cal.campaigns) {
    const s = dayBucket(h, cp.start),
      e = dayBucket(h, cp.end);
    if (e <= 0 || s >= h.H) continue;
    const scopes: (string | null)[] = cp.countries === 'global' ? [null] : cp.countries.filter((x) => inWorld.has(x)).sort(asciiCompare);
    const shape = et[cp.type].shape;
    for (const c of scopes) {
      const base = {
        type: cp.type,
        name: cp.id,
        scope_global: c === null && !cp.class_amplitudes,
        country: c,
        tzid: null,
        start: s,
        end: e,
        shape,
        ramp_in: shape === 'ramp' ? cp.ramp_in_buckets : 0,
        ramp_out: shape === 'ramp' ? cp.ramp_out_buckets : 0,
        source: `policy:calendar.campaigns.${cp.id}`,
      };
      if (cp.class_amplitudes) {
        for (const k of Object.keys(cp.class_amplitudes).sort(asciiCompare)) {
          if (classes.includes(k))
            events.push({ ...base, event_id: `${cp.type}.${cp.id}.${c ?? 'ALL'}.${k}`, demand_class: k, amplitude: cp.class_amplitudes[k] });
        }
      } else events.push({ ...base, event_id: `${cp.type}.${cp.id}.${c ?? 'ALL'}`, demand_class: null, amplitude: cp.amplitude! });
    }
  }
  events.sort((a, b) => a.start - b.start || asciiCompare(a.event_id, b.event_id));
  return { events, noHolidayData, holidaysByCountry };
}

const isBusiness = (date: string, hol: Set<string>) => {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !hol.has(date);
};

/** Payday of month 'YYYY-MM': the d-th (or the month's last day) moved back to a business day. */
export function paydayDate(month: string, d: PaydayDay, hol: Set<string>): string {
  const [y, m] = month.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  let day = d === 'last_business' ? lastDay : Math.min(d, lastDay);
  let date = iso(Date.UTC(y, m - 1, day));
  while (!isBusiness(date, hol) && day > 1) {
    day--;
    date = iso(Date.UTC(y, m - 1, day));
  }
  return date;
}
