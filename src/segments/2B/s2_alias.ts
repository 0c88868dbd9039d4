// S2 alias index + blob: each merchant's site masses encoded as an aligned alias slice in one blob (wasm, no RNG).
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import { SharedCol } from '../../pool/columns.js';
import { runPlan, type Shard } from '../../pool/shards.js';
import { k2bAliasEncode } from '../../kernels/2B.js';
import type { Sites2B } from './inputs.js';
import type { Policies2B } from './policies.js';
import { sliceWords } from './kernels_ref.js';

export interface S2Result {
  wordOff: Uint32Array;
  blob: Uint32Array;
  sliceStatus: Int32Array;
}

/** S2 needs S1's masses; nothing later reads the blob while building (the router reads it back from the world). */
export async function s2Alias(
  ctx: RunContext,
  inp: { p: Policies2B; sites: Sites2B; plan: Shard[]; nSites: Int32Array; mass: Uint32Array },
): Promise<S2Result> {
  const { p, sites, plan, nSites } = inp;
  const M = sites.merchantId.length;
  const siteOff = SharedCol.from('i32', sites.siteOff);
  const mass = SharedCol.from('u32', inp.mass);
  const off = sites.siteOff;
  const nGroups = Int32Array.from({ length: M }, (_, i) => sites.groupOff[i + 1] - sites.groupOff[i]);
  const alignWords = p.alias.layout.alignment_bytes / 4;
  const wordOff = new Uint32Array(M + 1);
  for (let i = 0; i < M; i++) wordOff[i + 1] = wordOff[i] + Math.ceil(sliceWords(nSites[i], nGroups[i]) / alignWords) * alignWords;
  if (wordOff[M] * 4 > 2 ** 31) fail(ErrorCodes.VALIDATION_FAILED, `alias blob would be ${wordOff[M] * 4} bytes`, 's2_alias_blob', 'use a smaller world');
  const blobC = new SharedCol('u32', wordOff[M]),
    stC = new SharedCol('i32', M);
  const wo = SharedCol.from('u32', wordOff),
    sg = SharedCol.from('i32', sites.siteGroup),
    ngC = SharedCol.from('i32', nGroups);
  await runPlan(
    ctx.pool,
    plan,
    ({ start: s, end: e }) =>
      k2bAliasEncode.task({
        n: e - s,
        siteOff: siteOff.in(s, e + 1),
        mass: mass.in(off[s], off[e]),
        siteGroup: sg.in(off[s], off[e]),
        nGroups: ngC.in(s, e),
        outWord: wo.in(s, e + 1),
        bits: p.alias.quantised_bits,
        qbits: p.alias.layout.prob_qbits,
        out: blobC.out(wordOff[s], wordOff[e]),
        outStatus: stC.out(s, e),
      }),
    ctx.progress.stage('2B S2 alias tables', M, 'merchants'),
  );
  return { wordOff, blob: Uint32Array.from(blobC.view() as Uint32Array), sliceStatus: Int32Array.from(stC.view() as Int32Array) };
}
