// 2A S1: every site's provisional zone from the tz_world polygons (ε-nudge, then the country ladder).
import { fail, ErrorCodes } from '../../core/errors.js';
import type { CountryZones, TzWorld } from '../../reference/tzworld.js';
import type { RunContext } from '../../engine/context.js';
import { TzResolver, M } from '../../laws/tz/resolve.js';
import type { Policies2A } from './policies.js';
import type { Sites } from './world.js';

export interface S1Lookup {
  /** per site: zone index into world.zones, resolution method code, polygon candidates, ε-nudge (NaN if none) */
  s1Tz: Int32Array;
  method: Uint8Array;
  cands: Int32Array;
  nudgeLat: Float64Array;
  nudgeLon: Float64Array;
}

/** S1: resolve every site, then map the answers onto the tz_world zone indices S2–S4 work in. */
export function s1Lookup(ctx: RunContext, { world, cz, p, sites }: { world: TzWorld; cz: CountryZones; p: Policies2A; sites: Sites }): S1Lookup {
  const s1 = resolveAll(ctx, world, cz, p, sites);
  const s1Tz = Int32Array.from(s1.tzids, zoneIndexOf(world));
  return { s1Tz, method: s1.method, cands: s1.cands, nudgeLat: s1.nudgeLat, nudgeLon: s1.nudgeLon };
}

/** tzid → index into world.zones (every answer must lie inside the tz_world domain). */
export function zoneIndexOf(world: TzWorld): (z: string) => number {
  const zoneIdx = new Map(world.zones.map((z, i) => [z, i]));
  return (z: string) => {
    const i = zoneIdx.get(z);
    if (i === undefined) fail(ErrorCodes.INTERNAL, `zone ${z} outside the tz_world domain`);
    return i;
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
  const stage = ctx.progress.stage('2A S1 tz lookup', n, 'sites');
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
