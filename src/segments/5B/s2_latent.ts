// 5B.S2: the latent log-Gaussian field per group and bucket (pool), and its factor on the arrival rate.
import type { RunContext } from '../../engine/context.js';
import type { RngTrace } from '../../engine/trace.js';
import { latentField, type Groups } from './plan.js';
import type { Policies5B } from './policies.js';
import { publishTable, type Tables5B } from './tables.js';

export interface S2Input {
  pol: Policies5B;
  groups: Groups;
  H: number;
  trace: RngTrace;
  tables: Tables5B;
}

export interface S2Latent {
  /** per (group, bucket): the rate factor */
  fac: Float64Array;
}

export async function s2Latent(ctx: RunContext, { pol, groups, H, trace, tables }: S2Input): Promise<S2Latent> {
  const mf = ctx.manifest_fingerprint;
  const { ids, later, sc } = tables;
  const nG = groups.ids.length;
  const { latent, factor } = await latentField(ctx.pool, groups, pol, H, { manifest_fingerprint: mf, seed: ctx.seed, parameter_hash: ctx.parameter_hash });
  trace.addTotals('5B.lgcp_latent', nG, nG * 2 * H, nG * H, nG, H);
  const gRow = new Int32Array(nG * H),
    bRow = new Int32Array(nG * H),
    sRow = new Float64Array(nG * H),
    lRow = new Float64Array(nG * H);
  for (let g = 0; g < nG; g++)
    for (let h = 0; h < H; h++) {
      const i = g * H + h;
      gRow[i] = g;
      bRow[i] = h;
      sRow[i] = groups.sigma[g];
      lRow[i] = groups.lengthScale[g];
    }
  const fac = factor.view() as Float64Array;
  const nGH = nG * H;
  later(
    's2_latent_field_5B',
    publishTable(
      ctx,
      's2_latent_field_5B',
      [
        { name: 'seed', type: 'i64', values: new BigUint64Array(nGH).fill(ctx.seed) },
        ...ids(nGH),
        { name: 'group_id', type: 'dict', values: gRow, dict: groups.ids },
        { name: 'bucket_index', type: 'i32', values: bRow },
        { name: 'sigma', type: 'f64', values: sRow },
        { name: 'length_scale_buckets', type: 'f64', values: lRow },
        { name: 'latent_value', type: 'f64', values: latent.view() as Float64Array },
        { name: 'factor', type: 'f64', values: fac },
      ],
      nGH,
      sc,
    ),
  );
  return { fac };
}
