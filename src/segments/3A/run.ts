// Segment 3A: how each merchant × legal country footprint splits over IANA zones.
//   S0 gate+seal → S1 escalation queue → S2 country→zone priors (policy-only, parameter-scoped)
//   → S3 Dirichlet activity shares for escalated pairs (wasm) → S4 zone counts + exact share units
//   → S5 zone_alloc + zone_alloc_universe_hash → S6 validation → S7 bundle + _passed.flag.
//
// Contract decision (written down in contracts/datasets/3A.yaml): the physical zone of every outlet
// is 2A's (site_timezones). zone_alloc.zone_site_count is therefore the exact number of the pair's
// outlets 2A placed in that zone — never a second, contradicting allocation — so every
// (merchant, country, tzid) row downstream routes to real sites in that zone and Σ_z = N(m,c).
// What 3A owns is the merchant's zone *activity* mix: monolithic pairs carry their site
// proportions; escalated pairs draw shares ~ Dirichlet around a blend of their site proportions and
// the country's population prior (S3), integerised exactly (S4) for 5A's demand split.
import { FamilyKeys } from '../../rng/keys.js';
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1aHurdle } from '../../kernels/1A.js';
import { k3aZoneShares } from '../../kernels/3A.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load3A, type Policies3A } from './policies.js';
import { buildPriors, escalationRule, pairAlphas, shareUnits, type Priors } from './model.js';
import { readInputs3A, type Inputs3A } from './inputs.js';
import { publish3A } from './outputs.js';
import { validate3A } from './validate.js';
import { SHARD_PAIRS, FAMILIES, World3A } from './world.js';

export const segment3A: SegmentDef = {
  id: '3A',
  layer: 1,
  upstream: ['1A', '1B', '2A'],
  async preflight(ctx) {
    const p = load3A(ctx.pack);
    checkPolicies(ctx, p);
  },
  async run(ctx) {
    await runS0(ctx, '3A', ['1A', '1B', '2A'], 'layer1/3A/');
    const p = load3A(ctx.pack);
    const inputs = await readInputs3A(ctx);
    const w = await build3A(ctx, p, inputs);
    const pub = await publish3A(ctx, w);
    await validate3A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

/** Cross-field checks a schema cannot express: every prior tzid is a zone the runtime tzdb knows. */
export function checkPolicies(ctx: Pick<RunContext, 'pack'>, p: Policies3A): void {
  for (const [c, zs] of Object.entries(p.alphas.countries)) {
    for (const z of zs) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: z.tzid });
      } catch {
        fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `tzid "${z.tzid}" is not a zone of the runtime tzdb`, `${ctx.pack.dir}/${p.files.alphas}: countries.${c}`, 're-run src/segments/3A/derive_alphas.ts');
      }
    }
  }
  for (const f of p.floors.floors) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: f.tzid });
    } catch {
      fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, `tzid "${f.tzid}" is not a zone of the runtime tzdb`, `${ctx.pack.dir}/${p.files.floors}: floors`, 'use an IANA tzid such as Atlantic/Canary');
    }
  }
}

/** ISO2 as a u64 entity key part: (c0 << 8) | c1. */
export const isoKey = (iso: string): bigint => BigInt((iso.charCodeAt(0) << 8) | iso.charCodeAt(1));

/** Pair substream keys of a family, [k0,k1] per pair. */
export function pairKeys(ctx: Pick<RunContext, 'manifest_fingerprint' | 'seed' | 'parameter_hash'>, family: string, merchant: BigUint64Array, country: string[]): Uint32Array {
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, family);
  const out = new Uint32Array(merchant.length * 2);
  for (let i = 0; i < merchant.length; i++) {
    const [k0, k1] = fk.forIds(merchant[i], isoKey(country[i]));
    out[2 * i] = k0;
    out[2 * i + 1] = k1;
  }
  return out;
}

