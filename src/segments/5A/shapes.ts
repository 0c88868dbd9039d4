// S2 weekly shapes: each template evaluated on the 168-bucket local week, times a zone profile, renormalised to
// unit mass. The shape catalogue enumerates every (class, channel, template, zone profile) the policy allows, in
// ASCII order, so class_zone_shape_5A depends on the policy alone; cells pick into it by deterministic hashes.
import { createHash } from 'node:crypto';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import { asciiCompare } from '../../core/hash.js';
import { T_WEEK } from '../../laws/time/grid.js';
import type { ChannelGroup, ShapesPolicy, Template, ZoneProfile } from './policies.js';

export interface ShapeDef {
  shape_id: number;
  demand_class: string;
  channel_group: ChannelGroup;
  template_id: string;
  zone_profile_id: string;
}

export interface ShapeCatalogue {
  defs: ShapeDef[];
  /** shape_id * 168 + k */
  values: Float64Array;
  byKey: Map<string, number>;
}

const dowOf = (k: number) => 1 + Math.floor(k / 24);
const minuteOf = (k: number) => (k % 24) * 60;

/** Unnormalised template value per local-week bucket. */
export function templateVector(t: Template): Float64Array {
  const v = new Float64Array(T_WEEK);
  for (let k = 0; k < T_WEEK; k++) {
    const m = minuteOf(k);
    let g = t.floor;
    for (const [c, s, a] of t.peaks) {
      const z = (m - c) / s;
      g += a * fm_exp(-0.5 * z * z);
    }
    const x = t.dow[dowOf(k) - 1] * g;
    v[k] = x > 0 ? (t.power === 1 ? x : fm_exp(t.power * fm_log(x))) : 0;
  }
  return v;
}

/** Zone profile multiplier per local-week bucket (dow multiplier × every window covering the bucket). */
export function profileVector(z: ZoneProfile): Float64Array {
  const v = new Float64Array(T_WEEK);
  for (let k = 0; k < T_WEEK; k++) {
    const d = dowOf(k),
      m = minuteOf(k);
    let x = z.dow[d - 1];
    for (const w of z.windows) {
      if (w.days !== '*' && !w.days.includes(d)) continue;
      const inside = w.start_min <= w.end_min ? m >= w.start_min && m < w.end_min : m >= w.start_min || m < w.end_min;
      if (inside) x *= w.multiplier;
    }
    v[k] = x;
  }
  return v;
}

export function shapeKey(cls: string, channel: string, template: string, profile: string): string {
  return `${cls}|${channel}|${template}|${profile}`;
}

export function buildShapeCatalogue(p: ShapesPolicy, classes: string[]): ShapeCatalogue {
  const tpl = new Map(p.templates.map((t) => [t.id, t]));
  const prof = new Map(p.zones.profiles.map((z) => [z.id, z]));
  const tuples: [string, ChannelGroup, string, string][] = [];
  for (const r of p.rules) {
    if (!classes.includes(r.class) || !p.channel_groups.includes(r.channel)) continue;
    for (const t of new Set(r.candidates)) for (const z of prof.keys()) tuples.push([r.class, r.channel, t, z]);
  }
  tuples.sort((a, b) => asciiCompare(a[0], b[0]) || asciiCompare(a[1], b[1]) || asciiCompare(a[2], b[2]) || asciiCompare(a[3], b[3]));
  const tv = new Map<string, Float64Array>();
  const pv = new Map<string, Float64Array>();
  const values = new Float64Array(tuples.length * T_WEEK);
  const defs: ShapeDef[] = [];
  const byKey = new Map<string, number>();
  tuples.forEach(([c, ch, t, z], id) => {
    if (!tv.has(t)) tv.set(t, templateVector(tpl.get(t)!));
    if (!pv.has(z)) pv.set(z, profileVector(prof.get(z)!));
    const a = tv.get(t)!,
      b = pv.get(z)!;
    let sum = 0;
    for (let k = 0; k < T_WEEK; k++) sum += a[k] * b[k];
    for (let k = 0; k < T_WEEK; k++) values[id * T_WEEK + k] = (a[k] * b[k]) / sum;
    defs.push({ shape_id: id, demand_class: c, channel_group: ch, template_id: t, zone_profile_id: z });
    byKey.set(shapeKey(c, ch, t, z), id);
  });
  return { defs, values, byKey };
}

function hashU64(msg: string): bigint {
  return createHash('sha256').update(msg, 'utf8').digest().readBigUInt64BE(0);
}

/** Template of (class, channel, tzid): candidate floor(u n), u = (x + 0.5) / 2^64 of SHA256("5A.shape.template|…"). */
export function pickTemplate(p: ShapesPolicy, cls: string, channel: string, tzid: string, parameterHash: string): string {
  const r = p.rules.find((x) => x.class === cls && x.channel === channel)!;
  const x = hashU64(`5A.shape.template|${cls}|${channel}|${tzid}|${parameterHash}`);
  const u = (Number(x) + 0.5) / 18446744073709551616;
  return r.candidates[Math.min(r.candidates.length - 1, Math.floor(u * r.candidates.length))];
}

/** Zone profile of a cell: the first country override that names its legal country, else prefix + (hash(tzid) mod buckets). */
export function pickZoneProfile(p: ShapesPolicy, country: string, tzid: string, parameterHash: string): string {
  for (const o of p.zones.overrides) if (o.countries.includes(country)) return o.profile;
  const x = hashU64(`5A.shape.zone|${tzid}|${parameterHash}`);
  return `${p.zones.prefix}${x % BigInt(p.zones.buckets)}`;
}

/** Mass of a shape inside day set × [startMin, endMin). */
export function windowMass(values: Float64Array, shapeId: number, days: number[], startMin: number, endMin: number): number {
  let s = 0;
  for (let k = 0; k < T_WEEK; k++) {
    const m = minuteOf(k);
    if (days.includes(dowOf(k)) && m >= startMin && m < endMin) s += values[shapeId * T_WEEK + k];
  }
  return s;
}
