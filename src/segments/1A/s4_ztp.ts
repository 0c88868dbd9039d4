// S4 ZTP foreign target: a zero-truncated Poisson count K of foreign countries for eligible multi-outlet merchants.
import { fm_exp, fm_log } from '../../rng/fmath.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k1aZtp } from '../../kernels/1A.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1A } from './policies.js';
import { SHARD_MERCHANTS, FAMILIES, type Design, type Merchants } from './world.js';
import { idKeys } from '../../rng/keys.js';

export interface S4Result {
  lambda: Float64Array;
  kTarget: Int32Array;
  ztpAttempts: Int32Array;
  ztpExhausted: Uint8Array;
  ztpKeys: Uint32Array;
}

/** S4 needs S3's candidate count (no foreign candidates, no draw) and runs after S5 (which it does not use); S6 selects up to K foreign countries. */
export async function s4Ztp(
  ctx: RunContext,
  inp: { p: Policies1A; m: Merchants; design: Design; multi: Uint8Array; N: Int32Array; candOff: Int32Array; trace: RngTrace },
): Promise<S4Result> {
  const { p, m, design, multi, N, candOff, trace } = inp;
  const n = m.n;
  const { theta0, theta1, theta2, max_zero_attempts, exhaustion_policy } = p.crossborder.ztp;
  const lambda = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const A = candOff[i + 1] - candOff[i] - 1;
    if (multi[i] && design.eligible[i] && A > 0) lambda[i] = fm_exp(theta0 + theta1 * fm_log(N[i]) + theta2 * design.openness[i]);
  }
  const ztpKeys = idKeys(ctx, FAMILIES.ztp, m.id);
  const zK = SharedCol.from('u32', ztpKeys),
    lC = SharedCol.from('f64', lambda);
  const kC = new SharedCol('i32', n),
    aC = new SharedCol('i32', n),
    zd = new SharedCol('u32', n),
    zb = new SharedCol('u32', n);
  await runShards(
    ctx.pool,
    n,
    SHARD_MERCHANTS,
    ({ start: s, end: e }) =>
      k1aZtp.task({
        n: e - s,
        keys: zK.in(s, e, 2),
        lambda: lC.in(s, e),
        maxZero: max_zero_attempts,
        outK: kC.out(s, e),
        outAttempts: aC.out(s, e),
        outDraws: zd.out(s, e),
        outBlocks: zb.out(s, e),
      }),
    ctx.progress.stage(`1A ${k1aZtp.name}`, n, 'merchants'),
  );
  const kTarget = Int32Array.from(kC.view() as Int32Array);
  const ztpAttempts = Int32Array.from(aC.view() as Int32Array);
  const ztpExhausted = new Uint8Array(n);
  trace.add(
    FAMILIES.ztp,
    zd.view() as Uint32Array,
    zb.view() as Uint32Array,
    Array.from(lambda, (l) => (l > 0 ? 1 : 0)),
  );
  for (let i = 0; i < n; i++) {
    if (kTarget[i] >= 0) continue;
    if (exhaustion_policy === 'abort')
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${m.id[i]}: ZTP drew zero ${max_zero_attempts} times (lambda=${lambda[i]})`,
        'config/layer1/1A/crossborder.yaml ztp',
        'use exhaustion_policy: downgrade_domestic or raise theta0',
      );
    kTarget[i] = 0;
    ztpExhausted[i] = 1;
  }
  return { lambda, kTarget, ztpAttempts, ztpExhausted, ztpKeys };
}
