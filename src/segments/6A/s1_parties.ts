// 6A.S1 parties: how many (sized from 5A's expected demand), where (countries by demand and outlets,
// realised cells by largest remainder), who (segment mix per region and party type), plus one BUSINESS
// owner per merchant; then each party's id, home and activity weight on the pool (k6aParties).
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import { idRoundKeys } from '../../laws/ids.js';
import { aliasBuild } from '../../rng/alias.js';
import { SharedCol, sharedArray } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aHouseholdStarts, k6aParties } from '../../kernels/6A.js';
import { mapped } from './gather.js';
import { loadCities } from '../../reference/cities.js';
import { loadCountries } from '../../reference/countries.js';
import type { Inputs6A } from './inputs.js';
import { FILES, type Policies6A, type Taxonomy6A } from './policies.js';
import { FAMILIES, SHARD_PARTIES, type Parties6A } from './world.js';
import { PARTY_BLOCKS, type PlaceTables } from './kernels_ref.js';

/** floor(total · w_i / Σw) plus one for the largest remainders (ties: lower index), so the parts sum to total. */
export function largestRemainder(total: number, w: ArrayLike<number>): Int32Array {
  const n = w.length;
  const out = new Int32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i];
  if (!(sum > 0) || total <= 0) return out;
  const rem = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const x = (total * w[i]) / sum;
    out[i] = Math.floor(x);
    rem[i] = x - out[i];
    given += out[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
  for (let k = 0; k < total - given; k++) out[order[k % n]]++;
  return out;
}

/** A country's region: "<region> / <subregion>" first, then "<region>" alone (taxonomy.yaml regions). */
export function regionOf(t: Taxonomy6A, region: string, subregion: string): string | undefined {
  const full = `${region} / ${subregion}`;
  return t.regions.find((r) => r.match.includes(full))?.id ?? t.regions.find((r) => r.match.includes(region))?.id;
}

/** Parties per (country, segment): the population by largest remainder, then merchant owners. */
export function planParties(p: Policies6A, inp: Inputs6A, where: string) {
  const { taxonomy: t, population: pop } = p;
  const countryRef = loadCountries().byIso;
  const C = inp.countries.length;
  const countryRegion = inp.countries.map((iso) => {
    const c = countryRef.get(iso);
    const r = c && regionOf(t, c.region, c.subregion);
    if (!r)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `country ${iso} (${c?.region ?? '?'} / ${c?.subregion ?? '?'}) has no region`,
        `${where}/${FILES.taxonomy}: regions`,
        'add its region or subregion to a region’s match list',
      );
    return r;
  });
  const weekly = inp.weeklyArrivals.reduce((a, b) => a + b, 0);
  const fromDemand = weekly / pop.size.arrivals_per_active_party_per_week / pop.size.active_fraction;
  const N = Math.min(pop.size.max_parties, Math.max(pop.size.min_parties, Math.round(fromDemand)));
  const totalOutlets = inp.outlets.reduce((a, b) => a + b, 0);
  const cw = pop.country_weights;
  const w = Float64Array.from(
    inp.countries,
    (_, c) =>
      (weekly > 0 ? (cw.demand_weight * inp.weeklyArrivals[c]) / weekly : 0) + (totalOutlets > 0 ? (cw.outlet_weight * inp.outlets[c]) / totalOutlets : 0),
  );
  const perCountry = largestRemainder(N, w);
  const segments = [...t.segments.map((s) => s.id)].sort(asciiCompare);
  const segIndex = new Map(segments.map((s, i) => [s, i]));
  const segmentType = segments.map((s) => t.segments.find((x) => x.id === s)!.party_type);
  // population cells
  const S = segments.length;
  const cells = new Int32Array(C * S);
  for (let c = 0; c < C; c++) {
    const r = countryRegion[c];
    const typeMix = pop.party_type_mix[r];
    const types = t.party_types;
    const perType = largestRemainder(
      perCountry[c],
      types.map((ty) => typeMix[ty] ?? 0),
    );
    types.forEach((ty, k) => {
      const mix = pop.segment_mix[r][ty] ?? {};
      const ids = Object.keys(mix).sort(asciiCompare);
      const perSeg = largestRemainder(
        perType[k],
        ids.map((s) => mix[s]),
      );
      ids.forEach((s, j) => (cells[c * S + segIndex.get(s)!] += perSeg[j]));
    });
  }
  // merchant owners, by merchant id within their (home country, segment) cell
  const cIndex = new Map(inp.countries.map((c, i) => [c, i]));
  const owners: { cell: number; merchant: bigint }[] = [];
  for (let m = 0; m < inp.merchant.length; m++) {
    const seg = inp.merchantVirtual[m]
      ? pop.merchant_owners.virtual_segment
      : (pop.merchant_owners.by_outlets.find((b) => inp.merchantOutlets[m] <= b.max_outlets) ?? pop.merchant_owners.by_outlets.at(-1)!).segment;
    owners.push({ cell: cIndex.get(inp.merchantHome[m])! * S + segIndex.get(seg)!, merchant: inp.merchant[m] });
  }
  return { N, fromDemand, weekly, cells, owners, countryRegion, segments, segmentType, S };
}

