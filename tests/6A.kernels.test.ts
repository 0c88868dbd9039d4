// The 6A wasm kernels, run exactly as the pool runs them, agree bit for bit with their TypeScript
// references (src/segments/6A/kernels_ref.ts); the id bijection is one to one and carries no order.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import {
  k6aAccess,
  k6aAccountCounts,
  k6aAccountOpen,
  k6aCardCheck,
  k6aCardNumbers,
  k6aCardProfile,
  k6aDeviceLinkCounts,
  k6aDeviceLinks,
  k6aInstruments,
  k6aIpLinkCounts,
  k6aIpLinks,
  k6aNeighbourhoods,
  k6aCredentials,
  k6aDeviceCounts,
  k6aDeviceFill,
  k6aDeviceIps,
  k6aHouseholdStarts,
  k6aIds,
  k6aIdCheck,
  k6aParties,
  k6aRoles,
} from '../src/kernels/6A.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { loadPolicyPack } from '../src/config/load.js';
import {
  accessRef,
  accountCountsRef,
  accountOpenRef,
  cardCheckRef,
  cardNumberRef,
  cardProfileRef,
  credentialsRef,
  deviceLinksRef,
  instrumentsRef,
  ipLinksRef,
  neighbourhoodRef,
  deviceIpsRef,
  devicesRef,
  idCheckRef,
  householdStartRef,
  luhnDigit,
  luhnValid,
  partyRef,
  roleRef,
  truncPoisson,
} from '../src/segments/6A/kernels_ref.js';
import { roleTables } from '../src/segments/6A/s5_roles.js';
import { tableAt } from '../src/segments/6A/mix.js';
import { deviceTables } from '../src/segments/6A/s4_network.js';
import { localOffsets } from '../src/pool/shards.js';
import { binOf, binTable, credentialTables } from '../src/segments/6A/s3_instruments.js';
import { householdWindow } from '../src/segments/6A/gather.js';
import { loadCountries } from '../src/reference/countries.js';
import { largestRemainder, placeTables } from '../src/segments/6A/s1_parties.js';
import { entityId, entityIndex, idRoundKeys } from '../src/laws/ids.js';
import { drawnTypes, holdTable } from '../src/segments/6A/s2_accounts.js';
import { load6A } from '../src/segments/6A/policies.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});
const id = { manifest_fingerprint: '6a'.repeat(32), seed: 11n, parameter_hash: 'a6'.repeat(32) };
const rk = idRoundKeys(id, 'party');

describe('6A laws', () => {
  it('entity ids: a bijection of dense indices onto [1, 2^62], wasm == TypeScript, no order left', () => {
    const N = 200_000;
    const out = new SharedCol('u64', N);
    runTask(ex, k6aIds.task({ n: N, first: 1000, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], outId: out.out(0, N) }));
    const ids = out.view() as BigUint64Array;
    for (let i = 0; i < N; i += 997) expect(ids[i]).toBe(entityId(1000 + i, rk));
    // the inverse takes every id back to its index (6B reads 6A's rows by id this way)
    for (let i = 0; i < N; i += 13) expect(entityIndex(ids[i], rk)).toBe(1000 + i);
    expect(entityIndex(entityId(2 ** 53 - 1, rk), rk)).toBe(2 ** 53 - 1);
    expect(new Set(ids).size).toBe(N);
    let rising = 0;
    for (let i = 1; i < N; i++) if (ids[i] > ids[i - 1]) rising++;
    // consecutive indices are as likely to go down as up: the id tells nothing of the index
    expect(Math.abs(rising / (N - 1) - 0.5)).toBeLessThan(0.01);
    for (const v of ids) expect(v >= 1n && v <= 1n << 62n).toBe(true);
    // the last indices of the domain stay inside it
    expect(entityId(2 ** 53 - 1, rk) <= 1n << 62n).toBe(true);
  });

  it('the id check counts ids that are not the bijection of their index (wasm == TypeScript)', () => {
    const N = 50_000;
    const out = new SharedCol('u64', N);
    runTask(ex, k6aIds.task({ n: N, first: 7, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], outId: out.out(0, N) }));
    const ids = out.view() as BigUint64Array;
    const bad = new SharedCol('i32', 1);
    const check = () => {
      runTask(ex, k6aIdCheck.task({ n: N, first: 7, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], id: out.in(0, N), outBad: bad.out(0, 1) }));
      return (bad.view() as Int32Array)[0];
    };
    expect(check()).toBe(0);
    expect(idCheckRef(ids, 7, rk)).toBe(0);
    // a repeated id, an id out of range and two swapped ids: each breaks the bijection
    ids[10] = ids[11];
    ids[500] = 0n;
    [ids[900], ids[901]] = [ids[901], ids[900]];
    expect(check()).toBe(4);
    expect(idCheckRef(ids, 7, rk)).toBe(4);
    expect(idCheckRef(ids.subarray(1), 8, rk)).toBe(4);
  });

  it('largest remainder: parts sum to the total, follow the weights, ties to the lower index', () => {
    expect([...largestRemainder(10, [1, 1, 1])]).toEqual([4, 3, 3]);
    expect([...largestRemainder(7, [0.5, 0.25, 0.25])]).toEqual([3, 2, 2]);
    expect([...largestRemainder(0, [1, 2])]).toEqual([0, 0]);
    expect([...largestRemainder(5, [0, 0])]).toEqual([0, 0]);
    const w = Array.from({ length: 50 }, (_, i) => 1 + ((i * 37) % 11));
    expect(largestRemainder(12345, w).reduce((a, b) => a + b, 0)).toBe(12345);
  });

  it('truncated Poisson inversion stays in [0, cap] and follows λ^k/k!', () => {
    const cap = 3,
      lambda = 0.8;
    const hist = [0, 0, 0, 0];
    const M = 20_000;
    for (let i = 0; i < M; i++) hist[truncPoisson(lambda, cap, (i + 0.5) / M)]++;
    const w = [1, 0.8, 0.32, 0.0853333];
    const z = w.reduce((a, b) => a + b, 0);
    hist.forEach((h, k) => expect(Math.abs(h / M - w[k] / z)).toBeLessThan(0.001));
    expect(truncPoisson(5, 0, 0.99)).toBe(0);
  });
});

