// S7 audit + S8 seal: re-derive and cross-check every 2B surface, then write s7_audit_report and
// the validation bundle (flag only when every required check passed).
//   A. S1 mass: Σ p_weight = 1 within ε, Σ quantised_mass = 2^bits, |mass/2^bits − p| ≤ ε_q.
//   B. S2 alias: blob digest, slice headers (prob_qbits = policy, code 2B-S7-205), offsets/alignment,
//      per-slice checksums, exact decode of every merchant table and every tz-group table.
//   C. S3/S4 from the published bytes (DuckDB): key coverage (missing_in_s3 / missing_in_s4),
//      gamma echo (gamma_mismatch), duplicates, day grid, Σ p_group = 1, Σ base_share = 1.
//   D. RNG accounting, reference replay of a merchant sample, router self-test (wasm == reference,
//      every routed site inside its chosen tz-group).
//   E. Realism corridors (validation.yaml).
import { join } from 'node:path';
import { readBytes } from '../../io/reader.js';
import { sha256Hex } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { Duck, lit } from '../../io/duck.js';
import type { RunContext } from '../../engine/context.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards, shardPlan } from '../../pool/shards.js';
import { k2bRouteStream } from '../../kernels/2B.js';
import { FamilyKeys } from '../../rng/keys.js';
import { Substream } from '../../rng/stream.js';
import { aliasEncodeRef, dayEffectsRef, groupAliasRef, siteWeightsRef, sliceWords } from './kernels_ref.js';
import { bucketParams, dayParams, isoDay } from './policies.js';
import { decodedProbabilities, routeRef, subsetRouter, type Router2B } from '../../laws/routing/router.js';
import { FAMILIES, HIST_BINS, sampleMerchants, type World2B } from './world.js';
import type { Published2B } from './outputs.js';

const SELFTEST_SHARD = 1 << 16;
const SELFTEST_MERCHANTS = 512;

/** The in-memory router of a freshly built world (same tables loadRouter rebuilds from the published bytes). */
export function routerOf(w: World2B): Router2B {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  return {
    merchantId: sites.merchantId,
    blob: w.blob,
    sliceWord: w.wordOff.subarray(0, M),
    dayTab: w.dayTab,
    dayWord: Uint32Array.from({ length: M }, (_, m) => 2 * p.days.count * sites.groupOff[m]),
    nDays: p.days.count,
    startDay: p.days.start,
    dayQbits: p.alias.layout.prob_qbits,
    groupOff: sites.groupOff,
    groupTz: Array.from(sites.groupTz, (c) => sites.tzDict[c]),
    siteOff: sites.siteOff,
    siteCountry: sites.country,
    siteOrder: sites.siteOrder,
  };
}

