// Segment 1B: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import type { Policies1B } from './policies.js';
import type { CountryShapes } from '../../laws/geo/shapes.js';
import type { TileIndex, TileReport, TileWeights, WeightReport } from './tiles.js';
import type { FlatGeometry } from './kernels_ref.js';

export const SHARD_PAIRS = 2048;

export const FAMILIES = {
  alloc: '1B.alloc_offset',
  assign: '1B.site_tile_assign',
  jitter: '1B.in_cell_jitter',
} as const;

export function isoKey(iso: string): bigint {
  return BigInt(iso.charCodeAt(0) * 256 + iso.charCodeAt(1));
}

/** Per-pair family keys [k0,k1,…] for (merchant_id, ISO2 as u64). */
export function pairKeys(
  ctx: { manifest_fingerprint: string; seed: bigint; parameter_hash: string },
  family: string,
  merchant: BigUint64Array,
  country: Int32Array,
  iso: string[],
): Uint32Array {
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, family);
  const out = new Uint32Array(merchant.length * 2);
  for (let i = 0; i < merchant.length; i++) {
    const [k0, k1] = fk.forIds(merchant[i], isoKey(iso[country[i]]));
    out[2 * i] = k0;
    out[2 * i + 1] = k1;
  }
  return out;
}

/** Everything 1B computed. Pairs are (merchant, legal country) in outlet_catalogue order; sites in PK order. */
export interface World1B {
  p: Policies1B;
  cs: CountryShapes;
  geo: FlatGeometry;
  tiles: TileIndex;
  tileReport: TileReport;
  weights: TileWeights;
  weightReport: WeightReport;
  /** cumulative weight_fp within each country, inclusive */
  cum: Float64Array;
  nPairs: number;
  pairMerchant: BigUint64Array;
  pairCountry: Int32Array;
  /** sites of pair i: [pairOff[i], pairOff[i+1]) */
  pairOff: Int32Array;
  nSites: number;
  siteOrder: Int32Array;
  /** S4: slot tiles per pair, ascending (global tile indexes) */
  slotTile: Int32Array;
  /** S5 */
  siteTile: Int32Array;
  siteU: Float64Array;
  /** S6 */
  lon: Float64Array;
  lat: Float64Array;
  attempts: Int32Array;
  fallback: Uint8Array;
  keys: Record<keyof typeof FAMILIES, Uint32Array>;
  trace: RngTrace;
}