describe('6A kernels: wasm == TypeScript reference', () => {
  it('k6aParties: id, home place + jitter, activity weight', () => {
    const countries = ['BV', 'DE', 'FR', 'JP', 'US']; // BV: no GeoNames place, the country centre
    const keys = new FamilyKeys(id, '6A.party_home').forStrings(countries);
    const t = placeTables(countries, keys);
    expect(t.placeOff[1] - t.placeOff[0]).toBe(0);
    const N = 5000;
    const country = Int32Array.from({ length: N }, (_, i) => i % countries.length);
    const local = Uint32Array.from({ length: N }, (_, i) => Math.floor(i / countries.length) + (i % 3) * 100_000);
    const cols = { id: new SharedCol('u64', N), lat: new SharedCol('f64', N), lon: new SharedCol('f64', N), act: new SharedCol('f64', N) };
    runTask(
      ex,
      k6aParties.task({
        n: N,
        first: 7,
        r0: rk[0],
        r1: rk[1],
        r2: rk[2],
        r3: rk[3],
        jitterKm: 8,
        sigma: 0.9,
        country: SharedCol.from('i32', country).all(),
        local: SharedCol.from('u32', local).all(),
        keys: SharedCol.from('u32', t.keys).all(),
        placeOff: SharedCol.from('i32', t.placeOff).all(),
        placeProb: SharedCol.from('f64', t.placeProb).all(),
        placeAlias: SharedCol.from('i32', t.placeAlias).all(),
        placeLat: SharedCol.from('f64', t.placeLat).all(),
        placeLon: SharedCol.from('f64', t.placeLon).all(),
        centreLat: SharedCol.from('f64', t.centreLat).all(),
        centreLon: SharedCol.from('f64', t.centreLon).all(),
        outId: cols.id.out(0, N),
        outLat: cols.lat.out(0, N),
        outLon: cols.lon.out(0, N),
        outActivity: cols.act.out(0, N),
      }),
    );
    let actSum = 0;
    for (let i = 0; i < N; i++) {
      const r = partyRef(7 + i, country[i], local[i], rk, t, 8, 0.9);
      expect([cols.id.view()[i], cols.lat.view()[i], cols.lon.view()[i], cols.act.view()[i]]).toEqual([r.id, r.lat, r.lon, r.activity]);
      expect(r.draws).toBe(7);
      expect(r.blocks).toBeLessThanOrEqual(4);
      actSum += r.activity;
    }
    expect(Math.abs(actSum / N - 1)).toBeLessThan(0.08); // mean-one lognormal
    // homes in Japan are in Japan's box
    for (let i = 3; i < N; i += countries.length) {
      expect(cols.lat.view()[i]).toBeGreaterThan(23);
      expect(cols.lat.view()[i]).toBeLessThan(47);
    }
  });

  it('k6aAccountCounts and k6aAccountOpen', async () => {
    const p = load6A(await loadPolicyPack(join(__dirname, '..', 'config')));
    const segments = p.taxonomy.segments.map((s) => s.id).sort();
    const types = drawnTypes(p);
    const T = types.length;
    const hold = holdTable(p, segments);
    const extra = Float64Array.from(types, (t) => p.products.types[t].extra_mean);
    const max = Int32Array.from(types, (t) => p.products.types[t].max);
    const N = 4000;
    const keys = new FamilyKeys(id, '6A.account_count').forStrings(['DE', 'IN']);
    const country = Int32Array.from({ length: N }, (_, i) => i & 1);
    const segment = Int32Array.from({ length: N }, (_, i) => i % segments.length);
    const local = Uint32Array.from({ length: N }, (_, i) => i >> 1);
    const out = new SharedCol('u8', N * T);
    runTask(
      ex,
      k6aAccountCounts.task({
        n: N,
        T,
        country: SharedCol.from('i32', country).all(),
        local: SharedCol.from('u32', local).all(),
        segment: SharedCol.from('i32', segment).all(),
        keys: SharedCol.from('u32', keys).all(),
        holdP: SharedCol.from('f64', hold).all(),
        extraMean: SharedCol.from('f64', extra).all(),
        maxCount: SharedCol.from('i32', max).all(),
        outCount: out.out(0, N, T),
      }),
    );
    const got = out.view() as Uint8Array;
    for (let i = 0; i < N; i++) {
      const c = country[i];
      const r = accountCountsRef([keys[2 * c], keys[2 * c + 1]], local[i], hold.subarray(segment[i] * T, (segment[i] + 1) * T), extra, max);
      expect([...got.subarray(i * T, (i + 1) * T)]).toEqual(r.counts);
      r.counts.forEach((k, t) => {
        expect(k).toBeLessThanOrEqual(max[t]);
        if (hold[segment[i] * T + t] < 0) expect(k).toBe(0);
        if (hold[segment[i] * T + t] === 1) expect(k).toBeGreaterThanOrEqual(1);
      });
    }
    const okeys = new FamilyKeys(id, '6A.account_open').forStrings(['DE', 'IN']);
    const mean = Float64Array.from({ length: N }, (_, i) => 365.25 * (2 + (i % 10)));
    const day = new SharedCol('i32', N);
    runTask(
      ex,
      k6aAccountOpen.task({
        n: N,
        asOfDay: 20_000,
        maxDays: 365.25 * 40,
        country: SharedCol.from('i32', country).all(),
        local: SharedCol.from('u32', local).all(),
        keys: SharedCol.from('u32', okeys).all(),
        meanDays: SharedCol.from('f64', mean).all(),
        outDay: day.out(0, N),
      }),
    );
    for (let i = 0; i < N; i++) {
      const c = country[i];
      const d = accountOpenRef([okeys[2 * c], okeys[2 * c + 1]], local[i], 20_000, 365.25 * 40, mean[i]);
      expect(day.view()[i]).toBe(d);
      expect(d).toBeLessThan(20_000);
      expect(d).toBeGreaterThanOrEqual(20_000 - 1 - Math.floor(365.25 * 40));
    }
  });
});

