// Point → IANA tzid for 3A/3B (the zone universe of the prior pack, settlement nodes, CDN edges).
// It must give the answer 2A gives a site at the same point, so it runs 2A's own S1 ladder
// (laws/tz/resolve.ts TzResolver over the sealed tz_world polygons and CLDR country zones) and 2A's
// S2 country/MCC overrides, with 2A's policies (passed in by the caller, which loads them from the pack).
import { loadCountries } from '../../reference/countries.js';
import { countryZones, loadTzWorld } from '../../reference/tzworld.js';
import { TzResolver, type LookupPolicy, type Method } from './resolve.js';
import { overrideIndex, type OverrideIndex, type OverridesPolicy } from './overrides.js';

/** The 2A policies the lookup follows. */
export interface ZonePolicies {
  nudge: { epsilon_degrees: number };
  lookup: LookupPolicy;
  overrides: OverridesPolicy;
}

export interface ZoneAnswer {
  tzid: string;
  method: Method;
  /** 'country' | 'mcc' when a 2A override replaced the polygon answer */
  override?: 'country' | 'mcc';
}

/** Methods where the polygon at (or the ε-nudge of) the point decided, as opposed to a country fallback. */
const POLYGON_METHODS: readonly Method[] = ['polygon', 'polygon_in_country'];

export class ZoneLookup {
  private readonly resolver: TzResolver;
  private readonly ov: OverrideIndex;
  readonly source: string;
  constructor(p: ZonePolicies) {
    const world = loadTzWorld();
    const cz = countryZones(
      world,
      loadCountries().countries.map((c) => c.iso2),
    );
    this.resolver = new TzResolver(world, cz, p.nudge.epsilon_degrees, p.lookup);
    this.ov = overrideIndex(p.overrides);
    this.source = `${world.source} via 2A.S1 ladder + 2A.S2 country/mcc overrides`;
  }

  /** The zone 2A would give a point of country `iso` (merchant MCC optional, for MCC overrides). */
  at(lat: number, lon: number, iso: string, mcc?: number): ZoneAnswer {
    const r = this.resolver.resolve(lat, lon, iso);
    if (this.ov.unresolvedOnly && POLYGON_METHODS.includes(r.method)) return { tzid: r.tzid, method: r.method };
    if (mcc !== undefined) {
      const t = this.ov.mcc.get(mcc);
      if (t) return { tzid: t, method: r.method, override: 'mcc' };
    }
    const t = this.ov.country.get(iso);
    if (t) return { tzid: t, method: r.method, override: 'country' };
    return { tzid: r.tzid, method: r.method };
  }
}

/** 3B's closed vocabularies for where an operational / settlement zone came from. */
export function edgeTzSource(a: ZoneAnswer): 'POLYGON' | 'OVERRIDE' | 'NUDGE' {
  return a.override ? 'OVERRIDE' : POLYGON_METHODS.includes(a.method) ? 'POLYGON' : 'NUDGE';
}
