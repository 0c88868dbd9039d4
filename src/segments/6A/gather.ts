// Column helpers for 6A's 10^7-row tables: counts as int64 without a BigInt per value, and the rows of
// contiguous groups (an owner's accounts, an account's instruments, a party's devices). Gathers of ids
// through other ids are planned columns (io/take.ts), evaluated per part on the workers.
import { sharedArray } from '../../pool/columns.js';

/** Non-negative 32-bit counts as an int64 column. */
export function counts64(c: ArrayLike<number>): BigInt64Array {
  const out = sharedArray(BigInt64Array, c.length);
  const o = new Uint32Array(out.buffer, 0, 2 * c.length);
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

type Numeric = Int32Array | Uint32Array | Uint8Array | Float64Array;

/**
 * out[i] = f(src[i], i) into a new typed array: TypedArray.from(src, f) walks an iterator and costs tens
 * of nanoseconds per element, which at 10^7 rows is seconds per column.
 */
export function mapped<T extends Numeric, S = number>(
  C: { new (buf: SharedArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
  src: ArrayLike<S> | { length: number },
  f: (x: S, i: number) => number,
): T {
  const n = src.length;
  const out = sharedArray(C, n); // on shared memory: kernels and planned columns take it without a copy
  const s = src as ArrayLike<S>;
  for (let i = 0; i < n; i++) out[i] = f(s[i], i);
  return out;
}

/**
 * The parties a shard of parties [s, e) may read when a party reads its whole household (households are
 * runs of consecutive parties): from the head of s's household to the end of (e − 1)'s household.
 */
export function householdWindow(household: ArrayLike<number>, hHead: ArrayLike<number>, hSize: ArrayLike<number>, s: number, e: number): [number, number] {
  const hs = household[s],
    he = household[e - 1];
  return [hs >= 0 ? hHead[hs] : s, he >= 0 ? hHead[he] + hSize[he] : e];
}
