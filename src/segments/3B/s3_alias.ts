// 3B.S3: each virtual merchant's edge alias slice in 2B's layout, quantised and padded to alignment (wasm).
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k3bEdgeAlias } from '../../kernels/3B.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies3B } from './policies.js';
import { SHARD_MERCHANTS } from './world.js';

export interface S3Input {
  p: Policies3B;
  E: Int32Array;
  edgeOff: Int32Array;
  /** S2's shard-local edge offsets */
  eOffL: SharedCol<'i32'>;
  weight: Float64Array;
}

export interface S3Alias {
  words: Uint32Array;
  wordOff: Uint32Array;
  quantLeft: Int32Array;
}

export async function s3Alias(ctx: RunContext, { p, E, edgeOff, eOffL, weight }: S3Input): Promise<S3Alias> {
  const V = E.length;
  const al = p.edges.alias;
  const padWords = al.alignment_bytes / 4;
  const wordOff = new Uint32Array(V + 1);
  for (let v = 0; v < V; v++) {
    const w = 4 + 2 * E[v];
    wordOff[v + 1] = wordOff[v] + Math.ceil(w / padWords) * padWords;
  }
  const wOffC = SharedCol.from('u32', localOffsets(wordOff, V, SHARD_MERCHANTS)),
    wC = SharedCol.from('f64', weight);
  const words = new SharedCol('u32', wordOff[V]),
    left = new SharedCol('i32', V);
  await runShards(
    ctx.pool,
    V,
    SHARD_MERCHANTS,
    ({ start: s, end: e, k }) =>
      k3bEdgeAlias.task({
        n: e - s,
        edgeOff: eOffL.in(s + k, e + k + 1),
        weight: wC.in(edgeOff[s], edgeOff[e]),
        outWord: wOffC.in(s + k, e + k + 1),
        bits: al.quantised_bits,
        qbits: al.prob_qbits,
        out: words.out(wordOff[s], wordOff[e]),
        outLeft: left.out(s, e),
      }),
    ctx.progress.stage('3B S3 edge alias', V, 'merchants'),
  );
  return { words: Uint32Array.from(words.view() as Uint32Array), wordOff, quantLeft: Int32Array.from(left.view() as Int32Array) };
}
