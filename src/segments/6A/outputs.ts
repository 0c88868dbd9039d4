// 6A publishing: each state's datasets through the segment's writer, in (country, segment) cell order.
import type { RunContext } from '../../engine/context.js';
import type { DictCol } from '../../io/tables.js';
import type { Policies6A } from './policies.js';
import type { Accounts6A, Instruments6A, Network6A, Parties6A, RoleSet, Roles6A } from './world.js';
import type { Inputs6A } from './inputs.js';
import { counts64, householdWindow, mapped } from './gather.js';
import { SharedCol, offsetsOf, sharedArray } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aDeviceLinkCounts, k6aDeviceLinks, k6aIpLinkCounts, k6aIpLinks, k6aNeighbourhoods } from '../../kernels/6A.js';
import type { Planned } from '../../io/tables.js';
import { col, ge0, map, mod, ne0, take, type Expr, type Source } from '../../io/take.js';

/** codes → a dictionary column over `dict` (no copy of the codes). */
const dictOf = (codes: Int32Array, dict: string[]): DictCol => ({ codes, dict });

/** Codes of each party's type and region (dictionaries: party types in taxonomy order, regions sorted). */
function partyCodes(w: Parties6A) {
  const types = w.partyTypes;
  const typeOfSeg = mapped(Int32Array, w.segmentType, (t) => types.indexOf(t));
  const regions = [...new Set(w.countryRegion)].sort();
  const regionOfCountry = mapped(Int32Array, w.countryRegion, (r) => regions.indexOf(r));
  return { types, typeOfSeg, regions, regionOfCountry };
}

/** A dictionary column planned from codes (an expression or a column of codes). */
const dictPlan = (codes: Expr | Int32Array, dict: string[], valid?: Expr): Planned => ({
  values: isCodes(codes) ? col(codes) : codes,
  dict,
  ...(valid ? { valid } : {}),
});
const isCodes = (x: Expr | Int32Array): x is Int32Array => x instanceof Int32Array;
const plan = (values: Expr | Source, valid?: Expr): Planned => ({
  values: (values as Expr).op ? (values as Expr) : col(values as Source),
  ...(valid ? { valid } : {}),
});

/** Devices per link kernel task (each task copies the per-party and per-household tables once). */
const SHARD_LINKS = 1 << 20;

/** Occupied keys of a dense count table, ascending, with their counts. */
function occupied(count: Float64Array | Int32Array): { keys: number[]; counts: BigInt64Array } {
  const keys: number[] = [];
  for (let k = 0; k < count.length; k++) if (count[k] > 0) keys.push(k);
  return { keys, counts: BigInt64Array.from(keys, (k) => BigInt(count[k])) };
}

/** S1: party base (upstream's columns), its cell summary, and our profile companion. Returns rows per dataset. */
export async function publishS1(ctx: RunContext, w: Parties6A): Promise<Record<string, number>> {
  const n = w.n;
  const S = w.segments.length;
  const { types, typeOfSeg, regions, regionOfCountry } = partyCodes(w);
  // cell counts in the base's own order
  const cell = new Int32Array(w.countries.length * S);
  for (let i = 0; i < n; i++) cell[w.country[i] * S + w.segment[i]]++;
  const { keys, counts } = occupied(cell);
  const summary = {
    country_iso: dictOf(
      mapped(Int32Array, keys, (k) => Math.floor(k / S)),
      w.countries,
    ),
    region_id: dictOf(
      mapped(Int32Array, keys, (k) => regionOfCountry[Math.floor(k / S)]),
      regions,
    ),
    party_type: dictOf(
      mapped(Int32Array, keys, (k) => typeOfSeg[k % S]),
      types,
    ),
    segment_id: dictOf(
      mapped(Int32Array, keys, (k) => k % S),
      w.segments,
    ),
    party_count: counts,
  };
  const [b, s, p] = await Promise.all([
    ctx.out.writePlanned(
      's1_party_base_6A',
      {
        party_id: plan(w.id),
        party_type: dictPlan(map(typeOfSeg, w.segment), types),
        segment_id: dictPlan(w.segment, w.segments),
        region_id: dictPlan(map(regionOfCountry, w.country), regions),
        country_iso: dictPlan(w.country, w.countries),
      },
      n,
    ),
    ctx.out.write('s1_party_summary_6A', summary),
    ctx.out.writePlanned(
      's1_party_profile_6A',
      {
        party_id: plan(w.id),
        home_lat: plan(w.homeLat),
        home_lon: plan(w.homeLon),
        activity_weight: plan(w.activity),
        owned_merchant_id: plan(w.ownedMerchant, ne0(w.ownedMerchant)),
      },
      n,
    ),
  ]);
  return { s1_party_base_6A: b.rows, s1_party_summary_6A: s.rows, s1_party_profile_6A: p.rows };
}

