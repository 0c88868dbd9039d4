// 6B kernels against their TypeScript reference (src/segments/6B/kernels_ref.ts), on random but consistent
// tables: visits, attachment, ids; and the resident-table mechanism the attach kernel runs on.
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import type { KernelExports } from '../src/kernels/index.js';
import { runTask } from '../src/pool/task.js';
import { SharedCol } from '../src/pool/columns.js';
import { k6bActive, k6bAttach } from '../src/kernels/6B.js';
import { aliasBuild } from '../src/rng/alias.js';
import { entityIndex } from '../src/laws/ids.js';
import { activeRef, attachRef, ECOM, type AttachArrivals, type AttachPolicy, type AttachTables } from '../src/segments/6B/kernels_ref.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});

/** A small deterministic generator (tests only). */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

function world(seed: number): { t: AttachTables; p: AttachPolicy; a: AttachArrivals } {
  const r = rng(seed);
  const int = (k: number) => Math.floor(r() * k);
  const C = 3,
    P = 60,
    M = 6;
  // cells: 2-3 per country; every party lives in one
  const cellsOf = [2, 3, 2];
  const cc = Int32Array.from([0, 2, 5, 7]);
  const G = 7;
  const partyCell = Int32Array.from({ length: P }, (_, i) => (i < G ? i : int(G)));
  const countryOfCell = Int32Array.from({ length: G }, (_, g) => (g < 2 ? 0 : g < 5 ? 1 : 2));
  const partyCountry = Int32Array.from(partyCell, (g) => countryOfCell[g]);
  const activity = Float64Array.from({ length: P }, () => Math.exp(2 * r() - 1));
  const cellOff = new Int32Array(G + 1);
  for (const g of partyCell) cellOff[g + 1]++;
  for (let g = 0; g < G; g++) cellOff[g + 1] += cellOff[g];
  const cellParty = new Int32Array(P);
  const fill = cellOff.slice(0, G);
  for (let i = 0; i < P; i++) cellParty[fill[partyCell[i]]++] = i;
  const cellProb = new Float64Array(P),
    cellAlias = new Int32Array(P);
  const cellMass = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const w = Array.from(cellParty.subarray(cellOff[g], cellOff[g + 1]), (q) => activity[q]);
    const t = aliasBuild(w);
    cellProb.set(t.prob, cellOff[g]);
    cellAlias.set(t.alias, cellOff[g]);
    cellMass[g] = w.reduce((x, y) => x + y, 0);
  }
  const ccProb = new Float64Array(G),
    ccAlias = new Int32Array(G);
  for (let c = 0; c < C; c++) {
    const t = aliasBuild(cellMass.subarray(cc[c], cc[c + 1]));
    ccProb.set(t.prob, cc[c]);
    ccAlias.set(t.alias, cc[c]);
  }
  const ct = aliasBuild(Array.from({ length: C }, (_, c) => cellMass.subarray(cc[c], cc[c + 1]).reduce((x, y) => x + y, 0)));
  expect(cellsOf.reduce((x, y) => x + y, 0)).toBe(G);
  // cards, devices, IPs
  const cardOff = new Int32Array(P + 1),
    devOff = new Int32Array(P + 1);
  const cardInst: number[] = [],
    cardAcct: number[] = [],
    cardMask: number[] = [],
    devList: number[] = [];
  const D = 200;
  for (let i = 0; i < P; i++) {
    const k = 1 + int(3);
    for (let q = 0; q < k; q++) {
      cardInst.push(int(10_000));
      cardAcct.push(int(5_000));
      cardMask.push([1 | 2 | 4, 1 | 4, 4, 0][int(4)]);
    }
    cardOff[i + 1] = cardOff[i] + k;
    const d = 1 + int(3);
    for (let q = 0; q < d; q++) devList.push(int(D));
    devOff[i + 1] = devOff[i] + d;
  }
  const ipOff = new Int32Array(D + 1);
  const ipList: number[] = [];
  for (let d = 0; d < D; d++) {
    const k = 1 + int(3);
    for (let q = 0; q < k; q++) ipList.push(int(900));
    ipOff[d + 1] = ipOff[d] + k;
  }
  const S = 10;
  const siteMerchant = Int32Array.from({ length: S }, (_, s) => s % M).sort();
  const siteOff = new Int32Array(M + 1);
  for (const m of siteMerchant) siteOff[m + 1]++;
  for (let m = 0; m < M; m++) siteOff[m + 1] += siteOff[m];
  const siteCountry = Int32Array.from({ length: S }, (_, s) => Math.min(C - 1, s - siteOff[siteMerchant[s]])); // sorted by (country, site_order) within a merchant
  const siteOrders = Int32Array.from({ length: S }, (_, s) => 1 + s - siteOff[siteMerchant[s]]);
  const merchIds = BigUint64Array.from({ length: M }, (_, m) => BigInt(m) * 1_000_003n + 17n);
  const t: AttachTables = {
    nMerchants: M,
    nSites: S,
    nCountries: C,
    merchIds,
    merchAtm: Uint8Array.from({ length: M }, (_, m) => (m === 2 ? 1 : 0)),
    siteOff,
    siteCountry,
    siteOrders,
    siteCell: Int32Array.from({ length: S }, () => (r() < 0.2 ? -1 : int(G))),
    siteTerm: Int32Array.from({ length: S }, () => int(D)),
    cc,
    ccProb,
    ccAlias,
    cProb: ct.prob,
    cAlias: ct.alias,
    cellOff,
    cellParty,
    cellProb,
    cellAlias,
    partyCountry,
    cardOff,
    cardInst: Int32Array.from(cardInst),
    cardAcct: Int32Array.from(cardAcct),
    cardMask: Uint8Array.from(cardMask),
    devOff,
    devList: Int32Array.from(devList),
    ipOff,
    ipList: Int32Array.from(ipList),
    keys: Uint32Array.from({ length: 20 }, () => int(2 ** 32)),
  };
  const p: AttachPolicy = {
    k0: 0x1234567,
    k1: 0x89abcdef,
    rk0: 0x2468ace,
    rk1: 0x13579bd,
    mixedCnp: 0.3,
    visitsPerRegular: 3,
    pPrimary: 0.8,
    pTypical: 0.7,
    pPrimaryCard: 0.6,
    pCont: Float64Array.of(0.3, 0.3, 0.5),
    maxGapUs: Float64Array.of(600e6, 300e6, 1800e6),
    pRegular: Float64Array.of(0.4, 0.3, 0.3),
    pCross: Float64Array.of(0.1, 0.1, 0.2),
    pLocal: Float64Array.of(0.8, 0.8, 0),
  };
  // arrivals: merchant runs, seq rising, times with short and long gaps; the part's dictionaries: country codes
  // 0..2 are the countries reversed, code 3 a country outside the tables; channel groups card_present, not, mixed
  const n = 3_000;
  const countryMap = Int32Array.of(2, 1, 0, -1);
  const codeOf = (c: number) => 2 - c;
  const merchantId = new BigUint64Array(n),
    seq = new BigUint64Array(n),
    ts = new BigInt64Array(n),
    countryCode = new Int32Array(n),
    cgCode = new Int32Array(n),
    virt = new Uint8Array(n),
    siteOrder = new Int32Array(n);
  let time = 1_700_000_000_000_000n;
  for (let i = 0; i < n; i++) {
    const m = Math.floor((i * M) / n);
    merchantId[i] = merchIds[m];
    seq[i] = i > 0 && merchantId[i - 1] === merchIds[m] ? seq[i - 1] + 1n + BigInt(int(2)) : 1n;
    time += BigInt(r() < 0.5 ? int(120e6) : int(4000e6));
    ts[i] = time;
    virt[i] = m === 5 ? 1 : 0;
    cgCode[i] = m === 4 ? 2 : m === 3 ? 1 : 0;
    if (virt[i]) {
      siteOrder[i] = -1;
      countryCode[i] = r() < 0.05 ? -1 : int(4);
    } else {
      const q = siteOff[m] + int(siteOff[m + 1] - siteOff[m]);
      siteOrder[i] = siteOrders[q];
      countryCode[i] = codeOf(siteCountry[q]);
    }
  }
  return { t, p, a: { n, merchantId, seq, ts, countryCode, countryMap, cgCode, cgMap: Uint8Array.of(0, 1, 2), virt, siteOrder } };
}