describe('6A S3 credentials', () => {
  it('k6aCredentials == credentialsRef; debit never on a credit-only network', async () => {
    const p = load6A(await loadPolicyPack(join(__dirname, '..', 'config')));
    const segments = p.taxonomy.segments.map((x) => x.id).sort();
    const regions = p.taxonomy.regions.map((r) => r.id).sort();
    const tabs = credentialTables(p, segments, regions);
    const countries = ['DE', 'US', 'BR', 'KE', 'JP'];
    const countryRegion = Int32Array.of(
      regions.indexOf('REGION_EMEA'),
      regions.indexOf('REGION_AMER'),
      regions.indexOf('REGION_LATAM'),
      regions.indexOf('REGION_AFRICA'),
      regions.indexOf('REGION_APAC'),
    );
    const keys = new FamilyKeys(id, '6A.credentials').forStrings(countries);
    const N = 6000;
    const country = Int32Array.from({ length: N }, (_, i) => i % 5);
    const local = Uint32Array.from({ length: N }, (_, i) => Math.floor(i / 5));
    const seg = Int32Array.from({ length: N }, (_, i) => (i * 7) % segments.length);
    const kind = Uint8Array.from({ length: N }, (_, i) => i % 3);
    const o = { f: new SharedCol('u8', N), s: new SharedCol('i32', N), w: new SharedCol('i32', N), e: new SharedCol('i32', N) };
    runTask(
      ex,
      k6aCredentials.task({
        n: N,
        expiryMax: 60,
        nWallet: tabs.walletProb.length,
        country: SharedCol.from('i32', country).all(),
        local: SharedCol.from('u32', local).all(),
        seg: SharedCol.from('i32', seg).all(),
        kind: SharedCol.from('u8', kind).all(),
        keys: SharedCol.from('u32', keys).all(),
        countryRegion: SharedCol.from('i32', countryRegion).all(),
        pPhysKind: SharedCol.from('f64', tabs.pPhysKind).all(),
        pVirtSeg: SharedCol.from('f64', tabs.pVirtSeg).all(),
        pWalletSeg: SharedCol.from('f64', tabs.pWalletSeg).all(),
        schemeOff: SharedCol.from('i32', tabs.schemeOff).all(),
        schemeProb: SharedCol.from('f64', tabs.schemeProb).all(),
        schemeAlias: SharedCol.from('i32', tabs.schemeAlias).all(),
        schemeCode: SharedCol.from('i32', tabs.schemeCode).all(),
        walletProb: SharedCol.from('f64', tabs.walletProb).all(),
        walletAlias: SharedCol.from('i32', tabs.walletAlias).all(),
        outFlags: o.f.out(0, N),
        outScheme: o.s.out(0, N),
        outWallet: o.w.out(0, N),
        outExpiry: o.e.out(0, N),
      }),
    );
    const networks = p.taxonomy.schemes.CARD_NETWORK;
    const expiries = new Set<number>();
    for (let i = 0; i < N; i++) {
      const k = kind[i];
      const t = countryRegion[country[i]] * 2 + k - 1;
      const r = credentialsRef(
        [keys[2 * country[i]], keys[2 * country[i] + 1]],
        local[i],
        k,
        { phys: tabs.pPhysKind[k], virt: tabs.pVirtSeg[seg[i]], wallet: tabs.pWalletSeg[seg[i]] },
        tableAt(tabs.schemes, Math.max(0, t)), // not read for an account without a card
        { prob: tabs.walletProb, alias: tabs.walletAlias },
        60,
      );
      expect([o.f.view()[i], o.s.view()[i], o.w.view()[i], o.e.view()[i]]).toEqual([r.flags, r.scheme, r.wallet, r.expiry]);
      expect(r.draws).toBe(k ? 6 : 0);
      if (k === 1) expect(['VISA', 'MASTERCARD']).toContain(networks[r.scheme]);
      if (k === 2) expect(r.flags & 1).toBe(1); // credit accounts always have their physical card
      if (k) expiries.add(r.expiry);
      if (k) expect(r.expiry >= 1 && r.expiry <= 60).toBe(true);
    }
    expect(expiries.size).toBe(60);
  });

  it('card numbers: Luhn digits, BINs per scheme, country, kind and tier', async () => {
    expect(luhnDigit('7992739871')).toBe(3); // the textbook example
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    const p = load6A(await loadPolicyPack(join(__dirname, '..', 'config')));
    const v = binOf(p, 'VISA', 'DE', 'DEBIT', 'BASIC');
    expect(v).toMatch(/^4\d{5}$/);
    expect(binOf(p, 'VISA', 'DE', 'DEBIT', 'BASIC')).toBe(v);
    expect(binOf(p, 'AMEX', 'US', 'CREDIT', 'PREMIUM')).toMatch(/^3[47]\d{4}$/);
    expect(binOf(p, 'MASTERCARD', 'FR', 'CREDIT', 'BASIC')).toMatch(/^5[1-5]\d{4}$/);
    // one product per BIN over every scheme, country, kind and tier (hash candidates collide; the table probes)
    const schemes = [...p.taxonomy.schemes.CARD_NETWORK, ...p.taxonomy.schemes.BANK_RAIL];
    const countries = loadCountries()
      .countries.map((c) => c.iso2)
      .sort();
    const table = binTable(p, schemes, countries);
    // the raw candidates do collide at this size, so the probing is exercised
    const raw = p.taxonomy.schemes.CARD_NETWORK.flatMap((sc) =>
      countries.flatMap((c) => ['DEBIT', 'CREDIT'].flatMap((k) => p.taxonomy.brand_tiers.map((t) => binOf(p, sc, c, k, t)))),
    );
    expect(new Set(raw).size).toBeLessThan(raw.length);
    const cards = [...table].filter((b) => b >= 0);
    expect(cards.length).toBe(p.taxonomy.schemes.CARD_NETWORK.length * countries.length * 2 * p.taxonomy.brand_tiers.length);
    expect(new Set(cards).size).toBe(cards.length);
    expect([...table.subarray(p.taxonomy.schemes.CARD_NETWORK.length * countries.length * 2 * p.taxonomy.brand_tiers.length)].every((b) => b === -1)).toBe(
      true,
    );
    expect(table[0]).toBe(Number(binOf(p, schemes[0], countries[0], 'DEBIT', p.taxonomy.brand_tiers[0]))); // the first product takes its first candidate
    // k6aCardNumbers == cardNumberRef, and every number passes Luhn with its BIN and length
    const N = 3000;
    const bin = Int32Array.from({ length: N }, (_, i) => [411111, 545454, 371449, 601100][i % 4]);
    const len = Int32Array.from({ length: N }, (_, i) => (i % 4 === 2 ? 15 : 16));
    const lo = Uint32Array.from({ length: N }, (_, i) => (i * 2654435761) >>> 0);
    const out = new SharedCol('u64', N);
    runTask(
      ex,
      k6aCardNumbers.task({
        n: N,
        bin: SharedCol.from('i32', bin).all(),
        len: SharedCol.from('i32', len).all(),
        serial: SharedCol.from('u32', lo).all(),
        outNumber: out.out(0, N),
      }),
    );
    for (let i = 0; i < N; i++) {
      const want = cardNumberRef(bin[i], len[i], lo[i]);
      expect((out.view() as BigUint64Array)[i]).toBe(want);
      const s = want.toString();
      expect(s.length).toBe(len[i]);
      expect(s.startsWith(String(bin[i]))).toBe(true);
      expect(luhnValid(s)).toBe(true);
    }
    // k6aCardCheck (validation's own check) == cardCheckRef on these numbers and on broken ones: a digit
    // changed, a wrong BIN, a wrong length; non-cards (len 0) are never bad
    const good = out.view() as BigUint64Array;
    const num = new SharedCol('u64', 4 * N),
      binC = new SharedCol('i32', 4 * N),
      lenC = new SharedCol('i32', 4 * N),
      bad = new SharedCol('u8', 4 * N);
    const nv = num.view() as BigUint64Array,
      bv = binC.view() as Int32Array,
      lv = lenC.view() as Int32Array;
    for (let i = 0; i < N; i++)
      for (let v = 0; v < 4; v++) {
        const k = 4 * i + v;
        nv[k] = v === 1 ? good[i] + 10n ** BigInt(i % 12) : good[i];
        bv[k] = v === 2 ? bin[i] + 1 : bin[i];
        lv[k] = v === 3 ? (i % 2 ? len[i] + 1 : 0) : len[i];
      }
    runTask(ex, k6aCardCheck.task({ n: 4 * N, number: num.all(), bin: binC.all(), len: lenC.all(), outBad: bad.out(0, 4 * N) }));
    const got = bad.view() as Uint8Array;
    let flagged = 0;
    for (let k = 0; k < 4 * N; k++) {
      expect(got[k]).toBe(cardCheckRef(nv[k], bv[k], lv[k]));
      flagged += got[k];
    }
    // the good ones pass; a changed digit, a wrong BIN or length fail (half the length cases are non-cards)
    expect(flagged).toBe(N + N + N / 2);
  });
});

