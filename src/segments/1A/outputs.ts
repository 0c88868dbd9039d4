// S8 + the 1A surfaces: build the tables from World1A and publish each partition write-once.
import { loadCountries } from '../../reference/countries.js';
import { dictEncode, type DictCol } from '../../io/tables.js';
import type { RunContext } from '../../engine/context.js';
import { CHANNELS } from './s0_universe.js';
import type { World1A } from './world.js';

export interface Published1A {
  rows: Record<string, number>;
}

const nullableF64 = (v: Float64Array, present: (x: number) => boolean) => ({ values: v, valid: Uint8Array.from(v, (x) => (present(x) ? 1 : 0)) });
const nullableI32 = (v: Int32Array) => ({ values: v, valid: Uint8Array.from(v, (x) => (x > 0 ? 1 : 0)) });

export async function publish1A(ctx: RunContext, w: World1A): Promise<Published1A> {
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('1A publish', 5, 'datasets');
  const isoCol = isoColumn();
  const pUniverse = publishUniverse(ctx, w, isoCol);
  const pFeatures = publishFeatures(ctx, w);
  const pCandidates = publishS3Candidates(ctx, w, isoCol);
  const pWeights = publishS5Weights(ctx, w, isoCol);
  const pOutlets = publishS8Outlets(ctx, w, isoCol);
  [rows.merchant_universe_1A, rows.merchant_features_1A, rows.candidate_set_1A, rows.currency_country_weights_1A, rows.outlet_catalogue] = await Promise.all(
    [pUniverse, pFeatures, pCandidates, pWeights, pOutlets].map((p) => p.then((r) => (stage.tick(1), r))),
  );
  stage.done();
  return { rows };
}

type IsoCol = (codes: Int32Array) => DictCol;

function isoColumn(): IsoCol {
  const countries = loadCountries().countries;
  const isoDict = countries.map((c) => c.iso2);
  return (codes: Int32Array): DictCol => ({ codes, dict: isoDict });
}

/** S0: the merchants. */
function publishUniverse(ctx: RunContext, w: World1A, isoCol: IsoCol): Promise<number> {
  const { m } = w;
  const n = m.n;
  const mccs = w.p.universe.mccs;
  return ctx.out
    .write('merchant_universe_1A', {
      merchant_id: m.id,
      mcc: Int32Array.from(m.mcc, (k) => mccs[k].mcc),
      merchant_class: dictEncode(Array.from(m.mcc, (k) => mccs[k].class)),
      channel: { codes: Int32Array.from(m.cnp), dict: [...CHANNELS] },
      home_country_iso: isoCol(m.home),
      source: { codes: new Int32Array(n), dict: [m.source] },
    })
    .then((r) => r.rows);
}

/** S0–S7 per merchant: design features, draws and counts. */
function publishFeatures(ctx: RunContext, w: World1A): Promise<number> {
  const { m, design: d } = w;
  const n = m.n;
  const legalCountries = new Int32Array(n);
  for (let i = 0; i < n; i++) for (let j = w.candOff[i]; j < w.candOff[i + 1]; j++) if (w.count[j] > 0) legalCountries[i]++;
  return ctx.out
    .write('merchant_features_1A', {
      merchant_id: m.id,
      gdp_bucket: d.bucket,
      gdp_pc_usd: d.gdpPc,
      hurdle_logit: d.logit,
      hurdle_pi: d.pi,
      hurdle_u: nullableF64(w.hurdleU, (u) => u >= 0),
      is_multi: w.multi,
      nb_mu: d.mu,
      nb_phi: d.phi,
      n_outlets: w.N,
      nb_rejections: w.nbRej,
      is_eligible: d.eligible,
      eligibility_reason: dictEncode(d.eligReason),
      openness: d.openness,
      currency: dictEncode(w.currency),
      foreign_candidates: Int32Array.from({ length: n }, (_, i) => w.candOff[i + 1] - w.candOff[i] - 1),
      ztp_lambda: w.lambda,
      k_target: w.kTarget,
      ztp_attempts: w.ztpAttempts,
      ztp_exhausted: w.ztpExhausted,
      k_realized: w.kRealized,
      legal_countries: legalCountries,
    })
    .then((r) => r.rows);
}

