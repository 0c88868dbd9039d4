// 6A.S5 static fraud roles: per entity kind, features from S1-S4 in [0, 1], a base score (roles.yaml), and
// one k6aRoles pass on the pool (noise, tier, role drawn from its group × tier mix). Parties first: accounts,
// devices and IPs read their owners' or users' roles.
import type { RunContext } from '../../engine/context.js';
import { mapped } from './gather.js';
import type { RngTrace } from '../../engine/trace.js';
import { FamilyKeys } from '../../rng/keys.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k6aRoles } from '../../kernels/6A.js';
import type { Inputs6A } from './inputs.js';
import type { Policies6A, RoleKind } from './policies.js';
import { aliasTables } from './mix.js';
import { FAMILIES, REPLAY, SHARD_ACCOUNTS, type Accounts6A, type Network6A, type Parties6A, type RoleSet, type Roles6A } from './world.js';

export const KINDS = ['party', 'account', 'merchant', 'device', 'ip'] as const;

/** The role kind's tables: groups in policy order, each with its 4 tier mixes; role vocabulary (taxonomy order). */
export function roleTables(p: Policies6A, kind: RoleKind) {
  const r = p.roles[kind];
  const groups = Object.keys(r.groups);
  const vocab = p.taxonomy.fraud_roles[kind];
  const mixes = groups.flatMap((g) => p.roles.tiers.map((t) => r.groups[g][t]));
  return { groups, vocab, ...aliasTables(mixes, (role) => vocab.indexOf(role)) };
}

/** Base score: base + Σ weights[f] · feature f (features already in [0, 1]). */
function baseScores(p: Policies6A, kind: RoleKind, n: number, feature: (f: string, i: number) => number): Float64Array {
  const r = p.roles[kind];
  const out = new Float64Array(n);
  const ws = Object.entries(r.weights);
  for (let i = 0; i < n; i++) {
    let s = r.base;
    for (const [f, w] of ws) s += w * feature(f, i);
    out[i] = s;
  }
  return out;
}

async function draw(
  ctx: RunContext,
  p: Policies6A,
  kind: RoleKind,
  countries: readonly string[],
  country: Int32Array,
  local: Uint32Array,
  base: Float64Array,
  group: Int32Array,
  trace: RngTrace,
): Promise<RoleSet> {
  const n = base.length;
  const t = roleTables(p, kind);
  const keys = new FamilyKeys(ctx, FAMILIES.roles[kind]).forStrings(countries);
  const [t1, t2, t3] = p.roles.tier_thresholds;
  const c = {
    country: SharedCol.share('i32', country),
    local: SharedCol.share('u32', local),
    keys: SharedCol.share('u32', keys),
    base: SharedCol.share('f64', base),
    group: SharedCol.share('i32', group),
    off: SharedCol.share('i32', t.off),
    prob: SharedCol.share('f64', t.prob),
    alias: SharedCol.share('i32', t.alias),
    code: SharedCol.share('i32', t.code),
  };
  const score = new SharedCol('f64', n),
    tier = new SharedCol('i32', n),
    role = new SharedCol('i32', n);
  await runShards(
    ctx.pool,
    n,
    SHARD_ACCOUNTS,
    ({ start: s, end: e }) =>
      k6aRoles.task({
        n: e - s,
        noiseSd: p.roles.noise_sd,
        t1,
        t2,
        t3,
        country: c.country.in(s, e),
        local: c.local.in(s, e),
        keys: c.keys.all(),
        base: c.base.in(s, e),
        group: c.group.in(s, e),
        mixOff: c.off.all(),
        mixProb: c.prob.all(),
        mixAlias: c.alias.all(),
        mixCode: c.code.all(),
        outScore: score.out(s, e),
        outTier: tier.out(s, e),
        outRole: role.out(s, e),
      }),
    ctx.progress.stage(`6A S5 ${kind} roles`, n, `${kind}s`),
  );
  trace.addTotals(FAMILIES.roles[kind], countries.length, 3 * n, 2 * n, n, 2);
  const step = Math.max(1, Math.floor(n / REPLAY));
  const at = Int32Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
  const sc = score.view() as Float64Array;
  return {
    vocab: t.vocab,
    groups: t.groups,
    tier: tier.view() as Int32Array,
    role: role.view() as Int32Array,
    sample: {
      at,
      country: Int32Array.from(at, (i) => country[i]),
      local: Uint32Array.from(at, (i) => local[i]),
      group: Int32Array.from(at, (i) => group[i]),
      base: Float64Array.from(at, (i) => base[i]),
      score: Float64Array.from(at, (i) => sc[i]),
    },
  };
}

