// What 6B.S1 reads from upstream (behind the gates its S0 verified) and the whole-world tables its attach
// kernel keeps resident in every worker: merchants (1A) and their outlets (1B sites, 6A terminals), 6A's
// payers in grid cells with alias tables by activity, their cards, devices and the devices' IPs. 6A rows
// are placed by the id law's inverse (k6bIndex), so no join of ids is needed.
import type { RunContext } from '../../engine/context.js';
import { readTable, sealedParquet } from '../../io/reader.js';
import { numericColumn, stringColumn } from '../../io/arrow_columns.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { asciiCompare } from '../../core/hash.js';
import { idRoundKeys } from '../../laws/ids.js';
import { aliasBuild } from '../../rng/alias.js';
import { SharedCol, offsetsOf, sharedArray } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6bActive, k6bIndex } from '../../kernels/6B.js';
import { FamilyKeys } from '../../rng/keys.js';
import type { AttachTables } from './kernels_ref.js';
import type { Policies6B } from './policies.js';

export interface Inputs6B {
  tables: AttachTables;
  /** country index → ISO code (the attach tables' country order) */
  countries: string[];
  /** 5B arrival parts (absolute paths, part order) */
  arrivalParts: string[];
  stats: { parties: number; payers: number; cells: number; cards: number; devices: number; sites: number; terminals: number };
}

const SHARD = 1 << 20;
const TERMINAL = 'POS_TERMINAL';
const TYPICAL = 'TYPICAL_DEVICE_IP';

/** Dense indices of one kind's ids (k6bIndex on the pool); refuses ids outside [0, n). */
async function indices(ctx: RunContext, ids: BigUint64Array, kind: string, n: number, where: string): Promise<Int32Array> {
  const rk = idRoundKeys(ctx, kind);
  const idC = SharedCol.share('u64', ids);
  const out = new SharedCol('i32', ids.length);
  await runShards(ctx.pool, ids.length, SHARD, ({ start: s, end: e }) =>
    k6bIndex.task({ n: e - s, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], id: idC.in(s, e), outIndex: out.out(s, e) }),
  );
  const idx = out.view() as Int32Array;
  for (let i = 0; i < idx.length; i++)
    if (idx[i] < 0 || idx[i] >= n)
      fail(ErrorCodes.VALIDATION_FAILED, `${kind} id ${ids[i]} is not one of 6A's ${n} ${kind}s`, where, 'rebuild 6A (fraudworld run --until 6A)');
  return idx;
}