function runWasm(w: ReturnType<typeof world>, key: string) {
  const { t, p, a } = w;
  const n = a.n;
  const sh = <T extends 'u8' | 'i32' | 'u32' | 'f64' | 'u64'>(type: T, v: ArrayLike<number> | BigUint64Array) => SharedCol.share(type, v);
  const res = <T extends 'u8' | 'i32' | 'u32' | 'f64'>(name: string, type: T, v: ArrayLike<number>) => sh(type, v).res(`${key}:${name}`);
  const outs = {
    party: new SharedCol('u64', n),
    account: new SharedCol('u64', n),
    instrument: new SharedCol('u64', n),
    device: new SharedCol('u64', n),
    ip: new SharedCol('u64', n),
    session: new SharedCol('u64', n),
    channel: new SharedCol('u8', n),
    rule: new SharedCol('u8', n),
    traveller: new SharedCol('u8', n),
    visitFirst: new SharedCol('i32', n),
    sessId: new SharedCol('u64', n),
    sessCount: new SharedCol('u64', n),
    sessStart: new SharedCol('u64', n),
    sessEnd: new SharedCol('u64', n),
    sessParty: new SharedCol('u64', n),
    sessDevice: new SharedCol('u64', n),
    sessAccount: new SharedCol('u64', n),
    sessInstrument: new SharedCol('u64', n),
    sessMerchant: new SharedCol('u64', n),
  };
  const task = k6bAttach.task({
    n,
    k0: p.k0,
    k1: p.k1,
    rk0: p.rk0,
    rk1: p.rk1,
    mixedCnp: p.mixedCnp,
    visitsPerRegular: p.visitsPerRegular,
    pPrimary: p.pPrimary,
    pTypical: p.pTypical,
    pPrimaryCard: p.pPrimaryCard,
    nMerchants: t.nMerchants,
    nSites: t.nSites,
    nCountries: t.nCountries,
    merchantId: sh('u64', a.merchantId).all(),
    seq: sh('u64', a.seq).all(),
    ts: sh('u64', new BigUint64Array(a.ts.buffer)).all(),
    countryCode: sh('i32', a.countryCode).all(),
    countryMap: sh('i32', a.countryMap).all(),
    cgCode: sh('i32', a.cgCode).all(),
    cgMap: sh('u8', a.cgMap).all(),
    virt: sh('u8', a.virt).all(),
    siteOrder: sh('i32', a.siteOrder).all(),
    pCont: sh('f64', p.pCont).all(),
    maxGapUs: sh('f64', p.maxGapUs).all(),
    pRegular: sh('f64', p.pRegular).all(),
    pCross: sh('f64', p.pCross).all(),
    pLocal: sh('f64', p.pLocal).all(),
    merchIds: sh('u64', t.merchIds).res(`${key}:merchIds`),
    merchAtm: res('merchAtm', 'u8', t.merchAtm),
    siteOff: res('siteOff', 'i32', t.siteOff),
    siteCountry: res('siteCountry', 'i32', t.siteCountry),
    siteOrders: res('siteOrders', 'i32', t.siteOrders),
    siteCell: res('siteCell', 'i32', t.siteCell),
    siteTerm: res('siteTerm', 'i32', t.siteTerm),
    cc: res('cc', 'i32', t.cc),
    ccProb: res('ccProb', 'f64', t.ccProb),
    ccAlias: res('ccAlias', 'i32', t.ccAlias),
    cProb: res('cProb', 'f64', t.cProb),
    cAlias: res('cAlias', 'i32', t.cAlias),
    cellOff: res('cellOff', 'i32', t.cellOff),
    cellParty: res('cellParty', 'i32', t.cellParty),
    cellProb: res('cellProb', 'f64', t.cellProb),
    cellAlias: res('cellAlias', 'i32', t.cellAlias),
    partyCountry: res('partyCountry', 'i32', t.partyCountry),
    cardOff: res('cardOff', 'i32', t.cardOff),
    cardInst: res('cardInst', 'i32', t.cardInst),
    cardAcct: res('cardAcct', 'i32', t.cardAcct),
    cardMask: res('cardMask', 'u8', t.cardMask),
    devOff: res('devOff', 'i32', t.devOff),
    devList: res('devList', 'i32', t.devList),
    ipOff: res('ipOff', 'i32', t.ipOff),
    ipList: res('ipList', 'i32', t.ipList),
    keys: res('keys', 'u32', t.keys),
    outParty: outs.party.out(0, n),
    outAccount: outs.account.out(0, n),
    outInstrument: outs.instrument.out(0, n),
    outDevice: outs.device.out(0, n),
    outIp: outs.ip.out(0, n),
    outSession: outs.session.out(0, n),
    outChannel: outs.channel.out(0, n),
    outRule: outs.rule.out(0, n),
    outTraveller: outs.traveller.out(0, n),
    outVisitFirst: outs.visitFirst.out(0, n),
    outSessId: outs.sessId.out(0, n),
    outSessCount: outs.sessCount.out(0, n),
    outSessStart: outs.sessStart.out(0, n),
    outSessEnd: outs.sessEnd.out(0, n),
    outSessParty: outs.sessParty.out(0, n),
    outSessDevice: outs.sessDevice.out(0, n),
    outSessAccount: outs.sessAccount.out(0, n),
    outSessInstrument: outs.sessInstrument.out(0, n),
    outSessMerchant: outs.sessMerchant.out(0, n),
  });
  const visits = runTask(ex, task);
  return { visits, out: Object.fromEntries(Object.entries(outs).map(([k, c]) => [k, c.view()])) as Record<string, ArrayLike<number | bigint>> };
}

