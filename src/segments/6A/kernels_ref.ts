// TypeScript reference of assembly/seg6A/kernels.ts (same draws, same arithmetic order). Tests prove
// the kernels equal to it; S5 replays a sample of entities with it.
import { Substream } from '../../rng/stream.js';
import { normal } from '../../rng/dist.js';
import { aliasSample } from '../../rng/alias.js';
import { fm_cos, fm_exp, fm_neglog_u01 } from '../../rng/fmath.js';
import { entityId } from '../../laws/ids.js';

const DEG = 0.017453292519943295;

/** The substream of `key` from block `block` (a 64-bit block counter as two 32-bit words). */
const sub = (key: readonly [number, number], block: number) => new Substream(key[0], key[1], block >>> 0, Math.floor(block / 4294967296));
/** Blocks of a party's substream window (7 draws). */
export const PARTY_BLOCKS = 4;

/** k6aIdCheck: how many of ids differ from entityId(first + i). */
export function idCheckRef(ids: BigUint64Array, first: number, rk: readonly [number, number, number, number]): number {
  let bad = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== entityId(first + i, rk)) bad++;
  return bad;
}

/** The per-country tables of k6aParties: places by country (alias over population) and each country's centre. */
export interface PlaceTables {
  keys: Uint32Array;
  placeOff: Int32Array;
  placeProb: Float64Array;
  placeAlias: Int32Array;
  placeLat: Float64Array;
  placeLon: Float64Array;
  centreLat: Float64Array;
  centreLon: Float64Array;
}

/** One party of k6aParties: global index, country, local index in the country's substream. */
export function partyRef(
  index: number,
  c: number,
  local: number,
  rk: readonly [number, number, number, number],
  t: PlaceTables,
  jitterKm: number,
  sigma: number,
) {
  const block = local * PARTY_BLOCKS;
  const s = sub([t.keys[2 * c], t.keys[2 * c + 1]], block);
  const a = t.placeOff[c],
    k = t.placeOff[c + 1] - a;
  let lat: number, lon: number;
  if (k > 0) {
    const j = a + aliasSample(s, { n: k, prob: t.placeProb.subarray(a, a + k), alias: t.placeAlias.subarray(a, a + k) });
    lat = t.placeLat[j];
    lon = t.placeLon[j];
  } else {
    s.u01();
    lat = t.centreLat[c];
    lon = t.centreLon[c];
  }
  const jDeg = jitterKm / 111.32;
  const half = 0.5 * sigma * sigma;
  const zLat = normal(s);
  const zLon = normal(s);
  let cl = fm_cos(lat * DEG);
  if (cl < 0.1) cl = 0.1;
  lat = lat + zLat * jDeg;
  if (lat > 89.9) lat = 89.9;
  if (lat < -89.9) lat = -89.9;
  lon = lon + (zLon * jDeg) / cl;
  if (lon >= 180.0) lon -= 360.0;
  if (lon < -180.0) lon += 360.0;
  const activity = fm_exp(sigma * normal(s) - half);
  return { id: entityId(index, rk), lat, lon, activity, draws: s.draws, blocks: s.blocks };
}

/** extra in [0, cap] with P(k) ∝ λ^k / k!, by inversion of one u (cumulative weights, no exp). */
export function truncPoisson(lambda: number, cap: number, u: number): number {
  let z = 1.0;
  let w = 1.0;
  for (let k = 1; k <= cap; k++) {
    w = (w * lambda) / k;
    z += w;
  }
  const target = u * z;
  let acc = 1.0;
  w = 1.0;
  let k = 0;
  while (k < cap && acc < target) {
    k++;
    w = (w * lambda) / k;
    acc += w;
  }
  return k;
}

/** One party of k6aAccountCounts: its count per account type (holdRow: the segment's row of holdP). */
export function accountCountsRef(
  key: [number, number],
  local: number,
  holdRow: ArrayLike<number>,
  extraMean: ArrayLike<number>,
  maxCount: ArrayLike<number>,
): { counts: number[]; draws: number } {
  const T = holdRow.length;
  const counts: number[] = [];
  let draws = 0;
  for (let t = 0; t < T; t++) {
    const p = holdRow[t];
    let cnt = 0;
    if (p >= 0) {
      const block = local * T + t;
      const s = sub(key, block);
      const u1 = s.u01();
      const u2 = s.u01();
      if (u1 < p) cnt = 1 + truncPoisson(extraMean[t], maxCount[t] - 1, u2);
      draws += s.draws;
    }
    counts.push(cnt);
  }
  return { counts, draws };
}

