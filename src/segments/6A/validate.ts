// 6A.S5 checks and the gate: structure and conservation from the arrays that produced the outputs,
// realism corridors, a replay of sampled entities through the TypeScript reference, then the seal
// (flag only when every required check passed).
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import type { RunContext } from '../../engine/context.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import type { Inputs6A } from './inputs.js';
import type { Policies6A } from './policies.js';
import { FAMILIES, REPLAY, SHARD_ACCOUNTS, type Accounts6A, type Instruments6A, type Network6A, type Parties6A, type Roles6A } from './world.js';
import { KINDS, roleTables } from './s5_roles.js';
import { gateFor } from '../../contracts/dictionary.js';
import { dictEncode } from '../../io/tables.js';
import type { SealedInput } from '../../engine/context.js';
import type { Check } from '../../engine/checks.js';
import { accessRef, accountCountsRef, accountOpenRef, credentialsRef, deviceIpsRef, devicesRef, householdStartRef, partyRef, roleRef } from './kernels_ref.js';
import { deviceTables } from './s4_network.js';
import { tableAt } from './mix.js';
import { contiguousRows, mapped } from './gather.js';
import { credentialTables } from './s3_instruments.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aCardCheck, k6aIdCheck } from '../../kernels/6A.js';
import { entityId, idRoundKeys } from '../../laws/ids.js';
import { drawnTypes, holdTable } from './s2_accounts.js';
import type { Corridor } from './policies.js';

export interface Built6A {
  p: Policies6A;
  inputs: Inputs6A;
  parties: Parties6A;
  accounts: Accounts6A;
  instruments: Instruments6A;
  network: Network6A;
  roles: Roles6A;
  /** what S0 sealed (the upstream gates' digests go into the S5 report) */
  sealed: SealedInput[];
  trace: RngTrace;
}

/** The spec version the S5 report names (upstream's field spec_version_6A). */
export const SPEC_VERSION_6A = 'fraudworld-6A-1';

/** Repeated values among card numbers (a sorted typed copy: no per-value objects at 10^7 numbers). */
function repeats(ids: BigUint64Array): number {
  // bucket by the top 21 bits; inside a bucket the other 43 bits are exact as a double, and the
  // buckets are small enough to sort natively (sorting 10^7 bigints took seconds)
  const n = ids.length;
  const w = new Uint32Array(ids.buffer, ids.byteOffset, 2 * n);
  const B = 1 << 21;
  const start = new Int32Array(B + 1);
  for (let i = 0; i < n; i++) start[(w[2 * i + 1] >>> 11) + 1]++;
  for (let b = 0; b < B; b++) start[b + 1] += start[b];
  const fill = start.slice(0, B);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[fill[w[2 * i + 1] >>> 11]++] = (w[2 * i + 1] & 0x7ff) * 2 ** 32 + w[2 * i];
  let dup = 0;
  for (let b = 0; b < B; b++) {
    if (start[b + 1] - start[b] < 2) continue;
    const s = keys.subarray(start[b], start[b + 1]).sort();
    for (let i = 1; i < s.length; i++) if (s[i] === s[i - 1]) dup++;
  }
  return dup;
}

const SHARD_ID_CHECK = 1 << 20;

/**
 * Ids of one kind that are not the keyed bijection of their dense index (k6aIdCheck on the pool).
 * Equal to the bijection means unique and inside [1, 2^62]: no sort of 10^7 ids on the main thread.
 */
async function idsOff(ctx: RunContext, ids: BigUint64Array, kind: string): Promise<number> {
  const rk = idRoundKeys(ctx, kind);
  const idC = SharedCol.share('u64', ids);
  const bad = new SharedCol('i32', Math.ceil(ids.length / SHARD_ID_CHECK));
  await runShards(ctx.pool, ids.length, SHARD_ID_CHECK, ({ start: s, end: e, k }) =>
    k6aIdCheck.task({ n: e - s, first: s, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], id: idC.in(s, e), outBad: bad.out(k, k + 1) }),
  );
  let off = 0;
  for (const b of bad.view() as Int32Array) off += b;
  return off;
}

/** Let finished parts land and waiting ones start: the checks share the main thread with the encode queue. */
const breathe = () => new Promise<void>((go) => setImmediate(go));

/** Checks, replays and the seal; `rows` (what the publishes wrote) is awaited only for the seal, so the checks run while parts still encode. */
export async function validate6A(ctx: RunContext, w: Built6A, published: Promise<Record<string, number>>): Promise<void> {
  const stage = ctx.progress.stage('6A S5 validation', 10, 'checks');
  const checks = new Checks();
  const metrics = await checkParties(ctx, w, checks);
  stage.tick(1);
  await breathe();
  Object.assign(metrics, await checkAccounts(ctx, w, checks));
  stage.tick(1);
  await breathe();
  Object.assign(metrics, await checkInstruments(ctx, w, checks));
  stage.tick(1);
  await breathe();
  Object.assign(metrics, await checkNetwork(ctx, w, checks));
  stage.tick(1);
  await breathe();
  Object.assign(metrics, checkRoles(w, checks));
  stage.tick(1);
  const replay: Record<string, unknown> = {};
  for (const r of [replayParties, replayAccounts, replayCredentials, replayNetwork, replayRoles]) {
    await breathe();
    Object.assign(replay, r(ctx, w, checks));
  }
  stage.tick(5);
  // the catalogued report and issue table are bundle members, written from the final checks
  const report = s5Report(ctx, w, checks);
  const issues = await s5IssueTable(ctx, checks);
  const rows = await published;
  await sealSegment(ctx, {
    checks,
    rows,
    trace: w.trace,
    files: { 'realism_6A.json': { segment: '6A', metrics }, 'rng_replay.json': replay, 's5_validation_report_6A.json': report },
    raw: { 's5_issue_table_6A.parquet': issues },
  });
  stage.done();
}