describe('6A S4 devices and IPs', () => {
  it('k6aHouseholdStarts, k6aDeviceCounts + k6aDeviceFill, k6aAccess, k6aDeviceIps == their references', async () => {
    const p = load6A(await loadPolicyPack(join(__dirname, '..', 'config')));
    const segments = p.taxonomy.segments.map((x) => x.id).sort();
    const tabs = deviceTables(p, segments);
    const ptypes = p.taxonomy.party_types;
    const countries = ['DE', 'US', 'IN'];
    const N = 3000;
    const country = Int32Array.from({ length: N }, (_, i) => i % 3);
    const local = Uint32Array.from({ length: N }, (_, i) => Math.floor(i / 3));
    const seg = Int32Array.from({ length: N }, (_, i) => (i * 5) % segments.length);
    const ptype = Int32Array.from(seg, (s) => ptypes.indexOf(p.taxonomy.segments.find((x) => x.id === segments[s])!.party_type));
    const key = (fam: string) => new FamilyKeys(id, fam).forStrings(countries);
    const kp = (k: Uint32Array, c: number): [number, number] => [k[2 * c], k[2 * c + 1]];
    const all = <T extends Parameters<typeof SharedCol.from>[0]>(t: T, v: ArrayLike<number>) => SharedCol.from(t, v).all();
    // households
    const hk = key('6A.household');
    const isRetail = Uint8Array.from(ptype, (t) => (ptypes[t] === 'RETAIL' ? 1 : 0));
    const st = new SharedCol('u8', N);
    runTask(
      ex,
      k6aHouseholdStarts.task({
        n: N,
        pStart: 0.4,
        country: all('i32', country),
        local: all('u32', local),
        keys: all('u32', hk),
        isRetail: all('u8', isRetail),
        outStart: st.out(0, N),
      }),
    );
    for (let i = 0; i < N; i++) expect((st.view() as Uint8Array)[i]).toBe(householdStartRef(kp(hk, country[i]), local[i], isRetail[i] === 1, 0.4));
    // devices: counts, then fill at the offsets (two shards, shard-local offsets as the pool gives them)
    const dk = key('6A.devices');
    const cnt = new SharedCol('u8', N);
    runTask(
      ex,
      k6aDeviceCounts.task({
        n: N,
        country: all('i32', country),
        local: all('u32', local),
        keys: all('u32', dk),
        ptype: all('i32', ptype),
        seg: all('i32', seg),
        meanSeg: all('f64', tabs.meanSeg),
        maxByType: all('i32', tabs.maxByType),
        outCount: cnt.out(0, N),
      }),
    );
    const counts = cnt.view() as Uint8Array;
    const off = new Int32Array(N + 1);
    for (let i = 0; i < N; i++) off[i + 1] = off[i] + counts[i];
    const D = off[N];
    const outT = new SharedCol('i32', D),
      outO = new SharedCol('i32', D),
      outS = new SharedCol('u8', D);
    const SH = 1024;
    const offL = SharedCol.from('i32', localOffsets(off, N, SH));
    for (let s = 0, k = 0; s < N; s += SH, k++) {
      const e = Math.min(N, s + SH);
      runTask(
        ex,
        k6aDeviceFill.task({
          n: e - s,
          country: SharedCol.from('i32', country).in(s, e),
          local: SharedCol.from('u32', local).in(s, e),
          keys: all('u32', dk),
          ptype: SharedCol.from('i32', ptype).in(s, e),
          off: offL.in(s + k, e + k + 1),
          firstType: all('i32', tabs.firstType),
          mixOff: all('i32', tabs.mix.off),
          mixProb: all('f64', tabs.mix.prob),
          mixAlias: all('i32', tabs.mix.alias),
          mixCode: all('i32', tabs.mix.code),
          osOff: all('i32', tabs.os.off),
          osProb: all('f64', tabs.os.prob),
          osAlias: all('i32', tabs.os.alias),
          osCode: all('i32', tabs.os.code),
          shareP: all('f64', tabs.shareP),
          outType: outT.out(off[s], off[e]),
          outOs: outO.out(off[s], off[e]),
          outShared: outS.out(off[s], off[e]),
        }),
      );
    }
    for (let i = 0; i < N; i++) {
      const r = devicesRef(
        kp(dk, country[i]),
        local[i],
        tabs.meanSeg[seg[i]],
        tabs.maxByType[ptype[i]],
        tabs.firstType[ptype[i]],
        tableAt(tabs.mix, ptype[i]),
        (t) => tableAt(tabs.os, t),
        tabs.shareP,
      );
      expect(r.types.length).toBe(counts[i]);
      const sl = (c: SharedCol) => [...(c.view() as Int32Array).subarray(off[i], off[i + 1])];
      expect({ types: sl(outT), os: sl(outO), shared: sl(outS) }).toEqual({ types: r.types, os: r.os, shared: r.shared });
      expect(r.types[0]).toBe(tabs.firstType[ptype[i]]);
    }
    // access and IP choices per device
    const dtype = outT.view() as Int32Array;
    const dc = Int32Array.from({ length: D }, (_, d) => d % 3);
    const dl = Uint32Array.from({ length: D }, (_, d) => Math.floor(d / 3));
    const nAcc = Int32Array.from({ length: D }, (_, d) => d % 34);
    const ak = key('6A.device_access'),
      ik = key('6A.device_ips');
    const mask = new SharedCol('u32', D);
    runTask(
      ex,
      k6aAccess.task({
        n: D,
        country: all('i32', dc),
        local: all('u32', dl),
        keys: all('u32', ak),
        dtype: all('i32', dtype),
        nAcc: all(
          'i32',
          nAcc.map((x) => Math.min(32, x)),
        ),
        pAccess: all('f64', tabs.pAccess),
        outMask: mask.out(0, D),
      }),
    );
    const pools = { mobile: Int32Array.of(7, 300, 2), wifi: Int32Array.of(3, 11, 1), vpn: 5 };
    const o = { m: new SharedCol('i32', D), h: new SharedCol('u8', D), w: new SharedCol('i32', D), v: new SharedCol('i32', D) };
    runTask(
      ex,
      k6aDeviceIps.task({
        n: D,
        vpnPool: pools.vpn,
        pHome: 0.8,
        pWifi: 0.3,
        pVpn: 0.2,
        country: all('i32', dc),
        local: all('u32', dl),
        keys: all('u32', ik),
        dtype: all('i32', dtype),
        typeFlags: all('u8', tabs.typeFlags),
        mobilePool: all('i32', pools.mobile),
        wifiPool: all('i32', pools.wifi),
        outMobile: o.m.out(0, D),
        outHome: o.h.out(0, D),
        outWifi: o.w.out(0, D),
        outVpn: o.v.out(0, D),
      }),
    );
    let mobiles = 0;
    for (let d = 0; d < D; d++) {
      expect((mask.view() as Uint32Array)[d]).toBe(accessRef(kp(ak, dc[d]), dl[d], Math.min(32, nAcc[d]), tabs.pAccess[dtype[d]]));
      const r = deviceIpsRef(
        kp(ik, dc[d]),
        dl[d],
        tabs.typeFlags[dtype[d]],
        { mobile: pools.mobile[dc[d]], wifi: pools.wifi[dc[d]], vpn: pools.vpn },
        { home: 0.8, wifi: 0.3, vpn: 0.2 },
      );
      expect([(o.m.view() as Int32Array)[d], (o.h.view() as Uint8Array)[d], (o.w.view() as Int32Array)[d], (o.v.view() as Int32Array)[d]]).toEqual([
        r.mobile,
        r.home,
        r.wifi,
        r.vpn,
      ]);
      if (r.mobile >= 0) {
        mobiles++;
        expect(r.mobile).toBeLessThan(pools.mobile[dc[d]]);
      }
    }
    expect(mobiles).toBeGreaterThan(100);
  });
});

