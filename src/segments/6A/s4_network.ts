// 6A.S4 devices and IPs for S1's households (RETAIL parties sharing a home: k6aHouseholdStarts), each party's devices
// (k6aDeviceCounts, k6aDeviceFill), one terminal per physical outlet, account access (k6aAccess), and every
// device's IP choices (k6aDeviceIps) over residential, corporate, carrier CGNAT, public Wi-Fi and VPN pools.
import type { RunContext } from '../../engine/context.js';
import { mapped } from './gather.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import { fm_exp } from '../../rng/fmath.js';
import { SharedCol, offsetsOf, sharedArray } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k6aAccess, k6aDeviceCounts, k6aDeviceFill, k6aDeviceIps, k6aIds } from '../../kernels/6A.js';
import type { Inputs6A } from './inputs.js';
import type { Policies6A } from './policies.js';
import { idRoundKeys } from '../../laws/ids.js';
import { FAMILIES, SHARD_ACCOUNTS, SHARD_PARTIES, type Accounts6A, type Instruments6A, type Network6A, type Parties6A } from './world.js';
import { DEVICE_BLOCKS } from './kernels_ref.js';
import { aliasTables } from './mix.js';

/** The device tables of the kernels: per segment mean devices, per party type max / first / mix, per device type OS mix, sharing, access, IP flags. */
export function deviceTables(p: Policies6A, segments: readonly string[]) {
  const d = p.devices;
  const types = p.taxonomy.device_types.map((x) => x.id);
  const ptypes = p.taxonomy.party_types;
  const segOf = (id: string) => p.taxonomy.segments.find((s) => s.id === id)!;
  const mix = aliasTables(
    ptypes.map((t) => d.type_mix[t] ?? {}),
    (k) => types.indexOf(k),
  );
  const os = aliasTables(
    types.map((t) => d.os_mix[t] ?? {}),
    (k) => p.taxonomy.os_families.indexOf(k),
  );
  return {
    types,
    meanSeg: mapped(Float64Array, segments, (s) => d.per_party[segOf(s).party_type].mean * fm_exp(d.digital_tilt * (segOf(s).digital - 0.5))),
    maxByType: mapped(Int32Array, ptypes, (t) => d.per_party[t].max),
    firstType: mapped(Int32Array, ptypes, (t) => types.indexOf(d.per_party[t].first)),
    mix,
    os,
    shareP: mapped(Float64Array, types, (t) => d.shared_p[t] ?? 0),
    pAccess: mapped(Float64Array, types, (t) => d.account_access[t] ?? 0),
    typeFlags: mapped(Uint8Array, p.taxonomy.device_types, (x) => (x.mobile ? 1 : 0) | (x.portable ? 2 : 0) | (x.personal ? 4 : 0)),
  };
}

