// Segment 2A: which IANA zone each site keeps its clocks in, and is that zone's civil time legal.
//   S0 gate+seal (1A, 1B) → S1 polygon lookup (tz_world, ε-nudge, country ladder) → S2 overrides
//   → S3 timetable from the runtime tzdb → S4 DST legality → S5 checks + gate. RNG-free.
import { loadCountries } from '../../reference/countries.js';
import { countryZones, loadTzWorld, type CountryZones, type TzWorld } from '../../reference/tzworld.js';
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { runS0 } from '../../engine/s0.js';
import { readParquetDataset } from '../../engine/datasets.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { check2A, load2A, type Policies2A } from './policies.js';
import { type OverrideScope } from '../../laws/tz/overrides.js';
import { TzResolver, M, METHODS } from '../../laws/tz/resolve.js';
import { overrideIndex, pickOverride } from '../../laws/tz/overrides.js';
import { compileTimetable, type Timetable } from '../../laws/time/timetable.js';
import { legality, type Legality } from './legality.js';
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
  const t = await readParquetDataset(ctx, ds, {}, { columns: ['merchant_id', 'legal_country_iso', 'site_order', 'lat_deg', 'lon_deg'] });
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

/** merchant_id → MCC from 1A's merchant_universe_1A (behind the verified 1A gate). */
async function merchantMcc(ctx: RunContext): Promise<Map<bigint, number>> {
  const ds = 'merchant_universe_1A';
  const t = await readParquetDataset(ctx, ds, {}, { columns: ['merchant_id', 'mcc'] });
  const ids = u64Of(t, 'merchant_id', ds);
  const mcc = i32Of(t, 'mcc', ds);
  const m = new Map<bigint, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i], mcc[i]);
  return m;
}

export async function build2A(ctx: RunContext): Promise<World2A> {
  const p = load2A(ctx.pack);
  const world = loadTzWorld();
  const cz = countryZones(
    world,
    loadCountries().countries.map((c) => c.iso2),
  );
  const sites = await readSites(ctx);
  const n = sites.n;
  const zoneIdx = new Map(world.zones.map((z, i) => [z, i]));

  // ── S1 provisional lookup ──
  const s1 = resolveAll(ctx, world, cz, p, sites);
  const zi = (z: string) => {
    const i = zoneIdx.get(z);
    if (i === undefined) fail(ErrorCodes.INTERNAL, `zone ${z} outside the tz_world domain`);
    return i;
  };
  const s1Tz = Int32Array.from(s1.tzids, zi);

  // ── S2 overrides ──
  const idx = overrideIndex(p.overrides);
  const mccUsed = idx.mcc.size > 0;
  const mccOf = mccUsed ? await merchantMcc(ctx) : undefined;
  const tz = Int32Array.from(s1Tz);
  const overrideScope = new Int8Array(n).fill(-1);
  const scopeCode: Record<OverrideScope, number> = { site: 0, mcc: 1, country: 2 };
  for (let i = 0; i < n; i++) {
    if (idx.unresolvedOnly && (s1.method[i] === M.polygon || s1.method[i] === M.polygon_in_country)) continue;
    const o = pickOverride(idx, sites.merchantId[i], sites.iso[i], sites.siteOrder[i], mccOf?.get(sites.merchantId[i]));
    if (!o) continue;
    tz[i] = zi(o[1]);
    overrideScope[i] = scopeCode[o[0]];
  }

  // ── S3 timetable over the whole tz_world domain (independent of the sites) ──
  const stage = ctx.progress.stage('2A S3 timetable', world.zones.length);
  const tt = p.timetable;
  const timetable = compileTimetable(world.zones, {
    horizonStartUs: Date.parse(tt.horizon_start_utc) * 1000,
    horizonEndUs: Date.parse(tt.horizon_end_utc) * 1000,
    scanStepSeconds: tt.scan_step_hours * 3600,
  });
  stage.tick(world.zones.length);
  stage.done();

  // ── S4 legality of the zones in use ──
  const used = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const z = world.zones[tz[i]];
    used.set(z, (used.get(z) ?? 0) + 1);
  }
  const leg = legality(timetable, used, tt.offset_bounds_minutes);

  return {
    p,
    world,
    cz,
    sites,
    s1Tz,
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

function resolveAll(ctx: RunContext, world: TzWorld, cz: CountryZones, p: Policies2A, sites: Sites) {
  const n = sites.n;
  const resolver = new TzResolver(world, cz, p.nudge.epsilon_degrees, p.lookup);
  const tzids: string[] = new Array(n);
  const method = new Uint8Array(n);
  const cands = new Int32Array(n);
  const nudgeLat = new Float64Array(n).fill(NaN);
  const nudgeLon = new Float64Array(n).fill(NaN);
  const stage = ctx.progress.stage('2A S1 tz lookup', n);
  const TICK = 8192;
  // visit sites in spatial (Morton) order so the bounded polygon cache stays warm; results are stored
  // by row, and a site's answer depends on its own (lat, lon, country) only
  const order = spatialOrder(sites.lat, sites.lon);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const r = resolver.resolve(sites.lat[i], sites.lon[i], sites.iso[i]);
    tzids[i] = r.tzid;
    method[i] = M[r.method];
    cands[i] = r.candidates;
    if (r.nudgeLat !== undefined) {
      nudgeLat[i] = r.nudgeLat;
      nudgeLon[i] = r.nudgeLon!;
    }
    if ((k + 1) % TICK === 0) stage.tick(TICK);
  }
  stage.tick(n % TICK);
  stage.done();
  return { tzids, method, cands, nudgeLat, nudgeLon };
}

/** Row indices sorted by the Morton code of (lat, lon) quantised to 16 bits each, ties by row. */
export function spatialOrder(lat: Float64Array, lon: Float64Array): Uint32Array {
  const n = lat.length;
  const code = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = Math.min(65535, Math.floor(((lat[i] + 90) / 180) * 65536));
    const x = Math.min(65535, Math.floor(((lon[i] + 180) / 360) * 65536));
    let c = 0;
    for (let b = 15; b >= 0; b--) c = c * 4 + ((y >> b) & 1) * 2 + ((x >> b) & 1);
    code[i] = c;
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => code[a] - code[b] || a - b);
  return order;
}

export { METHODS };
