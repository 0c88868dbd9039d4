// Typed views of the 2B policy files (schemas in contracts/policies/layer1.2B.*.schema.json) plus
// the cross-field rules a JSON Schema cannot say.
import { policy, type PolicyPack } from '../../config/load.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { BucketParams, DayParams } from './kernels_ref.js';

type Components<T> = { hub_spoke: T; heavy_tail: T; near_uniform: T };
export const COMPONENTS = ['hub_spoke', 'heavy_tail', 'near_uniform'] as const;

export interface AliasLayoutPolicy {
  weight_source: 'profile_mixture_v2';
  profile_mixture: {
    buckets: { name: string; max_sites?: number; mixture: Components<number>; alpha: Components<number>; top1_soft_cap: number; min_secondary_mass: number }[];
  };
  floor_value: number;
  normalisation_epsilon: number;
  quantised_bits: number;
  quantisation_epsilon: number;
  layout: { layout_version: string; endianness: 'little'; alignment_bytes: number; prob_qbits: number; decode_law: string };
}

export interface DayEffectsPolicy {
  day_range: { start_day: string; end_day: string };
  sigma_gamma: number;
  sigma_profile: {
    enabled: boolean;
    segments: { name: string; max_sites?: number; sigma_base: number; weekly_amp: number }[];
    tz_multipliers: { default: number; prefix_rules: { prefix: string; multiplier: number }[] };
    merchant_jitter_amplitude: number;
    sigma_min: number;
    sigma_max: number;
    gamma_clip: { min: number; max: number };
  };
  group_mix_regularizer: {
    enabled: boolean;
    apply_when_groups_ge: number;
    regularization_strength: number;
    max_p_group_soft_cap: number;
    entropy_floor: number;
  };
}

export interface ValidationPolicy2B {
  replay_sample_merchants: number;
  router_selftest_arrivals: number;
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}

export interface Policies2B {
  alias: AliasLayoutPolicy;
  day: DayEffectsPolicy;
  validation: ValidationPolicy2B;
  /** day grid: epoch day of start_day, number of days, ISO weekday index (Mon = 0) of the first day */
  days: { start: number; count: number; dow0: number; start_day: string; end_day: string };
}

export const POLICY_FILES = { alias: 'layer1/2B/alias_layout.yaml', day: 'layer1/2B/day_effects.yaml', validation: 'layer1/2B/validation.yaml' } as const;

/** Epoch day (days since 1970-01-01 UTC) of a YYYY-MM-DD string, or NaN if it is not a real date. */
export function epochDay(iso: string): number {
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== iso) return NaN;
  return t / 86_400_000;
}

export function isoDay(epoch: number): string {
  return new Date(epoch * 86_400_000).toISOString().slice(0, 10);
}

function fileOf(pack: PolicyPack, name: string): string {
  return `${pack.dir}/${name}`;
}

/** Bucket index by site count: the first bucket whose max_sites covers n; the last bucket otherwise. */
export function bucketOf(buckets: { max_sites?: number }[], n: number): number {
  for (let i = 0; i < buckets.length; i++) {
    const m = buckets[i].max_sites;
    if (m === undefined || n <= m) return i;
  }
  return buckets.length - 1;
}

