// Segment 6A kernels. Mirrors src/segments/6A/kernels_ref.ts bit for bit (same IEEE operation order,
// fm_* math). KEEP IN LOCKSTEP.
//
// Identifiers (every 6A entity kind): id = feistel62(dense index) + 1, a keyed bijection of [0, 2^62),
// so ids are unique, below 2^63, and carry no trace of the cell order the index follows.

import { streamInitAt, streamU01 } from "../rng/stream";
import { rngNormal } from "../rng/dist";
import { aliasSample } from "../rng/alias";
import { fm_cos, fm_exp, fm_neglog_u01 } from "../math/fmath";
import { entityId } from "../laws/ids";

const DEG: f64 = 0.017453292519943295; // pi / 180

/** Blocks each party's substream window spans (7 draws: place, two jitter normals, activity normal). */
const PARTY_BLOCKS: i32 = 4;

/**
 * S1 parties [first, first + n): id, home and activity weight.
 * Party i of the shard lives in country country[i]; its draws are blocks [local[i]·4, local[i]·4 + 4) of
 * the country's substream (keys[2c], keys[2c+1]): a home place by population (alias over the country's
 * places, one u01; no places: the country's centre, the u01 still drawn), a normal offset of jitterKm in
 * latitude then longitude, and a lognormal activity weight with mean 1 (sigma). Draws: exactly 7 per party.
 */
export function k6aParties(
  n: i32,
  first: u32,
  r0: u32,
  r1: u32,
  r2: u32,
  r3: u32,
  jitterKm: f64,
  sigma: f64,
  country: usize,
  local: usize,
  keys: usize,
  placeOff: usize,
  placeProb: usize,
  placeAlias: usize,
  placeLat: usize,
  placeLon: usize,
  centreLat: usize,
  centreLon: usize,
  outId: usize,
  outLat: usize,
  outLon: usize,
  outActivity: usize,
): void {
  let jDeg = jitterKm / 111.32;
  let half = 0.5 * sigma * sigma;
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let block = <u64>load<u32>(local + (<usize>i << 2)) * <u64>PARTY_BLOCKS;
    streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
    let a = load<i32>(placeOff + (<usize>c << 2));
    let k = load<i32>(placeOff + (<usize>(c + 1) << 2)) - a;
    let lat: f64, lon: f64;
    if (k > 0) {
      let j = a + aliasSample(placeProb + (<usize>a << 3), placeAlias + (<usize>a << 2), k);
      lat = load<f64>(placeLat + (<usize>j << 3));
      lon = load<f64>(placeLon + (<usize>j << 3));
    } else {
      streamU01();
      lat = load<f64>(centreLat + (<usize>c << 3));
      lon = load<f64>(centreLon + (<usize>c << 3));
    }
    let zLat = rngNormal();
    let zLon = rngNormal();
    let cl = fm_cos(lat * DEG);
    if (cl < 0.1) cl = 0.1;
    lat = lat + zLat * jDeg;
    if (lat > 89.9) lat = 89.9;
    if (lat < -89.9) lat = -89.9;
    lon = lon + (zLon * jDeg) / cl;
    if (lon >= 180.0) lon -= 360.0;
    if (lon < -180.0) lon += 360.0;
    let act = fm_exp(sigma * rngNormal() - half);
    store<u64>(outId + (<usize>i << 3), entityId(<u64>first + <u64>i, r0, r1, r2, r3));
    store<f64>(outLat + (<usize>i << 3), lat);
    store<f64>(outLon + (<usize>i << 3), lon);
    store<f64>(outActivity + (<usize>i << 3), act);
  }
}

/** Ids of entities [first, first + n) of one kind (round keys r0..r3). */
export function k6aIds(n: i32, first: u32, r0: u32, r1: u32, r2: u32, r3: u32, outId: usize): void {
  for (let i = 0; i < n; i++) store<u64>(outId + (<usize>i << 3), entityId(<u64>first + <u64>i, r0, r1, r2, r3));
}

/**
 * S5 validation of ids (not the generator's loop): outBad[0] = how many of id[0..n) differ from
 * feistel62(first + i) + 1. The map is a bijection, so a column equal to it is unique and in range.
 */
export function k6aIdCheck(n: i32, first: u32, r0: u32, r1: u32, r2: u32, r3: u32, id: usize, outBad: usize): void {
  let bad: i32 = 0;
  for (let i = 0; i < n; i++) if (load<u64>(id + (<usize>i << 3)) != entityId(<u64>first + <u64>i, r0, r1, r2, r3)) bad++;
  store<i32>(outBad, bad);
}