async function checkParties(ctx: RunContext, w: Built6A, checks: Checks): Promise<Record<string, number>> {
  const { parties: pt, inputs: inp } = w;
  const n = pt.n;
  const off = await idsOff(ctx, pt.id, 'party');
  checks.add(
    'S1_PARTY_ID_UNIQUE',
    off === 0,
    `${n} party ids: ${off} not the keyed bijection of their index (so possibly repeated or out of range)`,
    true,
    off,
  );
  // every merchant owned by exactly one party of its home country
  const owned = new Map<bigint, number>();
  let wrongHome = 0;
  const home = new Map<bigint, string>();
  for (let m = 0; m < inp.merchant.length; m++) home.set(inp.merchant[m], inp.merchantHome[m]);
  for (let i = 0; i < n; i++) {
    const m = pt.ownedMerchant[i];
    if (m === 0n) continue;
    owned.set(m, (owned.get(m) ?? 0) + 1);
    if (home.get(m) !== pt.countries[pt.country[i]] || pt.segmentType[pt.segment[i]] !== 'BUSINESS') wrongHome++;
  }
  const unowned = inp.merchant.filter((m) => owned.get(m) !== 1).length;
  checks.add(
    'S1_MERCHANT_OWNERS',
    unowned === 0 && wrongHome === 0 && owned.size === inp.merchant.length,
    `${inp.merchant.length} merchants: ${unowned} without exactly one owner, ${wrongHome} owners not a BUSINESS party of the merchant's home country`,
    true,
    unowned + wrongHome,
  );
  // households: RETAIL parties only, consecutive members of one country, each at its head's home
  let badHousehold = 0;
  for (let i = 0; i < n; i++) {
    const h = pt.household[i];
    const retail = pt.segmentType[pt.segment[i]] === 'RETAIL';
    if (h < 0) {
      if (retail) badHousehold++;
      continue;
    }
    const head = pt.householdHead[h];
    if (!retail || head > i || i - head >= pt.householdSize[h] || pt.country[head] !== pt.country[i]) badHousehold++;
    else if (pt.homeLat[i] !== pt.homeLat[head] || pt.homeLon[i] !== pt.homeLon[head]) badHousehold++;
  }
  checks.add(
    'S1_HOUSEHOLD_HOMES',
    badHousehold === 0,
    `${pt.households} households: ${badHousehold} parties outside a RETAIL household of their country, or not at its head's home`,
    true,
    badHousehold,
  );
  const population = n - owned.size;
  checks.add(
    'S1_POPULATION_SIZE',
    population === pt.sizing.population,
    `${population} parties besides merchant owners; the sizing law asked for ${pt.sizing.population} (weekly arrivals ${pt.sizing.weekly_arrivals.toFixed(1)})`,
  );
  let business = 0,
    badHome = 0,
    actSum = 0;
  for (let i = 0; i < n; i++) {
    if (pt.ownedMerchant[i] === 0n && pt.segmentType[pt.segment[i]] === 'BUSINESS') business++;
    if (!(Math.abs(pt.homeLat[i]) <= 90 && pt.homeLon[i] >= -180 && pt.homeLon[i] < 180)) badHome++;
    actSum += pt.activity[i];
  }
  checks.add('S1_HOME_COORDINATES', badHome === 0, `${badHome} homes outside lat [-90, 90], lon [-180, 180)`, true, badHome);
  void ctx;
  return {
    parties: n,
    population,
    merchant_owners: owned.size,
    business_share_population: population > 0 ? business / population : 0,
    countries: new Set(pt.country).size,
    activity_weight_mean: n > 0 ? actSum / n : 0,
    parties_per_weekly_arrival: pt.sizing.weekly_arrivals > 0 ? population / pt.sizing.weekly_arrivals : 0,
  };
}

/** Re-derive sampled parties with the TypeScript reference: the kernel's bytes must be the law's. */
function replayParties(ctx: RunContext, w: Built6A, checks: Checks) {
  const pt = w.parties;
  const t = pt.places;
  const rk = idRoundKeys(ctx, 'party');
  const step = Math.max(1, Math.floor(pt.n / REPLAY));
  let sampled = 0,
    diff = 0;
  const ref = (i: number) => partyRef(i, pt.country[i], pt.local[i], rk, t, w.p.population.home.jitter_km, w.p.population.home.activity_sigma);
  for (let i = 0; i < pt.n; i += step) {
    const r = ref(i);
    // a household member lives at its head's home: the head's draw
    const h = pt.household[i];
    const home = h >= 0 && pt.householdHead[h] !== i ? ref(pt.householdHead[h]) : r;
    sampled++;
    if (r.id !== pt.id[i] || home.lat !== pt.homeLat[i] || home.lon !== pt.homeLon[i] || r.activity !== pt.activity[i]) diff++;
  }
  checks.add('S1_RNG_REPLAY', diff === 0, `${sampled} sampled parties re-derived by the TypeScript reference: ${diff} differ`, true, diff);
  return { parties: { sampled, differing: diff } };
}

/** A corridor check on a measured value (policy corridors: min ≤ value ≤ max). */
function corridor(checks: Checks, id: string, value: number, c: Corridor | undefined): void {
  if (!c) return;
  checks.add(id, value >= c.min && value <= c.max, `${value.toFixed(4)} in [${c.min}, ${c.max}]`, c.required);
}

