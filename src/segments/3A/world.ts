// Segment 3A: the world its states build and share, its RNG families, pair keys and shard sizes.
import { FamilyKeys } from '../../rng/keys.js';
import { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies3A } from './policies.js';
import type { Priors } from './s2_priors.js';
import type { Inputs3A } from './inputs.js';

export const SHARD_PAIRS = 4096;

export const FAMILIES = {
  escalation: '3A.escalation',
  dirichlet: '3A.zone_dirichlet',
} as const;

/** ISO2 as a u64 entity key part: (c0 << 8) | c1. */
export const isoKey = (iso: string): bigint => BigInt((iso.charCodeAt(0) << 8) | iso.charCodeAt(1));

/** Pair substream keys of a family, [k0,k1] per pair. */
export function pairKeys(
  ctx: Pick<RunContext, 'manifest_fingerprint' | 'seed' | 'parameter_hash'>,
  family: string,
  merchant: BigUint64Array,
  country: string[],
): Uint32Array {
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, family);
  const out = new Uint32Array(merchant.length * 2);
  for (let i = 0; i < merchant.length; i++) {
    const [k0, k1] = fk.forIds(merchant[i], isoKey(country[i]));
    out[2 * i] = k0;
    out[2 * i + 1] = k1;
  }
  return out;
}

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
