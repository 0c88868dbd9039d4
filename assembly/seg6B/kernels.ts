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
import { entityId } from "../laws/ids";

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

/** An alias draw from table (prob, alias)[0..n) with a given uniform (the rng/alias.ts rule). */
// @ts-ignore: decorator
@inline function aliasAt(prob: usize, alias: usize, n: i32, u: f64): i32 {
  let x = u * <f64>n;
  let jf = Math.floor(x);
  let j = <i32>jf;
  if (j >= n) j = n - 1;
  return x - jf < load<f64>(prob + (<usize>j << 3)) ? j : ld32(alias, j);
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
 * Per arrival in: merchant (index into the resident merchant table), seq (arrival_seq), ts (µs), country
 * (arrival country index, −1 none), cg (5B channel group: 0 card_present, 1 card_not_present, 2 mixed),
 * virt (1 virtual), site (index into the resident site table, −1 none).
 * Resident (whole world): merchAtm[M]; siteCell[S] (the outlet's cell, −1 none with payers), siteTerm[S] (its
 * terminal device); cc[C + 1] (cells of country c: [cc[c], cc[c + 1])), ccProb/ccAlias[G] (cell alias within its
 * country), cProb/cAlias[C] (country alias by payer activity), cellOff[G + 1], cellParty/cellProb/cellAlias[E];
 * partyCountry[P]; cardOff[P + 1], cardInst/cardAcct[K], cardMask[K] (bit 1 POS, 2 ATM, 4 ECOM); devOff[P + 1],
 * devList[Dp] (own devices, first = primary); ipOff[D + 1], ipList[L] (typical first); keys[20] (id round keys:
 * party, account, instrument, device, ip). Policy per channel (POS, ATM, ECOM): pCont, maxGapUs, pRegular,
 * pCross, pLocal (ECOM's unused).
 * Out per arrival: ids, session id, channel, rule, traveller flag (party country ≠ arrival country), visitFirst
 * (row of its visit's first arrival); per visit v < returned count: outVisitCount[v].
 * Returns the visits, or −1 − i when arrival i breaks the order (merchant runs, arrival_seq rising in a run).
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
  nMerchants: i32,
  nSites: i32,
  nCountries: i32,
  merchant: usize,
  seq: usize,
  ts: usize,
  country: usize,
  cg: usize,
  virt: usize,
  site: usize,
  pCont: usize,
  maxGapUs: usize,
  pRegular: usize,
  pCross: usize,
  pLocal: usize,
  merchAtm: usize,
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
  outVisitCount: usize,
): i32 {
  // regulars' owners: a site's card-present visits, a merchant's ECOM visits (whole merchants per part: complete)
  let siteVisits = heap.alloc(<usize>max(nSites, 1) << 2);
  let merchVisits = heap.alloc(<usize>max(nMerchants, 1) << 2);
  memory.fill(siteVisits, 0, <usize>max(nSites, 1) << 2);
  memory.fill(merchVisits, 0, <usize>max(nMerchants, 1) << 2);
  // pass 1: channel (slot 0) and continuation (slot 1) of every arrival
  let visits: i32 = 0;
  for (let i = 0; i < n; i++) {
    let m = ld32(merchant, i);
    let s = load<u64>(seq + (<usize>i << 3));
    let same = i > 0 && ld32(merchant, i - 1) == m;
    if (same && load<u64>(seq + (<usize>(i - 1) << 3)) >= s) return -1 - i;
    streamInitAt(k0, k1, <u32>((s - 1) * <u64>VISIT_BLOCKS), <u32>m);
    let u0 = streamU01();
    let u1 = streamU01();
    let g = <i32>load<u8>(cg + <usize>i);
    let atm = load<u8>(merchAtm + <usize>m) != 0;
    let ch = load<u8>(virt + <usize>i) != 0 || g == CG_CNP ? ECOM : g == CG_CP ? (atm ? ATM : POS) : u0 < mixedCnp ? ECOM : atm ? ATM : POS;
    store<u8>(outChannel + <usize>i, <u8>ch);
    let cont = false;
    if (same && <i32>load<u8>(outChannel + <usize>(i - 1)) == ch && (ch == ECOM || ld32(site, i - 1) == ld32(site, i))) {
      let gap = load<i64>(ts + (<usize>i << 3)) - load<i64>(ts + (<usize>(i - 1) << 3));
      cont = <f64>gap <= load<f64>(maxGapUs + (<usize>ch << 3)) && u1 < load<f64>(pCont + (<usize>ch << 3));
    }
    if (cont) {
      store<i32>(outVisitFirst + (<usize>i << 2), ld32(outVisitFirst, i - 1));
      store<i32>(outVisitCount + (<usize>(visits - 1) << 2), ld32(outVisitCount, visits - 1) + 1);
    } else {
      store<i32>(outVisitFirst + (<usize>i << 2), i);
      store<i32>(outVisitCount + (<usize>visits << 2), 1);
      visits++;
      let st = ld32(site, i);
      if (ch != ECOM && st >= 0) store<i32>(siteVisits + (<usize>st << 2), ld32(siteVisits, st) + 1);
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
    let pick = uniformIndex(uCard, ok);
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
    store<u8>(outTraveller + <usize>i, c >= 0 && ld32(partyCountry, pc) != c ? 1 : 0);
  }
  return visits;
}
