// Segment 2A: which IANA zone each site keeps its clocks in, and is that zone's civil time legal.
//   S0 gate+seal (1A, 1B) → S1 polygon lookup (tz_world, ε-nudge, country ladder) → S2 overrides
//   → S3 timetable from the runtime tzdb → S4 DST legality → S5 checks + gate. RNG-free.
import { loadCountries } from '../../reference/countries.js';
import { countryZones, loadTzWorld } from '../../reference/tzworld.js';
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { runS0 } from '../../engine/s0.js';
import { readTable } from '../../io/reader.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { check2A, load2A } from './policies.js';
import { METHODS } from '../../laws/tz/resolve.js';
import { s1Lookup } from './s1_lookup.js';
import { s2Overrides } from './s2_overrides.js';
import { s3Timetable } from './s3_timetable.js';
import { s4Legality } from './s4_legality.js';
import { stringsOf, u64Of, i32Of, f64Of } from './columns.js';
import { publish2A } from './outputs.js';
import { validate2A } from './validate.js';
import { Sites, World2A } from './world.js';

export const segment2A: SegmentDef = {
  id: '2A',
  layer: 1,
  upstream: ['1B'],
  async preflight(ctx) {
    const p = load2A(ctx.pack);
    check2A(ctx.pack, p, new Set(loadTzWorld().zones), new Set(loadCountries().countries.map((c) => c.iso2)));
  },
  async run(ctx) {
    await runS0(ctx, '2A', ['1A', '1B'], 'layer1/2A/');
    const w = await build2A(ctx);
    const pub = await publish2A(ctx, w);
    await validate2A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

/** site_locations (behind the verified 1B gate) in primary-key order. */
export async function readSites(ctx: RunContext): Promise<Sites> {
  const ds = 'site_locations';
  const t = await readTable(ctx, ds, { columns: ['merchant_id', 'legal_country_iso', 'site_order', 'lat_deg', 'lon_deg'] });
  const n = t.numRows;
  const mid = u64Of(t, 'merchant_id', ds);
  const isoC = stringsOf(t, 'legal_country_iso', ds);
  const ord = i32Of(t, 'site_order', ds);
  const lat = f64Of(t, 'lat_deg', ds);
  const lon = f64Of(t, 'lon_deg', ds);
  const cmp = (a: number, b: number) =>
    mid[a] < mid[b] ? -1 : mid[a] > mid[b] ? 1 : asciiCompare(isoC.dict[isoC.codes[a]], isoC.dict[isoC.codes[b]]) || ord[a] - ord[b];
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (cmp(i - 1, i) > 0) sorted = false;
  if (!sorted) perm.sort(cmp); // the catalogue's sort key; 1B should already deliver it
  const s: Sites = {
    n,
    merchantId: new BigUint64Array(n),
    iso: new Array(n),
    siteOrder: new Int32Array(n),
    lat: new Float64Array(n),
    lon: new Float64Array(n),
  };
  for (let r = 0; r < n; r++) {
    const i = perm[r];
    s.merchantId[r] = mid[i];
    s.iso[r] = isoC.dict[isoC.codes[i]];
    s.siteOrder[r] = ord[i];
    s.lat[r] = lat[i];
    s.lon[r] = lon[i];
    if (!(Math.abs(lat[i]) <= 90 && Math.abs(lon[i]) <= 180)) {
      fail(ErrorCodes.VALIDATION_FAILED, `site ${mid[i]}/${s.iso[r]}/${ord[i]} has coordinates (${lat[i]}, ${lon[i]}) outside WGS84`, ds, 'rebuild segment 1B');
    }
    if (r > 0 && s.merchantId[r] === s.merchantId[r - 1] && s.iso[r] === s.iso[r - 1] && s.siteOrder[r] === s.siteOrder[r - 1]) {
      fail(ErrorCodes.VALIDATION_FAILED, `duplicate site ${s.merchantId[r]}/${s.iso[r]}/${s.siteOrder[r]}`, ds, 'rebuild segment 1B');
    }
  }
  return s;
}

export async function build2A(ctx: RunContext): Promise<World2A> {
  const p = load2A(ctx.pack);
  const world = loadTzWorld();
  const cz = countryZones(
    world,
    loadCountries().countries.map((c) => c.iso2),
  );
  const sites = await readSites(ctx);
  const s1 = s1Lookup(ctx, { world, cz, p, sites });
  const { tz, overrideScope, mccUsed } = await s2Overrides(ctx, { world, p, sites, s1 });
  const timetable = s3Timetable(ctx, { world, p });
  const leg = s4Legality({ world, p, tz, timetable });
  return {
    p,
    world,
    cz,
    sites,
    s1Tz: s1.s1Tz,
    s1Method: s1.method,
    s1Cands: s1.cands,
    nudgeLat: s1.nudgeLat,
    nudgeLon: s1.nudgeLon,
    tz,
    overrideScope,
    timetable,
    legality: leg,
    mccUsed,
  };
}

export { METHODS };
