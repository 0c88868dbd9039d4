// TypeScript references of assembly/seg1B/kernels.ts (same draws, same arithmetic order), plus the
// S4 allocation (TypeScript only: one draw per pair and a binary search per site). Used by tests to
// prove kernel equality and by S9 to replay a sample of pairs.
import { Substream } from '../../rng/stream.js';
import type { CountryShapes } from '../../laws/geo/shapes.js';

/** Every country's rings and band index flattened into the arrays the wasm kernel reads. */
export interface FlatGeometry {
  vx: Float64Array;
  vy: Float64Array;
  /** per country: bandLo, bandCount, bandBase (into bandOff) */
  cBand: Int32Array;
  /** global: bandEdge range of band b of country c = [bandOff[base+b], bandOff[base+b+1]) */
  bandOff: Int32Array;
  /** global start-vertex index of each edge */
  bandEdge: Int32Array;
  /** per country: ringLo, ringHi */
  cRing: Int32Array;
  /** global ring vertex offsets */
  ringOff: Int32Array;
  bandDeg: number;
}

export function flattenGeometry(cs: CountryShapes, bandDeg: number): FlatGeometry {
  const C = cs.shapes.length;
  let V = 0,
    R = 0,
    B = 0,
    E = 0;
  for (const s of cs.shapes) {
    V += s.xs.length;
    R += s.ringOff.length - 1;
    B += s.bandOff.length;
    E += s.bandEdge.length;
  }
  const g: FlatGeometry = {
    vx: new Float64Array(V),
    vy: new Float64Array(V),
    cBand: new Int32Array(3 * C),
    bandOff: new Int32Array(B),
    bandEdge: new Int32Array(E),
    cRing: new Int32Array(2 * C),
    ringOff: new Int32Array(R + 1),
    bandDeg,
  };
  let v = 0,
    r = 0,
    b = 0,
    e = 0;
  cs.shapes.forEach((s, c) => {
    g.vx.set(s.xs, v);
    g.vy.set(s.ys, v);
    g.cRing[2 * c] = r;
    for (let k = 1; k < s.ringOff.length; k++) g.ringOff[r + k] = v + s.ringOff[k];
    g.ringOff[r] = v + s.ringOff[0];
    r += s.ringOff.length - 1;
    g.cRing[2 * c + 1] = r;
    const nb = bandDeg > 0 ? s.bandOff.length - 1 : 0;
    g.cBand[3 * c] = s.bandLo;
    g.cBand[3 * c + 1] = nb;
    g.cBand[3 * c + 2] = b;
    for (let k = 0; k < s.bandOff.length; k++) g.bandOff[b + k] = e + s.bandOff[k];
    for (let k = 0; k < s.bandEdge.length; k++) g.bandEdge[e + k] = v + s.bandEdge[k];
    b += s.bandOff.length;
    e += s.bandEdge.length;
    v += s.xs.length;
  });
  return g;
}

function crosses(g: FlatGeometry, i: number, x: number, y: number): boolean {
  const y1 = g.vy[i],
    y2 = g.vy[i + 1];
  if (y1 > y !== y2 > y) {
    const x1 = g.vx[i];
    const xc = x1 + ((y - y1) * (g.vx[i + 1] - x1)) / (y2 - y1);
    return x < xc;
  }
  return false;
}

/** The kernel's predicate over the flattened geometry. */
export function insideFlat(g: FlatGeometry, c: number, x: number, y: number): boolean {
  let inside = false;
  const nb = g.cBand[3 * c + 1];
  if (g.bandDeg > 0 && nb > 0) {
    const b = Math.floor((90 - y) / g.bandDeg) - g.cBand[3 * c];
    if (b < 0 || b >= nb) return false;
    const base = g.cBand[3 * c + 2];
    for (let k = g.bandOff[base + b]; k < g.bandOff[base + b + 1]; k++) if (crosses(g, g.bandEdge[k], x, y)) inside = !inside;
  } else {
    for (let r = g.cRing[2 * c]; r < g.cRing[2 * c + 1]; r++) {
      for (let i = g.ringOff[r]; i < g.ringOff[r + 1] - 1; i++) if (crosses(g, i, x, y)) inside = !inside;
    }
  }
  return inside;
}

