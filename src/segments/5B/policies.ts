// Typed views of the 5B policy files (schemas in contracts/policies/layer2.5B.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';

type Mult = Record<string, number>;
export interface Policies5B {
  timeGrid: { scenario_id: string; horizon_start_utc: string; horizon_end_utc: string; bucket_seconds: number; weekend_days: number[] };
  grouping: { zone_group_buckets: number; in_stratum_buckets: number };
  lgcp: {
    sigma: { base: number; class_multipliers: Mult; channel_multipliers: Mult; virtual_multipliers: Mult; bounds: [number, number] };
    length_scale_buckets: { base: number; class_multipliers: Mult; bounds: [number, number] };
    clip: { min_factor: number; max_factor: number };
  };
  arrivals: { shard_target_arrivals: number; max_lambda_per_bucket: number };
  validation: {
    local_time_sample_rows: number;
    reread_parts: number;
    duckdb_memory_limit: string;
    total_vs_expected: [number, number];
    night_share: [number, number];
    weekend_share: [number, number];
  };
}

export function policies5B(pack: PolicyPack): Policies5B {
  const p = (n: string) => policy<any>(pack, `layer2/5B/${n}.yaml`);
  return { timeGrid: p('time_grid'), grouping: p('grouping'), lgcp: p('lgcp'), arrivals: p('arrivals'), validation: p('validation') };
}
