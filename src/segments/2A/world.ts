// Segment 2A: the world its states build and share, its RNG families and shard sizes.
import type { CountryZones, TzWorld } from '../../reference/tzworld.js';
import type { Policies2A } from './policies.js';
import type { Timetable } from '../../laws/time/timetable.js';
import type { Legality } from './s4_legality.js';

/** The sites 2A reads from site_locations, in (merchant_id, legal_country_iso, site_order) order. */
export interface Sites {
  n: number;
  merchantId: BigUint64Array;
  iso: string[]; // per row
  siteOrder: Int32Array;
  lat: Float64Array;
  lon: Float64Array;
}

export interface World2A {
  p: Policies2A;
  world: TzWorld;
  cz: CountryZones;
  sites: Sites;
  /** S1, per site: index into world.zones, METHODS index, polygon candidates, nudge point (NaN = none) */
  s1Tz: Int32Array;
  s1Method: Uint8Array;
  s1Cands: Int32Array;
  nudgeLat: Float64Array;
  nudgeLon: Float64Array;
  /** S2, per site: final index into world.zones, override scope (-1 none, else SCOPES index) */
  tz: Int32Array;
  overrideScope: Int8Array;
  timetable: Timetable;
  legality: Legality;
  /** merchant → mcc when mcc-scope overrides were consulted */
  mccUsed: boolean;
}