export function load2B(pack: PolicyPack): Policies2B {
  const alias = policy<AliasLayoutPolicy>(pack, POLICY_FILES.alias);
  const day = policy<DayEffectsPolicy>(pack, POLICY_FILES.day);
  const validation = policy<ValidationPolicy2B>(pack, POLICY_FILES.validation);
  const af = fileOf(pack, POLICY_FILES.alias);
  const df = fileOf(pack, POLICY_FILES.day);

  const checkBuckets = (list: { name: string; max_sites?: number }[], where: string) => {
    list.forEach((b, i) => {
      const last = i === list.length - 1;
      if (last !== (b.max_sites === undefined))
        fail(
          ErrorCodes.CONFIG_SCHEMA_VIOLATION,
          `${last ? 'the last entry must not' : 'every entry but the last must'} have max_sites`,
          `${where}[${i}]`,
          'give max_sites to all but the last (catch-all) entry',
        );
      if (i > 0 && b.max_sites !== undefined && b.max_sites <= list[i - 1].max_sites!)
        fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'max_sites must increase', `${where}[${i}].max_sites`, 'order entries by increasing max_sites');
    });
  };
  checkBuckets(alias.profile_mixture.buckets, `${af}: profile_mixture.buckets`);
  alias.profile_mixture.buckets.forEach((b, i) => {
    const s = COMPONENTS.reduce((a, c) => a + b.mixture[c], 0);
    if (!(s > 0))
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        'mixture weights sum to 0',
        `${af}: profile_mixture.buckets[${i}].mixture`,
        'give at least one profile a positive weight',
      );
  });
  const { quantised_bits: b, quantisation_epsilon: eq, layout } = alias;
  if (b > layout.prob_qbits)
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      `quantised_bits ${b} exceeds layout.prob_qbits ${layout.prob_qbits}, so alias thresholds could not hold the grid exactly`,
      `${af}: quantised_bits`,
      'use quantised_bits <= layout.prob_qbits',
    );
  if (eq < 2 ** -(b + 1))
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      `quantisation_epsilon ${eq} is below half a grid step (2^-${b + 1})`,
      `${af}: quantisation_epsilon`,
      `use at least ${2 ** -(b + 1)}`,
    );
  if (layout.decode_law !== `walker_vose_q0_${layout.prob_qbits}`)
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      `decode_law ${layout.decode_law} does not match prob_qbits ${layout.prob_qbits}`,
      `${af}: layout.decode_law`,
      `use walker_vose_q0_${layout.prob_qbits}`,
    );

  const start = epochDay(day.day_range.start_day);
  const end = epochDay(day.day_range.end_day);
  if (Number.isNaN(start))
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `${day.day_range.start_day} is not a calendar date`, `${df}: day_range.start_day`, 'use YYYY-MM-DD');
  if (Number.isNaN(end))
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `${day.day_range.end_day} is not a calendar date`, `${df}: day_range.end_day`, 'use YYYY-MM-DD');
  if (end < start) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'end_day is before start_day', `${df}: day_range`, 'swap them');
  if (end - start + 1 > 3660)
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `${end - start + 1} days is over the 10-year limit`, `${df}: day_range`, 'shorten the horizon');
  const sp = day.sigma_profile;
  checkBuckets(sp.segments, `${df}: sigma_profile.segments`);
  if (sp.sigma_min > sp.sigma_max) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'sigma_min > sigma_max', `${df}: sigma_profile`, 'swap them');
  if (!(sp.gamma_clip.min < 1 && sp.gamma_clip.max > 1))
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, 'gamma_clip must straddle 1', `${df}: sigma_profile.gamma_clip`, 'use min < 1 < max');
  const dow0 = (new Date(start * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
  return { alias, day, validation, days: { start, count: end - start + 1, dow0, start_day: day.day_range.start_day, end_day: day.day_range.end_day } };
}

/** Kernel parameter rows of the S1 buckets (mixture CDF normalised, alphas, cap, secondary floor). */
export function bucketParams(p: AliasLayoutPolicy): BucketParams[] {
  return p.profile_mixture.buckets.map((b) => {
    const s = b.mixture.hub_spoke + b.mixture.heavy_tail + b.mixture.near_uniform;
    return {
      cdf0: b.mixture.hub_spoke / s,
      cdf1: (b.mixture.hub_spoke + b.mixture.heavy_tail) / s,
      alpha: [b.alpha.hub_spoke, b.alpha.heavy_tail, b.alpha.near_uniform],
      cap: b.top1_soft_cap,
      minSecondary: b.min_secondary_mass,
    };
  });
}

export function dayParams(d: DayEffectsPolicy): DayParams {
  const sp = d.sigma_profile;
  const r = d.group_mix_regularizer;
  return {
    profile: sp.enabled,
    sigma: d.sigma_gamma,
    jitter: sp.merchant_jitter_amplitude,
    sigmaMin: sp.sigma_min,
    sigmaMax: sp.sigma_max,
    clipMin: sp.gamma_clip.min,
    clipMax: sp.gamma_clip.max,
    regulariser: r.enabled,
    regGe: r.apply_when_groups_ge,
    regStrength: r.regularization_strength,
    regCap: r.max_p_group_soft_cap,
    regEntropy: r.entropy_floor,
  };
}

/** σ multiplier of a tz-group: the first prefix rule that matches, else the default. */
export function tzMultiplier(d: DayEffectsPolicy, tzid: string): number {
  const m = d.sigma_profile.tz_multipliers;
  for (const r of m.prefix_rules) if (tzid.startsWith(r.prefix)) return r.multiplier;
  return m.default;
}
