// Country polygons from the `world-atlas` npm package (Natural Earth 1:50m admin-0, TopoJSON),
// converted to GeoJSON-like polygons with topojson-client's `feature`, sealed by file digest.
// Features carry the ISO 3166-1 numeric code as `id` (a few carry none: see config/layer1/1B/geometry.yaml).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sha256Hex } from '../core/hash.js';

/** One polygon: rings of [lon, lat] points, the first ring the outer boundary, the rest holes. */
export type Ring = number[][];
export type Polygon = Ring[];

export interface AtlasFeature {
  /** ISO 3166-1 numeric code as the package spells it ("004"), or '' when the feature has none */
  id: string;
  name: string;
  polygons: Polygon[];
}

export interface AtlasRef {
  id: 'world_atlas_countries_50m';
  source: string;
  sha256_hex: string;
  features: AtlasFeature[];
}

export const ATLAS_FILE = 'countries-50m.json';
let cached: AtlasRef | undefined;

export function atlasDigest(): { source: string; sha256_hex: string } {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('world-atlas/package.json'), 'utf8'));
  return { source: `world-atlas@${pkg.version}/${ATLAS_FILE}`, sha256_hex: sha256Hex(readFileSync(require.resolve(`world-atlas/${ATLAS_FILE}`))) };
}

export function loadAtlas(): AtlasRef {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('world-atlas/package.json'), 'utf8'));
  const bytes = readFileSync(require.resolve(`world-atlas/${ATLAS_FILE}`));
  const topo = JSON.parse(bytes.toString('utf8'));
  const { feature } = require('topojson-client') as { feature: (t: unknown, o: unknown) => any };
  const fc = feature(topo, topo.objects.countries);
  const features: AtlasFeature[] = (fc.features as any[]).map((f) => {
    const g = f.geometry;
    const polygons: Polygon[] = !g ? [] : g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    return { id: typeof f.id === 'string' ? f.id : '', name: String(f.properties?.name ?? ''), polygons };
  });
  cached = { id: 'world_atlas_countries_50m', source: `world-atlas@${pkg.version}/${ATLAS_FILE}`, sha256_hex: sha256Hex(bytes), features };
  return cached;
}
