// S1 tile index and S2 tile weights: a deterministic function of the pinned reference data and the
// policy (nothing seed-dependent), so they are published under parameter_hash.
//
// Grid: level ℓ has cells of d = base / 2^ℓ degrees, rows from +90 southwards, columns from -180
// eastwards; tile_id = ℓ·2^40 + row·ncols_ℓ + col (row-major within a level, unique across levels).
// A country is rasterised at the coarsest level that gives it min_tiles_per_country cells whose
// centre is inside it (the one point-in-country predicate, evaluated row by row from the sorted
// crossings of the row's centre line); its tiles are in ascending tile_id order.
import { cellAreaM2, chord2, crossings, insideRings, type Shape } from '../../laws/geo/geometry.js';
import { fm_cos, fm_sin } from '../../rng/fmath.js';
import type { CountryShapes } from '../../laws/geo/shapes.js';
import type { TilesPolicy } from './policies.js';
import type { CitiesRef } from '../../reference/cities.js';

export const LEVEL_SHIFT = 2 ** 40;
const EARTH_KM = 6371.0088;
const KM_PER_DEG = (EARTH_KM * Math.PI) / 180;
/** chord length on the unit sphere for a great-circle distance in km */
const chordOf = (km: number) => 2 * fm_sin(km / EARTH_KM / 2);

export interface TileIndex {
  n: number;
  base: number;
  /** tiles of country c: [countryOff[c], countryOff[c+1]) */
  countryOff: Int32Array;
  country: Int32Array;
  level: Int32Array;
  row: Int32Array;
  col: Int32Array;
  /** exact integer < 2^53 */
  tileId: Float64Array;
  centroidLon: Float64Array;
  centroidLat: Float64Array;
  areaM2: Float64Array;
  /** 0 = "center" (centre inside the country), 1 = "any_overlap" (degenerate country: one cell holding a known interior point) */
  rule: Uint8Array;
  /** a point inside the country for every tile: the centre for "center" tiles */
  anchorLon: Float64Array;
  anchorLat: Float64Array;
  countryLevel: Int32Array;
}

export const cellDeg = (base: number, level: number) => base / 2 ** level;
export const ncolsAt = (base: number, level: number) => Math.round(360 / base) * 2 ** level;
export const nrowsAt = (base: number, level: number) => Math.round(180 / base) * 2 ** level;
export const encodeTile = (base: number, level: number, row: number, col: number) => level * LEVEL_SHIFT + row * ncolsAt(base, level) + col;
export const centreLon = (d: number, col: number) => -180 + (col + 0.5) * d;
export const centreLat = (d: number, row: number) => 90 - (row + 0.5) * d;

interface Raster {
  rows: number[];
  cols: number[];
}

/** Cells (row, col) of level d whose centre is inside the shape, in row-major order. */
export function rasterise(s: Shape, d: number, nrows: number, ncols: number, limit = Infinity): Raster {
  const out: Raster = { rows: [], cols: [] };
  if (s.xs.length === 0) return out;
  const r0 = Math.max(0, Math.floor((90 - s.maxY) / d) - 1);
  const r1 = Math.min(nrows - 1, Math.floor((90 - s.minY) / d) + 1);
  const xc: number[] = [];
  for (let r = r0; r <= r1; r++) {
    const y = centreLat(d, r);
    crossings(s, y, xc);
    const n = xc.length;
    if (n < 2) continue;
    // walk the crossing intervals; a centre x is inside iff #(xc > x) is odd
    let lastCol = -1;
    for (let k = 0; k + 1 < n; k++) {
      const a = xc[k],
        b = xc[k + 1];
      if (!(b > a)) continue;
      const c0 = Math.max(0, Math.floor((a + 180) / d - 0.5) - 1);
      const c1 = Math.min(ncols - 1, Math.floor((b + 180) / d - 0.5) + 1);
      for (let c = Math.max(c0, lastCol + 1); c <= c1; c++) {
        const x = centreLon(d, c);
        if (x < a || x >= b) continue;
        // sorted crossings: for a <= x < b exactly xc[k+1..n-1] lie right of x, so #(xc > x) = n - k - 1
        if (((n - k - 1) & 1) === 1) {
          out.rows.push(r);
          out.cols.push(c);
          lastCol = c;
          if (out.rows.length > limit) return out;
        }
      }
    }
  }
  return out;
}

