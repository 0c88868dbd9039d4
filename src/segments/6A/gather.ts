// Column helpers for 6A's 10^7-row tables: 64-bit gathers without a BigInt per value (ids move as pairs
// of 32-bit words; a closure returning a BigInt per element costs seconds and a garbage-collection storm),
// and the rows of contiguous groups (an owner's accounts, an account's instruments, a party's devices).

/** out[k] = src[idx[k]]. */
export function gather64(src: BigUint64Array, idx: Int32Array | Uint32Array): BigUint64Array {
  const out = new BigUint64Array(idx.length);
  const s = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
  const o = new Uint32Array(out.buffer);
  for (let k = 0; k < idx.length; k++) {
    const i = 2 * idx[k];
    o[2 * k] = s[i];
    o[2 * k + 1] = s[i + 1];
  }
  return out;
}

/** A nullable gather: idx[k] < 0 is null. */
export function gather64Opt(src: BigUint64Array, idx: Int32Array): { values: BigUint64Array; valid: Uint8Array } {
  const values = new BigUint64Array(idx.length);
  const valid = new Uint8Array(idx.length);
  const s = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
  const o = new Uint32Array(values.buffer);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (i < 0) continue;
    valid[k] = 1;
    o[2 * k] = s[2 * i];
    o[2 * k + 1] = s[2 * i + 1];
  }
  return { values, valid };
}

/** Non-negative 32-bit counts as an int64 column. */
export function counts64(c: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(c.length);
  const o = new Uint32Array(out.buffer);
  for (let k = 0; k < c.length; k++) o[2 * k] = c[k];
  return out;
}

/** The rows of each group of a column whose groups are contiguous (rows [0, end); negative groups ignored). */
export function contiguousRows(group: Int32Array, groups: number, end = group.length): (g: number) => number[] {
  const first = new Int32Array(groups).fill(-1);
  for (let r = end - 1; r >= 0; r--) if (group[r] >= 0) first[group[r]] = r;
  return (g) => {
    const out: number[] = [];
    for (let r = first[g]; r >= 0 && r < end && group[r] === g; r++) out.push(r);
    return out;
  };
}
