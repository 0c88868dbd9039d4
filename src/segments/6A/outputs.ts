// 6A publishing: each state's datasets through the segment's writer, in (country, segment) cell order.
import type { RunContext } from '../../engine/context.js';
import type { DictCol } from '../../io/tables.js';
import type { Policies6A } from './policies.js';
import type { Accounts6A, Instruments6A, Network6A, Parties6A, RoleSet, Roles6A } from './world.js';
import type { Inputs6A } from './inputs.js';

/** codes → a dictionary column over `dict` (no copy of the codes). */
const dictOf = (codes: Int32Array, dict: string[]): DictCol => ({ codes, dict });

/** S1: party base (upstream's columns), its cell summary, and our profile companion. Returns rows per dataset. */
/** Codes of each party's type and region (dictionaries: party types in taxonomy order, regions sorted). */
function partyCodes(w: Parties6A) {
  const types = w.partyTypes;
  const typeOfSeg = Int32Array.from(w.segmentType, (t) => types.indexOf(t));
  const regions = [...new Set(w.countryRegion)].sort();
  const regionOfCountry = Int32Array.from(w.countryRegion, (r) => regions.indexOf(r));
  return { types, typeOfSeg, regions, regionOfCountry };
}

export async function publishS1(ctx: RunContext, w: Parties6A): Promise<Record<string, number>> {
  const n = w.n;
  const S = w.segments.length;
  const { types, typeOfSeg, regions, regionOfCountry } = partyCodes(w);
  const base = {
    party_id: w.id,
    party_type: dictOf(
      Int32Array.from(w.segment, (s) => typeOfSeg[s]),
      types,
    ),
    segment_id: dictOf(w.segment, w.segments),
    region_id: dictOf(
      Int32Array.from(w.country, (c) => regionOfCountry[c]),
      regions,
    ),
    country_iso: dictOf(w.country, w.countries),
  };
  // cell counts in the base's own order
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(w.country[i] * S + w.segment[i], (count.get(w.country[i] * S + w.segment[i]) ?? 0) + 1);
  const keys = [...count.keys()].sort((a, b) => a - b);
  const summary = {
    country_iso: dictOf(
      Int32Array.from(keys, (k) => Math.floor(k / S)),
      w.countries,
    ),
    region_id: dictOf(
      Int32Array.from(keys, (k) => regionOfCountry[Math.floor(k / S)]),
      regions,
    ),
    party_type: dictOf(
      Int32Array.from(keys, (k) => typeOfSeg[k % S]),
      types,
    ),
    segment_id: dictOf(
      Int32Array.from(keys, (k) => k % S),
      w.segments,
    ),
    party_count: BigInt64Array.from(keys, (k) => BigInt(count.get(k)!)),
  };
  const valid = Uint8Array.from(w.ownedMerchant, (m) => (m === 0n ? 0 : 1));
  const profile = {
    party_id: w.id,
    home_lat: w.homeLat,
    home_lon: w.homeLon,
    activity_weight: w.activity,
    owned_merchant_id: { values: w.ownedMerchant, valid },
  };
  const [b, s, p] = await Promise.all([
    ctx.out.write('s1_party_base_6A', base),
    ctx.out.write('s1_party_summary_6A', summary),
    ctx.out.write('s1_party_profile_6A', profile),
  ]);
  return { s1_party_base_6A: b.rows, s1_party_summary_6A: s.rows, s1_party_profile_6A: p.rows };
}

