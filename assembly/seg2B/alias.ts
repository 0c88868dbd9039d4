// Segment 2B integer alias tables: quantisation of probabilities onto a 2^b grid and an exact
// integer Walker/Vose build, encoded as Q0.qbits thresholds. Mirrors src/segments/2B/kernels_ref.ts
// (quantiseRef, voseIntRef) bit for bit. KEEP IN LOCKSTEP.
//
// Decode law (one u01 u per pick): x = u*n, j = floor(x) (clamped to n-1), r = x - j,
// rq = floor(r * 2^qbits); pick j if rq < q[j] else alias[j]. A full column has
// q = 2^qbits - 1 and alias = self, so it is exact; an empty one has q = 0.

/** q for a column holding c of capacity T (0 <= c <= T): floor(c * 2^qbits / T), full = 2^qbits - 1. */
// @ts-ignore: decorator
@inline
export function qOf(c: u64, T: u64, qbits: i32): u32 {
  if (c >= T) return <u32>((<u64>1 << <u64>qbits) - 1);
  return <u32>((c << <u64>qbits) / T);
}

/**
 * Integer Vose over masses s[0..n) (u64, destroyed) with total T > 0. Writes q (u32) and alias (u32).
 * Worklists: small (s < T) and large (s >= T) filled in index order and consumed front to back;
 * the current large donor stays at the front until it drops below T, then joins the back of the
 * small list. Exact integer arithmetic: leftovers are exactly full columns.
 * small/large: i32 scratch of n each.
 */
export function voseInt(s: usize, n: i32, T: u64, qbits: i32, outQ: usize, outA: usize, small: usize, large: usize): void {
  let nn = <u64>n;
  let st: i32 = 0;
  let lt: i32 = 0;
  for (let i = 0; i < n; i++) {
    let v = load<u64>(s + (<usize>i << 3)) * nn;
    store<u64>(s + (<usize>i << 3), v);
    if (v < T) {
      store<i32>(small + (<usize>st << 2), i);
      st++;
    } else {
      store<i32>(large + (<usize>lt << 2), i);
      lt++;
    }
  }
  let si: i32 = 0;
  let gi: i32 = 0;
  while (si < st && gi < lt) {
    let l = load<i32>(small + (<usize>si << 2));
    si++;
    let g = load<i32>(large + (<usize>gi << 2));
    let sl = load<u64>(s + (<usize>l << 3));
    store<u32>(outQ + (<usize>l << 2), qOf(sl, T, qbits));
    store<u32>(outA + (<usize>l << 2), <u32>g);
    let sg = load<u64>(s + (<usize>g << 3)) + sl - T;
    store<u64>(s + (<usize>g << 3), sg);
    if (sg < T) {
      store<i32>(small + (<usize>st << 2), g);
      st++;
      gi++;
    }
  }
  let full = <u32>((<u64>1 << <u64>qbits) - 1);
  for (; gi < lt; gi++) {
    let g = load<i32>(large + (<usize>gi << 2));
    store<u32>(outQ + (<usize>g << 2), full);
    store<u32>(outA + (<usize>g << 2), <u32>g);
  }
  for (; si < st; si++) { // unreachable with exact totals; kept so every column is written
    let l = load<i32>(small + (<usize>si << 2));
    store<u32>(outQ + (<usize>l << 2), full);
    store<u32>(outA + (<usize>l << 2), <u32>l);
  }
}

// @ts-ignore: decorator
@inline
function roundHalfEven(x: f64): f64 {
  let f = Math.floor(x);
  let d = x - f;
  if (d > 0.5) return f + 1.0;
  if (d < 0.5) return f;
  return (f - 2.0 * Math.floor(f * 0.5)) == 0.0 ? f : f + 1.0;
}

/**
 * Quantise p[0..n) (f64) onto the grid G = 2^bits: m = roundHalfEven(p*G), then Δ = G - Σm is
 * repaired one unit at a time: Δ > 0 gives +1 to the largest residual (p*G - m), Δ < 0 takes 1
 * from the smallest residual among m > 0; ties to the lower index; each index adjusted at most
 * once. Writes m (u32). Returns Δ left over (0 on success). Scratch: r f64[n], used u8[n].
 */
export function quantise(p: usize, n: i32, bits: i32, outM: usize, r: usize, used: usize): i64 {
  let G = <f64>(<u64>1 << <u64>bits);
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) {
    let x = load<f64>(p + (<usize>i << 3)) * G;
    let m = roundHalfEven(x);
    if (!(m >= 0.0)) m = 0.0;
    store<u32>(outM + (<usize>i << 2), <u32>m);
    store<f64>(r + (<usize>i << 3), x - m);
    store<u8>(used + <usize>i, 0);
    sum += <i64>m;
  }
  let delta: i64 = (<i64>1 << <i64>bits) - sum;
  while (delta != 0) {
    let best: i32 = -1;
    let bestR: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      if (load<u8>(used + <usize>i) != 0) continue;
      let ri = load<f64>(r + (<usize>i << 3));
      if (delta > 0) {
        if (best < 0 || ri > bestR) { best = i; bestR = ri; }
      } else {
        if (load<u32>(outM + (<usize>i << 2)) == 0) continue;
        if (best < 0 || ri < bestR) { best = i; bestR = ri; }
      }
    }
    if (best < 0) return delta;
    store<u8>(used + <usize>best, 1);
    let m = load<u32>(outM + (<usize>best << 2));
    if (delta > 0) {
      store<u32>(outM + (<usize>best << 2), m + 1);
      delta--;
    } else {
      store<u32>(outM + (<usize>best << 2), m - 1);
      delta++;
    }
  }
  return 0;
}

/** One alias pick from a Q0.qbits table at (qPtr, aPtr) of n columns (u32 each), scale = 2^qbits. */
// @ts-ignore: decorator
@inline
export function aliasDecodeQ(qPtr: usize, aPtr: usize, n: i32, u: f64, scale: f64): i32 {
  let x = u * <f64>n;
  let jf = Math.floor(x);
  let j = <i32>jf;
  if (j >= n) j = n - 1;
  let rq = <u64>((x - jf) * scale);
  return select<i32>(j, <i32>load<u32>(aPtr + (<usize>j << 2)), rq < <u64>load<u32>(qPtr + (<usize>j << 2)));
}