export interface TileReport {
  tiles: number;
  countries_by_level: Record<string, number>;
  any_overlap_countries: string[];
  max_tiles_country: { iso: string; tiles: number };
}

export function buildTileIndex(cs: CountryShapes, p: TilesPolicy): { t: TileIndex; report: TileReport } {
  const { base_cell_deg: base, min_tiles_per_country: minTiles, max_level: maxLevel } = p.grid;
  const C = cs.iso.length;
  const per: { level: number; rows: number[]; cols: number[]; rule: number; ax?: number; ay?: number }[] = [];
  const report: TileReport = { tiles: 0, countries_by_level: {}, any_overlap_countries: [], max_tiles_country: { iso: '', tiles: 0 } };
  for (let c = 0; c < C; c++) {
    const s = cs.shapes[c];
    let chosen: (typeof per)[number] | undefined;
    for (let level = 0; level <= maxLevel; level++) {
      const d = cellDeg(base, level);
      const r = rasterise(s, d, nrowsAt(base, level), ncolsAt(base, level));
      if (r.rows.length >= minTiles || (level === maxLevel && r.rows.length > 0)) {
        chosen = { level, rows: r.rows, cols: r.cols, rule: 0 };
        break;
      }
    }
    if (!chosen) {
      // no cell centre inside even at the finest level: one cell around a known interior point
      const pt = interiorPoint(s);
      const d = cellDeg(base, maxLevel);
      chosen = pt
        ? { level: maxLevel, rows: [Math.floor((90 - pt[1]) / d)], cols: [Math.floor((pt[0] + 180) / d)], rule: 1, ax: pt[0], ay: pt[1] }
        : { level: maxLevel, rows: [], cols: [], rule: 1 };
      report.any_overlap_countries.push(cs.iso[c]);
    }
    per.push(chosen);
    report.countries_by_level[String(chosen.level)] = (report.countries_by_level[String(chosen.level)] ?? 0) + 1;
    if (chosen.rows.length > report.max_tiles_country.tiles) report.max_tiles_country = { iso: cs.iso[c], tiles: chosen.rows.length };
  }
  const n = per.reduce((a, x) => a + x.rows.length, 0);
  const t: TileIndex = {
    n,
    base,
    countryOff: new Int32Array(C + 1),
    country: new Int32Array(n),
    level: new Int32Array(n),
    row: new Int32Array(n),
    col: new Int32Array(n),
    tileId: new Float64Array(n),
    centroidLon: new Float64Array(n),
    centroidLat: new Float64Array(n),
    areaM2: new Float64Array(n),
    rule: new Uint8Array(n),
    anchorLon: new Float64Array(n),
    anchorLat: new Float64Array(n),
    countryLevel: new Int32Array(C),
  };
  let k = 0;
  const areaCache = new Map<string, number>();
  per.forEach((x, c) => {
    t.countryLevel[c] = x.level;
    const d = cellDeg(base, x.level);
    for (let i = 0; i < x.rows.length; i++, k++) {
      const r = x.rows[i],
        col = x.cols[i];
      t.country[k] = c;
      t.level[k] = x.level;
      t.row[k] = r;
      t.col[k] = col;
      t.tileId[k] = encodeTile(base, x.level, r, col);
      t.centroidLon[k] = centreLon(d, col);
      t.centroidLat[k] = centreLat(d, r);
      const key = `${x.level}:${r}`;
      let a = areaCache.get(key);
      if (a === undefined) areaCache.set(key, (a = cellAreaM2(90 - (r + 1) * d, 90 - r * d, d)));
      t.areaM2[k] = a;
      t.rule[k] = x.rule;
      t.anchorLon[k] = x.rule === 0 ? t.centroidLon[k] : x.ax!;
      t.anchorLat[k] = x.rule === 0 ? t.centroidLat[k] : x.ay!;
    }
    t.countryOff[c + 1] = k;
  });
  report.tiles = n;
  return { t, report };
}

