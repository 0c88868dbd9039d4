// 2A.S2 override policy: precedence site > mcc > country, expiry against the policy's as_of date,
// and the cross-field checks that turn a bad override file into one line naming file, field and fix.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { overrideIndex, pickOverride, siteTarget } from '../src/laws/tz/overrides.js';
import { check2A, load2A } from '../src/segments/2A/policies.js';
import { type OverridesPolicy } from '../src/laws/tz/overrides.js';
import { loadPolicyPack, type PolicyPack } from '../src/config/load.js';
import { FwError } from '../src/core/errors.js';
import { loadTzWorld } from '../src/reference/tzworld.js';
import { loadCountries } from '../src/reference/countries.js';

const base: OverridesPolicy = {
  semver: '1.0.0',
  as_of: '2025-01-01',
  apply_to: 'all_sites',
  overrides: [
    { scope: 'country', target: 'US', tzid: 'America/Chicago' },
    { scope: 'mcc', target: '5411', tzid: 'America/Denver' },
    { scope: 'site', target: '42/US/3', tzid: 'America/Phoenix' },
    { scope: 'country', target: 'FR', tzid: 'Europe/Paris', expiry_yyyy_mm_dd: '2024-12-31' }, // expired
    { scope: 'country', target: 'DE', tzid: 'Europe/Berlin', expiry_yyyy_mm_dd: '2025-01-01' }, // active on its last day
  ],
};

describe('override precedence', () => {
  const idx = overrideIndex(base);
  it('site beats mcc beats country', () => {
    expect(pickOverride(idx, 42n, 'US', 3, 5411)).toEqual(['site', 'America/Phoenix']);
    expect(pickOverride(idx, 42n, 'US', 4, 5411)).toEqual(['mcc', 'America/Denver']);
    expect(pickOverride(idx, 42n, 'US', 4, 5812)).toEqual(['country', 'America/Chicago']);
    expect(pickOverride(idx, 42n, 'US', 4, undefined)).toEqual(['country', 'America/Chicago']);
    expect(pickOverride(idx, 7n, 'GB', 1, 5812)).toBeUndefined();
    // an mcc override applies in any country
    expect(pickOverride(idx, 7n, 'GB', 1, 5411)).toEqual(['mcc', 'America/Denver']);
  });
  it('expiry is judged against as_of, never the wall clock', () => {
    expect(pickOverride(idx, 1n, 'FR', 1, undefined)).toBeUndefined();
    expect(pickOverride(idx, 1n, 'DE', 1, undefined)).toEqual(['country', 'Europe/Berlin']);
    const later = overrideIndex({ ...base, as_of: '2025-01-02' });
    expect(pickOverride(later, 1n, 'DE', 1, undefined)).toBeUndefined();
    expect(siteTarget(42n, 'US', 3)).toBe('42/US/3');
  });
  it('unresolved_only is carried to the index', () => {
    expect(overrideIndex({ ...base, apply_to: 'unresolved_only' }).unresolvedOnly).toBe(true);
    expect(idx.unresolvedOnly).toBe(false);
  });
});

describe('override policy checks', () => {
  const ROOT = join(__dirname, '..');
  const domain = new Set(loadTzWorld().zones);
  const isos = new Set(loadCountries().countries.map((c) => c.iso2));
  async function withOverrides(overrides: OverridesPolicy['overrides']): Promise<() => void> {
    const pack: PolicyPack = await loadPolicyPack(join(ROOT, 'config'));
    const p = load2A(pack);
    p.overrides = { ...p.overrides, overrides };
    return () => check2A(pack, p, domain, isos);
  }
  const err = (f: () => void): FwError => {
    try {
      f();
    } catch (e) {
      return e as FwError;
    }
    throw new Error('expected a failure');
  };

  it('the shipped policy passes', async () => {
    const pack = await loadPolicyPack(join(ROOT, 'config'));
    expect(() => check2A(pack, load2A(pack), domain, isos)).not.toThrow();
  });

  it.each([
    [[{ scope: 'country', target: 'FR', tzid: 'Europe/Atlantis' }], /tz_overrides\.yaml: \/overrides\/0\/tzid: tzid "Europe\/Atlantis" is not a zone/],
    [[{ scope: 'country', target: 'XX', tzid: 'Europe/Paris' }], /\/overrides\/0\/target: country "XX" is not an ISO/],
    [[{ scope: 'mcc', target: '54', tzid: 'Europe/Paris' }], /\/overrides\/0\/target: mcc "54" is not a 4-digit MCC/],
    [[{ scope: 'site', target: '42-FR-1', tzid: 'Europe/Paris' }], /\/overrides\/0\/target: site "42-FR-1" is not merchant_id\/ISO\/site_order/],
    [
      [
        { scope: 'country', target: 'FR', tzid: 'Europe/Paris' },
        { scope: 'country', target: 'FR', tzid: 'Europe/Monaco' },
      ],
      /\/overrides\/1\/target: two active overrides for country FR/,
    ],
  ] as const)('%j fails with a named line', async (ovr, re) => {
    const e = err(await withOverrides(ovr as unknown as OverridesPolicy['overrides']));
    expect(e).toBeInstanceOf(FwError);
    expect(e.code).toBe('CONFIG_SCHEMA_VIOLATION');
    expect(e.line()).toMatch(re);
    expect(e.line()).toMatch(/\(fix: /);
  });

  it('two entries for one target are fine when one has expired', async () => {
    const f = await withOverrides([
      { scope: 'country', target: 'FR', tzid: 'Europe/Paris', expiry_yyyy_mm_dd: '2020-01-01' },
      { scope: 'country', target: 'FR', tzid: 'Europe/Monaco' },
    ]);
    expect(f).not.toThrow();
  });
});