/** extra in [0, cap] with P(k) ∝ λ^k / k!, by inversion of one u (cumulative weights, no exp). */
// @ts-ignore: decorator
@inline function truncPoisson(lambda: f64, cap: i32, u: f64): i32 {
  let z = 1.0;
  let w = 1.0;
  for (let k = 1; k <= cap; k++) {
    w = (w * lambda) / <f64>k;
    z += w;
  }
  let target = u * z;
  let acc = 1.0;
  w = 1.0;
  let k = 0;
  while (k < cap && acc < target) {
    k++;
    w = (w * lambda) / <f64>k;
    acc += w;
  }
  return k;
}

/**
 * S2 account counts of parties: for party i (country c, segment s, local index j) and each account type
 * t with holdP[s·T + t] ≥ 0 (its party type's): block j·T + t of the country's substream gives u1, u2;
 * held = u1 < holdP, count = held ? 1 + truncPoisson(extraMean[t], maxCount[t] − 1, u2) : 0.
 * Types of other party types (holdP < 0) draw nothing and count 0. Draws: 2 per applicable type.
 */
export function k6aAccountCounts(
  n: i32,
  T: i32,
  country: usize,
  local: usize,
  segment: usize,
  keys: usize,
  holdP: usize,
  extraMean: usize,
  maxCount: usize,
  outCount: usize,
): void {
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let s = load<i32>(segment + (<usize>i << 2));
    let k0 = load<u32>(keys + (<usize>c << 3));
    let k1 = load<u32>(keys + (<usize>c << 3) + 4);
    let base = <u64>load<u32>(local + (<usize>i << 2)) * <u64>T;
    for (let t = 0; t < T; t++) {
      let p = load<f64>(holdP + (<usize>(s * T + t) << 3));
      let cnt = 0;
      if (p >= 0.0) {
        let block = base + <u64>t;
        streamInitAt(k0, k1, <u32>block, <u32>(block >> 32));
        let u1 = streamU01();
        let u2 = streamU01();
        if (u1 < p) cnt = 1 + truncPoisson(load<f64>(extraMean + (<usize>t << 3)), load<i32>(maxCount + (<usize>t << 2)) - 1, u2);
      }
      store<u8>(outCount + <usize>(i * T + t), <u8>cnt);
    }
  }
}

/**
 * S2 account opening days: account i (country c, local index j) draws u from block j of the country's
 * substream; tenure = min(meanDays[i] · (−ln u), maxDays); opened = asOfDay − 1 − floor(tenure).
 * Draws: exactly 1.
 */
export function k6aAccountOpen(n: i32, asOfDay: i32, maxDays: f64, country: usize, local: usize, keys: usize, meanDays: usize, outDay: usize): void {
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let j = <u64>load<u32>(local + (<usize>i << 2));
    streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>j, <u32>(j >> 32));
    let tenure = load<f64>(meanDays + (<usize>i << 3)) * fm_neglog_u01(streamU01());
    if (tenure > maxDays) tenure = maxDays;
    store<i32>(outDay + (<usize>i << 2), asOfDay - 1 - <i32>Math.floor(tenure));
  }
}

/**
 * S3 credentials of accounts: for account i of a card-carrying type (kind[i] 1 debit, 2 credit) of an
 * owner in segment s, country c, local index j, blocks [j·3, j·3 + 3) of the country's substream give six
 * u01, in order: physical card (u < pPhysKind[kind]), virtual card (u < pVirtSeg[s]), wallet token
 * (u < pWalletSeg[s], only with a card), scheme (alias over the mix of table region(c)·2 + kind − 1),
 * months to expiry (1 + floor(u · expiryMax)), wallet network (alias over walletProb / walletAlias).
 * Accounts of kind 0 draw nothing. Out: flags (1 physical, 2 virtual, 4 wallet), scheme code, wallet
 * network index, months to expiry.
 */
