// Segment 5A: the world its states build and share, its RNG families and shard sizes.
import type { Timetable } from '../../laws/time/timetable.js';
import type { Policies5A, ChannelGroup } from './policies.js';
import type { ZoneRole } from './classes.js';
import type { ShapeCatalogue } from './shapes.js';
import type { Horizon } from '../../laws/time/grid.js';
import type { Calendar } from './calendar.js';
import type { SurfaceInputs } from './surfaces.js';

export type VirtualMode = 'NON_VIRTUAL' | 'HYBRID' | 'VIRTUAL_ONLY';

export interface Inputs5A {
  /** zone_alloc rows in (merchant_id, legal_country_iso, tzid) order */
  cellMerchant: BigUint64Array;
  cellCountry: string[];
  cellTzid: string[];
  zoneSites: Int32Array;
  countrySites: Int32Array;
  zoneShare: Float64Array;
  /** merchants (merchant_id order) */
  merchant: BigUint64Array;
  mcc: Int32Array;
  channel: string[];
  virtualMode: VirtualMode[];
}

export interface World5A {
  p: Policies5A;
  in: Inputs5A;
  hz: Horizon;
  // per merchant
  mClass: string[];
  mSector: string[];
  mChannel: ChannelGroup[];
  mU: Float64Array;
  mCell0: Int32Array; // first cell of merchant i; cells [mCell0[i], mCell0[i+1])
  // per cell
  cellM: Int32Array;
  role: ZoneRole[];
  raw: Float64Array;
  capped: number;
  volume: Float64Array;
  cellShape: Int32Array;
  cellProfile: string[];
  cellOverlay: Int32Array;
  cellZone: Int32Array;
  weight: Float64Array;
  worldFactor: number;
  // S2
  shapes: ShapeCatalogue;
  // S4
  calendar: Calendar;
  overlayKeys: { country: string; tzid: string; demand_class: string }[];
  overlays: Float64Array;
  usedEvents: Set<string>;
  zones: string[];
  utcLocal: Int32Array;
  timetable: Timetable;
  surf: SurfaceInputs;
}
