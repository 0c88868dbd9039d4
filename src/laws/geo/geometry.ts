// Country geometry for 1B: clean rings, make antimeridian-crossing rings seamless, flatten every
// country's rings into one vertex array, and answer point-in-country with ONE predicate (even-odd
// crossing rule, holes and multi-polygons included) that the tile rasteriser, the S6 jitter kernel
// (assembly/seg1B/kernels.ts) and the S9 re-check all share bit for bit:
//
//   for each edge (x1,y1)→(x2,y2):  if ((y1 > y) != (y2 > y)) { xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1); if (x < xc) inside = !inside }
//
// Rings are stored closed (last vertex == first), so edge i runs from vertex i to i+1 inside a ring.
import { fm_cos, fm_log, fm_sin } from '../../rng/fmath.js';

export type Pt = [number, number];

export interface RingStats {
  rings_in: number;
  rings_out: number;
  dropped_nonfinite: number;
  dropped_degenerate: number;
  lat_clamped_points: number;
  duplicate_points_removed: number;
  closed_open_rings: number;
  antimeridian_rings_split: number;
  polar_rings_closed: number;
}

export const emptyStats = (): RingStats => ({
  rings_in: 0,
  rings_out: 0,
  dropped_nonfinite: 0,
  dropped_degenerate: 0,
  lat_clamped_points: 0,
  duplicate_points_removed: 0,
  closed_open_rings: 0,
  antimeridian_rings_split: 0,
  polar_rings_closed: 0,
});

/** Shoelace signed area (deg²) of an open or closed ring. */
export function ringArea(r: Pt[]): number {
  let a = 0;
  const n = r.length;
  for (let i = 0, j = n - 1; i < n; j = i++) a += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
  return a / 2;
}

/** All points on one line (zero area however the ring is traversed; a bow-tie has zero signed area but is not this). */
function collinear(r: Pt[]): boolean {
  const [x0, y0] = r[0];
  let k = 1;
  while (k < r.length && r[k][0] === x0 && r[k][1] === y0) k++;
  if (k === r.length) return true;
  const dx = r[k][0] - x0,
    dy = r[k][1] - y0;
  for (let i = k + 1; i < r.length; i++) if (dx * (r[i][1] - y0) - dy * (r[i][0] - x0) !== 0) return false;
  return true;
}

