// 3A.S6 (validation verdict) + S7 (bundle + _passed.flag). Re-derives what can be re-derived,
// cross-checks the published zone_alloc against 2A's site_timezones with DuckDB, replays a sample
// of Dirichlet pairs through the TypeScript reference, measures the realism corridors, publishes
// the S6 report / issue table / receipt, then seals the bundle (flag only if required checks pass).
import { readAllBytes, sealedParquet } from '../../io/reader.js';
import { createHash } from 'node:crypto';
import { Duck, litList } from '../../io/duck.js';
import { dictEncode } from '../../io/tables.js';
import { sha256Hex, stableJson } from '../../core/hash.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import type { RunContext } from '../../engine/context.js';
import { escalationRule } from './model.js';
import { zoneSharesRef } from './kernels_ref.js';
import { bernoulliRef } from '../../rng/dist.js';
import type { Published3A } from './outputs.js';
import { universeHashOf } from './s5_zone_alloc.js';
import { FAMILIES, type World3A } from './world.js';

export interface Issue {
  issue_code: string;
  check_id: string;
  severity: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  merchant_id?: bigint;
  legal_country_iso?: string;
  tzid?: string;
}

type Add = Checks['add'];

export async function validate3A(ctx: RunContext, w: World3A, pub: Published3A): Promise<void> {
  const stage = ctx.progress.stage('3A S6 validation', 4, 'checks');
  const checks = new Checks();
  const add: Add = checks.add.bind(checks);
  const issues: Issue[] = [];
  const zoneRows = checkStructure(w, add, issues);
  stage.tick(1);
  await checkCrossSegment(ctx, w, pub, add);
  stage.tick(1);
  const replay = checkRng(w, add);
  stage.tick(1);
  const { metrics, realism } = checkRealism(w, checks, issues);
  const receipt = await publishS6(ctx, w, pub, checks, issues, metrics, zoneRows);
  stage.tick(1);

  await sealSegment(ctx, {
    checks,
    rows: pub.rows,
    trace: w.trace,
    files: {
      'realism_3A.json': { segment: '3A', metrics: realism },
      'rng_replay.json': replay,
      's6_receipt_3A.json': receipt,
      'zone_alloc_universe_hash.json': pub.universe,
    },
  });
  stage.done();
}

/** Structure and conservation, from the arrays that produced the outputs; returns the zone row count. */
function checkStructure(w: World3A, add: Add, issues: Issue[]): number {
  const { in: inp, p } = w;
  const n = inp.n;
  const U = 10 ** p.mixture.share_units_dp;
  let badSum = 0,
    badShare = 0,
    badUnits = 0,
    badMono = 0,
    negShare = 0,
    badDecision = 0,
    outside = 0,
    zoneRows = 0;
  for (let i = 0; i < n; i++) {
    const a = inp.zoneOff[i],
      b = inp.zoneOff[i + 1];
    let cnt = 0,
      sh = 0,
      un = 0;
    for (let j = a; j < b; j++) {
      cnt += inp.zoneCount[j];
      sh += w.share[j];
      un += w.units[j];
      if (!(w.share[j] >= 0 && w.share[j] <= 1)) negShare++;
      if (!w.escalated[i] && w.share[j] !== inp.zoneCount[j] / inp.siteCount[i]) badMono++;
      if (!w.inPrior[j]) {
        outside++;
        if (issues.length < 5000)
          issues.push({
            issue_code: 'ZONE_OUTSIDE_PRIOR',
            check_id: 'zones.observed_in_prior_set',
            severity: 'WARN',
            message: `2A placed ${inp.zoneCount[j]} outlet(s) in a zone the prior pack does not list for the country`,
            merchant_id: inp.merchant[i],
            legal_country_iso: inp.country[i],
            tzid: inp.tzid[j],
          });
      }
    }
    zoneRows += b - a;
    if (cnt !== inp.siteCount[i]) badSum++;
    if (Math.abs(sh - 1) > 1e-9) badShare++;
    if (un !== U) badUnits++;
    const d = escalationRule(p.mixture, inp.siteCount[i], w.zoneCountCountry[i]);
    const want = d.forced >= 0 ? d.forced : w.escU[i] >= 0 ? (w.escU[i] < d.p ? 1 : 0) : d.p >= 1 ? 1 : 0;
    if (want !== w.escalated[i] || (d.forced >= 0 && d.reason !== w.reason[i])) badDecision++;
  }
  add(
    's1.decisions_replay',
    badDecision === 0,
    `${badDecision} pairs whose escalation decision does not re-derive from the policy ladder and its uniform`,
    true,
    badDecision,
  );
  add('conservation.zone_counts_sum_to_site_count', badSum === 0, `${badSum} pairs whose zone counts do not sum to N(m,c)`, true, badSum);
  add(
    's3.shares_sum_to_one',
    badShare === 0 && negShare === 0,
    `${badShare} pairs with |Σ share − 1| > 1e-9; ${negShare} shares outside [0,1]`,
    true,
    badShare + negShare,
  );
  add('s4.share_units_exact', badUnits === 0, `${badUnits} pairs whose share units do not sum to ${U}`, true, badUnits);
  add('s3.monolithic_shares_are_site_proportions', badMono === 0, `${badMono} monolithic zone rows whose share is not n_z / N`, true, badMono);
  add(
    'zones.observed_in_prior_set',
    outside === 0,
    `${outside} of ${zoneRows} zone rows in a zone outside the country's prior set (reported as WARN issues)`,
    false,
    outside,
  );
  let badPrior = 0;
  for (const [c, rows] of w.priors.byCountry) {
    let s = 0;
    for (const r of rows) {
      s += r.share_effective;
      if (!(r.alpha_effective > 0 && r.alpha_effective >= r.alpha_raw)) badPrior++;
    }
    if (Math.abs(s - 1) > 1e-12 * rows.length) {
      badPrior++;
      issues.push({
        issue_code: 'PRIOR_NOT_NORMALISED',
        check_id: 's2.priors_valid',
        severity: 'ERROR',
        message: `country prior shares sum to ${s}`,
        legal_country_iso: c,
      });
    }
  }
  add(
    's2.priors_valid',
    badPrior === 0,
    `${badPrior} prior rows/countries with alpha_effective <= 0, below alpha_raw, or shares not summing to 1`,
    true,
    badPrior,
  );
  return zoneRows;
}