export async function s5Roles(ctx: RunContext, p: Policies6A, inp: Inputs6A, w: Parties6A, a: Accounts6A, net: Network6A, trace: RngTrace): Promise<Roles6A> {
  const segOf = w.segments.map((id) => p.taxonomy.segments.find((s) => s.id === id)!);
  // party features
  const firstOpen = new Int32Array(w.n).fill(2 ** 31 - 1);
  for (let r = 0; r < a.n; r++) if (a.openedDay[r] < firstOpen[a.owner[r]]) firstOpen[a.owner[r]] = a.openedDay[r];
  const vpnOwner = new Uint8Array(w.n);
  for (let d = 0; d < net.personalDevices; d++) if (net.vpnIp[d] >= 0) vpnOwner[net.owner[d]] = 1;
  const used = (i: number) => net.devOff[i + 1] - net.devOff[i];
  const pg = roleTables(p, 'party').groups;
  const party = await draw(
    ctx,
    p,
    'party',
    w.countries,
    w.country,
    w.local,
    baseScores(p, 'party', w.n, (f, i) => {
      const s = segOf[w.segment[i]];
      if (f === 'digital') return s.digital;
      if (f === 'cross_border') return s.cross_border;
      if (f === 'new_to_bank') return a.asOfDay - firstOpen[i] <= 365 ? 1 : 0;
      if (f === 'vpn_user') return vpnOwner[i];
      if (f === 'many_devices') return used(i) >= 5 ? 1 : 0;
      return 0;
    }),
    mapped(Int32Array, w.segment, (s) => pg.indexOf(w.segmentType[s])),
    trace,
  );
  const clean = 0; // the first role of each kind is its clean role (taxonomy.yaml fraud_roles)
  const riskyParty = mapped(Uint8Array, party.role, (r) => (r === clean ? 0 : 1));
  // accounts
  const devicesOfAccount = new Int32Array(a.n);
  for (let d = 0; d < net.personalDevices; d++) {
    const m = net.accessMask[d];
    if (!m) continue;
    const off = net.accOff[net.owner[d]];
    for (let bits = m; bits !== 0; bits &= bits - 1) devicesOfAccount[off + 31 - Math.clz32(bits & -bits)]++;
  }
  const ag = roleTables(p, 'account').groups;
  const famOf = a.types.map((t) => p.taxonomy.account_types.find((x) => x.id === t)!.family);
  const accountGroup = mapped(Int32Array, a.type, (t, r) => {
    const f = famOf[t];
    const g = f === 'DEPOSIT' ? (riskyParty[a.owner[r]] ? 'DEPOSIT_RISKY_OWNER' : 'DEPOSIT') : f === 'CREDIT_CARD' || f === 'LOAN' ? 'CREDIT' : f;
    return ag.indexOf(g);
  });
  const account = await draw(
    ctx,
    p,
    'account',
    w.countries,
    mapped(Int32Array, a.owner, (i) => w.country[i]),
    a.local,
    baseScores(p, 'account', a.n, (f, r) =>
      f === 'new_account'
        ? a.asOfDay - a.openedDay[r] <= 180
          ? 1
          : 0
        : f === 'owner_risky'
          ? riskyParty[a.owner[r]]
          : f === 'many_devices'
            ? devicesOfAccount[r] >= 4
              ? 1
              : 0
            : 0,
    ),
    accountGroup,
    trace,
  );
  // merchants (1A order), in their home countries
  const M = inp.merchant.length;
  const mg = roleTables(p, 'merchant').groups;
  const mccGroup = new Map<number, string>();
  for (const [g, list] of Object.entries(p.roles.merchant.mcc_groups)) for (const m of list) mccGroup.set(m, g);
  const countriesOf = new Map<bigint, Set<number>>();
  for (let o = 0; o < inp.outletMerchant.length; o++)
    (countriesOf.get(inp.outletMerchant[o]) ?? countriesOf.set(inp.outletMerchant[o], new Set()).get(inp.outletMerchant[o])!).add(inp.outletCountry[o]);
  const cIndex = new Map(w.countries.map((c, i) => [c, i]));
  const mCountry = mapped(Int32Array, inp.merchantHome, (h) => cIndex.get(h)!);
  const perC = new Uint32Array(w.countries.length);
  const mLocal = mapped(Uint32Array, mCountry, (c) => perC[c]++);
  const merchant = await draw(
    ctx,
    p,
    'merchant',
    w.countries,
    mCountry,
    mLocal,
    baseScores(p, 'merchant', M, (f, m) =>
      f === 'single_outlet'
        ? inp.merchantOutlets[m] === 1
          ? 1
          : 0
        : f === 'multi_country'
          ? (countriesOf.get(inp.merchant[m])?.size ?? 0) > 1
            ? 1
            : 0
          : f === 'virtual'
            ? inp.merchantVirtual[m]
            : 0,
    ),
    mapped(Int32Array, { length: M }, (_, m) => mg.indexOf(mccGroup.get(inp.merchantMcc[m]) ?? 'GENERAL')),
    trace,
  );
  // devices
  const usersOf = new Int32Array(net.nDevices).fill(1);
  for (let d = 0; d < net.personalDevices; d++) {
    const h = net.household[net.owner[d]];
    if (net.shared[d] && h >= 0) usersOf[d] = net.householdSize[h];
  }
  const dg = roleTables(p, 'device').groups;
  const backend = new Set(p.taxonomy.device_types.filter((x) => !x.personal && x.owner === 'PARTY').map((x) => net.deviceTypes.indexOf(x.id)));
  const device = await draw(
    ctx,
    p,
    'device',
    w.countries,
    net.dCountry,
    net.local,
    baseScores(p, 'device', net.nDevices, (f, d) =>
      f === 'vpn' ? (net.vpnIp[d] >= 0 ? 1 : 0) : f === 'many_users' ? (usersOf[d] >= 3 ? 1 : 0) : f === 'owner_risky' ? riskyParty[net.owner[d]] : 0,
    ),
    mapped(Int32Array, { length: net.nDevices }, (_, d) =>
      dg.indexOf(net.outlet[d] >= 0 ? 'TERMINAL' : backend.has(net.dtype[d]) ? 'BACKEND' : net.shared[d] ? 'SHARED' : 'PERSONAL'),
    ),
    trace,
  );
  // IPs: degree and risky users
  const deg = new Int32Array(net.nIps),
    risky = new Uint8Array(net.nIps);
  for (let d = 0; d < net.nDevices; d++)
    for (const ip of [net.typical[d], net.recentHome[d], net.wifiIp[d], net.vpnIp[d]])
      if (ip >= 0) {
        deg[ip]++;
        if (riskyParty[net.owner[d]]) risky[ip] = 1;
      }
  const typeMean = new Float64Array(net.ipTypes.length),
    typeN = new Float64Array(net.ipTypes.length);
  for (let q = 0; q < net.nIps; q++) {
    typeMean[net.ipType[q]] += deg[q];
    typeN[net.ipType[q]]++;
  }
  for (let t = 0; t < typeMean.length; t++) typeMean[t] = typeN[t] ? typeMean[t] / typeN[t] : 0;
  const ipg = roleTables(p, 'ip').groups;
  const perIpC = new Uint32Array(net.ipCountries.length);
  const ip = await draw(
    ctx,
    p,
    'ip',
    net.ipCountries,
    net.ipCountry,
    mapped(Uint32Array, net.ipCountry, (c) => perIpC[c]++),
    baseScores(p, 'ip', net.nIps, (f, q) => (f === 'busy' ? (deg[q] > 2 * typeMean[net.ipType[q]] ? 1 : 0) : f === 'risky_users' ? risky[q] : 0)),
    mapped(Int32Array, net.ipType, (t) => ipg.indexOf(net.ipTypes[t])),
    trace,
  );
  return { party, account, merchant, device, ip };
}
