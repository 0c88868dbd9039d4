// S5 site → tile: each site of a pair is dealt one of the pair's slot tiles (RNG, wasm).
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1bAssign } from '../../kernels/1B.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { SHARD_PAIRS, FAMILIES } from './world.js';

export interface S5Result {
  siteTile: Int32Array;
  siteU: Float64Array;
}

/** S5 needs S4's slots; S6 jitters each site inside the tile it gets here. */
export async function s5Assign(
  ctx: RunContext,
  inp: { nPairs: number; pairOff: Int32Array; nSites: number; slotTile: Int32Array; assignKeys: Uint32Array; trace: RngTrace },
): Promise<S5Result> {
  const { nPairs, pairOff, slotTile, assignKeys, trace } = inp;
  // shards over pairs (world-only), with shard-local site offsets
  const offC = SharedCol.from('i32', localOffsets(pairOff, nPairs, SHARD_PAIRS));
  const S = inp.nSites;
  const site = (s: number) => pairOff[s];

  const aK = SharedCol.from('u32', assignKeys),
    slotC = SharedCol.from('i32', slotTile);
  const tileC = new SharedCol('i32', S),
    uC = new SharedCol('f64', S),
    ad = new SharedCol('u32', nPairs),
    ab = new SharedCol('u32', nPairs);
  await runShards(
    ctx.pool,
    nPairs,
    SHARD_PAIRS,
    ({ start: s, end: e, k }) =>
      k1bAssign.task({
        n: e - s,
        keys: aK.in(s, e, 2),
        offsets: offC.in(s + k, e + k + 1),
        slotTile: slotC.in(site(s), site(e)),
        outTile: tileC.out(site(s), site(e)),
        outU: uC.out(site(s), site(e)),
        outDraws: ad.out(s, e),
        outBlocks: ab.out(s, e),
      }),
    ctx.progress.stage('1B S5 site→tile', nPairs, 'pairs'),
  );
  const siteTile = Int32Array.from(tileC.view() as Int32Array);
  // events as upstream counts them: one per site (S5), one per attempt (S6)
  trace.add(
    FAMILIES.assign,
    ad.view() as Uint32Array,
    ab.view() as Uint32Array,
    Int32Array.from({ length: nPairs }, (_, i) => pairOff[i + 1] - pairOff[i]),
  );
  return { siteTile, siteU: Float64Array.from(uC.view() as Float64Array) };
}
