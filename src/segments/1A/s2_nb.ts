// S2 NB2 outlet count: a negative-binomial count N >= 2 for each multi-outlet merchant (rejection sampling).
import { fail, ErrorCodes } from '../../core/errors.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k1aNb } from '../../kernels/1A.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1A } from './policies.js';
import { SHARD_MERCHANTS, FAMILIES, type Design, type Merchants } from './world.js';
import { idKeys } from '../../rng/keys.js';

export interface S2Result {
  N: Int32Array;
  nbRej: Int32Array;
  nbKeys: Uint32Array;
}

/** S2 follows S1 (it draws only where S1 said multi) and precedes S3, whose candidate ladder is keyed by N. */
export async function s2Nb(ctx: RunContext, inp: { p: Policies1A; m: Merchants; design: Design; multi: Uint8Array; trace: RngTrace }): Promise<S2Result> {
  const { p, m, design, multi, trace } = inp;
  const n = m.n;
  const nbKeys = idKeys(ctx, FAMILIES.nb, m.id);
  const multiC = SharedCol.from('u8', multi);
  const nK = SharedCol.from('u32', nbKeys),
    muC = SharedCol.from('f64', design.mu),
    phiC = SharedCol.from('f64', design.phi);
  const NC = new SharedCol('i32', n),
    rejC = new SharedCol('i32', n),
    nd = new SharedCol('u32', n),
    nb = new SharedCol('u32', n);
  await runShards(
    ctx.pool,
    n,
    SHARD_MERCHANTS,
    ({ start: s, end: e }) =>
      k1aNb.task({
        n: e - s,
        keys: nK.in(s, e, 2),
        multi: multiC.in(s, e),
        mu: muC.in(s, e),
        phi: phiC.in(s, e),
        maxAttempts: p.nb.max_attempts,
        outN: NC.out(s, e),
        outRej: rejC.out(s, e),
        outDraws: nd.out(s, e),
        outBlocks: nb.out(s, e),
      }),
    ctx.progress.stage(`1A ${k1aNb.name}`, n, 'merchants'),
  );
  const N = Int32Array.from(NC.view() as Int32Array);
  const nbRej = Int32Array.from(rejC.view() as Int32Array);
  const nbActive = Array.from(multi);
  trace.add(FAMILIES.nb, nd.view() as Uint32Array, nb.view() as Uint32Array, nbActive);
  for (let i = 0; i < n; i++) {
    if (N[i] < 0)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${m.id[i]}: NB2 found no count >= 2 in ${p.nb.max_attempts} attempts (mu=${design.mu[i]}, phi=${design.phi[i]})`,
        'config/layer1/1A/nb_outlets.yaml',
        'raise mu for this class or max_attempts',
      );
    if (N[i] > 999999)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${m.id[i]}: ${N[i]} outlets overflow the 6-digit site_id`,
        'config/layer1/1A/nb_outlets.yaml',
        'lower mu/raise phi',
      );
  }
  return { N, nbRej, nbKeys };
}
