// 6A.S2 accounts and product holdings: per party and account type of its party type one hold decision
// and a capped count (k6aAccountCounts), a settlement account for every merchant owner, then ids
// (k6aIds) and opening days (k6aAccountOpen) on the pool.
import type { RunContext } from '../../engine/context.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import { SharedCol, sharedArray } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aAccountCounts, k6aAccountOpen, k6aIds } from '../../kernels/6A.js';
import { readTable } from '../../io/reader.js';
import { textValues } from '../../io/arrow_columns.js';
import { loadCountries } from '../../reference/countries.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { Policies6A } from './policies.js';
import { tilted } from './mix.js';
import { idRoundKeys } from '../../laws/ids.js';
import { FAMILIES, SHARD_ACCOUNTS, SHARD_PARTIES, type Accounts6A, type Parties6A } from './world.js';

const DAY_MS = 86_400_000;

/** The drawn account types (every type but the merchant settlement account), taxonomy order. */
export function drawnTypes(p: Policies6A): string[] {
  return p.taxonomy.account_types.filter((a) => a.owner !== 'MERCHANT').map((a) => a.id);
}

/** holdP[s·T + t]: the hold probability of type t for segment s; −1 where t is another party type's; 1 when required. */
export function holdTable(p: Policies6A, segments: readonly string[]): Float64Array {
  const types = drawnTypes(p);
  const T = types.length;
  const out = new Float64Array(segments.length * T);
  segments.forEach((sid, s) => {
    const seg = p.taxonomy.segments.find((x) => x.id === sid)!;
    types.forEach((tid, t) => {
      const at = p.taxonomy.account_types.find((a) => a.id === tid)!;
      const r = p.products.types[tid];
      if (at.owner !== seg.party_type) out[s * T + t] = -1;
      else if (r.required) out[s * T + t] = 1;
      else out[s * T + t] = tilted(r.hold!, r.tilt, p.products.max_hold_p, seg);
    });
  });
  return out;
}

/** The 5A baseline horizon's first day (days since 1970-01-01): accounts are opened before it. */
async function asOfDay(ctx: RunContext): Promise<number> {
  const t = await readTable(ctx, 'scenario_manifest_5A', { columns: ['horizon_start_utc'] });
  const v = textValues(t, 'horizon_start_utc', 'scenario_manifest_5A', 'rebuild 5A')[0];
  const ms = v === null ? NaN : Date.parse(v);
  if (!Number.isFinite(ms)) fail(ErrorCodes.VALIDATION_FAILED, `horizon_start_utc "${v}" is not a timestamp`, 'scenario_manifest_5A', 'rebuild 5A');
  return Math.floor(ms / DAY_MS);
}