/** S2: account base, holdings, merchant accounts, summary, and our profile companion. */
export async function publishS2(ctx: RunContext, w: Parties6A, a: Accounts6A): Promise<Record<string, number>> {
  const { types: ptypes, typeOfSeg, regions, regionOfCountry } = partyCodes(w);
  const A = a.n;
  const ownerSeg = Int32Array.from(a.owner, (i) => w.segment[i]);
  const ownerCountry = Int32Array.from(a.owner, (i) => w.country[i]);
  const cols = (rows: ArrayLike<number>) => {
    const pick = <T extends Int32Array>(v: T) => Int32Array.from(rows, (r) => v[r]);
    return {
      account_id: BigUint64Array.from(rows, (r) => a.id[r]),
      owner_party_id: BigUint64Array.from(rows, (r) => w.id[a.owner[r]]),
      account_type: dictOf(pick(a.type), a.types),
      party_type: dictOf(
        Int32Array.from(rows, (r) => typeOfSeg[ownerSeg[r]]),
        ptypes,
      ),
      segment_id: dictOf(pick(ownerSeg), w.segments),
      region_id: dictOf(
        Int32Array.from(rows, (r) => regionOfCountry[ownerCountry[r]]),
        regions,
      ),
      country_iso: dictOf(pick(ownerCountry), w.countries),
    };
  };
  const all = Int32Array.from({ length: A }, (_, i) => i);
  const settled = all.filter((r) => a.merchant[r] !== 0n);
  // holdings: runs of (owner, type) in base order
  const hOwner: bigint[] = [],
    hType: number[] = [],
    hCount: bigint[] = [];
  for (let r = 0; r < A; r++) {
    const k = hOwner.length - 1;
    if (k >= 0 && hOwner[k] === w.id[a.owner[r]] && hType[k] === a.type[r]) hCount[k]++;
    else {
      hOwner.push(w.id[a.owner[r]]);
      hType.push(a.type[r]);
      hCount.push(1n);
    }
  }
  // summary: (country, region, party type, account type) in country, then party type, then account type order
  const T = a.types.length;
  const P = ptypes.length;
  const sum = new Map<number, number>();
  for (let r = 0; r < A; r++) {
    const k = (ownerCountry[r] * P + typeOfSeg[ownerSeg[r]]) * T + a.type[r];
    sum.set(k, (sum.get(k) ?? 0) + 1);
  }
  const keys = [...sum.keys()].sort((x, y) => x - y);
  const currencies = [...new Set(a.currencyOfCountry)].sort();
  const cOf = (k: number) => Math.floor(k / (P * T));
  const results = await Promise.all([
    ctx.out.write('s2_account_base_6A', cols(all)),
    ctx.out.write('s2_party_product_holdings_6A', {
      owner_party_id: BigUint64Array.from(hOwner),
      account_type: dictOf(Int32Array.from(hType), a.types),
      account_count: BigInt64Array.from(hCount),
    }),
    ctx.out.write('s2_merchant_account_base_6A', { ...cols(settled), merchant_id: BigUint64Array.from(settled, (r) => a.merchant[r]) }),
    ctx.out.write('s2_account_summary_6A', {
      country_iso: dictOf(Int32Array.from(keys, cOf), w.countries),
      region_id: dictOf(
        Int32Array.from(keys, (k) => regionOfCountry[cOf(k)]),
        regions,
      ),
      party_type: dictOf(
        Int32Array.from(keys, (k) => Math.floor(k / T) % P),
        ptypes,
      ),
      account_type: dictOf(
        Int32Array.from(keys, (k) => k % T),
        a.types,
      ),
      account_count: BigInt64Array.from(keys, (k) => BigInt(sum.get(k)!)),
    }),
    ctx.out.write('s2_account_profile_6A', {
      account_id: a.id,
      currency_iso: dictOf(
        Int32Array.from(ownerCountry, (c) => currencies.indexOf(a.currencyOfCountry[c])),
        currencies,
      ),
      opened_date: a.openedDay,
    }),
  ]);
  const ids = ['s2_account_base_6A', 's2_party_product_holdings_6A', 's2_merchant_account_base_6A', 's2_account_summary_6A', 's2_account_profile_6A'];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}