export function k6aCredentials(
  n: i32,
  expiryMax: i32,
  nWallet: i32,
  country: usize,
  local: usize,
  seg: usize,
  kind: usize,
  keys: usize,
  countryRegion: usize,
  pPhysKind: usize,
  pVirtSeg: usize,
  pWalletSeg: usize,
  schemeOff: usize,
  schemeProb: usize,
  schemeAlias: usize,
  schemeCode: usize,
  walletProb: usize,
  walletAlias: usize,
  outFlags: usize,
  outScheme: usize,
  outWallet: usize,
  outExpiry: usize,
): void {
  for (let i = 0; i < n; i++) {
    let flags = 0;
    let scheme = -1;
    let wallet = -1;
    let expiry = 0;
    let kd = <i32>load<u8>(kind + <usize>i);
    if (kd != 0) {
      let c = load<i32>(country + (<usize>i << 2));
      let s = load<i32>(seg + (<usize>i << 2));
      let block = <u64>load<u32>(local + (<usize>i << 2)) * 3;
      streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
      let uPhys = streamU01();
      let uVirt = streamU01();
      let uWallet = streamU01();
      if (uPhys < load<f64>(pPhysKind + (<usize>kd << 3))) flags |= 1;
      if (uVirt < load<f64>(pVirtSeg + (<usize>s << 3))) flags |= 2;
      if (flags != 0 && uWallet < load<f64>(pWalletSeg + (<usize>s << 3))) flags |= 4;
      let t = load<i32>(countryRegion + (<usize>c << 2)) * 2 + kd - 1;
      let a = load<i32>(schemeOff + (<usize>t << 2));
      let k = load<i32>(schemeOff + (<usize>(t + 1) << 2)) - a;
      scheme = load<i32>(schemeCode + (<usize>(a + aliasSample(schemeProb + (<usize>a << 3), schemeAlias + (<usize>a << 2), k)) << 2));
      expiry = 1 + <i32>Math.floor(streamU01() * <f64>expiryMax);
      if (expiry > expiryMax) expiry = expiryMax;
      wallet = aliasSample(walletProb, walletAlias, nWallet);
    }
    store<u8>(outFlags + <usize>i, <u8>flags);
    store<i32>(outScheme + (<usize>i << 2), scheme);
    store<i32>(outWallet + (<usize>i << 2), wallet);
    store<i32>(outExpiry + (<usize>i << 2), expiry);
  }
}

/** Luhn sum of v's digits from the right, doubling the first when dbl (a body) or the second (a whole number). */
@inline function luhnSum(v: u64, dbl: bool): u64 {
  let sum: u64 = 0;
  while (v > 0) {
    let d = v % 10;
    v /= 10;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum;
}

/**
 * S3 card numbers: bin[i] (6 digits), then serial[i] mod 10^(len[i] − 7) on the remaining digits but one,
 * then the Luhn check digit: a test-range number that identifies the card and means nothing else.
 */
export function k6aCardNumbers(n: i32, bin: usize, len: usize, serial: usize, outNumber: usize): void {
  for (let i = 0; i < n; i++) {
    let m = load<i32>(len + (<usize>i << 2)) - 7;
    let p: u64 = 1;
    for (let k = 0; k < m; k++) p *= 10;
    let body = <u64>load<i32>(bin + (<usize>i << 2)) * p + <u64>load<u32>(serial + (<usize>i << 2)) % p;
    store<u64>(outNumber + (<usize>i << 3), body * 10 + (10 - luhnSum(body, true) % 10) % 10);
  }
}

/**
 * S5 validation of card numbers (not the generator's own loop): outBad[i] = 1 unless number[i] has
 * exactly len[i] digits, its first six are bin[i] and it passes the Luhn check; len[i] = 0 (not a
 * card) is never bad.
 */
export function k6aCardCheck(n: i32, number: usize, bin: usize, len: usize, outBad: usize): void {
  for (let i = 0; i < n; i++) {
    let want = load<i32>(len + (<usize>i << 2));
    let bad: u8 = 0;
    if (want > 0) {
      let num = load<u64>(number + (<usize>i << 3));
      let digits: i32 = 0;
      let lead = num;
      for (let v = num; v > 0; v /= 10) {
        if (digits < want - 6) lead /= 10;
        digits++;
      }
      bad = digits != want || luhnSum(num, false) % 10 != 0 || lead != <u64>load<i32>(bin + (<usize>i << 2)) ? 1 : 0;
    }
    store<u8>(outBad + <usize>i, bad);
  }
}

/** S4 households: a RETAIL party (isRetail 1) opens a new household when u < pStart (block local[i] of its country's substream); others draw nothing. */
export function k6aHouseholdStarts(n: i32, pStart: f64, country: usize, local: usize, keys: usize, isRetail: usize, outStart: usize): void {
  for (let i = 0; i < n; i++) {
    let start: u8 = 1;
    if (load<u8>(isRetail + <usize>i) != 0) {
      let c = load<i32>(country + (<usize>i << 2));
      let j = <u64>load<u32>(local + (<usize>i << 2));
      streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>j, <u32>(j >> 32));
      start = streamU01() < pStart ? 1 : 0;
    }
    store<u8>(outStart + <usize>i, start);
  }
}

/** Blocks of a party's device window: 1 count draw + 3 per device (type, OS, sharing), at most 10 devices. */
const DEVICE_BLOCKS: i32 = 16;