/** Wrap a longitude step into (-180, 180]. */
function wrapStep(d: number): number {
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

function clipHalf(pts: Pt[], X: number, keepLeq: boolean): Pt[] {
  const out: Pt[] = [];
  const n = pts.length;
  const inside = (p: Pt) => (keepLeq ? p[0] <= X : p[0] >= X);
  for (let i = 0; i < n; i++) {
    const cur = pts[i];
    const prev = pts[(i + n - 1) % n];
    const ci = inside(cur),
      pi = inside(prev);
    if (ci) {
      if (!pi) out.push([X, prev[1] + ((X - prev[0]) * (cur[1] - prev[1])) / (cur[0] - prev[0])]);
      out.push(cur);
    } else if (pi) {
      out.push([X, prev[1] + ((X - prev[0]) * (cur[1] - prev[1])) / (cur[0] - prev[0])]);
    }
  }
  return out;
}

/**
 * Clean one ring and return zero or more closed rings inside [-180, 180] × [-90, 90]:
 * non-finite coordinates drop the ring; latitudes are clamped; consecutive duplicates are removed;
 * open rings are closed; a ring with a longitude step over 180° (it crosses the antimeridian) is
 * unwrapped into a continuous ring (closed through the pole if it winds around one), clipped into
 * 360°-wide windows and shifted back, so each piece is an ordinary ring; rings left with fewer
 * than 3 distinct points or with every point on one line are dropped. Self-intersecting rings are kept: the even-odd
 * rule gives them a definite inside.
 */
export function cleanRing(raw: ArrayLike<ArrayLike<number>>, st: RingStats): Pt[][] {
  st.rings_in++;
  const pts: Pt[] = [];
  for (let i = 0; i < raw.length; i++) {
    const x = Number(raw[i][0]);
    let y = Number(raw[i][1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      st.dropped_nonfinite++;
      return [];
    }
    if (y > 90 || y < -90) {
      y = y > 90 ? 90 : -90;
      st.lat_clamped_points++;
    }
    const last = pts[pts.length - 1];
    if (last && last[0] === x && last[1] === y) {
      st.duplicate_points_removed++;
      continue;
    }
    pts.push([x, y]);
  }
  // open form: drop the closing point if present; remember whether the input was closed
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts.pop();
  else if (pts.length > 0) st.closed_open_rings++;
  if (pts.length < 3) {
    st.dropped_degenerate++;
    return [];
  }
  let jumps = false;
  let outOfRange = false;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i],
      b = pts[(i + 1) % pts.length];
    if (Math.abs(b[0] - a[0]) > 180) jumps = true;
    if (a[0] < -180 || a[0] > 180) outOfRange = true;
  }
  let pieces: Pt[][];
  if (!jumps && !outOfRange) {
    pieces = [pts];
  } else {
    st.antimeridian_rings_split++;
    // unwrap to a continuous ring
    const u: Pt[] = [[pts[0][0], pts[0][1]]];
    for (let i = 1; i < pts.length; i++) u.push([u[i - 1][0] + wrapStep(pts[i][0] - pts[i - 1][0]), pts[i][1]]);
    const closeX = u[u.length - 1][0] + wrapStep(pts[0][0] - pts[pts.length - 1][0]);
    const net = closeX - u[0][0];
    if (Math.abs(net) > 180) {
      // winds around a pole: close it along the pole's parallel
      st.polar_rings_closed++;
      let sy = 0;
      for (const p of u) sy += p[1];
      const pole = sy / u.length < 0 ? -90 : 90;
      u.push([closeX, u[u.length - 1][1]]);
      u.push([closeX, pole]);
      u.push([u[0][0], pole]);
    }
    let minX = Infinity,
      maxX = -Infinity;
    for (const p of u) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
    }
    pieces = [];
    const kLo = Math.floor((minX + 180) / 360),
      kHi = Math.ceil((maxX - 180) / 360);
    for (let k = kLo; k <= kHi; k++) {
      const lo = -180 + 360 * k,
        hi = 180 + 360 * k;
      let c = clipHalf(u, lo, false);
      if (c.length) c = clipHalf(c, hi, true);
      const shifted: Pt[] = [];
      for (const p of c) {
        const q: Pt = [p[0] - 360 * k, p[1]];
        const last = shifted[shifted.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) shifted.push(q);
      }
      while (shifted.length > 1 && shifted[0][0] === shifted[shifted.length - 1][0] && shifted[0][1] === shifted[shifted.length - 1][1]) shifted.pop();
      pieces.push(shifted);
    }
  }
  const out: Pt[][] = [];
  for (const p of pieces) {
    if (p.length < 3 || collinear(p)) {
      if (pieces.length === 1) st.dropped_degenerate++;
      continue;
    }
    out.push([...p, [p[0][0], p[0][1]]]);
  }
  st.rings_out += out.length;
  return out;
}

/** A country's rings, flattened; each ring closed. */
export interface Shape {
  xs: Float64Array;
  ys: Float64Array;
  /** ring k: vertices [ringOff[k], ringOff[k+1]) */
  ringOff: Int32Array;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** band index over latitude (see bandOf): edges (by start vertex) whose y-range touches band b */
  bandDeg: number;
  bandLo: number;
  bandOff: Int32Array; // length nBands + 1
  bandEdge: Int32Array;
}

/** Latitude band of y for band height h: monotone non-increasing in y, so an edge spanning y is always in y's band. */
export function bandOf(y: number, h: number): number {
  return Math.floor((90 - y) / h);
}