export interface Acct {
  draws: number;
  blocks: number;
}

/** S5: one u01 per site, sites sorted by (u, site_order); the k-th takes slot k. Returns tile per site (site_order order). */
export function assignRef(k: [number, number], slotTile: ArrayLike<number>): { tile: Int32Array; u: Float64Array } & Acct {
  const s = new Substream(k[0], k[1]);
  const m = slotTile.length;
  const u = new Float64Array(m);
  for (let j = 0; j < m; j++) u[j] = s.u01();
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => u[a] - u[b] || a - b);
  const tile = new Int32Array(m);
  order.forEach((site, j) => (tile[site] = slotTile[j]));
  return { tile, u, draws: s.draws, blocks: s.blocks };
}

export interface JitterSite {
  row: number;
  col: number;
  anchorLon: number;
  anchorLat: number;
}

/** S6: per site, up to maxAttempts uniform points in the cell (u_lon, u_lat); first one inside the country wins, else the anchor. */
export function jitterRef(k: [number, number], g: FlatGeometry, c: number, level: number, base: number, maxAttempts: number, sites: JitterSite[]) {
  const s = new Substream(k[0], k[1]);
  const d = base / 2 ** level;
  const lon = new Float64Array(sites.length),
    lat = new Float64Array(sites.length);
  const attempts = new Int32Array(sites.length),
    fallback = new Uint8Array(sites.length);
  sites.forEach((site, j) => {
    const minLon = -180 + site.col * d;
    const minLat = 90 - (site.row + 1) * d;
    let x = 0,
      y = 0,
      ok = false,
      a = 0;
    while (a < maxAttempts) {
      a++;
      const u1 = s.u01();
      const u2 = s.u01();
      x = minLon + u1 * d;
      y = minLat + u2 * d;
      if (insideFlat(g, c, x, y)) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      x = site.anchorLon;
      y = site.anchorLat;
    }
    lon[j] = x;
    lat[j] = y;
    attempts[j] = a;
    fallback[j] = ok ? 0 : 1;
  });
  return { lon, lat, attempts, fallback, draws: s.draws, blocks: s.blocks };
}

/**
 * S4 for one pair: n sites over the tiles [lo, hi) of its country with fixed-point weights w (sum K).
 * Returns the slot tiles (global tile indexes, ascending) — tile i appears floor or ceil of n·w_i/K times.
 *  - systematic: lattice points (j + u)·K/n, j = 0..n-1, each taking the tile whose cumulative weight
 *    interval holds it (one u01 per pair from k);
 *  - largest_remainder: floors of n·w_i/K, then +1 to the largest remainders, ties to the lower tile_id.
 */
export function allocRef(
  method: 'systematic' | 'largest_remainder',
  k: [number, number] | null,
  n: number,
  cum: Float64Array,
  w: Int32Array,
  lo: number,
  hi: number,
  K: number,
): { slots: Int32Array } & Acct {
  const slots = new Int32Array(n);
  if (method === 'systematic') {
    const s = new Substream(k![0], k![1]);
    const u = s.u01();
    let last = hi - 1;
    while (last > lo && w[last] === 0) last--;
    for (let j = 0; j < n; j++) {
      const p = ((j + u) * K) / n;
      // first tile whose cumulative weight (inclusive) exceeds p
      let a = lo,
        b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (cum[m] > p) b = m;
        else a = m + 1;
      }
      slots[j] = a < hi ? a : last;
    }
    return { slots, draws: s.draws, blocks: s.blocks };
  }
  const T = hi - lo;
  const z = new Float64Array(T),
    rem = new Float64Array(T);
  let given = 0;
  for (let i = 0; i < T; i++) {
    const num = w[lo + i] * n; // < 2^53: exact
    let q = Math.floor(num / K);
    if (q * K > num)
      q--; // the float quotient may round up to the next integer
    else if (num - q * K >= K) q++;
    z[i] = q;
    rem[i] = num - q * K;
    given += q;
  }
  const order = Int32Array.from({ length: T }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
  for (let j = 0; j < n - given; j++) z[order[j]]++;
  let o = 0;
  for (let i = 0; i < T; i++) for (let c = 0; c < z[i]; c++) slots[o++] = lo + i;
  return { slots, draws: 0, blocks: 0 };
}
