// 6A publishing: each state's datasets through the segment's writer, in (country, segment) cell order.
import type { RunContext } from '../../engine/context.js';
import type { DictCol } from '../../io/tables.js';
import type { Policies6A } from './policies.js';
import type { Accounts6A, Instruments6A, Parties6A } from './world.js';

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
