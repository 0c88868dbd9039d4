// 5A units: classing, the hash-quantile scale law, the local-bucket law (DST and half-hour zones), the shape
// catalogue, the overlay law (specificity, MIN/MAX, masking, ramps, clamp) and the calendar rules.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { loadPolicyPack } from '../src/config/load.js';
import { load5A, checkPolicies5A } from '../src/segments/5A/policies.js';
import { Classifier, zoneRole } from '../src/segments/5A/classes.js';
import { merchantU, perSiteWeekly, cellRaw } from '../src/segments/5A/scale.js';
import { horizonOf, localBucketOfUtc, utcToLocalBucketTable, weekBucket, dayBucket } from '../src/laws/time/grid.js';
import { buildShapeCatalogue, pickTemplate, pickZoneProfile, windowMass } from '../src/segments/5A/shapes.js';
import { OverlayEngine, eventFactor } from '../src/segments/5A/overlays.js';
import { buildCalendar, paydayDate, type CalEvent } from '../src/segments/5A/calendar.js';
import { horizonWeights, surfaceValues } from '../src/segments/5A/surfaces.js';
import { compileTimetable, tzIndexOf } from '../src/laws/time/timetable.js';
import { asciiCompare } from '../src/core/hash.js';

const ROOT = join(__dirname, '..');
const pack = await loadPolicyPack(join(ROOT, 'config'));
const p = load5A(pack);
const hz = horizonOf(p.scenario.scenarios[0]);

describe('5A classes and scale', () => {
  it('the shipped policies pass the cross-file checks', () => {
    expect(() => checkPolicies5A(pack, p)).not.toThrow();
  });
  it('MCC → sector → class, virtual branch, zone roles', () => {
    const c = new Classifier(p.classes);
    expect(c.demandClass(5411, 'card_present', 'NON_VIRTUAL')).toBe('consumer_daytime');
    expect(c.demandClass(5812, 'card_present', 'NON_VIRTUAL')).toBe('evening_weekend');
    expect(c.demandClass(5541, 'card_present', 'NON_VIRTUAL')).toBe('fuel_convenience');
    expect(c.demandClass(5411, 'card_not_present', 'NON_VIRTUAL')).toBe('online_24h');
    expect(c.demandClass(5812, 'card_present', 'VIRTUAL_ONLY')).toBe('online_24h');
    expect(c.demandClass(8011, 'card_present', 'NON_VIRTUAL')).toBe('office_hours');
    expect(c.sector(1)).toBe(p.classes.default_sector);
    expect(zoneRole(p.classes, 7, 10)).toBe('primary_zone');
    expect(zoneRole(p.classes, 1, 10)).toBe('tail_zone');
    expect(zoneRole(p.classes, 3, 10)).toBe('secondary_zone');
  });
  it('hash quantile in (0,1), deterministic; Pareto median at u = 1/2, clip, soft cap', () => {
    const u = merchantU('ab'.repeat(32), 17n);
    expect(u).toBe(merchantU('ab'.repeat(32), 17n));
    expect(u).not.toBe(merchantU('ab'.repeat(32), 18n));
    expect(u > 0 && u < 1).toBe(true);
    const k = p.scale.classes.consumer_daytime;
    expect(perSiteWeekly(k, 0.5)).toBeCloseTo(k.median, 9);
    expect(perSiteWeekly(k, 1 - 1e-15)).toBe(k.clip_max);
    const big = cellRaw(p.scale, {
      perSite: 1e6,
      zoneSites: 100,
      countrySites: 100,
      role: 'primary_zone',
      virtualMode: 'NON_VIRTUAL',
      channelGroup: 'card_present',
    });
    expect(big.capped).toBe(true);
    expect(big.raw).toBeLessThanOrEqual(p.scale.soft_cap.max_weekly * p.scale.soft_cap.hard_multiplier);
    expect(
      cellRaw(p.scale, { perSite: 10, zoneSites: 0, countrySites: 3, role: 'tail_zone', virtualMode: 'NON_VIRTUAL', channelGroup: 'card_present' }).raw,
    ).toBe(0);
  });
});

