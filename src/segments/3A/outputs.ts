// 3A publishing: S1 escalation queue, S2 priors (parameter-scoped), S3 shares, S4 counts, S5
// zone_alloc egress + zone_alloc_universe_hash. Every partition write-once.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dictEncode, ipcParts, type ColumnValues, type DictCol } from '../../io/tables.js';
import { publishParquet, publishJson } from '../../engine/datasets.js';
import { partitionDir } from '../../contracts/dictionary.js';
import { publishPartition } from '../../io/publish.js';
import { sha256Hex } from '../../core/hash.js';
import type { OutputEntry } from '../../gates/verify.js';
import { tokens, type RunContext } from '../../engine/context.js';
import type { World3A } from './world.js';
import { FAMILIES } from './world.js';

export interface Published3A {
  rows: Record<string, number>;
  outputs: OutputEntry[];
  universe: UniverseHash;
  /** zone_alloc part files (world-relative), for S6 */
  zoneAllocDir: string;
}

export interface UniverseHash {
  manifest_fingerprint: string;
  parameter_hash: string;
  zone_alpha_digest: string;
  theta_digest: string;
  zone_floor_digest: string;
  day_effect_digest: string;
  zone_alloc_parquet_digest: string;
  routing_universe_hash: string;
  version: string;
  notes: string;
}

export const HEX64_ZERO = '0'.repeat(64);