/** S2: account base, holdings, merchant accounts, summary, and our profile companion. */
export async function publishS2(ctx: RunContext, w: Parties6A, a: Accounts6A): Promise<Record<string, number>> {
  const { types: ptypes, typeOfSeg, regions, regionOfCountry } = partyCodes(w);
  const A = a.n;
  // the base's columns for every account, or for the accounts `rows`
  const cols = (rows?: Int32Array) => {
    const at = (src: Source) => (rows ? take(src, rows) : col(src));
    const owner = at(a.owner);
    return {
      account_id: plan(at(a.id)),
      owner_party_id: plan(take(w.id, owner)),
      account_type: dictPlan(at(a.type), a.types),
      party_type: dictPlan(map(typeOfSeg, take(w.segment, owner)), ptypes),
      segment_id: dictPlan(take(w.segment, owner), w.segments),
      region_id: dictPlan(map(regionOfCountry, take(w.country, owner)), regions),
      country_iso: dictPlan(take(w.country, owner), w.countries),
    };
  };
  let nSettled = 0;
  for (let r = 0; r < A; r++) if (a.merchant[r] !== 0n) nSettled++;
  const settled = sharedArray(Int32Array, nSettled);
  for (let r = 0, k = 0; r < A; r++) if (a.merchant[r] !== 0n) settled[k++] = r;
  // holdings: runs of (owner, type) in base order
  const hOwnerAll = sharedArray(Int32Array, A),
    hTypeAll = sharedArray(Int32Array, A),
    hCountAll = sharedArray(Int32Array, A);
  let H = 0;
  for (let r = 0; r < A; r++) {
    if (H > 0 && a.owner[r] === a.owner[r - 1] && hTypeAll[H - 1] === a.type[r]) hCountAll[H - 1]++;
    else {
      hOwnerAll[H] = a.owner[r];
      hTypeAll[H] = a.type[r];
      hCountAll[H++] = 1;
    }
  }
  // summary: (country, region, party type, account type) in country, then party type, then account type order
  const T = a.types.length;
  const P = ptypes.length;
  const cell = new Int32Array(w.countries.length * P * T);
  for (let r = 0; r < A; r++) {
    const o = a.owner[r];
    cell[(w.country[o] * P + typeOfSeg[w.segment[o]]) * T + a.type[r]]++;
  }
  const { keys, counts } = occupied(cell);
  const currencies = [...new Set(a.currencyOfCountry)].sort();
  const currencyOf = mapped(Int32Array, a.currencyOfCountry, (c) => currencies.indexOf(c));
  const cOf = (k: number) => Math.floor(k / (P * T));
  const results = await Promise.all([
    ctx.out.writePlanned('s2_account_base_6A', cols(), A),
    ctx.out.writePlanned(
      's2_party_product_holdings_6A',
      {
        owner_party_id: plan(take(w.id, hOwnerAll.subarray(0, H))),
        account_type: dictPlan(hTypeAll.subarray(0, H), a.types),
        account_count: plan(counts64(hCountAll.subarray(0, H))),
      },
      H,
    ),
    ctx.out.writePlanned('s2_merchant_account_base_6A', { ...cols(settled), merchant_id: plan(take(a.merchant, settled)) }, nSettled),
    ctx.out.write('s2_account_summary_6A', {
      country_iso: dictOf(Int32Array.from(keys, cOf), w.countries),
      region_id: dictOf(
        mapped(Int32Array, keys, (k) => regionOfCountry[cOf(k)]),
        regions,
      ),
      party_type: dictOf(
        mapped(Int32Array, keys, (k) => Math.floor(k / T) % P),
        ptypes,
      ),
      account_type: dictOf(
        mapped(Int32Array, keys, (k) => k % T),
        a.types,
      ),
      account_count: counts,
    }),
    ctx.out.writePlanned(
      's2_account_profile_6A',
      {
        account_id: plan(a.id),
        currency_iso: dictPlan(map(currencyOf, take(w.country, a.owner)), currencies),
        opened_date: plan(a.openedDay),
      },
      A,
    ),
  ]);
  const ids = ['s2_account_base_6A', 's2_party_product_holdings_6A', 's2_merchant_account_base_6A', 's2_account_summary_6A', 's2_account_profile_6A'];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}

