// 3A.S3: Dirichlet activity shares over each escalated pair's observed zones (wasm), alphas blending site proportions and the country prior.
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k3aZoneShares } from '../../kernels/3A.js';
import { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies3A } from './policies.js';
import { pairAlphas } from './model.js';
import type { Priors } from './s2_priors.js';
import type { Inputs3A } from './inputs.js';
import { SHARD_PAIRS, FAMILIES } from './world.js';
import { pairKeys } from '../../rng/keys.js';

export interface S3Input {
  p: Policies3A;
  priors: Priors;
  inp: Inputs3A;
  escalated: Uint8Array;
  trace: RngTrace;
}

export interface S3Dirichlet {
  /** per zone row: Dirichlet alpha (NaN for monolithic pairs) */
  alpha: Float64Array;
  /** per zone row: drawn share for escalated pairs, 0 elsewhere (S4 fills the monolithic pairs) */
  share: Float64Array;
  dirDraws: Uint32Array;
  dirBlocks: Uint32Array;
  dirKeys: Uint32Array;
}

export async function s3Dirichlet(ctx: RunContext, { p, priors, inp, escalated, trace }: S3Input): Promise<S3Dirichlet> {
  const n = inp.n;
  const nz = inp.tzid.length;
  const alpha = new Float64Array(nz).fill(NaN);
  const share = new Float64Array(nz);
  const esc: number[] = [];
  for (let i = 0; i < n; i++) if (escalated[i]) esc.push(i);
  const ne = esc.length;
  const eMerchant = new BigUint64Array(ne),
    eCountry: string[] = new Array(ne);
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
    const a = inp.zoneOff[i],
      b = inp.zoneOff[i + 1];
    const out = eAlpha.subarray(eOff[k], eOff[k + 1]);
    pairAlphas(p.mixture, priors, inp.country[i], inp.tzid.slice(a, b), inp.zoneCount.subarray(a, b), out);
    alpha.set(out, a);
  }
  const dirKeysE = pairKeys(ctx, FAMILIES.dirichlet, eMerchant, (i) => eCountry[i]);
  const kD = SharedCol.from('u32', dirKeysE),
    offC = SharedCol.from('i32', localOffsets(eOff, ne, SHARD_PAIRS)),
    aC = SharedCol.from('f64', eAlpha);
  const sC = new SharedCol('f64', eOff[ne]),
    dd = new SharedCol('u32', ne),
    db = new SharedCol('u32', ne);
  await runShards(
    ctx.pool,
    ne,
    SHARD_PAIRS,
    ({ start: s, end: e, k }) =>
      k3aZoneShares.task({
        n: e - s,
        keys: kD.in(s, e, 2),
        off: offC.in(s + k, e + k + 1),
        alpha: aC.in(eOff[s], eOff[e]),
        outShare: sC.out(eOff[s], eOff[e]),
        outDraws: dd.out(s, e),
        outBlocks: db.out(s, e),
      }),
    ctx.progress.stage('3A S3 Dirichlet shares', ne, 'pairs'),
  );
  const eShare = sC.view() as Float64Array;
  const dirDraws = new Uint32Array(n),
    dirBlocks = new Uint32Array(n);
  const dirKeys = new Uint32Array(2 * n);
  for (let k = 0; k < ne; k++) {
    const i = esc[k];
    share.set(eShare.subarray(eOff[k], eOff[k + 1]), inp.zoneOff[i]);
    dirDraws[i] = (dd.view() as Uint32Array)[k];
    dirBlocks[i] = (db.view() as Uint32Array)[k];
    dirKeys[2 * i] = dirKeysE[2 * k];
    dirKeys[2 * i + 1] = dirKeysE[2 * k + 1];
  }
  trace.add(
    FAMILIES.dirichlet,
    dd.view() as Uint32Array,
    db.view() as Uint32Array,
    Array.from({ length: ne }, (_, k) => (eOff[k + 1] - eOff[k] > 1 ? 1 : 0)),
  );
  return { alpha, share, dirDraws, dirBlocks, dirKeys };
}
