// Segment 6B kernels. Mirrors src/segments/6B/kernels_ref.ts bit for bit. KEEP IN LOCKSTEP.
//
// S1 (k6bAttach): one 5B part (runs of whole merchants, each merchant's arrivals in time order) becomes
// visits and attachments. Every arrival owns a fixed counter window of the attach family: VISIT_BLOCKS
// Philox blocks at (hi = merchant index, lo = (arrival_seq − 1) · VISIT_BLOCKS), so any arrival's draws
// regenerate alone. Block 0 (slots 0, 1) is drawn for every arrival: channel, continuation. Blocks 1..5
// (slots 2..11) only at a visit's first arrival: regular?, regular k, traveller?, local?, country, cell,
// party, card, device, IP. A merchant's (or site's) regular k is a fixed party: block 0 of the regular
// family at (hi = owner index, lo = k): slot 0 the cell, slot 1 the party.

import { streamInitAt, streamU01 } from "../rng/stream";
import { entityId, entityIndex } from "../laws/ids";
import { aliasAt } from "../rng/alias";

export const VISIT_BLOCKS: u32 = 6;

// channels (6B vocabulary) and 5B channel groups
const POS: i32 = 0;
const ATM: i32 = 1;
const ECOM: i32 = 2;
const CG_CP: i32 = 0;
const CG_CNP: i32 = 1;

// attach rules (companion column attach_rule)
const RULE_CONTINUE: u8 = 0;
const RULE_REGULAR: u8 = 1;
const RULE_LOCAL: u8 = 2;
const RULE_DOMESTIC: u8 = 3;
const RULE_TRAVELLER: u8 = 4;

