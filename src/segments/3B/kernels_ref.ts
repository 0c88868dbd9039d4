// TypeScript references of assembly/seg3B/kernels.ts (same draws, same IEEE operation order, fm_*
// not Math.log/exp/cos/sin). Used by tests to prove kernel equality and by S5 to replay a sample.
import { Substream } from '../../rng/stream.js';
import { nb2, normal } from '../../rng/dist.js';
import { aliasBuild, aliasSample } from '../../rng/alias.js';
import { fm_cos, fm_exp, fm_log, fm_sin } from '../../rng/fmath.js';
import { edgeSliceParts } from '../../laws/routing/edges.js';

const TWO_PI = 6.283185307179586;
const DEG = 0.017453292519943295;
const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 111.32;

export interface PlanParams {
  phi: number;
  minE: number;
  maxE: number;
  lnBase: number;
  elasticity: number;
  sigma: number;
  baseMu: number;
}

export function edgePlanRef(k: [number, number], mu: number, q: PlanParams) {
  const s = new Substream(k[0], k[1]);
  let m = mu - q.minE;
  if (m < 0.1) m = 0.1;
  let E = q.minE + nb2(s, m, q.phi);
  if (E > q.maxE) E = q.maxE;
  const z = normal(s);
  const reach = fm_exp(q.lnBase + q.elasticity * fm_log(E / q.baseMu) + q.sigma * z);
  return { E, reach, draws: s.draws, blocks: s.blocks };
}

/** One jitter attempt (2 draws) around (lat, lon). */
export function jitterRef(s: Substream, lat: number, lon: number, jitterKm: number): [number, number] {
  const r = jitterKm * Math.sqrt(s.u01());
  const t = TWO_PI * s.u01();
  let c = fm_cos(lat * DEG);
  if (c < 0.01) c = 0.01;
  let a = lat + (r * fm_cos(t)) / KM_PER_DEG_LAT;
  let o = lon + (r * fm_sin(t)) / (KM_PER_DEG_LON * c);
  if (a > 89.9999) a = 89.9999;
  if (a < -89.9999) a = -89.9999;
  if (o > 180.0) o -= 360.0;
  if (o <= -180.0) o += 360.0;
  return [a, o];
}

export interface MixTables {
  nC: number;
  pw: Float64Array;
  /** country unit vectors, 3 per country */
  cU: Float64Array;
  cityOff: Int32Array;
  cityProb: Float64Array;
  cityAlias: Int32Array;
  cityLat: Float64Array;
  cityLon: Float64Array;
}
export interface MixParams {
  g: number;
  bs: number;
  bf: number;
  radius: number;
  jitterKm: number;
}

/** Country mix of one merchant (raw masses, index order) — the kernel's first phase. */
export function countryMixRef(
  t: MixTables,
  q: MixParams,
  settleU: ArrayLike<number>,
  settleC: number,
  reach: number,
  footprint: ArrayLike<number>,
): { raw: Float64Array; sum: number } {
  const raw = new Float64Array(t.nC);
  const fp = new Set(Array.from(footprint));
  let sum = 0;
  for (let c = 0; c < t.nC; c++) {
    const dx = settleU[0] - t.cU[3 * c],
      dy = settleU[1] - t.cU[3 * c + 1],
      dz = settleU[2] - t.cU[3 * c + 2];
    const d = q.radius * Math.sqrt(dx * dx + dy * dy + dz * dz);
    let v = t.pw[c] * (q.g + (1.0 - q.g) * fm_exp(-d / reach));
    if (c === settleC) v = v * (1.0 + q.bs);
    if (fp.has(c)) v = v * (1.0 + q.bf);
    raw[c] = v;
    sum += v;
  }
  return { raw, sum };
}

/** All slots of one merchant: country, city, first jitter candidate, pc, draws/blocks per edge. */
export function edgeSlotsRef(
  t: MixTables,
  q: MixParams,
  settleU: ArrayLike<number>,
  settleC: number,
  reach: number,
  footprint: ArrayLike<number>,
  edgeKeys: [number, number][],
) {
  const { raw, sum } = countryMixRef(t, q, settleU, settleC, reach, footprint);
  const table = aliasBuild(raw);
  const slots = edgeKeys.map((k) => {
    const s = new Substream(k[0], k[1]);
    const c = aliasSample(s, table);
    const co = t.cityOff[c];
    const n = t.cityOff[c + 1] - co;
    const city = co + aliasSample(s, { n, prob: t.cityProb.subarray(co, co + n), alias: t.cityAlias.subarray(co, co + n) });
    const [lat, lon] = jitterRef(s, t.cityLat[city], t.cityLon[city], q.jitterKm);
    return { country: c, city, lat, lon, pc: 0, draws: s.draws, blocks: s.blocks };
  });
  const mass = catchmentRef(
    t,
    raw,
    slots.map((x) => x.country),
  );
  for (const x of slots) x.pc = mass[x.country] / sum;
  return slots;
}

/** Each country's raw mass to the nearest (chord) country holding an edge; ties to the lower index. */
export function catchmentRef(t: Pick<MixTables, 'nC' | 'cU'>, raw: Float64Array, edgeCountries: number[]): Float64Array {
  const mark = new Uint8Array(t.nC);
  for (const c of edgeCountries) mark[c] = 1;
  const S: number[] = [];
  for (let c = 0; c < t.nC; c++) if (mark[c]) S.push(c);
  const mass = new Float64Array(t.nC);
  for (let c = 0; c < t.nC; c++) {
    let best = S[0];
    let bestD = Infinity;
    for (const s of S) {
      const dx = t.cU[3 * c] - t.cU[3 * s],
        dy = t.cU[3 * c + 1] - t.cU[3 * s + 1],
        dz = t.cU[3 * c + 2] - t.cU[3 * s + 2];
      const d = dx * dx + dy * dy + dz * dz;
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    mass[best] = mass[best] + raw[c];
  }
  return mass;
}

/** Jitter attempt `attempt` (≥ 1) of one edge. */
export function edgeJitterRef(k: [number, number], attempt: number, lat: number, lon: number, jitterKm: number) {
  const s = new Substream(k[0], k[1]);
  for (let i = 0; i < 2 + 2 * attempt; i++) s.u01();
  const [a, o] = jitterRef(s, lat, lon, jitterKm);
  return { lat: a, lon: o, draws: s.draws, blocks: s.blocks };
}

/** One merchant's edge alias slice, unpadded: [n, qbits, 0, 0] q[n] alias[n] (same law as 2B's edgeSlice). */
export function edgeAliasRef(weights: ArrayLike<number>, bits: number, qbits: number): { words: Uint32Array; left: number; masses: Uint32Array } {
  return edgeSliceParts(weights, bits, qbits);
}