async function checkAccounts(ctx: RunContext, w: Built6A, checks: Checks): Promise<Record<string, number>> {
  const { parties: pt, accounts: a, p } = w;
  const off = await idsOff(ctx, a.id, 'account');
  checks.add('S2_ACCOUNT_ID_UNIQUE', off === 0, `${a.n} account ids: ${off} not the keyed bijection of their index`, true, off);
  // per owner: counts by type within the caps, the required deposit account present, one settlement account per merchant owner
  const T = a.types.length;
  const per = new Uint16Array(pt.n * T);
  for (let r = 0; r < a.n; r++) per[a.owner[r] * T + a.type[r]]++;
  const settleT = T - 1;
  const rules = a.types.map((t) => p.products.types[t]);
  const req = a.types.map((t) => (p.products.types[t]?.required ? 1 : 0));
  const ownerOf = a.types.map((t) => p.taxonomy.account_types.find((x) => x.id === t)!.owner);
  let overCap = 0,
    noRequired = 0,
    badSettle = 0,
    wrongOwner = 0;
  // per party type: parties, accounts, and parties holding each account family (a bit per family)
  const families = [...new Set(p.taxonomy.account_types.map((x) => x.family))];
  const famBit = a.types.map((t) => {
    const at = p.taxonomy.account_types.find((x) => x.id === t);
    return at ? 1 << families.indexOf(at.family) : 0;
  });
  const ptypes = [...new Set(pt.segmentType)];
  const typeOfSeg = pt.segmentType.map((t) => ptypes.indexOf(t));
  const accountsN = new Float64Array(ptypes.length),
    partiesN = new Float64Array(ptypes.length),
    heldN = new Float64Array(ptypes.length * families.length);
  for (let i = 0; i < pt.n; i++) {
    const ti = typeOfSeg[pt.segment[i]];
    const ty = ptypes[ti];
    const owner = pt.ownedMerchant[i] !== 0n;
    let total = 0,
      hasReq = false,
      famHeld = 0;
    for (let t = 0; t < T; t++) {
      const k = per[i * T + t];
      total += t === settleT ? 0 : k;
      if (t === settleT) {
        if (k !== (owner ? 1 : 0)) badSettle++;
        continue;
      }
      if (k > 0 && ownerOf[t] !== ty) wrongOwner++;
      if (k > rules[t].max) overCap++;
      if (k > 0 && req[t] && ownerOf[t] === ty) hasReq = true;
      if (k > 0) famHeld |= famBit[t];
    }
    if (!hasReq) noRequired++;
    if (owner) continue; // merchant owners are measured with the business population below only through their own products
    accountsN[ti] += total;
    partiesN[ti]++;
    for (let f = 0; f < families.length; f++) if (famHeld & (1 << f)) heldN[ti * families.length + f]++;
  }
  const accountsOf = new Map<string, number>(),
    partiesOf = new Map<string, number>(),
    held = new Map<string, number>();
  ptypes.forEach((ty, ti) => {
    if (!partiesN[ti]) return;
    accountsOf.set(ty, accountsN[ti]);
    partiesOf.set(ty, partiesN[ti]);
    families.forEach((f, fi) => {
      if (heldN[ti * families.length + fi]) held.set(`${ty}.${f}`, heldN[ti * families.length + fi]);
    });
  });
  checks.add(
    'S2_COUNT_CAPS',
    overCap === 0 && wrongOwner === 0,
    `${overCap} (party, type) counts above the type's max; ${wrongOwner} accounts of another party type`,
    true,
    overCap + wrongOwner,
  );
  checks.add('S2_REQUIRED_ACCOUNT', noRequired === 0, `${noRequired} parties without their party type's required deposit account`, true, noRequired);
  checks.add(
    'S2_SETTLEMENT_ACCOUNTS',
    badSettle === 0,
    `${badSettle} parties whose settlement accounts are not exactly one per owned merchant`,
    true,
    badSettle,
  );
  const ratio = (ty: string) => (partiesOf.get(ty) ? accountsOf.get(ty)! / partiesOf.get(ty)! : 0);
  const pen = (ty: string, fam: string) => (partiesOf.get(ty) ? (held.get(`${ty}.${fam}`) ?? 0) / partiesOf.get(ty)! : 0);
  const m = {
    accounts: a.n,
    accounts_per_retail_party: ratio('RETAIL'),
    accounts_per_business_party: ratio('BUSINESS'),
    retail_credit_card_penetration: pen('RETAIL', 'CREDIT_CARD'),
    retail_deposit_penetration: pen('RETAIL', 'DEPOSIT'),
    retail_savings_penetration: pen('RETAIL', 'SAVINGS'),
    retail_loan_penetration: pen('RETAIL', 'LOAN'),
  };
  const c = p.products.corridors;
  // corridors over a population too small to measure are reported, not enforced
  if ((partiesOf.get('RETAIL') ?? 0) >= 200) {
    corridor(checks, 'S2_ACCOUNTS_PER_RETAIL_PARTY', m.accounts_per_retail_party, c.accounts_per_retail_party);
    corridor(checks, 'S2_RETAIL_CREDIT_CARD_PENETRATION', m.retail_credit_card_penetration, c.retail_credit_card_penetration);
    corridor(checks, 'S2_RETAIL_DEPOSIT_PENETRATION', m.retail_deposit_penetration, c.retail_deposit_penetration);
  }
  if ((partiesOf.get('BUSINESS') ?? 0) >= 200) corridor(checks, 'S2_ACCOUNTS_PER_BUSINESS_PARTY', m.accounts_per_business_party, c.accounts_per_business_party);
  return m;
}

