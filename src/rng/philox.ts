// Philox4x32-10 (Salmon et al., SC11; Random123), TypeScript reference.
// Bit-identical to assembly/rng/philox.ts. The 32x32->64 products are computed exactly
// from 16-bit halves in plain double/int32 arithmetic: no BigInt (≈100x slower) and no
// Math.imul, so the reference stays obviously exact.

const M0L = 0x1f53; // M0 = 0xD2511F53 split into 16-bit halves
const M0H = 0xd251;
const M1L = 0x8d57; // M1 = 0xCD9E8D57
const M1H = 0xcd9e;
const W0 = 0x9e3779b9; // Weyl key bumps (golden ratio, sqrt(3)-1)
const W1 = 0xbb67ae85;

/**
 * Philox4x32-10 block of counter (c0..c3) under key (k0, k1) into out[0..4) (u32 words).
 * Inputs may be any uint32/int32 values (only their low 32 bits matter).
 */
export function philoxInto(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 | 0,
    x1 = c1 | 0,
    x2 = c2 | 0,
    x3 = c3 | 0;
  k0 |= 0;
  k1 |= 0;
  for (let r = 0; r < 10; r++) {
    // x0 * M0 -> (hi0, lo0): four 16x16 partial products, each < 2^32, sums < 2^53
    let al = x0 & 0xffff,
      ah = x0 >>> 16;
    let ll = al * M0L,
      lh = al * M0H,
      hl = ah * M0L,
      hh = ah * M0H;
    let mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    const lo0 = (mid << 16) | (ll & 0xffff);
    const hi0 = hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
    // x2 * M1 -> (hi1, lo1)
    al = x2 & 0xffff;
    ah = x2 >>> 16;
    ll = al * M1L;
    lh = al * M1H;
    hl = ah * M1L;
    hh = ah * M1H;
    mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    const lo1 = (mid << 16) | (ll & 0xffff);
    const hi1 = hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
    x0 = hi1 ^ x1 ^ k0;
    x1 = lo1;
    x2 = hi0 ^ x3 ^ k1;
    x3 = lo0;
    k0 = (k0 + W0) | 0;
    k1 = (k1 + W1) | 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** Philox4x32-10: counter c (4 words), key k (2 words) -> out (4 u32 words). */
export function philox4x32_10(c: ArrayLike<number>, k: ArrayLike<number>, out: Uint32Array): Uint32Array {
  philoxInto(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, out);
  return out;
}