describe('5A grid: the local-bucket law', () => {
  const zones = ['America/New_York', 'Asia/Kolkata', 'Etc/UTC', 'Australia/Adelaide'];
  const t = compileTimetable(zones, { horizonStartUs: Date.UTC(2025, 11, 1) * 1000, horizonEndUs: Date.UTC(2026, 4, 1) * 1000, scanStepSeconds: 3600 });
  it('horizon: 2160 hourly buckets from a Thursday; week bucket 0 = Monday 00:00', () => {
    expect(hz.H).toBe(2160);
    expect(hz.firstDow).toBe(4);
    expect(weekBucket(hz, 0)).toBe(72);
    expect(weekBucket(hz, 96)).toBe(0); // Monday 2026-01-05 00:00
    expect(weekBucket(hz, -1)).toBe(71);
    expect(dayBucket(hz, '2026-01-05')).toBe(96);
  });
  it('UTC zone: lh = h', () => {
    const z = tzIndexOf(t, 'Etc/UTC');
    for (const h of [0, 1, 500, 2159]) expect(localBucketOfUtc(t, z, h)).toBe(h);
  });
  it('DST zone (New York, −5 → −4 on 2026-03-08 07:00 UTC)', () => {
    const z = tzIndexOf(t, 'America/New_York');
    expect(localBucketOfUtc(t, z, 0)).toBe(-5); // 2025-12-31 19:30 local
    const h = (Date.UTC(2026, 2, 8, 6) - Date.UTC(2026, 0, 1)) / 3_600_000; // 06:00-07:00 UTC = 01:00-02:00 EST
    expect(localBucketOfUtc(t, z, h)).toBe(h - 5);
    expect(localBucketOfUtc(t, z, h + 1)).toBe(h + 1 - 4); // 07:30 UTC = 03:30 EDT: local 02:00 is skipped
    const tab = utcToLocalBucketTable(t, [z], hz.H);
    expect(tab[h + 1] - tab[h]).toBe(2);
  });
  it('half-hour zones (Kolkata +5:30, Adelaide +10:30 / DST) take the bucket of the UTC midpoint', () => {
    const k = tzIndexOf(t, 'Asia/Kolkata');
    // h = 0: midpoint 00:30 UTC = 06:00 local → bucket 6
    expect(localBucketOfUtc(t, k, 0)).toBe(6);
    expect(localBucketOfUtc(t, k, 1)).toBe(7);
    const a = tzIndexOf(t, 'Australia/Adelaide');
    expect(localBucketOfUtc(t, a, 0)).toBe(11); // 00:30 UTC = 11:00 ACDT (+10:30)
  });
});

