// Segment 3B: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import type { Policies3B, VirtualMode } from './policies.js';
import type { GeoRef } from './geo.js';
import type { PlacementTables } from './model.js';
import type { Inputs3B } from './inputs.js';

export const SHARD_MERCHANTS = 1024;

export const SHARD_EDGES = 16384;

export const FAMILIES = {
  settlement: '3B.settlement',
  plan: '3B.edge_plan',
  place: '3B.edge_place',
} as const;

export interface World3B {
  p: Policies3B;
  in: Inputs3B;
  geo: GeoRef;
  // S1, every merchant
  mode: VirtualMode[];
  reason: string[];
  ruleId: (string | null)[];
  virtualShare: Float64Array;
  // virtual merchants (merchant order), index v
  vIdx: Int32Array;
  settle: {
    lat: Float64Array;
    lon: Float64Array;
    tzid: string[];
    tzSource: string[];
    geonameid: Int32Array;
    bucket: Int32Array;
    siteId: string[];
    country: string[];
  };
  // S2 per virtual merchant
  E: Int32Array;
  reach: Float64Array;
  edgeOff: Int32Array;
  tables: PlacementTables;
  // S2 per edge (merchant, edge_seq_index order)
  country: Int32Array;
  city: Int32Array;
  lat: Float64Array;
  lon: Float64Array;
  pc: Float64Array;
  attempts: Int32Array;
  fallback: Uint8Array;
  tzid: string[];
  tzSource: string[];
  weight: Float64Array;
  edgeIds: string[];
  // S3
  words: Uint32Array;
  wordOff: Uint32Array;
  quantLeft: Int32Array;
  keys: { settlement: Uint32Array; plan: Uint32Array; place: Uint32Array };
  planDraws: Uint32Array;
  planBlocks: Uint32Array;
  placeDraws: Uint32Array;
  placeBlocks: Uint32Array;
  trace: RngTrace;
}
