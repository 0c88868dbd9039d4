// The identifier law of layer 3 (every 6A entity kind; 6B reads it back): id = feistel62(dense index) + 1,
// a keyed bijection of [0, 2^62) with four 31-bit rounds, so ids are unique, below 2^63 and carry no trace
// of the index order; the inverse takes an id back to its index. Mirrors src/laws/ids.ts bit for bit.

const MASK31: u32 = 0x7fffffff;

// @ts-ignore: decorator
@inline function fmix32(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/** feistel62(index) + 1 with round keys r0..r3. */
// @ts-ignore: decorator
@inline
export function entityId(index: u64, r0: u32, r1: u32, r2: u32, r3: u32): u64 {
  let l = <u32>(index >> 31) & MASK31;
  let r = <u32>index & MASK31;
  let t = l ^ (fmix32(r ^ r0) & MASK31); l = r; r = t;
  t = l ^ (fmix32(r ^ r1) & MASK31); l = r; r = t;
  t = l ^ (fmix32(r ^ r2) & MASK31); l = r; r = t;
  t = l ^ (fmix32(r ^ r3) & MASK31); l = r; r = t;
  return ((<u64>l << 31) | <u64>r) + 1;
}

/** The dense index of `id` (entityId's inverse: the rounds backwards); ids outside [1, 2^62] give garbage. */
// @ts-ignore: decorator
@inline
export function entityIndex(id: u64, r0: u32, r1: u32, r2: u32, r3: u32): u64 {
  let x = id - 1;
  let l = <u32>(x >> 31) & MASK31;
  let r = <u32>x & MASK31;
  let t = r ^ (fmix32(l ^ r3) & MASK31); r = l; l = t;
  t = r ^ (fmix32(l ^ r2) & MASK31); r = l; l = t;
  t = r ^ (fmix32(l ^ r1) & MASK31); r = l; l = t;
  t = r ^ (fmix32(l ^ r0) & MASK31); r = l; l = t;
  return (<u64>l << 31) | <u64>r;
}
