// 6A's kernels (assembly/seg6A/kernels.ts).
import { kernel, i32, u32, f64, inCol, outCol } from './abi.js';

/** S1 parties: id, home and activity weight of parties [first, first + n). */
export const k6aParties = kernel('k6aParties', {
  n: i32,
  first: u32,
  r0: u32,
  r1: u32,
  r2: u32,
  r3: u32,
  jitterKm: f64,
  sigma: f64,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  placeOff: inCol('i32'),
  placeProb: inCol('f64'),
  placeAlias: inCol('i32'),
  placeLat: inCol('f64'),
  placeLon: inCol('f64'),
  centreLat: inCol('f64'),
  centreLon: inCol('f64'),
  outId: outCol('u64'),
  outLat: outCol('f64'),
  outLon: outCol('f64'),
  outActivity: outCol('f64'),
});

/** Ids of entities [first, first + n) of one kind. */
export const k6aIds = kernel('k6aIds', { n: i32, first: u32, r0: u32, r1: u32, r2: u32, r3: u32, outId: outCol('u64') });

/** S5 validation: outBad[0] = ids of [first, first + n) that differ from the keyed bijection (k6aIds). */
export const k6aIdCheck = kernel('k6aIdCheck', { n: i32, first: u32, r0: u32, r1: u32, r2: u32, r3: u32, id: inCol('u64'), outBad: outCol('i32') });

/** S2: accounts per party and account type (n × T counts). */
export const k6aAccountCounts = kernel('k6aAccountCounts', {
  n: i32,
  T: i32,
  country: inCol('i32'),
  local: inCol('u32'),
  segment: inCol('i32'),
  keys: inCol('u32'),
  holdP: inCol('f64'),
  extraMean: inCol('f64'),
  maxCount: inCol('i32'),
  outCount: outCol('u8'),
});

/** S2: each account's opening day (days since 1970-01-01). */
export const k6aAccountOpen = kernel('k6aAccountOpen', {
  n: i32,
  asOfDay: i32,
  maxDays: f64,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  meanDays: inCol('f64'),
  outDay: outCol('i32'),
});

/** S3: each account's credentials (flags, card scheme, wallet network, months to expiry). */
export const k6aCredentials = kernel('k6aCredentials', {
  n: i32,
  expiryMax: i32,
  nWallet: i32,
  country: inCol('i32'),
  local: inCol('u32'),
  seg: inCol('i32'),
  kind: inCol('u8'),
  keys: inCol('u32'),
  countryRegion: inCol('i32'),
  pPhysKind: inCol('f64'),
  pVirtSeg: inCol('f64'),
  pWalletSeg: inCol('f64'),
  schemeOff: inCol('i32'),
  schemeProb: inCol('f64'),
  schemeAlias: inCol('i32'),
  schemeCode: inCol('i32'),
  walletProb: inCol('f64'),
  walletAlias: inCol('i32'),
  outFlags: outCol('u8'),
  outScheme: outCol('i32'),
  outWallet: outCol('i32'),
  outExpiry: outCol('i32'),
});

/** S3: Luhn-valid test-range card numbers from a BIN and a serial unique within it. */
export const k6aCardNumbers = kernel('k6aCardNumbers', { n: i32, bin: inCol('i32'), len: inCol('i32'), serial: inCol('u32'), outNumber: outCol('u64') });

/** S5 validation: 1 where a card's number has the wrong length, BIN or Luhn digit (len 0: not a card). */
export const k6aCardCheck = kernel('k6aCardCheck', { n: i32, number: inCol('u64'), bin: inCol('i32'), len: inCol('i32'), outBad: outCol('u8') });

/** S4: which RETAIL parties open a household. */
export const k6aHouseholdStarts = kernel('k6aHouseholdStarts', {
  n: i32,
  pStart: f64,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  isRetail: inCol('u8'),
  outStart: outCol('u8'),
});

/** S4: devices per party. */
export const k6aDeviceCounts = kernel('k6aDeviceCounts', {
  n: i32,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  ptype: inCol('i32'),
  seg: inCol('i32'),
  meanSeg: inCol('f64'),
  maxByType: inCol('i32'),
  outCount: outCol('u8'),
});

/** S4: each party's devices (type, OS, shared), at its offsets. */
export const k6aDeviceFill = kernel('k6aDeviceFill', {
  n: i32,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  ptype: inCol('i32'),
  off: inCol('i32'),
  firstType: inCol('i32'),
  mixOff: inCol('i32'),
  mixProb: inCol('f64'),
  mixAlias: inCol('i32'),
  mixCode: inCol('i32'),
  osOff: inCol('i32'),
  osProb: inCol('f64'),
  osAlias: inCol('i32'),
  osCode: inCol('i32'),
  shareP: inCol('f64'),
  outType: outCol('i32'),
  outOs: outCol('i32'),
  outShared: outCol('u8'),
});

/** S4: the accounts each device accesses (bit mask over its owner's first 32 accounts). */
export const k6aAccess = kernel('k6aAccess', {
  n: i32,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  dtype: inCol('i32'),
  nAcc: inCol('i32'),
  pAccess: inCol('f64'),
  outMask: outCol('u32'),
});

/** S4: each device's carrier, home Wi-Fi, public Wi-Fi and VPN choices. */
export const k6aDeviceIps = kernel('k6aDeviceIps', {
  n: i32,
  vpnPool: i32,
  pHome: f64,
  pWifi: f64,
  pVpn: f64,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  dtype: inCol('i32'),
  typeFlags: inCol('u8'),
  mobilePool: inCol('i32'),
  wifiPool: inCol('i32'),
  outMobile: outCol('i32'),
  outHome: outCol('u8'),
  outWifi: outCol('i32'),
  outVpn: outCol('i32'),
});