describe('5A shapes', () => {
  const cat = buildShapeCatalogue(p.shapes, p.classes.classes);
  it('every shape has unit mass and positive values; ids follow ASCII order of the key', () => {
    for (let s = 0; s < cat.defs.length; s++) {
      let sum = 0;
      for (let k = 0; k < 168; k++) {
        expect(cat.values[s * 168 + k]).toBeGreaterThan(0);
        sum += cat.values[s * 168 + k];
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    }
    const keys = cat.defs.map((d) => [d.demand_class, d.channel_group, d.template_id, d.zone_profile_id]);
    for (let i = 1; i < keys.length; i++) {
      const a = keys[i - 1],
        b = keys[i];
      expect(asciiCompare(a[0], b[0]) || asciiCompare(a[1], b[1]) || asciiCompare(a[2], b[2]) || asciiCompare(a[3], b[3])).toBeLessThan(0);
    }
  });
  it('class constraints: online night mass, office weekday mass, evening weekend mass', () => {
    const c = p.shapes.constraints;
    for (const d of cat.defs) {
      if (d.demand_class === 'online_24h')
        expect(windowMass(cat.values, d.shape_id, [1, 2, 3, 4, 5, 6, 7], 0, 360)).toBeGreaterThanOrEqual(c.min_night_mass_online_24h);
      if (d.demand_class === 'office_hours')
        expect(windowMass(cat.values, d.shape_id, [1, 2, 3, 4, 5], 480, 1080)).toBeGreaterThanOrEqual(c.min_weekday_office_mass);
    }
  });
  it('template and zone picks are deterministic; the Gulf override forces its profile', () => {
    const a = pickTemplate(p.shapes, 'online_24h', 'card_not_present', 'Europe/Berlin', 'ph');
    expect(pickTemplate(p.shapes, 'online_24h', 'card_not_present', 'Europe/Berlin', 'ph')).toBe(a);
    expect(p.shapes.rules.find((r) => r.class === 'online_24h' && r.channel === 'card_not_present')!.candidates).toContain(a);
    expect(pickZoneProfile(p.shapes, 'AE', 'Asia/Dubai', 'ph')).toBe('zg4');
    expect(pickZoneProfile(p.shapes, 'DE', 'Europe/Berlin', 'ph')).toMatch(/^zg[0-7]$/);
    // different tzids spread over profiles
    const seen = new Set(
      [
        'Europe/Berlin',
        'Europe/Paris',
        'America/Chicago',
        'Asia/Tokyo',
        'Africa/Lagos',
        'America/Lima',
        'Asia/Seoul',
        'Europe/Madrid',
        'Asia/Manila',
        'Pacific/Auckland',
      ].map((z) => pickZoneProfile(p.shapes, 'XX', z, 'ph')),
    );
    expect(seen.size).toBeGreaterThan(3);
  });
});

const ev = (o: Partial<CalEvent>): CalEvent => ({
  event_id: o.event_id ?? 'e',
  type: 'CAMPAIGN',
  name: 'x',
  scope_global: false,
  country: null,
  tzid: null,
  demand_class: null,
  start: 0,
  end: 10,
  shape: 'constant',
  amplitude: 1,
  ramp_in: 0,
  ramp_out: 0,
  source: 't',
  ...o,
});

describe('5A overlays', () => {
  const H = 40;
  const f = (events: CalEvent[], country = 'DE', tz = 'Europe/Berlin', cls = 'consumer_daytime') => {
    const out = new Float64Array(H);
    new OverlayEngine(p.scenario, events, H).factors(country, tz, cls, out);
    return Array.from(out);
  };
  it('ramp law: linear in, plateau, linear out back to 1', () => {
    const e = ev({ shape: 'ramp', amplitude: 2, start: 0, end: 10, ramp_in: 4, ramp_out: 2 });
    expect([0, 1, 2, 3, 4, 7, 8, 9].map((k) => eventFactor(e, k))).toEqual([1.25, 1.5, 1.75, 2, 2, 2, 1.5, 1]);
  });
  it('within a type only the most specific scope counts; equal specificity combines by MIN / MAX', () => {
    const hol = [
      ev({ event_id: 'a', type: 'HOLIDAY', country: 'DE', amplitude: 0.85 }),
      ev({ event_id: 'b', type: 'HOLIDAY', country: 'DE', demand_class: 'consumer_daytime', amplitude: 0.95 }),
    ];
    expect(f(hol)[0]).toBe(0.95); // class-scoped beats the country event even though it is higher (MIN)
    expect(f(hol, 'DE', 'Europe/Berlin', 'office_hours')[0]).toBe(0.85);
    const two = [ev({ event_id: 'a', type: 'HOLIDAY', country: 'DE', amplitude: 0.85 }), ev({ event_id: 'b', type: 'HOLIDAY', country: 'DE', amplitude: 0.6 })];
    expect(f(two)[0]).toBe(0.6);
    const camp = [ev({ event_id: 'a', scope_global: true, amplitude: 1.3 }), ev({ event_id: 'b', scope_global: true, amplitude: 1.5 })];
    expect(f(camp)[0]).toBe(1.5);
    expect(f(camp, 'FR')[0]).toBe(1.5);
    expect(f([ev({ country: 'FR', amplitude: 1.5 })])[0]).toBe(1); // other country
  });
  it('product over types; STRESS caps CAMPAIGN at 1; OUTAGE caps every uplift; clamp to [0, 5]', () => {
    expect(
      f([ev({ event_id: 'h', type: 'HOLIDAY', country: 'DE', amplitude: 0.8 }), ev({ event_id: 'p', type: 'PAYDAY', country: 'DE', amplitude: 1.5 })])[0],
    ).toBeCloseTo(1.2, 15);
    expect(f([ev({ event_id: 'c', amplitude: 2, country: 'DE' }), ev({ event_id: 's', type: 'STRESS', country: 'DE', amplitude: 1.6 })])[0]).toBe(1.6);
    expect(
      f([
        ev({ event_id: 'c', amplitude: 2, country: 'DE' }),
        ev({ event_id: 'o', type: 'OUTAGE', tzid: 'Europe/Berlin', amplitude: 0.05 }),
        ev({ event_id: 'p', type: 'PAYDAY', country: 'DE', amplitude: 1.5 }),
      ])[0],
    ).toBe(0.05);
    expect(
      f([
        ev({ event_id: 'c', amplitude: 2.5, country: 'DE' }),
        ev({ event_id: 'p', type: 'PAYDAY', country: 'DE', amplitude: 1.6 }),
        ev({ event_id: 's', type: 'STRESS', scope_global: true, amplitude: 3 }),
      ])[0],
    ).toBeCloseTo(4.8, 12);
    const big = f([
      ev({ event_id: 'p', type: 'PAYDAY', country: 'DE', amplitude: 3 }),
      ev({ event_id: 's', type: 'STRESS', scope_global: true, amplitude: 3 }),
    ]);
    expect(big[0]).toBe(5);
    expect(big[10]).toBe(1); // outside every event
  });
  it('events outside the horizon are cut to it', () => {
    const r = f([ev({ start: -5, end: 3, country: 'DE', amplitude: 1.2 }), ev({ event_id: 'z', start: 38, end: 50, country: 'DE', amplitude: 1.4 })]);
    expect(r.slice(0, 4)).toEqual([1.2, 1.2, 1.2, 1]);
    expect(r.slice(37)).toEqual([1, 1.4, 1.4]);
  });
});

describe('5A calendar', () => {
  it('paydays: last business day, the 15th moved back over a weekend', () => {
    expect(paydayDate('2026-01', 'last_business', new Set())).toBe('2026-01-30'); // 31st is a Saturday
    expect(paydayDate('2026-02', 15, new Set())).toBe('2026-02-13'); // 15th is a Sunday
    expect(paydayDate('2026-03', 'last_business', new Set(['2026-03-31']))).toBe('2026-03-30');
  });
  it('holidays, paydays and campaigns of a world; deterministic', () => {
    const a = buildCalendar(p.calendar, p.scenario, hz, ['DE', 'US', 'CN'], p.classes.classes);
    const b = buildCalendar(p.calendar, p.scenario, hz, ['US', 'CN', 'DE'], p.classes.classes);
    expect(a.events).toEqual(b.events);
    const ids = a.events.map((e) => e.event_id);
    expect(ids).toContain('HOLIDAY.DE.2026-01-01');
    expect(ids).toContain('HOLIDAY.US.2026-01-19'); // Martin Luther King Jr. Day
    expect(ids).toContain('HOLIDAY.US.2026-01-19.office_hours');
    expect(ids).toContain('PAYDAY.US.2026-01-15');
    expect(ids).toContain('PAYDAY.CN.2026-02-10');
    expect(ids).toContain('CAMPAIGN.january_sales.DE.consumer_daytime');
    expect(ids.some((x) => x.startsWith('CAMPAIGN.january_sales.US'))).toBe(false);
    expect(new Set(ids).size).toBe(ids.length);
    const cny = a.events.find((e) => e.event_id === 'CAMPAIGN.lunar_new_year_travel.CN.travel_hospitality')!;
    expect(cny.start).toBe(dayBucket(hz, '2026-02-10'));
  });
});

describe('5A surfaces are products of the factors', () => {
  it('horizon weights and the value columns agree with a direct evaluation', () => {
    const cat = buildShapeCatalogue(p.shapes, p.classes.classes);
    const H = hz.H;
    const overlays = new Float64Array(2 * H).fill(1);
    overlays[5] = 1.5;
    overlays[H + 100] = 0.5;
    const t = compileTimetable(['Asia/Kolkata', 'America/New_York'], {
      horizonStartUs: Date.UTC(2025, 11, 1) * 1000,
      horizonEndUs: Date.UTC(2026, 4, 1) * 1000,
      scanStepSeconds: 3600,
    });
    const utcLocal = utcToLocalBucketTable(t, [0, 1], H);
    const s = { hz, shapes: cat.values, overlays, utcLocal, cellShape: Int32Array.of(3, 40), cellOverlay: Int32Array.of(0, 1), cellZone: Int32Array.of(0, 1) };
    const vol = Float64Array.of(100, 7);
    const wts = horizonWeights(s);
    const utc = surfaceValues('merchant_zone_scenario_utc_5A', s, vol, 0, 2);
    let a = 0;
    for (let h = 0; h < H; h++) a += utc[h];
    expect(a / 100).toBeCloseTo(wts[0], 10);
    const loc = surfaceValues('merchant_zone_scenario_local_5A', s, vol, 0, 2);
    expect(loc[5]).toBe(100 * cat.values[3 * 168 + weekBucket(hz, 5)] * 1.5);
    expect(loc[H + 100]).toBe(7 * cat.values[40 * 168 + weekBucket(hz, 100)] * 0.5);
    const lh = utcLocal[0];
    expect(utc[0]).toBe(lh >= 0 ? 100 * cat.values[3 * 168 + weekBucket(hz, lh)] * overlays[lh] : 100 * cat.values[3 * 168 + weekBucket(hz, lh)]);
    expect(lh).toBe(localBucketOfUtc(t, 0, 0));
  });
});
