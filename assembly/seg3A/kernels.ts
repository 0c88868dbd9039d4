// Segment 3A kernel: S3 Dirichlet zone shares, one substream per escalated merchant × country pair
// (family 3A.zone_dirichlet, keys derived in JS). Mirrors src/segments/3A/kernels_ref.ts bit for bit.
// Layout: keys u32 [k0,k1] per pair; off i32[n+1] local offsets into alpha/out (the pair's zones in
// tzid order); draws/blocks u32 per pair.

import { streamInit, streamDraws, streamBlocks } from "../rng/stream";
import { rngDirichlet } from "../rng/dist";

/** Shares ~ Dirichlet(alpha[off[i]..off[i+1])) per pair. A pair with one zone gets share 1 and no
 *  draws. Draws: the gammas of rngDirichlet, zone by zone. */
export function k3aZoneShares(n: i32, keys: usize, off: usize, alpha: usize, outShare: usize, outDraws: usize, outBlocks: usize): void {
  for (let i = 0; i < n; i++) {
    streamInit(load<u32>(keys + (<usize>i << 3)), load<u32>(keys + (<usize>i << 3) + 4));
    let a = load<i32>(off + (<usize>i << 2));
    let b = load<i32>(off + (<usize>(i + 1) << 2));
    let k = b - a;
    if (k == 1) {
      store<f64>(outShare + (<usize>a << 3), 1.0);
    } else if (k > 1) {
      rngDirichlet(alpha + (<usize>a << 3), k, outShare + (<usize>a << 3));
    }
    store<u32>(outDraws + (<usize>i << 2), <u32>streamDraws());
    store<u32>(outBlocks + (<usize>i << 2), <u32>streamBlocks());
  }
}
