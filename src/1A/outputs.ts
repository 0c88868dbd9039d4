// S8 + the 1A surfaces: build the tables from World1A and publish each partition write-once.
import { loadCountries } from '../reference/countries.js';
import { partitionDir } from '../contracts/dictionary.js';
import { parquetPart, type ColumnValues } from '../io/tables.js';
import { publishPartition } from '../io/publish.js';
import { sha256Hex } from '../core/hash.js';
import { tokens, type RunContext } from '../engine/context.js';
import type { OutputEntry } from '../gates/verify.js';
import { CHANNELS } from './universe.js';
import type { World1A } from './run.js';

export interface Published1A {
  rows: Record<string, number>;
  outputs: OutputEntry[];
}

export async function publishParquet(ctx: RunContext, id: string, cols: Record<string, ColumnValues>, outputs: OutputEntry[]): Promise<number> {
  const { bytes, rows } = parquetPart(id, cols);
  const { dir } = partitionDir(id, tokens(ctx));
  const name = 'part-00000.parquet';
  await publishPartition(ctx.world, dir, [{ name, bytes }]);
  outputs.push({ dataset: id, path: `${dir}/${name}`, sha256_hex: sha256Hex(bytes), bytes: bytes.length });
  return rows;
}

export async function publish1A(ctx: RunContext, w: World1A): Promise<Published1A> {
  const countries = loadCountries().countries;
  const iso = (i: number) => countries[i].iso2;
  const { m, design: d } = w;
  const n = m.n;
  const outputs: OutputEntry[] = [];
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('1A publish', 5);

  rows.merchant_universe_1A = await publishParquet(ctx, 'merchant_universe_1A', {
    merchant_id: m.id,
    mcc: Int32Array.from(m.mcc, (k) => w.p.universe.mccs[k].mcc),
    merchant_class: Array.from(m.mcc, (k) => w.p.universe.mccs[k].class),
    channel: Array.from(m.cnp, (c) => CHANNELS[c]),
    home_country_iso: Array.from(m.home, iso),
    source: new Array(n).fill(m.source),
  }, outputs);
  stage.tick(1);

  const legalCountries = new Int32Array(n);
  for (let i = 0; i < n; i++) for (let j = w.candOff[i]; j < w.candOff[i + 1]; j++) if (w.count[j] > 0) legalCountries[i]++;
  rows.merchant_features_1A = await publishParquet(ctx, 'merchant_features_1A', {
    merchant_id: m.id,
    gdp_bucket: d.bucket,
    gdp_pc_usd: d.gdpPc,
    hurdle_logit: d.logit,
    hurdle_pi: d.pi,
    hurdle_u: Array.from(w.hurdleU, (u) => (u < 0 ? null : u)),
    is_multi: Array.from(w.multi, (x) => x === 1),
    nb_mu: d.mu,
    nb_phi: d.phi,
    n_outlets: w.N,
    nb_rejections: w.nbRej,
    is_eligible: Array.from(d.eligible, (x) => x === 1),
    eligibility_reason: d.eligReason,
    openness: d.openness,
    currency: w.currency,
    foreign_candidates: Int32Array.from({ length: n }, (_, i) => w.candOff[i + 1] - w.candOff[i] - 1),
    ztp_lambda: w.lambda,
    k_target: w.kTarget,
    ztp_attempts: w.ztpAttempts,
    ztp_exhausted: Array.from(w.ztpExhausted, (x) => x === 1),
    k_realized: w.kRealized,
    legal_countries: legalCountries,
  }, outputs);
  stage.tick(1);

  const nc = w.cands.length;
  const candMerchant = new BigUint64Array(nc);
  for (let i = 0; i < n; i++) for (let j = w.candOff[i]; j < w.candOff[i + 1]; j++) candMerchant[j] = m.id[i];
  rows.candidate_set_1A = await publishParquet(ctx, 'candidate_set_1A', {
    merchant_id: candMerchant,
    country_iso: w.cands.map((c) => iso(c.iso)),
    candidate_rank: Int32Array.from(w.cands, (c) => c.rank),
    is_home: w.cands.map((c) => c.isHome),
    reason: w.cands.map((c) => c.reason),
    currency_weight: w.candWeight,
    gumbel_key: Array.from(w.gumbelKey, (k) => (Number.isFinite(k) ? k : null)),
    selection_order: Array.from(w.selOrder, (o) => (o > 0 ? o : null)),
    in_domain: Array.from(w.inDomain, (x) => x === 1),
    residual: Array.from(w.residual, (r) => (Number.isNaN(r) ? null : r)),
    residual_rank: Array.from(w.residualRank, (r) => (r > 0 ? r : null)),
    outlet_count: w.count,
  }, outputs);
  stage.tick(1);

  const cc: { currency: string[]; country_iso: string[]; weight: number[]; weight_units: number[]; dp: number[]; is_sparse: boolean[] } = { currency: [], country_iso: [], weight: [], weight_units: [], dp: [], is_sparse: [] };
  const U = 10 ** w.ccy.dp;
  for (const k of w.ccy.currencies) {
    const ul = w.ccy.ulps.get(k)!;
    for (let c = 0; c < countries.length; c++) {
      if (ul[c] === 0) continue;
      cc.currency.push(k);
      cc.country_iso.push(iso(c));
      cc.weight.push(ul[c] / U);
      cc.weight_units.push(ul[c]);
      cc.dp.push(w.ccy.dp);
      cc.is_sparse.push(w.ccy.sparse.get(k)!);
    }
  }
  rows.currency_country_weights_1A = await publishParquet(ctx, 'currency_country_weights_1A', cc, outputs);
  stage.tick(1);

  // S8 outlet_catalogue: merchant_id, legal_country_iso A→Z, site_order 1..n.
  let total = 0;
  for (let j = 0; j < nc; j++) total += w.count[j];
  const oc = {
    manifest_fingerprint: new Array<string>(total).fill(ctx.manifest_fingerprint),
    merchant_id: new BigUint64Array(total),
    site_id: new Array<string>(total),
    home_country_iso: new Array<string>(total),
    legal_country_iso: new Array<string>(total),
    single_vs_multi_flag: new Array<boolean>(total),
    raw_nb_outlet_draw: new Int32Array(total),
    final_country_outlet_count: new Int32Array(total),
    site_order: new Int32Array(total),
    global_seed: new BigUint64Array(total).fill(ctx.seed),
  };
  let r = 0;
  for (let i = 0; i < n; i++) {
    const js: number[] = [];
    for (let j = w.candOff[i]; j < w.candOff[i + 1]; j++) if (w.count[j] > 0) js.push(j);
    js.sort((a, b) => (iso(w.cands[a].iso) < iso(w.cands[b].iso) ? -1 : 1));
    for (const j of js) {
      for (let s = 1; s <= w.count[j]; s++, r++) {
        oc.merchant_id[r] = m.id[i];
        oc.site_id[r] = String(s).padStart(6, '0');
        oc.home_country_iso[r] = iso(m.home[i]);
        oc.legal_country_iso[r] = iso(w.cands[j].iso);
        oc.single_vs_multi_flag[r] = w.multi[i] === 1;
        oc.raw_nb_outlet_draw[r] = w.N[i];
        oc.final_country_outlet_count[r] = w.count[j];
        oc.site_order[r] = s;
      }
    }
  }
  rows.outlet_catalogue = await publishParquet(ctx, 'outlet_catalogue', oc, outputs);
  stage.tick(1);
  stage.done();
  return { rows, outputs };
}
