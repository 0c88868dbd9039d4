// Segment 1B: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
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
