// SHA-256 (FIPS 180-4) of many short messages that share a prefix. The substream-key law (SPEC §5)
// hashes domain ‖ identity ‖ family ‖ entity once per entity (5B: every cell); one call here replaces
// a node:crypto Hash object per key (~3 µs each, most of it object and call overhead). The prefix's
// whole blocks are compressed once (the midstate); each message then costs one or two blocks.
// Reference: node:crypto (tests/rng.sha256.test.ts compares digests byte for byte, NIST vectors too).

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const W = memory.data(64 * 4); // message schedule
const H = memory.data(8 * 4); // running state
const MID = memory.data(8 * 4); // state after the prefix's whole blocks
const BLOCK = memory.data(64); // the block being filled

// @ts-ignore: decorator
@inline function rotr(x: u32, n: u32): u32 { return (x >>> n) | (x << (32 - n)); }

/** One compression of the 64 bytes at BLOCK into H. */
function compress(): void {
  for (let t = 0; t < 16; t++) store<u32>(W + (<usize>t << 2), bswap<u32>(load<u32>(BLOCK + (<usize>t << 2))));
  for (let t = 16; t < 64; t++) {
    let w15 = load<u32>(W + (<usize>(t - 15) << 2)), w2 = load<u32>(W + (<usize>(t - 2) << 2));
    let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (<usize>t << 2), load<u32>(W + (<usize>(t - 16) << 2)) + s0 + load<u32>(W + (<usize>(t - 7) << 2)) + s1);
  }
  let a = load<u32>(H), b = load<u32>(H, 4), c = load<u32>(H, 8), d = load<u32>(H, 12);
  let e = load<u32>(H, 16), f = load<u32>(H, 20), g = load<u32>(H, 24), h = load<u32>(H, 28);
  for (let t = 0; t < 64; t++) {
    let t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + unchecked(K[t]) + load<u32>(W + (<usize>t << 2));
    let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(H, load<u32>(H) + a); store<u32>(H, load<u32>(H, 4) + b, 4);
  store<u32>(H, load<u32>(H, 8) + c, 8); store<u32>(H, load<u32>(H, 12) + d, 12);
  store<u32>(H, load<u32>(H, 16) + e, 16); store<u32>(H, load<u32>(H, 20) + f, 20);
  store<u32>(H, load<u32>(H, 24) + g, 24); store<u32>(H, load<u32>(H, 28) + h, 28);
}

/** Bytes [p, p + n) into the block stream at fill; returns the new fill (compressing full blocks). */
function feed(p: usize, n: i32, fill: i32): i32 {
  while (n > 0) {
    let k = min(n, 64 - fill);
    memory.copy(BLOCK + <usize>fill, p, <usize>k);
    fill += k;
    p += <usize>k;
    n -= k;
    if (fill == 64) {
      compress();
      fill = 0;
    }
  }
  return fill;
}

/**
 * For i < n: the SHA-256 of prefix ‖ msgs[off[i], off[i+1]) (off: i32[n+1], byte offsets). Writes the
 * digest's first `words` big-endian u32 words (1..8) to out[words·i …] as u32 values.
 */
export function sha256Batch(prefix: usize, prefixLen: i32, msgs: usize, off: usize, n: i32, words: i32, out: usize): void {
  store<u32>(H, 0x6a09e667); store<u32>(H, 0xbb67ae85, 4); store<u32>(H, 0x3c6ef372, 8); store<u32>(H, 0xa54ff53a, 12);
  store<u32>(H, 0x510e527f, 16); store<u32>(H, 0x9b05688c, 20); store<u32>(H, 0x1f83d9ab, 24); store<u32>(H, 0x5be0cd19, 28);
  let whole = prefixLen & ~63;
  feed(prefix, whole, 0);
  memory.copy(MID, H, 32);
  for (let i = 0; i < n; i++) {
    memory.copy(H, MID, 32);
    let fill = feed(prefix + <usize>whole, prefixLen - whole, 0);
    let a = load<i32>(off + (<usize>i << 2)), b = load<i32>(off + (<usize>(i + 1) << 2));
    fill = feed(msgs + <usize>a, b - a, fill);
    // padding: 0x80, zeros to 56 mod 64, the bit length as a big-endian u64
    store<u8>(BLOCK + <usize>fill, 0x80);
    fill++;
    if (fill > 56) {
      memory.fill(BLOCK + <usize>fill, 0, <usize>(64 - fill));
      compress();
      fill = 0;
    }
    memory.fill(BLOCK + <usize>fill, 0, <usize>(56 - fill));
    store<u64>(BLOCK + 56, bswap<u64>(<u64>(prefixLen + b - a) << 3));
    compress();
    for (let w = 0; w < words; w++) store<u32>(out + (<usize>(words * i + w) << 2), load<u32>(H + (<usize>w << 2)));
  }
}
