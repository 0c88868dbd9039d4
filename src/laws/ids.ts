// The identifier law of layer 3 (TypeScript half of assembly/laws/ids.ts, bit for bit): every 6A entity
// kind's id is feistel62(dense index) + 1 under round keys drawn from the world's identity (family
// 6A.<kind>_id), a keyed bijection of [0, 2^62). ids are unique, below 2^63 and carry no trace of the
// index order; entityIndex takes an id back to its index, which is how 6B reads 6A's rows by id.
import { FamilyKeys, type RngIdentity } from '../rng/keys.js';
import { philoxInto } from '../rng/philox.js';

export type RoundKeys = readonly [number, number, number, number];

const MASK31 = 0x7fffffff;
const TWO_31 = 2147483648;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 4 round keys of an entity kind's id bijection (family 6A.<kind>_id): Philox block 0 of its key. */
export function idRoundKeys(ctx: RngIdentity, kind: string): [number, number, number, number] {
  const [k0, k1] = new FamilyKeys(ctx, `6A.${kind}_id`).forString(kind);
  const out = new Uint32Array(4);
  philoxInto(0, 0, 0, 0, k0, k1, out);
  return [out[0], out[1], out[2], out[3]];
}

/** feistel62(index) + 1: a keyed bijection of [0, 2^62) (index < 2^53 here), so ids are unique and below 2^63. */
export function entityId(index: number, rk: RoundKeys): bigint {
  let l = Math.floor(index / TWO_31) & MASK31;
  let r = index % TWO_31;
  for (let k = 0; k < 4; k++) {
    const t = (l ^ (fmix32((r ^ rk[k]) >>> 0) & MASK31)) >>> 0;
    l = r;
    r = t;
  }
  return ((BigInt(l) << 31n) | BigInt(r)) + 1n;
}

/** The dense index of `id` (entityId's inverse: the rounds backwards); only meaningful for ids in [1, 2^62]. */
export function entityIndex(id: bigint, rk: RoundKeys): number {
  const x = id - 1n;
  let l = Number((x >> 31n) & 0x7fffffffn),
    r = Number(x & 0x7fffffffn);
  for (let k = 3; k >= 0; k--) {
    const t = (r ^ (fmix32((l ^ rk[k]) >>> 0) & MASK31)) >>> 0;
    r = l;
    l = t;
  }
  return l * TWO_31 + r;
}