/** One account of k6aAccountOpen: its opening day. */
export function accountOpenRef(key: [number, number], local: number, asOfDay: number, maxDays: number, meanDays: number): number {
  const s = sub(key, local);
  let tenure = meanDays * fm_neglog_u01(s.u01());
  if (tenure > maxDays) tenure = maxDays;
  return asOfDay - 1 - Math.floor(tenure);
}

/** One account of k6aCredentials (scheme table t: its prob / alias / codes; wallet table w). */
export function credentialsRef(
  key: [number, number],
  local: number,
  kind: number,
  p: { phys: number; virt: number; wallet: number },
  scheme: { prob: Float64Array; alias: Int32Array; code: Int32Array },
  wallet: { prob: Float64Array; alias: Int32Array },
  expiryMax: number,
): { flags: number; scheme: number; wallet: number; expiry: number; draws: number } {
  if (kind === 0) return { flags: 0, scheme: -1, wallet: -1, expiry: 0, draws: 0 };
  const block = local * 3;
  const s = sub(key, block);
  const uPhys = s.u01(),
    uVirt = s.u01(),
    uWallet = s.u01();
  let flags = 0;
  if (uPhys < p.phys) flags |= 1;
  if (uVirt < p.virt) flags |= 2;
  if (flags !== 0 && uWallet < p.wallet) flags |= 4;
  const sc = scheme.code[aliasSample(s, { n: scheme.prob.length, prob: scheme.prob, alias: scheme.alias })];
  let expiry = 1 + Math.floor(s.u01() * expiryMax);
  if (expiry > expiryMax) expiry = expiryMax;
  const w = aliasSample(s, { n: wallet.prob.length, prob: wallet.prob, alias: wallet.alias });
  return { flags, scheme: sc, wallet: w, expiry, draws: s.draws };
}