/** S3: instrument base, account links, party holdings, summary, and our profile companion. */
export async function publishS3(ctx: RunContext, p: Policies6A, w: Parties6A, a: Accounts6A, ins: Instruments6A): Promise<Record<string, number>> {
  const I = ins.n;
  const owner = Int32Array.from(ins.account, (r) => a.owner[r]);
  const accountId = BigUint64Array.from(ins.account, (r) => a.id[r]);
  const ownerId = BigUint64Array.from(owner, (i) => w.id[i]);
  const type = dictOf(ins.type, ins.types);
  const scheme = dictOf(ins.scheme, ins.schemes);
  // holdings: per owner (contiguous), (type, scheme) counts in first-seen order
  const hOwner: bigint[] = [],
    hType: number[] = [],
    hScheme: number[] = [],
    hCount: bigint[] = [];
  for (let q = 0; q < I;) {
    const o = owner[q];
    const seen = new Map<number, number>();
    for (; q < I && owner[q] === o; q++) {
      const key = ins.type[q] * 1024 + ins.scheme[q];
      const at = seen.get(key);
      if (at !== undefined) hCount[at]++;
      else {
        seen.set(key, hOwner.length);
        hOwner.push(w.id[o]);
        hType.push(ins.type[q]);
        hScheme.push(ins.scheme[q]);
        hCount.push(1n);
      }
    }
  }
  const sum = new Map<number, number>();
  for (let q = 0; q < I; q++) sum.set(ins.type[q] * 1024 + ins.scheme[q], (sum.get(ins.type[q] * 1024 + ins.scheme[q]) ?? 0) + 1);
  const keys = [...sum.keys()].sort((x, y) => x - y);
  // profile: class, tier, BIN, card number, expiry, funding card (built by S3)
  const classes = ['CARD', 'TOKEN', 'BANK_ACCOUNT'];
  const itClass = ins.types.map((id) => classes.indexOf(p.taxonomy.instrument_types.find((x) => x.id === id)!.class));
  const numValid = Uint8Array.from(ins.cardNumber, (x) => (x !== 0n ? 1 : 0));
  const tierValid = Uint8Array.from(ins.tier, (x) => (x >= 0 ? 1 : 0));
  const fundingValid = Uint8Array.from(ins.funding, (f) => (f >= 0 ? 1 : 0));
  const fundingId = BigUint64Array.from(ins.funding, (f) => (f >= 0 ? ins.id[f] : 0n));
  const last4 = Int32Array.from(ins.cardNumber, (x) => Number(x % 10000n));
  const tiers = p.taxonomy.brand_tiers;
  const tierCode = Int32Array.from(ins.tier, (x) => Math.max(0, x));
  const expiry = ins.expiryDay;
  const bin = ins.bin;
  const number = ins.cardNumber;
  const results = await Promise.all([
    ctx.out.write('s3_instrument_base_6A', { instrument_id: ins.id, account_id: accountId, owner_party_id: ownerId, instrument_type: type, scheme }),
    ctx.out.write('s3_account_instrument_links_6A', { account_id: accountId, instrument_id: ins.id, instrument_type: type, scheme }),
    ctx.out.write('s3_party_instrument_holdings_6A', {
      owner_party_id: BigUint64Array.from(hOwner),
      instrument_type: dictOf(Int32Array.from(hType), ins.types),
      scheme: dictOf(Int32Array.from(hScheme), ins.schemes),
      instrument_count: BigInt64Array.from(hCount),
    }),
    ctx.out.write('s3_instrument_summary_6A', {
      instrument_type: dictOf(
        Int32Array.from(keys, (k) => Math.floor(k / 1024)),
        ins.types,
      ),
      scheme: dictOf(
        Int32Array.from(keys, (k) => k % 1024),
        ins.schemes,
      ),
      instrument_count: BigInt64Array.from(keys, (k) => BigInt(sum.get(k)!)),
    }),
    ctx.out.write('s3_instrument_profile_6A', {
      instrument_id: ins.id,
      instrument_class: dictOf(
        Int32Array.from(ins.type, (t) => itClass[t]),
        classes,
      ),
      brand_tier: { codes: tierCode, dict: tiers, valid: tierValid },
      bin6: { values: bin, valid: numValid },
      card_number: { values: number, valid: numValid },
      last4: { values: last4, valid: numValid },
      expiry_month: { values: expiry, valid: tierValid },
      funding_instrument_id: { values: fundingId, valid: fundingValid },
    }),
  ]);
  const ids = [
    's3_instrument_base_6A',
    's3_account_instrument_links_6A',
    's3_party_instrument_holdings_6A',
    's3_instrument_summary_6A',
    's3_instrument_profile_6A',
  ];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}

