// Philox4x32-10 (Salmon et al., SC11; Random123). Counter-based: block = f(counter, key),
// so any substream position is reachable in O(1) and shards reproduce draws alone.
// Bit-identical to src/rng/philox.ts; known-answer tests in tests/rng.philox.test.ts.

const M0: u64 = 0xd2511f53; // round multipliers
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9; // Weyl key bumps (golden ratio, sqrt(3)-1)
const W1: u32 = 0xbb67ae85;

// Output of the last philoxRounds() call. Globals, not memory, so the hot path never
// touches linear memory (the stream reads them straight into its lanes).
export let philoxX0: u32 = 0;
export let philoxX1: u32 = 0;
export let philoxX2: u32 = 0;
export let philoxX3: u32 = 0;

/** One Philox4x32-10 block into philoxX0..3. A round: two 32x32->64 products, swap, xor key. */
// @ts-ignore: decorator
@inline
export function philoxRounds(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  // Ten rounds written out: binaryen does not unroll the loop, and unrolled is ~10% faster.
  // A round: (hi0, lo0) = M0 * x0, (hi1, lo1) = M1 * x2;
  //          x = (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0); then k += (W0, W1).
  let x0 = c0, x1 = c1, x2 = c2, x3 = c3;
  let p0: u64, p1: u64;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 1
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 2
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 3
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 4
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 5
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 6
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 7
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 8
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 9
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  k0 += W0; k1 += W1;
  p0 = M0 * <u64>x0; p1 = M1 * <u64>x2; // round 10
  x0 = <u32>(p1 >> 32) ^ x1 ^ k0; x1 = <u32>p1; x2 = <u32>(p0 >> 32) ^ x3 ^ k1; x3 = <u32>p0;
  philoxX0 = x0;
  philoxX1 = x1;
  philoxX2 = x2;
  philoxX3 = x3;
}

/** Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes 4 u32 at outPtr. For tests/KATs. */
export function philoxBlock(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, outPtr: usize): void {
  philoxRounds(c0, c1, c2, c3, k0, k1);
  store<u32>(outPtr, philoxX0);
  store<u32>(outPtr, philoxX1, 4);
  store<u32>(outPtr, philoxX2, 8);
  store<u32>(outPtr, philoxX3, 12);
}
