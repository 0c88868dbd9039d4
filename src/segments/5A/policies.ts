// 5A policies (config/layer2/5A/*.yaml, schema-checked on load) and the cross-field checks a schema cannot express.
import { policy, type PolicyPack } from '../../config/load.js';
import { fail, ErrorCodes } from '../../core/errors.js';

export type ChannelGroup = 'card_present' | 'card_not_present' | 'mixed';
export type EventType = 'HOLIDAY' | 'PAYDAY' | 'CAMPAIGN' | 'OUTAGE' | 'STRESS';
export const EVENT_TYPES: EventType[] = ['HOLIDAY', 'PAYDAY', 'CAMPAIGN', 'OUTAGE', 'STRESS'];
export type ScopeKind = 'global' | 'country' | 'tzid' | 'demand_class';

export interface ClassesPolicy {
  version: 1;
  classes: string[];
  channel_groups: Record<string, ChannelGroup>;
  default_sector: string;
  sectors: Record<string, number[]>;
  virtual_branch: { VIRTUAL_ONLY: string; HYBRID: string };
  by_channel_group: Record<ChannelGroup, Record<string, string>>;
  zone_role: { primary_share_ge: number; tail_share_le: number };
}
export interface ScalePolicy {
  version: 1;
  brand_size_exponent: number;
  zone_role_multipliers: Record<'primary_zone' | 'secondary_zone' | 'tail_zone', number>;
  virtual_mode_multipliers: Record<'NON_VIRTUAL' | 'HYBRID' | 'VIRTUAL_ONLY', number>;
  channel_group_multipliers: Record<ChannelGroup, number>;
  classes: Record<string, { median: number; alpha: number; clip_max: number }>;
  soft_cap: { max_weekly: number; ratio: number; hard_multiplier: number };
}
export interface Template {
  id: string;
  class: string;
  channel: ChannelGroup;
  dow: number[];
  peaks: [number, number, number][];
  floor: number;
  power: number;
}
export interface ZoneProfile {
  id: string;
  dow: number[];
  windows: { id: string; days: '*' | number[]; start_min: number; end_min: number; multiplier: number }[];
}
export interface ShapesPolicy {
  version: 1;
  channel_groups: ChannelGroup[];
  templates: Template[];
  rules: { class: string; channel: ChannelGroup; candidates: string[] }[];
  constraints: {
    night_window_min: [number, number];
    min_night_mass_online_24h: number;
    office_hours_window_min: [number, number];
    min_weekday_office_mass: number;
    min_weekend_mass_evening_weekend: number;
    shape_nonflat_ratio_min: number;
  };
  zones: { buckets: number; prefix: string; overrides: { id: string; countries: string[]; profile: string }[]; profiles: ZoneProfile[] };
}
export interface Scenario {
  scenario_id: string;
  scenario_version: string;
  is_baseline: boolean;
  is_stress: boolean;
  labels: string[];
  horizon_start_utc: string;
  horizon_end_utc: string;
  bucket_minutes: 60;
}
export interface ScenarioPolicy {
  version: 1;
  scenarios: Scenario[];
  event_types: Record<EventType, { shape: 'constant' | 'ramp'; default_amplitude: number; amplitude_bounds: [number, number]; scopes: ScopeKind[] }>;
  ramp_max_buckets: number;
  combination: { min_factor: number; max_factor: number };
  ordering: {
    priority: Record<EventType, number>;
    within_type: Record<EventType, 'MIN' | 'MAX'>;
    masking: { name: string; when_active: EventType; cap_at_one: EventType[] }[];
  };
  surfaces: { max_rows_per_dataset: number };
}
export type PaydayDay = 'last_business' | number;
export interface Campaign {
  id: string;
  type: EventType;
  countries: 'global' | string[];
  start: string;
  end: string;
  ramp_in_buckets: number;
  ramp_out_buckets: number;
  class_amplitudes?: Record<string, number>;
  amplitude?: number;
}
export interface CalendarPolicy {
  version: 1;
  holidays: { source: 'date-holidays'; types: string[]; class_amplitudes: Record<string, number> };
  paydays: {
    default_days: PaydayDay[];
    rules: { countries: string[]; days: PaydayDay[] }[];
    duration_buckets: number;
    ramp_in_buckets: number;
    ramp_out_buckets: number;
  };
  campaigns: Campaign[];
}
export interface ValidationPolicy {
  version: 1;
  shape_sum_abs_tol: number;
  total_rel_tol: number;
  overlay_warn_bounds: [number, number];
  class_mix: { max_class_share: number; min_nontrivial_classes: number; nontrivial_share: number };
  volume_tail: { top10_share_min: number; top10_share_max: number; p99_p50_min: number };
  max_events: number;
  max_lambda_per_bucket_fail: number;
}

