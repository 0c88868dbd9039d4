// 6A.S3 instruments: every account's bank handle on its country's rail; for card-carrying accounts a
// physical card, an extra virtual card and a wallet token by one decision each, with the scheme of the
// owner's region, expiry and wallet network (k6aCredentials on the pool); then ids (k6aIds), card
// numbers (test-range BINs per scheme, country and tier, Luhn-valid) and expiry months.
import { createHash } from 'node:crypto';
import { mapped } from './gather.js';
import type { RunContext } from '../../engine/context.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import { aliasBuild } from '../../rng/alias.js';
import { SharedCol, sharedArray } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aCardNumbers, k6aCardProfile, k6aCredentials, k6aIds, k6aInstruments } from '../../kernels/6A.js';
import { loadCountries } from '../../reference/countries.js';
import { FILES, type Policies6A } from './policies.js';
import { idRoundKeys } from '../../laws/ids.js';
import { aliasTables, tilted } from './mix.js';
import { FAMILIES, SHARD_ACCOUNTS, type Accounts6A, type Instruments6A, type Parties6A } from './world.js';

const DAY_MS = 86_400_000;
/** Multiplier of the card serial bijection: prime to 10, so r ↦ (r·STEP + c) mod 10^m permutes [0, 10^m). */
const SERIAL_STEP = 7919;
/** Card kinds as the kernel codes them. */
const KIND = { NONE: 0, DEBIT: 1, CREDIT: 2 } as const;

/** The kernel's per-segment and per-kind probabilities, scheme tables (region × kind) and wallet table. */
export function credentialTables(p: Policies6A, segments: readonly string[], regions: readonly string[]) {
  const ins = p.instruments;
  const segOf = (id: string) => p.taxonomy.segments.find((s) => s.id === id)!;
  const schemes = p.taxonomy.schemes.CARD_NETWORK;
  // one table per region × kind (DEBIT, CREDIT), in that order
  const st = aliasTables(
    regions.flatMap((r) => [ins.scheme_mix.DEBIT[r], ins.scheme_mix.CREDIT[r]]),
    (s) => schemes.indexOf(s),
  );
  const wallets = p.taxonomy.schemes.WALLET_NETWORK;
  const wt = aliasBuild(wallets.map((wn) => ins.wallet_mix[wn] ?? 0));
  return {
    pPhysKind: Float64Array.of(0, ins.physical.DEBIT, ins.physical.CREDIT),
    pVirtSeg: mapped(Float64Array, segments, (s) => tilted(ins.virtual.base, ins.virtual.tilt, ins.virtual.max_p, segOf(s))),
    pWalletSeg: mapped(Float64Array, segments, (s) => tilted(ins.wallet.base, ins.wallet.tilt, ins.wallet.max_p, segOf(s))),
    schemes: st,
    schemeOff: st.off,
    schemeProb: st.prob,
    schemeAlias: st.alias,
    schemeCode: st.code,
    walletProb: wt.prob,
    walletAlias: wt.alias,
  };
}

/** The rail of a bank account in `iso`: by country, else by its currency, else the default. */
export function railOf(p: Policies6A, iso: string, currency: string): string {
  const r = p.instruments.rails;
  return r.by_country[iso] ?? r.by_currency[currency] ?? r.default;
}

/**
 * The 6-digit BIN candidate of (scheme, issuing country, card kind, tier) at `attempt`: a scheme prefix
 * completed by a digest (a name, not a draw); binTable takes the first attempt no other product holds.
 */
export function binOf(p: Policies6A, scheme: string, iso: string, kind: string, tier: string, attempt = 0): string {
  const cn = p.instruments.card_numbers[scheme];
  const h = createHash('sha256')
    .update(`fraudworld.bin.v1|${scheme}|${iso}|${kind}|${tier}${attempt ? `|${attempt}` : ''}`)
    .digest();
  const prefix = cn.prefixes[h[0] % cn.prefixes.length];
  let digits = '';
  for (let i = 1; digits.length < 6 - prefix.length; i++) digits += String(h[i] % 10);
  return prefix + digits;
}

