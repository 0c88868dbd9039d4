// Segment 3A: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import type { Policies3A } from './policies.js';
import type { Priors } from './s2_priors.js';
import type { Inputs3A } from './inputs.js';

export const SHARD_PAIRS = 4096;

export const FAMILIES = {
  escalation: '3A.escalation',
  dirichlet: '3A.zone_dirichlet',
} as const;

/** Everything 3A computed, pair order (merchant_id, country ASCII); zone rows tzid order within a pair. */
export interface World3A {
  p: Policies3A;
  priors: Priors;
  in: Inputs3A;
  zoneCountCountry: Int32Array;
  escP: Float64Array;
  escU: Float64Array;
  escalated: Uint8Array;
  reason: string[];
  /** per zone row: Dirichlet alpha (NaN for monolithic pairs) */
  alpha: Float64Array;
  share: Float64Array;
  units: Int32Array;
  unitRank: Int32Array;
  /** per zone row: 1 when the tzid is in the country's prior zone set */
  inPrior: Uint8Array;
  /** per pair: Dirichlet draws/blocks (0 when monolithic or one zone) */
  dirDraws: Uint32Array;
  dirBlocks: Uint32Array;
  keys: { escalation: Uint32Array; dirichlet: Uint32Array };
  trace: RngTrace;
}