/** Cross-segment: the published zone_alloc against 2A's site_timezones and 1A's outlet_catalogue; the universe hash recomputed. */
async function checkCrossSegment(ctx: RunContext, w: World3A, pub: Published3A, add: Add): Promise<void> {
  const { p } = w;
  // zone_alloc as just published (no gate yet); the upstream datasets as their gates list them
  const [za, st, oc] = await Promise.all([sealedParquet(ctx, 'zone_alloc'), sealedParquet(ctx, 'site_timezones'), sealedParquet(ctx, 'outlet_catalogue')]);
  const duck = await Duck.open();
  let cross: Record<string, number>;
  try {
    const [r] = await duck.all(`
      WITH za AS (SELECT merchant_id, legal_country_iso AS c, tzid AS z, zone_site_count AS n, site_count AS nc, routing_universe_hash AS h FROM read_parquet(${litList(za)})),
           st AS (SELECT merchant_id, legal_country_iso AS c, tzid AS z, count(*) AS n FROM read_parquet(${litList(st)}) GROUP BY 1, 2, 3),
           oc AS (SELECT merchant_id, legal_country_iso AS c, count(*) AS n FROM read_parquet(${litList(oc)}) GROUP BY 1, 2),
           zp AS (SELECT merchant_id, c, sum(n) AS n, min(nc) AS nc FROM za GROUP BY 1, 2)
      SELECT
        (SELECT count(*) FROM za FULL OUTER JOIN st USING (merchant_id, c, z) WHERE za.n IS DISTINCT FROM st.n) AS zone_mismatch,
        (SELECT count(*) FROM zp FULL OUTER JOIN oc USING (merchant_id, c) WHERE zp.n IS DISTINCT FROM oc.n OR zp.nc IS DISTINCT FROM oc.n) AS pair_mismatch,
        (SELECT count(*) FROM za) AS za_rows,
        (SELECT count(*) FROM (SELECT DISTINCT merchant_id, c, z FROM za)) AS za_keys,
        (SELECT count(DISTINCT h) FROM za) AS hashes,
        (SELECT min(h) FROM za) AS hash`);
    cross = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'hash' ? 0 : Number(v)]));
    add(
      'universe.zone_alloc_carries_hash',
      Number(r.hashes) === 1 && r.hash === pub.universe.routing_universe_hash,
      `zone_alloc carries ${r.hashes} distinct routing_universe_hash value(s); expected ${pub.universe.routing_universe_hash}`,
    );
  } finally {
    duck.close();
  }
  add(
    'conservation.zone_alloc_equals_site_timezones',
    cross.zone_mismatch === 0,
    `${cross.zone_mismatch} (merchant, country, tzid) keys whose zone_site_count differs from site_timezones`,
    true,
    Number(cross.zone_mismatch),
  );
  add(
    'conservation.zone_alloc_pairs_equal_outlet_catalogue',
    cross.pair_mismatch === 0,
    `${cross.pair_mismatch} (merchant, country) pairs whose Σ zone_site_count or site_count differs from outlet_catalogue`,
  );
  add('keys.zone_alloc_unique', cross.za_rows === cross.za_keys, `${cross.za_rows} rows, ${cross.za_keys} distinct keys`);

  // universe hash: recompute the combination law and the alpha digest from the files on disk
  const u = pub.universe;
  const h = createHash('sha256');
  for (const b of await readAllBytes(ctx, 's2_country_zone_priors')) h.update(b);
  const alphaOk = h.digest('hex') === u.zone_alpha_digest;
  const combOk =
    universeHashOf([u.zone_alpha_digest, u.theta_digest, u.zone_floor_digest, u.day_effect_digest, u.zone_alloc_parquet_digest]) === u.routing_universe_hash;
  add(
    'universe.routing_universe_hash_recomputes',
    alphaOk && combOk && u.theta_digest === sha256Hex(p.bytes.mixture) && u.zone_floor_digest === sha256Hex(p.bytes.floors),
    `alpha digest ${alphaOk ? 'ok' : 'MISMATCH'}; combination ${combOk ? 'ok' : 'MISMATCH'}`,
  );
}

