// 3A publishing: S1 escalation queue, S2 priors (parameter-scoped), S3 shares, S4 counts, S5
// zone_alloc egress + zone_alloc_universe_hash. Every partition write-once.
import { dictEncode, type ColumnValues } from '../../io/tables.js';
import type { RunContext } from '../../engine/context.js';
import type { World3A } from './world.js';
import { FAMILIES } from './world.js';
import { cols3A, constCol, nullableF64, type Cols3A } from './columns.js';
import { s5ZoneAlloc, type UniverseHash } from './s5_zone_alloc.js';

export interface Published3A {
  rows: Record<string, number>;
  universe: UniverseHash;
  /** zone_alloc part files (world-relative), for S6 */
  zoneAllocDir: string;
}

export async function publish3A(ctx: RunContext, w: World3A): Promise<Published3A> {
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('3A publish', 6, 'datasets');
  const c = cols3A(ctx, w);
  const s1 = publishS1Queue(ctx, w, c);
  const s2 = publishS2Priors(ctx, w, c);
  const s3 = publishS3Shares(ctx, w, c);
  const s4 = publishS4Counts(ctx, w, c);
  const [r1, r2, r3, r4] = await Promise.all([s1, s2, s3, s4].map((x) => x.then((r) => (stage.tick(1), r))));
  rows.s1_escalation_queue = r1;
  rows.s2_country_zone_priors = r2;
  rows.s3_zone_shares = r3;
  rows.s4_zone_counts = r4;
  const s5 = await s5ZoneAlloc(ctx, { w, c, stage });
  rows.zone_alloc = s5.zoneAllocRows;
  rows.zone_alloc_universe_hash = 1;
  stage.tick(1);
  stage.done();
  return { rows, universe: s5.universe, zoneAllocDir: s5.zoneAllocDir };
}

/** S1 escalation queue. */
function publishS1Queue(ctx: RunContext, w: World3A, c: Cols3A): Promise<number> {
  const { in: inp } = w;
  const { n, mf, seedCol, mix, thetaDigest, countryCol, nZones } = c;
  return ctx.out
    .write('s1_escalation_queue', {
      seed: seedCol(n),
      manifest_fingerprint: constCol(n, mf),
      merchant_id: inp.merchant,
      legal_country_iso: countryCol,
      site_count: inp.siteCount,
      zone_count_country: w.zoneCountCountry,
      observed_zone_count: nZones,
      is_escalated: w.escalated,
      decision_reason: dictEncode(w.reason),
      eligible_for_escalation: Uint8Array.from(w.reason, (r) => (r === 'below_min_sites' || r === 'forced_monolithic' ? 0 : 1)),
      escalation_p: w.escP,
      escalation_u: { values: w.escU, valid: Uint8Array.from(w.escU, (u) => (u >= 0 ? 1 : 0)) },
      mixture_policy_id: constCol(n, mix.policy_id),
      mixture_policy_version: constCol(n, mix.policy_version),
      theta_digest: constCol(n, thetaDigest),
    })
    .then((r) => r.rows);
}

/** S2 priors (parameter_hash scope: a pure function of the policy pack). */
function publishS2Priors(ctx: RunContext, w: World3A, c: Cols3A): Promise<number> {
  const { priors } = w;
  const { mix, fl, al } = c;
  const pr = priors.rows;
  const priorCols: Record<string, ColumnValues> = {
    parameter_hash: constCol(pr.length, ctx.parameter_hash),
    country_iso: dictEncode(pr.map((r) => r.country)),
    tzid: dictEncode(pr.map((r) => r.tzid)),
    alpha_raw: Float64Array.from(pr, (r) => r.alpha_raw),
    alpha_effective: Float64Array.from(pr, (r) => r.alpha_effective),
    alpha_sum_country: Float64Array.from(pr, (r) => priors.alphaSum.get(r.country)!),
    prior_pack_id: constCol(pr.length, al.prior_pack_id),
    prior_pack_version: constCol(pr.length, al.prior_pack_version),
    floor_policy_id: constCol(pr.length, fl.floor_policy_id),
    floor_policy_version: constCol(pr.length, fl.floor_policy_version),
    floor_applied: Uint8Array.from(pr, (r) => (r.floor_applied ? 1 : 0)),
    bump_applied: Uint8Array.from(pr, (r) => (r.floor_applied ? 1 : 0)),
    share_effective: Float64Array.from(pr, (r) => r.share_effective),
    is_meaningful: Uint8Array.from(pr, (r) => (r.share_effective >= mix.meaningful_zone_share ? 1 : 0)),
  };
  return ctx.out.write('s2_country_zone_priors', priorCols).then((r) => r.rows);
}