/** Sampled parties' counts and sampled accounts' opening days re-derived by the TypeScript reference. */
function replayAccounts(ctx: RunContext, w: Built6A, checks: Checks) {
  const { parties: pt, accounts: a, p } = w;
  const types = drawnTypes(p);
  const T = types.length;
  const hold = holdTable(p, pt.segments);
  const extra = types.map((t) => p.products.types[t].extra_mean);
  const max = types.map((t) => p.products.types[t].max);
  const ck = new FamilyKeys(ctx, FAMILIES.accountCount).forStrings(pt.countries);
  // an owner's accounts are contiguous (party order)
  const accountsOf = contiguousRows(a.owner, pt.n);
  const countsOf = (i: number) => {
    const v = new Array<number>(T).fill(0);
    for (const r of accountsOf(i)) if (a.type[r] < T) v[a.type[r]]++;
    return v;
  };
  const step = Math.max(1, Math.floor(pt.n / REPLAY));
  let sampled = 0,
    diff = 0;
  for (let i = 0; i < pt.n; i += step) {
    const c = pt.country[i];
    const r = accountCountsRef([ck[2 * c], ck[2 * c + 1]], pt.local[i], hold.subarray(pt.segment[i] * T, (pt.segment[i] + 1) * T), extra, max);
    sampled++;
    if (r.counts.join() !== countsOf(i).join()) diff++;
  }
  checks.add(
    'S2_RNG_REPLAY_COUNTS',
    diff === 0,
    `${sampled} sampled parties' account counts re-derived by the TypeScript reference: ${diff} differ`,
    true,
    diff,
  );
  const ok = new FamilyKeys(ctx, FAMILIES.accountOpen).forStrings(pt.countries);
  const stability = pt.segments.map((sid) => p.taxonomy.segments.find((x) => x.id === sid)!.stability);
  const tn = p.products.tenure_years;
  const rk = idRoundKeys(ctx, 'account');
  const astep = Math.max(1, Math.floor(a.n / REPLAY));
  let asampled = 0,
    adiff = 0;
  for (let r = 0; r < a.n; r += astep) {
    const i = a.owner[r],
      c = pt.country[i];
    const day = accountOpenRef(
      [ok[2 * c], ok[2 * c + 1]],
      a.local[r],
      a.asOfDay,
      365.25 * tn.max,
      365.25 * (tn.base + tn.per_stability * stability[pt.segment[i]]),
    );
    asampled++;
    if (day !== a.openedDay[r] || entityId(r, rk) !== a.id[r]) adiff++;
  }
  checks.add('S2_RNG_REPLAY_ACCOUNTS', adiff === 0, `${asampled} sampled accounts' ids and opening days re-derived: ${adiff} differ`, true, adiff);
  return { account_counts: { sampled, differing: diff }, accounts: { sampled: asampled, differing: adiff } };
}

async function checkInstruments(ctx: RunContext, w: Built6A, checks: Checks): Promise<Record<string, number>> {
  const { parties: pt, accounts: a, instruments: ins, p } = w;
  const off = await idsOff(ctx, ins.id, 'instrument');
  checks.add('S3_INSTRUMENT_ID_UNIQUE', off === 0, `${ins.n} instrument ids: ${off} not the keyed bijection of their index`, true, off);
  const cls = ins.types.map((id) => p.taxonomy.instrument_types.find((x) => x.id === id)!);
  const handles = new Uint8Array(a.n);
  const cardsOf = new Int32Array(pt.n),
    credsOf = new Int32Array(pt.n);
  let creditOnlyOnDebit = 0,
    badFunding = 0,
    ownerMismatch = 0;
  const creditOnly = new Set(['AMEX', 'DISCOVER']);
  // owner kinds (the party types, then MERCHANT for settlement accounts) each instrument type allows
  const kinds = [...new Set(pt.segmentType), 'MERCHANT'];
  const K = kinds.length;
  const kindOfSeg = pt.segmentType.map((t) => kinds.indexOf(t));
  const allowed = Uint8Array.from({ length: cls.length * K }, (_, k) => ((cls[Math.floor(k / K)].owners as readonly string[]).includes(kinds[k % K]) ? 1 : 0));
  for (let q = 0; q < ins.n; q++) {
    const t = cls[ins.type[q]];
    const owner = a.owner[ins.account[q]];
    if (t.class === 'BANK_ACCOUNT') handles[ins.account[q]]++;
    if (t.class === 'CARD') {
      cardsOf[owner]++;
      if (t.card === 'DEBIT' && creditOnly.has(ins.schemes[ins.scheme[q]])) creditOnlyOnDebit++;
    }
    if (t.class !== 'BANK_ACCOUNT') credsOf[owner]++;
    if (t.class === 'TOKEN') {
      const f = ins.funding[q];
      if (f < 0 || cls[ins.type[f]].class !== 'CARD' || ins.account[f] !== ins.account[q]) badFunding++;
    }
    const kind = a.merchant[ins.account[q]] !== 0n ? K - 1 : kindOfSeg[pt.segment[owner]];
    if (!allowed[ins.type[q] * K + kind]) ownerMismatch++;
  }
  // every card's number: its length, BIN and Luhn digit, independently of how k6aCardNumbers made it
  const lenOf = ins.schemes.map((sc) => p.instruments.card_numbers[sc]?.length ?? 0);
  const isCard = cls.map((t) => t.class === 'CARD');
  const numLen = mapped(Int32Array, ins.type, (t, q) => (isCard[t] ? lenOf[ins.scheme[q]] : 0));
  const numC = SharedCol.share('u64', new BigUint64Array(ins.cardNumber.buffer, ins.cardNumber.byteOffset, ins.n)),
    binC = SharedCol.share('i32', ins.bin),
    lenC = SharedCol.share('i32', numLen),
    badC = new SharedCol('u8', ins.n);
  await runShards(ctx.pool, ins.n, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
    k6aCardCheck.task({ n: e - s, number: numC.in(s, e), bin: binC.in(s, e), len: lenC.in(s, e), outBad: badC.out(s, e) }),
  );
  let badNumber = 0;
  for (const b of badC.view() as Uint8Array) badNumber += b;
  // one issuer product per BIN: a BIN's cards share scheme, issuing country, debit/credit and tier
  const productOf = new Map<number, number>();
  const mixedBins = new Set<number>();
  const T = p.taxonomy.brand_tiers.length,
    C = pt.countries.length;
  for (let q = 0; q < ins.n; q++) {
    if (!isCard[ins.type[q]]) continue;
    const product = ((ins.scheme[q] * C + pt.country[a.owner[ins.account[q]]]) * 2 + (cls[ins.type[q]].card === 'DEBIT' ? 0 : 1)) * T + ins.tier[q];
    const seen = productOf.get(ins.bin[q]);
    if (seen === undefined) productOf.set(ins.bin[q], product);
    else if (seen !== product) mixedBins.add(ins.bin[q]);
  }
  const mixed = mixedBins.size;
  checks.add(
    'S3_BIN_ONE_PRODUCT',
    mixed === 0,
    `${productOf.size} BINs: ${mixed} shared by cards of different schemes, countries, kinds or tiers`,
    true,
    mixed,
  );
  const nums = new BigUint64Array(ins.cardNumber.buffer, ins.cardNumber.byteOffset, ins.n).filter((x) => x !== 0n);
  const dupNumbers = repeats(nums);
  checks.add('S3_CARD_NUMBER_UNIQUE', dupNumbers === 0, `${nums.length} card numbers: ${dupNumbers} repeated`, true, dupNumbers);
  checks.add('S3_CARD_NUMBERS', badNumber === 0, `${badNumber} card numbers failing the Luhn check or not starting with their BIN`, true, badNumber);
  const noHandle = handles.filter((h) => h !== 1).length;
  checks.add('S3_ONE_HANDLE_PER_ACCOUNT', noHandle === 0, `${noHandle} accounts without exactly one bank account handle`, true, noHandle);
  checks.add('S3_SCHEMES', creditOnlyOnDebit === 0, `${creditOnlyOnDebit} debit cards on a credit-only network (AMEX, DISCOVER)`, true, creditOnlyOnDebit);
  checks.add('S3_WALLET_FUNDING', badFunding === 0, `${badFunding} wallet tokens without a card of their account to fund them`, true, badFunding);
  checks.add('S3_OWNER_KINDS', ownerMismatch === 0, `${ownerMismatch} instruments issued to an owner their type does not allow`, true, ownerMismatch);
  // cardholders among the general population (merchant owners are businesses with settlement accounts)
  let holders = 0,
    cards = 0,
    creds = 0,
    retail = 0,
    retailHolders = 0;
  for (let i = 0; i < pt.n; i++) {
    if (pt.ownedMerchant[i] !== 0n) continue;
    const c = cardsOf[i];
    if (pt.segmentType[pt.segment[i]] === 'RETAIL') {
      retail++;
      if (c > 0) retailHolders++;
    }
    if (c === 0) continue;
    holders++;
    cards += c;
    creds += credsOf[i];
  }
  const m = {
    instruments: ins.n,
    cards_per_cardholder: holders ? cards / holders : 0,
    card_credentials_per_cardholder: holders ? creds / holders : 0,
    retail_card_penetration: retail ? retailHolders / retail : 0,
  };
  if (holders >= 200) {
    const c = p.instruments.corridors;
    corridor(checks, 'S3_CARDS_PER_CARDHOLDER', m.cards_per_cardholder, c.cards_per_cardholder);
    corridor(checks, 'S3_CARD_CREDENTIALS_PER_CARDHOLDER', m.card_credentials_per_cardholder, c.card_credentials_per_cardholder);
    corridor(checks, 'S3_RETAIL_CARD_PENETRATION', m.retail_card_penetration, c.retail_card_penetration);
  }
  return m;
}

