// Typed views of the 3B policy files (schemas in contracts/policies/layer1.3B.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';

export type VirtualMode = 'VIRTUAL_ONLY' | 'HYBRID' | 'NON_VIRTUAL';
export const MODES: readonly VirtualMode[] = ['NON_VIRTUAL', 'HYBRID', 'VIRTUAL_ONLY'];

export interface VirtualRule {
  rule_id: string;
  priority: number;
  mccs?: number[];
  channels?: ('card_present' | 'card_not_present')[];
  min_outlets?: number;
  max_outlets?: number;
  mode: VirtualMode;
}
export interface RulesPolicy {
  policy_id: string;
  policy_version: string;
  default_mode: VirtualMode;
  hybrid_virtual_share: number;
  rules: VirtualRule[];
  overrides: { merchant_id: number; mode: VirtualMode; notes?: string }[];
}
export interface CdnWeightsPolicy {
  policy_id: string;
  policy_version: string;
  source: string;
  tail_weight: number;
  countries: Record<string, number>;
}
export interface EdgesPolicy {
  policy_id: string;
  policy_version: string;
  edge_count: {
    base_mu: number;
    outlets_exponent: number;
    countries_exponent: number;
    phi: number;
    min_edges: number;
    max_edges: number;
    mode_multiplier: { VIRTUAL_ONLY: number; HYBRID: number };
    class_multiplier: Record<string, number>;
    default_class_multiplier: number;
  };
  reach: { base_km: number; edges_elasticity: number; sigma: number };
  country_mix: { weight_exponent: number; global_floor: number; settlement_boost: number; footprint_boost: number };
  placement: { cities_per_country: number; min_city_population: number; city_weight_exponent: number; jitter_km: number; max_attempts: number };
  weights: { city_share_exponent: number };
  alias: { layout_version: string; quantised_bits: number; prob_qbits: number; alignment_bytes: number };
}
export interface SettlementPolicy {
  policy_id: string;
  policy_version: string;
  coord_source_id: string;
  max_candidates: number;
  buckets: { first_rank: number; last_rank: number; probability: number }[];
  population_offset: number;
  population_exponent: number;
}
export interface RoutingPolicy {
  routing_policy_id: string;
  routing_policy_version: string;
  dual_timezone_semantics: { tzid_settlement_field: string; tzid_operational_field: string; settlement_cutoff_rule: string };
  geo_field_bindings: { ip_country_field: string; ip_latitude_field: string; ip_longitude_field: string };
  virtual_edge_rng_binding: { module: string; substream_label: string; event_schema: string };
}
export interface Validation3B {
  virtual_validation_policy_id: string;
  virtual_validation_policy_version: string;
  replay_sample_merchants: number;
  ip_country_tolerance: number;
  cutoff_tolerance_seconds: number;
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}

export interface Policies3B {
  rules: RulesPolicy;
  cdn: CdnWeightsPolicy;
  edges: EdgesPolicy;
  settlement: SettlementPolicy;
  routing: RoutingPolicy;
  validation: Validation3B;
  files: Record<'rules' | 'cdn' | 'edges' | 'settlement' | 'routing' | 'validation', string>;
  bytes: Record<'rules' | 'cdn' | 'edges' | 'settlement' | 'routing' | 'validation', Uint8Array>;
}

const P = 'layer1/3B/';
export function load3B(pack: PolicyPack): Policies3B {
  const files = {
    rules: `${P}virtual_rules.yaml`,
    cdn: `${P}cdn_country_weights.yaml`,
    edges: `${P}edges.yaml`,
    settlement: `${P}settlement.yaml`,
    routing: `${P}routing.yaml`,
    validation: `${P}validation.yaml`,
  };
  const raw = (name: string) => pack.files.find((f) => f.name === name)?.bytes ?? new Uint8Array(0);
  return {
    rules: policy<RulesPolicy>(pack, files.rules),
    cdn: policy<CdnWeightsPolicy>(pack, files.cdn),
    edges: policy<EdgesPolicy>(pack, files.edges),
    settlement: policy<SettlementPolicy>(pack, files.settlement),
    routing: policy<RoutingPolicy>(pack, files.routing),
    validation: policy<Validation3B>(pack, files.validation),
    files,
    bytes: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, raw(v)])) as Policies3B['bytes'],
  };
}