/** S3 Dirichlet shares (escalated pairs, every observed zone). */
function publishS3Shares(ctx: RunContext, w: World3A, c: Cols3A): Promise<number> {
  const { in: inp } = w;
  const { nz, mf, seedCol, fl, al, pairOfZone, zoneCountry, zoneMerchant, tzCol, pairShareSum, pairAlphaSum, countryAlphaSum } = c;
  const escRows: number[] = [];
  for (let j = 0; j < nz; j++) if (w.escalated[pairOfZone[j]]) escRows.push(j);
  const pick = <T extends Float64Array | Int32Array>(src: T, ctor: { from(a: ArrayLike<number>): T }) => ctor.from(escRows.map((j) => src[j]));
  const keyHex = (i: number) => `${w.keys.dirichlet[2 * i].toString(16).padStart(8, '0')}${w.keys.dirichlet[2 * i + 1].toString(16).padStart(8, '0')}`;
  const ne = escRows.length;
  return ctx.out
    .write('s3_zone_shares', {
      seed: seedCol(ne),
      manifest_fingerprint: constCol(ne, mf),
      merchant_id: BigUint64Array.from(escRows, (j) => zoneMerchant[j]),
      legal_country_iso: { codes: Int32Array.from(escRows, (j) => zoneCountry.codes[j]), dict: zoneCountry.dict },
      tzid: { codes: Int32Array.from(escRows, (j) => tzCol.codes[j]), dict: tzCol.dict },
      zone_site_count: pick(inp.zoneCount, Int32Array),
      alpha: pick(w.alpha, Float64Array),
      alpha_sum_pair: Float64Array.from(escRows, (j) => pairAlphaSum[pairOfZone[j]]),
      share_drawn: pick(w.share, Float64Array),
      share_sum_country: Float64Array.from(escRows, (j) => pairShareSum[pairOfZone[j]]),
      alpha_sum_country: nullableF64(escRows.map((j) => countryAlphaSum(inp.country[pairOfZone[j]]))),
      prior_pack_id: constCol(ne, al.prior_pack_id),
      prior_pack_version: constCol(ne, al.prior_pack_version),
      floor_policy_id: constCol(ne, fl.floor_policy_id),
      floor_policy_version: constCol(ne, fl.floor_policy_version),
      rng_module: constCol(ne, '3A.S3'),
      rng_substream_label: constCol(ne, FAMILIES.dirichlet),
      rng_stream_id: dictEncode(escRows.map((j) => keyHex(pairOfZone[j]))),
      draws: Int32Array.from(escRows, (j) => w.dirDraws[pairOfZone[j]]),
    })
    .then((r) => r.rows);
}

/** S4 zone counts (every pair, every zone where it has outlets). */
function publishS4Counts(ctx: RunContext, w: World3A, c: Cols3A): Promise<number> {
  const { in: inp } = w;
  const { nz, mf, seedCol, fl, al, pairOfZone, zoneCountry, zoneMerchant, tzCol, pairShareSum, zoneSum, countryAlphaSum } = c;
  return ctx.out
    .write('s4_zone_counts', {
      seed: seedCol(nz),
      manifest_fingerprint: constCol(nz, mf),
      merchant_id: zoneMerchant,
      legal_country_iso: zoneCountry,
      tzid: tzCol,
      zone_site_count: inp.zoneCount,
      zone_site_count_sum: zoneSum,
      share_sum_country: Float64Array.from(pairOfZone, (i) => pairShareSum[i]),
      fractional_target: Float64Array.from({ length: nz }, (_, j) => inp.siteCount[pairOfZone[j]] * w.share[j]),
      residual_rank: w.unitRank,
      is_escalated: Uint8Array.from(pairOfZone, (i) => w.escalated[i]),
      prior_pack_id: constCol(nz, al.prior_pack_id),
      prior_pack_version: constCol(nz, al.prior_pack_version),
      floor_policy_id: constCol(nz, fl.floor_policy_id),
      floor_policy_version: constCol(nz, fl.floor_policy_version),
      alpha_sum_country: nullableF64(Array.from(pairOfZone, (i) => countryAlphaSum(inp.country[i]))),
    })
    .then((r) => r.rows);
}