/** Sampled accounts' credentials re-derived by the TypeScript reference, and their instruments rebuilt. */
function replayCredentials(ctx: RunContext, w: Built6A, checks: Checks) {
  const { parties: pt, accounts: a, instruments: ins, p } = w;
  const regions = [...new Set(pt.countryRegion)].sort();
  const tabs = credentialTables(p, pt.segments, regions);
  const keys = new FamilyKeys(ctx, FAMILIES.credentials).forStrings(pt.countries);
  const cardOf = a.types.map((t) => p.taxonomy.account_types.find((x) => x.id === t)!.card);
  // an account's instruments are contiguous (account order)
  const instrumentsOf = contiguousRows(ins.account, a.n);
  const cls = ins.types.map((id) => p.taxonomy.instrument_types.find((x) => x.id === id)!);
  const step = Math.max(1, Math.floor(a.n / REPLAY));
  let sampled = 0,
    diff = 0;
  for (let r = 0; r < a.n; r += step) {
    const i = a.owner[r],
      c = pt.country[i],
      s = pt.segment[i];
    const kind = cardOf[a.type[r]] === 'DEBIT' ? 1 : cardOf[a.type[r]] === 'CREDIT' ? 2 : 0;
    const t = regions.indexOf(pt.countryRegion[c]) * 2 + kind - 1;
    const ref = credentialsRef(
      [keys[2 * c], keys[2 * c + 1]],
      a.local[r],
      kind,
      { phys: tabs.pPhysKind[kind], virt: tabs.pVirtSeg[s], wallet: tabs.pWalletSeg[s] },
      tableAt(tabs.schemes, Math.max(0, t)), // not read for an account without a card
      { prob: tabs.walletProb, alias: tabs.walletAlias },
      p.instruments.expiry_months_max,
    );
    const mine = instrumentsOf(r);
    const forms = mine.map((q) => cls[ins.type[q]].form);
    const want = ['HANDLE', ...(ref.flags & 1 ? ['PHYSICAL'] : []), ...(ref.flags & 2 ? ['VIRTUAL'] : []), ...(ref.flags & 4 ? ['TOKEN'] : [])];
    const cards = mine.filter((q) => cls[ins.type[q]].class === 'CARD');
    const schemeOk = cards.every((q) => ins.scheme[q] === ref.scheme && ins.expiryMonths[q] === ref.expiry);
    sampled++;
    if (forms.join() !== want.join() || !schemeOk) diff++;
  }
  checks.add('S3_RNG_REPLAY', diff === 0, `${sampled} sampled accounts' instruments re-derived by the TypeScript reference: ${diff} differ`, true, diff);
  return { credentials: { sampled, differing: diff } };
}