describe('6B S1 attach kernel', () => {
  it('wasm == TypeScript: visits, channels, rules, ids, sessions (and the order check)', () => {
    for (const seed of [1, 2, 3]) {
      const w = world(seed);
      const ref = attachRef(w.a, w.t, w.p);
      const got = runWasm(w, `t${seed}`);
      expect(got.visits).toBe(ref.visits);
      for (const k of ['party', 'account', 'instrument', 'device', 'ip', 'session', 'channel', 'rule', 'traveller', 'visitFirst'] as const)
        expect([k, [...got.out[k]]]).toEqual([k, [...ref[k]]]);
      for (const k of ['id', 'count', 'start', 'end', 'party', 'device', 'account', 'instrument', 'merchant'] as const) {
        const g = got.out[`sess${k[0].toUpperCase()}${k.slice(1)}`];
        expect([k, [...g].slice(0, ref.visits).map(BigInt)]).toEqual([k, [...ref.sess[k]].slice(0, ref.visits).map(BigInt)]);
      }
      // every rule happens; visits are fewer than arrivals; counts add up
      expect(new Set(ref.rule).size).toBe(5);
      expect(ref.visits).toBeLessThan(w.a.n);
      expect(ref.sess.count.slice(0, ref.visits).reduce((x, y) => x + y, 0n)).toBe(BigInt(w.a.n));
      // ids are the tables' entities: a card-present visit's device is its outlet's terminal
      const dk = [w.t.keys[12], w.t.keys[13], w.t.keys[14], w.t.keys[15]] as const;
      for (let i = 0; i < w.a.n; i++) {
        if (ref.channel[i] !== ECOM && w.a.siteOrder[i] >= 0) {
          const m = Number((w.a.merchantId[i] - 17n) / 1_000_003n);
          const q = w.t.siteOrders.findIndex((o, k) => k >= w.t.siteOff[m] && k < w.t.siteOff[m + 1] && o === w.a.siteOrder[i]);
          expect(entityIndex(ref.device[i], dk)).toBe(w.t.siteTerm[q]);
        }
        expect(ref.session[i]).toBe(ref.session[ref.visitFirst[i]]);
      }
    }
    // unreadable arrivals: order broken, an unknown merchant, an outlet the merchant does not have
    for (const [row, spoil] of [
      [11, (a: AttachArrivals) => (a.seq[11] = a.seq[10])],
      [700, (a: AttachArrivals) => (a.merchantId[700] = 5n)],
      [20, (a: AttachArrivals) => (a.siteOrder[20] = 99)],
    ] as const) {
      const bad = world(4);
      spoil(bad.a);
      expect(attachRef(bad.a, bad.t, bad.p).visits).toBe(-1 - row);
      expect(runWasm(bad, `bad${row}`).visits).toBe(-1 - row);
    }
  });

  it('resident tables stay in the worker while tasks name the same set, and are replaced when they do not', () => {
    const w = world(5);
    const first = runWasm(w, 'set-A');
    // same set key, changed bytes: the resident copy (the old bytes) is what the kernel reads
    const moved = { ...w, t: { ...w.t, siteTerm: w.t.siteTerm.map((d) => (d + 1) % 200) } };
    expect(runWasm(moved, 'set-A').out.device).toEqual(first.out.device);
    // a new set key: the new bytes are loaded
    const again = runWasm(moved, 'set-B');
    expect([...again.out.device]).toEqual([...attachRef(moved.a, moved.t, moved.p).device]);
    expect([...again.out.device]).not.toEqual([...first.out.device]);
  });

  it('active parties: one uniform each, wasm == TypeScript, the share near p', () => {
    const n = 20_000;
    const out = new SharedCol('u8', n);
    runTask(ex, k6bActive.task({ n, first: 500, k0: 11, k1: 22, pActive: 0.42, outActive: out.out(0, n) }));
    const ref = activeRef(500, n, 11, 22, 0.42);
    expect([...(out.view() as Uint8Array)]).toEqual([...ref]);
    const share = ref.reduce((x, y) => x + y, 0) / n;
    expect(Math.abs(share - 0.42)).toBeLessThan(0.015);
  });

  it('any run of whole merchants regenerates alone: the same attachments as inside the whole part', () => {
    const w = world(6);
    const whole = attachRef(w.a, w.t, w.p);
    const { a } = w;
    const cut = (from: number, to: number): AttachArrivals => ({
      n: to - from,
      merchantId: a.merchantId.slice(from, to),
      seq: a.seq.slice(from, to),
      ts: a.ts.slice(from, to),
      countryCode: a.countryCode.slice(from, to),
      countryMap: a.countryMap,
      cgCode: a.cgCode.slice(from, to),
      cgMap: a.cgMap,
      virt: a.virt.slice(from, to),
      siteOrder: a.siteOrder.slice(from, to),
    });
    let checked = 0;
    for (let from = 0; from < a.n;) {
      let to = from;
      while (to < a.n && a.merchantId[to] === a.merchantId[from]) to++;
      const part = attachRef(cut(from, to), w.t, w.p);
      for (const k of ['party', 'account', 'instrument', 'device', 'ip', 'session', 'channel', 'rule', 'traveller'] as const)
        expect([k, [...part[k]]]).toEqual([k, [...whole[k].slice(from, to)]]);
      checked += to - from;
      from = to;
    }
    expect(checked).toBe(a.n);
  });
});