export function buildShape(rings: Pt[][], bandDeg: number): Shape {
  let n = 0;
  for (const r of rings) n += r.length;
  const xs = new Float64Array(n),
    ys = new Float64Array(n);
  const ringOff = new Int32Array(rings.length + 1);
  let k = 0;
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  rings.forEach((r, ri) => {
    for (const [x, y] of r) {
      xs[k] = x;
      ys[k] = y;
      k++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    ringOff[ri + 1] = k;
  });
  const s: Shape = { xs, ys, ringOff, minX, maxX, minY, maxY, bandDeg, bandLo: 0, bandOff: new Int32Array(1), bandEdge: new Int32Array(0) };
  if (bandDeg > 0 && n > 0) {
    const lo = bandOf(maxY, bandDeg),
      hi = bandOf(minY, bandDeg);
    const nb = hi - lo + 1;
    const counts = new Int32Array(nb + 1);
    const each = (f: (b: number, e: number) => void) => {
      for (let r = 0; r < rings.length; r++) {
        for (let i = ringOff[r]; i < ringOff[r + 1] - 1; i++) {
          const y1 = ys[i],
            y2 = ys[i + 1];
          const b0 = bandOf(Math.max(y1, y2), bandDeg),
            b1 = bandOf(Math.min(y1, y2), bandDeg);
          for (let b = b0; b <= b1; b++) f(b - lo, i);
        }
      }
    };
    each((b) => counts[b + 1]++);
    for (let b = 0; b < nb; b++) counts[b + 1] += counts[b];
    const fill = counts.slice(0, nb);
    const edges = new Int32Array(counts[nb]);
    each((b, e) => (edges[fill[b]++] = e));
    s.bandLo = lo;
    s.bandOff = counts;
    s.bandEdge = edges;
  }
  return s;
}

/** The reference predicate: every edge of every ring (no index). */
export function insideRings(s: Shape, x: number, y: number): boolean {
  let inside = false;
  const { xs, ys, ringOff } = s;
  for (let r = 0; r + 1 < ringOff.length; r++) {
    for (let i = ringOff[r]; i < ringOff[r + 1] - 1; i++) {
      if (crossesRight(xs, ys, i, x, y)) inside = !inside;
    }
  }
  return inside;
}

/** Even-odd step: does edge i→i+1 cross the horizontal ray going right from (x, y)? (Same arithmetic as the wasm kernel.) */
function crossesRight(xs: ArrayLike<number>, ys: ArrayLike<number>, i: number, x: number, y: number): boolean {
  const y1 = ys[i],
    y2 = ys[i + 1];
  if (y1 > y === y2 > y) return false;
  const x1 = xs[i];
  return x < x1 + ((y - y1) * (xs[i + 1] - x1)) / (y2 - y1);
}

/** The same predicate through the band index (what the wasm kernel does). */
export function insideBanded(s: Shape, x: number, y: number): boolean {
  if (s.bandDeg <= 0) return insideRings(s, x, y);
  const b = bandOf(y, s.bandDeg) - s.bandLo;
  if (b < 0 || b >= s.bandOff.length - 1) return false;
  let inside = false;
  const { xs, ys } = s;
  for (let k = s.bandOff[b]; k < s.bandOff[b + 1]; k++) {
    const i = s.bandEdge[k];
    if (crossesRight(xs, ys, i, x, y)) inside = !inside;
  }
  return inside;
}

/** Sorted crossing abscissae of the horizontal line at y (same arithmetic as the predicate). */
export function crossings(s: Shape, y: number, out: number[]): number[] {
  out.length = 0;
  const { xs, ys } = s;
  const visit = (i: number) => {
    const y1 = ys[i],
      y2 = ys[i + 1];
    if (y1 > y !== y2 > y) {
      const x1 = xs[i];
      out.push(x1 + ((y - y1) * (xs[i + 1] - x1)) / (y2 - y1));
    }
  };
  if (s.bandDeg > 0) {
    const b = bandOf(y, s.bandDeg) - s.bandLo;
    if (b >= 0 && b < s.bandOff.length - 1) for (let k = s.bandOff[b]; k < s.bandOff[b + 1]; k++) visit(s.bandEdge[k]);
  } else {
    for (let r = 0; r + 1 < s.ringOff.length; r++) for (let i = s.ringOff[r]; i < s.ringOff[r + 1] - 1; i++) visit(i);
  }
  return out.sort((a, b) => a - b);
}

// ── WGS84 cell areas ──
const WGS84_A = 6378137;
const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const E = Math.sqrt(E2);
const B2 = WGS84_A * WGS84_A * (1 - E2);
const DEG = Math.PI / 180;

function authalicTerm(latDeg: number): number {
  const s = fm_sin(latDeg * DEG);
  return s / (1 - E2 * s * s) + (1 / (2 * E)) * fm_log((1 + E * s) / (1 - E * s));
}

/** Ellipsoidal (WGS84) area in m² of the lon/lat rectangle [lat1, lat2] × width dLonDeg. */
export function cellAreaM2(lat1: number, lat2: number, dLonDeg: number): number {
  return Math.abs(((dLonDeg * DEG * B2) / 2) * (authalicTerm(lat2) - authalicTerm(lat1)));
}

/** Squared chord distance between two lon/lat points on the unit sphere (monotone in great-circle distance). */
export function chord2(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const c1 = fm_cos(lat1 * DEG),
    c2 = fm_cos(lat2 * DEG);
  const dx = c1 * fm_cos(lon1 * DEG) - c2 * fm_cos(lon2 * DEG);
  const dy = c1 * fm_sin(lon1 * DEG) - c2 * fm_sin(lon2 * DEG);
  const dz = fm_sin(lat1 * DEG) - fm_sin(lat2 * DEG);
  return dx * dx + dy * dy + dz * dz;
}
