// TypeScript reference of assembly/seg6B/kernels.ts (same draws, same arithmetic order). Tests hold the
// kernel to it; S1's checks replay sampled visits with it.
import { Substream } from '../../rng/stream.js';
import { entityId, type RoundKeys } from '../../laws/ids.js';

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
  merchAtm: Uint8Array;
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
  pCont: Float64Array;
  maxGapUs: Float64Array;
  pRegular: Float64Array;
  pCross: Float64Array;
  pLocal: Float64Array;
}

/** One part's arrivals as k6bAttach reads them. */
export interface AttachArrivals {
  n: number;
  merchant: Int32Array;
  seq: BigUint64Array;
  ts: BigInt64Array;
  country: Int32Array;
  cg: Uint8Array;
  virt: Uint8Array;
  site: Int32Array;
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
  visitCount: Int32Array;
}

function aliasAt(prob: Float64Array, alias: Int32Array, off: number, n: number, u: number): number {
  const x = u * n;
  const jf = Math.floor(x);
  let j = jf;
  if (j >= n) j = n - 1;
  return x - jf < prob[off + j] ? j : alias[off + j];
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
    visitCount: new Int32Array(n),
  };
  const siteVisits = new Int32Array(Math.max(t.nSites, 1));
  const merchVisits = new Int32Array(Math.max(t.nMerchants, 1));
  const partyInCell = (g: number, u: number) => {
    const e0 = t.cellOff[g];
    return t.cellParty[e0 + aliasAt(t.cellProb, t.cellAlias, e0, t.cellOff[g + 1] - e0, u)];
  };
  const cellInCountry = (c: number, u: number) => {
    const c0 = t.cc[c];
    return c0 + aliasAt(t.ccProb, t.ccAlias, c0, t.cc[c + 1] - c0, u);
  };
  let visits = 0;
  for (let i = 0; i < n; i++) {
    const m = a.merchant[i];
    const s = a.seq[i];
    const same = i > 0 && a.merchant[i - 1] === m;
    if (same && a.seq[i - 1] >= s) return { ...o, visits: -1 - i };
    const sub = new Substream(p.k0, p.k1, Number((s - 1n) * BigInt(VISIT_BLOCKS)) >>> 0, m >>> 0);
    const u0 = sub.u01();
    const u1 = sub.u01();
    const g = a.cg[i];
    const atm = t.merchAtm[m] !== 0;
    const ch = a.virt[i] !== 0 || g === CG_CNP ? ECOM : g === CG_CP ? (atm ? ATM : POS) : u0 < p.mixedCnp ? ECOM : atm ? ATM : POS;
    o.channel[i] = ch;
    let cont = false;
    if (same && o.channel[i - 1] === ch && (ch === ECOM || a.site[i - 1] === a.site[i])) {
      const gap = Number(a.ts[i] - a.ts[i - 1]);
      cont = gap <= p.maxGapUs[ch] && u1 < p.pCont[ch];
    }
    if (cont) {
      o.visitFirst[i] = o.visitFirst[i - 1];
      o.visitCount[visits - 1]++;
    } else {
      o.visitFirst[i] = i;
      o.visitCount[visits] = 1;
      visits++;
      const st = a.site[i];
      if (ch !== ECOM && st >= 0) siteVisits[st]++;
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
    const m = a.merchant[i];
    const s = a.seq[i];
    const ch = o.channel[i];
    const c = a.country[i];
    const st = a.site[i];
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
    let pick = uniformIndex(uCard, ok);
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
    o.traveller[i] = c >= 0 && t.partyCountry[pc] !== c ? 1 : 0;
  }
  o.visits = visits;
  return o;
}