/**
 * S4 devices per party: blocks [local·16, local·16 + 16) of the country's substream; lane 0 gives the count
 * 1 + truncPoisson(max(0, meanSeg[s] − 1), maxByType[t] − 1, u).
 */
export function k6aDeviceCounts(n: i32, country: usize, local: usize, keys: usize, ptype: usize, seg: usize, meanSeg: usize, maxByType: usize, outCount: usize): void {
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let block = <u64>load<u32>(local + (<usize>i << 2)) * <u64>DEVICE_BLOCKS;
    streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
    let lambda = load<f64>(meanSeg + (<usize>load<i32>(seg + (<usize>i << 2)) << 3)) - 1.0;
    if (lambda < 0.0) lambda = 0.0;
    let cap = load<i32>(maxByType + (<usize>load<i32>(ptype + (<usize>i << 2)) << 2)) - 1;
    store<u8>(outCount + <usize>i, <u8>(1 + truncPoisson(lambda, cap, streamU01())));
  }
}

/**
 * S4 devices of each party, written at off[i]..off[i+1] (shard-local): the count draw again, then per device
 * three u01: its type (device 0: firstType of the party type, the u unused; others: alias over the party
 * type's mix), its OS (alias over the type's OS mix), shared (u < shareP[type]).
 */
export function k6aDeviceFill(
  n: i32,
  country: usize,
  local: usize,
  keys: usize,
  ptype: usize,
  off: usize,
  firstType: usize,
  mixOff: usize,
  mixProb: usize,
  mixAlias: usize,
  mixCode: usize,
  osOff: usize,
  osProb: usize,
  osAlias: usize,
  osCode: usize,
  shareP: usize,
  outType: usize,
  outOs: usize,
  outShared: usize,
): void {
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let block = <u64>load<u32>(local + (<usize>i << 2)) * <u64>DEVICE_BLOCKS;
    streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
    streamU01();
    let pt = load<i32>(ptype + (<usize>i << 2));
    let a = load<i32>(off + (<usize>i << 2));
    let b = load<i32>(off + (<usize>(i + 1) << 2));
    let ma = load<i32>(mixOff + (<usize>pt << 2));
    let mk = load<i32>(mixOff + (<usize>(pt + 1) << 2)) - ma;
    for (let d = a; d < b; d++) {
      let j = ma + aliasSample(mixProb + (<usize>ma << 3), mixAlias + (<usize>ma << 2), mk);
      let t = d == a ? load<i32>(firstType + (<usize>pt << 2)) : load<i32>(mixCode + (<usize>j << 2));
      let oa = load<i32>(osOff + (<usize>t << 2));
      let ok = load<i32>(osOff + (<usize>(t + 1) << 2)) - oa;
      let os = load<i32>(osCode + (<usize>(oa + aliasSample(osProb + (<usize>oa << 3), osAlias + (<usize>oa << 2), ok)) << 2));
      let sh: u8 = streamU01() < load<f64>(shareP + (<usize>t << 3)) ? 1 : 0;
      store<i32>(outType + (<usize>d << 2), t);
      store<i32>(outOs + (<usize>d << 2), os);
      store<u8>(outShared + <usize>d, sh);
    }
  }
}

/**
 * S4 account access of devices: device i (owner's country c, index j among its country's devices) draws
 * nAcc[i] u01 from blocks [j·16, j·16 + 16) of the country's substream; bit k of the mask is set when u_k <
 * pAccess[type]. Types with pAccess 0 draw nothing. At most 32 accounts.
 */
export function k6aAccess(n: i32, country: usize, local: usize, keys: usize, dtype: usize, nAcc: usize, pAccess: usize, outMask: usize): void {
  for (let i = 0; i < n; i++) {
    let p = load<f64>(pAccess + (<usize>load<i32>(dtype + (<usize>i << 2)) << 3));
    let m: u32 = 0;
    let k = load<i32>(nAcc + (<usize>i << 2));
    if (p > 0.0 && k > 0) {
      let c = load<i32>(country + (<usize>i << 2));
      let block = <u64>load<u32>(local + (<usize>i << 2)) * 16;
      streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
      for (let b = 0; b < k; b++) if (streamU01() < p) m |= <u32>1 << <u32>b;
    }
    store<u32>(outMask + (<usize>i << 2), m);
  }
}

/**
 * S4 IP choices of devices: device i (country c, index j among its country's devices) draws six u01 from
 * blocks [j·3, j·3 + 3): a mobile-carrier pick floor(u · mobilePool[c]) (mobile types), home Wi-Fi (u <
 * pHome, mobile types), public Wi-Fi (u < pWifi, portable types) and its pick floor(u · wifiPool[c]), VPN
 * (u < pVpn, personal types) and its pick floor(u · vpnPool). −1: none. Terminals and servers draw nothing.
 */