/** S5: each entity's risk score, tier and static role. */
export const k6aRoles = kernel('k6aRoles', {
  n: i32,
  noiseSd: f64,
  t1: f64,
  t2: f64,
  t3: f64,
  country: inCol('i32'),
  local: inCol('u32'),
  keys: inCol('u32'),
  base: inCol('f64'),
  group: inCol('i32'),
  mixOff: inCol('i32'),
  mixProb: inCol('f64'),
  mixAlias: inCol('i32'),
  mixCode: inCol('i32'),
  outScore: outCol('f64'),
  outTier: outCol('i32'),
  outRole: outCol('i32'),
});

/** S4: device links per device (owner or terminal, co-users, accessed accounts, wallet tokens). */
export const k6aDeviceLinkCounts = kernel('k6aDeviceLinkCounts', {
  n: i32,
  owner: inCol('i32'),
  outlet: inCol('i32'),
  shared: inCol('u8'),
  mask: inCol('u32'),
  tokOff: inCol('i32'),
  household: inCol('i32'),
  hSize: inCol('i32'),
  outCount: outCol('i32'),
});

/** S4: the device link rows of devices [first, first + n) (party, account, instrument −1 where none). */
export const k6aDeviceLinks = kernel('k6aDeviceLinks', {
  n: i32,
  first: i32,
  tokBase: i32,
  rTerminal: i32,
  rOwner: i32,
  rCoUser: i32,
  rAccount: i32,
  rToken: i32,
  owner: inCol('i32'),
  outlet: inCol('i32'),
  shared: inCol('u8'),
  mask: inCol('u32'),
  tokOff: inCol('i32'),
  tokList: inCol('i32'),
  household: inCol('i32'),
  hSize: inCol('i32'),
  hHead: inCol('i32'),
  accOff: inCol('i32'),
  outDev: outCol('i32'),
  outParty: outCol('i32'),
  outAcc: outCol('i32'),
  outIns: outCol('i32'),
  outRole: outCol('i32'),
});

/** S4: IP links per device (typical, recent home, public Wi-Fi, VPN). */
export const k6aIpLinkCounts = kernel('k6aIpLinkCounts', {
  n: i32,
  typical: inCol('i32'),
  recentHome: inCol('i32'),
  wifi: inCol('i32'),
  vpn: inCol('i32'),
  outCount: outCol('i32'),
});

/** S4: the IP link rows of devices [first, first + n). */
export const k6aIpLinks = kernel('k6aIpLinks', {
  n: i32,
  first: i32,
  rTypical: i32,
  rRecent: i32,
  rWifi: i32,
  typical: inCol('i32'),
  recentHome: inCol('i32'),
  wifi: inCol('i32'),
  vpn: inCol('i32'),
  outIp: outCol('i32'),
  outDev: outCol('i32'),
  outRole: outCol('i32'),
});

/** S3: the instruments of accounts [first, first + n) at their offsets (bank handle, cards, wallet token). */
export const k6aInstruments = kernel('k6aInstruments', {
  n: i32,
  first: i32,
  firstIns: i32,
  payout: i32,
  handle: i32,
  token: i32,
  walletBase: i32,
  debitKind: i32,
  flags: inCol('u8'),
  scheme: inCol('i32'),
  wallet: inCol('i32'),
  expiry: inCol('i32'),
  kind: inCol('u8'),
  settled: inCol('u8'),
  owner: inCol('i32'),
  partyRail: inCol('i32'),
  partyBiz: inCol('u8'),
  cardType: inCol('i32'),
  outAccount: outCol('i32'),
  outType: outCol('i32'),
  outScheme: outCol('i32'),
  outFunding: outCol('i32'),
  outExpiry: outCol('i32'),
});

/** S3: each instrument's brand tier and expiry month (cards and tokens), BIN and number length (cards). */
export const k6aCardProfile = kernel('k6aCardProfile', {
  n: i32,
  S: i32,
  C: i32,
  T: i32,
  type: inCol('i32'),
  account: inCol('i32'),
  scheme: inCol('i32'),
  expiry: inCol('i32'),
  accType: inCol('i32'),
  accOwner: inCol('i32'),
  partySeg: inCol('i32'),
  partyCountry: inCol('i32'),
  classOf: inCol('i32'),
  creditOf: inCol('i32'),
  tierOf: inCol('i32'),
  expiryMonth: inCol('i32'),
  bins: inCol('i32'),
  lenOf: inCol('i32'),
  outTier: outCol('i32'),
  outExpiryDay: outCol('i32'),
  outBin: outCol('i32'),
  outLen: outCol('i32'),
});

/** S4: each party's devices used and distinct IPs of those devices (a party range; −1 IPs: scratch too small). */
export const k6aNeighbourhoods = kernel('k6aNeighbourhoods', {
  n: i32,
  first: i32,
  q0: i32,
  maxIps: i32,
  devOff: inCol('i32'),
  household: inCol('i32'),
  hHead: inCol('i32'),
  hSize: inCol('i32'),
  shared: inCol('u8'),
  typical: inCol('i32'),
  recentHome: inCol('i32'),
  wifi: inCol('i32'),
  vpn: inCol('i32'),
  scratch: outCol('i32'),
  outDevices: outCol('i32'),
  outIps: outCol('i32'),
});
