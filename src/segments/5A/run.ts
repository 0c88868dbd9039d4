// Segment 5A: deterministic demand surfaces (no RNG).
//   S0 gate+seal (1A 1B 2A 2B 3A 3B) → S1 class + base scale per merchant × zone (zone_alloc cells) →
//   S2 weekly shapes (class × channel × template × zone profile, unit mass) → S3 baseline = scale × shape →
//   S4 calendar (holidays, paydays, campaigns / stress) → overlay factors per (country, tzid, class) over the
//   local horizon; world factor so expected arrivals = scale.arrivals → surfaces (materialised below a row
//   cap) → S5 checks + bundle.
import * as arrow from 'apache-arrow';
import { runS0 } from '../../engine/s0.js';
import { readTable } from '../../io/reader.js';
import { readTimetable } from '../2A/read.js';
import type { Timetable } from '../../laws/time/timetable.js';
import { asciiCompare } from '../../core/hash.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load5A, checkPolicies5A, type Policies5A } from './policies.js';
import { horizonOf } from '../../laws/time/grid.js';
import { s1ClassScale } from './s1_class_scale.js';
import { s2Shapes } from './s2_shapes.js';
import { s4Overlays } from './s4_overlays.js';
import { s3Surfaces } from './s3_surfaces.js';
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
    readTable(ctx, 'zone_alloc', {
      columns: ['merchant_id', 'legal_country_iso', 'tzid', 'zone_site_count', 'zone_site_count_sum', 'zone_share'],
    }),
    readTable(ctx, 'merchant_universe_1A', { columns: ['merchant_id', 'mcc', 'channel'] }),
    readTable(ctx, 'virtual_classification_3B', { columns: ['merchant_id', 'virtual_mode'] }),
  ]);
  const n = za.numRows;
  const idx = Array.from({ length: n }, (_, i) => i);
  const zm = za.getChild('merchant_id')!.toArray() as BigUint64Array;
  const zc = strings(za, 'legal_country_iso'),
    zt = strings(za, 'tzid');
  idx.sort((a, b) => (zm[a] < zm[b] ? -1 : zm[a] > zm[b] ? 1 : asciiCompare(zc[a], zc[b]) || asciiCompare(zt[a], zt[b])));
  const zs = za.getChild('zone_site_count')!.toArray() as Int32Array;
  const zsum = za.getChild('zone_site_count_sum')!.toArray() as Int32Array;
  const zsh = za.getChild('zone_share')!.toArray() as Float64Array;
  const mm = mu.getChild('merchant_id')!.toArray() as BigUint64Array;
  const mo = Array.from({ length: mu.numRows }, (_, i) => i).sort((a, b) => (mm[a] < mm[b] ? -1 : mm[a] > mm[b] ? 1 : 0));
  const mcc = mu.getChild('mcc')!.toArray() as Int32Array,
    ch = strings(mu, 'channel');
  const vm = new Map<bigint, string>();
  const vmid = vc.getChild('merchant_id')!.toArray() as BigUint64Array,
    vmode = strings(vc, 'virtual_mode');
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

export function build5A(
  ctx: Pick<RunContext, 'manifest_fingerprint' | 'parameter_hash' | 'scale'>,
  p: Policies5A,
  inp: Inputs5A,
  timetable: Timetable,
): World5A {
  const hz = horizonOf(p.scenario.scenarios[0]);
  const { mClass, mSector, mChannel, mU, mCell0, cellM, role, raw, capped } = s1ClassScale(ctx, { p, inp });
  const { shapes, cellShape, cellProfile } = s2Shapes(ctx, { p, inp, mClass, mChannel, cellM });
  const { cellOverlay, overlayKeys, calendar, overlays, usedEvents } = s4Overlays({ p, inp, hz, mClass, cellM });
  // S3's surfaces multiply in S4's overlays, so they close the build
  const { zones, utcLocal, cellZone, surf, weight, worldFactor, volume } = s3Surfaces(ctx, {
    inp,
    hz,
    timetable,
    raw,
    shapes,
    overlays,
    cellShape,
    cellOverlay,
  });
  return {
    p,
    in: inp,
    hz,
    mClass,
    mSector,
    mChannel,
    mU,
    mCell0,
    cellM,
    role,
    raw,
    capped,
    volume,
    cellShape,
    cellProfile,
    cellOverlay,
    cellZone,
    weight,
    worldFactor,
    shapes,
    calendar,
    overlayKeys,
    overlays,
    usedEvents,
    zones,
    utcLocal,
    timetable,
    surf,
  };
}