/** The place tables of k6aParties for the world's countries: GeoNames places by population, and each country's centre. */
export function placeTables(countries: readonly string[], keys: Uint32Array): PlaceTables {
  const cities = loadCities();
  const ref = loadCountries().byIso;
  const byCountry = new Map<string, number[]>();
  const code = new Map(cities.countries.map((c, i) => [c, i]));
  const want = new Set(countries.map((c) => code.get(c)).filter((x) => x !== undefined));
  for (let i = 0; i < cities.n; i++) {
    const cc = cities.country[i];
    if (!want.has(cc) || !(cities.population[i] > 0)) continue;
    const iso = cities.countries[cc];
    (byCountry.get(iso) ?? byCountry.set(iso, []).get(iso)!).push(i);
  }
  const off = new Int32Array(countries.length + 1);
  countries.forEach((c, k) => (off[k + 1] = off[k] + (byCountry.get(c)?.length ?? 0)));
  const total = off[countries.length];
  const prob = new Float64Array(total),
    alias = new Int32Array(total),
    lat = new Float64Array(total),
    lon = new Float64Array(total);
  countries.forEach((c, k) => {
    const idx = byCountry.get(c);
    if (!idx) return;
    const a = off[k];
    aliasBuild(
      idx.map((i) => cities.population[i]),
      prob.subarray(a, a + idx.length),
      alias.subarray(a, a + idx.length),
    );
    idx.forEach((i, j) => {
      lat[a + j] = cities.lat[i];
      lon[a + j] = cities.lon[i];
    });
  });
  return {
    keys,
    placeOff: off,
    placeProb: prob,
    placeAlias: alias,
    placeLat: lat,
    placeLon: lon,
    centreLat: Float64Array.from(countries, (c) => ref.get(c)?.lat ?? 0),
    centreLon: Float64Array.from(countries, (c) => ref.get(c)?.lng ?? 0),
  };
}

export async function s1Parties(ctx: RunContext, p: Policies6A, inp: Inputs6A, trace: RngTrace): Promise<Parties6A> {
  const plan = planParties(p, inp, ctx.pack.dir);
  const { cells, owners, S } = plan;
  const C = inp.countries.length;
  // dense index order: country, segment, then the cell's population before its owners
  const ownersOf = new Map<number, bigint[]>();
  for (const o of owners) (ownersOf.get(o.cell) ?? ownersOf.set(o.cell, []).get(o.cell)!).push(o.merchant);
  let n = 0;
  for (let k = 0; k < C * S; k++) n += cells[k] + (ownersOf.get(k)?.length ?? 0);
  if (n >= 2 ** 32) fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `${n} parties exceed 2^32`, `${ctx.pack.dir}/${FILES.population}: size`, 'lower size.max_parties');
  const country = sharedArray(Int32Array, n),
    segment = sharedArray(Int32Array, n),
    local = sharedArray(Uint32Array, n),
    ownedMerchant = sharedArray(BigUint64Array, n);
  let i = 0;
  for (let c = 0; c < C; c++) {
    let j = 0;
    for (let s = 0; s < S; s++) {
      const k = c * S + s;
      for (let q = 0; q < cells[k]; q++, i++, j++) {
        country[i] = c;
        segment[i] = s;
        local[i] = j;
      }
      for (const m of ownersOf.get(k) ?? []) {
        country[i] = c;
        segment[i] = s;
        local[i] = j++;
        ownedMerchant[i++] = m;
      }
    }
  }
  const homeKeys = new FamilyKeys(ctx, FAMILIES.partyHome).forStrings(inp.countries);
  const t = placeTables(inp.countries, homeKeys);
  const rk = idRoundKeys(ctx, 'party');
  const cC = SharedCol.share('i32', country),
    lC = SharedCol.share('u32', local);
  const idC = new SharedCol('u64', n),
    latC = new SharedCol('f64', n),
    lonC = new SharedCol('f64', n),
    actC = new SharedCol('f64', n);
  const tables = {
    keys: SharedCol.share('u32', t.keys),
    placeOff: SharedCol.share('i32', t.placeOff),
    placeProb: SharedCol.share('f64', t.placeProb),
    placeAlias: SharedCol.share('i32', t.placeAlias),
    placeLat: SharedCol.share('f64', t.placeLat),
    placeLon: SharedCol.share('f64', t.placeLon),
    centreLat: SharedCol.share('f64', t.centreLat),
    centreLon: SharedCol.share('f64', t.centreLon),
  };
  await runShards(
    ctx.pool,
    n,
    SHARD_PARTIES,
    ({ start: s, end: e }) =>
      k6aParties.task({
        n: e - s,
        first: s,
        r0: rk[0],
        r1: rk[1],
        r2: rk[2],
        r3: rk[3],
        jitterKm: p.population.home.jitter_km,
        sigma: p.population.home.activity_sigma,
        country: cC.in(s, e),
        local: lC.in(s, e),
        keys: tables.keys.all(),
        placeOff: tables.placeOff.all(),
        placeProb: tables.placeProb.all(),
        placeAlias: tables.placeAlias.all(),
        placeLat: tables.placeLat.all(),
        placeLon: tables.placeLon.all(),
        centreLat: tables.centreLat.all(),
        centreLon: tables.centreLon.all(),
        outId: idC.out(s, e),
        outLat: latC.out(s, e),
        outLon: lonC.out(s, e),
        outActivity: actC.out(s, e),
      }),
    ctx.progress.stage('6A S1 parties', n, 'parties'),
  );
  // fixed budget: 7 draws in 4 blocks per party, one substream per country
  trace.addTotals(FAMILIES.partyHome, C, 7 * n, PARTY_BLOCKS * n, n, PARTY_BLOCKS * Math.max(0, ...countryCounts(country, C)));
  const homeLat = latC.view() as Float64Array,
    homeLon = lonC.view() as Float64Array;
  const hh = await formHouseholds(ctx, p, { n, country, local, segment, segmentType: plan.segmentType, countries: inp.countries }, trace);
  // a household lives at one address: its members share the first member's home
  for (let i = 0; i < n; i++) {
    const h = hh.household[i];
    if (h < 0) continue;
    const head = hh.head[h];
    homeLat[i] = homeLat[head];
    homeLon[i] = homeLon[head];
  }
  return {
    n,
    country,
    segment,
    local,
    ownedMerchant,
    countries: inp.countries,
    countryRegion: plan.countryRegion,
    segments: plan.segments,
    segmentType: plan.segmentType,
    partyTypes: p.taxonomy.party_types,
    id: idC.view() as BigUint64Array,
    homeLat,
    homeLon,
    activity: actC.view() as Float64Array,
    household: hh.household,
    households: hh.households,
    householdSize: hh.size,
    householdHead: hh.head,
    places: t,
    sizing: { weekly_arrivals: plan.weekly, parties_from_demand: plan.fromDemand, population: plan.N, merchant_owners: owners.length },
  };
}

