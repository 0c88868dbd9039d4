// 2A.S1 lookup on the sealed polygons (geo-tz comprehensive) and the ladder on a stub world.
// Border points are real polygon vertices shared by two zones of the sealed data (geo-tz 8.1.9).
import { describe, it, expect } from 'vitest';
import { TzResolver, displace } from '../src/laws/tz/resolve.js';
import { countryZones, loadTzWorld, icuCanonical, tzdbIdentity } from '../src/reference/tzworld.js';
import { loadCountries } from '../src/reference/countries.js';

const world = loadTzWorld();
const cz = countryZones(
  world,
  loadCountries().countries.map((c) => c.iso2),
);
const EPS = 0.002;
const LOOKUP = { ring_search: { max_radius_deg: 4, bearings: 16, min_cos_lat: 0.05 } };
const R = new TzResolver(world, cz, EPS, LOOKUP);

describe('sealed tz_world and tzdb identity', () => {
  it('seals the comprehensive product by digest; every polygon zone is known to the runtime tzdb', () => {
    expect(world.source).toMatch(/^geo-tz@\d+\.\d+\.\d+\/data\/timezones\.geojson/);
    expect(world.files.map((f) => f.file)).toEqual(['data/timezones.geojson.geo.dat', 'data/timezones.geojson.index.json']);
    expect(world.sha256_hex).toMatch(/^[0-9a-f]{64}$/);
    expect(world.zones.length).toBeGreaterThan(400);
    expect(world.zones).toContain('Asia/Aden'); // comprehensive: one zone per country at least
    // every answer find() can give is in the domain, sea points included
    for (const [lat, lon] of [
      [0, -30],
      [-60.5, 179.5],
      [-60.5, -179.5],
      [10, 100.2],
      [45, 7.5],
    ])
      for (const z of world.find(lat, lon)) expect(world.zones, `${lat},${lon}`).toContain(z);
    for (const z of world.zones) expect(() => icuCanonical(z), z).not.toThrow();
    const t = tzdbIdentity();
    expect(t.tzdata_version).toBe(process.versions.tz);
    expect(t.sha256_hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('CLDR country zones map onto tz_world spellings (ICU Asia/Calcutta → Asia/Kolkata)', () => {
    expect(cz.byCountry.get('IN')).toEqual(['Asia/Kolkata']);
    expect(cz.byCountry.get('FR')).toEqual(['Europe/Paris']);
    expect(cz.byCountry.get('UA')).toContain('Europe/Kyiv');
    expect(cz.byCountry.get('US')!.length).toBeGreaterThan(20);
    expect(cz.countryOf.get('Australia/Lord_Howe')).toBe('AU');
    expect(cz.unmatched).toEqual([]);
    // CLDR lists no zone for uninhabited Bouvet / Heard & McDonald, nor for Kosovo (not an ISO region in CLDR):
    // those sites trust the polygon (XK → Europe/Belgrade)
    const none = loadCountries()
      .countries.filter((c) => cz.byCountry.get(c.iso2)!.length === 0)
      .map((c) => c.iso2);
    expect(none).toEqual(['BV', 'HM', 'XK']);
    expect(R.resolve(42.6629, 21.1655, 'XK')).toEqual({ tzid: 'Europe/Belgrade', method: 'polygon', candidates: 1 });
  });
});

describe('S1 lookup on real polygons', () => {
  const cases: [string, number, number, string, string, string][] = [
    ['Paris', 48.8566, 2.3522, 'FR', 'Europe/Paris', 'polygon'],
    ['New York', 40.7128, -74.006, 'US', 'America/New_York', 'polygon'],
    ['Delhi', 28.6139, 77.209, 'IN', 'Asia/Kolkata', 'polygon'],
    ['Sydney', -33.8688, 151.2093, 'AU', 'Australia/Sydney', 'polygon'],
    ['Lord Howe Island', -31.5553, 159.0821, 'AU', 'Australia/Lord_Howe', 'polygon'],
    ['Aden', 12.7855, 45.0187, 'YE', 'Asia/Aden', 'polygon'],
    ['Phoenix (no DST)', 33.4484, -112.074, 'US', 'America/Phoenix', 'polygon'],
    ['El Paso (Mountain, not Central)', 31.7619, -106.485, 'US', 'America/Denver', 'polygon'],
    ['Kathmandu', 27.7172, 85.324, 'NP', 'Asia/Kathmandu', 'polygon'],
    ['Gaza', 31.5017, 34.4668, 'PS', 'Asia/Gaza', 'polygon'],
    ['Hebron', 31.5326, 35.0998, 'PS', 'Asia/Hebron', 'polygon'],
  ];
  it.each(cases)('%s → %s', (_, lat, lon, iso, tz, method) => {
    expect(R.resolve(lat, lon, iso)).toMatchObject({ tzid: tz, method, candidates: 1 });
  });

  it('FR/DE border vertex: both polygons contain it; the legal country decides, no nudge', () => {
    const [lat, lon] = [48.968212, 8.201073];
    expect(R.land(lat, lon)).toEqual(['Europe/Berlin', 'Europe/Paris']);
    expect(R.resolve(lat, lon, 'FR')).toEqual({ tzid: 'Europe/Paris', method: 'polygon_in_country', candidates: 2 });
    expect(R.resolve(lat, lon, 'DE')).toEqual({ tzid: 'Europe/Berlin', method: 'polygon_in_country', candidates: 2 });
  });

  it('US border vertices between two US zones: one ε-nudge decides and is recorded', () => {
    for (const [lat, lon] of [
      [39.99997, -87.53223],
      [36.498777, -114.048603],
    ]) {
      const r = R.resolve(lat, lon, 'US');
      expect(r.candidates).toBe(2);
      expect(r.method).toBe('nudge');
      expect([r.nudgeLat, r.nudgeLon]).toEqual(displace(lat, lon, EPS, EPS));
      expect(R.land(r.nudgeLat!, r.nudgeLon!)).toEqual([r.tzid]);
    }
    expect(R.resolve(39.99997, -87.53223, 'US').tzid).toBe('America/Indiana/Indianapolis'); // NE of the vertex
  });

  it('overlapping polygons of one country (Xinjiang): ASCII tie-break, reported as overlap_tiebreak', () => {
    expect(R.resolve(43.8256, 87.6168, 'CN')).toMatchObject({ tzid: 'Asia/Shanghai', method: 'overlap_tiebreak', candidates: 2 });
  });

  it('country consistency: a single-zone country keeps its zone when the point falls across the border or at sea', () => {
    expect(R.resolve(50.8503, 4.3517, 'FR')).toEqual({ tzid: 'Europe/Paris', method: 'country_single', candidates: 1 }); // Brussels
    expect(R.resolve(53.0, -12.0, 'IE')).toMatchObject({ tzid: 'Europe/Dublin', method: 'country_single', candidates: 0 });
  });

  it('offshore site of a multi-zone country: ring search finds the nearest polygon of that country', () => {
    const r = R.resolve(39.5, -73.3, 'US');
    expect(r.method).toBe('nearest_in_country');
    expect(r.tzid).toBe('America/New_York');
    expect(R.land(r.nudgeLat!, r.nudgeLon!)).toContain('America/New_York');
    // deterministic: the same answer twice
    expect(R.resolve(39.5, -73.3, 'US')).toEqual(r);
  });

  it('nothing of the country within reach: keeps the polygon zone and marks it out of country', () => {
    expect(R.resolve(48.8566, 2.3522, 'US')).toEqual({ tzid: 'Europe/Paris', method: 'polygon_out_of_country', candidates: 1 });
  });

  it('an unknown country code trusts the polygon; at sea it falls back to the Etc sea zone', () => {
    expect(R.resolve(48.8566, 2.3522, 'ZZ')).toEqual({ tzid: 'Europe/Paris', method: 'polygon', candidates: 1 });
    expect(R.resolve(0, -140, 'ZZ')).toEqual({ tzid: 'Etc/GMT+9', method: 'sea_zone', candidates: 0 });
  });

  it('displace clamps latitude and wraps longitude into (-180, 180]', () => {
    expect(displace(89.999, 179.999, 0.002, 0.002)).toEqual([90, 179.999 + 0.002 - 360]);
    expect(displace(-89.9995, -180 + 0.001, -0.002, -0.002)).toEqual([-90, -180 + 0.001 - 0.002 + 360]);
    expect(displace(10, 179.999, 0, 0.001)).toEqual([10, 180]);
  });
});

describe('S1 ladder on a stub world', () => {
  const stub = (map: Record<string, string[]>) => ({ find: (lat: number, lon: number) => map[`${lat},${lon}`] ?? ['Etc/GMT'] });
  const cz2 = {
    byCountry: new Map([
      ['AA', ['Zone/A1', 'Zone/A2']],
      ['BB', ['Zone/B']],
    ]),
  };
  it('nudge when both candidates are in the country; overlap when the nudge is ambiguous too', () => {
    const [nl, no] = displace(1, 1, EPS, EPS);
    const r1 = new TzResolver(stub({ '1,1': ['Zone/A1', 'Zone/A2'], [`${nl},${no}`]: ['Zone/A2'] }), cz2, EPS, LOOKUP);
    expect(r1.resolve(1, 1, 'AA')).toEqual({ tzid: 'Zone/A2', method: 'nudge', candidates: 2, nudgeLat: nl, nudgeLon: no });
    const r2 = new TzResolver(stub({ '1,1': ['Zone/A2', 'Zone/A1'], [`${nl},${no}`]: ['Zone/A1', 'Zone/A2'] }), cz2, EPS, LOOKUP);
    expect(r2.resolve(1, 1, 'AA')).toEqual({ tzid: 'Zone/A1', method: 'overlap_tiebreak', candidates: 2 });
  });
  it('country_first when no polygon is found anywhere; country_single for one-zone countries', () => {
    const r = new TzResolver(stub({}), cz2, EPS, LOOKUP);
    expect(r.resolve(1, 1, 'AA')).toEqual({ tzid: 'Zone/A1', method: 'country_first', candidates: 0 });
    expect(r.resolve(1, 1, 'BB')).toEqual({ tzid: 'Zone/B', method: 'country_single', candidates: 0 });
  });
});