/** S4: device and IP bases, their links, neighbourhoods, the network summary, and our companions. */
export async function publishS4(
  ctx: RunContext,
  p: Policies6A,
  w: Parties6A,
  a: Accounts6A,
  ins: Instruments6A,
  net: Network6A,
  inp: Inputs6A,
): Promise<Record<string, number>> {
  const D = net.nDevices;
  const regions = [...new Set(w.countryRegion)].sort();
  const regionOfCountry = Int32Array.from(w.countryRegion, (r) => regions.indexOf(r));
  const devOwnerCountry = Int32Array.from(net.owner, (i) => w.country[i]);
  // device links: per device its owner (or terminal) link, co-users, accounts, wallet tokens
  const roles = p.taxonomy.device_link_roles;
  const R = (id: string) => roles.indexOf(id);
  const members = new Map<number, number[]>();
  for (let i = 0; i < w.n; i++) if (net.household[i] >= 0) (members.get(net.household[i]) ?? members.set(net.household[i], []).get(net.household[i])!).push(i);
  // wallet tokens bind to their owner's first phone
  const phone = net.deviceTypes.indexOf('MOBILE_PHONE');
  const firstPhone = new Int32Array(w.n).fill(-1);
  for (let d = 0; d < net.personalDevices; d++) if (net.dtype[d] === phone && firstPhone[net.owner[d]] < 0) firstPhone[net.owner[d]] = d;
  const tokensOf = new Map<number, number[]>();
  const tokenType = ins.types.indexOf('WALLET_DEVICE_TOKEN');
  for (let q = 0; q < ins.n; q++) {
    if (ins.type[q] !== tokenType) continue;
    const d = firstPhone[a.owner[ins.account[q]]];
    if (d >= 0) (tokensOf.get(d) ?? tokensOf.set(d, []).get(d)!).push(q);
  }
  const lDev: number[] = [],
    lParty: number[] = [],
    lAcc: number[] = [],
    lIns: number[] = [],
    lRole: number[] = [];
  const link = (d: number, party: number, acc: number, instr: number, role: number) => {
    lDev.push(d);
    lParty.push(party);
    lAcc.push(acc);
    lIns.push(instr);
    lRole.push(role);
  };
  for (let d = 0; d < D; d++) {
    const o = net.owner[d];
    if (net.outlet[d] >= 0) {
      link(d, o, -1, -1, R('MERCHANT_TERMINAL'));
      continue;
    }
    link(d, o, -1, -1, R('PRIMARY_OWNER'));
    if (net.shared[d] && net.household[o] >= 0) for (const m of members.get(net.household[o])!) if (m !== o) link(d, m, -1, -1, R('SECONDARY_USER'));
    const mask = net.accessMask[d];
    for (let b = 0; b < 32; b++) if (mask & (2 ** b)) link(d, -1, net.accOff[o] + b, -1, R('ASSOCIATED_ACCOUNT_ACCESS'));
    for (const q of tokensOf.get(d) ?? []) link(d, -1, -1, q, R('ASSOCIATED_INSTRUMENT_ACCESS'));
  }
  const L = lDev.length;
  const opt = (v: number[], ids: BigUint64Array) => ({
    values: BigUint64Array.from(v, (x) => (x >= 0 ? ids[x] : 0n)),
    valid: Uint8Array.from(v, (x) => (x >= 0 ? 1 : 0)),
  });
  // ip links: typical, recent home, public Wi-Fi, VPN (party: the device's primary owner)
  const iroles = p.taxonomy.ip_link_roles;
  const iIp: number[] = [],
    iDev: number[] = [],
    iRole: number[] = [];
  for (let d = 0; d < D; d++) {
    const add = (ip: number, role: string) => {
      iIp.push(ip);
      iDev.push(d);
      iRole.push(iroles.indexOf(role));
    };
    add(net.typical[d], 'TYPICAL_DEVICE_IP');
    if (net.recentHome[d] >= 0 && net.recentHome[d] !== net.typical[d]) add(net.recentHome[d], 'RECENT_LOGIN_IP');
    if (net.wifiIp[d] >= 0) add(net.wifiIp[d], 'SHARED_PUBLIC_WIFI');
    if (net.vpnIp[d] >= 0) add(net.vpnIp[d], 'RECENT_LOGIN_IP');
  }
  // neighbourhoods: per party, devices it uses (owner or co-user) and the distinct IPs of those devices
  const devCount = new Int32Array(w.n);
  const ipsOf = new Map<number, Set<number>>();
  const ipsOfDevice = new Map<number, number[]>();
  iDev.forEach((d, k) => (ipsOfDevice.get(d) ?? ipsOfDevice.set(d, []).get(d)!).push(iIp[k]));
  for (let k = 0; k < L; k++) {
    if (lParty[k] < 0 || lRole[k] === R('MERCHANT_TERMINAL')) continue;
    devCount[lParty[k]]++;
    const s = ipsOf.get(lParty[k]) ?? ipsOf.set(lParty[k], new Set()).get(lParty[k])!;
    for (const ip of ipsOfDevice.get(lDev[k]) ?? []) s.add(ip);
  }
  const os = p.taxonomy.os_families;
  const asnClasses = [...new Set(p.taxonomy.ip_types.map((x) => x.asn_class))].sort();
  const results = await Promise.all([
    ctx.out.write('s4_device_base_6A', {
      device_id: net.deviceId,
      device_type: dictOf(net.dtype, net.deviceTypes),
      os_family: dictOf(net.os, os),
      primary_party_id: BigUint64Array.from(net.owner, (i) => w.id[i]),
      home_region_id: dictOf(
        Int32Array.from(devOwnerCountry, (c) => regionOfCountry[c]),
        regions,
      ),
      home_country_iso: dictOf(devOwnerCountry, w.countries),
    }),
    ctx.out.write('s4_ip_base_6A', {
      ip_id: net.ipId,
      ip_type: dictOf(net.ipType, net.ipTypes),
      asn_class: dictOf(
        Int32Array.from(net.ipType, (t) => asnClasses.indexOf(p.taxonomy.ip_types[t].asn_class)),
        asnClasses,
      ),
      country_iso: dictOf(net.ipCountry, net.ipCountries),
    }),
    ctx.out.write('s4_device_links_6A', {
      device_id: BigUint64Array.from(lDev, (d) => net.deviceId[d]),
      party_id: opt(lParty, w.id),
      account_id: opt(lAcc, a.id),
      instrument_id: opt(lIns, ins.id),
      link_role: dictOf(Int32Array.from(lRole), roles),
    }),
    ctx.out.write('s4_ip_links_6A', {
      ip_id: BigUint64Array.from(iIp, (q) => net.ipId[q]),
      device_id: BigUint64Array.from(iDev, (d) => net.deviceId[d]),
      party_id: BigUint64Array.from(iDev, (d) => w.id[net.owner[d]]),
      link_role: dictOf(Int32Array.from(iRole), iroles),
    }),
    ctx.out.write('s4_entity_neighbourhoods_6A', {
      party_id: w.id,
      device_count: BigInt64Array.from(devCount, (x) => BigInt(x)),
      ip_count: BigInt64Array.from({ length: w.n }, (_, i) => BigInt(ipsOf.get(i)?.size ?? 0)),
    }),
    ctx.out.write('s4_network_summary_6A', {
      devices_total: BigInt64Array.of(BigInt(D)),
      ips_total: BigInt64Array.of(BigInt(net.nIps)),
      device_links_total: BigInt64Array.of(BigInt(L)),
      ip_links_total: BigInt64Array.of(BigInt(iIp.length)),
    }),
    ctx.out.write('s4_device_profile_6A', {
      device_id: net.deviceId,
      shared: net.shared,
      merchant_id: {
        values: BigUint64Array.from(net.outlet, (o) => (o >= 0 ? inp.outletMerchant[o] : 0n)),
        valid: Uint8Array.from(net.outlet, (o) => (o >= 0 ? 1 : 0)),
      },
      outlet_country_iso: {
        ...dictOf(
          Int32Array.from(net.outlet, (o) => (o >= 0 ? inp.outletCountry[o] : 0)),
          inp.outletCountries,
        ),
        valid: Uint8Array.from(net.outlet, (o) => (o >= 0 ? 1 : 0)),
      },
      site_order: {
        values: Int32Array.from(net.outlet, (o) => (o >= 0 ? inp.outletSiteOrder[o] : 0)),
        valid: Uint8Array.from(net.outlet, (o) => (o >= 0 ? 1 : 0)),
      },
    }),
    ctx.out.write('s4_party_household_6A', {
      party_id: w.id,
      household_id: {
        values: BigUint64Array.from(net.household, (h) => (h >= 0 ? net.householdId[h] : 0n)),
        valid: Uint8Array.from(net.household, (h) => (h >= 0 ? 1 : 0)),
      },
      home_ip_id: BigUint64Array.from({ length: w.n }, (_, i) => net.ipId[net.household[i] >= 0 ? net.household[i] : net.corporateOf[i]]),
    }),
  ]);
  const ids = [
    's4_device_base_6A',
    's4_ip_base_6A',
    's4_device_links_6A',
    's4_ip_links_6A',
    's4_entity_neighbourhoods_6A',
    's4_network_summary_6A',
    's4_device_profile_6A',
    's4_party_household_6A',
  ];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}

