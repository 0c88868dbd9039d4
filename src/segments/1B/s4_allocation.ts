// S4 allocation: each pair's n sites become n slot tiles, spread over its country's tiles by weight (TypeScript: one draw per pair, a binary search per site).
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1B } from './policies.js';
import type { TileIndex, TileWeights } from './tiles.js';
import { allocRef } from './kernels_ref.js';
import { FAMILIES } from './world.js';

/** S4 needs S3's pairs and S1/S2's cumulative weights; S5 then shuffles sites over the slots it returns. */
export function s4Allocation(
  ctx: RunContext,
  inp: {
    p: Policies1B;
    tiles: TileIndex;
    weights: TileWeights;
    cum: Float64Array;
    nPairs: number;
    pairCountry: Int32Array;
    pairOff: Int32Array;
    nSites: number;
    allocKeys: Uint32Array;
    trace: RngTrace;
  },
): { slotTile: Int32Array } {
  const { p, tiles, weights, cum, nPairs, pairCountry, pairOff, nSites, allocKeys, trace } = inp;
  const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];
  const K = 10 ** weights.dp;
  const method = p.placement.allocation.method;
  const slotTile = new Int32Array(nSites);
  const allocDraws = new Uint32Array(nPairs),
    allocBlocks = new Uint32Array(nPairs);
  const memo = new Map<string, Int32Array>();
  const s4 = ctx.progress.stage('1B S4 allocation', nPairs, 'pairs');
  for (let i = 0; i < nPairs; i++) {
    const c = pairCountry[i];
    const n = pairOff[i + 1] - pairOff[i];
    const lo = tiles.countryOff[c],
      hi = tiles.countryOff[c + 1];
    let slots: Int32Array;
    if (method === 'systematic') {
      const a = allocRef(method, kp(allocKeys, i), n, cum, weights.weightFp, lo, hi, K);
      slots = a.slots;
      allocDraws[i] = a.draws;
      allocBlocks[i] = a.blocks;
    } else {
      const key = `${c}:${n}`;
      slots = memo.get(key) ?? allocRef(method, null, n, cum, weights.weightFp, lo, hi, K).slots;
      memo.set(key, slots);
    }
    slotTile.set(slots, pairOff[i]);
  }
  s4.tick(nPairs);
  s4.done();
  if (method === 'systematic') trace.add(FAMILIES.alloc, allocDraws, allocBlocks);
  return { slotTile };
}
