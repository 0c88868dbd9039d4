// Segment 6A: its RNG families, shard sizes and the shape of what its states hand each other.
import type { Policies6A } from './policies.js';
import type { PlaceTables } from './kernels_ref.js';

/** Parties per kernel task. */
export const SHARD_PARTIES = 65_536;
/** Accounts (and other entities) per kernel task. */
export const SHARD_ACCOUNTS = 131_072;

export const FAMILIES = {
  /** per country: each party's home place, jitter and activity weight (counter window per party) */
  partyHome: '6A.party_home',
  /** per country: each party's hold decision and count per account type (one block per party × type) */
  accountCount: '6A.account_count',
  /** per country: each account's opening day (one block per account) */
  accountOpen: '6A.account_open',
  /** per country: each card-carrying account's cards, token, scheme, expiry and wallet network (3 blocks per account) */
  credentials: '6A.credentials',
  /** per country: whether a RETAIL party opens a household (one block per party) */
  household: '6A.household',
  /** per country: each party's devices: count, then type, OS and sharing per device (16 blocks per party) */
  devices: '6A.devices',
  /** per country: each device's account access (16 blocks per device) */
  access: '6A.device_access',
  /** per country: each device's carrier, home Wi-Fi, public Wi-Fi and VPN choices (3 blocks per device) */
  deviceIps: '6A.device_ips',
  /** per kind and country: each entity's score noise and role (2 blocks per entity) */
  roles: { party: '6A.role_party', account: '6A.role_account', merchant: '6A.role_merchant', device: '6A.role_device', ip: '6A.role_ip' },
} as const;

/** The world S1 builds: parties in (country, segment) cells, population first then merchant owners. */
export interface Parties6A {
  n: number;
  /** per party, codes into countries / segments */
  country: Int32Array;
  segment: Int32Array;
  /** per party: its index among the parties of its country (its substream window) */
  local: Uint32Array;
  /** per party: the owned merchant, 0 for the general population */
  ownedMerchant: BigUint64Array;
  countries: string[];
  /** region of each country */
  countryRegion: string[];
  segments: string[];
  segmentType: string[];
  /** the taxonomy's party types, in its order */
  partyTypes: string[];
  id: BigUint64Array;
  homeLat: Float64Array;
  homeLon: Float64Array;
  activity: Float64Array;
  /** per party: household index (RETAIL) or −1; per household: members and first member (the head, whose home the members share) */
  household: Int32Array;
  households: number;
  householdSize: Int32Array;
  householdHead: Int32Array;
  /** the place tables k6aParties drew homes from (S5 replays a sample with them) */
  places: PlaceTables;
  /** the population the sizing law asked for (before merchant owners) and what it was computed from */
  sizing: { weekly_arrivals: number; parties_from_demand: number; population: number; merchant_owners: number };
}

/** The world S2 builds: accounts in party order (types in taxonomy order, then a settlement account). */
export interface Accounts6A {
  n: number;
  /** account types: the drawn ones in taxonomy order, then the merchant settlement account */
  types: string[];
  /** per account: owner party index, type code, settled merchant (0: none), index in its country */
  owner: Int32Array;
  type: Int32Array;
  merchant: BigUint64Array;
  local: Uint32Array;
  id: BigUint64Array;
  /** days since 1970-01-01 */
  openedDay: Int32Array;
  /** ISO 4217 of each country's primary currency (world-countries), by country code */
  currencyOfCountry: string[];
  asOfDay: number;
}

/** The world S3 builds: instruments in account order (the bank handle, then cards, then a wallet token). */
export interface Instruments6A {
  n: number;
  /** instrument types (taxonomy order) and schemes (card networks, bank rails, wallet networks) */
  types: string[];
  schemes: string[];
  /** per instrument: account index, type and scheme codes, funding card (wallet tokens; −1 otherwise), months to expiry (cards, tokens) */
  account: Int32Array;
  type: Int32Array;
  scheme: Int32Array;
  funding: Int32Array;
  expiryMonths: Int32Array;
  id: BigUint64Array;
  asOfDay: number;
  /** cards and tokens: brand tier code (−1: none), expiry (first day of the month, days since 1970-01-01) */
  tier: Int32Array;
  expiryDay: Int32Array;
  /** cards: BIN and a Luhn-valid test-range number (0 for other instruments) */
  bin: Int32Array;
  cardNumber: BigInt64Array;
}

/** The world S4 builds: households, devices (each party's, then one terminal per physical outlet) and IPs. */
export interface Network6A {
  nDevices: number;
  /** devices [0, personalDevices) belong to parties in party order; the rest are terminals */
  personalDevices: number;
  deviceTypes: string[];
  /** per device: owner party index, outlet index (terminals; −1 otherwise), type and OS codes, shared flag */
  owner: Int32Array;
  outlet: Int32Array;
  dtype: Int32Array;
  os: Int32Array;
  shared: Uint8Array;
  /** per device: bit b = accesses its owner's account accOff[owner] + b */
  accessMask: Uint32Array;
  accOff: Int32Array;
  /** per party (n + 1): its personal devices are [devOff[i], devOff[i + 1]) */
  devOff: Int32Array;
  /** per party: household index (RETAIL) or −1 */
  household: Int32Array;
  households: number;
  householdSize: Int32Array;
  householdId: BigUint64Array;
  deviceId: BigUint64Array;
  nIps: number;
  ipTypes: string[];
  ipType: Int32Array;
  ipCountry: Int32Array;
  ipCountries: string[];
  ipId: BigUint64Array;
  /** per party: its corporate IP index (BUSINESS and OTHER) or −1 */
  corporateOf: Int32Array;
  /** per device: IP indices (−1: none) */
  typical: Int32Array;
  recentHome: Int32Array;
  wifiIp: Int32Array;
  vpnIp: Int32Array;
  pools: { mobile: Int32Array; wifi: Int32Array; vpn: number };
  /** per device: its index among its owner country's devices, and that country */
  local: Uint32Array;
  dCountry: Int32Array;
}

/** Entities replayed through the TypeScript reference by validation, per kind or state (evenly spaced over the index). */
export const REPLAY = 256;

/** One kind's S5 outcome, per entity in its base's order, and what validation's replay needs of a sample. */
export interface RoleSet {
  vocab: string[];
  groups: string[];
  tier: Int32Array;
  role: Int32Array;
  /**
   * Every step-th entity (step = max(1, ⌊n / REPLAY⌋)): its index, substream window (country code into
   * the kind's country list, index in it), group, base score and drawn score. The full columns are
   * dropped once drawn (at large they were a gigabyte).
   */
  sample: { at: Int32Array; country: Int32Array; local: Uint32Array; group: Int32Array; base: Float64Array; score: Float64Array };
}
export interface Roles6A {
  party: RoleSet;
  account: RoleSet;
  merchant: RoleSet;
  device: RoleSet;
  ip: RoleSet;
}

export interface World6A {
  p: Policies6A;
  parties: Parties6A;
}
