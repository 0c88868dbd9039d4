// S1 hurdle: one Bernoulli draw per merchant decides single- vs multi-outlet.
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k1aHurdle } from '../../kernels/1A.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { SHARD_MERCHANTS, FAMILIES, type Design, type Merchants } from './world.js';
import { idKeys } from '../../rng/keys.js';

export interface S1Result {
  multi: Uint8Array;
  hurdleU: Float64Array;
  hurdleKeys: Uint32Array;
}

/** S1 comes right after S0: it needs only the design's hurdle probability pi, and S2 draws a count only for merchants it made multi. */
export async function s1Hurdle(ctx: RunContext, inp: { m: Merchants; design: Design; trace: RngTrace }): Promise<S1Result> {
  const { m, design, trace } = inp;
  const n = m.n;
  const hurdleKeys = idKeys(ctx, FAMILIES.hurdle, m.id);
  const hK = SharedCol.from('u32', hurdleKeys),
    pi = SharedCol.from('f64', design.pi);
  const multiC = new SharedCol('u8', n),
    uC = new SharedCol('f64', n),
    hd = new SharedCol('u32', n),
    hb = new SharedCol('u32', n);
  await runShards(
    ctx.pool,
    n,
    SHARD_MERCHANTS,
    ({ start: s, end: e }) =>
      k1aHurdle.task({
        n: e - s,
        keys: hK.in(s, e, 2),
        pi: pi.in(s, e),
        outMulti: multiC.out(s, e),
        outU: uC.out(s, e),
        outDraws: hd.out(s, e),
        outBlocks: hb.out(s, e),
      }),
    ctx.progress.stage(`1A ${k1aHurdle.name}`, n, 'merchants'),
  );
  const multi = Uint8Array.from(multiC.view() as Uint8Array);
  trace.add(FAMILIES.hurdle, hd.view() as Uint32Array, hb.view() as Uint32Array);
  return { multi, hurdleU: Float64Array.from(uC.view() as Float64Array), hurdleKeys };
}