/** S3: instrument base, account links, party holdings, summary, and our profile companion. */
export async function publishS3(ctx: RunContext, p: Policies6A, w: Parties6A, a: Accounts6A, ins: Instruments6A): Promise<Record<string, number>> {
  const I = ins.n;
  const accountId = take(a.id, ins.account);
  const type = dictPlan(ins.type, ins.types);
  const scheme = dictPlan(ins.scheme, ins.schemes);
  // holdings: per owner (contiguous), (type, scheme) counts in first-seen order
  const hOwnerAll = sharedArray(Int32Array, I),
    hTypeAll = sharedArray(Int32Array, I),
    hSchemeAll = sharedArray(Int32Array, I),
    hCountAll = sharedArray(Int32Array, I);
  let H = 0;
  for (let q = 0; q < I;) {
    const o = a.owner[ins.account[q]];
    const h0 = H;
    for (; q < I && a.owner[ins.account[q]] === o; q++) {
      // an owner's (type, scheme) pairs are few: a scan of its rows so far finds the pair's row
      const t = ins.type[q],
        sc = ins.scheme[q];
      let at = -1;
      for (let h = h0; h < H; h++) if (hTypeAll[h] === t && hSchemeAll[h] === sc) at = h;
      if (at >= 0) hCountAll[at]++;
      else {
        hOwnerAll[H] = o;
        hTypeAll[H] = t;
        hSchemeAll[H] = sc;
        hCountAll[H++] = 1;
      }
    }
  }
  const SC = ins.schemes.length;
  const cell = new Int32Array(ins.types.length * SC);
  for (let q = 0; q < I; q++) cell[ins.type[q] * SC + ins.scheme[q]]++;
  const { keys, counts } = occupied(cell);
  // profile: class, tier, BIN, card number, expiry, funding card (built by S3)
  const classes = ['CARD', 'TOKEN', 'BANK_ACCOUNT'];
  const itClass = ins.types.map((id) => classes.indexOf(p.taxonomy.instrument_types.find((x) => x.id === id)!.class));
  const hasNumber = ne0(ins.cardNumber);
  const hasTier = ge0(ins.tier);
  // tier codes −1 (none) … K−1, published as max(0, code) under a validity
  const tierCode = mapped(Int32Array, { length: p.taxonomy.brand_tiers.length + 1 }, (_, t) => Math.max(0, t - 1));
  const results = await Promise.all([
    ctx.out.writePlanned(
      's3_instrument_base_6A',
      { instrument_id: plan(ins.id), account_id: plan(accountId), owner_party_id: plan(take(w.id, take(a.owner, ins.account))), instrument_type: type, scheme },
      I,
    ),
    ctx.out.writePlanned('s3_account_instrument_links_6A', { account_id: plan(accountId), instrument_id: plan(ins.id), instrument_type: type, scheme }, I),
    ctx.out.writePlanned(
      's3_party_instrument_holdings_6A',
      {
        owner_party_id: plan(take(w.id, hOwnerAll.subarray(0, H))),
        instrument_type: dictPlan(hTypeAll.subarray(0, H), ins.types),
        scheme: dictPlan(hSchemeAll.subarray(0, H), ins.schemes),
        instrument_count: plan(counts64(hCountAll.subarray(0, H))),
      },
      H,
    ),
    ctx.out.write('s3_instrument_summary_6A', {
      instrument_type: dictOf(
        mapped(Int32Array, keys, (k) => Math.floor(k / SC)),
        ins.types,
      ),
      scheme: dictOf(
        mapped(Int32Array, keys, (k) => k % SC),
        ins.schemes,
      ),
      instrument_count: counts,
    }),
    ctx.out.writePlanned(
      's3_instrument_profile_6A',
      {
        instrument_id: plan(ins.id),
        instrument_class: dictPlan(map(itClass, ins.type), classes),
        brand_tier: dictPlan(map(tierCode, ins.tier, 1), p.taxonomy.brand_tiers, hasTier),
        bin6: plan(ins.bin, hasNumber),
        card_number: plan(ins.cardNumber, hasNumber),
        last4: plan(mod(10_000, ins.cardNumber), hasNumber),
        expiry_month: plan(ins.expiryDay, hasTier),
        funding_instrument_id: plan(take(ins.id, ins.funding), ge0(ins.funding)),
      },
      I,
    ),
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
  const regionOfCountry = mapped(Int32Array, w.countryRegion, (r) => regions.indexOf(r));
  // device links: per device its owner (or terminal) link, co-users, accounts, wallet tokens
  const roles = p.taxonomy.device_link_roles;
  const TERMINAL = roles.indexOf('MERCHANT_TERMINAL'),
    OWNER = roles.indexOf('PRIMARY_OWNER'),
    CO_USER = roles.indexOf('SECONDARY_USER'),
    ACCOUNT = roles.indexOf('ASSOCIATED_ACCOUNT_ACCESS'),
    TOKEN = roles.indexOf('ASSOCIATED_INSTRUMENT_ACCESS');
  // wallet tokens bind to their owner's first phone: tokens per device as offsets (CSR)
  const phone = net.deviceTypes.indexOf('MOBILE_PHONE');
  const firstPhone = new Int32Array(w.n).fill(-1);
  for (let d = net.personalDevices - 1; d >= 0; d--) if (net.dtype[d] === phone) firstPhone[net.owner[d]] = d;
  const tokenType = ins.types.indexOf('WALLET_DEVICE_TOKEN');
  const tokOff = sharedArray(Int32Array, D + 1);
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
  const tokList = sharedArray(Int32Array, tokOff[D]);
  {
    const fill = tokOff.slice(0, D);
    for (let q = 0; q < ins.n; q++) if (tokDev[q] >= 0) tokList[fill[tokDev[q]]++] = q;
  }
  // device links (k6aDeviceLinkCounts, then k6aDeviceLinks at each device's offset): tens of millions of rows at large
  const hFirst = w.householdHead;
  const dc = {
    owner: SharedCol.share('i32', net.owner),
    outlet: SharedCol.share('i32', net.outlet),
    shared: SharedCol.share('u8', net.shared),
    mask: SharedCol.share('u32', net.accessMask),
    tokOff: SharedCol.share('i32', tokOff),
    tokList: SharedCol.share('i32', tokList),
    household: SharedCol.share('i32', net.household),
    hSize: SharedCol.share('i32', net.householdSize),
    hHead: SharedCol.share('i32', hFirst),
    accOff: SharedCol.share('i32', net.accOff),
  };
  const perDevice = new SharedCol('i32', D);
  // what both link kernels read: the devices' own columns and the whole-world household tables
  const common = (s: number, e: number) => ({
    n: e - s,
    owner: dc.owner.in(s, e),
    outlet: dc.outlet.in(s, e),
    shared: dc.shared.in(s, e),
    mask: dc.mask.in(s, e),
    tokOff: dc.tokOff.in(s, e + 1),
    household: dc.household.all(),
    hSize: dc.hSize.all(),
  });
  await runShards(ctx.pool, D, SHARD_LINKS, ({ start: s, end: e }) => k6aDeviceLinkCounts.task({ ...common(s, e), outCount: perDevice.out(s, e) }));
  const linkOff = offsetsOf(perDevice.view() as Int32Array);
  const L = linkOff[D];
  const lc = {
    dev: new SharedCol('i32', L),
    party: new SharedCol('i32', L),
    acc: new SharedCol('i32', L),
    ins: new SharedCol('i32', L),
    role: new SharedCol('i32', L),
  };
  await runShards(ctx.pool, D, SHARD_LINKS, ({ start: s, end: e }) =>
    k6aDeviceLinks.task({
      ...common(s, e),
      first: s,
      tokBase: tokOff[s],
      rTerminal: TERMINAL,
      rOwner: OWNER,
      rCoUser: CO_USER,
      rAccount: ACCOUNT,
      rToken: TOKEN,
      tokList: dc.tokList.in(tokOff[s], tokOff[e]),
      hHead: dc.hHead.all(),
      accOff: dc.accOff.all(),
      outDev: lc.dev.out(linkOff[s], linkOff[e]),
      outParty: lc.party.out(linkOff[s], linkOff[e]),
      outAcc: lc.acc.out(linkOff[s], linkOff[e]),
      outIns: lc.ins.out(linkOff[s], linkOff[e]),
      outRole: lc.role.out(linkOff[s], linkOff[e]),
    }),
  );
  const lDev = lc.dev.view() as Int32Array,
    lParty = lc.party.view() as Int32Array,
    lAcc = lc.acc.view() as Int32Array,
    lIns = lc.ins.view() as Int32Array,
    lRole = lc.role.view() as Int32Array;
  // ip links: typical, recent home, public Wi-Fi, VPN (party: the device's primary owner)
  const iroles = p.taxonomy.ip_link_roles;
  const { typical, recentHome, wifiIp, vpnIp } = net;
  const ic = {
    typical: SharedCol.share('i32', typical),
    recentHome: SharedCol.share('i32', recentHome),
    wifi: SharedCol.share('i32', wifiIp),
    vpn: SharedCol.share('i32', vpnIp),
  };
  const ipsPerDevice = new SharedCol('i32', D);
  await runShards(ctx.pool, D, SHARD_LINKS, ({ start: s, end: e }) =>
    k6aIpLinkCounts.task({
      n: e - s,
      typical: ic.typical.in(s, e),
      recentHome: ic.recentHome.in(s, e),
      wifi: ic.wifi.in(s, e),
      vpn: ic.vpn.in(s, e),
      outCount: ipsPerDevice.out(s, e),
    }),
  );
  const ipOff = offsetsOf(ipsPerDevice.view() as Int32Array);
  const IL = ipOff[D];
  const il = { ip: new SharedCol('i32', IL), dev: new SharedCol('i32', IL), role: new SharedCol('i32', IL) };
  await runShards(ctx.pool, D, SHARD_LINKS, ({ start: s, end: e }) =>
    k6aIpLinks.task({
      n: e - s,
      first: s,
      rTypical: iroles.indexOf('TYPICAL_DEVICE_IP'),
      rRecent: iroles.indexOf('RECENT_LOGIN_IP'),
      rWifi: iroles.indexOf('SHARED_PUBLIC_WIFI'),
      typical: ic.typical.in(s, e),
      recentHome: ic.recentHome.in(s, e),
      wifi: ic.wifi.in(s, e),
      vpn: ic.vpn.in(s, e),
      outIp: il.ip.out(ipOff[s], ipOff[e]),
      outDev: il.dev.out(ipOff[s], ipOff[e]),
      outRole: il.role.out(ipOff[s], ipOff[e]),
    }),
  );
  const iIp = il.ip.view() as Int32Array,
    iDev = il.dev.view() as Int32Array,
    iRole = il.role.view() as Int32Array;
  // neighbourhoods (k6aNeighbourhoods): per party, the devices it uses (its own, and its household's shared
  // ones; not terminals) and the distinct IPs of those devices; a shard of parties reads its households' devices
  const devOff = net.devOff;
  const maxDevices = Math.max(...Object.values(p.devices.per_party).map((x) => x.max));
  const maxIps = 4 * maxDevices * p.devices.household.max_size;
  const nb = {
    devOff: SharedCol.share('i32', devOff),
    household: SharedCol.share('i32', net.household),
    shared: SharedCol.share('u8', net.shared),
  };
  const devCountC = new SharedCol('i32', w.n),
    ipCountC = new SharedCol('i32', w.n);
  await runShards(ctx.pool, w.n, SHARD_LINKS, ({ start: s, end: e }) => {
    const [q0, q1] = householdWindow(net.household, hFirst, net.householdSize, s, e);
    return k6aNeighbourhoods.task({
      n: e - s,
      first: s - q0,
      q0,
      maxIps,
      devOff: nb.devOff.in(q0, q1 + 1),
      household: nb.household.in(q0, q1),
      hHead: dc.hHead.all(),
      hSize: dc.hSize.all(),
      shared: nb.shared.in(devOff[q0], devOff[q1]),
      typical: ic.typical.in(devOff[q0], devOff[q1]),
      recentHome: ic.recentHome.in(devOff[q0], devOff[q1]),
      wifi: ic.wifi.in(devOff[q0], devOff[q1]),
      vpn: ic.vpn.in(devOff[q0], devOff[q1]),
      scratch: new SharedCol('i32', maxIps).out(0, maxIps),
      outDevices: devCountC.out(s, e),
      outIps: ipCountC.out(s, e),
    });
  });
  const devCount = devCountC.view() as Int32Array,
    ipCountN = ipCountC.view() as Int32Array;
  if (ipCountN.some((x) => x < 0)) throw new Error(`a party uses more than ${maxIps} IPs (devices.yaml caps allow at most that)`);
  const homeIp = sharedArray(Int32Array, w.n);
  for (let i = 0; i < w.n; i++) homeIp[i] = net.household[i] >= 0 ? net.household[i] : net.corporateOf[i];
  const os = p.taxonomy.os_families;
  const asnClasses = [...new Set(p.taxonomy.ip_types.map((x) => x.asn_class))].sort();
  const ownerCountry = take(w.country, net.owner);
  const hasOutlet = ge0(net.outlet);
  const results = await Promise.all([
    ctx.out.writePlanned(
      's4_device_base_6A',
      {
        device_id: plan(net.deviceId),
        device_type: dictPlan(net.dtype, net.deviceTypes),
        os_family: dictPlan(net.os, os),
        primary_party_id: plan(take(w.id, net.owner)),
        home_region_id: dictPlan(map(regionOfCountry, ownerCountry), regions),
        home_country_iso: dictPlan(ownerCountry, w.countries),
      },
      D,
    ),
    ctx.out.writePlanned(
      's4_ip_base_6A',
      {
        ip_id: plan(net.ipId),
        ip_type: dictPlan(net.ipType, net.ipTypes),
        asn_class: dictPlan(
          map(
            p.taxonomy.ip_types.map((t) => asnClasses.indexOf(t.asn_class)),
            net.ipType,
          ),
          asnClasses,
        ),
        country_iso: dictPlan(net.ipCountry, net.ipCountries),
      },
      net.nIps,
    ),
    ctx.out.writePlanned(
      's4_device_links_6A',
      {
        device_id: plan(take(net.deviceId, lDev)),
        party_id: plan(take(w.id, lParty), ge0(lParty)),
        account_id: plan(take(a.id, lAcc), ge0(lAcc)),
        instrument_id: plan(take(ins.id, lIns), ge0(lIns)),
        link_role: dictPlan(lRole, roles),
      },
      L,
    ),
    ctx.out.writePlanned(
      's4_ip_links_6A',
      {
        ip_id: plan(take(net.ipId, iIp)),
        device_id: plan(take(net.deviceId, iDev)),
        party_id: plan(take(w.id, take(net.owner, iDev))),
        link_role: dictPlan(iRole, iroles),
      },
      IL,
    ),
    ctx.out.writePlanned(
      's4_entity_neighbourhoods_6A',
      {
        party_id: plan(w.id),
        device_count: plan(counts64(devCount)),
        ip_count: plan(counts64(ipCountN)),
      },
      w.n,
    ),
    ctx.out.write('s4_network_summary_6A', {
      devices_total: BigInt64Array.of(BigInt(D)),
      ips_total: BigInt64Array.of(BigInt(net.nIps)),
      device_links_total: BigInt64Array.of(BigInt(L)),
      ip_links_total: BigInt64Array.of(BigInt(IL)),
    }),
    ctx.out.writePlanned(
      's4_device_profile_6A',
      {
        device_id: plan(net.deviceId),
        shared: plan(net.shared),
        merchant_id: plan(take(inp.outletMerchant, net.outlet), hasOutlet),
        outlet_country_iso: dictPlan(take(inp.outletCountry, net.outlet), inp.outletCountries, hasOutlet),
        site_order: plan(take(inp.outletSiteOrder, net.outlet), hasOutlet),
      },
      D,
    ),
    ctx.out.writePlanned(
      's4_party_household_6A',
      {
        party_id: plan(w.id),
        household_id: plan(take(net.householdId, net.household), ge0(net.household)),
        home_ip_id: plan(take(net.ipId, homeIp)),
      },
      w.n,
    ),
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
    [idName]: plan(ids),
    [roleName]: dictPlan(set.role, set.vocab),
    risk_tier: dictPlan(set.tier, tiers),
  });
  const results = await Promise.all([
    ctx.out.writePlanned('s5_party_fraud_roles_6A', cols(r.party, 'party_id', w.id, 'fraud_role_party'), r.party.role.length),
    ctx.out.writePlanned('s5_account_fraud_roles_6A', cols(r.account, 'account_id', a.id, 'fraud_role_account'), r.account.role.length),
    ctx.out.writePlanned('s5_merchant_fraud_roles_6A', cols(r.merchant, 'merchant_id', inp.merchant, 'fraud_role_merchant'), r.merchant.role.length),
    ctx.out.writePlanned('s5_device_fraud_roles_6A', cols(r.device, 'device_id', net.deviceId, 'fraud_role_device'), r.device.role.length),
    ctx.out.writePlanned('s5_ip_fraud_roles_6A', cols(r.ip, 'ip_id', net.ipId, 'fraud_role_ip'), r.ip.role.length),
  ]);
  const ids = ['s5_party_fraud_roles_6A', 's5_account_fraud_roles_6A', 's5_merchant_fraud_roles_6A', 's5_device_fraud_roles_6A', 's5_ip_fraud_roles_6A'];
  return Object.fromEntries(ids.map((id, k) => [id, results[k].rows]));
}
