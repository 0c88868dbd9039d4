// S9: re-derive what can be re-derived, reconcile RNG accounting, replay a sample of merchants
// through the TypeScript reference kernels, measure realism corridors with DuckDB over the
// published Parquet, then write the validation bundle — with _passed.flag only if every required
// check passed — and the run-scoped RNG logs.
import { sealedParquet } from '../../io/reader.js';
import { loadCountries } from '../../reference/countries.js';
import { aliasBuild } from '../../rng/alias.js';
import { Duck, litList } from '../../io/duck.js';
import type { RunContext } from '../../engine/context.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { universeRef, hurdleRef, nbRef, ztpRef, gumbelRef } from './kernels_ref.js';
import { homeWeights } from './s0_universe.js';
import { FAMILIES, type World1A } from './world.js';
import type { Published1A } from './outputs.js';

export async function validate1A(ctx: RunContext, w: World1A, pub: Published1A): Promise<void> {
  const stage = ctx.progress.stage('1A S9 validation', 4, 'checks');
  const checks = new Checks();
  const add = checks.add.bind(checks);
  const n = w.m.n;

  // Conservation and structure, re-derived from the arrays that produced the outputs.
  let sumN = 0,
    badSum = 0,
    badHome = 0,
    badRank = 0,
    badK = 0,
    outsideDomain = 0;
  for (let i = 0; i < n; i++) {
    sumN += w.N[i];
    let s = 0,
      positiveForeign = 0;
    for (let j = w.candOff[i], r = 0; j < w.candOff[i + 1]; j++, r++) {
      s += w.count[j];
      if (w.cands[j].rank !== r) badRank++;
      if (r === 0 && !w.cands[j].isHome) badHome++;
      if (!w.inDomain[j] && w.count[j] !== 0) outsideDomain++;
      if (!w.cands[j].isHome && w.candWeight[j] > 0) positiveForeign++;
    }
    if (s !== w.N[i]) badSum++;
    if (w.kRealized[i] !== Math.min(w.kTarget[i], positiveForeign)) badK++;
  }
  add('conservation.outlets_sum_to_N', badSum === 0, `${badSum} merchants whose country counts do not sum to N`);
  add('conservation.outlet_rows', pub.rows.outlet_catalogue === sumN, `outlet_catalogue rows ${pub.rows.outlet_catalogue} vs ΣN ${sumN}`);
  add('s3.ranks_contiguous_home_zero', badRank + badHome === 0, `${badRank} rank gaps, ${badHome} merchants without home at rank 0`);
  add('s6.k_realized', badK === 0, `${badK} merchants with K_realized ≠ min(K_target, |positive-weight foreign|)`);
  add('s7.counts_inside_domain', outsideDomain === 0, `${outsideDomain} outlets outside D`);
  stage.tick(1);

  // RNG: exact replay of a merchant sample through the TS reference kernels, and total reconciliation.
  const replay = replaySample(ctx, w);
  add(
    'rng.replay_sample',
    replay.mismatches.length === 0,
    `${replay.merchants} merchants replayed; ${replay.mismatches.length} mismatches${replay.mismatches.length ? ': ' + replay.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  const traceRows = w.trace.rows();
  const hurdleDraws = traceRows.find((r) => r.family === FAMILIES.hurdle)?.draws;
  const expectHurdle = w.design.pi.reduce((a, p) => a + (p > 0 && p < 1 ? 1 : 0), 0);
  add('rng.hurdle_budget', String(expectHurdle) === hurdleDraws, `hurdle draws ${hurdleDraws} vs merchants with 0<pi<1 ${expectHurdle}`);
  if (w.m.source === 'generated') {
    const u = traceRows.find((r) => r.family === FAMILIES.universe)?.draws;
    add('rng.universe_budget', u === String(3 * n), `universe draws ${u} vs 3×${n}`);
  }
  stage.tick(1);

  // Realism corridors over the published Parquet.
  const metrics = await realismMetrics(ctx, pub);
  const corridors = w.p.validation.corridors;
  const realism = Object.entries(corridors).map(([name, c]) => {
    const v = metrics[name];
    const passed = typeof v === 'number' && v >= c.min && v <= c.max;
    add(`realism.${name}`, passed, `${name}=${typeof v === 'number' ? v.toFixed(4) : 'missing'} corridor [${c.min}, ${c.max}]`, c.required);
    return { metric: name, value: v ?? null, min: c.min, max: c.max, required: c.required, passed };
  });
  stage.tick(1);

  await sealSegment(ctx, {
    checks,
    rows: pub.rows,
    trace: w.trace,
    files: { 'realism_1A.json': { segment: '1A', metrics: realism }, 'rng_replay.json': replay },
  });
  stage.tick(1);
  stage.done();
}

function replaySample(ctx: RunContext, w: World1A) {
  const n = w.m.n;
  const want = Math.min(n, w.p.validation.replay_sample_merchants);
  const step = Math.max(1, Math.floor(n / want));
  const countries = loadCountries().countries;
  const cT = aliasBuild(homeWeights(countries, w.p));
  const mT = aliasBuild(w.p.universe.mccs.map((x) => x.weight));
  const pCnp = Float64Array.from(w.p.universe.mccs.map((x) => x.p_cnp));
  const mismatches: string[] = [];
  const k = (a: Uint32Array, i: number): [number, number] => [a[2 * i], a[2 * i + 1]];
  let merchants = 0;
  for (let i = 0; i < n; i += step) {
    merchants++;
    const id = w.m.id[i];
    if (w.m.source === 'generated') {
      const u = universeRef(k(w.keys.universe, i), cT, mT, pCnp);
      if (u.home !== w.m.home[i] || u.mcc !== w.m.mcc[i] || u.cnp !== w.m.cnp[i]) mismatches.push(`${id} universe`);
    }
    const h = hurdleRef(k(w.keys.hurdle, i), w.design.pi[i]);
    if (h.multi !== w.multi[i]) mismatches.push(`${id} hurdle`);
    const nb = nbRef(k(w.keys.nb, i), w.multi[i], w.design.mu[i], w.design.phi[i], w.p.nb.max_attempts);
    if (nb.N !== w.N[i] || nb.rej !== w.nbRej[i]) mismatches.push(`${id} nb ${nb.N}≠${w.N[i]}`);
    const z = ztpRef(k(w.keys.ztp, i), w.lambda[i], w.p.crossborder.ztp.max_zero_attempts);
    const kt = z.K < 0 ? 0 : z.K;
    if (kt !== w.kTarget[i] || z.attempts !== w.ztpAttempts[i]) mismatches.push(`${id} ztp`);
    const lo = w.candOff[i],
      hi = w.candOff[i + 1];
    const gw = Array.from({ length: hi - lo }, (_, j) => (w.cands[lo + j].isHome ? 0 : w.candWeight[lo + j]));
    const g = gumbelRef(k(w.keys.gumbel, i), gw, w.kTarget[i]);
    for (let j = 0; j < hi - lo; j++) if (g.order[j] !== w.selOrder[lo + j] || !Object.is(g.keys[j], w.gumbelKey[lo + j])) mismatches.push(`${id} gumbel`);
  }
  return { merchants, step, mismatches };
}

async function realismMetrics(ctx: RunContext, pub: Published1A): Promise<Record<string, number>> {
  // every part of the dataset, in path order (a large outlet_catalogue is several parts)
  const [features, outlets] = await Promise.all([sealedParquet(ctx, 'merchant_features_1A'), sealedParquet(ctx, 'outlet_catalogue')]);
  const duck = await Duck.open();
  try {
    const [r] = await duck.all(`
      WITH f AS (SELECT * FROM read_parquet(${litList(features)})),
           oc AS (SELECT * FROM read_parquet(${litList(outlets)})),
           per AS (SELECT merchant_id, count(*) AS outlets FROM oc GROUP BY 1),
           ranked AS (SELECT outlets, row_number() OVER (ORDER BY outlets DESC) AS rk, count(*) OVER () AS m FROM per)
      SELECT
        (SELECT avg(CASE WHEN n_outlets = 1 THEN 1.0 ELSE 0.0 END) FROM f) AS single_site_share,
        (SELECT median(n_outlets) FROM f WHERE is_multi) AS median_outlets_multi,
        (SELECT sum(outlets) FILTER (WHERE rk <= ceil(m * 0.1)) / sum(outlets) FROM ranked) AS top10pct_outlet_share,
        (SELECT avg(CASE WHEN home_country_iso <> legal_country_iso THEN 1.0 ELSE 0.0 END) FROM oc) AS home_ne_legal_row_share,
        (SELECT avg(CASE WHEN legal_countries > 1 THEN 1.0 ELSE 0.0 END) FROM f) AS multi_country_share,
        (SELECT stddev_pop(nb_phi) / avg(nb_phi) FROM f) AS phi_cv,
        (SELECT sum(nb_rejections)::DOUBLE / nullif(sum(nb_rejections) + count(*), 0) FROM f WHERE is_multi) AS nb_rejection_rate,
        (SELECT count(DISTINCT home_country_iso) FROM oc) AS distinct_home_countries`);
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) out[k] = Number(v);
    return out;
  } finally {
    duck.close();
  }
}
