// Typed views of the 2A policy files (schemas in contracts/policies/layer1.2A.*.schema.json), plus the
// cross-field checks a JSON Schema cannot express (override tzids in the sealed domain, one active
// entry per scope+target, well-formed targets). Mistakes become one line naming file, field and fix.
import { join } from 'node:path';
import { policy, type PolicyPack } from '../../config/load.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { OverridesPolicy, isActive } from '../../laws/tz/overrides.js';
import { LookupPolicy } from '../../laws/tz/resolve.js';

export interface NudgePolicy {
  semver: string;
  epsilon_degrees: number;
}
export interface TimetablePolicy {
  horizon_start_utc: string;
  horizon_end_utc: string;
  scan_step_hours: number;
  offset_bounds_minutes: { min: number; max: number };
}
export interface ValidationPolicy2A {
  intl_sample_per_tzid: number;
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}

export interface Policies2A {
  nudge: NudgePolicy;
  overrides: OverridesPolicy;
  lookup: LookupPolicy;
  timetable: TimetablePolicy;
  validation: ValidationPolicy2A;
  files: string[];
}

const P = 'layer1/2A/';
export const FILES = {
  nudge: `${P}timezone/tz_nudge.yml`,
  overrides: `${P}timezone/tz_overrides.yaml`,
  lookup: `${P}lookup.yaml`,
  timetable: `${P}timetable.yaml`,
  validation: `${P}validation.yaml`,
} as const;

export function load2A(pack: PolicyPack): Policies2A {
  return {
    nudge: policy<NudgePolicy>(pack, FILES.nudge),
    overrides: policy<OverridesPolicy>(pack, FILES.overrides),
    lookup: policy<LookupPolicy>(pack, FILES.lookup),
    timetable: policy<TimetablePolicy>(pack, FILES.timetable),
    validation: policy<ValidationPolicy2A>(pack, FILES.validation),
    files: Object.values(FILES),
  };
}

export const SITE_TARGET = /^([0-9]+)\/([A-Z]{2})\/([1-9][0-9]*)$/;

/** Cross-field checks: run in preflight, before anything is written. */
export function check2A(pack: PolicyPack, p: Policies2A, domain: ReadonlySet<string>, isos: ReadonlySet<string>): void {
  const where = (f: string, field: string) => `${join(pack.dir, f)}: ${field}`;
  const t = p.timetable;
  const h0 = Date.parse(t.horizon_start_utc),
    h1 = Date.parse(t.horizon_end_utc);
  if (!Number.isFinite(h0) || !Number.isFinite(h1) || h1 <= h0) {
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      `horizon ${t.horizon_start_utc} .. ${t.horizon_end_utc} is empty or not a date`,
      where(FILES.timetable, '/horizon_end_utc'),
      'give real dates with horizon_end_utc after horizon_start_utc',
    );
  }
  if (t.offset_bounds_minutes.min >= t.offset_bounds_minutes.max) {
    fail(
      ErrorCodes.CONFIG_SCHEMA_VIOLATION,
      'offset bounds are empty',
      where(FILES.timetable, '/offset_bounds_minutes'),
      'min must be below max (e.g. -900 and 900)',
    );
  }
  if (!Number.isFinite(Date.parse(`${p.overrides.as_of}T00:00:00Z`))) {
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `as_of "${p.overrides.as_of}" is not a calendar date`, where(FILES.overrides, '/as_of'), 'use YYYY-MM-DD');
  }
  const seen = new Map<string, number>();
  p.overrides.overrides.forEach((o, i) => {
    const field = (k: string) => where(FILES.overrides, `/overrides/${i}/${k}`);
    if (!domain.has(o.tzid))
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `tzid "${o.tzid}" is not a zone of the sealed tz_world polygons`,
        field('tzid'),
        'use an IANA tzid that geo-tz returns (e.g. Europe/Paris)',
      );
    if (o.scope === 'country' && !isos.has(o.target))
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `country "${o.target}" is not an ISO 3166-1 alpha-2 code`, field('target'), 'use a code such as FR');
    if (o.scope === 'mcc' && !/^[0-9]{4}$/.test(o.target))
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `mcc "${o.target}" is not a 4-digit MCC`, field('target'), 'quote the MCC, e.g. "5411"');
    if (o.scope === 'site' && !SITE_TARGET.test(o.target))
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `site "${o.target}" is not merchant_id/ISO/site_order`, field('target'), 'e.g. "1000042/FR/3"');
    if (o.expiry_yyyy_mm_dd && !Number.isFinite(Date.parse(`${o.expiry_yyyy_mm_dd}T00:00:00Z`)))
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `expiry "${o.expiry_yyyy_mm_dd}" is not a date`, field('expiry_yyyy_mm_dd'), 'use YYYY-MM-DD or null');
    if (!isActive(o, p.overrides.as_of)) return;
    const key = `${o.scope}:${o.target}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `two active overrides for ${o.scope} ${o.target} (entries ${prev} and ${i})`,
        field('target'),
        'keep one entry per scope and target, or expire one',
      );
    seen.set(key, i);
  });
}