/** RNG: replay a sample through the TS references; budgets. */
function checkRng(w: World3A, add: Add) {
  const replay = replaySample(w);
  add(
    'rng.replay_sample',
    replay.mismatches.length === 0,
    `${replay.pairs} pairs replayed; ${replay.mismatches.length} mismatches${replay.mismatches.length ? ': ' + replay.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  const traceRows = w.trace.rows();
  const escDraws = traceRows.find((r) => r.family === FAMILIES.escalation)?.draws;
  const expectEsc = w.escP.reduce((a, x) => a + (x > 0 && x < 1 ? 1 : 0), 0);
  add('rng.escalation_budget', String(expectEsc) === escDraws, `escalation draws ${escDraws} vs pairs with 0<p<1 ${expectEsc}`);
  const dirDraws = traceRows.find((r) => r.family === FAMILIES.dirichlet)?.draws;
  const sumDir = w.dirDraws.reduce((a, x) => a + x, 0);
  add('rng.dirichlet_accounting', String(sumDir) === dirDraws, `Dirichlet draws in trace ${dirDraws} vs per-pair sum ${sumDir}`);
  return replay;
}

/** Realism corridors; every failed check becomes an issue row. */
function checkRealism(w: World3A, checks: Checks, issues: Issue[]) {
  const { p } = w;
  const add: Add = checks.add.bind(checks);
  const metrics = realismMetrics(w);
  const realism = Object.entries(p.validation.corridors).map(([name, c]) => {
    const v = metrics[name];
    const passed = typeof v === 'number' && Number.isFinite(v) && v >= c.min && v <= c.max;
    add(`realism.${name}`, passed, `${name}=${typeof v === 'number' ? v.toFixed(4) : 'missing'} corridor [${c.min}, ${c.max}]`, c.required);
    return { metric: name, value: Number.isFinite(v) ? v : null, min: c.min, max: c.max, required: c.required, passed };
  });
  for (const c of checks.list) {
    if (!c.passed)
      issues.push({ issue_code: c.required ? 'CHECK_FAILED' : 'CHECK_WARN', check_id: c.id, severity: c.required ? 'ERROR' : 'WARN', message: c.detail });
  }
  return { metrics, realism };
}

/** S6 outputs (fingerprint-scoped): report, issue table, receipt. */
async function publishS6(ctx: RunContext, w: World3A, pub: Published3A, checks: Checks, issues: Issue[], metrics: Record<string, number>, zoneRows: number) {
  const n = w.in.n;
  const report = {
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    overall_status: checks.passed ? 'PASS' : 'FAIL',
    checks_passed_count: checks.list.filter((c) => c.passed).length,
    checks_failed_count: checks.list.filter((c) => !c.passed && c.required).length,
    checks_warn_count: checks.list.filter((c) => !c.passed && !c.required).length,
    checks: checks.list.map((c) => ({
      check_id: c.id,
      status: c.passed ? 'PASS' : c.required ? 'FAIL' : 'WARN',
      severity: c.passed ? 'INFO' : c.required ? 'ERROR' : 'WARN',
      affected_count: c.affected ?? (c.passed ? 0 : null),
      notes: c.detail,
    })),
    metrics: { ...metrics, pairs: n, zone_rows: zoneRows, escalated_pairs: w.escalated.reduce((a, x) => a + x, 0) },
  };
  await ctx.out.writeJson('s6_validation_report_3A', report);
  const ni = issues.length;
  const issueFile = await ctx.out.write('s6_issue_table_3A', {
    manifest_fingerprint: { codes: new Int32Array(ni), dict: [ctx.manifest_fingerprint] },
    issue_code: dictEncode(issues.map((x) => x.issue_code)),
    check_id: dictEncode(issues.map((x) => x.check_id)),
    severity: dictEncode(issues.map((x) => x.severity)),
    message: dictEncode(issues.map((x) => x.message)),
    merchant_id: {
      values: BigUint64Array.from(issues, (x) => x.merchant_id ?? 0n),
      valid: Uint8Array.from(issues, (x) => (x.merchant_id === undefined ? 0 : 1)),
    },
    legal_country_iso: issues.map((x) => x.legal_country_iso ?? ''),
    tzid: issues.map((x) => x.tzid ?? ''),
  });
  const receipt = {
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    s6_version: '1',
    overall_status: report.overall_status,
    checks_passed_count: report.checks_passed_count,
    checks_failed_count: report.checks_failed_count,
    checks_warn_count: report.checks_warn_count,
    check_status_map: Object.fromEntries(report.checks.map((c) => [c.check_id, { status: c.status, severity: c.severity }])),
    validation_report_digest: sha256Hex(stableJson(report)),
    issue_table_digest: issueFile.files[0].sha256_hex,
  };
  await ctx.out.writeJson('s6_receipt_3A', receipt);
  return receipt;
}

function replaySample(w: World3A) {
  const n = w.in.n;
  const want = Math.min(n, w.p.validation.replay_sample_pairs);
  const step = Math.max(1, Math.floor(n / want));
  const mismatches: string[] = [];
  let pairs = 0;
  for (let i = 0; i < n; i += step) {
    pairs++;
    const tag = `${w.in.merchant[i]}/${w.in.country[i]}`;
    const h = bernoulliRef([w.keys.escalation[2 * i], w.keys.escalation[2 * i + 1]], w.escP[i]);
    if (h.hit !== w.escalated[i] || !Object.is(h.u, w.escU[i])) mismatches.push(`${tag} escalation`);
    if (!w.escalated[i]) continue;
    const a = w.in.zoneOff[i],
      b = w.in.zoneOff[i + 1];
    const r = zoneSharesRef([w.keys.dirichlet[2 * i], w.keys.dirichlet[2 * i + 1]], w.alpha.subarray(a, b));
    if (r.draws !== w.dirDraws[i] || r.blocks !== w.dirBlocks[i]) mismatches.push(`${tag} dirichlet draws`);
    for (let j = a; j < b; j++) if (!Object.is(r.share[j - a], w.share[j])) mismatches.push(`${tag} share ${w.in.tzid[j]}`);
  }
  return { pairs, step, mismatches };
}

/** Realism metrics over the computed world (pure function of it). */
export function realismMetrics(w: World3A): Record<string, number> {
  const { in: inp } = w;
  let eligible = 0,
    eligibleEsc = 0,
    tvSum = 0,
    tvN = 0,
    multi = 0,
    multiCand = 0,
    outside = 0;
  const top1: number[] = [];
  for (let i = 0; i < inp.n; i++) {
    const a = inp.zoneOff[i],
      b = inp.zoneOff[i + 1];
    const N = inp.siteCount[i];
    if (N >= 2 && w.zoneCountCountry[i] >= 2) {
      eligible++;
      if (w.escalated[i]) eligibleEsc++;
      multiCand++;
      if (b - a >= 2) multi++;
    }
    for (let j = a; j < b; j++) if (!w.inPrior[j]) outside++;
    if (b - a >= 2) {
      let t = 0;
      for (let j = a; j < b; j++) t = Math.max(t, w.share[j]);
      top1.push(t);
      if (w.escalated[i]) {
        let tv = 0;
        for (let j = a; j < b; j++) tv += Math.abs(w.share[j] - inp.zoneCount[j] / N);
        tvSum += tv / 2;
        tvN++;
      }
    }
  }
  top1.sort((x, y) => x - y);
  const median = top1.length ? (top1.length % 2 ? top1[(top1.length - 1) / 2] : (top1[top1.length / 2 - 1] + top1[top1.length / 2]) / 2) : NaN;
  return {
    escalation_rate_eligible: eligible ? eligibleEsc / eligible : NaN,
    share_dispersion_tv_mean: tvN ? tvSum / tvN : NaN,
    top1_share_median_multizone: median,
    multizone_pair_share: multiCand ? multi / multiCand : NaN,
    rows_outside_prior_share: inp.tzid.length ? outside / inp.tzid.length : 0,
  };
}
