// The two-stage site router (group by day, then site in group) over 2B's alias blob, and its decode.
// Pure: the readers that build a Router2B from 2B's published tables live in segments/2B.
import type { DictCol } from '../../io/tables.js';
import { aliasDecodeQRef, sliceWideRef } from './alias.js';

export interface Router2B {
  /** ascending merchant ids; router merchant index = position */
  merchantId: BigUint64Array;
  /** S2 alias blob as little-endian u32 words, and each merchant's slice start (words) */
  blob: Uint32Array;
  sliceWord: Uint32Array;
  /** per-(merchant, day) group tables (q[G] alias[G] per day) and each merchant's start (words) */
  dayTab: Uint32Array;
  dayWord: Uint32Array;
  nDays: number;
  /** epoch day (UTC) of day index 0 */
  startDay: number;
  dayQbits: number;
  /** tz-groups of merchant m: groupTz[groupOff[m] .. groupOff[m+1]) (tzids ascending) */
  groupOff: Int32Array;
  groupTz: string[];
  /** sites of merchant m: siteOff[m] .. siteOff[m+1]) in (legal_country_iso, site_order) order */
  siteOff: Int32Array;
  siteCountry: DictCol;
  siteOrder: Int32Array;
}

/** Stage B of the slice at word w (n sites, G > 0 groups): the site alias of group g → site. */
function groupSiteWords(blob: Uint32Array, w: number, n: number, G: number, g: number, u: number, scale: number): number {
  const gs = w + 4 + 2 * n;
  const a = blob[gs + g];
  const ng = blob[gs + g + 1] - a;
  const perm = gs + G + 1;
  const gq = perm + n;
  const ga = gq + n;
  const k = aliasDecodeQRef(blob.subarray(gq + a), blob.subarray(ga + a), ng, u, scale);
  return blob[perm + a + k];
}

