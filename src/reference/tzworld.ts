// IANA time-zone polygons (timezone-boundary-builder, "comprehensive" product) through `geo-tz/all`,
// sealed by the digest of the two data files geo-tz reads, plus Node's ICU time-zone identity.
//
// Why the comprehensive product: it keeps at least one zone per country (Asia/Aden for Yemen, not
// the 1970-alike Asia/Riyadh), so a site's zone can be checked against its legal country.
// Country ↔ zone membership comes from ICU/CLDR (Intl.Locale#timeZones), the same runtime data that
// compiles the timetables (src/segments/2A/timetable.ts), so both sides of every comparison share one source.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { asciiCompare, sha256Hex, canonicalJson } from '../core/hash.js';

const require = createRequire(import.meta.url);

export interface TzWorld {
  id: 'tz_world_tbb_comprehensive';
  source: string;
  /** sha256 over canonical JSON of the per-file digests below */
  sha256_hex: string;
  files: { file: string; sha256_hex: string; bytes: number }[];
  /** every tzid find() may return (the tz_world domain): the polygon zones and the nautical sea zones, ASCII order */
  zones: string[];
  /** polygon lookup: tzids whose polygons contain the point (ocean points give Etc/GMT±N) */
  find(lat: number, lon: number): string[];
}

let cached: TzWorld | undefined;

/** geo-tz's answers for points outside every polygon: the 25 nautical zones Etc/GMT-12 … Etc/GMT+12 (15° of
 *  longitude each). They are not in the polygon index, but a point at sea (a 3B edge, a 2A sea_zone site)
 *  gets one, so the domain — and 2A's timetable compiled over it — must hold them. */
export const SEA_ZONES: readonly string[] = ['Etc/GMT', ...Array.from({ length: 12 }, (_, i) => [`Etc/GMT+${i + 1}`, `Etc/GMT-${i + 1}`]).flat()];

/** Decoded polygon leaves kept in memory (of ~21,500). With sites visited in spatial order 256 leaves keep
 *  S1 as fast as an unbounded cache on a small world while capping the geometry heap near 150 MB. */
export const GEO_CACHE_LEAVES = 256;

/** Map-like least-recently-used store (the `store` option of geo-tz's setCache). */
export class LruStore<V> {
  private readonly m = new Map<string, V>();
  constructor(readonly capacity: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.capacity) this.m.delete(this.m.keys().next().value as string);
  }
  get size(): number {
    return this.m.size;
  }
}

function dataDir(): { pkgDir: string; datDir: string; version: string } {
  const entry = require.resolve('geo-tz/all');
  const pkgDir = join(dirname(entry), '..');
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version as string;
  // geo-tz reads its index from the package and the geometry from GEO_TZ_DATA_PATH when set:
  // seal exactly the files it will read.
  return { pkgDir, datDir: process.env.GEO_TZ_DATA_PATH || join(pkgDir, 'data'), version };
}

export function loadTzWorld(): TzWorld {
  if (cached) return cached;
  const { pkgDir, datDir, version } = dataDir();
  const indexPath = join(pkgDir, 'data', 'timezones.geojson.index.json');
  const datPath = join(datDir, 'timezones.geojson.geo.dat');
  const indexBytes = readFileSync(indexPath);
  const datBytes = readFileSync(datPath);
  const files = [
    { file: 'data/timezones.geojson.geo.dat', sha256_hex: sha256Hex(datBytes), bytes: datBytes.length },
    { file: 'data/timezones.geojson.index.json', sha256_hex: sha256Hex(indexBytes), bytes: indexBytes.length },
  ];
  const zones = [...new Set([...(JSON.parse(indexBytes.toString('utf8')).timezones as string[]), ...SEA_ZONES])].sort(asciiCompare);
  const geo = require('geo-tz/all') as { find(lat: number, lon: number): string[]; setCache(o: { store: LruStore<unknown> }): void };
  // geo-tz decodes quadtree leaves lazily into an unbounded Map (all of them ≈ 1.6 GB); a bounded LRU
  // keeps memory independent of world size (callers visit sites in spatial order, see 2A.S1)
  geo.setCache({ store: new LruStore(GEO_CACHE_LEAVES) });
  cached = {
    id: 'tz_world_tbb_comprehensive',
    source: `geo-tz@${version}/data/timezones.geojson.{geo.dat,index.json}`,
    sha256_hex: sha256Hex(canonicalJson(files)),
    files,
    zones,
    find: (lat, lon) => geo.find(lat, lon),
  };
  return cached;
}