/** S5: the five role tables (one row per entity of each base, in its order). */
export async function publishS5(
  ctx: RunContext,
  p: Policies6A,
  w: Parties6A,
  a: Accounts6A,
  net: Network6A,
  inp: Inputs6A,
  r: Roles6A,
): Promise<Record<string, number>> {
  const tiers = p.roles.tiers;
  const cols = (set: RoleSet, idName: string, ids: BigUint64Array, roleName: string) => ({
    [idName]: ids,
    [roleName]: dictOf(set.role, set.vocab),
    risk_tier: dictOf(set.tier, tiers),
  });
  const results = await Promise.all([
    ctx.out.write('s5_party_fraud_roles_6A', cols(r.party, 'party_id', w.id, 'fraud_role_party')),
    ctx.out.write('s5_account_fraud_roles_6A', cols(r.account, 'account_id', a.id, 'fraud_role_account')),
    ctx.out.write('s5_merchant_fraud_roles_6A', cols(r.merchant, 'merchant_id', inp.merchant, 'fraud_role_merchant')),
    ctx.out.write('s5_device_fraud_roles_6A', cols(r.device, 'device_id', net.deviceId, 'fraud_role_device')),
    ctx.out.write('s5_ip_fraud_roles_6A', cols(r.ip, 'ip_id', net.ipId, 'fraud_role_ip')),
  ]);
  const ids = ['s5_party_fraud_roles_6A', 's5_account_fraud_roles_6A', 's5_merchant_fraud_roles_6A', 's5_device_fraud_roles_6A', 's5_ip_fraud_roles_6A'];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}
