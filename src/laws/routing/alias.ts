// The integer alias law shared by 2B (site slices), 3B (edge slices) and 5B (routing): quantise onto 2^bits,
// Walker/Vose on integer masses, Q0.qbits decode. TypeScript twin of assembly/seg2B/alias.ts.

/** q for a column holding c of capacity T: floor(c·2^qbits/T); a full column is 2^qbits − 1. */
export function qOf(c: number, T: number, qbits: number): number {
  if (c >= T) return 2 ** qbits - 1;
  return Number((BigInt(c) << BigInt(qbits)) / BigInt(T));
}

/** Integer Walker/Vose over integer masses (total T > 0): q (Q0.qbits) and alias, see assembly/seg2B/alias.ts. */
export function voseIntRef(masses: ArrayLike<number>, T: number, qbits: number): { q: Uint32Array; alias: Uint32Array } {
  const n = masses.length;
  const s = Float64Array.from(masses, (m) => m * n); // exact: n·T < 2^53
  const q = new Uint32Array(n);
  const alias = new Uint32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (s[i] < T ? small : large).push(i);
  let si = 0;
  let gi = 0;
  while (si < small.length && gi < large.length) {
    const l = small[si++];
    const g = large[gi];
    q[l] = qOf(s[l], T, qbits);
    alias[l] = g;
    s[g] = s[g] + s[l] - T;
    if (s[g] < T) {
      small.push(g);
      gi++;
    }
  }
  const full = 2 ** qbits - 1;
  for (; gi < large.length; gi++) {
    q[large[gi]] = full;
    alias[large[gi]] = large[gi];
  }
  for (; si < small.length; si++) {
    q[small[si]] = full;
    alias[small[si]] = small[si];
  }
  return { q, alias };
}

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f - 2 * Math.floor(f * 0.5) === 0 ? f : f + 1;
}

/** Quantise p onto 2^bits (round half to even, then ±1 repairs by residual; see assembly/seg2B/alias.ts).
 *  Returns masses and the Δ left over (0 on success). */
export function quantiseRef(p: ArrayLike<number>, bits: number): { m: Uint32Array; left: number } {
  const n = p.length;
  const G = 2 ** bits;
  const m = new Uint32Array(n);
  const r = new Float64Array(n);
  const used = new Uint8Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = p[i] * G;
    let v = roundHalfEven(x);
    if (!(v >= 0)) v = 0;
    m[i] = v;
    r[i] = x - v;
    sum += v;
  }
  let delta = G - sum;
  while (delta !== 0) {
    let best = -1;
    let bestR = 0;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      if (delta > 0) {
        if (best < 0 || r[i] > bestR) [best, bestR] = [i, r[i]];
      } else {
        if (m[i] === 0) continue;
        if (best < 0 || r[i] < bestR) [best, bestR] = [i, r[i]];
      }
    }
    if (best < 0) return { m, left: delta };
    used[best] = 1;
    if (delta > 0) {
      m[best]++;
      delta--;
    } else {
      m[best]--;
      delta++;
    }
  }
  return { m, left: 0 };
}

/** One pick from a Q0.qbits table (see aliasDecodeQ in assembly/seg2B/alias.ts). */
export function aliasDecodeQRef(q: ArrayLike<number>, alias: ArrayLike<number>, n: number, u: number, scale: number): number {
  const x = u * n;
  const jf = Math.floor(x);
  let j = jf;
  if (j >= n) j = n - 1;
  const rq = Math.floor((x - jf) * scale);
  return rq < q[j] ? j : alias[j];
}

/** Decode u against the merchant-wide table of the slice at word w ([n, qbits, G, 0] q[n] alias[n] …):
 *  a 3B edge slice (G = 0), or a site slice with no groups. Twin of sliceWide in assembly/seg2B/router.ts. */
export function sliceWideRef(blob: Uint32Array, w: number, u: number): number {
  const n = blob[w];
  return aliasDecodeQRef(blob.subarray(w + 4), blob.subarray(w + 4 + n), n, u, 2 ** blob[w + 1]);
}