describe('6A S5 roles', () => {
  it("k6aRoles == roleRef for every kind; scores in [0, 1], tiers by the thresholds, roles from the group's vocabulary", async () => {
    const p = load6A(await loadPolicyPack(join(__dirname, '..', 'config')));
    const th = p.roles.tier_thresholds;
    for (const kind of ['party', 'account', 'merchant', 'device', 'ip'] as const) {
      const t = roleTables(p, kind);
      const N = 2000;
      const keys = new FamilyKeys(id, `6A.role_${kind}`).forStrings(['DE', 'BR']);
      const country = Int32Array.from({ length: N }, (_, i) => i & 1);
      const local = Uint32Array.from({ length: N }, (_, i) => i >> 1);
      const base = Float64Array.from({ length: N }, (_, i) => (i % 101) / 100);
      const group = Int32Array.from({ length: N }, (_, i) => i % t.groups.length);
      const o = { s: new SharedCol('f64', N), t: new SharedCol('i32', N), r: new SharedCol('i32', N) };
      runTask(
        ex,
        k6aRoles.task({
          n: N,
          noiseSd: 0.1,
          t1: th[0],
          t2: th[1],
          t3: th[2],
          country: SharedCol.from('i32', country).all(),
          local: SharedCol.from('u32', local).all(),
          keys: SharedCol.from('u32', keys).all(),
          base: SharedCol.from('f64', base).all(),
          group: SharedCol.from('i32', group).all(),
          mixOff: SharedCol.from('i32', t.off).all(),
          mixProb: SharedCol.from('f64', t.prob).all(),
          mixAlias: SharedCol.from('i32', t.alias).all(),
          mixCode: SharedCol.from('i32', t.code).all(),
          outScore: o.s.out(0, N),
          outTier: o.t.out(0, N),
          outRole: o.r.out(0, N),
        }),
      );
      const tiers = new Set<number>();
      for (let i = 0; i < N; i++) {
        const r = roleRef([keys[2 * country[i]], keys[2 * country[i] + 1]], local[i], base[i], 0.1, th, (tier) => tableAt(t, group[i] * 4 + tier));
        expect([(o.s.view() as Float64Array)[i], (o.t.view() as Int32Array)[i], (o.r.view() as Int32Array)[i]]).toEqual([r.score, r.tier, r.role]);
        expect(r.draws).toBe(3);
        expect(r.score >= 0 && r.score <= 1).toBe(true);
        expect(r.tier).toBe(r.score >= th[2] ? 3 : r.score >= th[1] ? 2 : r.score >= th[0] ? 1 : 0);
        expect(r.role >= 0 && r.role < t.vocab.length).toBe(true);
        tiers.add(r.tier);
      }
      expect(tiers.size).toBe(4);
    }
  });
});