async function checkNetwork(ctx: RunContext, w: Built6A, checks: Checks): Promise<Record<string, number>> {
  const { parties: pt, network: net, p, inputs: inp } = w;
  const D = net.nDevices;
  const dd = await idsOff(ctx, net.deviceId, 'device'),
    di = await idsOff(ctx, net.ipId, 'ip');
  checks.add('S4_IDS_UNIQUE', dd === 0 && di === 0, `${D} device ids, ${net.nIps} ip ids: ${dd + di} not the keyed bijection of their index`, true, dd + di);
  let noTypical = 0;
  for (let d = 0; d < D; d++) if (net.typical[d] < 0 || net.typical[d] >= net.nIps) noTypical++;
  const physical = inp.outletVirtual.filter((v) => v === 0).length;
  checks.add('S4_TERMINALS', D - net.personalDevices === physical, `${D - net.personalDevices} terminals for ${physical} physical outlets`);
  // devices per party within the party type's max; households within max_size
  const per = new Int32Array(pt.n);
  for (let d = 0; d < net.personalDevices; d++) per[net.owner[d]]++;
  let over = 0;
  for (let i = 0; i < pt.n; i++) if (per[i] < 1 || per[i] > p.devices.per_party[pt.segmentType[pt.segment[i]]].max) over++;
  checks.add('S4_DEVICE_COUNTS', over === 0, `${over} parties with no device or more than their party type's max`, true, over);
  const hsize = new Int32Array(net.households);
  for (let i = 0; i < pt.n; i++) if (net.household[i] >= 0) hsize[net.household[i]]++;
  const bigHouse = hsize.filter((x) => x < 1 || x > p.devices.household.max_size).length;
  checks.add('S4_HOUSEHOLD_SIZES', bigHouse === 0, `${bigHouse} households outside [1, ${p.devices.household.max_size}] members`, true, bigHouse);
  // degrees: devices per IP by type
  const ipDeg = new Int32Array(net.nIps);
  for (let d = 0; d < D; d++) {
    for (const ip of [net.typical[d], net.wifiIp[d], net.vpnIp[d]]) if (ip >= 0) ipDeg[ip]++;
    if (net.recentHome[d] >= 0 && net.recentHome[d] !== net.typical[d]) ipDeg[net.recentHome[d]]++;
  }
  const byType = (name: string) => {
    const t = net.ipTypes.indexOf(name);
    const v: number[] = [];
    for (let q = 0; q < net.nIps; q++) if (net.ipType[q] === t) v.push(ipDeg[q]);
    v.sort((x, y) => x - y);
    return {
      n: v.length,
      mean: v.length ? v.reduce((x, y) => x + y, 0) / v.length : 0,
      p99: v.length ? v[Math.min(v.length - 1, Math.floor(0.99 * v.length))] : 0,
      max: v.length ? v[v.length - 1] : 0,
    };
  };
  const mobile = byType('MOBILE'),
    home = byType('RESIDENTIAL');
  let retailDev = 0,
    retail = 0,
    members = 0;
  for (let i = 0; i < pt.n; i++)
    if (pt.segmentType[pt.segment[i]] === 'RETAIL' && pt.ownedMerchant[i] === 0n) {
      retail++;
      retailDev += per[i];
    }
  for (const s of hsize) members += s;
  const m = {
    devices: D,
    terminals: D - net.personalDevices,
    ips: net.nIps,
    households: net.households,
    devices_per_retail_party: retail ? retailDev / retail : 0,
    parties_per_home_ip: net.households ? members / net.households : 0,
    typical_ip_coverage: D ? (D - noTypical) / D : 1,
    devices_per_mobile_ip: mobile.mean,
    devices_per_mobile_ip_p99: mobile.p99,
    devices_per_mobile_ip_max: mobile.max,
    devices_per_home_ip: home.mean,
    devices_per_home_ip_max: home.max,
    shared_device_share: net.personalDevices ? net.shared.subarray(0, net.personalDevices).reduce((x, y) => x + y, 0) / net.personalDevices : 0,
  };
  const c = { ...p.devices.corridors, ...p.ips.corridors };
  corridor(checks, 'S4_TYPICAL_IP_COVERAGE', m.typical_ip_coverage, c.typical_ip_coverage);
  if (retail >= 200) {
    corridor(checks, 'S4_DEVICES_PER_RETAIL_PARTY', m.devices_per_retail_party, c.devices_per_retail_party);
    corridor(checks, 'S4_PARTIES_PER_HOME_IP', m.parties_per_home_ip, c.parties_per_home_ip);
  }
  if (mobile.n >= 20) corridor(checks, 'S4_DEVICES_PER_MOBILE_IP', m.devices_per_mobile_ip, c.devices_per_mobile_ip);
  return m;
}