/** The day-effect policy 3A binds into the routing universe (owned by 2B): the first config file under layer1/2B/ naming day_effect. */
export function dayEffectPolicy(ctx: RunContext): { id: string; version: string; bytes: Uint8Array | null; name: string | null } {
  const f = ctx.pack.files.filter((x) => /^layer1\/2B\/.*day_effect.*\.ya?ml$/.test(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (!f) return { id: 'none', version: 'none', bytes: null, name: null };
  const doc = ctx.pack.docs.get(f.name) as Record<string, unknown> | undefined;
  const str = (k: string) => (doc && (typeof doc[k] === 'string' || typeof doc[k] === 'number') ? String(doc[k]) : undefined);
  return { id: str('policy_id') ?? f.name.replace(/^.*\//, '').replace(/\.ya?ml$/, ''), version: str('policy_version') ?? str('version') ?? sha256Hex(f.bytes).slice(0, 12), bytes: f.bytes, name: f.name };
}

/** Concatenate digests (lowercase hex, ASCII bytes, no delimiter) and hash. */
export function universeHashOf(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p, 'ascii'));
  return h.digest('hex');
}

const constCol = (n: number, v: string): DictCol => ({ codes: new Int32Array(n), dict: [v] });

export async function publish3A(ctx: RunContext, w: World3A): Promise<Published3A> {
  const { p, in: inp, priors } = w;
  const n = inp.n;
  const nz = inp.tzid.length;
  const outputs: OutputEntry[] = [];
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('3A publish', 6);
  const mf = ctx.manifest_fingerprint;
  const seedCol = (k: number) => new BigUint64Array(k).fill(ctx.seed);
  const mix = p.mixture, fl = p.floors, al = p.alphas;
  const thetaDigest = sha256Hex(p.bytes.mixture);
  const countryCol = dictEncode(inp.country);
  const pairOfZone = new Int32Array(nz);
  for (let i = 0; i < n; i++) pairOfZone.fill(i, inp.zoneOff[i], inp.zoneOff[i + 1]);
  const zoneCountry: DictCol = { codes: Int32Array.from(pairOfZone, (i) => countryCol.codes[i]), dict: countryCol.dict };
  const zoneMerchant = BigUint64Array.from(pairOfZone, (i) => inp.merchant[i]);
  const tzCol = dictEncode(inp.tzid);
  const nZones = Int32Array.from({ length: n }, (_, i) => inp.zoneOff[i + 1] - inp.zoneOff[i]);

  // ── S1 escalation queue ──
  const s1 = publishParquet(ctx, 's1_escalation_queue', {
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
  }, outputs);

  // ── S2 priors (parameter_hash scope: a pure function of the policy pack) ──
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
  const priorOutputs: OutputEntry[] = [];
  const s2 = publishParquet(ctx, 's2_country_zone_priors', priorCols, priorOutputs);

  // ── S3 Dirichlet shares (escalated pairs, every observed zone) ──
  const escRows: number[] = [];
  for (let j = 0; j < nz; j++) if (w.escalated[pairOfZone[j]]) escRows.push(j);
  const pick = <T extends Float64Array | Int32Array>(src: T, ctor: { from(a: ArrayLike<number>): T }) => ctor.from(escRows.map((j) => src[j]));
  const pairShareSum = new Float64Array(n), pairAlphaSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = inp.zoneOff[i]; j < inp.zoneOff[i + 1]; j++) {
      pairShareSum[i] += w.share[j];
      if (w.escalated[i]) pairAlphaSum[i] += w.alpha[j];
    }
  }
  const keyHex = (i: number) => `${w.keys.dirichlet[2 * i].toString(16).padStart(8, '0')}${w.keys.dirichlet[2 * i + 1].toString(16).padStart(8, '0')}`;
  const ne = escRows.length;
  const countryAlphaSum = (c: string) => priors.alphaSum.get(c);
  const s3 = publishParquet(ctx, 's3_zone_shares', {
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
  }, outputs);

  // ── S4 zone counts (every pair, every zone where it has outlets) ──
  const zoneSum = Int32Array.from(pairOfZone, (i) => inp.siteCount[i]);
  const s4 = publishParquet(ctx, 's4_zone_counts', {
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
  }, outputs);

  const [r1, r2, r3, r4] = await Promise.all([s1, s2, s3, s4].map((x) => x.then((r) => (stage.tick(1), r))));
  rows.s1_escalation_queue = r1;
  rows.s2_country_zone_priors = r2;
  rows.s3_zone_shares = r3;
  rows.s4_zone_counts = r4;
  outputs.push(...priorOutputs);

  // ── S5 zone_alloc, digested with routing_universe_hash masked, then the universe hash ──
  const de = dayEffectPolicy(ctx);
  const zaCols = (hash: string): Record<string, ColumnValues> => ({
    seed: seedCol(nz),
    manifest_fingerprint: constCol(nz, mf),
    merchant_id: zoneMerchant,
    legal_country_iso: zoneCountry,
    tzid: tzCol,
    zone_site_count: inp.zoneCount,
    zone_site_count_sum: zoneSum,
    site_count: zoneSum,
    zone_share: w.share,
    zone_share_units: w.units,
    share_units_dp: new Int32Array(nz).fill(mix.share_units_dp),
    is_escalated: Uint8Array.from(pairOfZone, (i) => w.escalated[i]),
    in_prior_zone_set: w.inPrior,
    prior_pack_id: constCol(nz, al.prior_pack_id),
    prior_pack_version: constCol(nz, al.prior_pack_version),
    floor_policy_id: constCol(nz, fl.floor_policy_id),
    floor_policy_version: constCol(nz, fl.floor_policy_version),
    mixture_policy_id: constCol(nz, mix.policy_id),
    mixture_policy_version: constCol(nz, mix.policy_version),
    day_effect_policy_id: constCol(nz, de.id),
    day_effect_policy_version: constCol(nz, de.version),
    routing_universe_hash: constCol(nz, hash),
    alpha_sum_country: nullableF64(Array.from(pairOfZone, (i) => countryAlphaSum(inp.country[i]))),
  });
  const encode = async (hash: string) => Promise.all([...ipcParts('zone_alloc', zaCols(hash))].map(async (pt) => ({ name: pt.name, bytes: await ctx.pool.parquet(pt.ipc), rows: pt.rows })));
  const masked = await encode(HEX64_ZERO);
  const concatDigest = (bufs: Uint8Array[]) => {
    const h = createHash('sha256');
    for (const b of bufs) h.update(b);
    return h.digest('hex');
  };
  const universe: UniverseHash = {
    manifest_fingerprint: mf,
    parameter_hash: ctx.parameter_hash,
    zone_alpha_digest: concatDigest([]),
    theta_digest: thetaDigest,
    zone_floor_digest: sha256Hex(p.bytes.floors),
    day_effect_digest: sha256Hex(de.bytes ?? new Uint8Array(0)),
    zone_alloc_parquet_digest: concatDigest(masked.map((m) => m.bytes)),
    routing_universe_hash: '',
    version: '1',
    notes: `zone_alpha_digest: sha256 over the s2_country_zone_priors part files in path order; zone_alloc_parquet_digest: over the zone_alloc parts with routing_universe_hash set to 64 zeros; routing_universe_hash = sha256(zone_alpha ‖ theta ‖ zone_floor ‖ day_effect ‖ zone_alloc_parquet digests as ASCII hex)${de.name ? `; day_effect policy ${de.name}` : '; no day-effect policy in the pack: day_effect_digest = sha256 of zero bytes'}`,
  };
  // zone_alpha_digest: the priors files as published (sorted by path)
  const priorFiles = [...priorOutputs].sort((a, b) => (a.path < b.path ? -1 : 1));
  universe.zone_alpha_digest = concatDigest(await Promise.all(priorFiles.map((f) => readFile(join(ctx.world, f.path)))));
  universe.routing_universe_hash = universeHashOf([universe.zone_alpha_digest, universe.theta_digest, universe.zone_floor_digest, universe.day_effect_digest, universe.zone_alloc_parquet_digest]);
  const real = await encode(universe.routing_universe_hash);
  const { dir } = partitionDir('zone_alloc', tokens(ctx));
  await publishPartition(ctx.world, dir, real.map((f) => ({ name: f.name, bytes: f.bytes })));
  for (const f of real) outputs.push({ dataset: 'zone_alloc', path: `${dir}/${f.name}`, sha256_hex: sha256Hex(f.bytes), bytes: f.bytes.length });
  rows.zone_alloc = real.reduce((a, f) => a + f.rows, 0);
  stage.tick(1);
  await publishJson(ctx, 'zone_alloc_universe_hash', universe, outputs);
  rows.zone_alloc_universe_hash = 1;
  stage.tick(1);
  stage.done();
  return { rows, outputs, universe, zoneAllocDir: dir };
}

function nullableF64(v: (number | undefined)[]) {
  return { values: Float64Array.from(v, (x) => x ?? 0), valid: Uint8Array.from(v, (x) => (x === undefined ? 0 : 1)) };
}