export function k6aDeviceIps(
  n: i32,
  vpnPool: i32,
  pHome: f64,
  pWifi: f64,
  pVpn: f64,
  country: usize,
  local: usize,
  keys: usize,
  dtype: usize,
  typeFlags: usize,
  mobilePool: usize,
  wifiPool: usize,
  outMobile: usize,
  outHome: usize,
  outWifi: usize,
  outVpn: usize,
): void {
  for (let i = 0; i < n; i++) {
    let f = load<u8>(typeFlags + <usize>load<i32>(dtype + (<usize>i << 2)));
    let mob = -1;
    let home: u8 = 0;
    let wifi = -1;
    let vpn = -1;
    if ((f & 4) != 0) {
      let c = load<i32>(country + (<usize>i << 2));
      let block = <u64>load<u32>(local + (<usize>i << 2)) * 3;
      streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
      let u0 = streamU01();
      let u1 = streamU01();
      let u2 = streamU01();
      let u3 = streamU01();
      let u4 = streamU01();
      let u5 = streamU01();
      if ((f & 1) != 0) {
        let mp = load<i32>(mobilePool + (<usize>c << 2));
        mob = min(mp - 1, <i32>Math.floor(u0 * <f64>mp));
        if (u1 < pHome) home = 1;
      }
      if ((f & 2) != 0 && u2 < pWifi) {
        let wp = load<i32>(wifiPool + (<usize>c << 2));
        wifi = min(wp - 1, <i32>Math.floor(u3 * <f64>wp));
      }
      if (u4 < pVpn) vpn = min(vpnPool - 1, <i32>Math.floor(u5 * <f64>vpnPool));
    }
    store<i32>(outMobile + (<usize>i << 2), mob);
    store<u8>(outHome + <usize>i, home);
    store<i32>(outWifi + (<usize>i << 2), wifi);
    store<i32>(outVpn + (<usize>i << 2), vpn);
  }
}

/**
 * S5 static roles of entities (any kind): entity i (country c, index j among its country's entities of the
 * kind) draws from blocks [j·2, j·2 + 2) of the country's substream: a normal z (two u01) and one u01.
 * score = clamp(base[i] + noiseSd · z, 0, 1); tier = the number of thresholds at or below the score (0..3);
 * role = alias over the mix of table group[i] · 4 + tier (one u01). Draws: exactly 3.
 */
export function k6aRoles(
  n: i32,
  noiseSd: f64,
  t1: f64,
  t2: f64,
  t3: f64,
  country: usize,
  local: usize,
  keys: usize,
  base: usize,
  group: usize,
  mixOff: usize,
  mixProb: usize,
  mixAlias: usize,
  mixCode: usize,
  outScore: usize,
  outTier: usize,
  outRole: usize,
): void {
  for (let i = 0; i < n; i++) {
    let c = load<i32>(country + (<usize>i << 2));
    let block = <u64>load<u32>(local + (<usize>i << 2)) * 2;
    streamInitAt(load<u32>(keys + (<usize>c << 3)), load<u32>(keys + (<usize>c << 3) + 4), <u32>block, <u32>(block >> 32));
    let s = load<f64>(base + (<usize>i << 3)) + noiseSd * rngNormal();
    if (s < 0.0) s = 0.0;
    if (s > 1.0) s = 1.0;
    let tier = 0;
    if (s >= t1) tier = 1;
    if (s >= t2) tier = 2;
    if (s >= t3) tier = 3;
    let t = load<i32>(group + (<usize>i << 2)) * 4 + tier;
    let a = load<i32>(mixOff + (<usize>t << 2));
    let k = load<i32>(mixOff + (<usize>(t + 1) << 2)) - a;
    let role = load<i32>(mixCode + (<usize>(a + aliasSample(mixProb + (<usize>a << 3), mixAlias + (<usize>a << 2), k)) << 2));
    store<f64>(outScore + (<usize>i << 3), s);
    store<i32>(outTier + (<usize>i << 2), tier);
    store<i32>(outRole + (<usize>i << 2), role);
  }
}

/** Co-users of device i: the other members of its owner's household when the device is shared, else none. */
@inline function coUsersOf(i: i32, owner: usize, shared: usize, household: usize, hSize: usize): i32 {
  let h = load<i32>(household + (<usize>load<i32>(owner + (<usize>i << 2)) << 2));
  return load<u8>(shared + <usize>i) != 0 && h >= 0 ? load<i32>(hSize + (<usize>h << 2)) - 1 : 0;
}

