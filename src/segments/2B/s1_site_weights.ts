// S1 per-merchant site weights: a profile-mixture draw per merchant, floored and quantised to 2^b masses (RNG, wasm).
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { SharedCol } from '../../pool/columns.js';
import { runPlan, type Shard } from '../../pool/shards.js';
import { k2bSiteWeights } from '../../kernels/2B.js';
import type { Sites2B } from './inputs.js';
import { bucketOf, bucketParams, type Policies2B } from './policies.js';
import { packBuckets } from './kernels_ref.js';
import { FAMILIES } from './world.js';
import { idKeys } from '../../rng/keys.js';

export interface S1Result {
  bucket: Int32Array;
  pWeight: Float64Array;
  mass: Uint32Array;
  floorApplied: Uint8Array;
  component: Int32Array;
  s1Flags: Int32Array;
  wKeys: Uint32Array;
  weightDraws: Uint32Array;
}

/** S1 comes first: S2 encodes its masses into alias slices and S3 shares its weights out to tz-groups. */
export async function s1SiteWeights(
  ctx: RunContext,
  inp: { p: Policies2B; sites: Sites2B; plan: Shard[]; nSites: Int32Array; trace: RngTrace },
): Promise<S1Result> {
  const { p, sites, plan, nSites, trace } = inp;
  const M = sites.merchantId.length;
  const S = sites.siteOff[M];
  const siteOff = SharedCol.from('i32', sites.siteOff);
  const bucket = Int32Array.from(nSites, (n) => bucketOf(p.alias.profile_mixture.buckets, n));
  const wKeys = idKeys(ctx, FAMILIES.weights, sites.merchantId);
  const pW = new SharedCol('f64', S),
    mass = new SharedCol('u32', S),
    flo = new SharedCol('u8', S);
  const comp = new SharedCol('i32', M),
    flags = new SharedCol('i32', M),
    wd = new SharedCol('u32', M),
    wb = new SharedCol('u32', M);
  const wK = SharedCol.from('u32', wKeys),
    bC = SharedCol.from('i32', bucket),
    prm = SharedCol.from('f64', packBuckets(bucketParams(p.alias)));
  const off = sites.siteOff;
  await runPlan(
    ctx.pool,
    plan,
    ({ start: s, end: e }) =>
      k2bSiteWeights.task({
        n: e - s,
        keys: wK.in(s, e, 2),
        siteOff: siteOff.in(s, e + 1),
        bucket: bC.in(s, e),
        params: prm.all(),
        floorValue: p.alias.floor_value,
        bits: p.alias.quantised_bits,
        outP: pW.out(off[s], off[e]),
        outMass: mass.out(off[s], off[e]),
        outFloor: flo.out(off[s], off[e]),
        outComp: comp.out(s, e),
        outFlags: flags.out(s, e),
        outDraws: wd.out(s, e),
        outBlocks: wb.out(s, e),
      }),
    ctx.progress.stage('2B S1 site weights', M, 'merchants'),
  );
  const s1Flags = Int32Array.from(flags.view() as Int32Array);
  trace.add(FAMILIES.weights, wd.view() as Uint32Array, wb.view() as Uint32Array);
  const bad = s1Flags.findIndex((f) => (f & 12) !== 0);
  if (bad >= 0)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `merchant ${sites.merchantId[bad]}: site weights could not meet the policy (${s1Flags[bad] & 4 ? 'min_secondary_mass infeasible' : 'quantisation failed'})`,
      'config/layer1/2B/alias_layout.yaml',
      'lower min_secondary_mass or top1_soft_cap constraints',
    );
  return {
    bucket,
    pWeight: Float64Array.from(pW.view() as Float64Array),
    mass: Uint32Array.from(mass.view() as Uint32Array),
    floorApplied: Uint8Array.from(flo.view() as Uint8Array),
    component: Int32Array.from(comp.view() as Int32Array),
    s1Flags,
    wKeys,
    weightDraws: Uint32Array.from(wd.view() as Uint32Array),
  };
}