/**
 * The BIN of every card product, indexed ((scheme · C + country) · 2 + credit) · T + tier (C countries,
 * T brand tiers; −1 for a non-card scheme): one issuer product per BIN. Products take their BINs in that
 * fixed order, each its first candidate (binOf) no earlier product holds — whatever cards the world has.
 */
export function binTable(p: Policies6A, schemes: readonly string[], countries: readonly string[]): Int32Array {
  const T = p.taxonomy.brand_tiers.length;
  const C = countries.length;
  const out = new Int32Array(schemes.length * C * 2 * T).fill(-1);
  const taken = new Set<number>();
  schemes.forEach((scheme, sc) => {
    if (!p.instruments.card_numbers[scheme]) return;
    for (let c = 0; c < C; c++)
      for (let credit = 0; credit < 2; credit++)
        for (let t = 0; t < T; t++) {
          let b = -1;
          for (let attempt = 0; b < 0 || taken.has(b); attempt++) {
            if (attempt > 1000)
              fail(
                ErrorCodes.CONFIG_SCHEMA_VIOLATION,
                `no free BIN for ${scheme} ${countries[c]}`,
                `${FILES.instruments}: card_numbers.${scheme}`,
                'give the scheme more prefixes',
              );
            b = Number(binOf(p, scheme, countries[c], credit ? 'CREDIT' : 'DEBIT', p.taxonomy.brand_tiers[t], attempt));
          }
          taken.add(b);
          out[((sc * C + c) * 2 + credit) * T + t] = b;
        }
  });
  return out;
}

/** Instruments per card-profile task (each task copies the per-account and per-party tables once). */
const SHARD_INSTRUMENTS = 1 << 21;