/** A zone is "land" unless it is one of the Etc/* sea or UTC zones geo-tz returns outside all polygons. */
export const isLandZone = (z: string): boolean => !z.startsWith('Etc/');

// ── ICU / tzdb side ───────────────────────────────────────────────────────────────────────────

const canonCache = new Map<string, string>();
/** ICU's canonical id for a tzid (e.g. Asia/Kolkata → Asia/Calcutta on ICU 78); throws if ICU does not know it. */
export function icuCanonical(tz: string): string {
  let c = canonCache.get(tz);
  if (c === undefined) {
    c = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    canonCache.set(tz, c);
  }
  return c;
}

/** Whether the runtime's tzdb (ICU) knows this tzid. */
export function validInTzdb(tz: string): boolean {
  try {
    icuCanonical(tz);
    return true;
  } catch {
    return false;
  }
}

/** ICU's zones for a region (CLDR), in ICU's canonical spelling; [] if the region is unknown. */
export function icuRegionZones(iso2: string): string[] {
  try {
    const loc = new Intl.Locale(`und-${iso2}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
    const z = typeof loc.getTimeZones === 'function' ? loc.getTimeZones() : loc.timeZones;
    return z ? [...z] : [];
  } catch {
    return [];
  }
}

export interface TzdbIdentity {
  id: 'tzdb_node_icu';
  source: string;
  sha256_hex: string;
  icu_version: string;
  tzdata_version: string;
  node_version: string;
}

let tzdbCached: TzdbIdentity | undefined;

/**
 * The sealed identity of the runtime tzdb: versions plus a probe of every ICU zone's UTC offset at
 * two instants per year over 1970–2040, so a patched tzdata with unchanged version strings still
 * changes the fingerprint. (The exact compiled table is digested again in 2A.S3.)
 */
export function tzdbIdentity(): TzdbIdentity {
  if (tzdbCached) return tzdbCached;
  const v = process.versions as Record<string, string | undefined>;
  const zones = Intl.supportedValuesOf('timeZone');
  const probe: string[] = [];
  for (const z of zones) {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: z, timeZoneName: 'longOffset' });
    const parts: string[] = [z];
    for (let y = 1970; y <= 2040; y += 1) {
      parts.push(f.format(Date.UTC(y, 0, 15)).split(', ')[1], f.format(Date.UTC(y, 6, 15)).split(', ')[1]);
    }
    probe.push(parts.join(' '));
  }
  // the Node version itself is not hashed: only the ICU data can change civil time
  const ids = { icu: v.icu ?? '', tz: v.tz ?? '', zones: zones.length, probe_sha256: sha256Hex(probe.join('\n')) };
  tzdbCached = {
    id: 'tzdb_node_icu',
    source: `node@${process.version} icu@${ids.icu} tzdata@${ids.tz} (Intl)`,
    sha256_hex: sha256Hex(canonicalJson(ids)),
    icu_version: ids.icu,
    tzdata_version: ids.tz,
    node_version: process.version,
  };
  return tzdbCached;
}

// ── country ↔ zone, in tz_world spelling ──────────────────────────────────────────────────────

export interface CountryZones {
  /** iso2 → tz_world zones of that country (ASCII order); [] when ICU knows no zone for it */
  byCountry: Map<string, string[]>;
  /** tz_world zone → owning country (CLDR), when any */
  countryOf: Map<string, string>;
  /** ICU region zones with no tz_world polygon (reported, never assigned) */
  unmatched: string[];
}

export function countryZones(world: TzWorld, isos: string[]): CountryZones {
  const byCanon = new Map<string, string>();
  for (const z of world.zones) {
    const c = icuCanonical(z);
    const prev = byCanon.get(c);
    // two spellings of one ICU zone: keep the ASCII-first, deterministically
    if (prev === undefined || asciiCompare(z, prev) < 0) byCanon.set(c, z);
  }
  const byCountry = new Map<string, string[]>();
  const countryOf = new Map<string, string>();
  const unmatched: string[] = [];
  for (const iso of [...isos].sort(asciiCompare)) {
    const zs: string[] = [];
    for (const raw of icuRegionZones(iso)) {
      const w = byCanon.get(icuCanonical(raw));
      if (w === undefined) unmatched.push(`${iso}:${raw}`);
      else if (!zs.includes(w)) zs.push(w);
    }
    zs.sort(asciiCompare);
    byCountry.set(iso, zs);
    for (const z of zs) if (!countryOf.has(z)) countryOf.set(z, iso);
  }
  return { byCountry, countryOf, unmatched };
}
