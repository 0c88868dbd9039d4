// 3A.S1: which (merchant, country) pairs escalate to a zone mixture — the policy ladder, else a Bernoulli draw.
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k1aHurdle } from '../../kernels/1A.js';
import { RngTrace } from '../../engine/trace.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies3A } from './policies.js';
import { escalationRule } from './model.js';
import type { Priors } from './s2_priors.js';
import type { Inputs3A } from './inputs.js';
import { SHARD_PAIRS, FAMILIES } from './world.js';
import { pairKeys } from '../../rng/keys.js';

export interface S1Input {
  p: Policies3A;
  priors: Priors;
  inp: Inputs3A;
  trace: RngTrace;
}

export interface S1Escalation {
  zoneCountCountry: Int32Array;
  escP: Float64Array;
  escU: Float64Array;
  escalated: Uint8Array;
  reason: string[];
  escKeys: Uint32Array;
}

export async function s1Escalation(ctx: RunContext, { p, priors, inp, trace }: S1Input): Promise<S1Escalation> {
  const n = inp.n;
  const zoneCountCountry = new Int32Array(n);
  const escP = new Float64Array(n);
  const reason: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const zc = priors.zoneCountCountry.get(inp.country[i]);
    if (zc === undefined)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `country ${inp.country[i]} has outlets but no zones in the prior pack`,
        p.files.alphas,
        're-run src/segments/3A/derive_alphas.ts (it covers every ISO country)',
      );
    zoneCountCountry[i] = zc;
    const d = escalationRule(p.mixture, inp.siteCount[i], zc);
    escP[i] = d.p;
    reason[i] = d.reason;
  }
  const escKeys = pairKeys(ctx, FAMILIES.escalation, inp.merchant, (i) => inp.country[i]);
  const kE = SharedCol.from('u32', escKeys),
    pE = SharedCol.from('f64', escP);
  const escC = new SharedCol('u8', n),
    uC = new SharedCol('f64', n),
    ed = new SharedCol('u32', n),
    eb = new SharedCol('u32', n);
  // Same law as 1A's hurdle: escalate iff u < p, no draw when p is 0 or 1.
  await runShards(
    ctx.pool,
    n,
    SHARD_PAIRS,
    ({ start: s, end: e }) =>
      k1aHurdle.task({
        n: e - s,
        keys: kE.in(s, e, 2),
        pi: pE.in(s, e),
        outMulti: escC.out(s, e),
        outU: uC.out(s, e),
        outDraws: ed.out(s, e),
        outBlocks: eb.out(s, e),
      }),
    ctx.progress.stage('3A S1 escalation', n, 'pairs'),
  );
  const escalated = Uint8Array.from(escC.view() as Uint8Array);
  const escU = Float64Array.from(uC.view() as Float64Array);
  trace.add(
    FAMILIES.escalation,
    ed.view() as Uint32Array,
    eb.view() as Uint32Array,
    Array.from(escP, (x) => (x > 0 && x < 1 ? 1 : 0)),
  );
  for (let i = 0; i < n; i++) if (reason[i] === '') reason[i] = escalated[i] ? 'default_escalation' : 'legacy_default';
  return { zoneCountCountry, escP, escU, escalated, reason, escKeys };
}