/** Sampled parties' households and devices, and sampled devices' access and IP choices, re-derived by the TypeScript reference. */
function replayNetwork(ctx: RunContext, w: Built6A, checks: Checks) {
  const { parties: pt, network: net, p } = w;
  const tabs = deviceTables(p, pt.segments);
  const k = (fam: string) => new FamilyKeys(ctx, fam).forStrings(pt.countries);
  const hk = k(FAMILIES.household),
    dk = k(FAMILIES.devices),
    ak = k(FAMILIES.access),
    ik = k(FAMILIES.deviceIps);
  const key = (keys: Uint32Array, c: number): [number, number] => [keys[2 * c], keys[2 * c + 1]];
  // a party's devices are contiguous (party order)
  const devicesOf = contiguousRows(net.owner, pt.n, net.personalDevices);
  const step = Math.max(1, Math.floor(pt.n / REPLAY));
  let sampled = 0,
    diff = 0;
  for (let i = 0; i < pt.n; i += step) {
    const c = pt.country[i];
    const ty = pt.partyTypes.indexOf(pt.segmentType[pt.segment[i]]);
    const r = devicesRef(
      key(dk, c),
      pt.local[i],
      tabs.meanSeg[pt.segment[i]],
      tabs.maxByType[ty],
      tabs.firstType[ty],
      tableAt(tabs.mix, ty),
      (t) => tableAt(tabs.os, t),
      tabs.shareP,
    );
    const mine = devicesOf(i);
    const got = { types: mine.map((d) => net.dtype[d]), os: mine.map((d) => net.os[d]), shared: mine.map((d) => net.shared[d]) };
    // a RETAIL party's start draw (the scan may also start a household at a country's first party or past max_size)
    const retail = pt.segmentType[pt.segment[i]] === 'RETAIL';
    const start = householdStartRef(key(hk, c), pt.local[i], retail, 1 / p.devices.household.mean_size);
    const opened = retail ? i === 0 || net.household[i - 1] !== net.household[i] : true;
    sampled++;
    if (JSON.stringify(got) !== JSON.stringify({ types: r.types, os: r.os, shared: r.shared }) || (start === 1 && !opened)) diff++;
  }
  checks.add(
    'S4_RNG_REPLAY_DEVICES',
    diff === 0,
    `${sampled} sampled parties' devices and household starts re-derived by the TypeScript reference: ${diff} differ`,
    true,
    diff,
  );
  const dstep = Math.max(1, Math.floor(net.nDevices / REPLAY));
  let dsampled = 0,
    ddiff = 0;
  for (let d = 0; d < net.nDevices; d += dstep) {
    const c = net.dCountry[d],
      o = net.owner[d];
    const nAcc = d < net.personalDevices ? Math.min(32, net.accOff[o + 1] - net.accOff[o]) : 0;
    const mask = accessRef(key(ak, c), net.local[d], nAcc, tabs.pAccess[net.dtype[d]]);
    const ips = deviceIpsRef(
      key(ik, c),
      net.local[d],
      tabs.typeFlags[net.dtype[d]],
      { mobile: net.pools.mobile[c], wifi: net.pools.wifi[c], vpn: net.pools.vpn },
      {
        home: p.ips.home_wifi_p,
        wifi: p.ips.public_wifi.p,
        vpn: p.ips.vpn.p,
      },
    );
    const wifiOk = ips.wifi < 0 ? net.wifiIp[d] < 0 : net.wifiIp[d] >= 0;
    const vpnOk = ips.vpn < 0 ? net.vpnIp[d] < 0 : net.vpnIp[d] >= 0;
    dsampled++;
    if (mask !== net.accessMask[d] || !wifiOk || !vpnOk || (ips.home === 1) !== net.recentHome[d] >= 0) ddiff++;
  }
  checks.add(
    'S4_RNG_REPLAY_DEVICE_CHOICES',
    ddiff === 0,
    `${dsampled} sampled devices' account access and IP choices re-derived: ${ddiff} differ`,
    true,
    ddiff,
  );
  return { devices: { sampled, differing: diff }, device_choices: { sampled: dsampled, differing: ddiff } };
}

/** Role vocabularies equal the taxonomy's (whole tokens), shares inside the corridors once a kind is large enough. */
function checkRoles(w: Built6A, checks: Checks): Record<string, number> {
  const { p, roles } = w;
  const m: Record<string, number> = {};
  for (const kind of KINDS) {
    const set = roles[kind];
    const vocab = p.taxonomy.fraud_roles[kind];
    const bad = set.role.filter((r) => r < 0 || r >= vocab.length).length;
    const sameVocab = set.vocab.length === vocab.length && set.vocab.every((v, i) => v === vocab[i]);
    checks.add(
      `S5_ROLE_VOCAB_${kind.toUpperCase()}`,
      bad === 0 && sameVocab,
      `${set.role.length} ${kind} roles: ${bad} outside the taxonomy vocabulary [${vocab.join(', ')}]`,
      true,
      bad,
    );
    const perRole = new Float64Array(vocab.length);
    for (let i = 0; i < set.role.length; i++) if (set.role[i] >= 0 && set.role[i] < vocab.length) perRole[set.role[i]]++;
    const share = (name: string) => (set.role.length ? perRole[vocab.indexOf(name)] / set.role.length : 0);
    for (const v of vocab) m[`${kind}_${v.toLowerCase()}_share`] = share(v);
    m[`${kind}_high_tier_share`] = set.tier.length ? set.tier.filter((t) => t === 3).length / set.tier.length : 0;
    m[`${kind}_entities`] = set.role.length;
  }
  const c = p.roles.corridors;
  const big = (kind: (typeof KINDS)[number]) => roles[kind].role.length >= p.roles.min_entities;
  const at = (kind: (typeof KINDS)[number], id: string, metric: string, corridorId: string) => {
    if (big(kind)) corridor(checks, id, m[metric], c[corridorId]);
  };
  at('party', 'S5_PARTY_MULE_SHARE', 'party_mule_share', 'party_mule_share');
  at('party', 'S5_PARTY_SYNTHETIC_SHARE', 'party_synthetic_id_share', 'party_synthetic_share');
  at('party', 'S5_PARTY_ORGANISER_SHARE', 'party_organiser_share', 'party_organiser_share');
  at('party', 'S5_PARTY_HIGH_TIER_SHARE', 'party_high_tier_share', 'party_high_tier_share');
  at('account', 'S5_ACCOUNT_MULE_SHARE', 'account_mule_account_share', 'account_mule_share');
  at('account', 'S5_ACCOUNT_HIGH_RISK_SHARE', 'account_high_risk_account_share', 'account_high_risk_share');
  at('merchant', 'S5_MERCHANT_COLLUSIVE_SHARE', 'merchant_collusive_share', 'merchant_collusive_share');
  at('device', 'S5_DEVICE_HIGH_RISK_SHARE', 'device_high_risk_device_share', 'device_high_risk_share');
  at('ip', 'S5_IP_HIGH_RISK_SHARE', 'ip_high_risk_ip_share', 'ip_high_risk_share');
  // mule accounts sit with risky owners: a mule account's owner is not CLEAN more often than a clean account's
  const pc = 0; // the first party role is the clean one (taxonomy.yaml fraud_roles)
  const mule = roles.account.vocab.indexOf('MULE_ACCOUNT');
  let muleRisky = 0,
    mules = 0,
    risky = 0;
  for (let r = 0; r < w.accounts.n; r++) {
    const ownerRisky = roles.party.role[w.accounts.owner[r]] !== pc;
    if (ownerRisky) risky++;
    if (roles.account.role[r] === mule) {
      mules++;
      if (ownerRisky) muleRisky++;
    }
  }
  m.mule_account_owner_risky_share = mules ? muleRisky / mules : 0;
  m.account_owner_risky_share = w.accounts.n ? risky / w.accounts.n : 0;
  if (mules >= 20)
    checks.add(
      'S5_MULE_ACCOUNTS_FOLLOW_OWNERS',
      m.mule_account_owner_risky_share > 3 * m.account_owner_risky_share,
      `${(100 * m.mule_account_owner_risky_share).toFixed(1)} % of mule accounts have a non-CLEAN owner vs ${(100 * m.account_owner_risky_share).toFixed(2)} % of all accounts`,
    );
  return m;
}