describe('6A S4 links', () => {
  it('k6aDeviceLinkCounts + k6aDeviceLinks and k6aIpLinkCounts + k6aIpLinks == their references, whatever the shard cuts', () => {
    // a small world: 60 parties in households of 1-4 (some none), 200 devices (some terminals), tokens
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const P = 60,
      D = 200;
    const household = new Int32Array(P).fill(-1),
      heads: number[] = [],
      sizes: number[] = [];
    for (let i = 0; i < P; i++) {
      if (rnd() < 0.2) continue;
      if (heads.length === 0 || household[i - 1] < 0 || rnd() < 0.4 || sizes[sizes.length - 1] >= 4) {
        heads.push(i);
        sizes.push(0);
      }
      household[i] = heads.length - 1;
      sizes[sizes.length - 1]++;
    }
    const accOff = Int32Array.from({ length: P + 1 }, (_, i) => 3 * i);
    const owner = Int32Array.from({ length: D }, () => Math.floor(rnd() * P)).sort();
    const outlet = Int32Array.from({ length: D }, (_, d) => (d > 180 ? d : -1));
    const shared = Uint8Array.from({ length: D }, () => (rnd() < 0.3 ? 1 : 0));
    const mask = Uint32Array.from({ length: D }, () => (rnd() < 0.5 ? Math.floor(rnd() * 8) : rnd() < 0.1 ? 0x80000001 : 0));
    const tokCount = Int32Array.from({ length: D }, (_, d) => (d <= 180 && rnd() < 0.2 ? 1 + Math.floor(rnd() * 2) : 0));
    const tokOff = new Int32Array(D + 1);
    for (let d = 0; d < D; d++) tokOff[d + 1] = tokOff[d] + tokCount[d];
    const tokList = Int32Array.from({ length: tokOff[D] }, (_, t) => 1000 + 7 * t);
    const w = { owner, outlet, shared, mask, tokOff, tokList, household, hSize: Int32Array.from(sizes), hHead: Int32Array.from(heads), accOff };
    const roles = { terminal: 4, owner: 0, coUser: 1, account: 2, token: 3 };
    const want = Array.from({ length: D }, (_, d) => deviceLinksRef(d, w, roles)).flat();
    const col = <T extends 'i32' | 'u32' | 'u8'>(t: T, v: ArrayLike<number>) => SharedCol.from(t, v);
    const c = {
      owner: col('i32', owner),
      outlet: col('i32', outlet),
      shared: col('u8', shared),
      mask: col('u32', mask),
      tokOff: col('i32', tokOff),
      tokList: col('i32', tokList),
      household: col('i32', household),
      hSize: col('i32', w.hSize),
      hHead: col('i32', w.hHead),
      accOff: col('i32', accOff),
    };
    // the per-device columns of devices [s, e) and the whole-world tables both kernels read
    const common = (s: number, e: number) => ({
      n: e - s,
      owner: c.owner.in(s, e),
      outlet: c.outlet.in(s, e),
      shared: c.shared.in(s, e),
      mask: c.mask.in(s, e),
      tokOff: c.tokOff.in(s, e + 1),
      household: c.household.all(),
      hSize: c.hSize.all(),
    });
    for (const cut of [D, 37]) {
      const counts = new SharedCol('i32', D);
      for (let s = 0; s < D; s += cut) {
        const e = Math.min(D, s + cut);
        runTask(ex, k6aDeviceLinkCounts.task({ ...common(s, e), outCount: counts.out(s, e) }));
      }
      const off = new Int32Array(D + 1);
      for (let d = 0; d < D; d++) off[d + 1] = off[d] + (counts.view() as Int32Array)[d];
      expect(off[D]).toBe(want.length);
      const out = Array.from({ length: 5 }, () => new SharedCol('i32', off[D]));
      for (let s = 0; s < D; s += cut) {
        const e = Math.min(D, s + cut);
        runTask(
          ex,
          k6aDeviceLinks.task({
            ...common(s, e),
            first: s,
            tokBase: tokOff[s],
            rTerminal: roles.terminal,
            rOwner: roles.owner,
            rCoUser: roles.coUser,
            rAccount: roles.account,
            rToken: roles.token,
            tokList: c.tokList.in(tokOff[s], tokOff[e]),
            hHead: c.hHead.all(),
            accOff: c.accOff.all(),
            outDev: out[0].out(off[s], off[e]),
            outParty: out[1].out(off[s], off[e]),
            outAcc: out[2].out(off[s], off[e]),
            outIns: out[3].out(off[s], off[e]),
            outRole: out[4].out(off[s], off[e]),
          }),
        );
      }
      const got = Array.from({ length: off[D] }, (_, k) => out.map((o) => (o.view() as Int32Array)[k]));
      expect(got).toEqual(want);
    }
    // every kind of row occurs, so each branch was compared
    for (const r of Object.values(roles)) expect(want.some((row) => row[4] === r)).toBe(true);

    // IP links
    const typical = Int32Array.from({ length: D }, () => Math.floor(rnd() * 50));
    const recent = Int32Array.from(typical, (t) => (rnd() < 0.3 ? t : rnd() < 0.5 ? Math.floor(rnd() * 50) : -1));
    const wifi = Int32Array.from({ length: D }, () => (rnd() < 0.3 ? 60 + Math.floor(rnd() * 5) : -1));
    const vpn = Int32Array.from({ length: D }, () => (rnd() < 0.1 ? 70 : -1));
    const ir = { typical: 0, recent: 1, wifi: 2 };
    const wantIp = Array.from({ length: D }, (_, d) => ipLinksRef(d, typical[d], recent[d], wifi[d], vpn[d], ir)).flat();
    const ic = { typical: col('i32', typical), recent: col('i32', recent), wifi: col('i32', wifi), vpn: col('i32', vpn) };
    const ipCounts = new SharedCol('i32', D);
    runTask(
      ex,
      k6aIpLinkCounts.task({
        n: D,
        typical: ic.typical.all(),
        recentHome: ic.recent.all(),
        wifi: ic.wifi.all(),
        vpn: ic.vpn.all(),
        outCount: ipCounts.out(0, D),
      }),
    );
    const total = (ipCounts.view() as Int32Array).reduce((a, b) => a + b, 0);
    expect(total).toBe(wantIp.length);
    const io = Array.from({ length: 3 }, () => new SharedCol('i32', total));
    runTask(
      ex,
      k6aIpLinks.task({
        n: D,
        first: 0,
        rTypical: ir.typical,
        rRecent: ir.recent,
        rWifi: ir.wifi,
        typical: ic.typical.all(),
        recentHome: ic.recent.all(),
        wifi: ic.wifi.all(),
        vpn: ic.vpn.all(),
        outIp: io[0].out(0, total),
        outDev: io[1].out(0, total),
        outRole: io[2].out(0, total),
      }),
    );
    expect(Array.from({ length: total }, (_, k) => io.map((o) => (o.view() as Int32Array)[k]))).toEqual(wantIp);
  });
});