/** One card of k6aCardNumbers: BIN, the serial's digits, the Luhn digit (lengths 13-16: the body stays below 2^53). */
export function cardNumberRef(bin: number, len: number, serial: number): bigint {
  const p = 10 ** (len - 7);
  const body = bin * p + (serial % p);
  let sum = 0,
    v = body,
    dbl = true;
  while (v > 0) {
    let d = v % 10;
    v = Math.floor(v / 10);
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return BigInt(body) * 10n + BigInt((10 - (sum % 10)) % 10);
}

/** Luhn check digit of a digit string. */
export function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when a card number passes the Luhn check. */
export function luhnValid(num: string): boolean {
  return /^\d{12,19}$/.test(num) && luhnDigit(num.slice(0, -1)) === num.charCodeAt(num.length - 1) - 48;
}

/** One card of k6aCardCheck: 1 unless `num` has `len` digits, starts with `bin` and passes Luhn (len 0: not a card, 0). */
export function cardCheckRef(num: bigint, bin: number, len: number): number {
  if (len === 0) return 0;
  const s = num.toString();
  return luhnValid(s) && s.length === len && s.startsWith(String(bin)) ? 0 : 1;
}

/** One party of k6aHouseholdStarts. */
export function householdStartRef(key: [number, number], local: number, isRetail: boolean, pStart: number): number {
  return isRetail ? (sub(key, local).u01() < pStart ? 1 : 0) : 1;
}

/** Blocks of a party's device window. */
export const DEVICE_BLOCKS = 16;

/** One party of k6aDeviceCounts and k6aDeviceFill: its devices' types, OS and sharing. */
export function devicesRef(
  key: [number, number],
  local: number,
  mean: number,
  max: number,
  first: number,
  mix: { prob: Float64Array; alias: Int32Array; code: Int32Array },
  os: (t: number) => { prob: Float64Array; alias: Int32Array; code: Int32Array },
  shareP: ArrayLike<number>,
): { types: number[]; os: number[]; shared: number[]; draws: number } {
  const s = sub(key, local * DEVICE_BLOCKS);
  const count = 1 + truncPoisson(Math.max(0, mean - 1.0), max - 1, s.u01());
  const types: number[] = [],
    oss: number[] = [],
    shared: number[] = [];
  for (let d = 0; d < count; d++) {
    const j = aliasSample(s, { n: mix.prob.length, prob: mix.prob, alias: mix.alias });
    const t = d === 0 ? first : mix.code[j];
    const o = os(t);
    oss.push(o.code[aliasSample(s, { n: o.prob.length, prob: o.prob, alias: o.alias })]);
    shared.push(s.u01() < shareP[t] ? 1 : 0);
    types.push(t);
  }
  return { types, os: oss, shared, draws: s.draws };
}

/** One device of k6aAccess: its account-access mask. */
export function accessRef(key: [number, number], local: number, nAcc: number, p: number): number {
  let m = 0;
  if (p > 0 && nAcc > 0) {
    const s = sub(key, local * 16);
    for (let b = 0; b < nAcc; b++) if (s.u01() < p) m = (m | (1 << b)) >>> 0;
  }
  return m;
}

/** One device of k6aDeviceIps (flags: 1 mobile, 2 portable, 4 personal). */
export function deviceIpsRef(
  key: [number, number],
  local: number,
  flags: number,
  pools: { mobile: number; wifi: number; vpn: number },
  p: { home: number; wifi: number; vpn: number },
): { mobile: number; home: number; wifi: number; vpn: number } {
  const out = { mobile: -1, home: 0, wifi: -1, vpn: -1 };
  if (!(flags & 4)) return out;
  const s = sub(key, local * 3);
  const u = [s.u01(), s.u01(), s.u01(), s.u01(), s.u01(), s.u01()];
  if (flags & 1) {
    out.mobile = Math.min(pools.mobile - 1, Math.floor(u[0] * pools.mobile));
    if (u[1] < p.home) out.home = 1;
  }
  if (flags & 2 && u[2] < p.wifi) out.wifi = Math.min(pools.wifi - 1, Math.floor(u[3] * pools.wifi));
  if (u[4] < p.vpn) out.vpn = Math.min(pools.vpn - 1, Math.floor(u[5] * pools.vpn));
  return out;
}

/** One entity of k6aRoles (its group's four tier tables: prob / alias / code). */
export function roleRef(
  key: [number, number],
  local: number,
  base: number,
  noiseSd: number,
  thresholds: readonly [number, number, number],
  tierTable: (tier: number) => { prob: Float64Array; alias: Int32Array; code: Int32Array },
): { score: number; tier: number; role: number; draws: number } {
  const s = sub(key, local * 2);
  let score = base + noiseSd * normal(s);
  if (score < 0.0) score = 0.0;
  if (score > 1.0) score = 1.0;
  let tier = 0;
  if (score >= thresholds[0]) tier = 1;
  if (score >= thresholds[1]) tier = 2;
  if (score >= thresholds[2]) tier = 3;
  const t = tierTable(tier);
  const role = t.code[aliasSample(s, { n: t.prob.length, prob: t.prob, alias: t.alias })];
  return { score, tier, role, draws: s.draws };
}

/** What k6aDeviceLinks reads of the world: per device, per party, per household, the token lists. */
export interface LinkWorld {
  owner: ArrayLike<number>;
  outlet: ArrayLike<number>;
  shared: ArrayLike<number>;
  mask: ArrayLike<number>;
  /** per device: its tokens are tokList[tokOff[d] .. tokOff[d + 1]) */
  tokOff: ArrayLike<number>;
  tokList: ArrayLike<number>;
  household: ArrayLike<number>;
  hSize: ArrayLike<number>;
  hHead: ArrayLike<number>;
  accOff: ArrayLike<number>;
}
export interface LinkRoles {
  terminal: number;
  owner: number;
  coUser: number;
  account: number;
  token: number;
}

/** Device d's rows of k6aDeviceLinks: [device, party, account, instrument, role], −1 where none. */
export function deviceLinksRef(d: number, w: LinkWorld, r: LinkRoles): number[][] {
  const o = w.owner[d];
  if (w.outlet[d] >= 0) return [[d, o, -1, -1, r.terminal]];
  const rows = [[d, o, -1, -1, r.owner]];
  const h = w.household[o];
  if (w.shared[d] && h >= 0) for (let m = w.hHead[h]; m < w.hHead[h] + w.hSize[h]; m++) if (m !== o) rows.push([d, m, -1, -1, r.coUser]);
  for (let b = 0; b < 32; b++) if ((w.mask[d] >>> b) & 1) rows.push([d, -1, w.accOff[o] + b, -1, r.account]);
  for (let t = w.tokOff[d]; t < w.tokOff[d + 1]; t++) rows.push([d, -1, -1, w.tokList[t], r.token]);
  return rows;
}

/** Device d's rows of k6aIpLinks: [ip, device, role]. */
export function ipLinksRef(
  d: number,
  typical: number,
  recentHome: number,
  wifi: number,
  vpn: number,
  r: { typical: number; recent: number; wifi: number },
): number[][] {
  const rows = [[typical, d, r.typical]];
  if (recentHome >= 0 && recentHome !== typical) rows.push([recentHome, d, r.recent]);
  if (wifi >= 0) rows.push([wifi, d, r.wifi]);
  if (vpn >= 0) rows.push([vpn, d, r.recent]);
  return rows;
}

/** What k6aInstruments reads per account (index r) and per party, and its constants. */
export interface InstrumentInputs {
  flags: ArrayLike<number>;
  scheme: ArrayLike<number>;
  wallet: ArrayLike<number>;
  expiry: ArrayLike<number>;
  kind: ArrayLike<number>;
  settled: ArrayLike<number>;
  owner: ArrayLike<number>;
  partyRail: ArrayLike<number>;
  partyBiz: ArrayLike<number>;
  cardType: ArrayLike<number>;
  payout: number;
  handle: number;
  token: number;
  walletBase: number;
  debitKind: number;
}

/** Account r's rows of k6aInstruments ([account, type, scheme, funding, expiry]); its first instrument is number `firstIns`. */
export function instrumentsRef(r: number, x: InstrumentInputs, firstIns: number): number[][] {
  const o = x.owner[r];
  const rows = [[r, x.settled[r] ? x.payout : x.handle, x.partyRail[o], -1, 0]];
  const base = x.partyBiz[o] * 4 + (x.kind[r] === x.debitKind ? 2 : 0);
  let card = -1;
  if (x.flags[r] & 1) {
    card = firstIns + rows.length;
    rows.push([r, x.cardType[base + 1], x.scheme[r], -1, x.expiry[r]]);
  }
  if (x.flags[r] & 2) {
    if (card < 0) card = firstIns + rows.length;
    rows.push([r, x.cardType[base], x.scheme[r], -1, x.expiry[r]]);
  }
  if (x.flags[r] & 4) rows.push([r, x.token, x.walletBase + x.wallet[r], card, x.expiry[r]]);
  return rows;
}

/** What k6aCardProfile reads: per instrument, per account, per party, and its lookup tables. */
export interface CardProfileInputs {
  S: number;
  C: number;
  T: number;
  type: ArrayLike<number>;
  account: ArrayLike<number>;
  scheme: ArrayLike<number>;
  expiry: ArrayLike<number>;
  accType: ArrayLike<number>;
  accOwner: ArrayLike<number>;
  partySeg: ArrayLike<number>;
  partyCountry: ArrayLike<number>;
  classOf: ArrayLike<number>;
  creditOf: ArrayLike<number>;
  tierOf: ArrayLike<number>;
  expiryMonth: ArrayLike<number>;
  bins: ArrayLike<number>;
  lenOf: ArrayLike<number>;
}

/** Instrument q of k6aCardProfile: [tier, expiry day, BIN, number length]. */
export function cardProfileRef(q: number, x: CardProfileInputs): [number, number, number, number] {
  const t = x.type[q];
  const cls = x.classOf[t];
  if (cls === 0) return [-1, 0, 0, 0];
  const r = x.account[q],
    o = x.accOwner[r];
  const tc = x.tierOf[x.accType[r] * x.S + x.partySeg[o]];
  const day = x.expiryMonth[x.expiry[q]];
  if (cls !== 1) return [tc, day, 0, 0];
  const key = ((x.scheme[q] * x.C + x.partyCountry[o]) * 2 + x.creditOf[t]) * x.T + tc;
  return [tc, day, x.bins[key], x.lenOf[x.scheme[q]]];
}

/** Party i of k6aNeighbourhoods over whole-world arrays: [devices used, distinct IPs of them]. */
export function neighbourhoodRef(
  i: number,
  x: {
    devOff: ArrayLike<number>;
    household: ArrayLike<number>;
    hHead: ArrayLike<number>;
    hSize: ArrayLike<number>;
    shared: ArrayLike<number>;
    typical: ArrayLike<number>;
    recentHome: ArrayLike<number>;
    wifi: ArrayLike<number>;
    vpn: ArrayLike<number>;
  },
): [number, number] {
  const h = x.household[i];
  const members = h >= 0 ? Array.from({ length: x.hSize[h] }, (_, k) => x.hHead[h] + k) : [i];
  const ips = new Set<number>();
  let devices = 0;
  for (const m of members)
    for (let d = x.devOff[m]; d < x.devOff[m + 1]; d++) {
      if (m !== i && !x.shared[d]) continue;
      devices++;
      for (const ip of [x.typical[d], x.recentHome[d], x.wifi[d], x.vpn[d]]) if (ip >= 0) ips.add(ip);
    }
  return [devices, ips.size];
}
