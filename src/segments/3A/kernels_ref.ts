// TypeScript reference of assembly/seg3A/kernels.ts (same draws, same arithmetic order). Used by
// tests to prove kernel equality and by S6 to replay a sample of pairs.
import { Substream } from '../../rng/stream.js';
import { dirichlet } from '../../rng/dist.js';

/** Dirichlet(alpha) zone shares of one pair; one zone → [1], no draws. */
export function zoneSharesRef(k: [number, number], alpha: ArrayLike<number>) {
  const s = new Substream(k[0], k[1]);
  const share = new Float64Array(alpha.length);
  if (alpha.length === 1) share[0] = 1;
  else if (alpha.length > 1) dirichlet(s, alpha, share);
  return { share, draws: s.draws, blocks: s.blocks };
}
