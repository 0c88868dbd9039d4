// Typed views of the 3A policy files (schemas in contracts/policies/layer1.3A.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';

export type EscalationMetric = 'site_count_lt' | 'site_count_ge' | 'zone_count_country_le' | 'zone_count_country_ge';
export type DecisionReason = 'below_min_sites' | 'forced_monolithic' | 'forced_escalation' | 'default_escalation' | 'legacy_default';

export interface MixturePolicy {
  policy_id: string;
  policy_version: string;
  meaningful_zone_share: number;
  rules: { metric: EscalationMetric; threshold: number; decision_reason: 'below_min_sites' | 'forced_monolithic' | 'forced_escalation' }[];
  default_escalation: { theta_mix: number; site_count_slope: number; cap: number };
  dispersion: { concentration_base: number; concentration_per_site: number; prior_weight: number; alpha_floor: number };
  share_units_dp: number;
}
export interface AlphasPolicy {
  prior_pack_id: string;
  prior_pack_version: string;
  mass_basis: string;
  countries: Record<string, { tzid: string; alpha: number }[]>;
}
export interface FloorPolicy {
  floor_policy_id: string;
  floor_policy_version: string;
  default_floor: number;
  floors: { tzid: string; floor_value: number; notes?: string }[];
}
export interface Validation3A {
  replay_sample_pairs: number;
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}

export interface Policies3A {
  mixture: MixturePolicy;
  alphas: AlphasPolicy;
  floors: FloorPolicy;
  validation: Validation3A;
  /** raw bytes of each file, for the universe-hash digests */
  bytes: { mixture: Uint8Array; alphas: Uint8Array; floors: Uint8Array };
  files: { mixture: string; alphas: string; floors: string; validation: string };
}

const P = 'layer1/3A/';
export function load3A(pack: PolicyPack): Policies3A {
  const files = { mixture: `${P}zone_mixture.yaml`, alphas: `${P}zone_alphas.yaml`, floors: `${P}zone_floors.yaml`, validation: `${P}validation.yaml` };
  const raw = (name: string) => pack.files.find((f) => f.name === name)!.bytes;
  return {
    mixture: policy<MixturePolicy>(pack, files.mixture),
    alphas: policy<AlphasPolicy>(pack, files.alphas),
    floors: policy<FloorPolicy>(pack, files.floors),
    validation: policy<Validation3A>(pack, files.validation),
    bytes: { mixture: raw(files.mixture), alphas: raw(files.alphas), floors: raw(files.floors) },
    files,
  };
}
