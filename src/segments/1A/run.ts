// Segment 1A: how many outlets each merchant has, and in which countries.
//   S0 gate+seal → universe → S1 hurdle → S2 NB2 count → S3 candidates → S4 ZTP target
//   → S5 currency weights → S6 Gumbel membership → S7 allocation → S8 outlet_catalogue → S9 gate.
import { loadCountries } from '../../reference/countries.js';
import { aliasBuild } from '../../rng/alias.js';
import { FamilyKeys } from '../../rng/keys.js';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1aGumbel, k1aHurdle, k1aNb, k1aUniverse, k1aZtp } from '../../kernels/1A.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load1A, type Policies1A } from './policies.js';
import { readMerchantFile, homeWeights, type Merchants } from './universe.js';
import { computeDesign } from './design.js';
import { CandidateBuilder, type CandidateRow } from './candidates.js';
import { currencyWeights } from './currency.js';
import { allocate } from './allocate.js';
import { publish1A } from './outputs.js';
import { validate1A } from './validate.js';
import { SHARD_MERCHANTS, FAMILIES, World1A } from './world.js';

export const segment1A: SegmentDef = {
  id: '1A',
  layer: 1,
  upstream: [],
  async preflight(ctx) {
    const p = load1A(ctx.pack);
    if (ctx.merchantsFile) await readMerchantFile(ctx.merchantsFile, loadCountries().countries, p);
  },
  async run(ctx) {
    await runS0(ctx, '1A', [], 'layer1/1A/');
    const w = await build1A(ctx);
    const pub = await publish1A(ctx, w);
    await validate1A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

export async function build1A(ctx: RunContext): Promise<World1A> {
  const p = load1A(ctx.pack);
  const countries = loadCountries().countries;
  const trace = new RngTrace('1A');
  const id = { manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash };
  const famKeys = (fam: string, ids: BigUint64Array) => {
    const k = new Uint32Array(ids.length * 2);
    new FamilyKeys(id, fam).fill(ids, k);
    return k;
  };

  // ── S0 universe ──
  let m: Merchants;
  let universeKeys = new Uint32Array(0);
  if (ctx.merchantsFile) {
    m = await readMerchantFile(ctx.merchantsFile, countries, p);
  } else {
    const n = ctx.scale.merchants;
    const ids = new BigUint64Array(n);
    for (let i = 0; i < n; i++) ids[i] = BigInt(p.universe.merchant_id_start + i);
    universeKeys = famKeys(FAMILIES.universe, ids);
    const cT = aliasBuild(homeWeights(countries, p));
    const mT = aliasBuild(p.universe.mccs.map((x) => x.weight));
    const keys = SharedCol.from('u32', universeKeys);
    const cProb = SharedCol.from('f64', cT.prob), cAlias = SharedCol.from('i32', cT.alias);
    const mProb = SharedCol.from('f64', mT.prob), mAlias = SharedCol.from('i32', mT.alias);
    const pCnp = SharedCol.from('f64', p.universe.mccs.map((x) => x.p_cnp));
    const home = new SharedCol('i32', n), mcc = new SharedCol('i32', n), cnp = new SharedCol('u8', n);
    const dr = new SharedCol('u32', n), bl = new SharedCol('u32', n);
    await runShards(ctx.pool, n, SHARD_MERCHANTS, ({ start: s, end: e }) => k1aUniverse.task({
      n: e - s, keys: keys.in(s, e, 2), cProb: cProb.all(), cAlias: cAlias.all(), nC: countries.length, mProb: mProb.all(), mAlias: mAlias.all(), nM: p.universe.mccs.length, pCnp: pCnp.all(),
      outHome: home.out(s, e), outMcc: mcc.out(s, e), outCnp: cnp.out(s, e), outDraws: dr.out(s, e), outBlocks: bl.out(s, e),
    }), ctx.progress.stage(`1A ${k1aUniverse.name}`, n));
    trace.add(FAMILIES.universe, dr.view() as Uint32Array, bl.view() as Uint32Array);
    m = { n, id: ids, home: Int32Array.from(home.view() as Int32Array), mcc: Int32Array.from(mcc.view() as Int32Array), cnp: Uint8Array.from(cnp.view() as Uint8Array), source: 'generated' };
  }
  const n = m.n;
  const design = computeDesign(m, countries, p);

  // ── S1 hurdle + S2 NB2 ──
  const hurdleKeys = famKeys(FAMILIES.hurdle, m.id);
  const nbKeys = famKeys(FAMILIES.nb, m.id);
  const hK = SharedCol.from('u32', hurdleKeys), pi = SharedCol.from('f64', design.pi);
  const multiC = new SharedCol('u8', n), uC = new SharedCol('f64', n), hd = new SharedCol('u32', n), hb = new SharedCol('u32', n);
  await runShards(ctx.pool, n, SHARD_MERCHANTS, ({ start: s, end: e }) => k1aHurdle.task({ n: e - s, keys: hK.in(s, e, 2), pi: pi.in(s, e), outMulti: multiC.out(s, e), outU: uC.out(s, e), outDraws: hd.out(s, e), outBlocks: hb.out(s, e) }), ctx.progress.stage(`1A ${k1aHurdle.name}`, n));
  const multi = Uint8Array.from(multiC.view() as Uint8Array);
  trace.add(FAMILIES.hurdle, hd.view() as Uint32Array, hb.view() as Uint32Array);

  const nK = SharedCol.from('u32', nbKeys), muC = SharedCol.from('f64', design.mu), phiC = SharedCol.from('f64', design.phi);
  const NC = new SharedCol('i32', n), rejC = new SharedCol('i32', n), nd = new SharedCol('u32', n), nb = new SharedCol('u32', n);
  await runShards(ctx.pool, n, SHARD_MERCHANTS, ({ start: s, end: e }) => k1aNb.task({
    n: e - s, keys: nK.in(s, e, 2), multi: multiC.in(s, e), mu: muC.in(s, e), phi: phiC.in(s, e), maxAttempts: p.nb.max_attempts, outN: NC.out(s, e), outRej: rejC.out(s, e), outDraws: nd.out(s, e), outBlocks: nb.out(s, e),
  }), ctx.progress.stage(`1A ${k1aNb.name}`, n));
  const N = Int32Array.from(NC.view() as Int32Array);
  const nbRej = Int32Array.from(rejC.view() as Int32Array);
  const nbActive = Array.from(multi);
  trace.add(FAMILIES.nb, nd.view() as Uint32Array, nb.view() as Uint32Array, nbActive);
  for (let i = 0; i < n; i++) {
    if (N[i] < 0) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${m.id[i]}: NB2 found no count >= 2 in ${p.nb.max_attempts} attempts (mu=${design.mu[i]}, phi=${design.phi[i]})`, 'config/layer1/1A/nb_outlets.yaml', 'raise mu for this class or max_attempts');
    if (N[i] > 999999) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${m.id[i]}: ${N[i]} outlets overflow the 6-digit site_id`, 'config/layer1/1A/nb_outlets.yaml', 'lower mu/raise phi');
  }

  // ── S3 candidates ──
  const builder = new CandidateBuilder(countries, p);
  const cands: CandidateRow[] = [];
  const candOff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const rows = builder.build(m.home[i], N[i], design.eligible[i] === 1);
    cands.push(...rows);
    candOff[i + 1] = cands.length;
  }

  // ── S5 currency weights (needed by S6/S7; no RNG) ──
  const ccy = currencyWeights(countries, p);
  const currency = Array.from(m.home, (h) => countries[h].currency);
  const U = 10 ** ccy.dp;
  const candWeight = new Float64Array(cands.length);
  for (let i = 0; i < n; i++) {
    const ul = ccy.ulps.get(currency[i])!;
    for (let j = candOff[i]; j < candOff[i + 1]; j++) candWeight[j] = ul[cands[j].iso] / U;
  }

  // ── S4 ZTP foreign target ──
  const { theta0, theta1, theta2, max_zero_attempts, exhaustion_policy } = p.crossborder.ztp;
  const lambda = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const A = candOff[i + 1] - candOff[i] - 1;
    if (multi[i] && design.eligible[i] && A > 0) lambda[i] = fm_exp(theta0 + theta1 * fm_log(N[i]) + theta2 * design.openness[i]);
  }
  const ztpKeys = famKeys(FAMILIES.ztp, m.id);
  const zK = SharedCol.from('u32', ztpKeys), lC = SharedCol.from('f64', lambda);
  const kC = new SharedCol('i32', n), aC = new SharedCol('i32', n), zd = new SharedCol('u32', n), zb = new SharedCol('u32', n);
  await runShards(ctx.pool, n, SHARD_MERCHANTS, ({ start: s, end: e }) => k1aZtp.task({ n: e - s, keys: zK.in(s, e, 2), lambda: lC.in(s, e), maxZero: max_zero_attempts, outK: kC.out(s, e), outAttempts: aC.out(s, e), outDraws: zd.out(s, e), outBlocks: zb.out(s, e) }), ctx.progress.stage(`1A ${k1aZtp.name}`, n));
  const kTarget = Int32Array.from(kC.view() as Int32Array);
  const ztpAttempts = Int32Array.from(aC.view() as Int32Array);
  const ztpExhausted = new Uint8Array(n);
  trace.add(FAMILIES.ztp, zd.view() as Uint32Array, zb.view() as Uint32Array, Array.from(lambda, (l) => (l > 0 ? 1 : 0)));
  for (let i = 0; i < n; i++) {
    if (kTarget[i] >= 0) continue;
    if (exhaustion_policy === 'abort') fail(ErrorCodes.VALIDATION_FAILED, `merchant ${m.id[i]}: ZTP drew zero ${max_zero_attempts} times (lambda=${lambda[i]})`, 'config/layer1/1A/crossborder.yaml ztp', 'use exhaustion_policy: downgrade_domestic or raise theta0');
    kTarget[i] = 0;
    ztpExhausted[i] = 1;
  }

  // ── S6 Gumbel membership over foreign candidates ──
  const localOff = localOffsets(candOff, n, SHARD_MERCHANTS);
  // Foreign weights only: the home row (rank 0) gets weight 0, so it is never drawn or selected.
  const gW = new Float64Array(cands.length);
  for (let j = 0; j < cands.length; j++) gW[j] = cands[j].isHome ? 0 : candWeight[j];
  const gumbelKeys = famKeys(FAMILIES.gumbel, m.id);
  const gK = SharedCol.from('u32', gumbelKeys), offC = SharedCol.from('i32', localOff), wC = SharedCol.from('f64', gW), ktC = SharedCol.from('i32', kTarget);
  const keyC = new SharedCol('f64', cands.length), ordC = new SharedCol('i32', cands.length), gd = new SharedCol('u32', n), gb = new SharedCol('u32', n);
  await runShards(ctx.pool, n, SHARD_MERCHANTS, ({ start: s, end: e, k }) => k1aGumbel.task({
    n: e - s, keys: gK.in(s, e, 2), offsets: offC.in(s + k, e + k + 1), weights: wC.in(candOff[s], candOff[e]), kTarget: ktC.in(s, e),
    outKey: keyC.out(candOff[s], candOff[e]), outOrder: ordC.out(candOff[s], candOff[e]), outDraws: gd.out(s, e), outBlocks: gb.out(s, e),
  }), ctx.progress.stage(`1A ${k1aGumbel.name}`, n));
  const gumbelKey = Float64Array.from(keyC.view() as Float64Array);
  const selOrder = Int32Array.from(ordC.view() as Int32Array);
  trace.add(FAMILIES.gumbel, gd.view() as Uint32Array, gb.view() as Uint32Array, Array.from(kTarget, (k) => (k > 0 ? 1 : 0)));

  // ── S7 allocation over D = home ∪ selected ──
  const kRealized = new Int32Array(n);
  const inDomain = new Uint8Array(cands.length);
  const residual = new Float64Array(cands.length).fill(NaN);
  const residualRank = new Int32Array(cands.length);
  const count = new Int32Array(cands.length);
  for (let i = 0; i < n; i++) {
    const D: number[] = [];
    for (let j = candOff[i]; j < candOff[i + 1]; j++) {
      if (cands[j].isHome || selOrder[j] > 0) {
        D.push(j);
        inDomain[j] = 1;
      }
    }
    kRealized[i] = D.length - 1;
    const a = allocate(N[i], D.map((j) => candWeight[j]), D.map((j) => countries[cands[j].iso].iso2), p);
    D.forEach((j, r) => {
      count[j] = a.counts[r];
      residual[j] = a.residuals[r];
      residualRank[j] = a.residualRank[r];
    });
  }
  return {
    p, m, design, hurdleU: Float64Array.from(uC.view() as Float64Array), multi, N, nbRej, candOff, cands, candWeight, lambda, kTarget, ztpAttempts, ztpExhausted,
    gumbelKey, selOrder, kRealized, inDomain, residual, residualRank, count, currency, ccy,
    keys: { universe: universeKeys, hurdle: hurdleKeys, nb: nbKeys, ztp: ztpKeys, gumbel: gumbelKeys }, trace,
  };
}
