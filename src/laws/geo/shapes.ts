// Country shapes for 1B, one per ISO 3166 country of the reference list (the same list and order
// 1A uses): Natural Earth features mapped to ISO2 by numeric code, the few unnamed features and
// the overseas parts Natural Earth keeps inside another country assigned per polygon by policy,
// every ring cleaned (geometry.ts), and a synthetic square for countries with no polygon at all.
import { loadCountries, numericToIso2 } from '../../reference/countries.js';
import { loadAtlas, type Polygon } from '../../reference/atlas.js';
import { loadCities } from '../../reference/cities.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { buildShape, chord2, cleanRing, emptyStats, type Pt, type RingStats, type Shape } from './geometry.js';

export interface ShapeReport {
  features_total: number;
  features_by_numeric_id: number;
  features_by_name: { name: string; iso: string[]; polygons: number }[];
  features_dropped: { name: string; reason: string }[];
  split_parts: { parent: string; iso: string; polygons: number }[];
  synthetic_countries: { iso: string; lon: number; lat: number; anchor: 'city' | 'reference_latlng' }[];
  rings: RingStats;
}

export interface CountryShapes {
  iso: string[];
  shapes: Shape[];
  synthetic: Uint8Array;
  report: ShapeReport;
}

/** Centroid of a polygon's outer ring, averaged on the unwrapped ring (so a ring across ±180 is not pulled to 0°). */
function outerCentroid(poly: Polygon): [number, number] {
  const r = poly[0];
  let x = r[0][0],
    sx = 0,
    sy = 0;
  for (let i = 0; i < r.length; i++) {
    if (i > 0) {
      let d = r[i][0] - r[i - 1][0];
      while (d > 180) d -= 360;
      while (d <= -180) d += 360;
      x += d;
    }
    sx += x;
    sy += r[i][1];
  }
  let cx = sx / r.length;
  while (cx > 180) cx -= 360;
  while (cx < -180) cx += 360;
  return [cx, sy / r.length];
}

export function buildCountryShapes(p: GeometryPolicy, bandDeg: number): CountryShapes {
  const countries = loadCountries().countries;
  const idx = new Map(countries.map((c, i) => [c.iso2, i]));
  const num = numericToIso2();
  const atlas = loadAtlas();
  const rings: Pt[][][] = countries.map(() => []);
  const st = emptyStats();
  const report: ShapeReport = {
    features_total: atlas.features.length,
    features_by_numeric_id: 0,
    features_by_name: [],
    features_dropped: [],
    split_parts: [],
    synthetic_countries: [],
    rings: st,
  };
  const needIso = (iso: string, where: string) => {
    const i = idx.get(iso);
    if (i === undefined)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `${iso} is not a country of the reference list`,
        `config/layer1/1B/geometry.yaml ${where}`,
        'use an ISO 3166-1 alpha-2 code listed by world-countries',
      );
    return i;
  };
  const splitCount = new Map<string, number>();
  for (const f of atlas.features) {
    let cands: string[];
    if (f.id) {
      const iso = num.get(f.id);
      if (!iso || !idx.has(iso)) {
        report.features_dropped.push({ name: f.name, reason: `numeric id ${f.id} is not in the reference country list` });
        continue;
      }
      report.features_by_numeric_id++;
      cands = [iso, ...(p.split_parts[iso] ?? [])];
    } else {
      const rule = p.unnamed_features.find((u) => u.name === f.name);
      if (!rule) {
        report.features_dropped.push({ name: f.name, reason: 'no ISO numeric id and no unnamed_features rule' });
        continue;
      }
      if (rule.iso.length === 0) {
        report.features_dropped.push({ name: f.name, reason: 'dropped by policy (unnamed_features iso: [])' });
        continue;
      }
      report.features_by_name.push({ name: f.name, iso: rule.iso, polygons: f.polygons.length });
      cands = rule.iso;
    }
    const ci = cands.map((iso) => needIso(iso, f.id ? `split_parts.${cands[0]}` : `unnamed_features ${f.name}`));
    for (const poly of f.polygons) {
      if (!poly.length || !poly[0].length) continue;
      let best = 0;
      if (ci.length > 1) {
        const [cx, cy] = outerCentroid(poly);
        let bd = Infinity;
        ci.forEach((c, k) => {
          const d = chord2(cx, cy, countries[c].lng, countries[c].lat);
          if (d < bd) {
            bd = d;
            best = k;
          }
        });
        if (f.id && best > 0) splitCount.set(`${cands[0]}>${cands[best]}`, (splitCount.get(`${cands[0]}>${cands[best]}`) ?? 0) + 1);
      }
      for (const ring of poly) rings[ci[best]].push(...cleanRing(ring, st));
    }
  }
  for (const [k, v] of [...splitCount.entries()].sort()) {
    const [parent, iso] = k.split('>');
    report.split_parts.push({ parent, iso, polygons: v });
  }
  // synthetic squares for countries left without a ring
  const cities = loadCities();
  const topCity = new Map<string, number>();
  for (let i = 0; i < cities.n; i++) {
    const iso = cities.countries[cities.country[i]];
    const cur = topCity.get(iso);
    if (cur === undefined || cities.population[i] > cities.population[cur]) topCity.set(iso, i);
  }
  const synthetic = new Uint8Array(countries.length);
  const h = p.synthetic_half_deg;
  countries.forEach((c, i) => {
    if (rings[i].length) return;
    const t = topCity.get(c.iso2);
    const lon = t !== undefined ? cities.lon[t] : c.lng;
    const lat = t !== undefined ? cities.lat[t] : c.lat;
    const sq = cleanRing(
      [
        [lon - h, lat - h],
        [lon + h, lat - h],
        [lon + h, lat + h],
        [lon - h, lat + h],
        [lon - h, lat - h],
      ],
      st,
    );
    rings[i].push(...sq);
    synthetic[i] = 1;
    report.synthetic_countries.push({ iso: c.iso2, lon, lat, anchor: t !== undefined ? 'city' : 'reference_latlng' });
  });
  return { iso: countries.map((c) => c.iso2), shapes: rings.map((r) => buildShape(r, bandDeg)), synthetic, report };
}

export interface Pin {
  source: string;
  sha256_hex: string;
}

export interface GeometryPolicy {
  reference: { atlas: Pin; cities: Pin; countries: Pin };
  unnamed_features: { name: string; iso: string[] }[];
  split_parts: Record<string, string[]>;
  synthetic_half_deg: number;
}