/** Sampled entities of every kind re-derived by the TypeScript reference. */
function replayRoles(ctx: RunContext, w: Built6A, checks: Checks) {
  const out: Record<string, { sampled: number; differing: number }> = {};
  for (const kind of KINDS) {
    const set = w.roles[kind];
    const t = roleTables(w.p, kind);
    const countries = kind === 'ip' ? w.network.ipCountries : w.parties.countries;
    const keys = new FamilyKeys(ctx, FAMILIES.roles[kind]).forStrings(countries);
    const sm = set.sample;
    let sampled = 0,
      diff = 0;
    for (let k = 0; k < sm.at.length; k++) {
      const c = sm.country[k],
        i = sm.at[k];
      const r = roleRef([keys[2 * c], keys[2 * c + 1]], sm.local[k], sm.base[k], w.p.roles.noise_sd, w.p.roles.tier_thresholds, (tier) =>
        tableAt(t, sm.group[k] * 4 + tier),
      );
      sampled++;
      if (r.role !== set.role[i] || r.tier !== set.tier[i] || r.score !== sm.score[k]) diff++;
    }
    checks.add(
      `S5_RNG_REPLAY_${kind.toUpperCase()}`,
      diff === 0,
      `${sampled} sampled ${kind} roles re-derived by the TypeScript reference: ${diff} differ`,
      true,
      diff,
    );
    out[`${kind}_roles`] = { sampled, differing: diff };
  }
  return out;
}

/** The catalogued S5 report (schemas.layer3.yaml validation_report_6A) from the checks and S0's upstream gates. */
function s5Report(ctx: RunContext, w: Built6A, checks: Checks) {
  const upstream: Record<string, { status: string; bundle_sha256: string; flag_path: string }> = {};
  for (const s of w.sealed.filter((x) => x.kind === 'upstream_gate')) {
    const seg = s.id.split('.')[2];
    // S0 seals an upstream gate only after verifying it from bytes: a sealed digest is a verified gate
    upstream[seg] = {
      status: /^[0-9a-f]{64}$/.test(s.sha256_hex) ? 'PASS' : 'MISSING',
      bundle_sha256: s.sha256_hex,
      flag_path: `${gateFor(seg).passed_flag_path_template.replace('{manifest_fingerprint}', ctx.manifest_fingerprint)}`,
    };
  }
  const result = (c: Check) => (c.passed ? 'PASS' : c.required ? 'FAIL' : 'WARN');
  const list = checks.list.map((c) => ({
    check_id: c.id,
    severity: c.required ? 'REQUIRED' : 'WARN_ONLY',
    result: result(c),
    metrics: { detail: c.detail, ...(c.affected !== undefined ? { affected: c.affected } : {}) },
  }));
  const failed = list.some((c) => c.result === 'FAIL');
  const warned = list.some((c) => c.result === 'WARN');
  return {
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    spec_version_6A: SPEC_VERSION_6A,
    overall_status: failed ? 'FAIL' : warned ? 'WARN' : 'PASS',
    upstream_segments: upstream,
    segment_states: { S0: 'PASS', S1: 'PASS', S2: 'PASS', S3: 'PASS', S4: 'PASS', S5: failed ? 'FAIL' : 'PASS' },
    checks: list,
  };
}

/** The catalogued S5 issue table: one row per check that did not pass (none in a passing world). */
async function s5IssueTable(ctx: RunContext, checks: Checks): Promise<Uint8Array> {
  const bad = checks.list.filter((c) => !c.passed);
  const none = (n: number) => ({ values: new BigInt64Array(n), valid: new Uint8Array(n) });
  const parts = await ctx.out.encode('s5_issue_table_6A', {
    check_id: bad.map((c) => c.id),
    issue_id: bad.map((c) => `${c.id}.1`),
    severity: bad.map((c) => (c.required ? 'FAIL' : 'WARN')),
    scope_type: bad.map((c) => scopeOf(c.id)),
    seed: { values: BigInt64Array.from(bad, () => ctx.seed), valid: Uint8Array.from(bad, () => 1) },
    scenario_id: { codes: new Int32Array(bad.length), dict: [''], valid: new Uint8Array(bad.length) },
    flow_id: none(bad.length),
    case_id: none(bad.length),
    event_seq: none(bad.length),
    message: bad.map((c) => c.detail),
    metrics: { ...dictEncode(bad.map((c) => JSON.stringify(c.affected === undefined ? {} : { affected: c.affected }))), valid: Uint8Array.from(bad, () => 1) },
  });
  return parts[0];
}

const scopeOf = (id: string) =>
  /PARTY|S1_/.test(id)
    ? 'PARTY'
    : /ACCOUNT|S2_/.test(id)
      ? 'ACCOUNT'
      : /MERCHANT/.test(id)
        ? 'MERCHANT'
        : /DEVICE|S4_/.test(id)
          ? 'DEVICE'
          : /IP/.test(id)
            ? 'IP'
            : 'GLOBAL';
