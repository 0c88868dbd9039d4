// Segment 1A: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import type { Policies1A } from './policies.js';
import type { Merchants } from './universe.js';
import { computeDesign } from './design.js';
import type { CandidateRow } from './candidates.js';
import { currencyWeights } from './currency.js';

export const SHARD_MERCHANTS = 2048;

export const FAMILIES = {
  universe: '1A.universe',
  hurdle: '1A.hurdle_bernoulli',
  nb: '1A.nb_outlets',
  ztp: '1A.ztp_foreign_count',
  gumbel: '1A.gumbel_membership',
} as const;

/** Everything 1A computed, in merchant order (and candidate order within a merchant). */
export interface World1A {
  p: Policies1A;
  m: Merchants;
  design: ReturnType<typeof computeDesign>;
  hurdleU: Float64Array;
  multi: Uint8Array;
  N: Int32Array;
  nbRej: Int32Array;
  candOff: Int32Array; // n+1
  cands: CandidateRow[];
  candWeight: Float64Array;
  lambda: Float64Array;
  kTarget: Int32Array;
  ztpAttempts: Int32Array;
  ztpExhausted: Uint8Array;
  gumbelKey: Float64Array;
  selOrder: Int32Array;
  kRealized: Int32Array;
  inDomain: Uint8Array;
  residual: Float64Array;
  residualRank: Int32Array;
  count: Int32Array;
  currency: string[];
  ccy: ReturnType<typeof currencyWeights>;
  keys: Record<keyof typeof FAMILIES, Uint32Array>;
  trace: RngTrace;
}
