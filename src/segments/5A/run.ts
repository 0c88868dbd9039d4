// Segment 5A: deterministic demand surfaces (no RNG).
//   S0 gate+seal (1A 1B 2A 2B 3A 3B) → S1 class + base scale per merchant × zone (zone_alloc cells) →
//   S2 weekly shapes (class × channel × template × zone profile, unit mass) → S3 baseline = scale × shape →
//   S4 calendar (holidays, paydays, campaigns / stress) → overlay factors per (country, tzid, class) over the
//   local horizon; world factor so expected arrivals = scale.arrivals → surfaces (materialised below a row
//   cap) → S5 checks + bundle.
import * as arrow from 'apache-arrow';
import { runS0 } from '../../engine/s0.js';
import { readParquetDataset } from '../../engine/datasets.js';
import { readTimetable } from '../2A/read.js';
import { tzIndexOf, type Timetable } from '../../laws/time/timetable.js';
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load5A, checkPolicies5A, type Policies5A, type ChannelGroup } from './policies.js';
import { Classifier, zoneRole, type ZoneRole } from './classes.js';
import { merchantU, perSiteWeekly, cellRaw } from './scale.js';
import { buildShapeCatalogue, pickTemplate, pickZoneProfile, shapeKey, type ShapeCatalogue } from './shapes.js';
import { horizonOf, utcToLocalBucketTable, type Horizon } from '../../laws/time/grid.js';
import { buildCalendar, type Calendar } from './calendar.js';
import { OverlayEngine } from './overlays.js';
import { horizonWeights, type SurfaceInputs } from './surfaces.js';
import { publish5A } from './outputs.js';
import { validate5A } from './validate.js';
import { VirtualMode, Inputs5A, World5A } from './world.js';

