// Segment 1A: the world its states build and share, its RNG families and shard sizes.
import { RngTrace } from '../../engine/trace.js';
import type { Policies1A } from './policies.js';

export const SHARD_MERCHANTS = 2048;

export const FAMILIES = {
  universe: '1A.universe',
  hurdle: '1A.hurdle_bernoulli',
  nb: '1A.nb_outlets',
  ztp: '1A.ztp_foreign_count',
  gumbel: '1A.gumbel_membership',
} as const;

export interface Merchants {
  n: number;
  id: BigUint64Array;
  mcc: Int32Array;
  /** 0 = card_present, 1 = card_not_present */
  cnp: Uint8Array;
  /** index into the sorted ISO country list */
  home: Int32Array;
  source: 'generated' | 'file';
}

export interface Design {
  bucket: Int32Array; // 1..5
  gdpPc: Float64Array;
  logit: Float64Array;
  pi: Float64Array;
  mu: Float64Array;
  phi: Float64Array;
  openness: Float64Array;
  eligible: Uint8Array;
  eligReason: string[];
}

export interface CandidateRow {
  iso: number; // country index
  rank: number;
  isHome: boolean;
  reason: string; // admitting rule id(s), A→Z, joined by '|'
}

export interface CurrencyWeights {
  currencies: string[]; // A→Z
  /** ulps[c][country] in units of 10^-dp */
  ulps: Map<string, Int32Array>;
  dp: number;
  sparse: Map<string, boolean>;
}

/** Everything 1A computed, in merchant order (and candidate order within a merchant). */
export interface World1A {
  p: Policies1A;
  m: Merchants;
  design: Design;
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
  ccy: CurrencyWeights;
  keys: Record<keyof typeof FAMILIES, Uint32Array>;
  trace: RngTrace;
}
