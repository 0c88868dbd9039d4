// Typed views of the 1A policy files (schemas in contracts/policies/layer1.1A.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';

type Channel = { card_present: number; card_not_present: number };
export interface EconomyPolicy {
  unlisted: { gdp_usd_bn: number; gdp_pc_usd: number };
  home_weight_exponent: number;
  gdp_pc_bucket_edges: number[];
  countries: Record<string, { gdp_usd_bn: number; gdp_pc_usd: number }>;
}
export interface UniversePolicy {
  merchant_id_start: number;
  mccs: { mcc: number; class: string; weight: number; p_cnp: number }[];
}
export interface HurdlePolicy {
  intercept: number;
  channel: Channel;
  gdp_bucket: number[];
  class: Record<string, number>;
  mcc_override: Record<string, number>;
}
export interface NbPolicy {
  mu: { intercept: number; channel: Channel; class: Record<string, number> };
  phi: { intercept: number; channel: Channel; class: Record<string, number>; ln_gdp_pc_slope: number };
  max_attempts: number;
}
export interface EligibilityRule {
  id: string;
  decision: 'allow' | 'deny';
  priority: number;
  home_iso?: string[];
  channel?: string[];
  mcc?: number[];
}
export interface CrossborderPolicy {
  eligibility: { rule_set: string; default_decision: 'allow' | 'deny'; rules: EligibilityRule[] };
  country_sets: Record<string, string[]>;
  ladder: { id: string; priority: number; n_min: number; n_max?: number; admit: string[] }[];
  deny_sets: string[];
  max_candidates: number;
  ztp: { theta0: number; theta1: number; theta2: number; max_zero_attempts: number; exhaustion_policy: 'downgrade_domestic' | 'abort' };
  openness: { bucket_base: number[]; channel: Channel; class_tilt: Record<string, number> };
  allocation: { residual_dp: number; home_floor_tiers: { n_max: number; home_share_min: number }[] };
}
export interface CurrencyPolicy {
  dp: number;
  defaults: { blend_weight: number; alpha: number; n_eff: number; min_share: number };
  per_currency: Record<string, Partial<{ blend_weight: number; alpha: number; n_eff: number; min_share: number }>>;
  trade_exponent: number;
  sparse_threshold_countries: number;
}
export interface ValidationPolicy {
  replay_sample_merchants: number;
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}

export interface Policies1A {
  economy: EconomyPolicy;
  universe: UniversePolicy;
  hurdle: HurdlePolicy;
  nb: NbPolicy;
  crossborder: CrossborderPolicy;
  currency: CurrencyPolicy;
  validation: ValidationPolicy;
  /** logical names of the files, for the S0 receipt */
  files: string[];
}

const P = 'layer1/1A/';
export function load1A(pack: PolicyPack): Policies1A {
  const names = ['economy', 'merchant_universe', 'hurdle', 'nb_outlets', 'crossborder', 'currency_weights', 'validation'].map((n) => `${P}${n}.yaml`);
  const [economy, universe, hurdle, nb, crossborder, currency, validation] = names.map((n) => policy<unknown>(pack, n));
  return {
    economy: economy as EconomyPolicy,
    universe: universe as UniversePolicy,
    hurdle: hurdle as HurdlePolicy,
    nb: nb as NbPolicy,
    crossborder: crossborder as CrossborderPolicy,
    currency: currency as CurrencyPolicy,
    validation: validation as ValidationPolicy,
    files: names,
  };
}