export const FILES = {
  classes: 'layer2/5A/classes.yaml',
  scale: 'layer2/5A/scale.yaml',
  shapes: 'layer2/5A/shapes.yaml',
  scenario: 'layer2/5A/scenario.yaml',
  calendar: 'layer2/5A/calendar.yaml',
  validation: 'layer2/5A/validation.yaml',
} as const;

export interface Policies5A {
  classes: ClassesPolicy;
  scale: ScalePolicy;
  shapes: ShapesPolicy;
  scenario: ScenarioPolicy;
  calendar: CalendarPolicy;
  validation: ValidationPolicy;
}

export function load5A(pack: PolicyPack): Policies5A {
  return {
    classes: policy<ClassesPolicy>(pack, FILES.classes),
    scale: policy<ScalePolicy>(pack, FILES.scale),
    shapes: policy<ShapesPolicy>(pack, FILES.shapes),
    scenario: policy<ScenarioPolicy>(pack, FILES.scenario),
    calendar: policy<CalendarPolicy>(pack, FILES.calendar),
    validation: policy<ValidationPolicy>(pack, FILES.validation),
  };
}

/** Cross-file checks: every class named anywhere exists, every rule's candidates exist, bounds hold. */
export function checkPolicies5A(pack: PolicyPack, p: Policies5A): void {
  const bad = (file: string, field: string, what: string, fix: string): never =>
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, what, `${pack.dir}/${file}: ${field}`, fix);
  const classes = new Set(p.classes.classes);
  const needClass = (file: string, field: string, c: string) => {
    if (!classes.has(c)) bad(file, field, `unknown demand class "${c}"`, `use one of ${p.classes.classes.join(', ')} (config/layer2/5A/classes.yaml)`);
  };
  const seen = new Map<number, string>();
  for (const [s, mccs] of Object.entries(p.classes.sectors)) {
    for (const m of mccs) {
      if (seen.has(m)) bad(FILES.classes, `sectors.${s}`, `MCC ${m} is listed under both ${seen.get(m)} and ${s}`, 'list every MCC under one sector');
      seen.set(m, s);
    }
  }
  const sectors = new Set([...Object.keys(p.classes.sectors), p.classes.default_sector]);
  for (const [cg, m] of Object.entries(p.classes.by_channel_group)) {
    for (const s of sectors) if (!(s in m)) bad(FILES.classes, `by_channel_group.${cg}`, `sector ${s} has no class`, `add "${s}: <class>"`);
    for (const [s, c] of Object.entries(m)) needClass(FILES.classes, `by_channel_group.${cg}.${s}`, c);
  }
  needClass(FILES.classes, 'virtual_branch.VIRTUAL_ONLY', p.classes.virtual_branch.VIRTUAL_ONLY);
  needClass(FILES.classes, 'virtual_branch.HYBRID', p.classes.virtual_branch.HYBRID);
  for (const c of p.classes.classes)
    if (!p.scale.classes[c]) bad(FILES.scale, 'classes', `class ${c} has no scale parameters`, `add "${c}: { median, alpha, clip_max }"`);
  const tids = new Set<string>();
  for (const t of p.shapes.templates) {
    if (tids.has(t.id)) bad(FILES.shapes, 'templates', `template ${t.id} is defined twice`, 'give every template a distinct id');
    tids.add(t.id);
  }
  const ruleKeys = new Set<string>();
  p.shapes.rules.forEach((r, i) => {
    needClass(FILES.shapes, `rules/${i}`, r.class);
    ruleKeys.add(`${r.class}|${r.channel}`);
    for (const c of r.candidates) if (!tids.has(c)) bad(FILES.shapes, `rules/${i}`, `candidate template ${c} is not defined`, 'define it under templates');
  });
  for (const c of p.classes.classes)
    for (const cg of p.shapes.channel_groups)
      if (!ruleKeys.has(`${c}|${cg}`)) bad(FILES.shapes, 'rules', `no template rule for ${c} × ${cg}`, 'add a rule with its candidates');
  const profiles = new Set(p.shapes.zones.profiles.map((z) => z.id));
  for (let b = 0; b < p.shapes.zones.buckets; b++)
    if (!profiles.has(`${p.shapes.zones.prefix}${b}`))
      bad(
        FILES.shapes,
        'zones.profiles',
        `zone profile ${p.shapes.zones.prefix}${b} is missing`,
        `define profiles ${p.shapes.zones.prefix}0..${p.shapes.zones.buckets - 1}`,
      );
  for (const o of p.shapes.zones.overrides)
    if (!profiles.has(o.profile)) bad(FILES.shapes, `zones.overrides.${o.id}`, `profile ${o.profile} is not defined`, 'name a defined profile');
  for (const z of p.shapes.zones.profiles)
    for (const w of z.windows)
      if (w.start_min % 60 !== 0 || w.end_min % 60 !== 0)
        bad(FILES.shapes, `zones.profiles.${z.id}.${w.id}`, 'window bounds must be whole hours', 'use multiples of 60 minutes');
  const sc = p.scenario;
  for (const s of sc.scenarios) {
    const a = Date.parse(s.horizon_start_utc),
      b = Date.parse(s.horizon_end_utc);
    if (!(b > a)) bad(FILES.scenario, `scenarios.${s.scenario_id}`, 'horizon_end_utc must be after horizon_start_utc', 'fix the horizon');
  }
  if (sc.combination.min_factor > sc.combination.max_factor) bad(FILES.scenario, 'combination', 'min_factor exceeds max_factor', 'swap them');
  const amp = (t: EventType, a: number, where: string, file: string) => {
    const [lo, hi] = sc.event_types[t].amplitude_bounds;
    if (a < lo || a > hi)
      bad(file, where, `${t} amplitude ${a} is outside [${lo}, ${hi}]`, 'use an amplitude inside the type bounds (config/layer2/5A/scenario.yaml)');
  };
  for (const [c, a] of Object.entries(p.calendar.holidays.class_amplitudes)) {
    needClass(FILES.calendar, `holidays.class_amplitudes.${c}`, c);
    amp('HOLIDAY', a, `holidays.class_amplitudes.${c}`, FILES.calendar);
  }
  amp('HOLIDAY', sc.event_types.HOLIDAY.default_amplitude, 'event_types.HOLIDAY.default_amplitude', FILES.scenario);
  amp('PAYDAY', sc.event_types.PAYDAY.default_amplitude, 'event_types.PAYDAY.default_amplitude', FILES.scenario);
  const pd = p.calendar.paydays;
  if (pd.ramp_in_buckets + pd.ramp_out_buckets > pd.duration_buckets)
    bad(FILES.calendar, 'paydays', 'ramps are longer than the payday window', 'shorten the ramps or lengthen duration_buckets');
  p.calendar.campaigns.forEach((c, i) => {
    const where = `campaigns/${i} (${c.id})`;
    if ((c.class_amplitudes === undefined) === (c.amplitude === undefined))
      bad(FILES.calendar, where, 'give exactly one of amplitude / class_amplitudes', 'use class_amplitudes for class-scoped events, amplitude otherwise');
    if (!(Date.parse(c.end) > Date.parse(c.start))) bad(FILES.calendar, where, 'end must be after start (end is exclusive)', 'fix the dates');
    if (c.ramp_in_buckets > sc.ramp_max_buckets || c.ramp_out_buckets > sc.ramp_max_buckets)
      bad(FILES.calendar, where, `ramps exceed ramp_max_buckets ${sc.ramp_max_buckets}`, 'shorten the ramps');
    const scopes = sc.event_types[c.type].scopes;
    if (c.countries === 'global' ? !scopes.includes('global') : !scopes.includes('country'))
      bad(
        FILES.calendar,
        where,
        `${c.type} events cannot be scoped ${c.countries === 'global' ? 'globally' : 'by country'}`,
        `allowed scopes: ${scopes.join(', ')}`,
      );
    if (c.class_amplitudes) {
      if (!scopes.includes('demand_class'))
        bad(FILES.calendar, where, `${c.type} events cannot be scoped by demand class`, 'use amplitude instead of class_amplitudes');
      for (const [k, a] of Object.entries(c.class_amplitudes)) {
        needClass(FILES.calendar, `${where}.class_amplitudes`, k);
        amp(c.type, a, `${where}.class_amplitudes.${k}`, FILES.calendar);
      }
    } else amp(c.type, c.amplitude!, `${where}.amplitude`, FILES.calendar);
  });
  for (const t of Object.keys(sc.ordering.priority))
    if (!sc.event_types[t as EventType]) bad(FILES.scenario, 'ordering.priority', `unknown type ${t}`, 'list the event types');
}