describe('6A S3 instruments', () => {
  it('k6aInstruments == instrumentsRef: a handle, physical and virtual cards, a token funded by the first card, whatever the shard cuts', () => {
    let seed = 777;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const A = 300,
      P = 90;
    const x = {
      flags: Uint8Array.from({ length: A }, () => Math.floor(rnd() * 8)),
      scheme: Int32Array.from({ length: A }, () => Math.floor(rnd() * 4)),
      wallet: Int32Array.from({ length: A }, () => Math.floor(rnd() * 2)),
      expiry: Int32Array.from({ length: A }, () => 1 + Math.floor(rnd() * 60)),
      kind: Uint8Array.from({ length: A }, () => Math.floor(rnd() * 3)),
      settled: Uint8Array.from({ length: A }, () => (rnd() < 0.1 ? 1 : 0)),
      owner: Int32Array.from({ length: A }, () => Math.floor(rnd() * P)).sort(),
      partyRail: Int32Array.from({ length: P }, () => 4 + Math.floor(rnd() * 4)),
      partyBiz: Uint8Array.from({ length: P }, () => (rnd() < 0.2 ? 1 : 0)),
      cardType: Int32Array.from({ length: 8 }, (_, k) => 10 + k),
      payout: 1,
      handle: 2,
      token: 3,
      walletBase: 8,
      debitKind: 1,
    };
    const off = new Int32Array(A + 1);
    for (let r = 0; r < A; r++) off[r + 1] = off[r] + 1 + (x.flags[r] & 1) + ((x.flags[r] >> 1) & 1) + ((x.flags[r] >> 2) & 1);
    const want = Array.from({ length: A }, (_, r) => instrumentsRef(r, x, off[r])).flat();
    expect(want.length).toBe(off[A]);
    const c = {
      flags: SharedCol.from('u8', x.flags),
      scheme: SharedCol.from('i32', x.scheme),
      wallet: SharedCol.from('i32', x.wallet),
      expiry: SharedCol.from('i32', x.expiry),
      kind: SharedCol.from('u8', x.kind),
      settled: SharedCol.from('u8', x.settled),
      owner: SharedCol.from('i32', x.owner),
      partyRail: SharedCol.from('i32', x.partyRail),
      partyBiz: SharedCol.from('u8', x.partyBiz),
      cardType: SharedCol.from('i32', x.cardType),
    };
    for (const cut of [A, 41]) {
      const out = Array.from({ length: 5 }, () => new SharedCol('i32', off[A]));
      for (let s = 0; s < A; s += cut) {
        const e = Math.min(A, s + cut);
        runTask(
          ex,
          k6aInstruments.task({
            n: e - s,
            first: s,
            firstIns: off[s],
            payout: x.payout,
            handle: x.handle,
            token: x.token,
            walletBase: x.walletBase,
            debitKind: x.debitKind,
            flags: c.flags.in(s, e),
            scheme: c.scheme.in(s, e),
            wallet: c.wallet.in(s, e),
            expiry: c.expiry.in(s, e),
            kind: c.kind.in(s, e),
            settled: c.settled.in(s, e),
            owner: c.owner.in(s, e),
            partyRail: c.partyRail.all(),
            partyBiz: c.partyBiz.all(),
            cardType: c.cardType.all(),
            outAccount: out[0].out(off[s], off[e]),
            outType: out[1].out(off[s], off[e]),
            outScheme: out[2].out(off[s], off[e]),
            outFunding: out[3].out(off[s], off[e]),
            outExpiry: out[4].out(off[s], off[e]),
          }),
        );
      }
      expect(Array.from({ length: off[A] }, (_, k) => out.map((o) => (o.view() as Int32Array)[k]))).toEqual(want);
    }
    // a token funded by a virtual card (no physical) occurs, and one with no card at all
    expect(want.some((row) => row[1] === x.token && row[3] >= 0 && (want[row[3]][1] - 10) % 2 === 0)).toBe(true);
    expect(want.some((row) => row[1] === x.token && row[3] === -1)).toBe(true);
  });
});