/** A point strictly inside the shape (midpoint of the first crossing interval of a line through a ring's middle), or null. */
export function interiorPoint(s: Shape): [number, number] | null {
  const xc: number[] = [];
  for (let r = 0; r + 1 < s.ringOff.length; r++) {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = s.ringOff[r]; i < s.ringOff[r + 1]; i++) {
      lo = Math.min(lo, s.ys[i]);
      hi = Math.max(hi, s.ys[i]);
    }
    for (const f of [0.5, 0.25, 0.75, 0.125, 0.875]) {
      const y = lo + (hi - lo) * f;
      crossings(s, y, xc);
      for (let k = 0; k + 1 < xc.length; k++) {
        const x = (xc[k] + xc[k + 1]) / 2;
        if (xc[k + 1] > xc[k] && insideRings(s, x, y)) return [x, y];
      }
    }
  }
  return null;
}

// ── S2 tile weights ──

export interface TileWeights {
  dp: number;
  weightFp: Int32Array;
  cityPop: Float64Array;
  /** per country: 'population' (cities + rural floor), 'area' (no matched city), 'uniform' (zero mass) */
  basis: string[];
}

export interface WeightReport {
  cities_total: number;
  cities_in_tile: number;
  cities_snapped: number;
  /** cities whose population was spread over several tiles (urban disc) */
  cities_spread: number;
  cities_unmatched: number;
  cities_unknown_country: number;
  population_in_tiles: number;
  basis_counts: Record<string, number>;
  area_basis_countries: string[];
}

/** Index of tile with this id in the sorted range [lo, hi), or -1. */
function findTile(ids: Float64Array, lo: number, hi: number, id: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (ids[m] < id) lo = m + 1;
    else hi = m;
  }
  return lo < ids.length && ids[lo] === id ? lo : -1;
}

