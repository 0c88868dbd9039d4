// Segment 2B: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import type { Sites2B } from './inputs.js';
import type { Policies2B } from './policies.js';

export const SHARD_MERCHANTS = 1024;

/** S3/S4 rows are produced, encoded and dropped in chunks of whole shards of about this many rows. */
export const CHUNK_ROWS = 1 << 19;

export const FAMILIES = {
  weights: '2B.site_weights',
  profile: '2B.day_effect_profile',
  day: '2B.day_effects',
  selftest: '2B.router_selftest',
} as const;

export const COMPONENT_NAMES = ['hub_spoke', 'heavy_tail', 'near_uniform'];

/** Per-(merchant, day) summaries kept for S7 instead of the S3/S4 rows themselves. */
export interface DayStats {
  rows: number;
  gammaSum: number;
  zSum: number;
  zSq: number;
  clipped: number;
  /** sd of γ over each merchant's rows */
  merchantGammaSd: Float64Array;
  /** max |Σ_g p_group − 1| and min p / max p over all merchant-days */
  maxMassError: number;
  pMin: number;
  pMax: number;
  /** histogram (HIST_BINS bins over [0, 1]) of max p_group over merchant-days with ≥ 2 groups */
  maxPMultiHist: Uint32Array;
  multiDays: number;
  nonPositive: number;
}

export interface World2B {
  p: Policies2B;
  sites: Sites2B;
  // S1
  bucket: Int32Array;
  pWeight: Float64Array;
  mass: Uint32Array;
  floorApplied: Uint8Array;
  component: Int32Array;
  s1Flags: Int32Array;
  // S2
  wordOff: Uint32Array;
  blob: Uint32Array;
  sliceStatus: Int32Array;
  // S3/S4 per merchant / group row
  segment: Int32Array;
  baseShare: Float64Array;
  tzMult: Float64Array;
  sigma: Float64Array;
  jitter: Float64Array;
  phase: Float64Array;
  /** router group tables for every (merchant, day): q[G] alias[G] at 2·nDays·groupOff[m] + 2·d·G */
  dayTab: Uint32Array;
  dayStats: DayStats;
  /** S3/S4 rows of the replay-sample merchants (merchant index → rows) */
  sample: Map<number, { gamma: Float64Array; logGamma: Float64Array; pGroup: Float64Array }>;
  keys: { weights: Uint32Array; profile: Uint32Array; day: Uint32Array };
  trace: RngTrace;
  draws: { weights: Uint32Array; day: Uint32Array; profile: Uint32Array };
}

/** Evenly spaced merchant indices (at most k), the replay sample. */
export function sampleMerchants(n: number, k: number): number[] {
  const want = Math.min(n, k);
  const step = n / Math.max(want, 1);
  return Array.from({ length: want }, (_, i) => Math.floor(i * step));
}

export const HIST_BINS = 10000;