const median = (a: ArrayLike<number>) => {
  if (a.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const quantile = (a: ArrayLike<number>, q: number) => {
  if (a.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  const x = q * (s.length - 1);
  const i = Math.floor(x);
  return i + 1 < s.length ? s[i] + (x - i) * (s[i + 1] - s[i]) : s[i];
};

export async function validate2B(ctx: RunContext, w: World2B, pub: Published2B): Promise<void> {
  const stage = ctx.progress.stage('2B S7 audit', 5, 'checks');
  const checks = new Checks();
  const codes: Record<string, string> = {};
  const add = (id: string, code: string, passed: boolean, detail: string, required = true) => {
    codes[id] = code;
    return checks.add(id, passed, detail, required);
  };
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const S = sites.siteOff[M];
  const D = p.days.count;
  const idx = pub.index;

  checkS1Weights(w, add);
  stage.tick(1);
  const { maxDecode, maxGroupDecode } = await checkS2Alias(ctx, w, pub, add);
  stage.tick(1);
  const { gTotal, max } = await checkS3S4Days(ctx, w, pub, add);
  stage.tick(1);
  const { replay, self } = await checkRngAndRouter(ctx, w, D * gTotal, add);
  stage.tick(1);
  const { metrics, realismRows } = checkRealism(w, add);

  const report = {
    component: '2B.S7',
    manifest_fingerprint: ctx.manifest_fingerprint,
    seed: ctx.seed.toString(),
    parameter_hash: ctx.parameter_hash,
    inputs_digest: {
      policies: Object.fromEntries(ctx.pack.files.filter((f) => f.name.startsWith('layer1/2B/')).map((f) => [f.name, sha256Hex(f.bytes)])),
      s2_alias_blob: idx.blob_sha256,
      outputs: Object.fromEntries(ctx.out.ledger.map((o) => [o.path, o.sha256_hex])),
    },
    checks: checks.list.map((c) => ({
      id: c.id,
      status: c.passed ? 'PASS' : c.required ? 'FAIL' : 'WARN',
      codes: [codes[c.id]],
      context: { detail: c.detail, required: c.required },
    })),
    metrics: {
      merchants_total: M,
      sites_total: S,
      groups_total: gTotal,
      days_total: D,
      selections_checked: self.arrivals,
      draws_expected: 2 * self.arrivals,
      draws_observed: self.draws,
      alias_decode_max_abs_delta: maxDecode,
      group_alias_decode_max_abs_delta: maxGroupDecode,
      max_abs_mass_error_s4: max.max_mass_error,
      gamma_clipped_rows: w.dayStats.clipped,
      ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
    },
    summary: {
      overall_status: checks.passed ? 'PASS' : 'FAIL',
      warn_count: checks.list.filter((c) => !c.passed && !c.required).length,
      fail_count: checks.list.filter((c) => !c.passed && c.required).length,
    },
  };
  await ctx.out.writeJson('s7_audit_report', report);
  await sealSegment(ctx, {
    checks,
    trace: w.trace,
    // one S1 weight per site of 1B's site_locations: the read-back holds s1_site_weights's files to it
    rows: { ...pub.rows, s1_site_weights: sites.siteOff[sites.siteOff.length - 1] },
    files: { 'realism_2B.json': { segment: '2B', metrics: realismRows }, 'rng_replay.json': replay, 'router_selftest.json': self },
  });
  stage.tick(1);
  stage.done();
}

/** Re-derive the sample merchants' S1, S2, S3/S4 and group tables through the TypeScript references. */

type Add = (id: string, code: string, passed: boolean, detail: string, required?: boolean) => unknown;

/** A. S1: site weights normalised, masses quantised. */
function checkS1Weights(w: World2B, add: Add): void {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const G = 2 ** p.alias.quantised_bits;
  const eps = p.alias.normalisation_epsilon;
  const epsQ = p.alias.quantisation_epsilon;
  let badSum = 0,
    badMass = 0,
    maxQ = 0;
  for (let i = 0; i < M; i++) {
    let s = 0,
      m = 0;
    for (let r = sites.siteOff[i]; r < sites.siteOff[i + 1]; r++) {
      s += w.pWeight[r];
      m += w.mass[r];
      maxQ = Math.max(maxQ, Math.abs(w.mass[r] / G - w.pWeight[r]));
      if (!(w.pWeight[r] >= 0 && w.pWeight[r] <= 1)) badSum++;
    }
    if (Math.abs(s - 1) > eps) badSum++;
    if (m !== G) badMass++;
  }
  add('s1.mass_normalised', '2B-S1-051', badSum === 0, `${badSum} merchants with |Σ p_weight − 1| > ${eps} or p outside [0,1]`);
  add(
    's1.quantised_mass',
    '2B-S1-052',
    badMass === 0 && maxQ <= epsQ,
    `${badMass} merchants whose masses do not total 2^${p.alias.quantised_bits}; max |mass/G − p| = ${maxQ.toExponential(3)} (ε_q ${epsQ})`,
  );
}

/** B. S2: the blob on disk against the index and the masses, slice by slice. */
async function checkS2Alias(ctx: RunContext, w: World2B, pub: Published2B, add: Add): Promise<{ maxDecode: number; maxGroupDecode: number }> {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const G = 2 ** p.alias.quantised_bits;
  const qb = p.alias.layout.prob_qbits;
  const epsQ = p.alias.quantisation_epsilon;
  const onDisk = await readBytes(ctx, 's2_alias_blob');
  const idx = pub.index;
  add(
    's2.blob_digest',
    '2B-S7-202',
    sha256Hex(onDisk) === idx.blob_sha256 && onDisk.byteLength === idx.blob_size_bytes,
    `sha256(alias.bin) ${sha256Hex(onDisk).slice(0, 12)}… vs index ${idx.blob_sha256.slice(0, 12)}…, ${onDisk.byteLength} bytes`,
  );
  let hdrBad = 0,
    qbitsBad = 0,
    offBad = 0,
    sumBad = 0,
    exactBad = 0,
    groupBad = 0,
    maxDecode = 0,
    maxGroupDecode = 0,
    statusBad = 0,
    zeroGroups = 0;
  let prevEnd = 0;
  const words = w.blob;
  for (let i = 0; i < M; i++) {
    const row = idx.merchants[i];
    const n = sites.siteOff[i + 1] - sites.siteOff[i];
    const Gm = sites.groupOff[i + 1] - sites.groupOff[i];
    if (
      row.offset % p.alias.layout.alignment_bytes !== 0 ||
      row.offset < prevEnd ||
      row.offset + row.length > onDisk.byteLength ||
      row.length !== sliceWords(n, Gm) * 4
    )
      offBad++;
    prevEnd = row.offset + row.length;
    if (sha256Hex(onDisk.subarray(row.offset, row.offset + row.length)) !== row.checksum) sumBad++;
    const wd = row.offset / 4;
    if (
      words[wd] !== n ||
      words[wd + 2] !== Gm ||
      words[wd + 3] !== 0 ||
      row.sites !== n ||
      row.groups !== Gm ||
      row.merchant_id !== sites.merchantId[i].toString()
    )
      hdrBad++;
    if (words[wd + 1] !== qb) qbitsBad++;
    // bit 0: the merchant's masses do not total 2^bits (an error); bit 1: a tz-group whose sites all
    // quantised to 0 got a uniform table (by design: 5B still routes that zone's arrivals to its
    // sites; the group decode check below holds such a group to 1/n per site)
    if (w.sliceStatus[i] & ~2) statusBad++;
    if (w.sliceStatus[i] & 2) zeroGroups++;
    const pm = decodedProbabilities(words.subarray(wd + 4), words.subarray(wd + 4 + n), n, qb);
    for (let k = 0; k < n; k++) {
      const r = sites.siteOff[i] + k;
      if (pm[k] !== w.mass[r] / G) exactBad++;
      maxDecode = Math.max(maxDecode, Math.abs(pm[k] - w.pWeight[r]));
    }
    const gs = wd + 4 + 2 * n,
      perm = gs + Gm + 1;
    for (let g = 0; g < Gm; g++) {
      const a = words[gs + g],
        ng = words[gs + g + 1] - a;
      let Mg = 0;
      for (let k = 0; k < ng; k++) {
        const site = words[perm + a + k];
        Mg += w.mass[sites.siteOff[i] + site];
        if (sites.siteGroup[sites.siteOff[i] + site] !== g || (k > 0 && site <= words[perm + a + k - 1])) groupBad++;
      }
      const pg = decodedProbabilities(words.subarray(perm + n + a), words.subarray(perm + 2 * n + a), ng, qb);
      for (let k = 0; k < ng; k++) {
        const want = Mg > 0 ? w.mass[sites.siteOff[i] + words[perm + a + k]] / Mg : 1 / ng;
        maxGroupDecode = Math.max(maxGroupDecode, Math.abs(pg[k] - want));
      }
    }
  }
  add(
    's2.slice_headers',
    '2B-S7-201',
    hdrBad === 0 && statusBad === 0,
    `${hdrBad} slices whose header/index disagree with the sites; ${statusBad} merchant tables flagged as not totalling 2^bits; ${zeroGroups} merchants with a zero-mass tz-group (uniform inside it)`,
  );
  add('s2.slice_header_qbits', '2B-S7-205', qbitsBad === 0, `${qbitsBad} slice headers whose prob_qbits ≠ layout.prob_qbits ${qb}`);
  add('s2.offsets_alignment', '2B-S7-203', offBad === 0, `${offBad} slices unaligned, overlapping, out of bounds or of the wrong length`);
  add('s2.slice_checksums', '2B-S7-204', sumBad === 0, `${sumBad} slice sha256 mismatches`);
  add(
    's2.alias_decode_exact',
    '2B-S7-206',
    exactBad === 0 && maxDecode <= epsQ,
    `${exactBad} sites whose decoded probability ≠ quantised_mass/2^${p.alias.quantised_bits}; max |decoded − p_weight| = ${maxDecode.toExponential(3)} (ε_q ${epsQ})`,
  );
  add(
    's2.group_tables',
    '2B-S7-207',
    groupBad === 0 && maxGroupDecode <= 2 ** -qb + 1e-15,
    `${groupBad} sites in the wrong tz-group section; max |decoded − mass/M_group| = ${maxGroupDecode.toExponential(3)} (bound 2^-${qb})`,
  );
  return { maxDecode, maxGroupDecode };
}

/** C. S3/S4 from the published Parquet, part by part (parts hold whole merchants, same split in S3 and S4). */
async function checkS3S4Days(ctx: RunContext, w: World2B, pub: Published2B, add: Add): Promise<{ gTotal: number; max: Record<string, number> }> {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const D = p.days.count;
  const eps = p.alias.normalisation_epsilon;
  const gTotal = sites.groupOff[M];
  const reg = p.day.group_mix_regularizer.enabled;
  const sum: Record<string, number> = {};
  const max: Record<string, number> = {};
  const days = new Set<string>();
  const duck = await Duck.open();
  try {
    if (pub.parts.s3.length !== pub.parts.s4.length) fail(ErrorCodes.INTERNAL, 's3/s4 part counts differ', 's3_day_effects');
    for (let k = 0; k < pub.parts.s3.length; k++) {
      const a = `read_parquet(${lit(join(ctx.world, pub.parts.s3[k]))})`,
        b = `read_parquet(${lit(join(ctx.world, pub.parts.s4[k]))})`;
      // S3 and S4 are written in the same key order: a positional join compares keys and γ row by row.
      const [r] = await duck.all(`
        WITH md AS (SELECT merchant_id, utc_day, sum(p_group) AS s, sum(base_share) AS bs, sum(base_share * gamma) AS den, count(*) AS g,
                           count(*) FILTER (WHERE NOT (p_group >= 0 AND p_group <= 1 AND gamma > 0)) AS bad
                    FROM ${b} GROUP BY merchant_id, utc_day)
        SELECT
          (SELECT count(*) FROM ${a} x POSITIONAL JOIN ${b} y WHERE x.merchant_id IS DISTINCT FROM y.merchant_id OR x.utc_day IS DISTINCT FROM y.utc_day OR x.tz_group_id IS DISTINCT FROM y.tz_group_id) AS key_mismatch,
          (SELECT count(*) FROM ${a} x POSITIONAL JOIN ${b} y WHERE x.merchant_id IS NULL) AS missing_in_s3,
          (SELECT count(*) FROM ${a} x POSITIONAL JOIN ${b} y WHERE y.merchant_id IS NULL) AS missing_in_s4,
          (SELECT count(*) FROM ${a} x POSITIONAL JOIN ${b} y WHERE x.gamma IS DISTINCT FROM y.gamma) AS gamma_mismatch,
          (SELECT count(*) FROM ${a}) AS n3,
          (SELECT count(DISTINCT (merchant_id, tz_group_id)) FROM ${a}) AS merchant_groups,
          (SELECT count(DISTINCT merchant_id) FROM ${a}) AS merchants,
          (SELECT string_agg(DISTINCT CAST(utc_day AS VARCHAR), ',') FROM ${a}) AS day_list,
          (SELECT count(*) FROM ${a} WHERE NOT (gamma > 0 AND isfinite(log_gamma) AND sigma_gamma > 0)) AS bad_gamma,
          (SELECT count(*) FROM md) AS merchant_days,
          (SELECT sum(g) FROM md) AS n4,
          (SELECT sum(g * g) FROM md) AS g_sq,
          (SELECT sum(bad) FROM md) AS bad_rows,
          (SELECT max(abs(s - 1)) FROM md) AS max_mass_error,
          (SELECT max(abs(bs - 1)) FROM md) AS max_base_error,
          (SELECT max(abs(y.p_group - y.base_share * y.gamma / md.den)) FROM ${b} y JOIN md USING (merchant_id, utc_day)) AS max_p_recompute`);
      for (const key of [
        'key_mismatch',
        'missing_in_s3',
        'missing_in_s4',
        'gamma_mismatch',
        'n3',
        'merchant_groups',
        'merchants',
        'bad_gamma',
        'merchant_days',
        'n4',
        'g_sq',
        'bad_rows',
      ])
        sum[key] = (sum[key] ?? 0) + Number(r[key]);
      for (const key of ['max_mass_error', 'max_base_error', 'max_p_recompute']) max[key] = Math.max(max[key] ?? 0, Number(r[key]));
      const dl = String(r.day_list).split(',');
      if (dl.length !== D) sum.short_parts = (sum.short_parts ?? 0) + 1;
      dl.forEach((x) => days.add(x));
    }
  } finally {
    duck.close();
  }
  const dayList = [...days].sort();
  const expectRows = D * gTotal;
  let gSq = 0;
  for (let i = 0; i < M; i++) gSq += (sites.groupOff[i + 1] - sites.groupOff[i]) ** 2;
  add(
    's3.coverage',
    '2B-S3-COVERAGE',
    sum.n3 === expectRows &&
      sum.merchant_groups === gTotal &&
      sum.merchants === M &&
      dayList.length === D &&
      !sum.short_parts &&
      dayList[0] === p.days.start_day &&
      dayList[D - 1] === p.days.end_day,
    `s3 rows ${sum.n3} vs ${M} merchants × their tz-groups (${gTotal} merchant-groups, ${sum.merchant_groups} found) × ${D} days = ${expectRows}; days ${dayList[0]}..${dayList[dayList.length - 1]} (${dayList.length})`,
  );
  add(
    's4.coverage',
    '2B-S4-COVERAGE',
    sum.n4 === expectRows && sum.merchant_days === M * D && sum.g_sq === D * gSq,
    `s4 rows ${sum.n4} vs ${expectRows}; merchant-days ${sum.merchant_days} vs ${M * D}; Σ rows² per merchant-day ${sum.g_sq} vs ${D * gSq}`,
  );
  add(
    's3s4.key_parity',
    '2B-S7-301',
    sum.missing_in_s3 === 0 && sum.missing_in_s4 === 0 && sum.key_mismatch === 0,
    `missing_in_s3=${sum.missing_in_s3} missing_in_s4=${sum.missing_in_s4} key_mismatch=${sum.key_mismatch} (positional)`,
  );
  add('s3s4.gamma_echo', '2B-S7-302', sum.gamma_mismatch === 0, `gamma_mismatch=${sum.gamma_mismatch}`);
  add(
    's4.mass_conservation',
    '2B-S7-303',
    max.max_mass_error <= 1e-12 && w.dayStats.maxMassError <= 1e-12 && sum.bad_rows === 0,
    `max |Σ_g p_group − 1| = ${max.max_mass_error.toExponential(3)}; ${sum.bad_rows} rows outside the domain`,
  );
  add('s4.base_share_mass', '2B-S7-304', max.max_base_error <= eps + 1e-12, `max |Σ_g base_share − 1| = ${max.max_base_error.toExponential(3)}`);
  if (!reg)
    add(
      's4.renormalisation',
      '2B-S7-305',
      max.max_p_recompute <= 1e-12,
      `max |p_group − base_share·γ / Σ_g base_share·γ| = ${max.max_p_recompute.toExponential(3)}`,
    );
  add('s3.domain', '2B-S3-057', sum.bad_gamma === 0 && w.dayStats.nonPositive === 0, `${sum.bad_gamma} rows with γ ≤ 0, non-finite log γ or σ ≤ 0`);
  return { gTotal, max };
}

/** D. RNG accounting, replay, router self-test. */
async function checkRngAndRouter(ctx: RunContext, w: World2B, expectRows: number, add: Add) {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const S = sites.siteOff[M];
  const tr = Object.fromEntries(w.trace.rows().map((r) => [r.family as string, r]));
  const expectDay = BigInt(expectRows);
  add('rng.site_weights_budget', '2B-S1-RNG', tr[FAMILIES.weights]?.draws === String(S), `site weight draws ${tr[FAMILIES.weights]?.draws} vs sites ${S}`);
  add(
    'rng.day_effects_budget',
    '2B-S3-RNG',
    tr[FAMILIES.day]?.draws === expectDay.toString(),
    `day-effect draws ${tr[FAMILIES.day]?.draws} vs rows ${expectDay}`,
  );
  if (p.day.sigma_profile.enabled)
    add('rng.profile_budget', '2B-S3-RNG', tr[FAMILIES.profile]?.draws === String(2 * M), `profile draws ${tr[FAMILIES.profile]?.draws} vs 2 × ${M}`);
  const replay = replaySample(w);
  add(
    'rng.replay_sample',
    '2B-S7-REPLAY',
    replay.mismatches.length === 0,
    `${replay.merchants} merchants replayed through the references; ${replay.mismatches.length} mismatches${replay.mismatches.length ? ': ' + replay.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  const self = await routerSelfTest(ctx, w);
  add(
    's5.router_selftest',
    '2B-S5-SELFTEST',
    self.mismatches === 0 && self.outside === 0 && self.unrouted === 0,
    `${self.arrivals} arrivals over ${self.merchants} merchants: ${self.mismatches} wasm/reference mismatches, ${self.outside} sites outside their tz-group, ${self.unrouted} unrouted`,
  );
  add('rng.router_selftest_budget', '2B-S5-RNG', self.draws === 2 * self.arrivals, `router self-test draws ${self.draws} vs 2 × ${self.arrivals}`);
  return { replay, self };
}

/** E. realism corridors. */
function checkRealism(w: World2B, add: Add) {
  const { p } = w;
  const metrics = realism(w);
  const realismRows = Object.entries(p.validation.corridors).map(([name, c]) => {
    const v = metrics[name];
    const passed = typeof v === 'number' && Number.isFinite(v) && v >= c.min && v <= c.max;
    add(
      `realism.${name}`,
      '2B-REALISM',
      passed || (!c.required && !Number.isFinite(v)),
      `${name}=${typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : 'n/a'} corridor [${c.min}, ${c.max}]`,
      c.required,
    );
    return { metric: name, value: Number.isFinite(v) ? v : null, min: c.min, max: c.max, required: c.required, passed };
  });
  return { metrics, realismRows };
}

function replaySample(w: World2B) {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const D = p.days.count;
  const bp = bucketParams(p.alias);
  const dp = dayParams(p.day);
  const bits = p.alias.quantised_bits,
    qb = p.alias.layout.prob_qbits;
  const k = (a: Uint32Array, i: number): [number, number] => [a[2 * i], a[2 * i + 1]];
  const mismatches: string[] = [];
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => Object.is(x, b[i]));
  const idx = sampleMerchants(M, p.validation.replay_sample_merchants);
  for (const i of idx) {
    const id = sites.merchantId[i];
    const lo = sites.siteOff[i],
      hi = sites.siteOff[i + 1];
    const r = siteWeightsRef(k(w.keys.weights, i), hi - lo, bp[w.bucket[i]], p.alias.floor_value, bits);
    if (
      !same(r.p, w.pWeight.subarray(lo, hi)) ||
      !same(r.mass, w.mass.subarray(lo, hi)) ||
      !same(r.floor, w.floorApplied.subarray(lo, hi)) ||
      r.component !== w.component[i] ||
      r.draws !== w.draws.weights[i]
    )
      mismatches.push(`${id} s1`);
    const Gm = sites.groupOff[i + 1] - sites.groupOff[i];
    const enc = aliasEncodeRef(w.mass.subarray(lo, hi), sites.siteGroup.subarray(lo, hi), Gm, bits, qb);
    if (!same(enc.words, w.blob.subarray(w.wordOff[i], w.wordOff[i] + enc.words.length))) mismatches.push(`${id} s2`);
    const g0 = sites.groupOff[i],
      g1 = sites.groupOff[i + 1];
    const seg = p.day.sigma_profile.segments[w.segment[i]];
    const de = dayEffectsRef(
      k(w.keys.day, i),
      k(w.keys.profile, i),
      w.baseShare.subarray(g0, g1),
      w.tzMult.subarray(g0, g1),
      seg.sigma_base,
      seg.weekly_amp,
      D,
      p.days.dow0,
      dp,
    );
    const got = w.sample.get(i)!;
    if (
      !same(de.gamma, got.gamma) ||
      !same(de.logGamma, got.logGamma) ||
      !same(de.pGroup, got.pGroup) ||
      !same(de.sigma, w.sigma.subarray(g0, g1)) ||
      de.draws !== w.draws.day[i]
    )
      mismatches.push(`${id} s3/s4`);
    for (const d of [0, D >> 1, D - 1]) {
      const ga = groupAliasRef(de.pGroup.subarray(d * Gm, (d + 1) * Gm), bits, qb);
      const at = 2 * (D * g0 + d * Gm);
      if (!same(ga.tab, w.dayTab.subarray(at, at + 2 * Gm))) mismatches.push(`${id} day ${d} group table`);
    }
  }
  return { merchants: idx.length, merchant_ids: idx.map((i) => sites.merchantId[i].toString()), mismatches };
}

/** Route synthetic arrivals over a merchant sample with the wasm router on the pool; check them against the reference. */
async function routerSelfTest(ctx: RunContext, w: World2B) {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const full = routerOf(w);
  const pick = sampleMerchants(M, SELFTEST_MERCHANTS);
  const r = subsetRouter(full, pick);
  const K = pick.length;
  const n = p.validation.router_selftest_arrivals;
  const D = p.days.count;
  const mIdx = Int32Array.from({ length: n }, (_, i) => (i * 7919 + (i >> 7)) % K);
  const dIdx = Int32Array.from({ length: n }, (_, i) => (i * 104729 + (i >> 5)) % D);
  const plan = shardPlan(n, SELFTEST_SHARD);
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, FAMILIES.selftest);
  const keys = plan.map((_, s) => fk.forIds(BigInt(s)));
  const mC = SharedCol.from('i32', mIdx),
    dC = SharedCol.from('i32', dIdx);
  const og = new SharedCol('i32', n),
    os = new SharedCol('i32', n);
  const tabs = {
    sliceWord: SharedCol.from('u32', r.sliceWord).all(),
    blob: SharedCol.from('u32', r.blob).all(),
    dayWord: SharedCol.from('u32', r.dayWord).all(),
    dayTab: SharedCol.from('u32', r.dayTab).all(),
  };
  await runShards(ctx.pool, n, SELFTEST_SHARD, ({ start: s, end: e, k }) =>
    k2bRouteStream.task({
      n: e - s,
      k0: keys[k][0],
      k1: keys[k][1],
      mIdx: mC.in(s, e),
      dIdx: dC.in(s, e),
      ...tabs,
      nDays: r.nDays,
      dayQbits: r.dayQbits,
      outGroup: og.out(s, e),
      outSite: os.out(s, e),
    }),
  );
  const G = og.view() as Int32Array,
    Sv = os.view() as Int32Array;
  let mismatches = 0,
    outside = 0,
    unrouted = 0;
  const perShardDraws: number[] = [];
  const perShardBlocks: number[] = [];
  plan.forEach((sh, s) => {
    const st = new Substream(keys[s][0], keys[s][1]);
    for (let i = sh.start; i < sh.end; i++) {
      const u1 = st.u01(),
        u2 = st.u01();
      const ref = routeRef(r, mIdx[i], dIdx[i], u1, u2);
      if (ref.group !== G[i] || ref.site !== Sv[i]) mismatches++;
      if (Sv[i] < 0) {
        unrouted++;
        continue;
      }
      const m = pick[mIdx[i]];
      if (sites.siteGroup[sites.siteOff[m] + Sv[i]] !== G[i]) outside++;
    }
    perShardDraws.push(st.draws);
    perShardBlocks.push(st.blocks);
  });
  const draws = perShardDraws.reduce((a, b) => a + b, 0);
  w.trace.add(FAMILIES.selftest, perShardDraws, perShardBlocks);
  return { arrivals: n, merchants: K, shards: plan.length, draws, mismatches, outside, unrouted, first_day: isoDay(p.days.start), days: D };
}

/** Realism metrics over the S1 weights and the S3/S4 summaries. */
function realism(w: World2B): Record<string, number> {
  const { sites } = w;
  const M = sites.merchantId.length;
  const resid: number[] = [],
    gap: number[] = [],
    hhi: number[] = [];
  let multiGroup = 0;
  for (let i = 0; i < M; i++) {
    const lo = sites.siteOff[i],
      hi = sites.siteOff[i + 1],
      n = hi - lo;
    if (sites.groupOff[i + 1] - sites.groupOff[i] >= 2) multiGroup++;
    if (n < 2) continue;
    let t1 = -1,
      t2 = -1,
      h = 0;
    for (let r = lo; r < hi; r++) {
      const x = w.pWeight[r];
      resid.push(Math.abs(x - 1 / n));
      h += x * x;
      if (x > t1) [t1, t2] = [x, t1];
      else if (x > t2) t2 = x;
    }
    gap.push(t1 - t2);
    hhi.push(h);
  }
  const st = w.dayStats;
  const zMean = st.zSum / st.rows;
  let medMax = NaN;
  if (st.multiDays > 0) {
    let c = 0;
    for (let b = 0; b <= HIST_BINS; b++) {
      c += st.maxPMultiHist[b];
      if (c * 2 >= st.multiDays) {
        medMax = (b + 0.5) / HIST_BINS;
        break;
      }
    }
  }
  return {
    s1_uniformity_residual_median: median(resid),
    s1_top1_top2_gap_median: median(gap),
    s1_hhi_iqr: quantile(hhi, 0.75) - quantile(hhi, 0.25),
    s3_gamma_mean: st.gammaSum / st.rows,
    s3_z_sd: Math.sqrt(Math.max(0, st.zSq / st.rows - zMean * zMean)),
    s3_merchant_gamma_sd_median: median(st.merchantGammaSd),
    s4_max_p_group_median_multi: medMax,
    s4_multi_group_merchant_share: multiGroup / M,
  };
}