function countryCounts(country: Int32Array, C: number): number[] {
  const out = new Array<number>(C).fill(0);
  for (let i = 0; i < country.length; i++) out[country[i]]++;
  return out;
}

/**
 * Households of RETAIL parties: a country's RETAIL parties are contiguous (segments in ASCII order); each
 * opens a new household by one draw (k6aHouseholdStarts, family 6A.household: p = 1 / mean_size) or joins
 * the previous one, which is also closed at a country's first RETAIL party and at max_size members
 * (config/layer3/6A/devices.yaml household). Per party its household (−1: none); per household its size and
 * first member (the head, whose home the members share).
 */
export async function formHouseholds(
  ctx: RunContext,
  p: Policies6A,
  w: { n: number; country: Int32Array; local: Uint32Array; segment: Int32Array; segmentType: string[]; countries: string[] },
  trace: RngTrace,
): Promise<{ household: Int32Array; households: number; size: Int32Array; head: Int32Array }> {
  const n = w.n;
  const retailSeg = w.segmentType.map((t) => (t === 'RETAIL' ? 1 : 0));
  const isRetail = mapped(Uint8Array, w.segment, (s) => retailSeg[s]);
  const startC = new SharedCol('u8', n);
  const hk = SharedCol.share('u32', new FamilyKeys(ctx, FAMILIES.household).forStrings(w.countries));
  const cC = SharedCol.share('i32', w.country),
    lC = SharedCol.share('u32', w.local),
    rC = SharedCol.share('u8', isRetail);
  await runShards(ctx.pool, n, SHARD_PARTIES, ({ start: s, end: e }) =>
    k6aHouseholdStarts.task({
      n: e - s,
      pStart: 1 / p.devices.household.mean_size,
      country: cC.in(s, e),
      local: lC.in(s, e),
      keys: hk.all(),
      isRetail: rC.in(s, e),
      outStart: startC.out(s, e),
    }),
  );
  const starts = startC.view() as Uint8Array;
  const household = sharedArray(Int32Array, n).fill(-1);
  const heads: number[] = [],
    sizes: number[] = [];
  let retailN = 0;
  for (let i = 0; i < n; i++) {
    if (!isRetail[i]) continue;
    retailN++;
    const first = i === 0 || !isRetail[i - 1] || w.country[i - 1] !== w.country[i];
    if (first || starts[i] || sizes[sizes.length - 1] >= p.devices.household.max_size) {
      heads.push(i);
      sizes.push(0);
    }
    household[i] = heads.length - 1;
    sizes[sizes.length - 1]++;
  }
  trace.addTotals(FAMILIES.household, w.countries.length, retailN, retailN, retailN, 1);
  const size = sharedArray(Int32Array, sizes.length);
  size.set(sizes);
  return { household, households: heads.length, size, head: Int32Array.from(heads) };
}