describe('6A S3 card profiles', () => {
  it('k6aCardProfile == cardProfileRef: tiers and expiry for cards and tokens, BIN and length for cards, nothing for bank accounts', () => {
    let seed = 4242;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const I = 500,
      A = 200,
      P = 70,
      S = 5,
      C = 3,
      T = 4,
      NT = 6,
      NS = 5;
    const x = {
      S,
      C,
      T,
      type: Int32Array.from({ length: I }, () => Math.floor(rnd() * NT)),
      account: Int32Array.from({ length: I }, () => Math.floor(rnd() * A)),
      scheme: Int32Array.from({ length: I }, () => Math.floor(rnd() * NS)),
      expiry: Int32Array.from({ length: I }, () => 1 + Math.floor(rnd() * 48)),
      accType: Int32Array.from({ length: A }, () => Math.floor(rnd() * 4)),
      accOwner: Int32Array.from({ length: A }, () => Math.floor(rnd() * P)),
      partySeg: Int32Array.from({ length: P }, () => Math.floor(rnd() * S)),
      partyCountry: Int32Array.from({ length: P }, () => Math.floor(rnd() * C)),
      classOf: Int32Array.of(0, 1, 1, 2, 1, 0),
      creditOf: Int32Array.of(1, 0, 1, 1, 0, 1),
      tierOf: Int32Array.from({ length: 4 * S }, () => Math.floor(rnd() * T)),
      expiryMonth: Int32Array.from({ length: 49 }, (_, m) => 20_000 + 30 * m),
      bins: Int32Array.from({ length: NS * C * 2 * T }, (_, k) => 400_000 + k),
      lenOf: Int32Array.of(16, 16, 15, 16, 0),
    };
    const col = (v: Int32Array) => SharedCol.from('i32', v);
    const c = Object.fromEntries(
      Object.entries(x)
        .filter(([, v]) => v instanceof Int32Array)
        .map(([k, v]) => [k, col(v as Int32Array)]),
    ) as Record<string, SharedCol<'i32'>>;
    const out = Array.from({ length: 4 }, () => new SharedCol('i32', I));
    for (let s = 0; s < I; s += 173) {
      const e = Math.min(I, s + 173);
      runTask(
        ex,
        k6aCardProfile.task({
          n: e - s,
          S,
          C,
          T,
          type: c.type.in(s, e),
          account: c.account.in(s, e),
          scheme: c.scheme.in(s, e),
          expiry: c.expiry.in(s, e),
          accType: c.accType.all(),
          accOwner: c.accOwner.all(),
          partySeg: c.partySeg.all(),
          partyCountry: c.partyCountry.all(),
          classOf: c.classOf.all(),
          creditOf: c.creditOf.all(),
          tierOf: c.tierOf.all(),
          expiryMonth: c.expiryMonth.all(),
          bins: c.bins.all(),
          lenOf: c.lenOf.all(),
          outTier: out[0].out(s, e),
          outExpiryDay: out[1].out(s, e),
          outBin: out[2].out(s, e),
          outLen: out[3].out(s, e),
        }),
      );
    }
    const got = Array.from({ length: I }, (_, q) => out.map((o) => (o.view() as Int32Array)[q]));
    const want = Array.from({ length: I }, (_, q) => cardProfileRef(q, x));
    expect(got).toEqual(want);
    // bank accounts, tokens and cards all occur
    for (const cls of [0, 1, 2]) expect(Array.from(x.type).some((t) => x.classOf[t] === cls)).toBe(true);
  });
});

describe('6A S4 neighbourhoods', () => {
  it("k6aNeighbourhoods == neighbourhoodRef: own devices, household members' shared ones, distinct IPs, whatever the party shards", () => {
    let seed = 99;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const P = 150;
    const household = new Int32Array(P).fill(-1),
      heads: number[] = [],
      sizes: number[] = [];
    for (let i = 0; i < P; i++) {
      if (rnd() < 0.25) continue;
      if (heads.length === 0 || household[i - 1] < 0 || rnd() < 0.4 || sizes[sizes.length - 1] >= 4) {
        heads.push(i);
        sizes.push(0);
      }
      household[i] = heads.length - 1;
      sizes[sizes.length - 1]++;
    }
    const devOff = new Int32Array(P + 1);
    for (let i = 0; i < P; i++) devOff[i + 1] = devOff[i] + Math.floor(rnd() * 4);
    const D = devOff[P];
    const pool = () => Math.floor(rnd() * 12); // a small pool: IPs repeat within a household
    const x = {
      devOff,
      household,
      hHead: Int32Array.from(heads),
      hSize: Int32Array.from(sizes),
      shared: Uint8Array.from({ length: D }, () => (rnd() < 0.4 ? 1 : 0)),
      typical: Int32Array.from({ length: D }, pool),
      recentHome: Int32Array.from({ length: D }, () => (rnd() < 0.5 ? pool() : -1)),
      wifi: Int32Array.from({ length: D }, () => (rnd() < 0.3 ? 20 + pool() : -1)),
      vpn: Int32Array.from({ length: D }, () => (rnd() < 0.1 ? 40 : -1)),
    };
    const want = Array.from({ length: P }, (_, i) => neighbourhoodRef(i, x));
    const i32 = (v: Int32Array) => SharedCol.from('i32', v);
    const c = {
      devOff: i32(devOff),
      household: i32(household),
      hHead: i32(x.hHead),
      hSize: i32(x.hSize),
      shared: SharedCol.from('u8', x.shared),
      typical: i32(x.typical),
      recentHome: i32(x.recentHome),
      wifi: i32(x.wifi),
      vpn: i32(x.vpn),
    };
    for (const cut of [P, 17]) {
      const dev = new SharedCol('i32', P),
        ips = new SharedCol('i32', P);
      for (let s = 0; s < P; s += cut) {
        const e = Math.min(P, s + cut);
        const [q0, q1] = householdWindow(household, x.hHead, x.hSize, s, e);
        runTask(
          ex,
          k6aNeighbourhoods.task({
            n: e - s,
            first: s - q0,
            q0,
            maxIps: 64,
            devOff: c.devOff.in(q0, q1 + 1),
            household: c.household.in(q0, q1),
            hHead: c.hHead.all(),
            hSize: c.hSize.all(),
            shared: c.shared.in(devOff[q0], devOff[q1]),
            typical: c.typical.in(devOff[q0], devOff[q1]),
            recentHome: c.recentHome.in(devOff[q0], devOff[q1]),
            wifi: c.wifi.in(devOff[q0], devOff[q1]),
            vpn: c.vpn.in(devOff[q0], devOff[q1]),
            scratch: new SharedCol('i32', 64).out(0, 64),
            outDevices: dev.out(s, e),
            outIps: ips.out(s, e),
          }),
        );
      }
      expect(Array.from({ length: P }, (_, i) => [(dev.view() as Int32Array)[i], (ips.view() as Int32Array)[i]])).toEqual(want);
    }
    // a member using another's shared device occurs
    expect(want.some(([d], i) => d > devOff[i + 1] - devOff[i])).toBe(true);
  });
});