export async function build3A(ctx: RunContext, p: Policies3A, inp: Inputs3A): Promise<World3A> {
  const priors = buildPriors(p);
  const trace = new RngTrace('3A');
  const n = inp.n;
  const nz = inp.tzid.length;

  // ── S1 escalation ──
  const zoneCountCountry = new Int32Array(n);
  const escP = new Float64Array(n);
  const reason: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const zc = priors.zoneCountCountry.get(inp.country[i]);
    if (zc === undefined) fail(ErrorCodes.VALIDATION_FAILED, `country ${inp.country[i]} has outlets but no zones in the prior pack`, p.files.alphas, 're-run src/segments/3A/derive_alphas.ts (it covers every ISO country)');
    zoneCountCountry[i] = zc;
    const d = escalationRule(p.mixture, inp.siteCount[i], zc);
    escP[i] = d.p;
    reason[i] = d.reason;
  }
  const escKeys = pairKeys(ctx, FAMILIES.escalation, inp.merchant, inp.country);
  const kE = SharedCol.from('u32', escKeys), pE = SharedCol.from('f64', escP);
  const escC = new SharedCol('u8', n), uC = new SharedCol('f64', n), ed = new SharedCol('u32', n), eb = new SharedCol('u32', n);
  // Same law as 1A's hurdle: escalate iff u < p, no draw when p is 0 or 1.
  await runShards(ctx.pool, n, SHARD_PAIRS, ({ start: s, end: e }) => k1aHurdle.task({ n: e - s, keys: kE.in(s, e, 2), pi: pE.in(s, e), outMulti: escC.out(s, e), outU: uC.out(s, e), outDraws: ed.out(s, e), outBlocks: eb.out(s, e) }), ctx.progress.stage('3A S1 escalation', n));
  const escalated = Uint8Array.from(escC.view() as Uint8Array);
  const escU = Float64Array.from(uC.view() as Float64Array);
  trace.add(FAMILIES.escalation, ed.view() as Uint32Array, eb.view() as Uint32Array, Array.from(escP, (x) => (x > 0 && x < 1 ? 1 : 0)));
  for (let i = 0; i < n; i++) if (reason[i] === '') reason[i] = escalated[i] ? 'default_escalation' : 'legacy_default';

  // ── S3 Dirichlet shares over each escalated pair's observed zones ──
  const alpha = new Float64Array(nz).fill(NaN);
  const share = new Float64Array(nz);
  const esc: number[] = [];
  for (let i = 0; i < n; i++) if (escalated[i]) esc.push(i);
  const ne = esc.length;
  const eMerchant = new BigUint64Array(ne), eCountry: string[] = new Array(ne);
  const eOff = new Int32Array(ne + 1);
  for (let k = 0; k < ne; k++) {
    const i = esc[k];
    eMerchant[k] = inp.merchant[i];
    eCountry[k] = inp.country[i];
    eOff[k + 1] = eOff[k] + (inp.zoneOff[i + 1] - inp.zoneOff[i]);
  }
  const eAlpha = new Float64Array(eOff[ne]);
  for (let k = 0; k < ne; k++) {
    const i = esc[k];
    const a = inp.zoneOff[i], b = inp.zoneOff[i + 1];
    const out = eAlpha.subarray(eOff[k], eOff[k + 1]);
    pairAlphas(p.mixture, priors, inp.country[i], inp.tzid.slice(a, b), inp.zoneCount.subarray(a, b), out);
    alpha.set(out, a);
  }
  const dirKeysE = pairKeys(ctx, FAMILIES.dirichlet, eMerchant, eCountry);
  const kD = SharedCol.from('u32', dirKeysE), offC = SharedCol.from('i32', localOffsets(eOff, ne, SHARD_PAIRS)), aC = SharedCol.from('f64', eAlpha);
  const sC = new SharedCol('f64', eOff[ne]), dd = new SharedCol('u32', ne), db = new SharedCol('u32', ne);
  await runShards(ctx.pool, ne, SHARD_PAIRS, ({ start: s, end: e, k }) => k3aZoneShares.task({
    n: e - s, keys: kD.in(s, e, 2), off: offC.in(s + k, e + k + 1), alpha: aC.in(eOff[s], eOff[e]), outShare: sC.out(eOff[s], eOff[e]), outDraws: dd.out(s, e), outBlocks: db.out(s, e),
  }), ctx.progress.stage('3A S3 Dirichlet shares', ne));
  const eShare = sC.view() as Float64Array;
  const dirDraws = new Uint32Array(n), dirBlocks = new Uint32Array(n);
  const dirKeys = new Uint32Array(2 * n);
  for (let k = 0; k < ne; k++) {
    const i = esc[k];
    share.set(eShare.subarray(eOff[k], eOff[k + 1]), inp.zoneOff[i]);
    dirDraws[i] = (dd.view() as Uint32Array)[k];
    dirBlocks[i] = (db.view() as Uint32Array)[k];
    dirKeys[2 * i] = dirKeysE[2 * k];
    dirKeys[2 * i + 1] = dirKeysE[2 * k + 1];
  }
  trace.add(FAMILIES.dirichlet, dd.view() as Uint32Array, db.view() as Uint32Array, Array.from({ length: ne }, (_, k) => (eOff[k + 1] - eOff[k] > 1 ? 1 : 0)));

  // ── monolithic pairs: site proportions; S4 exact units for every pair ──
  const U = 10 ** p.mixture.share_units_dp;
  const units = new Int32Array(nz), unitRank = new Int32Array(nz);
  const inPrior = new Uint8Array(nz);
  for (let i = 0; i < n; i++) {
    const a = inp.zoneOff[i], b = inp.zoneOff[i + 1];
    if (!escalated[i]) for (let j = a; j < b; j++) share[j] = inp.zoneCount[j] / inp.siteCount[i];
    shareUnits(share.subarray(a, b), U, units, unitRank, a);
    const prior = priors.byCountry.get(inp.country[i]) ?? [];
    for (let j = a; j < b; j++) inPrior[j] = prior.some((r) => r.tzid === inp.tzid[j]) ? 1 : 0;
  }
  return {
    p, priors, in: inp, zoneCountCountry, escP, escU, escalated, reason, alpha, share, units, unitRank, inPrior, dirDraws, dirBlocks,
    keys: { escalation: escKeys, dirichlet: dirKeys }, trace,
  };
}