/** S3 candidates with S5 weights, S6 keys and S7 counts, one row per candidate. */
function publishS3Candidates(ctx: RunContext, w: World1A, isoCol: IsoCol): Promise<number> {
  const { m } = w;
  const n = m.n;
  const nc = w.cands.length;
  const candMerchant = new BigUint64Array(nc);
  for (let i = 0; i < n; i++) candMerchant.fill(m.id[i], w.candOff[i], w.candOff[i + 1]);
  return ctx.out
    .write('candidate_set_1A', {
      merchant_id: candMerchant,
      country_iso: isoCol(Int32Array.from(w.cands, (c) => c.iso)),
      candidate_rank: Int32Array.from(w.cands, (c) => c.rank),
      is_home: Uint8Array.from(w.cands, (c) => (c.isHome ? 1 : 0)),
      reason: dictEncode(w.cands.map((c) => c.reason)),
      currency_weight: w.candWeight,
      gumbel_key: nullableF64(w.gumbelKey, Number.isFinite),
      selection_order: nullableI32(w.selOrder),
      in_domain: w.inDomain,
      residual: nullableF64(w.residual, (r) => !Number.isNaN(r)),
      residual_rank: nullableI32(w.residualRank),
      outlet_count: w.count,
    })
    .then((r) => r.rows);
}

function publishS5Weights(ctx: RunContext, w: World1A, isoCol: IsoCol): Promise<number> {
  const countries = loadCountries().countries;
  // S5 weights, currency A→Z then country A→Z, positive weights only.
  const U = 10 ** w.ccy.dp;
  const ccyCode: number[] = [],
    ctry: number[] = [],
    units: number[] = [],
    sparse: number[] = [];
  w.ccy.currencies.forEach((k, ki) => {
    const ul = w.ccy.ulps.get(k)!;
    for (let c = 0; c < countries.length; c++) {
      if (ul[c] === 0) continue;
      ccyCode.push(ki);
      ctry.push(c);
      units.push(ul[c]);
      sparse.push(w.ccy.sparse.get(k) ? 1 : 0);
    }
  });
  return ctx.out
    .write('currency_country_weights_1A', {
      currency: { codes: Int32Array.from(ccyCode), dict: w.ccy.currencies },
      country_iso: isoCol(Int32Array.from(ctry)),
      weight: Float64Array.from(units, (u) => u / U),
      weight_units: Int32Array.from(units),
      dp: new Int32Array(units.length).fill(w.ccy.dp),
      is_sparse: Uint8Array.from(sparse),
    })
    .then((r) => r.rows);
}

function publishS8Outlets(ctx: RunContext, w: World1A, isoCol: IsoCol): Promise<number> {
  const { m } = w;
  const n = m.n;
  const nc = w.cands.length;
  // S8 outlet_catalogue: merchant_id, legal_country_iso A→Z, site_order 1..n.
  let total = 0;
  let maxCount = 0;
  for (let j = 0; j < nc; j++) {
    total += w.count[j];
    if (w.count[j] > maxCount) maxCount = w.count[j];
  }
  const oc = {
    manifest_fingerprint: { codes: new Int32Array(total), dict: [ctx.manifest_fingerprint] },
    merchant_id: new BigUint64Array(total),
    site_id: { codes: new Int32Array(total), dict: Array.from({ length: maxCount + 1 }, (_, s) => String(s).padStart(6, '0')) },
    home_country_iso: isoCol(new Int32Array(total)),
    legal_country_iso: isoCol(new Int32Array(total)),
    single_vs_multi_flag: new Uint8Array(total),
    raw_nb_outlet_draw: new Int32Array(total),
    final_country_outlet_count: new Int32Array(total),
    site_order: new Int32Array(total),
    global_seed: new BigUint64Array(total).fill(ctx.seed),
  };
  let r = 0;
  for (let i = 0; i < n; i++) {
    const js: number[] = [];
    for (let j = w.candOff[i]; j < w.candOff[i + 1]; j++) if (w.count[j] > 0) js.push(j);
    js.sort((a, b) => w.cands[a].iso - w.cands[b].iso); // country list is ISO-sorted: index order = A→Z
    for (const j of js) {
      for (let s = 1; s <= w.count[j]; s++, r++) {
        oc.merchant_id[r] = m.id[i];
        oc.site_id.codes[r] = s;
        oc.home_country_iso.codes[r] = m.home[i];
        oc.legal_country_iso.codes[r] = w.cands[j].iso;
        oc.single_vs_multi_flag[r] = w.multi[i];
        oc.raw_nb_outlet_draw[r] = w.N[i];
        oc.final_country_outlet_count[r] = w.count[j];
        oc.site_order[r] = s;
      }
    }
  }
  return ctx.out.write('outlet_catalogue', oc).then((r) => r.rows);
}
