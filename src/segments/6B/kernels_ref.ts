// TypeScript reference of assembly/seg6B/kernels.ts (same draws, same arithmetic order). Tests hold the
// kernel to it; S1's checks replay sampled visits with it.
import { Substream } from '../../rng/stream.js';
import { entityId, type RoundKeys } from '../../laws/ids.js';
import { aliasAt } from '../../rng/alias.js';

export const VISIT_BLOCKS = 6;
export const POS = 0,
  ATM = 1,
  ECOM = 2;
export const CHANNELS = ['POS', 'ATM', 'ECOM'] as const;
export const CG_CP = 0,
  CG_CNP = 1,
  CG_MIXED = 2;
export const RULES = ['CONTINUE', 'REGULAR', 'LOCAL', 'DOMESTIC', 'TRAVELLER'] as const;

/** The whole-world tables of k6bAttach (resident in each worker). */
export interface AttachTables {
  nMerchants: number;
  nSites: number;
  nCountries: number;
  /** 1A merchant ids, ascending (the merchant index is the rank) */
  merchIds: BigUint64Array;
  merchAtm: Uint8Array;
  /** outlets by merchant: [siteOff[m], siteOff[m + 1]) with their country index and site_order, sorted by both */
  siteOff: Int32Array;
  siteCountry: Int32Array;
  siteOrders: Int32Array;
  siteCell: Int32Array;
  siteTerm: Int32Array;
  cc: Int32Array;
  ccProb: Float64Array;
  ccAlias: Int32Array;
  cProb: Float64Array;
  cAlias: Int32Array;
  cellOff: Int32Array;
  cellParty: Int32Array;
  cellProb: Float64Array;
  cellAlias: Int32Array;
  partyCountry: Int32Array;
  cardOff: Int32Array;
  cardInst: Int32Array;
  cardAcct: Int32Array;
  cardMask: Uint8Array;
  devOff: Int32Array;
  devList: Int32Array;
  ipOff: Int32Array;
  ipList: Int32Array;
  /** id round keys: party, account, instrument, device, ip (4 each) */
  keys: Uint32Array;
}

/** Policy numbers of k6bAttach (per channel arrays in POS, ATM, ECOM order). */
export interface AttachPolicy {
  k0: number;
  k1: number;
  rk0: number;
  rk1: number;
  mixedCnp: number;
  visitsPerRegular: number;
  pPrimary: number;
  pTypical: number;
  pPrimaryCard: number;
  pCont: Float64Array;
  maxGapUs: Float64Array;
  pRegular: Float64Array;
  pCross: Float64Array;
  pLocal: Float64Array;
}

/** One part's arrivals as k6bAttach reads them. */
export interface AttachArrivals {
  n: number;
  merchantId: BigUint64Array;
  seq: BigUint64Array;
  ts: BigInt64Array;
  /** legal_country_iso dictionary codes (−1 null) and each code's country index (−1 none) */
  countryCode: Int32Array;
  countryMap: Int32Array;
  /** channel_group codes and each code's group (CG_CP, CG_CNP, CG_MIXED) */
  cgCode: Int32Array;
  cgMap: Uint8Array;
  virt: Uint8Array;
  /** site_order, −1 null */
  siteOrder: Int32Array;
}

export interface AttachOut {
  visits: number;
  party: BigUint64Array;
  account: BigUint64Array;
  instrument: BigUint64Array;
  device: BigUint64Array;
  ip: BigUint64Array;
  session: BigUint64Array;
  channel: Uint8Array;
  rule: Uint8Array;
  traveller: Uint8Array;
  visitFirst: Int32Array;
  /** per visit (the first `visits` rows): s1_session_index_6B */
  sess: {
    id: BigUint64Array;
    count: BigUint64Array;
    start: BigInt64Array;
    end: BigInt64Array;
    party: BigUint64Array;
    device: BigUint64Array;
    account: BigUint64Array;
    instrument: BigUint64Array;
    merchant: BigUint64Array;
  };
}

function uniformIndex(u: number, k: number): number {
  const j = Math.floor(u * k);
  return j >= k ? k - 1 : j;
}

const keysOf = (t: AttachTables, e: number): RoundKeys => [t.keys[4 * e], t.keys[4 * e + 1], t.keys[4 * e + 2], t.keys[4 * e + 3]];