/**
 * S4 device links per device: a terminal has one (its merchant's owner); a party's device has its
 * owner, its co-users (the other members of the owner's household when shared), one per accessed account
 * (bits of mask) and one per wallet token bound to it (tokOff[i + 1] − tokOff[i]).
 */
export function k6aDeviceLinkCounts(n: i32, owner: usize, outlet: usize, shared: usize, mask: usize, tokOff: usize, household: usize, hSize: usize, outCount: usize): void {
  for (let i = 0; i < n; i++) {
    let c: i32 = 1;
    if (load<i32>(outlet + (<usize>i << 2)) < 0)
      c +=
        coUsersOf(i, owner, shared, household, hSize) +
        <i32>popcnt<u32>(load<u32>(mask + (<usize>i << 2))) +
        load<i32>(tokOff + (<usize>(i + 1) << 2)) -
        load<i32>(tokOff + (<usize>i << 2));
    store<i32>(outCount + (<usize>i << 2), c);
  }
}

/**
 * S4 device link rows of devices [first, first + n), in device order and within a device: its owner (role
 * rTerminal for a terminal, else rOwner), co-users in household order (rCoUser), accessed accounts lowest
 * bit first (accOff[owner] + bit, rAccount), wallet tokens (tokList[tokOff[i] − tokBase …], rToken). Party,
 * account and instrument are −1 where the row has none.
 */
export function k6aDeviceLinks(
  n: i32,
  first: i32,
  tokBase: i32,
  rTerminal: i32,
  rOwner: i32,
  rCoUser: i32,
  rAccount: i32,
  rToken: i32,
  owner: usize,
  outlet: usize,
  shared: usize,
  mask: usize,
  tokOff: usize,
  tokList: usize,
  household: usize,
  hSize: usize,
  hHead: usize,
  accOff: usize,
  outDev: usize,
  outParty: usize,
  outAcc: usize,
  outIns: usize,
  outRole: usize,
): void {
  let k: usize = 0;
  for (let i = 0; i < n; i++) {
    let o = load<i32>(owner + (<usize>i << 2));
    let terminal = load<i32>(outlet + (<usize>i << 2)) >= 0;
    linkRow(outDev, outParty, outAcc, outIns, outRole, k++, first + i, o, -1, -1, terminal ? rTerminal : rOwner);
    if (terminal) continue;
    if (coUsersOf(i, owner, shared, household, hSize) > 0) {
      let h = load<i32>(household + (<usize>o << 2));
      let m0 = load<i32>(hHead + (<usize>h << 2));
      let m1 = m0 + load<i32>(hSize + (<usize>h << 2));
      for (let m = m0; m < m1; m++) if (m != o) linkRow(outDev, outParty, outAcc, outIns, outRole, k++, first + i, m, -1, -1, rCoUser);
    }
    let a0 = load<i32>(accOff + (<usize>o << 2));
    for (let bits = load<u32>(mask + (<usize>i << 2)); bits != 0; bits &= bits - 1)
      linkRow(outDev, outParty, outAcc, outIns, outRole, k++, first + i, -1, a0 + <i32>ctz<u32>(bits), -1, rAccount);
    let t1 = load<i32>(tokOff + (<usize>(i + 1) << 2));
    for (let t = load<i32>(tokOff + (<usize>i << 2)); t < t1; t++)
      linkRow(outDev, outParty, outAcc, outIns, outRole, k++, first + i, -1, -1, load<i32>(tokList + (<usize>(t - tokBase) << 2)), rToken);
  }
}

@inline function linkRow(outDev: usize, outParty: usize, outAcc: usize, outIns: usize, outRole: usize, k: usize, d: i32, party: i32, acc: i32, ins: i32, role: i32): void {
  store<i32>(outDev + (k << 2), d);
  store<i32>(outParty + (k << 2), party);
  store<i32>(outAcc + (k << 2), acc);
  store<i32>(outIns + (k << 2), ins);
  store<i32>(outRole + (k << 2), role);
}

/** S4 IP links per device: its typical IP, a recent home IP when it differs, a public Wi-Fi IP, a VPN exit (−1: none). */
export function k6aIpLinkCounts(n: i32, typical: usize, recentHome: usize, wifi: usize, vpn: usize, outCount: usize): void {
  for (let i = 0; i < n; i++) {
    let at = <usize>i << 2;
    let h = load<i32>(recentHome + at);
    store<i32>(outCount + at, 1 + (h >= 0 && h != load<i32>(typical + at) ? 1 : 0) + (load<i32>(wifi + at) >= 0 ? 1 : 0) + (load<i32>(vpn + at) >= 0 ? 1 : 0));
  }
}