/** Router merchant index of a merchant id (binary search), or -1. */
export function merchantIndex(r: Router2B, id: bigint): number {
  let lo = 0;
  let hi = r.merchantId.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = r.merchantId[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Day index of an epoch day (UTC) in the router horizon, or -1 outside it. */
export function dayIndex(r: Router2B, epochDayUtc: number): number {
  const d = epochDayUtc - r.startDay;
  return d >= 0 && d < r.nDays ? d : -1;
}

/** TypeScript reference of the two-stage router (bit-identical to routeSite in the wasm). */
export function routeRef(r: Router2B, m: number, d: number, u1: number, u2: number): { group: number; site: number } {
  return routeWords(r.blob, r.sliceWord[m], r.dayTab, r.dayWord[m], d, r.nDays, 2 ** r.dayQbits, u1, u2);
}

/** The reference over raw words (also used for sub-routers and synthetic tables in tests). */
export function routeWords(
  blob: Uint32Array,
  w: number,
  dayTab: Uint32Array,
  dayW: number,
  d: number,
  nDays: number,
  dayScale: number,
  u1: number,
  u2: number,
): { group: number; site: number } {
  const n = blob[w];
  const scale = 2 ** blob[w + 1];
  const G = blob[w + 2];
  if (G === 0) return { group: 0, site: sliceWideRef(blob, w, u2) };
  if (d < 0 || d >= nDays) return { group: -1, site: -1 };
  let g = 0;
  if (G > 1) {
    const t = dayW + d * 2 * G;
    g = aliasDecodeQRef(dayTab.subarray(t), dayTab.subarray(t + G), G, u1, dayScale);
  }
  return { group: g, site: groupSiteWords(blob, w, n, G, g, u2, scale) };
}

/** Stage B alone (reference of siteOfGroup in the wasm): the site of tz-group g from u; G == 0 decodes the merchant-wide table. */
export function siteOfGroupWords(blob: Uint32Array, w: number, g: number, u: number): number {
  const n = blob[w];
  const scale = 2 ** blob[w + 1];
  const G = blob[w + 2];
  if (G === 0) return sliceWideRef(blob, w, u);
  return groupSiteWords(blob, w, n, G, g, u, scale);
}

/** Exact decoded probabilities of one Q0.qbits table (n columns): P(i) = Σ_j [j=i]q_j + [alias_j=i](2^qbits − q_j), / (n·2^qbits). */
export function decodedProbabilities(q: ArrayLike<number>, alias: ArrayLike<number>, n: number, qbits: number): Float64Array {
  const S = 2 ** qbits;
  const num = new Float64Array(n); // each entry < n·2^32 < 2^53: exact
  for (let j = 0; j < n; j++) {
    num[j] += q[j];
    num[alias[j]] += S - q[j];
  }
  for (let i = 0; i < n; i++) num[i] /= n * S;
  return num;
}

/** Exact routing law of merchant m on day d: P(site) = Σ_g P(g) P(site | g), merchant-local site order. */
export function routingLaw(r: Router2B, m: number, d: number): Float64Array {
  const w = r.sliceWord[m];
  const n = r.blob[w];
  const qb = r.blob[w + 1];
  const G = r.blob[w + 2];
  const out = new Float64Array(n);
  const gs = w + 4 + 2 * n;
  const perm = gs + G + 1;
  const pg =
    G > 1
      ? decodedProbabilities(r.dayTab.subarray(r.dayWord[m] + d * 2 * G), r.dayTab.subarray(r.dayWord[m] + d * 2 * G + G), G, r.dayQbits)
      : Float64Array.of(1);
  for (let g = 0; g < G; g++) {
    const a = r.blob[gs + g];
    const ng = r.blob[gs + g + 1] - a;
    const ps = decodedProbabilities(r.blob.subarray(perm + n + a), r.blob.subarray(perm + 2 * n + a), ng, qb);
    for (let k = 0; k < ng; k++) out[r.blob[perm + a + k]] += pg[g] * ps[k];
  }
  return out;
}

/** A router over a subset of merchants (router indices, ascending): compact tables for one shard. */
export function subsetRouter(r: Router2B, merchants: ArrayLike<number>): Router2B {
  const M = merchants.length;
  const sliceWord = new Uint32Array(M);
  const dayWord = new Uint32Array(M);
  const groupOff = new Int32Array(M + 1);
  const siteOff = new Int32Array(M + 1);
  let bw = 0,
    dw = 0;
  const spans: [number, number, number, number][] = [];
  for (let i = 0; i < M; i++) {
    const m = merchants[i];
    const w = r.sliceWord[m];
    const n = r.blob[w],
      G = r.blob[w + 2];
    const len = (4 + 2 * n + (G > 0 ? G + 1 + 3 * n : 0) + 1) & ~1;
    const dl = 2 * G * r.nDays;
    spans.push([w, len, r.dayWord[m], dl]);
    sliceWord[i] = bw;
    dayWord[i] = dw;
    bw += len;
    dw += dl;
    groupOff[i + 1] = groupOff[i] + (r.groupOff[m + 1] - r.groupOff[m]);
    siteOff[i + 1] = siteOff[i] + (r.siteOff[m + 1] - r.siteOff[m]);
  }
  const blob = new Uint32Array(bw);
  const dayTab = new Uint32Array(dw);
  const groupTz: string[] = [];
  const siteCodes = new Int32Array(siteOff[M]);
  const siteOrder = new Int32Array(siteOff[M]);
  for (let i = 0; i < M; i++) {
    const m = merchants[i];
    const [w, len, d0, dl] = spans[i];
    blob.set(r.blob.subarray(w, w + len), sliceWord[i]);
    dayTab.set(r.dayTab.subarray(d0, d0 + dl), dayWord[i]);
    for (let g = r.groupOff[m]; g < r.groupOff[m + 1]; g++) groupTz.push(r.groupTz[g]);
    siteCodes.set(r.siteCountry.codes.subarray(r.siteOff[m], r.siteOff[m + 1]), siteOff[i]);
    siteOrder.set(r.siteOrder.subarray(r.siteOff[m], r.siteOff[m + 1]), siteOff[i]);
  }
  return {
    merchantId: BigUint64Array.from(Array.from(merchants, (m) => r.merchantId[m])),
    blob,
    sliceWord,
    dayTab,
    dayWord,
    nDays: r.nDays,
    startDay: r.startDay,
    dayQbits: r.dayQbits,
    groupOff,
    groupTz,
    siteOff,
    siteCountry: { codes: siteCodes, dict: r.siteCountry.dict },
    siteOrder,
  };
}