/** The first position of a sorted array whose value is not below `x`. */
function lowerBound<T extends number | bigint>(a: ArrayLike<T>, x: T): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export async function readInputs6B(ctx: RunContext, p: Policies6B, scenario: string): Promise<Inputs6B> {
  const pol = p.attachment;
  const [mu, pb, pp, ib, db, dp, il, sl] = await Promise.all([
    readTable(ctx, 'merchant_universe_1A', { columns: ['merchant_id', 'mcc'] }),
    readTable(ctx, 's1_party_base_6A', { columns: ['party_id', 'country_iso'] }),
    readTable(ctx, 's1_party_profile_6A', { columns: ['party_id', 'home_lat', 'home_lon', 'activity_weight'] }),
    readTable(ctx, 's3_instrument_base_6A', { columns: ['instrument_id', 'account_id', 'owner_party_id', 'instrument_type'] }),
    readTable(ctx, 's4_device_base_6A', { columns: ['device_id', 'device_type', 'primary_party_id'] }),
    readTable(ctx, 's4_device_profile_6A', { columns: ['device_id', 'merchant_id', 'outlet_country_iso', 'site_order'], where: 'merchant_id IS NOT NULL' }),
    readTable(ctx, 's4_ip_links_6A', { columns: ['ip_id', 'device_id', 'link_role'] }),
    readTable(ctx, 'site_locations', { columns: ['merchant_id', 'legal_country_iso', 'site_order', 'lat_deg', 'lon_deg'] }),
  ]);
  const arrivalParts = await sealedParquet(ctx, 'arrival_events_5B', { scenario_id: scenario });

  // merchants: 1A ids ascending; ATM merchants by MCC
  const mIds = numericColumn(mu, 'merchant_id', 'merchant_universe_1A', BigUint64Array);
  const mMcc = numericColumn(mu, 'mcc', 'merchant_universe_1A', Int32Array);
  const order = Int32Array.from(mIds.keys()).sort((a, b) => (mIds[a] < mIds[b] ? -1 : mIds[a] > mIds[b] ? 1 : 0));
  const M = order.length;
  const merchIds = sharedArray(BigUint64Array, M);
  const merchAtm = sharedArray(Uint8Array, M);
  const atm = new Set(pol.atm_mcc);
  order.forEach((r, m) => {
    merchIds[m] = mIds[r];
    merchAtm[m] = atm.has(mMcc[r]) ? 1 : 0;
  });
  const merchantIndex = (id: bigint): number => {
    const lo = lowerBound(merchIds, id);
    return lo < M && merchIds[lo] === id ? lo : -1;
  };

  // parties by index: country, home, activity
  const P = pb.numRows;
  const pIdx = await indices(ctx, numericColumn(pb, 'party_id', 's1_party_base_6A', BigUint64Array), 'party', P, 's1_party_base_6A');
  const pc = stringColumn(pb, 'country_iso', 's1_party_base_6A');
  const sc = stringColumn(sl, 'legal_country_iso', 'site_locations');
  const countries = [...new Set([...pc.dict, ...sc.dict])].sort(asciiCompare);
  const cOf = new Map(countries.map((c, i) => [c, i]));
  const partyCountry = sharedArray(Int32Array, P);
  const pcMap = Int32Array.from(pc.dict, (c) => cOf.get(c)!);
  for (let r = 0; r < P; r++) partyCountry[pIdx[r]] = pcMap[pc.codes[r]];
  const ppIdx = await indices(ctx, numericColumn(pp, 'party_id', 's1_party_profile_6A', BigUint64Array), 'party', P, 's1_party_profile_6A');
  const lat = new Float64Array(P),
    lon = new Float64Array(P),
    act = new Float64Array(P);
  {
    const la = numericColumn(pp, 'home_lat', 's1_party_profile_6A', Float64Array);
    const lo = numericColumn(pp, 'home_lon', 's1_party_profile_6A', Float64Array);
    const ac = numericColumn(pp, 'activity_weight', 's1_party_profile_6A', Float64Array);
    for (let r = 0; r < ppIdx.length; r++) {
      lat[ppIdx[r]] = la[r];
      lon[ppIdx[r]] = lo[r];
      act[ppIdx[r]] = ac[r];
    }
  }

  // cards and tokens allowed on some channel, by instrument index, grouped by owner
  const I = ib.numRows;
  const iIdx = await indices(ctx, numericColumn(ib, 'instrument_id', 's3_instrument_base_6A', BigUint64Array), 'instrument', I, 's3_instrument_base_6A');
  const aIdxRaw = numericColumn(ib, 'account_id', 's3_instrument_base_6A', BigUint64Array);
  const iAcct = await indices(ctx, aIdxRaw, 'account', 2 ** 31 - 1, 's3_instrument_base_6A');
  const iOwner = await indices(ctx, numericColumn(ib, 'owner_party_id', 's3_instrument_base_6A', BigUint64Array), 'party', P, 's3_instrument_base_6A');
  const it = stringColumn(ib, 'instrument_type', 's3_instrument_base_6A');
  const bits = { POS: 1, ATM: 2, ECOM: 4 } as const;
  const typeMask = Uint8Array.from(it.dict, (t) =>
    (Object.keys(bits) as (keyof typeof bits)[]).reduce((m, ch) => (pol.card_types[ch].includes(t) ? m | bits[ch] : m), 0),
  );
  for (const ch of Object.keys(bits) as (keyof typeof bits)[])
    for (const t of pol.card_types[ch])
      if (!it.dict.includes(t))
        fail(
          ErrorCodes.CONFIG_SCHEMA_VIOLATION,
          `card type ${t} is not an instrument type of 6A`,
          `config/layer3/6B/attachment.yaml: card_types.${ch}`,
          `use types of s3_instrument_base_6A: ${it.dict.join(', ')}`,
        );
  const byIndex = new Int32Array(I).fill(-1); // instrument index → row
  for (let r = 0; r < I; r++) if (typeMask[it.codes[r]]) byIndex[iIdx[r]] = r;
  const cardCount = new Int32Array(P);
  for (let r = 0; r < I; r++) if (typeMask[it.codes[r]]) cardCount[iOwner[r]]++;

  // devices by index: a party's own (not terminals), in index order; terminals by outlet
  const D = db.numRows;
  const dIdx = await indices(ctx, numericColumn(db, 'device_id', 's4_device_base_6A', BigUint64Array), 'device', D, 's4_device_base_6A');
  const dt = stringColumn(db, 'device_type', 's4_device_base_6A');
  // IPs: CSR by device, the typical IP first, then the others in file order
  const L = il.numRows;
  const lDev = await indices(ctx, numericColumn(il, 'device_id', 's4_ip_links_6A', BigUint64Array), 'device', D, 's4_ip_links_6A');
  const lIp = await indices(ctx, numericColumn(il, 'ip_id', 's4_ip_links_6A', BigUint64Array), 'ip', 2 ** 31 - 1, 's4_ip_links_6A');
  const lr = stringColumn(il, 'link_role', 's4_ip_links_6A');
  const typCode = lr.dict.indexOf(TYPICAL);
  const ipCount = new Int32Array(D);
  for (let r = 0; r < L; r++) ipCount[lDev[r]]++;
  const ipOff = offsetsOf(ipCount);
  const ipList = sharedArray(Int32Array, L);
  {
    const fill = ipOff.slice(0, D);
    for (let pass = 0; pass < 2; pass++) for (let r = 0; r < L; r++) if ((lr.codes[r] === typCode) === (pass === 0)) ipList[fill[lDev[r]]++] = lIp[r];
  }

  const dOwnerRow = await indices(ctx, numericColumn(db, 'primary_party_id', 's4_device_base_6A', BigUint64Array), 'party', P, 's4_device_base_6A');
  // a device without an IP cannot pay online: only devices with one count as the party's
  const termCode = dt.dict.indexOf(TERMINAL);
  const devOwner = new Int32Array(D).fill(-1);
  for (let r = 0; r < D; r++) if (dt.codes[r] !== termCode && ipCount[dIdx[r]] > 0) devOwner[dIdx[r]] = dOwnerRow[r];
  const devCount = new Int32Array(P);
  for (let d = 0; d < D; d++) if (devOwner[d] >= 0) devCount[devOwner[d]]++;

  // who pays in the scenario: one uniform per party (6A sized its population with the same share)
  const [ak0, ak1] = new FamilyKeys(ctx, '6B.active').forString('party');
  const activeC = new SharedCol('u8', P);
  await runShards(ctx.pool, P, SHARD, ({ start: s, end: e }) =>
    k6bActive.task({ n: e - s, first: s, k0: ak0, k1: ak1, pActive: pol.active_share, outActive: activeC.out(s, e) }),
  );
  const active = activeC.view() as Uint8Array;

  // payers: active, a card of some channel and a device; cells of the grid by home
  const deg = pol.cell_degrees;
  const LATS = Math.ceil(180 / deg) + 2,
    LONS = Math.ceil(360 / deg) + 2;
  const cellKey = (c: number, la: number, lo: number) => (c * LATS + Math.floor((la + 90) / deg)) * LONS + Math.floor((lo + 180) / deg);
  const keyOf = new Float64Array(P).fill(-1);
  const keys = new Map<number, number>();
  let payers = 0;
  for (let i = 0; i < P; i++) {
    if (!active[i] || cardCount[i] === 0 || devCount[i] === 0 || !(act[i] > 0)) continue;
    const k = cellKey(partyCountry[i], lat[i], lon[i]);
    keyOf[i] = k;
    keys.set(k, (keys.get(k) ?? 0) + 1);
    payers++;
  }
  if (payers === 0)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      'no 6A party holds a card of config/layer3/6B/attachment.yaml card_types and a device',
      's1_party_base_6A',
      'rebuild 6A or widen card_types',
    );
  const cellKeys = [...keys.keys()].sort((a, b) => a - b);
  const G = cellKeys.length;
  const cellOfKey = new Map(cellKeys.map((k, g) => [k, g]));
  const cellOff = offsetsOf(Int32Array.from(cellKeys, (k) => keys.get(k)!));
  const cellParty = sharedArray(Int32Array, payers);
  {
    const fill = cellOff.slice(0, G);
    for (let i = 0; i < P; i++) if (keyOf[i] >= 0) cellParty[fill[cellOfKey.get(keyOf[i])!]++] = i;
  }
  const cellProb = sharedArray(Float64Array, payers),
    cellAlias = sharedArray(Int32Array, payers);
  const cellMass = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const w = Float64Array.from(cellParty.subarray(cellOff[g], cellOff[g + 1]), (i) => Math.min(act[i], pol.activity_cap));
    aliasBuild(w, cellProb.subarray(cellOff[g], cellOff[g + 1]), cellAlias.subarray(cellOff[g], cellOff[g + 1]));
    for (const x of w) cellMass[g] += x;
  }
  const C = countries.length;
  const cellCountry = Int32Array.from(cellKeys, (k) => Math.floor(k / (LATS * LONS)));
  const cc = sharedArray(Int32Array, C + 1);
  for (const c of cellCountry) cc[c + 1]++;
  for (let c = 0; c < C; c++) cc[c + 1] += cc[c];
  const ccProb = sharedArray(Float64Array, G),
    ccAlias = sharedArray(Int32Array, G);
  const countryMass = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    if (cc[c + 1] === cc[c]) continue;
    aliasBuild(cellMass.subarray(cc[c], cc[c + 1]), ccProb.subarray(cc[c], cc[c + 1]), ccAlias.subarray(cc[c], cc[c + 1]));
    for (let g = cc[c]; g < cc[c + 1]; g++) countryMass[c] += cellMass[g];
  }
  const cProb = sharedArray(Float64Array, C),
    cAlias = sharedArray(Int32Array, C);
  aliasBuild(countryMass, cProb, cAlias);

  // cards: CSR by party in instrument index order
  const cardOff = offsetsOf(cardCount);
  const K = cardOff[P];
  const cardInst = sharedArray(Int32Array, K),
    cardAcct = sharedArray(Int32Array, K),
    cardMask = sharedArray(Uint8Array, K);
  {
    const fill = cardOff.slice(0, P);
    for (let q = 0; q < I; q++) {
      const r = byIndex[q];
      if (r < 0) continue;
      const k = fill[iOwner[r]]++;
      cardInst[k] = q;
      cardAcct[k] = iAcct[r];
      cardMask[k] = typeMask[it.codes[r]];
    }
  }
  // devices: CSR by party in device index order (the first is the party's primary)
  const devOff = offsetsOf(devCount);
  const devList = sharedArray(Int32Array, devOff[P]);
  {
    const fill = devOff.slice(0, P);
    for (let d = 0; d < D; d++) if (devOwner[d] >= 0) devList[fill[devOwner[d]]++] = d;
  }
  // outlets: by (merchant, country, site_order); each with its grid cell (if it has payers) and terminal
  const S = sl.numRows;
  const sm = numericColumn(sl, 'merchant_id', 'site_locations', BigUint64Array);
  const so = numericColumn(sl, 'site_order', 'site_locations', Int32Array);
  const sla = numericColumn(sl, 'lat_deg', 'site_locations', Float64Array);
  const slo = numericColumn(sl, 'lon_deg', 'site_locations', Float64Array);
  const scMap = Int32Array.from(sc.dict, (c) => cOf.get(c)!);
  const comp = (m: number, c: number, o: number) => (m * 256 + c) * 2 ** 24 + o;
  const sKey = new Float64Array(S);
  for (let r = 0; r < S; r++) {
    const m = merchantIndex(sm[r]);
    if (m < 0) fail(ErrorCodes.VALIDATION_FAILED, `site of unknown merchant ${sm[r]}`, 'site_locations', 'rebuild from 1A');
    sKey[r] = comp(m, scMap[sc.codes[r]], so[r]);
  }
  if (C > 256) fail(ErrorCodes.INTERNAL, `${C} countries: the outlet key holds 256`);
  const sOrder = Int32Array.from(sKey.keys()).sort((a, b) => sKey[a] - sKey[b]);
  const sortedKey = Float64Array.from(sOrder, (r) => sKey[r]);
  const siteOff = sharedArray(Int32Array, M + 1),
    siteCountry = sharedArray(Int32Array, S),
    siteOrders = sharedArray(Int32Array, S),
    siteCell = sharedArray(Int32Array, S),
    siteTerm = sharedArray(Int32Array, S).fill(-1);
  sOrder.forEach((r, q) => {
    const c = scMap[sc.codes[r]];
    siteOff[Math.floor(sortedKey[q] / 2 ** 24 / 256) + 1]++;
    siteCountry[q] = c;
    siteOrders[q] = so[r];
    siteCell[q] = cellOfKey.get(cellKey(c, sla[r], slo[r])) ?? -1;
  });
  for (let m = 0; m < M; m++) siteOff[m + 1] += siteOff[m];
  const tm = numericColumn(dp, 'merchant_id', 's4_device_profile_6A', BigUint64Array);
  const tc = stringColumn(dp, 'outlet_country_iso', 's4_device_profile_6A');
  const to = numericColumn(dp, 'site_order', 's4_device_profile_6A', Int32Array);
  const tIdx = await indices(ctx, numericColumn(dp, 'device_id', 's4_device_profile_6A', BigUint64Array), 'device', D, 's4_device_profile_6A');
  for (let r = 0; r < dp.numRows; r++) {
    const k = comp(merchantIndex(tm[r]), cOf.get(tc.dict[tc.codes[r]]) ?? 255, to[r]);
    const lo = lowerBound(sortedKey, k);
    if (lo >= S || sortedKey[lo] !== k)
      fail(ErrorCodes.VALIDATION_FAILED, `terminal of an outlet not in site_locations (merchant ${tm[r]})`, 's4_device_profile_6A', 'rebuild 6A');
    if (ipCount[tIdx[r]] === 0) fail(ErrorCodes.VALIDATION_FAILED, `POS terminal of merchant ${tm[r]} has no IP link`, 's4_ip_links_6A', 'rebuild 6A');
    siteTerm[lo] = tIdx[r];
  }
  // outlets of virtual-only merchants have no terminal (6A): their arrivals are virtual, so ECOM

  const roundKeys = sharedArray(Uint32Array, 20);
  ['party', 'account', 'instrument', 'device', 'ip'].forEach((kind, e) => roundKeys.set(idRoundKeys(ctx, kind), 4 * e));
  const tables: AttachTables = {
    nMerchants: M,
    nSites: S,
    nCountries: C,
    merchIds,
    merchAtm,
    siteOff,
    siteCountry,
    siteOrders,
    siteCell,
    siteTerm,
    cc,
    ccProb,
    ccAlias,
    cProb,
    cAlias,
    cellOff,
    cellParty,
    cellProb,
    cellAlias,
    partyCountry,
    cardOff,
    cardInst,
    cardAcct,
    cardMask,
    devOff,
    devList,
    ipOff,
    ipList,
    keys: roundKeys,
  };
  return {
    tables,
    countries,
    arrivalParts,
    stats: { parties: P, payers, cells: G, cards: K, devices: devOff[P], sites: S, terminals: dp.numRows },
  };
}