/** k6bAttach in TypeScript; `visits` −1 − i when arrival i breaks the order. */
export function attachRef(a: AttachArrivals, t: AttachTables, p: AttachPolicy): AttachOut {
  const n = a.n;
  const o: AttachOut = {
    visits: 0,
    party: new BigUint64Array(n),
    account: new BigUint64Array(n),
    instrument: new BigUint64Array(n),
    device: new BigUint64Array(n),
    ip: new BigUint64Array(n),
    session: new BigUint64Array(n),
    channel: new Uint8Array(n),
    rule: new Uint8Array(n),
    traveller: new Uint8Array(n),
    visitFirst: new Int32Array(n),
    sess: {
      id: new BigUint64Array(n),
      count: new BigUint64Array(n),
      start: new BigInt64Array(n),
      end: new BigInt64Array(n),
      party: new BigUint64Array(n),
      device: new BigUint64Array(n),
      account: new BigUint64Array(n),
      instrument: new BigUint64Array(n),
      merchant: new BigUint64Array(n),
    },
  };
  const siteVisits = new Int32Array(Math.max(t.nSites, 1));
  const merchVisits = new Int32Array(Math.max(t.nMerchants, 1));
  const siteLast = new Int32Array(Math.max(t.nSites, 1)).fill(-1);
  const merchLast = new Int32Array(Math.max(t.nMerchants, 1)).fill(-1);
  const visitOf = new Int32Array(n),
    visitLast = new Int32Array(n);
  const partyInCell = (g: number, u: number) => {
    const e0 = t.cellOff[g];
    return t.cellParty[e0 + aliasAt(t.cellProb, t.cellAlias, e0, t.cellOff[g + 1] - e0, u)];
  };
  const cellInCountry = (c: number, u: number) => {
    const c0 = t.cc[c];
    return c0 + aliasAt(t.ccProb, t.ccAlias, c0, t.cc[c + 1] - c0, u);
  };
  // resolve each arrival: merchant index, country index, channel group, outlet
  const merchant = new Int32Array(n),
    country = new Int32Array(n),
    cg = new Uint8Array(n),
    site = new Int32Array(n);
  let cur = -1;
  for (let i = 0; i < n; i++) {
    const id = a.merchantId[i];
    if (i === 0 || id !== a.merchantId[i - 1]) {
      let lo = 0,
        hi = t.nMerchants;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t.merchIds[mid] < id) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= t.nMerchants || t.merchIds[lo] !== id) return { ...o, visits: -1 - i };
      cur = lo;
    }
    const m = cur;
    merchant[i] = m;
    const code = a.countryCode[i];
    const c = code >= 0 ? a.countryMap[code] : -1;
    country[i] = c;
    cg[i] = a.cgMap[a.cgCode[i]];
    const so = a.siteOrder[i];
    let st = -1;
    if (so >= 0) {
      let lo = t.siteOff[m],
        hi = t.siteOff[m + 1];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const mc = t.siteCountry[mid];
        if (mc < c || (mc === c && t.siteOrders[mid] < so)) lo = mid + 1;
        else hi = mid;
      }
      if (lo < t.siteOff[m + 1] && t.siteCountry[lo] === c && t.siteOrders[lo] === so) st = lo;
      if (st < 0) return { ...o, visits: -1 - i };
    }
    site[i] = st;
  }
  let visits = 0;
  for (let i = 0; i < n; i++) {
    const m = merchant[i];
    const s = a.seq[i];
    if (i > 0 && merchant[i - 1] === m && a.seq[i - 1] >= s) return { ...o, visits: -1 - i };
    const sub = new Substream(p.k0, p.k1, Number((s - 1n) * BigInt(VISIT_BLOCKS)) >>> 0, m >>> 0);
    const u0 = sub.u01();
    const u1 = sub.u01();
    const g = cg[i];
    const atm = t.merchAtm[m] !== 0;
    const ch = a.virt[i] !== 0 || g === CG_CNP ? ECOM : g === CG_CP ? (atm ? ATM : POS) : u0 < p.mixedCnp ? ECOM : atm ? ATM : POS;
    o.channel[i] = ch;
    const st = site[i];
    const bySite = ch !== ECOM && st >= 0;
    const prev = bySite ? siteLast[st] : merchLast[m];
    if (bySite) siteLast[st] = i;
    else merchLast[m] = i;
    let cont = false;
    if (prev >= 0 && o.channel[prev] === ch && country[prev] === country[i]) {
      const gap = Number(a.ts[i] - a.ts[prev]);
      cont = gap <= p.maxGapUs[ch] && u1 < p.pCont[ch];
    }
    if (cont) {
      const v = visitOf[prev];
      visitOf[i] = v;
      o.visitFirst[i] = o.visitFirst[prev];
      o.sess.count[v]++;
      visitLast[v] = i;
    } else {
      visitOf[i] = visits;
      o.visitFirst[i] = i;
      o.sess.count[visits] = 1n;
      visitLast[visits] = i;
      visits++;
      if (bySite) siteVisits[st]++;
      else merchVisits[m]++;
    }
  }
  const [pk, ak, ik, dk, ipk] = [0, 1, 2, 3, 4].map((e) => keysOf(t, e));
  for (let i = 0; i < n; i++) {
    const first = o.visitFirst[i];
    if (first !== i) {
      o.party[i] = o.party[first];
      o.account[i] = o.account[first];
      o.instrument[i] = o.instrument[first];
      o.device[i] = o.device[first];
      o.ip[i] = o.ip[first];
      o.session[i] = o.session[first];
      o.rule[i] = 0;
      o.traveller[i] = o.traveller[first];
      continue;
    }
    const m = merchant[i];
    const s = a.seq[i];
    const ch = o.channel[i];
    const c = country[i];
    const st = site[i];
    const cp = ch !== ECOM && st >= 0;
    const sub = new Substream(p.k0, p.k1, Number((s - 1n) * BigInt(VISIT_BLOCKS) + 1n) >>> 0, m >>> 0);
    const [uReg, uK, uCross, uLocal, uCountry, uCell, uParty, uCard, uDev, uIp] = Array.from({ length: 10 }, () => sub.u01());
    const cells = c >= 0 ? t.cc[c + 1] - t.cc[c] : 0;
    const cell = cp ? t.siteCell[st] : -1;
    const pReg = p.pRegular[ch];
    const owned = cp ? siteVisits[st] : merchVisits[m];
    const nReg = Math.ceil((owned * pReg) / p.visitsPerRegular);
    let pc: number;
    let rule: number;
    if (uReg < pReg && cells > 0 && nReg > 0) {
      rule = 1;
      const r = new Substream(p.rk0, p.rk1, uniformIndex(uK, nReg) >>> 0, (cp ? st : t.nSites + m) >>> 0);
      const r0 = r.u01();
      const r1 = r.u01();
      pc = partyInCell(cell >= 0 ? cell : cellInCountry(c, r0), r1);
    } else if (cells === 0 || uCross < p.pCross[ch]) {
      rule = 4;
      pc = partyInCell(cellInCountry(aliasAt(t.cProb, t.cAlias, 0, t.nCountries, uCountry), uCell), uParty);
    } else if (cell >= 0 && uLocal < p.pLocal[ch]) {
      rule = 2;
      pc = partyInCell(cell, uParty);
    } else {
      rule = 3;
      pc = partyInCell(cellInCountry(c, uCell), uParty);
    }
    const a0 = t.cardOff[pc],
      a1 = t.cardOff[pc + 1];
    let want = ch === POS ? 1 : ch === ATM ? 2 : 4;
    const count = (w: number) => {
      let k = 0;
      for (let q = a0; q < a1; q++) if (t.cardMask[q] & w) k++;
      return k;
    };
    let ok = count(want);
    if (ok === 0) ok = count((want = 1));
    if (ok === 0) {
      want = 255;
      ok = a1 - a0;
    }
    let pick = uCard < p.pPrimaryCard || ok <= 1 ? 0 : 1 + uniformIndex((uCard - p.pPrimaryCard) / (1.0 - p.pPrimaryCard), ok - 1);
    let card = a0;
    for (let q = a0; q < a1; q++) {
      if ((t.cardMask[q] & want) === 0) continue;
      if (pick === 0) {
        card = q;
        break;
      }
      pick--;
    }
    let dev = cp ? t.siteTerm[st] : -1;
    if (dev < 0) {
      const d0 = t.devOff[pc],
        nd = t.devOff[pc + 1] - d0;
      dev = t.devList[d0 + (uDev < p.pPrimary || nd <= 1 ? 0 : uniformIndex((uDev - p.pPrimary) / (1.0 - p.pPrimary), nd))];
    }
    const i0 = t.ipOff[dev],
      ni = t.ipOff[dev + 1] - i0;
    const ip = t.ipList[i0 + (uIp < p.pTypical || ni <= 1 ? 0 : 1 + uniformIndex((uIp - p.pTypical) / (1.0 - p.pTypical), ni - 1))];
    o.party[i] = entityId(pc, pk);
    o.account[i] = entityId(t.cardAcct[card], ak);
    o.instrument[i] = entityId(t.cardInst[card], ik);
    o.device[i] = entityId(dev, dk);
    o.ip[i] = entityId(ip, ipk);
    o.session[i] = (BigInt(m) << 40n) | s;
    o.rule[i] = rule;
    o.traveller[i] = c < 0 || t.partyCountry[pc] !== c ? 1 : 0;
  }
  for (let i = 0, v = 0; i < n; i++) {
    if (o.visitFirst[i] !== i) continue;
    o.sess.id[v] = o.session[i];
    o.sess.start[v] = a.ts[i];
    o.sess.end[v] = a.ts[visitLast[v]];
    o.sess.party[v] = o.party[i];
    o.sess.device[v] = o.device[i];
    o.sess.account[v] = o.account[i];
    o.sess.instrument[v] = o.instrument[i];
    o.sess.merchant[v] = a.merchantId[i];
    v++;
  }
  o.visits = visits;
  return o;
}

/** k6bActive: whether party first + i pays in the scenario (one uniform, block first + i, lane 0). */
export function activeRef(first: number, n: number, k0: number, k1: number, pActive: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (new Substream(k0, k1, (first + i) >>> 0, 0).u01() < pActive ? 1 : 0));
}
