// 2A.S1: one provisional IANA zone per site from the sealed tz_world polygons (geo-tz, comprehensive),
// RNG-free. The ladder, in order (the first rung that decides wins):
//   1. polygon             the point lies in exactly one land polygon, of the site's legal country
//   2. polygon_in_country  several polygons contain it (border, overlap); exactly one is the country's
//   3. country_single      the country has a single zone (CLDR) and rungs 1–2 did not decide
//   4. nudge               retry once at (lat+ε, lon+ε); exactly one of the country's zones there
//   5. overlap_tiebreak    the country's polygons overlap at both points: ASCII-first of them
//   6. nearest_in_country  ring search (ε·2^k, fixed bearings) for the nearest probe inside one of the
//                          country's polygons: most hits on the first ring with any, ties ASCII-first
//   7. polygon_out_of_country  nothing of the country within max_radius: keep the polygon's own zone
//   8. country_first       no polygon at all: the country's ASCII-first zone
//   9. sea_zone            unknown country and no polygon: geo-tz's Etc/GMT±N sea zone
// Rungs 4 and 6 record the point that decided in nudge_lat_deg / nudge_lon_deg.
import { asciiCompare } from '../../core/hash.js';
import { fm_cos, fm_sin } from '../../rng/fmath.js';
import { isLandZone, type TzWorld, type CountryZones } from '../../reference/tzworld.js';

export const METHODS = [
  'polygon',
  'polygon_in_country',
  'country_single',
  'nudge',
  'overlap_tiebreak',
  'nearest_in_country',
  'polygon_out_of_country',
  'country_first',
  'sea_zone',
] as const;
export type Method = (typeof METHODS)[number];
export const M = Object.fromEntries(METHODS.map((m, i) => [m, i])) as Record<Method, number>;
/** Methods that are a country fallback rather than a polygon answer at (or ε from) the point. */
export const FALLBACK_METHODS: readonly Method[] = ['country_single', 'nearest_in_country', 'country_first'];

export interface Resolution {
  tzid: string;
  method: Method;
  /** land polygons containing the site's own point */
  candidates: number;
  nudgeLat?: number;
  nudgeLon?: number;
}

const DEG = Math.PI / 180;

/** Clamp latitude to [-90, 90]; wrap longitude into (-180, 180]. */
export function displace(lat: number, lon: number, dLat: number, dLon: number): [number, number] {
  let a = lat + dLat;
  if (a > 90) a = 90;
  if (a < -90) a = -90;
  let o = lon + dLon;
  while (o > 180) o -= 360;
  while (o <= -180) o += 360;
  return [a, o];
}

export class TzResolver {
  private readonly unit: [number, number][];
  private readonly radii: number[];
  constructor(
    private readonly world: Pick<TzWorld, 'find'>,
    private readonly cz: Pick<CountryZones, 'byCountry'>,
    private readonly epsilon: number,
    lookup: LookupPolicy,
  ) {
    const B = lookup.ring_search.bearings;
    // bearing 0 = north, clockwise; fm_* so probe coordinates are bit-identical on every host
    this.unit = Array.from({ length: B }, (_, j) => [fm_cos((2 * Math.PI * j) / B), fm_sin((2 * Math.PI * j) / B)]);
    this.radii = [];
    for (let r = 2 * epsilon; r <= lookup.ring_search.max_radius_deg; r *= 2) this.radii.push(r);
    this.minCos = lookup.ring_search.min_cos_lat;
  }
  private readonly minCos: number;

  /** Land zones at a point, distinct, ASCII order. */
  land(lat: number, lon: number): string[] {
    const out: string[] = [];
    for (const z of this.world.find(lat, lon)) if (isLandZone(z) && !out.includes(z)) out.push(z);
    return out.sort(asciiCompare);
  }

  resolve(lat: number, lon: number, iso: string): Resolution {
    const C = this.cz.byCountry.get(iso) ?? [];
    const known = C.length > 0;
    const inC = (zs: string[]) => (known ? zs.filter((z) => C.includes(z)) : zs);
    const cands = this.land(lat, lon);
    const n = cands.length;
    const here = inC(cands);
    if (n === 1 && here.length === 1) return { tzid: cands[0], method: 'polygon', candidates: n };
    if (n > 1 && here.length === 1) return { tzid: here[0], method: 'polygon_in_country', candidates: n };
    if (C.length === 1) return { tzid: C[0], method: 'country_single', candidates: n };

    const [nLat, nLon] = displace(lat, lon, this.epsilon, this.epsilon);
    const there = inC(this.land(nLat, nLon));
    if (there.length === 1) return { tzid: there[0], method: 'nudge', candidates: n, nudgeLat: nLat, nudgeLon: nLon };
    if (here.length > 1 && there.length > 1) {
      const both = here.filter((z) => there.includes(z));
      return { tzid: (both.length ? both : here)[0], method: 'overlap_tiebreak', candidates: n };
    }

    const ring = this.ringSearch(lat, lon, known ? C : null);
    if (ring) return { tzid: ring.tzid, method: 'nearest_in_country', candidates: n, nudgeLat: ring.lat, nudgeLon: ring.lon };
    if (n > 0) return { tzid: cands[0], method: 'polygon_out_of_country', candidates: n };
    if (known) return { tzid: C[0], method: 'country_first', candidates: n };
    const sea = this.world
      .find(lat, lon)
      .filter((z) => !isLandZone(z))
      .sort(asciiCompare);
    return { tzid: sea[0] ?? 'Etc/UTC', method: 'sea_zone', candidates: n };
  }

  /** Nearest probe (by ring) inside one of `allowed` (any land zone when null). */
  private ringSearch(lat: number, lon: number, allowed: string[] | null): { tzid: string; lat: number; lon: number } | undefined {
    const c = fm_cos(lat * DEG);
    const lonScale = 1 / (c > this.minCos ? c : this.minCos);
    for (const r of this.radii) {
      const hits = new Map<string, { count: number; lat: number; lon: number }>();
      for (const [cb, sb] of this.unit) {
        const [pLat, pLon] = displace(lat, lon, r * cb, r * sb * lonScale);
        for (const z of this.land(pLat, pLon)) {
          if (allowed && !allowed.includes(z)) continue;
          const h = hits.get(z);
          if (h) h.count++;
          else hits.set(z, { count: 1, lat: pLat, lon: pLon });
        }
      }
      if (hits.size === 0) continue;
      const best = [...hits.entries()].sort((a, b) => b[1].count - a[1].count || asciiCompare(a[0], b[0]))[0];
      return { tzid: best[0], lat: best[1].lat, lon: best[1].lon };
    }
    return undefined;
  }
}

export interface LookupPolicy {
  ring_search: { max_radius_deg: number; bearings: number; min_cos_lat: number };
}