/** S4 IP link rows of devices [first, first + n): typical (rTypical), recent home (rRecent), public Wi-Fi (rWifi), VPN (rRecent). */
export function k6aIpLinks(
  n: i32,
  first: i32,
  rTypical: i32,
  rRecent: i32,
  rWifi: i32,
  typical: usize,
  recentHome: usize,
  wifi: usize,
  vpn: usize,
  outIp: usize,
  outDev: usize,
  outRole: usize,
): void {
  let k: usize = 0;
  for (let i = 0; i < n; i++) {
    let at = <usize>i << 2;
    let t = load<i32>(typical + at);
    let h = load<i32>(recentHome + at);
    let w = load<i32>(wifi + at);
    let v = load<i32>(vpn + at);
    ipRow(outIp, outDev, outRole, k++, t, first + i, rTypical);
    if (h >= 0 && h != t) ipRow(outIp, outDev, outRole, k++, h, first + i, rRecent);
    if (w >= 0) ipRow(outIp, outDev, outRole, k++, w, first + i, rWifi);
    if (v >= 0) ipRow(outIp, outDev, outRole, k++, v, first + i, rRecent);
  }
}

@inline function ipRow(outIp: usize, outDev: usize, outRole: usize, k: usize, ip: i32, d: i32, role: i32): void {
  store<i32>(outIp + (k << 2), ip);
  store<i32>(outDev + (k << 2), d);
  store<i32>(outRole + (k << 2), role);
}

/**
 * S3 instruments of accounts [first, first + n) at their offsets (rows from firstIns): the account's bank
 * handle (payout for a merchant's settlement account, else handle) on its owner's country rail; a physical
 * card (flags bit 0) and a virtual one (bit 1), typed cardType[biz · 4 + debit · 2 + physical] on the
 * account's card network with its expiry; a wallet token (bit 2) on wallet network walletBase + wallet,
 * funded by the account's first card. funding is −1 except on tokens.
 */
export function k6aInstruments(
  n: i32,
  first: i32,
  firstIns: i32,
  payout: i32,
  handle: i32,
  token: i32,
  walletBase: i32,
  debitKind: i32,
  flags: usize,
  scheme: usize,
  wallet: usize,
  expiry: usize,
  kind: usize,
  settled: usize,
  owner: usize,
  partyRail: usize,
  partyBiz: usize,
  cardType: usize,
  outAccount: usize,
  outType: usize,
  outScheme: usize,
  outFunding: usize,
  outExpiry: usize,
): void {
  let k: usize = 0;
  for (let i = 0; i < n; i++) {
    let at = <usize>i << 2;
    let o = <usize>load<i32>(owner + at);
    let f = load<u8>(flags + <usize>i);
    insRow(outAccount, outType, outScheme, outFunding, outExpiry, k++, first + i, load<u8>(settled + <usize>i) != 0 ? payout : handle, load<i32>(partyRail + (o << 2)), -1, 0);
    let base = <i32>load<u8>(partyBiz + o) * 4 + (<i32>load<u8>(kind + <usize>i) == debitKind ? 2 : 0);
    let card: i32 = -1;
    for (let form = 0; form < 2; form++) {
      if ((f & (<u8>1 << <u8>form)) == 0) continue;
      if (card < 0) card = firstIns + <i32>k;
      insRow(outAccount, outType, outScheme, outFunding, outExpiry, k++, first + i, load<i32>(cardType + (<usize>(base + (form == 0 ? 1 : 0)) << 2)), load<i32>(scheme + at), -1, load<i32>(expiry + at));
    }
    if ((f & 4) != 0) insRow(outAccount, outType, outScheme, outFunding, outExpiry, k++, first + i, token, walletBase + load<i32>(wallet + at), card, load<i32>(expiry + at));
  }
}

@inline function insRow(outAccount: usize, outType: usize, outScheme: usize, outFunding: usize, outExpiry: usize, k: usize, account: i32, type: i32, scheme: i32, funding: i32, expiry: i32): void {
  store<i32>(outAccount + (k << 2), account);
  store<i32>(outType + (k << 2), type);
  store<i32>(outScheme + (k << 2), scheme);
  store<i32>(outFunding + (k << 2), funding);
  store<i32>(outExpiry + (k << 2), expiry);
}

/**
 * S3 card profile of instruments [0, n): for cards and tokens (class ≠ 0) the brand tier of (account
 * type, owner segment) — tierOf[accType · S + segment] — and the expiry month expiryMonth[months]; for
 * cards (class 1) also the BIN of (scheme, owner country, credit, tier) and the scheme's number length.
 * Bank accounts get tier −1 and zeros.
 */