export async function s3Instruments(ctx: RunContext, p: Policies6A, w: Parties6A, a: Accounts6A, trace: RngTrace): Promise<Instruments6A> {
  const A = a.n;
  const regions = [...new Set(w.countryRegion)].sort();
  const countryRegion = mapped(Int32Array, w.countryRegion, (r) => regions.indexOf(r));
  const cardOfType = a.types.map((t) => p.taxonomy.account_types.find((x) => x.id === t)!.card);
  const kind = mapped(Uint8Array, a.type, (t) => KIND[cardOfType[t]]);
  const tabs = credentialTables(p, w.segments, regions);
  const keys = new FamilyKeys(ctx, FAMILIES.credentials).forStrings(w.countries);
  const col = {
    country: SharedCol.share(
      'i32',
      mapped(Int32Array, a.owner, (i) => w.country[i]),
    ),
    local: SharedCol.share('u32', a.local),
    seg: SharedCol.share(
      'i32',
      mapped(Int32Array, a.owner, (i) => w.segment[i]),
    ),
    kind: SharedCol.share('u8', kind),
  };
  const t = {
    keys: SharedCol.share('u32', keys),
    countryRegion: SharedCol.share('i32', countryRegion),
    pPhysKind: SharedCol.share('f64', tabs.pPhysKind),
    pVirtSeg: SharedCol.share('f64', tabs.pVirtSeg),
    pWalletSeg: SharedCol.share('f64', tabs.pWalletSeg),
    schemeOff: SharedCol.share('i32', tabs.schemeOff),
    schemeProb: SharedCol.share('f64', tabs.schemeProb),
    schemeAlias: SharedCol.share('i32', tabs.schemeAlias),
    schemeCode: SharedCol.share('i32', tabs.schemeCode),
    walletProb: SharedCol.share('f64', tabs.walletProb),
    walletAlias: SharedCol.share('i32', tabs.walletAlias),
  };
  const flagsC = new SharedCol('u8', A),
    schemeC = new SharedCol('i32', A),
    walletC = new SharedCol('i32', A),
    expiryC = new SharedCol('i32', A);
  await runShards(
    ctx.pool,
    A,
    SHARD_ACCOUNTS,
    ({ start: s, end: e }) =>
      k6aCredentials.task({
        n: e - s,
        expiryMax: p.instruments.expiry_months_max,
        nWallet: tabs.walletProb.length,
        country: col.country.in(s, e),
        local: col.local.in(s, e),
        seg: col.seg.in(s, e),
        kind: col.kind.in(s, e),
        keys: t.keys.all(),
        countryRegion: t.countryRegion.all(),
        pPhysKind: t.pPhysKind.all(),
        pVirtSeg: t.pVirtSeg.all(),
        pWalletSeg: t.pWalletSeg.all(),
        schemeOff: t.schemeOff.all(),
        schemeProb: t.schemeProb.all(),
        schemeAlias: t.schemeAlias.all(),
        schemeCode: t.schemeCode.all(),
        walletProb: t.walletProb.all(),
        walletAlias: t.walletAlias.all(),
        outFlags: flagsC.out(s, e),
        outScheme: schemeC.out(s, e),
        outWallet: walletC.out(s, e),
        outExpiry: expiryC.out(s, e),
      }),
    ctx.progress.stage('6A S3 credentials', A, 'accounts'),
  );
  const flags = flagsC.view() as Uint8Array;
  let cardAccounts = 0;
  for (let r = 0; r < A; r++) if (kind[r]) cardAccounts++;
  trace.addTotals(FAMILIES.credentials, w.countries.length, 6 * cardAccounts, 3 * cardAccounts, cardAccounts, 3);

  // instrument types, in taxonomy order, and the scheme vocabulary (cards, rails, wallets)
  const itypes = p.taxonomy.instrument_types.map((x) => x.id);
  const schemes = [...p.taxonomy.schemes.CARD_NETWORK, ...p.taxonomy.schemes.BANK_RAIL, ...p.taxonomy.schemes.WALLET_NETWORK];
  const nCard = p.taxonomy.schemes.CARD_NETWORK.length,
    nRail = p.taxonomy.schemes.BANK_RAIL.length;
  const typeCode = (id: string) => itypes.indexOf(id);
  // card type codes by (business owner, debit, physical): looked up per card, named once here
  const cardTypeCode = new Int32Array(8);
  for (const biz of [0, 1])
    for (const debit of [0, 1])
      for (const phys of [0, 1])
        cardTypeCode[biz * 4 + debit * 2 + phys] = typeCode(
          `${biz ? 'BUSINESS' : 'RETAIL'}_${debit ? 'DEBIT' : 'CREDIT'}_CARD_${phys ? 'PHYSICAL' : 'VIRTUAL'}`,
        );
  const segBiz = w.segmentType.map((t) => (t === 'BUSINESS' ? 1 : 0));
  const ref = loadCountries().byIso;
  const railCode = w.countries.map((c) => nCard + p.taxonomy.schemes.BANK_RAIL.indexOf(railOf(p, c, ref.get(c)?.currency ?? '')));
  // instruments per account (a handle, then one per flag bit) and each account's first instrument
  const insOff = new Int32Array(A + 1);
  for (let r = 0; r < A; r++) {
    const f = flags[r];
    insOff[r + 1] = insOff[r] + 1 + (f & 1) + ((f >> 1) & 1) + ((f >> 2) & 1);
  }
  const I = insOff[A];
  const accountC = new SharedCol('i32', I),
    typeC = new SharedCol('i32', I),
    schemeOfC = new SharedCol('i32', I),
    fundingC = new SharedCol('i32', I),
    expiryOfC = new SharedCol('i32', I);
  const ic = {
    flags: flagsC,
    scheme: schemeC,
    wallet: walletC,
    expiry: expiryC,
    kind: col.kind,
    settled: SharedCol.share(
      'u8',
      mapped(Uint8Array, a.merchant, (m) => (m !== 0n ? 1 : 0)),
    ),
    owner: SharedCol.share('i32', a.owner),
    partyRail: SharedCol.share(
      'i32',
      mapped(Int32Array, w.country, (c) => railCode[c]),
    ),
    partyBiz: SharedCol.share(
      'u8',
      mapped(Uint8Array, w.segment, (sg) => segBiz[sg]),
    ),
    cardType: SharedCol.share('i32', cardTypeCode),
  };
  await runShards(ctx.pool, A, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
    k6aInstruments.task({
      n: e - s,
      first: s,
      firstIns: insOff[s],
      payout: typeCode('MERCHANT_PAYOUT_BANK_ACCOUNT'),
      handle: typeCode('PARTY_BANK_ACCOUNT'),
      token: typeCode('WALLET_DEVICE_TOKEN'),
      walletBase: nCard + nRail,
      debitKind: KIND.DEBIT,
      flags: ic.flags.in(s, e),
      scheme: ic.scheme.in(s, e),
      wallet: ic.wallet.in(s, e),
      expiry: ic.expiry.in(s, e),
      kind: ic.kind.in(s, e),
      settled: ic.settled.in(s, e),
      owner: ic.owner.in(s, e),
      partyRail: ic.partyRail.all(),
      partyBiz: ic.partyBiz.all(),
      cardType: ic.cardType.all(),
      outAccount: accountC.out(insOff[s], insOff[e]),
      outType: typeC.out(insOff[s], insOff[e]),
      outScheme: schemeOfC.out(insOff[s], insOff[e]),
      outFunding: fundingC.out(insOff[s], insOff[e]),
      outExpiry: expiryOfC.out(insOff[s], insOff[e]),
    }),
  );
  const account = accountC.view() as Int32Array,
    type = typeC.view() as Int32Array,
    schemeOf = schemeOfC.view() as Int32Array,
    funding = fundingC.view() as Int32Array,
    expiryOf = expiryOfC.view() as Int32Array;
  const rk = idRoundKeys(ctx, 'instrument');
  const idC = new SharedCol('u64', I);
  await runShards(ctx.pool, I, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
    k6aIds.task({ n: e - s, first: s, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], outId: idC.out(s, e) }),
  );
  const id = idC.view() as BigUint64Array;
  // card numbers (k6aCardNumbers): a test-range BIN of (scheme, country, kind, tier), the id's low digits, a Luhn digit
  const bt = p.instruments.brand_tier;
  // per-row lookups by number: the tier of (account type, segment, party type) and the BIN of (scheme,
  // country, card kind, tier) are computed once per combination
  const T = p.taxonomy.brand_tiers.length;
  const S = w.segments.length;
  // tier code of (account type, owner segment): the account type's tier, else the segment's or party type's
  const tierOf = new Int32Array(a.types.length * S);
  a.types.forEach((at, t) =>
    w.segments.forEach((sid, sIdx) => {
      tierOf[t * S + sIdx] = p.taxonomy.brand_tiers.indexOf(bt.by_account_type[at] ?? bt.by_segment[sid] ?? bt.by_party_type[w.segmentType[sIdx]]);
    }),
  );
  const CLASS = { BANK_ACCOUNT: 0, CARD: 1, TOKEN: 2 } as const;
  // the first day of the month m months after the as-of day, for every m a card may have (k6aCredentials: 1..max)
  const expiryMonth = Int32Array.from({ length: p.instruments.expiry_months_max + 1 }, (_, m) => monthAfter(a.asOfDay, m));
  const pc = {
    type: SharedCol.share('i32', type),
    account: SharedCol.share('i32', account),
    scheme: SharedCol.share('i32', schemeOf),
    expiry: SharedCol.share('i32', expiryOf),
    accType: SharedCol.share('i32', a.type),
    accOwner: SharedCol.share('i32', a.owner),
    partySeg: SharedCol.share('i32', w.segment),
    partyCountry: SharedCol.share('i32', w.country),
    classOf: SharedCol.share(
      'i32',
      p.taxonomy.instrument_types.map((x) => CLASS[x.class]),
    ),
    creditOf: SharedCol.share(
      'i32',
      p.taxonomy.instrument_types.map((x) => (x.card === 'DEBIT' ? 0 : 1)),
    ),
    tierOf: SharedCol.share('i32', tierOf),
    expiryMonth: SharedCol.share('i32', expiryMonth),
    // BIN of (scheme, country, credit, tier): one product per BIN
    bins: SharedCol.share('i32', binTable(p, schemes, w.countries)),
    lenOf: SharedCol.share(
      'i32',
      schemes.map((sc) => p.instruments.card_numbers[sc]?.length ?? 0),
    ),
  };
  const tierC = new SharedCol('i32', I),
    dayC = new SharedCol('i32', I),
    binC = new SharedCol('i32', I),
    lenC = new SharedCol('i32', I);
  await runShards(ctx.pool, I, SHARD_INSTRUMENTS, ({ start: s, end: e }) =>
    k6aCardProfile.task({
      n: e - s,
      S,
      C: w.countries.length,
      T,
      type: pc.type.in(s, e),
      account: pc.account.in(s, e),
      scheme: pc.scheme.in(s, e),
      expiry: pc.expiry.in(s, e),
      accType: pc.accType.all(),
      accOwner: pc.accOwner.all(),
      partySeg: pc.partySeg.all(),
      partyCountry: pc.partyCountry.all(),
      classOf: pc.classOf.all(),
      creditOf: pc.creditOf.all(),
      tierOf: pc.tierOf.all(),
      expiryMonth: pc.expiryMonth.all(),
      bins: pc.bins.all(),
      lenOf: pc.lenOf.all(),
      outTier: tierC.out(s, e),
      outExpiryDay: dayC.out(s, e),
      outBin: binC.out(s, e),
      outLen: lenC.out(s, e),
    }),
  );
  const tier = tierC.view() as Int32Array,
    expiryDay = dayC.view() as Int32Array,
    bin = binC.view() as Int32Array,
    len = lenC.view() as Int32Array;
  let nCards = 0;
  for (let q = 0; q < I; q++) if (len[q] > 0) nCards++;
  const cards = sharedArray(Int32Array, nCards);
  for (let q = 0, k = 0; q < I; q++) if (len[q] > 0) cards[k++] = q;
  // the digits after the BIN: the card's rank among its BIN's cards (every BIN, whatever groups share it),
  // scrambled by an affine bijection of [0, 10^m): unique within the BIN, in no visible order
  const rankOf = new Int32Array(1_000_000); // BINs have six digits
  const serial = sharedArray(Uint32Array, cards.length);
  const [sk0] = new FamilyKeys(ctx, '6A.card_serial').forString('card');
  for (let k = 0; k < cards.length; k++) {
    const q = cards[k];
    const m = 10 ** (len[q] - 7);
    const r = rankOf[bin[q]];
    if (r >= m)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `BIN ${bin[q]} would need more than ${m} card numbers`,
        `${ctx.pack.dir}/${FILES.instruments}: card_numbers`,
        'give the scheme more prefixes or a longer card number',
      );
    rankOf[bin[q]] = r + 1;
    serial[k] = (r * SERIAL_STEP + (sk0 % m)) % m;
  }
  const numC = new SharedCol('u64', cards.length);
  const nc = {
    bin: SharedCol.share(
      'i32',
      mapped(Int32Array, cards, (q) => bin[q]),
    ),
    len: SharedCol.share(
      'i32',
      mapped(Int32Array, cards, (q) => len[q]),
    ),
    serial: SharedCol.share('u32', serial),
  };
  await runShards(ctx.pool, cards.length, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
    k6aCardNumbers.task({ n: e - s, bin: nc.bin.in(s, e), len: nc.len.in(s, e), serial: nc.serial.in(s, e), outNumber: numC.out(s, e) }),
  );
  // scatter to the instruments as 32-bit word pairs (a BigInt per card would be seconds at 10^7 cards)
  const cardNumber = sharedArray(BigInt64Array, I);
  const nums = numC.view() as BigUint64Array;
  const from = new Uint32Array(nums.buffer, 0, 2 * cards.length),
    to = new Uint32Array(cardNumber.buffer, 0, 2 * I);
  for (let k = 0; k < cards.length; k++) {
    to[2 * cards[k]] = from[2 * k];
    to[2 * cards[k] + 1] = from[2 * k + 1];
  }
  return {
    n: I,
    types: itypes,
    schemes,
    account,
    type,
    scheme: schemeOf,
    funding,
    expiryMonths: expiryOf,
    id,
    asOfDay: a.asOfDay,
    tier,
    bin,
    expiryDay,
    cardNumber,
  };
}

/** First day (days since 1970-01-01) of the month `months` after the month of `day`. */
export function monthAfter(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) / DAY_MS;
}
