// ISO-3166 countries and their currencies from the `world-countries` npm package, sealed by file digest.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sha256Hex, asciiCompare } from '../core/hash.js';

export interface Country {
  iso2: string;
  iso3: string;
  name: string;
  /** primary legal tender: the first currency the package lists (ISO 4217), '' if none */
  currency: string;
  currencies: string[];
  region: string;
  subregion: string;
  /** land neighbours, ISO2, A→Z */
  borders: string[];
  lat: number;
  lng: number;
}

export interface CountryRef {
  id: 'iso3166_world_countries';
  source: string;
  sha256_hex: string;
  version: string;
  countries: Country[];
  byIso: Map<string, Country>;
}

let cached: CountryRef | undefined;

export function loadCountries(): CountryRef {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const path = require.resolve('world-countries/countries.json');
  const pkg = JSON.parse(readFileSync(require.resolve('world-countries/package.json'), 'utf8'));
  const bytes = readFileSync(path);
  const raw = JSON.parse(bytes.toString('utf8')) as Array<Record<string, any>>;
  const iso3to2 = new Map(raw.map((c) => [c.cca3 as string, c.cca2 as string]));
  const countries: Country[] = raw
    .filter((c) => /^[A-Z]{2}$/.test(c.cca2))
    .map((c) => {
      const currencies = Object.keys(c.currencies ?? {}).filter((k) => /^[A-Z]{3}$/.test(k));
      return {
        iso2: c.cca2,
        iso3: c.cca3,
        name: c.name.common,
        currency: currencies[0] ?? '',
        currencies,
        region: c.region ?? '',
        subregion: c.subregion ?? '',
        borders: ((c.borders ?? []) as string[])
          .map((b) => iso3to2.get(b))
          .filter((x): x is string => !!x)
          .sort(asciiCompare),
        lat: c.latlng?.[0] ?? 0,
        lng: c.latlng?.[1] ?? 0,
      };
    })
    .sort((a, b) => asciiCompare(a.iso2, b.iso2));
  cached = {
    id: 'iso3166_world_countries',
    source: `world-countries@${pkg.version}/countries.json`,
    sha256_hex: sha256Hex(bytes),
    version: pkg.version,
    countries,
    byIso: new Map(countries.map((c) => [c.iso2, c])),
  };
  return cached;
}

/** ISO 3166 numeric code → alpha-2, for reference data keyed by numeric code (world-atlas features). */
export function numericToIso2(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const raw = JSON.parse(readFileSync(require.resolve('world-countries/countries.json'), 'utf8')) as Array<Record<string, any>>;
  const m = new Map<string, string>();
  for (const c of raw) if (typeof c.ccn3 === 'string' && c.ccn3 && /^[A-Z]{2}$/.test(c.cca2)) m.set(c.ccn3, c.cca2);
  return m;
}