export async function s2Accounts(ctx: RunContext, p: Policies6A, w: Parties6A, trace: RngTrace): Promise<Accounts6A> {
  const types = drawnTypes(p);
  const T = types.length;
  const n = w.n;
  const hold = holdTable(p, w.segments);
  const countKeys = new FamilyKeys(ctx, FAMILIES.accountCount).forStrings(w.countries);
  const cnt = new SharedCol('u8', n * T);
  const pc = {
    country: SharedCol.share('i32', w.country),
    local: SharedCol.share('u32', w.local),
    segment: SharedCol.share('i32', w.segment),
    keys: SharedCol.share('u32', countKeys),
    hold: SharedCol.share('f64', hold),
    extra: SharedCol.share(
      'f64',
      types.map((t) => p.products.types[t].extra_mean),
    ),
    max: SharedCol.share(
      'i32',
      types.map((t) => p.products.types[t].max),
    ),
  };
  await runShards(
    ctx.pool,
    n,
    SHARD_PARTIES,
    ({ start: s, end: e }) =>
      k6aAccountCounts.task({
        n: e - s,
        T,
        country: pc.country.in(s, e),
        local: pc.local.in(s, e),
        segment: pc.segment.in(s, e),
        keys: pc.keys.all(),
        holdP: pc.hold.all(),
        extraMean: pc.extra.all(),
        maxCount: pc.max.all(),
        outCount: cnt.out(s, e, T),
      }),
    ctx.progress.stage('6A S2 account counts', n, 'parties'),
  );
  const counts = cnt.view() as Uint8Array;
  // accounts in party order: the drawn types in taxonomy order, then a merchant owner's settlement account
  const settlementType = T; // index of MERCHANT_SETTLEMENT_ACCOUNT in `allTypes`
  let A = 0,
    applicable = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) A += counts[i * T + t];
    if (w.ownedMerchant[i] !== 0n) A++;
  }
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) if (hold[w.segment[i] * T + t] >= 0) applicable++;
  trace.addTotals(FAMILIES.accountCount, w.countries.length, 2 * applicable, applicable, applicable, 1);
  const owner = sharedArray(Int32Array, A),
    type = sharedArray(Int32Array, A),
    merchant = sharedArray(BigUint64Array, A),
    country = sharedArray(Int32Array, A),
    local = sharedArray(Uint32Array, A),
    meanDays = sharedArray(Float64Array, A);
  const perCountry = new Uint32Array(w.countries.length);
  const stability = w.segments.map((sid) => p.taxonomy.segments.find((x) => x.id === sid)!.stability);
  const tn = p.products.tenure_years;
  let a = 0;
  const push = (i: number, t: number, m: bigint) => {
    owner[a] = i;
    type[a] = t;
    merchant[a] = m;
    country[a] = w.country[i];
    local[a] = perCountry[w.country[i]]++;
    meanDays[a] = 365.25 * (tn.base + tn.per_stability * stability[w.segment[i]]);
    a++;
  };
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) for (let k = 0; k < counts[i * T + t]; k++) push(i, t, 0n);
    if (w.ownedMerchant[i] !== 0n) push(i, settlementType, w.ownedMerchant[i]);
  }
  const rk = idRoundKeys(ctx, 'account');
  const idC = new SharedCol('u64', A),
    dayC = new SharedCol('i32', A);
  const ac = {
    country: SharedCol.share('i32', country),
    local: SharedCol.share('u32', local),
    keys: SharedCol.share('u32', new FamilyKeys(ctx, FAMILIES.accountOpen).forStrings(w.countries)),
    mean: SharedCol.share('f64', meanDays),
  };
  const day0 = await asOfDay(ctx);
  await Promise.all([
    runShards(ctx.pool, A, SHARD_ACCOUNTS, ({ start: s, end: e }) =>
      k6aIds.task({ n: e - s, first: s, r0: rk[0], r1: rk[1], r2: rk[2], r3: rk[3], outId: idC.out(s, e) }),
    ),
    runShards(
      ctx.pool,
      A,
      SHARD_ACCOUNTS,
      ({ start: s, end: e }) =>
        k6aAccountOpen.task({
          n: e - s,
          asOfDay: day0,
          maxDays: 365.25 * tn.max,
          country: ac.country.in(s, e),
          local: ac.local.in(s, e),
          keys: ac.keys.all(),
          meanDays: ac.mean.in(s, e),
          outDay: dayC.out(s, e),
        }),
      ctx.progress.stage('6A S2 accounts', A, 'accounts'),
    ),
  ]);
  trace.addTotals(FAMILIES.accountOpen, w.countries.length, A, A, A, Math.max(0, ...perCountry));
  const ref = loadCountries().byIso;
  return {
    n: A,
    types: [...types, p.taxonomy.account_types.find((x) => x.owner === 'MERCHANT')!.id],
    owner,
    type,
    merchant,
    local,
    id: idC.view() as BigUint64Array,
    openedDay: dayC.view() as Int32Array,
    currencyOfCountry: w.countries.map((c) => ref.get(c)?.currency || 'XXX'),
    asOfDay: day0,
  };
}
