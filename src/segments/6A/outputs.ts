// 6A publishing: each state's datasets through the segment's writer, in (country, segment) cell order.
import type { RunContext } from '../../engine/context.js';
import type { DictCol } from '../../io/tables.js';
import type { Policies6A } from './policies.js';
import type { Accounts6A, Instruments6A, Network6A, Parties6A, RoleSet, Roles6A } from './world.js';
import type { Inputs6A } from './inputs.js';
import { counts64, gather64, gather64Opt } from './gather.js';

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
      account_id: gather64(a.id, rows as Int32Array),
      owner_party_id: gather64(
        w.id,
        Int32Array.from(rows, (r) => a.owner[r]),
      ),
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
  const hOwnerAll = new Int32Array(A),
    hTypeAll = new Int32Array(A),
    hCountAll = new Int32Array(A);
  let H = 0;
  for (let r = 0; r < A; r++) {
    if (H > 0 && a.owner[r] === a.owner[r - 1] && hTypeAll[H - 1] === a.type[r]) hCountAll[H - 1]++;
    else {
      hOwnerAll[H] = a.owner[r];
      hTypeAll[H] = a.type[r];
      hCountAll[H++] = 1;
    }
  }
  const hOwner = gather64(w.id, hOwnerAll.subarray(0, H)),
    hType = hTypeAll.subarray(0, H),
    hCount = counts64(hCountAll.subarray(0, H));
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
      owner_party_id: hOwner,
      account_type: dictOf(hType, a.types),
      account_count: hCount,
    }),
    ctx.out.write('s2_merchant_account_base_6A', { ...cols(settled), merchant_id: gather64(a.merchant, settled) }),
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
  const accountId = gather64(a.id, ins.account);
  const ownerId = gather64(w.id, owner);
  const type = dictOf(ins.type, ins.types);
  const scheme = dictOf(ins.scheme, ins.schemes);
  // holdings: per owner (contiguous), (type, scheme) counts in first-seen order
  const hOwnerAll = new Int32Array(I),
    hTypeAll = new Int32Array(I),
    hSchemeAll = new Int32Array(I),
    hCountAll = new Int32Array(I);
  let H = 0;
  for (let q = 0; q < I;) {
    const o = owner[q];
    const h0 = H;
    for (; q < I && owner[q] === o; q++) {
      // an owner's (type, scheme) pairs are few: a scan of its rows so far finds the pair's row
      let at = -1;
      for (let h = h0; h < H; h++) if (hTypeAll[h] === ins.type[q] && hSchemeAll[h] === ins.scheme[q]) at = h;
      if (at >= 0) hCountAll[at]++;
      else {
        hOwnerAll[H] = o;
        hTypeAll[H] = ins.type[q];
        hSchemeAll[H] = ins.scheme[q];
        hCountAll[H++] = 1;
      }
    }
  }
  const hOwner = gather64(w.id, hOwnerAll.subarray(0, H)),
    hType = hTypeAll.subarray(0, H),
    hScheme = hSchemeAll.subarray(0, H),
    hCount = counts64(hCountAll.subarray(0, H));
  const sum = new Map<number, number>();
  for (let q = 0; q < I; q++) sum.set(ins.type[q] * 1024 + ins.scheme[q], (sum.get(ins.type[q] * 1024 + ins.scheme[q]) ?? 0) + 1);
  const keys = [...sum.keys()].sort((x, y) => x - y);
  // profile: class, tier, BIN, card number, expiry, funding card (built by S3)
  const classes = ['CARD', 'TOKEN', 'BANK_ACCOUNT'];
  const itClass = ins.types.map((id) => classes.indexOf(p.taxonomy.instrument_types.find((x) => x.id === id)!.class));
  const numValid = Uint8Array.from(ins.cardNumber, (x) => (x !== 0n ? 1 : 0));
  const tierValid = Uint8Array.from(ins.tier, (x) => (x >= 0 ? 1 : 0));
  const fundingValid = Uint8Array.from(ins.funding, (f) => (f >= 0 ? 1 : 0));
  const fundingId = gather64Opt(ins.id, ins.funding).values;
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
      owner_party_id: hOwner,
      instrument_type: dictOf(hType, ins.types),
      scheme: dictOf(hScheme, ins.schemes),
      instrument_count: hCount,
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
  // a household's members are consecutive parties: its first member and size
  const hFirst = new Int32Array(net.households).fill(-1);
  for (let i = w.n - 1; i >= 0; i--) if (net.household[i] >= 0) hFirst[net.household[i]] = i;
  // wallet tokens bind to their owner's first phone: tokens per device as offsets (CSR)
  const phone = net.deviceTypes.indexOf('MOBILE_PHONE');
  const firstPhone = new Int32Array(w.n).fill(-1);
  for (let d = net.personalDevices - 1; d >= 0; d--) if (net.dtype[d] === phone) firstPhone[net.owner[d]] = d;
  const tokenType = ins.types.indexOf('WALLET_DEVICE_TOKEN');
  const tokOff = new Int32Array(D + 1);
  const tokDev = new Int32Array(ins.n).fill(-1);
  for (let q = 0; q < ins.n; q++) {
    if (ins.type[q] !== tokenType) continue;
    const d = firstPhone[a.owner[ins.account[q]]];
    if (d >= 0) {
      tokDev[q] = d;
      tokOff[d + 1]++;
    }
  }
  for (let d = 0; d < D; d++) tokOff[d + 1] += tokOff[d];
  const tokList = new Int32Array(tokOff[D]);
  {
    const fill = tokOff.slice(0, D);
    for (let q = 0; q < ins.n; q++) if (tokDev[q] >= 0) tokList[fill[tokDev[q]]++] = q;
  }
  const popcount = (m: number) => {
    let c = 0;
    for (; m; m &= m - 1) c++;
    return c;
  };
  const coUsers = (d: number) => {
    const o = net.owner[d];
    const h = net.household[o];
    return net.shared[d] && h >= 0 ? net.householdSize[h] - 1 : 0;
  };
  // device links, counted first then filled (typed columns: tens of millions of rows at large)
  let L = 0;
  for (let d = 0; d < D; d++) L += net.outlet[d] >= 0 ? 1 : 1 + coUsers(d) + popcount(net.accessMask[d]) + tokOff[d + 1] - tokOff[d];
  const lDev = new Int32Array(L),
    lParty = new Int32Array(L).fill(-1),
    lAcc = new Int32Array(L).fill(-1),
    lIns = new Int32Array(L).fill(-1),
    lRole = new Int32Array(L);
  let k = 0;
  for (let d = 0; d < D; d++) {
    const o = net.owner[d];
    lDev[k] = d;
    lParty[k] = o;
    lRole[k++] = net.outlet[d] >= 0 ? R('MERCHANT_TERMINAL') : R('PRIMARY_OWNER');
    if (net.outlet[d] >= 0) continue;
    if (coUsers(d) > 0) {
      const h = net.household[o];
      for (let m = hFirst[h]; m < hFirst[h] + net.householdSize[h]; m++) {
        if (m === o) continue;
        lDev[k] = d;
        lParty[k] = m;
        lRole[k++] = R('SECONDARY_USER');
      }
    }
    const mask = net.accessMask[d];
    for (let b = 0; b < 32; b++) {
      if (!(mask & (2 ** b))) continue;
      lDev[k] = d;
      lAcc[k] = net.accOff[o] + b;
      lRole[k++] = R('ASSOCIATED_ACCOUNT_ACCESS');
    }
    for (let t = tokOff[d]; t < tokOff[d + 1]; t++) {
      lDev[k] = d;
      lIns[k] = tokList[t];
      lRole[k++] = R('ASSOCIATED_INSTRUMENT_ACCESS');
    }
  }
  const opt = (v: Int32Array, ids: BigUint64Array) => gather64Opt(ids, v);
  // ip links: typical, recent home, public Wi-Fi, VPN (party: the device's primary owner)
  const iroles = p.taxonomy.ip_link_roles;
  const ipsOfDevice = (d: number, out: number[]) => {
    out.length = 0;
    out.push(net.typical[d]);
    if (net.recentHome[d] >= 0 && net.recentHome[d] !== net.typical[d]) out.push(net.recentHome[d]);
    if (net.wifiIp[d] >= 0) out.push(net.wifiIp[d]);
    if (net.vpnIp[d] >= 0) out.push(net.vpnIp[d]);
    return out;
  };
  let IL = 0;
  const buf: number[] = [];
  for (let d = 0; d < D; d++) IL += ipsOfDevice(d, buf).length;
  const iIp = new Int32Array(IL),
    iDev = new Int32Array(IL),
    iRole = new Int32Array(IL);
  const roleOf = [
    iroles.indexOf('TYPICAL_DEVICE_IP'),
    iroles.indexOf('RECENT_LOGIN_IP'),
    iroles.indexOf('SHARED_PUBLIC_WIFI'),
    iroles.indexOf('RECENT_LOGIN_IP'),
  ];
  k = 0;
  for (let d = 0; d < D; d++) {
    const add = (ip: number, role: number) => {
      iIp[k] = ip;
      iDev[k] = d;
      iRole[k++] = role;
    };
    add(net.typical[d], roleOf[0]);
    if (net.recentHome[d] >= 0 && net.recentHome[d] !== net.typical[d]) add(net.recentHome[d], roleOf[1]);
    if (net.wifiIp[d] >= 0) add(net.wifiIp[d], roleOf[2]);
    if (net.vpnIp[d] >= 0) add(net.vpnIp[d], roleOf[3]);
  }
  // neighbourhoods: per party, the devices it uses (owner or co-user; not terminals) and the distinct IPs
  // of those devices, counted from sorted (party, ip) keys
  const devCount = new Int32Array(w.n);
  let pairs = 0;
  for (let q = 0; q < L; q++) {
    if (lParty[q] < 0 || lRole[q] === R('MERCHANT_TERMINAL')) continue;
    devCount[lParty[q]]++;
    pairs += ipsOfDevice(lDev[q], buf).length;
  }
  // key = party · nIps + ip, exact in a double while parties × IPs < 2^53 (30M parties × 300M IPs is 9·10^15)
  if (w.n * net.nIps >= 2 ** 53) throw new Error(`${w.n} parties × ${net.nIps} IPs do not fit exact (party, ip) keys`);
  const keys = new Float64Array(pairs);
  let pk = 0;
  for (let q = 0; q < L; q++) {
    if (lParty[q] < 0 || lRole[q] === R('MERCHANT_TERMINAL')) continue;
    for (const ip of ipsOfDevice(lDev[q], buf)) keys[pk++] = lParty[q] * net.nIps + ip;
  }
  keys.sort();
  const ipCountN = new Int32Array(w.n);
  for (let q = 0; q < pairs; q++) if (q === 0 || keys[q] !== keys[q - 1]) ipCountN[Math.floor(keys[q] / net.nIps)]++;
  const ipCount = counts64(ipCountN);
  const os = p.taxonomy.os_families;
  const asnClasses = [...new Set(p.taxonomy.ip_types.map((x) => x.asn_class))].sort();
  const results = await Promise.all([
    ctx.out.write('s4_device_base_6A', {
      device_id: net.deviceId,
      device_type: dictOf(net.dtype, net.deviceTypes),
      os_family: dictOf(net.os, os),
      primary_party_id: gather64(w.id, net.owner),
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
      device_id: gather64(net.deviceId, lDev),
      party_id: opt(lParty, w.id),
      account_id: opt(lAcc, a.id),
      instrument_id: opt(lIns, ins.id),
      link_role: dictOf(lRole, roles),
    }),
    ctx.out.write('s4_ip_links_6A', {
      ip_id: gather64(net.ipId, iIp),
      device_id: gather64(net.deviceId, iDev),
      party_id: gather64(
        w.id,
        Int32Array.from(iDev, (d) => net.owner[d]),
      ),
      link_role: dictOf(iRole, iroles),
    }),
    ctx.out.write('s4_entity_neighbourhoods_6A', {
      party_id: w.id,
      device_count: counts64(devCount),
      ip_count: ipCount,
    }),
    ctx.out.write('s4_network_summary_6A', {
      devices_total: BigInt64Array.of(BigInt(D)),
      ips_total: BigInt64Array.of(BigInt(net.nIps)),
      device_links_total: BigInt64Array.of(BigInt(L)),
      ip_links_total: BigInt64Array.of(BigInt(IL)),
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
        values: gather64Opt(net.householdId, net.household).values,
        valid: Uint8Array.from(net.household, (h) => (h >= 0 ? 1 : 0)),
      },
      home_ip_id: gather64(
        net.ipId,
        Int32Array.from(net.household, (h, i) => (h >= 0 ? h : net.corporateOf[i])),
      ),
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
