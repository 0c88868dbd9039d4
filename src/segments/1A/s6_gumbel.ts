// S6 Gumbel membership: weighted sampling without replacement of up to K foreign candidates (Gumbel-top-k).
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1aGumbel } from '../../kernels/1A.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { SHARD_MERCHANTS, FAMILIES, type CandidateRow, type Merchants } from './world.js';
import { idKeys } from '../../rng/keys.js';

export interface S6Result {
  gumbelKey: Float64Array;
  selOrder: Int32Array;
  gumbelKeys: Uint32Array;
}

/** S6 needs S4's target K and S5's weights over S3's candidates; S7 allocates over the countries it selects. */
export async function s6Gumbel(
  ctx: RunContext,
  inp: { m: Merchants; cands: CandidateRow[]; candOff: Int32Array; candWeight: Float64Array; kTarget: Int32Array; trace: RngTrace },
): Promise<S6Result> {
  const { m, cands, candOff, candWeight, kTarget, trace } = inp;
  const n = m.n;
  const localOff = localOffsets(candOff, n, SHARD_MERCHANTS);
  // Foreign weights only: the home row (rank 0) gets weight 0, so it is never drawn or selected.
  const gW = new Float64Array(cands.length);
  for (let j = 0; j < cands.length; j++) gW[j] = cands[j].isHome ? 0 : candWeight[j];
  const gumbelKeys = idKeys(ctx, FAMILIES.gumbel, m.id);
  const gK = SharedCol.from('u32', gumbelKeys),
    offC = SharedCol.from('i32', localOff),
    wC = SharedCol.from('f64', gW),
    ktC = SharedCol.from('i32', kTarget);
  const keyC = new SharedCol('f64', cands.length),
    ordC = new SharedCol('i32', cands.length),
    gd = new SharedCol('u32', n),
    gb = new SharedCol('u32', n);
  await runShards(
    ctx.pool,
    n,
    SHARD_MERCHANTS,
    ({ start: s, end: e, k }) =>
      k1aGumbel.task({
        n: e - s,
        keys: gK.in(s, e, 2),
        offsets: offC.in(s + k, e + k + 1),
        weights: wC.in(candOff[s], candOff[e]),
        kTarget: ktC.in(s, e),
        outKey: keyC.out(candOff[s], candOff[e]),
        outOrder: ordC.out(candOff[s], candOff[e]),
        outDraws: gd.out(s, e),
        outBlocks: gb.out(s, e),
      }),
    ctx.progress.stage(`1A ${k1aGumbel.name}`, n, 'merchants'),
  );
  const gumbelKey = Float64Array.from(keyC.view() as Float64Array);
  const selOrder = Int32Array.from(ordC.view() as Int32Array);
  trace.add(
    FAMILIES.gumbel,
    gd.view() as Uint32Array,
    gb.view() as Uint32Array,
    Array.from(kTarget, (k) => (k > 0 ? 1 : 0)),
  );
  return { gumbelKey, selOrder, gumbelKeys };
}