export function k6aCardProfile(
  n: i32,
  S: i32,
  C: i32,
  T: i32,
  type: usize,
  account: usize,
  scheme: usize,
  expiry: usize,
  accType: usize,
  accOwner: usize,
  partySeg: usize,
  partyCountry: usize,
  classOf: usize,
  creditOf: usize,
  tierOf: usize,
  expiryMonth: usize,
  bins: usize,
  lenOf: usize,
  outTier: usize,
  outExpiryDay: usize,
  outBin: usize,
  outLen: usize,
): void {
  for (let q = 0; q < n; q++) {
    let at = <usize>q << 2;
    let t = load<i32>(type + at);
    let cls = load<i32>(classOf + (<usize>t << 2));
    let tc: i32 = -1,
      day: i32 = 0,
      b: i32 = 0,
      len: i32 = 0;
    if (cls != 0) {
      let r = <usize>load<i32>(account + at);
      let o = <usize>load<i32>(accOwner + (r << 2));
      tc = load<i32>(tierOf + (<usize>(load<i32>(accType + (r << 2)) * S + load<i32>(partySeg + (o << 2))) << 2));
      day = load<i32>(expiryMonth + (<usize>load<i32>(expiry + at) << 2));
      if (cls == 1) {
        let sc = load<i32>(scheme + at);
        let key = ((sc * C + load<i32>(partyCountry + (o << 2))) * 2 + load<i32>(creditOf + (<usize>t << 2))) * T + tc;
        b = load<i32>(bins + (<usize>key << 2));
        len = load<i32>(lenOf + (<usize>sc << 2));
      }
    }
    store<i32>(outTier + at, tc);
    store<i32>(outExpiryDay + at, day);
    store<i32>(outBin + at, b);
    store<i32>(outLen + at, len);
  }
}

/**
 * S4 neighbourhoods of parties [q0 + first, q0 + first + n): the devices each uses (its own; its
 * household's other members' shared ones) and the distinct IPs of those devices (typical, a recent home
 * that differs, public Wi-Fi, VPN). Party arrays (devOff n + 1 entries, household) cover the parties
 * [q0, …) this shard may read; device arrays start at device devOff[0]; hHead holds global party
 * indices. scratch (maxIps entries) holds one party's IPs while they are counted.
 */
export function k6aNeighbourhoods(
  n: i32,
  first: i32,
  q0: i32,
  maxIps: i32,
  devOff: usize,
  household: usize,
  hHead: usize,
  hSize: usize,
  shared: usize,
  typical: usize,
  recentHome: usize,
  wifi: usize,
  vpn: usize,
  scratch: usize,
  outDevices: usize,
  outIps: usize,
): void {
  let d0 = load<i32>(devOff);
  for (let i = 0; i < n; i++) {
    let p = first + i;
    let devices: i32 = 0;
    let ips: i32 = 0;
    // own devices, then the other members' shared ones
    let h = load<i32>(household + (<usize>p << 2));
    let m0 = p,
      m1 = p + 1;
    if (h >= 0) {
      m0 = load<i32>(hHead + (<usize>h << 2)) - q0;
      m1 = m0 + load<i32>(hSize + (<usize>h << 2));
    }
    for (let m = m0; m < m1; m++) {
      let e = load<i32>(devOff + (<usize>(m + 1) << 2));
      for (let d = load<i32>(devOff + (<usize>m << 2)); d < e; d++) {
        let dl = <usize>(d - d0);
        if (m != p && load<u8>(shared + dl) == 0) continue;
        devices++;
        let t = load<i32>(typical + (dl << 2));
        let r = load<i32>(recentHome + (dl << 2));
        ips = addIp(scratch, ips, maxIps, t);
        if (r != t) ips = addIp(scratch, ips, maxIps, r);
        ips = addIp(scratch, ips, maxIps, load<i32>(wifi + (dl << 2)));
        ips = addIp(scratch, ips, maxIps, load<i32>(vpn + (dl << 2)));
      }
    }
    store<i32>(outDevices + (<usize>i << 2), devices);
    store<i32>(outIps + (<usize>i << 2), ips);
  }
}

/** Append ip (≥ 0) to the k distinct IPs in scratch unless present; the count (past maxIps: −1 marks overflow). */
@inline function addIp(scratch: usize, k: i32, maxIps: i32, ip: i32): i32 {
  if (ip < 0 || k < 0) return k;
  for (let j = 0; j < k; j++) if (load<i32>(scratch + (<usize>j << 2)) == ip) return k;
  if (k >= maxIps) return -1;
  store<i32>(scratch + (<usize>k << 2), ip);
  return k + 1;
}