// @ts-ignore: decorator
@inline function ld32(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** Index in [0, k) from a uniform. */
// @ts-ignore: decorator
@inline function uniformIndex(u: f64, k: i32): i32 {
  let j = <i32>Math.floor(u * <f64>k);
  return j >= k ? k - 1 : j;
}

/** Party of cell g from a uniform. */
function partyInCell(g: i32, u: f64, cellOff: usize, cellParty: usize, cellProb: usize, cellAlias: usize): i32 {
  let e0 = ld32(cellOff, g);
  return ld32(cellParty, e0 + aliasAt(cellProb + (<usize>e0 << 3), cellAlias + (<usize>e0 << 2), ld32(cellOff, g + 1) - e0, u));
}

/** Cell of country c from a uniform (the country's cell alias). */
function cellInCountry(c: i32, u: f64, cc: usize, ccProb: usize, ccAlias: usize): i32 {
  let c0 = ld32(cc, c);
  return c0 + aliasAt(ccProb + (<usize>c0 << 3), ccAlias + (<usize>c0 << 2), ld32(cc, c + 1) - c0, u);
}

/**
 * Visits and attachment of one part's n arrivals (see the file header).
 * Per arrival in: merchantId, seq (arrival_seq), ts (µs), countryCode (the part's legal_country_iso dictionary
 * code, −1 null; countryMap[code] = country index or −1), cgCode (channel_group code; cgMap[code]: 0
 * card_present, 1 card_not_present, 2 mixed), virt (1 virtual), siteOrder (−1 null). The site is the
 * merchant's outlet of that (country, site_order) among siteOff[m]..siteOff[m + 1] of siteCountry/siteOrders.
 * Resident (whole world): merchIds[M] (ascending), merchAtm[M]; siteOff[M + 1], siteCountry/siteOrders[S]; siteCell[S] (the outlet's cell, −1 none with payers), siteTerm[S] (its
 * terminal device); cc[C + 1] (cells of country c: [cc[c], cc[c + 1])), ccProb/ccAlias[G] (cell alias within its
 * country), cProb/cAlias[C] (country alias by payer activity), cellOff[G + 1], cellParty/cellProb/cellAlias[E];
 * partyCountry[P]; cardOff[P + 1], cardInst/cardAcct[K], cardMask[K] (bit 1 POS, 2 ATM, 4 ECOM); devOff[P + 1],
 * devList[Dp] (own devices, first = primary); ipOff[D + 1], ipList[L] (typical first); keys[20] (id round keys:
 * party, account, instrument, device, ip). Policy per channel (POS, ATM, ECOM): pCont, maxGapUs, pRegular,
 * pCross, pLocal (ECOM's unused).
 * Out per arrival: ids, session id, channel, rule, traveller flag (party country ≠ arrival country), visitFirst
 * (row of its visit's first arrival); per visit v < returned count (rows of s1_session_index_6B): id, arrival
 * count, first and last ts, party, device, account, instrument, merchant id.
 * Returns the visits, or −1 − i when arrival i is unreadable: a merchant or outlet not in the tables, or the order
 * broken (merchant runs, arrival_seq rising within a run).
 */
export function k6bAttach(
  n: i32,
  k0: u32,
  k1: u32,
  rk0: u32,
  rk1: u32,
  mixedCnp: f64,
  visitsPerRegular: f64,
  pPrimary: f64,
  pTypical: f64,
  pPrimaryCard: f64,
  nMerchants: i32,
  nSites: i32,
  nCountries: i32,
  merchantId: usize,
  seq: usize,
  ts: usize,
  countryCode: usize,
  countryMap: usize,
  cgCode: usize,
  cgMap: usize,
  virt: usize,
  siteOrder: usize,
  pCont: usize,
  maxGapUs: usize,
  pRegular: usize,
  pCross: usize,
  pLocal: usize,
  merchIds: usize,
  merchAtm: usize,
  siteOff: usize,
  siteCountry: usize,
  siteOrders: usize,
  siteCell: usize,
  siteTerm: usize,
  cc: usize,
  ccProb: usize,
  ccAlias: usize,
  cProb: usize,
  cAlias: usize,
  cellOff: usize,
  cellParty: usize,
  cellProb: usize,
  cellAlias: usize,
  partyCountry: usize,
  cardOff: usize,
  cardInst: usize,
  cardAcct: usize,
  cardMask: usize,
  devOff: usize,
  devList: usize,
  ipOff: usize,
  ipList: usize,
  keys: usize,
  outParty: usize,
  outAccount: usize,
  outInstrument: usize,
  outDevice: usize,
  outIp: usize,
  outSession: usize,
  outChannel: usize,
  outRule: usize,
  outTraveller: usize,
  outVisitFirst: usize,
  outSessId: usize,
  outSessCount: usize,
  outSessStart: usize,
  outSessEnd: usize,
  outSessParty: usize,
  outSessDevice: usize,
  outSessAccount: usize,
  outSessInstrument: usize,
  outSessMerchant: usize,
): i32 {
  // resolve each arrival: merchant index (binary search once per run), country index, channel group, site
  let merchant = heap.alloc(<usize>max(n, 1) << 2);
  let country = heap.alloc(<usize>max(n, 1) << 2);
  let cg = heap.alloc(<usize>max(n, 1));
  let site = heap.alloc(<usize>max(n, 1) << 2);
  let cur: i32 = -1;
  for (let i = 0; i < n; i++) {
    let id = load<u64>(merchantId + (<usize>i << 3));
    if (i == 0 || id != load<u64>(merchantId + (<usize>(i - 1) << 3))) {
      let lo: i32 = 0;
      let hi: i32 = nMerchants;
      while (lo < hi) {
        let mid = (lo + hi) >>> 1;
        if (load<u64>(merchIds + (<usize>mid << 3)) < id) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= nMerchants || load<u64>(merchIds + (<usize>lo << 3)) != id) return -1 - i;
      cur = lo;
    }
    let m = cur;
    store<i32>(merchant + (<usize>i << 2), m);
    let code = ld32(countryCode, i);
    let c = code >= 0 ? ld32(countryMap, code) : -1;
    store<i32>(country + (<usize>i << 2), c);
    store<u8>(cg + <usize>i, load<u8>(cgMap + <usize>ld32(cgCode, i)));
    let so = ld32(siteOrder, i);
    let st: i32 = -1;
    if (so >= 0) {
      // the merchant's outlets are sorted by (country, site_order): binary search (chains have thousands)
      let lo = ld32(siteOff, m);
      let hi = ld32(siteOff, m + 1);
      while (lo < hi) {
        let mid = (lo + hi) >>> 1;
        let mc = ld32(siteCountry, mid);
        if (mc < c || (mc == c && ld32(siteOrders, mid) < so)) lo = mid + 1;
        else hi = mid;
      }
      if (lo < ld32(siteOff, m + 1) && ld32(siteCountry, lo) == c && ld32(siteOrders, lo) == so) st = lo;
      if (st < 0) return -1 - i;
    }
    store<i32>(site + (<usize>i << 2), st);
  }
  // regulars' owners: a site's card-present visits, a merchant's ECOM visits (whole merchants per part: complete);
  // and each owner's latest arrival, whose visit the next one at the same owner may continue
  let siteVisits = heap.alloc(<usize>max(nSites, 1) << 2);
  let merchVisits = heap.alloc(<usize>max(nMerchants, 1) << 2);
  let siteLast = heap.alloc(<usize>max(nSites, 1) << 2);
  let merchLast = heap.alloc(<usize>max(nMerchants, 1) << 2);
  let visitOf = heap.alloc(<usize>max(n, 1) << 2);
  let visitLast = heap.alloc(<usize>max(n, 1) << 2);
  memory.fill(siteVisits, 0, <usize>max(nSites, 1) << 2);
  memory.fill(merchVisits, 0, <usize>max(nMerchants, 1) << 2);
  memory.fill(siteLast, 0xff, <usize>max(nSites, 1) << 2);
  memory.fill(merchLast, 0xff, <usize>max(nMerchants, 1) << 2);
  // pass 1: channel (slot 0) and continuation (slot 1) of every arrival: an arrival continues the visit of
  // its owner's previous arrival (same outlet card-present, same merchant online) when the gap allows
  let visits: i32 = 0;
  for (let i = 0; i < n; i++) {
    let m = ld32(merchant, i);
    let s = load<u64>(seq + (<usize>i << 3));
    if (i > 0 && ld32(merchant, i - 1) == m && load<u64>(seq + (<usize>(i - 1) << 3)) >= s) return -1 - i;
    streamInitAt(k0, k1, <u32>((s - 1) * <u64>VISIT_BLOCKS), <u32>m);
    let u0 = streamU01();
    let u1 = streamU01();
    let g = <i32>load<u8>(cg + <usize>i);
    let atm = load<u8>(merchAtm + <usize>m) != 0;
    let ch = load<u8>(virt + <usize>i) != 0 || g == CG_CNP ? ECOM : g == CG_CP ? (atm ? ATM : POS) : u0 < mixedCnp ? ECOM : atm ? ATM : POS;
    store<u8>(outChannel + <usize>i, <u8>ch);
    let st = ld32(site, i);
    let bySite = ch != ECOM && st >= 0;
    let lastAt = bySite ? siteLast + (<usize>st << 2) : merchLast + (<usize>m << 2);
    let prev = load<i32>(lastAt);
    store<i32>(lastAt, i);
    let cont = false;
    if (prev >= 0 && <i32>load<u8>(outChannel + <usize>prev) == ch && ld32(country, prev) == ld32(country, i)) {
      let gap = load<i64>(ts + (<usize>i << 3)) - load<i64>(ts + (<usize>prev << 3));
      cont = <f64>gap <= load<f64>(maxGapUs + (<usize>ch << 3)) && u1 < load<f64>(pCont + (<usize>ch << 3));
    }
    if (cont) {
      let v = ld32(visitOf, prev);
      store<i32>(visitOf + (<usize>i << 2), v);
      store<i32>(outVisitFirst + (<usize>i << 2), ld32(outVisitFirst, prev));
      store<u64>(outSessCount + (<usize>v << 3), load<u64>(outSessCount + (<usize>v << 3)) + 1);
      store<i32>(visitLast + (<usize>v << 2), i);
    } else {
      store<i32>(visitOf + (<usize>i << 2), visits);
      store<i32>(outVisitFirst + (<usize>i << 2), i);
      store<u64>(outSessCount + (<usize>visits << 3), 1);
      store<i32>(visitLast + (<usize>visits << 2), i);
      visits++;
      if (bySite) store<i32>(siteVisits + (<usize>st << 2), ld32(siteVisits, st) + 1);
      else store<i32>(merchVisits + (<usize>m << 2), ld32(merchVisits, m) + 1);
    }
  }
  // pass 2: attach each visit at its first arrival (slots 2..11), continuing arrivals copy it
  for (let i = 0; i < n; i++) {
    let first = ld32(outVisitFirst, i);
    if (first != i) {
      store<u64>(outParty + (<usize>i << 3), load<u64>(outParty + (<usize>first << 3)));
      store<u64>(outAccount + (<usize>i << 3), load<u64>(outAccount + (<usize>first << 3)));
      store<u64>(outInstrument + (<usize>i << 3), load<u64>(outInstrument + (<usize>first << 3)));
      store<u64>(outDevice + (<usize>i << 3), load<u64>(outDevice + (<usize>first << 3)));
      store<u64>(outIp + (<usize>i << 3), load<u64>(outIp + (<usize>first << 3)));
      store<u64>(outSession + (<usize>i << 3), load<u64>(outSession + (<usize>first << 3)));
      store<u8>(outRule + <usize>i, RULE_CONTINUE);
      store<u8>(outTraveller + <usize>i, load<u8>(outTraveller + <usize>first));
      continue;
    }
    let m = ld32(merchant, i);
    let s = load<u64>(seq + (<usize>i << 3));
    let ch = <i32>load<u8>(outChannel + <usize>i);
    let c = ld32(country, i);
    let st = ld32(site, i);
    let cp = ch != ECOM && st >= 0;
    streamInitAt(k0, k1, <u32>((s - 1) * <u64>VISIT_BLOCKS + 1), <u32>m);
    let uReg = streamU01();
    let uK = streamU01();
    let uCross = streamU01();
    let uLocal = streamU01();
    let uCountry = streamU01();
    let uCell = streamU01();
    let uParty = streamU01();
    let uCard = streamU01();
    let uDev = streamU01();
    let uIp = streamU01();
    let cells = c >= 0 ? ld32(cc, c + 1) - ld32(cc, c) : 0;
    let cell = cp ? ld32(siteCell, st) : -1;
    let pReg = load<f64>(pRegular + (<usize>ch << 3));
    let owned = cp ? ld32(siteVisits, st) : ld32(merchVisits, m);
    let nReg = <i32>Math.ceil((<f64>owned * pReg) / visitsPerRegular);
    let pc: i32;
    let rule: u8;
    if (uReg < pReg && cells > 0 && nReg > 0) {
      // regular k of the owner (site, or nSites + merchant): a fixed party of its neighbourhood
      rule = RULE_REGULAR;
      streamInitAt(rk0, rk1, <u32>uniformIndex(uK, nReg), cp ? <u32>st : <u32>(nSites + m));
      let r0 = streamU01();
      let r1 = streamU01();
      pc = partyInCell(cell >= 0 ? cell : cellInCountry(c, r0, cc, ccProb, ccAlias), r1, cellOff, cellParty, cellProb, cellAlias);
    } else if (cells == 0 || uCross < load<f64>(pCross + (<usize>ch << 3))) {
      rule = RULE_TRAVELLER;
      pc = partyInCell(cellInCountry(aliasAt(cProb, cAlias, nCountries, uCountry), uCell, cc, ccProb, ccAlias), uParty, cellOff, cellParty, cellProb, cellAlias);
    } else if (cell >= 0 && uLocal < load<f64>(pLocal + (<usize>ch << 3))) {
      rule = RULE_LOCAL;
      pc = partyInCell(cell, uParty, cellOff, cellParty, cellProb, cellAlias);
    } else {
      rule = RULE_DOMESTIC;
      pc = partyInCell(cellInCountry(c, uCell, cc, ccProb, ccAlias), uParty, cellOff, cellParty, cellProb, cellAlias);
    }
    // card: one of the party's cards allowed on the channel, else its card-present ones, else any
    let a0 = ld32(cardOff, pc);
    let a1 = ld32(cardOff, pc + 1);
    let want: u8 = ch == POS ? 1 : ch == ATM ? 2 : 4;
    let ok: i32 = 0;
    for (let q = a0; q < a1; q++) if ((load<u8>(cardMask + <usize>q) & want) != 0) ok++;
    if (ok == 0) {
      want = 1;
      for (let q = a0; q < a1; q++) if ((load<u8>(cardMask + <usize>q) & want) != 0) ok++;
    }
    if (ok == 0) {
      want = 255;
      ok = a1 - a0;
    }
    // the first card of the channel with pPrimaryCard (a person's everyday card), else one of the others
    let pick = uCard < pPrimaryCard || ok <= 1 ? 0 : 1 + uniformIndex((uCard - pPrimaryCard) / (1.0 - pPrimaryCard), ok - 1);
    let card = a0;
    for (let q = a0; q < a1; q++) {
      if ((load<u8>(cardMask + <usize>q) & want) == 0) continue;
      if (pick == 0) {
        card = q;
        break;
      }
      pick--;
    }
    // device: the outlet's terminal card-present, else the party's first with pPrimary, else any of its own
    let dev = cp ? ld32(siteTerm, st) : -1;
    if (dev < 0) {
      let d0 = ld32(devOff, pc);
      let nd = ld32(devOff, pc + 1) - d0;
      dev = ld32(devList, d0 + (uDev < pPrimary || nd <= 1 ? 0 : uniformIndex((uDev - pPrimary) / (1.0 - pPrimary), nd)));
    }
    // IP: the device's typical IP (its first) with pTypical, else one of its others
    let i0 = ld32(ipOff, dev);
    let ni = ld32(ipOff, dev + 1) - i0;
    let ip = ld32(ipList, i0 + (uIp < pTypical || ni <= 1 ? 0 : 1 + uniformIndex((uIp - pTypical) / (1.0 - pTypical), ni - 1)));
    store<u64>(outParty + (<usize>i << 3), entityId(<u64>pc, load<u32>(keys), load<u32>(keys + 4), load<u32>(keys + 8), load<u32>(keys + 12)));
    store<u64>(outAccount + (<usize>i << 3), entityId(<u64>ld32(cardAcct, card), load<u32>(keys + 16), load<u32>(keys + 20), load<u32>(keys + 24), load<u32>(keys + 28)));
    store<u64>(outInstrument + (<usize>i << 3), entityId(<u64>ld32(cardInst, card), load<u32>(keys + 32), load<u32>(keys + 36), load<u32>(keys + 40), load<u32>(keys + 44)));
    store<u64>(outDevice + (<usize>i << 3), entityId(<u64>dev, load<u32>(keys + 48), load<u32>(keys + 52), load<u32>(keys + 56), load<u32>(keys + 60)));
    store<u64>(outIp + (<usize>i << 3), entityId(<u64>ip, load<u32>(keys + 64), load<u32>(keys + 68), load<u32>(keys + 72), load<u32>(keys + 76)));
    // session id: the first arrival's (merchant index, arrival_seq), structural and below 2^63
    store<u64>(outSession + (<usize>i << 3), (<u64>m << 40) | s);
    store<u8>(outRule + <usize>i, rule);
    // an arrival country with no party of the bank is foreign to every party
    store<u8>(outTraveller + <usize>i, c < 0 || ld32(partyCountry, pc) != c ? 1 : 0);
  }
  // one row per visit, in the order visits opened (their first arrivals' order): id, size, span, entities
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (ld32(outVisitFirst, i) != i) continue;
    store<u64>(outSessId + (<usize>v << 3), load<u64>(outSession + (<usize>i << 3)));
    store<u64>(outSessStart + (<usize>v << 3), load<u64>(ts + (<usize>i << 3)));
    store<u64>(outSessEnd + (<usize>v << 3), load<u64>(ts + (<usize>ld32(visitLast, v) << 3)));
    store<u64>(outSessParty + (<usize>v << 3), load<u64>(outParty + (<usize>i << 3)));
    store<u64>(outSessDevice + (<usize>v << 3), load<u64>(outDevice + (<usize>i << 3)));
    store<u64>(outSessAccount + (<usize>v << 3), load<u64>(outAccount + (<usize>i << 3)));
    store<u64>(outSessInstrument + (<usize>v << 3), load<u64>(outInstrument + (<usize>i << 3)));
    store<u64>(outSessMerchant + (<usize>v << 3), load<u64>(merchantId + (<usize>i << 3)));
    v++;
  }
  return visits;
}

/** Dense indices of 6A ids (the id law's inverse, round keys r0..r3); −1 where the index leaves [0, 2^31). */
export function k6bIndex(n: i32, r0: u32, r1: u32, r2: u32, r3: u32, id: usize, outIndex: usize): void {
  for (let i = 0; i < n; i++) {
    let x = entityIndex(load<u64>(id + (<usize>i << 3)), r0, r1, r2, r3);
    store<i32>(outIndex + (<usize>i << 2), x < 0x80000000 ? <i32>x : -1);
  }
}

/** S1 inputs: which parties pay in the scenario, one uniform each (block `index` of the active family, lane 0): u < pActive. */
export function k6bActive(n: i32, first: u32, k0: u32, k1: u32, pActive: f64, outActive: usize): void {
  for (let i = 0; i < n; i++) {
    streamInitAt(k0, k1, first + <u32>i, 0);
    store<u8>(outActive + <usize>i, streamU01() < pActive ? 1 : 0);
  }
}