export const segment5A: SegmentDef = {
  id: '5A',
  layer: 2,
  upstream: ['1A', '1B', '2A', '2B', '3A', '3B'],
  async preflight(ctx) {
    checkPolicies5A(ctx.pack, load5A(ctx.pack));
  },
  async run(ctx) {
    await runS0(ctx, '5A', ['1A', '1B', '2A', '2B', '3A', '3B'], 'layer2/5A/');
    const p = load5A(ctx.pack);
    checkPolicies5A(ctx.pack, p);
    const inputs = await readInputs5A(ctx);
    const timetable = await readTimetable(ctx);
    const w = build5A(ctx, p, inputs, timetable);
    const pub = await publish5A(ctx, w);
    await validate5A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

const strings = (t: arrow.Table, c: string): string[] => Array.from(t.getChild(c)!, (x) => String(x));

export async function readInputs5A(ctx: RunContext): Promise<Inputs5A> {
  const [za, mu, vc] = await Promise.all([
    readParquetDataset(ctx, 'zone_alloc', {}, { columns: ['merchant_id', 'legal_country_iso', 'tzid', 'zone_site_count', 'zone_site_count_sum', 'zone_share'] }),
    readParquetDataset(ctx, 'merchant_universe_1A', {}, { columns: ['merchant_id', 'mcc', 'channel'] }),
    readParquetDataset(ctx, 'virtual_classification_3B', {}, { columns: ['merchant_id', 'virtual_mode'] }),
  ]);
  const n = za.numRows;
  const idx = Array.from({ length: n }, (_, i) => i);
  const zm = za.getChild('merchant_id')!.toArray() as BigUint64Array;
  const zc = strings(za, 'legal_country_iso'), zt = strings(za, 'tzid');
  idx.sort((a, b) => (zm[a] < zm[b] ? -1 : zm[a] > zm[b] ? 1 : asciiCompare(zc[a], zc[b]) || asciiCompare(zt[a], zt[b])));
  const zs = za.getChild('zone_site_count')!.toArray() as Int32Array;
  const zsum = za.getChild('zone_site_count_sum')!.toArray() as Int32Array;
  const zsh = za.getChild('zone_share')!.toArray() as Float64Array;
  const mm = mu.getChild('merchant_id')!.toArray() as BigUint64Array;
  const mo = Array.from({ length: mu.numRows }, (_, i) => i).sort((a, b) => (mm[a] < mm[b] ? -1 : mm[a] > mm[b] ? 1 : 0));
  const mcc = mu.getChild('mcc')!.toArray() as Int32Array, ch = strings(mu, 'channel');
  const vm = new Map<bigint, string>();
  const vmid = vc.getChild('merchant_id')!.toArray() as BigUint64Array, vmode = strings(vc, 'virtual_mode');
  for (let i = 0; i < vc.numRows; i++) vm.set(vmid[i], vmode[i]);
  return {
    cellMerchant: BigUint64Array.from(idx, (i) => zm[i]),
    cellCountry: idx.map((i) => zc[i]),
    cellTzid: idx.map((i) => zt[i]),
    zoneSites: Int32Array.from(idx, (i) => zs[i]),
    countrySites: Int32Array.from(idx, (i) => zsum[i]),
    zoneShare: Float64Array.from(idx, (i) => zsh[i]),
    merchant: BigUint64Array.from(mo, (i) => mm[i]),
    mcc: Int32Array.from(mo, (i) => mcc[i]),
    channel: mo.map((i) => ch[i]),
    virtualMode: mo.map((i) => (vm.get(mm[i]) ?? 'NON_VIRTUAL') as VirtualMode),
  };
}

export function build5A(ctx: Pick<RunContext, 'manifest_fingerprint' | 'parameter_hash' | 'scale'>, p: Policies5A, inp: Inputs5A, timetable: Timetable): World5A {
  const hz = horizonOf(p.scenario.scenarios[0]);
  const cls = new Classifier(p.classes);
  const M = inp.merchant.length, N = inp.cellMerchant.length;
  // S1 per merchant
  const mClass: string[] = [], mSector: string[] = [], mChannel: ChannelGroup[] = [];
  const mU = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const cg = cls.channelGroup(inp.channel[i]);
    mChannel.push(cg);
    mSector.push(cls.sector(inp.mcc[i]));
    mClass.push(cls.demandClass(inp.mcc[i], cg, inp.virtualMode[i]));
    mU[i] = merchantU(ctx.manifest_fingerprint, inp.merchant[i]);
  }
  // cells → merchants (both in merchant_id order)
  const cellM = new Int32Array(N);
  const mCell0 = new Int32Array(M + 1);
  let m = 0;
  for (let c = 0; c < N; c++) {
    while (m < M && inp.merchant[m] < inp.cellMerchant[c]) mCell0[++m] = c;
    if (m >= M || inp.merchant[m] !== inp.cellMerchant[c]) fail(ErrorCodes.INTERNAL, `zone_alloc merchant ${inp.cellMerchant[c]} is not in merchant_universe_1A`);
    cellM[c] = m;
  }
  while (m < M) mCell0[++m] = N;
  // S1 per cell
  const role: ZoneRole[] = [];
  const raw = new Float64Array(N);
  let capped = 0;
  const perSite = Float64Array.from(mU, (u, i) => perSiteWeekly(p.scale.classes[mClass[i]], u));
  for (let c = 0; c < N; c++) {
    const i = cellM[c];
    const r = zoneRole(p.classes, inp.zoneSites[c], inp.countrySites[c]);
    role.push(r);
    const x = cellRaw(p.scale, { perSite: perSite[i], zoneSites: inp.zoneSites[c], countrySites: inp.countrySites[c], role: r, virtualMode: inp.virtualMode[i], channelGroup: mChannel[i] });
    raw[c] = x.raw;
    if (x.capped) capped++;
  }
  // S2 shapes
  const shapes = buildShapeCatalogue(p.shapes, p.classes.classes);
  const cellShape = new Int32Array(N);
  const cellProfile: string[] = [];
  const pickMemo = new Map<string, number>();
  for (let c = 0; c < N; c++) {
    const i = cellM[c];
    const k0 = `${mClass[i]}|${mChannel[i]}|${inp.cellTzid[c]}|${inp.cellCountry[c]}`;
    let sid = pickMemo.get(k0);
    if (sid === undefined) {
      const t = pickTemplate(p.shapes, mClass[i], mChannel[i], inp.cellTzid[c], ctx.parameter_hash);
      const z = pickZoneProfile(p.shapes, inp.cellCountry[c], inp.cellTzid[c], ctx.parameter_hash);
      sid = shapes.byKey.get(shapeKey(mClass[i], mChannel[i], t, z));
      if (sid === undefined) fail(ErrorCodes.INTERNAL, `no shape for ${k0}`);
      pickMemo.set(k0, sid);
    }
    cellShape[c] = sid;
    cellProfile.push(shapes.defs[sid].zone_profile_id);
  }
  // S4 overlay profiles
  const okey = (c: number) => `${inp.cellCountry[c]}\u0000${inp.cellTzid[c]}\u0000${mClass[cellM[c]]}`;
  const keys = [...new Set(Array.from({ length: N }, (_, c) => okey(c)))].sort(asciiCompare);
  const oIndex = new Map(keys.map((k, i) => [k, i]));
  const cellOverlay = Int32Array.from({ length: N }, (_, c) => oIndex.get(okey(c))!);
  const overlayKeys = keys.map((k) => {
    const [country, tzid, demand_class] = k.split('\u0000');
    return { country, tzid, demand_class };
  });
  const countries = [...new Set(inp.cellCountry)].sort(asciiCompare);
  const calendar = buildCalendar(p.calendar, p.scenario, hz, countries, p.classes.classes);
  const engine = new OverlayEngine(p.scenario, calendar.events, hz.H);
  const overlays = new Float64Array(keys.length * hz.H);
  overlayKeys.forEach((k, o) => engine.factors(k.country, k.tzid, k.demand_class, overlays.subarray(o * hz.H, (o + 1) * hz.H)));
  // UTC ↔ local
  const zones = [...new Set(inp.cellTzid)].sort(asciiCompare);
  const zIdx = new Map(zones.map((z, i) => [z, i]));
  const tzIndices = zones.map((z) => {
    const t = tzIndexOf(timetable, z);
    if (t < 0) fail(ErrorCodes.INTERNAL, `tzid ${z} is not in tz_timetable_cache`);
    return t;
  });
  const utcLocal = utcToLocalBucketTable(timetable, tzIndices, hz.H, hz.startSec);
  const cellZone = Int32Array.from(inp.cellTzid, (z) => zIdx.get(z)!);
  const surf: SurfaceInputs = { hz, shapes: shapes.values, overlays, utcLocal, cellShape, cellOverlay, cellZone };
  const weight = horizonWeights(surf);
  let total = 0;
  for (let c = 0; c < N; c++) total += raw[c] * weight[c];
  const worldFactor = total > 0 ? ctx.scale.arrivals / total : 0;
  const volume = Float64Array.from(raw, (x) => x * worldFactor);
  return {
    p, in: inp, hz, mClass, mSector, mChannel, mU, mCell0, cellM, role, raw, capped, volume, cellShape, cellProfile, cellOverlay, cellZone,
    weight, worldFactor, shapes, calendar, overlayKeys, overlays, usedEvents: engine.used, zones, utcLocal, timetable, surf,
  };
}
