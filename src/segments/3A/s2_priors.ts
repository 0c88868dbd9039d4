// 3A.S2: country → zone priors — alpha_effective = max(alpha_raw, floor), shares within the country (policy-only, parameter-scoped).
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { Policies3A } from './policies.js';

export interface PriorRow {
  country: string;
  tzid: string;
  alpha_raw: number;
  alpha_effective: number;
  floor_applied: boolean;
  share_effective: number;
}
export interface Priors {
  rows: PriorRow[];
  /** country → its rows (tzid ASCII order) */
  byCountry: Map<string, PriorRow[]>;
  alphaSum: Map<string, number>;
  /** zones whose share_effective >= meaningful_zone_share */
  zoneCountCountry: Map<string, number>;
  defaultFloor: number;
}

/** S2: alpha_effective = max(alpha_raw, floor(tzid)); shares within the country. Countries and zones in ASCII order. */
export function buildPriors(p: Policies3A): Priors {
  const floorOf = new Map(p.floors.floors.map((f) => [f.tzid, f.floor_value]));
  const rows: PriorRow[] = [];
  const byCountry = new Map<string, PriorRow[]>();
  const alphaSum = new Map<string, number>();
  const zoneCountCountry = new Map<string, number>();
  for (const country of Object.keys(p.alphas.countries).sort(asciiCompare)) {
    const entries = [...p.alphas.countries[country]].sort((a, b) => asciiCompare(a.tzid, b.tzid));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i].tzid === entries[i - 1].tzid)
        fail(
          ErrorCodes.CONFIG_SCHEMA_VIOLATION,
          `zone ${entries[i].tzid} listed twice`,
          `${p.files.alphas}: countries.${country}`,
          're-run src/segments/3A/derive_alphas.ts',
        );
    }
    const cr: PriorRow[] = entries.map((e) => {
      const floor = floorOf.get(e.tzid) ?? p.floors.default_floor;
      const eff = Math.max(e.alpha, floor);
      return { country, tzid: e.tzid, alpha_raw: e.alpha, alpha_effective: eff, floor_applied: eff > e.alpha, share_effective: 0 };
    });
    let sum = 0;
    for (const r of cr) sum += r.alpha_effective; // tzid order: fixed summation order
    let meaningful = 0;
    for (const r of cr) {
      r.share_effective = r.alpha_effective / sum;
      if (r.share_effective >= p.mixture.meaningful_zone_share) meaningful++;
    }
    rows.push(...cr);
    byCountry.set(country, cr);
    alphaSum.set(country, sum);
    zoneCountCountry.set(country, meaningful);
  }
  return { rows, byCountry, alphaSum, zoneCountCountry, defaultFloor: p.floors.default_floor };
}