export async function s4Network(
  ctx: RunContext,
  p: Policies6A,
  inp: Inputs6A,
  w: Parties6A,
  a: Accounts6A,
  ins: Instruments6A,
  trace: RngTrace,
): Promise<Network6A> {
  const n = w.n;
  const C = w.countries.length;
  const tabs = deviceTables(p, w.segments);
  const ptypeOf = mapped(Int32Array, w.segment, (s) => w.partyTypes.indexOf(w.segmentType[s]));
  const pc = { country: SharedCol.share('i32', w.country), local: SharedCol.share('u32', w.local), ptype: SharedCol.share('i32', ptypeOf) };

  // households were formed in S1 (their members share a home); S4 gives each a home IP and shared devices
  const household = w.household;
  const H = w.households;

  // devices per party, then each party's devices at its offsets
  const dk = SharedCol.share('u32', new FamilyKeys(ctx, FAMILIES.devices).forStrings(w.countries));
  const cntC = new SharedCol('u8', n);
  const t = {
    seg: SharedCol.share('i32', w.segment),
    meanSeg: SharedCol.share('f64', tabs.meanSeg),
    maxByType: SharedCol.share('i32', tabs.maxByType),
    firstType: SharedCol.share('i32', tabs.firstType),
    mixOff: SharedCol.share('i32', tabs.mix.off),
    mixProb: SharedCol.share('f64', tabs.mix.prob),
    mixAlias: SharedCol.share('i32', tabs.mix.alias),
    mixCode: SharedCol.share('i32', tabs.mix.code),
    osOff: SharedCol.share('i32', tabs.os.off),
    osProb: SharedCol.share('f64', tabs.os.prob),
    osAlias: SharedCol.share('i32', tabs.os.alias),
    osCode: SharedCol.share('i32', tabs.os.code),
    shareP: SharedCol.share('f64', tabs.shareP),
  };
  await runShards(ctx.pool, n, SHARD_PARTIES, ({ start: s, end: e }) =>
    k6aDeviceCounts.task({
      n: e - s,
      country: pc.country.in(s, e),
      local: pc.local.in(s, e),
      keys: dk.all(),
      ptype: pc.ptype.in(s, e),
      seg: t.seg.in(s, e),
      meanSeg: t.meanSeg.all(),
      maxByType: t.maxByType.all(),
      outCount: cntC.out(s, e),
    }),
  );
  const counts = cntC.view() as Uint8Array;
  const off = offsetsOf(counts);
  const P = off[n];
  // terminals: one per physical outlet, after the personal devices
  const ownerOf = new Map<bigint, number>();
  for (let i = 0; i < n; i++) if (w.ownedMerchant[i] !== 0n) ownerOf.set(w.ownedMerchant[i], i);
  const termOutlet: number[] = [];
  for (let o = 0; o < inp.outletMerchant.length; o++) if (!inp.outletVirtual[o]) termOutlet.push(o);
  const D = P + termOutlet.length;
  const typeC = new SharedCol('i32', D),
    osC = new SharedCol('i32', D),
    shC = new SharedCol('u8', D);
  const offL = SharedCol.share('i32', localOffsets(off, n, SHARD_PARTIES));
  await runShards(
    ctx.pool,
    n,
    SHARD_PARTIES,
    ({ start: s, end: e, k }) =>
      k6aDeviceFill.task({
        n: e - s,
        country: pc.country.in(s, e),
        local: pc.local.in(s, e),
        keys: dk.all(),
        ptype: pc.ptype.in(s, e),
        off: offL.in(s + k, e + k + 1),
        firstType: t.firstType.all(),
        mixOff: t.mixOff.all(),
        mixProb: t.mixProb.all(),
        mixAlias: t.mixAlias.all(),
        mixCode: t.mixCode.all(),
        osOff: t.osOff.all(),
        osProb: t.osProb.all(),
        osAlias: t.osAlias.all(),
        osCode: t.osCode.all(),
        shareP: t.shareP.all(),
        outType: typeC.out(off[s], off[e]),
        outOs: osC.out(off[s], off[e]),
        outShared: shC.out(off[s], off[e]),
      }),
    ctx.progress.stage('6A S4 devices', n, 'parties'),
  );
  // a party's window: 1 count draw + 3 per device, in ceil((1 + 3·count) / 2) blocks
  let deviceBlocks = 0;
  for (let i = 0; i < n; i++) deviceBlocks += Math.ceil((1 + 3 * counts[i]) / 2);
  trace.addTotals(FAMILIES.devices, C, n + 3 * P, deviceBlocks, n, DEVICE_BLOCKS);
  const dtype = typeC.view() as Int32Array,
    dos = osC.view() as Int32Array,
    shared = shC.view() as Uint8Array;
  const owner = sharedArray(Int32Array, D),
    outlet = sharedArray(Int32Array, D).fill(-1),
    dCountry = sharedArray(Int32Array, D),
    dLocal = sharedArray(Uint32Array, D);
  const perCountry = new Uint32Array(C);
  const terminal = tabs.types.indexOf('POS_TERMINAL'),
    embedded = p.taxonomy.os_families.indexOf('EMBEDDED');
  for (let i = 0; i < n; i++)
    for (let d = off[i]; d < off[i + 1]; d++) {
      owner[d] = i;
      dCountry[d] = w.country[i];
      dLocal[d] = perCountry[w.country[i]]++;
    }
  termOutlet.forEach((o, k) => {
    const d = P + k;
    const i = ownerOf.get(inp.outletMerchant[o])!;
    owner[d] = i;
    outlet[d] = o;
    dtype[d] = terminal;
    dos[d] = embedded;
    dCountry[d] = w.country[i];
    dLocal[d] = perCountry[w.country[i]]++;
  });

  // account access: each device of an access type against its owner's first 32 accounts (accounts are in owner order)
  const accOff = sharedArray(Int32Array, n + 1).fill(-1);
  {
    let r = 0;
    for (let i = 0; i < n; i++) {
      accOff[i] = r;
      while (r < a.n && a.owner[r] === i) r++;
    }
    accOff[n] = a.n;
  }
  const nAcc = mapped(Int32Array, owner, (i, d) => (d < P ? Math.min(32, accOff[i + 1] - accOff[i]) : 0));
  const dc = { country: SharedCol.share('i32', dCountry), local: SharedCol.share('u32', dLocal), type: SharedCol.share('i32', dtype) };
  const maskC = new SharedCol('u32', D);
  const ak = SharedCol.share('u32', new FamilyKeys(ctx, FAMILIES.access).forStrings(w.countries));
  const nAccC = SharedCol.share('i32', nAcc),
    pAccC = SharedCol.share('f64', tabs.pAccess);
  // IP pools: residential per household, corporate per BUSINESS/OTHER party, carrier and Wi-Fi per country, one VPN pool
  const ipd = p.ips;
  const mobileDev = new Float64Array(C),
    wifiDev = new Float64Array(C);
  let personal = 0;
  for (let d = 0; d < P; d++) {
    const f = tabs.typeFlags[dtype[d]];
    if (f & 1) mobileDev[dCountry[d]]++;
    if (f & 2) wifiDev[dCountry[d]]++;
    if (f & 4) personal++;
  }
  const mobilePool = mapped(Int32Array, mobileDev, (x) => Math.max(1, Math.ceil(x / ipd.mobile.devices_per_ip)));
  const wifiPool = mapped(Int32Array, wifiDev, (x) => Math.max(1, Math.ceil((x * ipd.public_wifi.p) / ipd.public_wifi.devices_per_ip)));
  const vpnPool = Math.max(1, Math.ceil((personal * ipd.vpn.p) / ipd.vpn.devices_per_ip));
  const mobC = new SharedCol('i32', D),
    homeC = new SharedCol('u8', D),
    wifiC = new SharedCol('i32', D),
    vpnC = new SharedCol('i32', D);
  const ik = SharedCol.share('u32', new FamilyKeys(ctx, FAMILIES.deviceIps).forStrings(w.countries));
  const flagsC = SharedCol.share('u8', tabs.typeFlags),
    mpC = SharedCol.share('i32', mobilePool),
    wpC = SharedCol.share('i32', wifiPool);
  await Promise.all([
    runShards(ctx.pool, D, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aAccess.task({
        n: e - s,
        country: dc.country.in(s, e),
        local: dc.local.in(s, e),
        keys: ak.all(),
        dtype: dc.type.in(s, e),
        nAcc: nAccC.in(s, e),
        pAccess: pAccC.all(),
        outMask: maskC.out(s, e),
      }),
    ),
    runShards(ctx.pool, D, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aDeviceIps.task({
        n: e - s,
        vpnPool,
        pHome: ipd.home_wifi_p,
        pWifi: ipd.public_wifi.p,
        pVpn: ipd.vpn.p,
        country: dc.country.in(s, e),
        local: dc.local.in(s, e),
        keys: ik.all(),
        dtype: dc.type.in(s, e),
        typeFlags: flagsC.all(),
        mobilePool: mpC.all(),
        wifiPool: wpC.all(),
        outMobile: mobC.out(s, e),
        outHome: homeC.out(s, e),
        outWifi: wifiC.out(s, e),
        outVpn: vpnC.out(s, e),
      }),
    ),
  ]);
  let accessDraws = 0,
    accessBlocks = 0;
  for (let d = 0; d < D; d++)
    if (tabs.pAccess[dtype[d]] > 0) {
      accessDraws += nAcc[d];
      accessBlocks += Math.ceil(nAcc[d] / 2);
    }
  trace.addTotals(FAMILIES.access, C, accessDraws, accessBlocks, D, 16);
  trace.addTotals(FAMILIES.deviceIps, C, 6 * personal, 3 * personal, personal, 3);

  // IP index layout: residential [0, H) | corporate | carrier pools by country | Wi-Fi pools by country | VPN pool
  const corporate = sharedArray(Int32Array, n).fill(-1);
  let ipN = H;
  for (let i = 0; i < n; i++) if (household[i] < 0) corporate[i] = ipN++; // every non-RETAIL party
  const mobileBase = new Int32Array(C + 1),
    wifiBase = new Int32Array(C + 1);
  mobileBase[0] = ipN;
  for (let c = 0; c < C; c++) mobileBase[c + 1] = mobileBase[c] + mobilePool[c];
  wifiBase[0] = mobileBase[C];
  for (let c = 0; c < C; c++) wifiBase[c + 1] = wifiBase[c] + wifiPool[c];
  const vpnBase = wifiBase[C];
  const I = vpnBase + vpnPool;
  const ipTypes = p.taxonomy.ip_types.map((x) => x.id);
  const ipType = sharedArray(Int32Array, I),
    ipCountry = sharedArray(Int32Array, I);
  const code = (id: string) => ipTypes.indexOf(id);
  for (let h = 0; h < H; h++) {
    ipType[h] = code('RESIDENTIAL');
    ipCountry[h] = w.country[w.householdHead[h]];
  }
  for (let i = 0; i < n; i++)
    if (corporate[i] >= 0) {
      ipType[corporate[i]] = code('CORPORATE');
      ipCountry[corporate[i]] = w.country[i];
    }
  for (let c = 0; c < C; c++) {
    for (let q = mobileBase[c]; q < mobileBase[c + 1]; q++) {
      ipType[q] = code('MOBILE');
      ipCountry[q] = c;
    }
    for (let q = wifiBase[c]; q < wifiBase[c + 1]; q++) {
      ipType[q] = code('PUBLIC_WIFI');
      ipCountry[q] = c;
    }
  }
  const hosting = ipd.vpn.hosting_countries;
  const extraCountries = hosting.filter((h) => !w.countries.includes(h));
  const countries = [...w.countries, ...extraCountries];
  for (let v = 0; v < vpnPool; v++) {
    ipType[vpnBase + v] = code('VPN_PROXY');
    ipCountry[vpnBase + v] = countries.indexOf(hosting[v % hosting.length]);
  }
  const homeOf = (i: number) => (household[i] >= 0 ? household[i] : corporate[i]);
  const mob = mobC.view() as Int32Array,
    home = homeC.view() as Uint8Array,
    wifi = wifiC.view() as Int32Array,
    vpn = vpnC.view() as Int32Array;
  const typical = mapped(Int32Array, owner, (i, d) => (mob[d] >= 0 ? mobileBase[dCountry[d]] + mob[d] : homeOf(i)));
  const recentHome = mapped(Int32Array, owner, (i, d) => (home[d] ? homeOf(i) : -1));
  const wifiIp = mapped(Int32Array, wifi, (x, d) => (x >= 0 ? wifiBase[dCountry[d]] + x : -1));
  const vpnIp = mapped(Int32Array, vpn, (x) => (x >= 0 ? vpnBase + x : -1));

  // ids
  const drk = idRoundKeys(ctx, 'device'),
    irk = idRoundKeys(ctx, 'ip'),
    hrk = idRoundKeys(ctx, 'household');
  const didC = new SharedCol('u64', D),
    iidC = new SharedCol('u64', I),
    hidC = new SharedCol('u64', H);
  await Promise.all([
    runShards(ctx.pool, H, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aIds.task({ n: e - s, first: s, r0: hrk[0], r1: hrk[1], r2: hrk[2], r3: hrk[3], outId: hidC.out(s, e) }),
    ),
    runShards(ctx.pool, D, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aIds.task({ n: e - s, first: s, r0: drk[0], r1: drk[1], r2: drk[2], r3: drk[3], outId: didC.out(s, e) }),
    ),
    runShards(ctx.pool, I, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aIds.task({ n: e - s, first: s, r0: irk[0], r1: irk[1], r2: irk[2], r3: irk[3], outId: iidC.out(s, e) }),
    ),
  ]);
  return {
    nDevices: D,
    personalDevices: P,
    deviceTypes: tabs.types,
    owner,
    outlet,
    dtype,
    os: dos,
    shared,
    accessMask: maskC.view() as Uint32Array,
    accOff,
    devOff: off,
    household,
    households: H,
    householdSize: w.householdSize,
    householdId: hidC.view() as BigUint64Array,
    corporateOf: corporate,
    deviceId: didC.view() as BigUint64Array,
    nIps: I,
    ipTypes,
    ipType,
    ipCountry,
    ipCountries: countries,
    ipId: iidC.view() as BigUint64Array,
    typical,
    recentHome,
    wifiIp,
    vpnIp,
    pools: { mobile: mobilePool, wifi: wifiPool, vpn: vpnPool },
    local: dLocal,
    dCountry,
  };
}