export function buildTileWeights(t: TileIndex, cs: CountryShapes, cities: CitiesRef, p: TilesPolicy): { w: TileWeights; report: WeightReport } {
  const C = cs.iso.length;
  const isoIdx = new Map(cs.iso.map((s, i) => [s, i]));
  const cityPop = new Float64Array(t.n);
  const report: WeightReport = {
    cities_total: cities.n,
    cities_in_tile: 0,
    cities_snapped: 0,
    cities_spread: 0,
    cities_unmatched: 0,
    cities_unknown_country: 0,
    population_in_tiles: 0,
    basis_counts: {},
    area_basis_countries: [],
  };
  const R = p.weights.city_snap_cells;
  const kR = p.weights.city_radius_km_per_sqrt_pop;
  const spreadT: number[] = [],
    spreadW: number[] = [];
  for (let i = 0; i < cities.n; i++) {
    const c = isoIdx.get(cities.countries[cities.country[i]]);
    if (c === undefined) {
      report.cities_unknown_country++;
      continue;
    }
    const lo = t.countryOff[c],
      hi = t.countryOff[c + 1];
    if (lo === hi) {
      report.cities_unmatched++;
      continue;
    }
    const level = t.countryLevel[c];
    const d = cellDeg(t.base, level);
    const nrows = nrowsAt(t.base, level),
      ncols = ncolsAt(t.base, level);
    const lon = cities.lon[i],
      lat = cities.lat[i],
      pop = cities.population[i];
    const r = Math.floor((90 - lat) / d),
      col = Math.floor((lon + 180) / d);
    // urban disc: tiles of the country whose centre is within rKm, weighted 1 - dist/rKm
    const rKm = kR * Math.sqrt(pop);
    if (rKm > 0 && 2 * (rKm / KM_PER_DEG) >= cellDeg(t.base, t.countryLevel[c]) * Math.max(0.01, fm_cos((Math.min(89.9, Math.abs(lat)) * Math.PI) / 180))) {
      const rDegLat = rKm / KM_PER_DEG;
      const rDegLon = rDegLat / Math.max(0.01, fm_cos((Math.min(89.9, Math.abs(lat)) * Math.PI) / 180));
      const dr = Math.ceil(rDegLat / d),
        dc = Math.min(ncols >> 1, Math.ceil(rDegLon / d));
      // a disc narrower than half a cell both ways reaches no centre but its own cell's: the point rule below
      const cmax = chordOf(rKm);
      spreadT.length = 0;
      spreadW.length = 0;
      let wsum = 0;
      for (let rr = Math.max(0, r - dr); rr <= Math.min(nrows - 1, r + dr); rr++) {
        for (let k = -dc; k <= dc; k++) {
          const cc = (((col + k) % ncols) + ncols) % ncols;
          const tk = findTile(t.tileId, lo, hi, encodeTile(t.base, level, rr, cc));
          if (tk < 0) continue;
          const ch = Math.sqrt(chord2(lon, lat, t.centroidLon[tk], t.centroidLat[tk]));
          if (ch >= cmax) continue;
          const wt = 1 - ch / cmax;
          spreadT.push(tk);
          spreadW.push(wt);
          wsum += wt;
        }
      }
      if (spreadT.length > 1 || (spreadT.length === 1 && spreadT[0] !== findTile(t.tileId, lo, hi, encodeTile(t.base, level, r, col)))) {
        for (let q = 0; q < spreadT.length; q++) cityPop[spreadT[q]] += (pop * spreadW[q]) / wsum;
        report.cities_spread++;
        report.population_in_tiles += pop;
        continue;
      }
    }
    let hit = findTile(t.tileId, lo, hi, encodeTile(t.base, level, r, col));
    if (hit >= 0) report.cities_in_tile++;
    else {
      let best = Infinity;
      for (let dr = -R; dr <= R; dr++) {
        for (let dc = -R; dc <= R; dc++) {
          const rr = r + dr,
            cc = (((col + dc) % ncols) + ncols) % ncols;
          if (rr < 0 || rr >= nrows) continue;
          const k = findTile(t.tileId, lo, hi, encodeTile(t.base, level, rr, cc));
          if (k < 0) continue;
          const dist = chord2(lon, lat, t.centroidLon[k], t.centroidLat[k]);
          if (dist < best || (dist === best && k < hit)) {
            best = dist;
            hit = k;
          }
        }
      }
      if (hit >= 0) report.cities_snapped++;
    }
    if (hit < 0) {
      report.cities_unmatched++;
      continue;
    }
    cityPop[hit] += pop;
    report.population_in_tiles += pop;
  }
  // masses in integer units (1/100 person or 1/100 km²), then largest-remainder to 10^dp per country
  const dp = p.weights.dp;
  const K = 10n ** BigInt(dp);
  const floor = p.weights.rural_floor_per_km2;
  const weightFp = new Int32Array(t.n);
  const basis: string[] = [];
  for (let c = 0; c < C; c++) {
    const lo = t.countryOff[c],
      hi = t.countryOff[c + 1];
    if (lo === hi) {
      basis.push('none');
      continue;
    }
    let pop = 0;
    for (let k = lo; k < hi; k++) pop += cityPop[k];
    const mass: bigint[] = [];
    let b = pop > 0 ? 'population' : 'area';
    for (let k = lo; k < hi; k++) {
      const km2 = t.areaM2[k] / 1e6;
      mass.push(BigInt(Math.round(pop > 0 ? 100 * cityPop[k] + 100 * floor * km2 : 100 * km2)));
    }
    let M = mass.reduce((a, x) => a + x, 0n);
    if (M === 0n) {
      b = 'uniform';
      mass.fill(1n);
      M = BigInt(mass.length);
    }
    basis.push(b);
    report.basis_counts[b] = (report.basis_counts[b] ?? 0) + 1;
    if (b !== 'population') report.area_basis_countries.push(`${cs.iso[c]}:${b}`);
    const base = largestRemainder(mass, M, K);
    for (let k = lo; k < hi; k++) weightFp[k] = base[k - lo];
  }
  return { w: { dp, weightFp, cityPop, basis }, report };
}

/** Hamilton apportionment of K units over masses m (sum M): floors, then +1 to the largest remainders, ties to the lower index. */
export function largestRemainder(m: bigint[], M: bigint, K: bigint): Int32Array {
  const n = m.length;
  const out = new Int32Array(n);
  const rem = new Float64Array(n);
  let given = 0n;
  for (let i = 0; i < n; i++) {
    const num = m[i] * K;
    const q = num / M;
    out[i] = Number(q);
    given += q;
    rem[i] = Number(num - q * M); // < M < 2^53: exact
  }
  const short = Number(K - given);
  if (short > 0) {
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
    for (let j = 0; j < short; j++) out[order[j]]++;
  }
  return out;
}
