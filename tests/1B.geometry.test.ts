// 1B geometry: ring repair (antimeridian, poles, invalid rings), the real Natural Earth countries
// (feature→ISO mapping, antimeridian countries, holes), the tile rasteriser against the brute-force
// predicate, S2 weights and the S4 allocation laws.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { cleanRing, buildShape, emptyStats, insideRings, insideBanded, type Pt } from '../src/laws/geo/geometry.js';
import { loadPolicyPack } from '../src/config/load.js';
import { load1B, type Policies1B } from '../src/segments/1B/policies.js';
import { buildTiles } from '../src/segments/1B/s1_tiles.js';
import { cellDeg, centreLat, centreLon, encodeTile, largestRemainder, ncolsAt, nrowsAt } from '../src/segments/1B/tiles.js';
import { allocRef } from '../src/segments/1B/kernels_ref.js';
import { FamilyKeys } from '../src/rng/keys.js';

const shapeOf = (rings: number[][][], band = 0.25) => {
  const st = emptyStats();
  const out: Pt[][] = [];
  for (const r of rings) out.push(...cleanRing(r, st));
  return { s: buildShape(out, band), st, rings: out };
};
const inBoth = (s: ReturnType<typeof buildShape>, x: number, y: number) => {
  const a = insideRings(s, x, y);
  expect(insideBanded(s, x, y)).toBe(a);
  return a;
};

describe('ring repair', () => {
  it('a ring crossing the antimeridian becomes two seamless pieces', () => {
    const { s, st, rings } = shapeOf([
      [
        [179, -1],
        [-179, -1],
        [-179, 1],
        [179, 1],
        [179, -1],
      ],
    ]);
    expect(st.antimeridian_rings_split).toBe(1);
    expect(rings.length).toBe(2);
    for (const r of rings) for (const [x] of r) expect(Math.abs(x)).toBeLessThanOrEqual(180);
    expect(inBoth(s, 179.5, 0)).toBe(true);
    expect(inBoth(s, -179.5, 0)).toBe(true);
    expect(inBoth(s, 0, 0)).toBe(false);
    expect(inBoth(s, 178.5, 0)).toBe(false);
    expect(inBoth(s, 179.5, 2)).toBe(false);
  });

  it('a ring winding around a pole is closed through the pole', () => {
    const ring = [];
    for (let x = -180; x < 180; x += 30) ring.push([x, 80 + (x / 180) * 2]);
    ring.push(ring[0]);
    const { s, st } = shapeOf([ring]);
    expect(st.polar_rings_closed).toBe(1);
    expect(inBoth(s, 0, 89)).toBe(true);
    expect(inBoth(s, 179.9, 88)).toBe(true);
    expect(inBoth(s, -179.9, 85)).toBe(true);
    expect(inBoth(s, 0, 75)).toBe(false);
  });

  it('invalid rings: non-finite dropped, open closed, duplicates removed, degenerate dropped, latitudes clamped, bow-tie kept (even-odd)', () => {
    const st = emptyStats();
    expect(
      cleanRing(
        [
          [0, 0],
          [NaN, 1],
          [1, 1],
          [0, 0],
        ],
        st,
      ),
    ).toEqual([]);
    expect(st.dropped_nonfinite).toBe(1);
    const open = cleanRing(
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      st,
    );
    expect(open).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ]);
    expect(st.closed_open_rings).toBe(1);
    const dup = cleanRing(
      [
        [0, 0],
        [0, 0],
        [1, 0],
        [1, 1],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
      st,
    );
    expect(dup[0].length).toBe(5);
    expect(st.duplicate_points_removed).toBe(2);
    expect(
      cleanRing(
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [0, 0],
        ],
        st,
      ),
    ).toEqual([]);
    expect(
      cleanRing(
        [
          [0, 0],
          [1, 1],
          [0, 0],
        ],
        st,
      ),
    ).toEqual([]);
    expect(st.dropped_degenerate).toBe(2);
    const clamped = cleanRing(
      [
        [0, 80],
        [10, 80],
        [10, 91],
        [0, 80],
      ],
      st,
    );
    expect(clamped[0][2]).toEqual([10, 90]);
    expect(st.lat_clamped_points).toBe(1);
    const bow = shapeOf([
      [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ]);
    expect(bow.rings.length).toBe(1);
    expect(inBoth(bow.s, 0.2, 1)).toBe(true);
    expect(inBoth(bow.s, 1.8, 1)).toBe(true);
    expect(inBoth(bow.s, 1, 0.5)).toBe(false);
  });

  it('holes remove area; a second polygon adds it', () => {
    const { s } = shapeOf([
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0],
      ],
      [
        [4, 4],
        [6, 4],
        [6, 6],
        [4, 6],
        [4, 4],
      ],
      [
        [20, 0],
        [21, 0],
        [21, 1],
        [20, 1],
        [20, 0],
      ],
    ]);
    expect(inBoth(s, 2, 2)).toBe(true);
    expect(inBoth(s, 5, 5)).toBe(false);
    expect(inBoth(s, 20.5, 0.5)).toBe(true);
    expect(inBoth(s, 15, 0.5)).toBe(false);
  });
});

describe('real country polygons (world-atlas 1:50m)', () => {
  let p: Policies1B;
  let W: ReturnType<typeof buildTiles>;
  beforeAll(async () => {
    p = load1B(await loadPolicyPack(join(__dirname, '..', 'config')));
    W = buildTiles(p);
  });
  const at = (iso: string) => W.cs.iso.indexOf(iso);
  const inside = (iso: string, x: number, y: number) => insideRings(W.cs.shapes[at(iso)], x, y);

  it('maps every feature to ISO2 and reports the unnamed, split, dropped and synthetic ones', () => {
    const r = W.cs.report;
    expect(r.features_by_name.map((f) => [f.name, f.iso.join('+')])).toEqual(
      expect.arrayContaining([
        ['Kosovo', 'XK'],
        ['N. Cyprus', 'CY'],
        ['Somaliland', 'SO'],
        ['Indian Ocean Ter.', 'CX+CC'],
      ]),
    );
    expect(r.features_dropped).toEqual([{ name: 'Siachen Glacier', reason: 'dropped by policy (unnamed_features iso: [])' }]);
    expect(r.split_parts.map((s) => s.iso)).toEqual(expect.arrayContaining(['GF', 'GP', 'MQ', 'RE', 'YT', 'BQ', 'SJ', 'TK']));
    expect(r.synthetic_countries.map((s) => s.iso)).toEqual(expect.arrayContaining(['GI', 'TV']));
    expect(r.rings.antimeridian_rings_split).toBeGreaterThanOrEqual(4);
    // every reference country has tiles, and every tile anchor is inside its country
    for (let c = 0; c < W.cs.iso.length; c++) {
      expect(W.tiles.countryOff[c + 1] - W.tiles.countryOff[c], W.cs.iso[c]).toBeGreaterThan(0);
    }
  });

  it('antimeridian countries are seamless: Fiji, Russia (Chukotka), US (Aleutians), Kiribati, New Zealand (Chatham)', () => {
    expect(inside('FJ', 178.0, -17.8)).toBe(true); // Viti Levu
    expect(inside('FJ', -179.9, -16.8)).toBe(true); // across the line
    expect(inside('RU', -175, 65.5)).toBe(true); // Chukotka east of 180
    expect(inside('RU', 175, 65.5)).toBe(true);
    expect(inside('US', 173.1, 52.85)).toBe(true); // Attu, west of 180
    expect(inside('US', -176.6, 51.88)).toBe(true); // Adak
    expect(inside('KI', -157.4, 1.87)).toBe(true); // Kiritimati
    expect(inside('NZ', -176.5, -43.95)).toBe(true); // Chatham
    expect(inside('RU', 0, 65.5)).toBe(false);
    const t = W.tiles;
    // tiles on both sides of the line (Fiji's eastern islands are smaller than a level-0 cell: no tile there)
    for (const iso of ['RU', 'US', 'KI']) {
      const c = at(iso);
      let east = 0,
        west = 0;
      for (let k = t.countryOff[c]; k < t.countryOff[c + 1]; k++) {
        if (t.centroidLon[k] > 170) east++;
        if (t.centroidLon[k] < -170) west++;
      }
      expect([iso, east > 0, west > 0]).toEqual([iso, true, true]);
    }
  });

  it('holes and enclaves: Lesotho is not South Africa, San Marino is not Italy; the open sea is nobody', () => {
    expect(inside('LS', 27.48, -29.31)).toBe(true);
    expect(inside('ZA', 27.48, -29.31)).toBe(false);
    expect(inside('ZA', 28.04, -26.2)).toBe(true);
    expect(inside('SM', 12.4578, 43.9424)).toBe(true);
    expect(inside('IT', 12.4578, 43.9424)).toBe(false);
    expect(W.cs.iso.filter((iso) => inside(iso, -30, 0))).toEqual([]);
    expect(W.cs.iso.filter((iso) => inside(iso, 2.35, 48.85))).toEqual(['FR']);
    expect(inside('GF', -52.3, 4.9)).toBe(true);
    expect(inside('FR', -52.3, 4.9)).toBe(false);
  });

  it('the rasteriser keeps exactly the cells whose centre the predicate puts inside', () => {
    const t = W.tiles;
    for (const iso of ['FJ', 'KI', 'NZ', 'LS', 'ZA', 'IT', 'SM', 'MC', 'GF', 'NL', 'CH', 'TV', 'GI', 'RU', 'US']) {
      const c = at(iso),
        s = W.cs.shapes[c];
      const level = t.countryLevel[c],
        d = cellDeg(t.base, level);
      const ids = new Set<number>();
      for (let k = t.countryOff[c]; k < t.countryOff[c + 1]; k++) ids.add(t.tileId[k]);
      const big = iso === 'RU' || iso === 'US';
      // many vertices or a bbox spanning the globe: the band index (proven equal to every-edge elsewhere)
      const slow = big || s.xs.length > 2000 || s.maxX - s.minX > 90;
      const r0 = Math.max(0, Math.floor((90 - s.maxY) / d) - 1),
        r1 = Math.min(nrowsAt(t.base, level) - 1, Math.floor((90 - s.minY) / d) + 1);
      let checked = 0;
      const wrong: string[] = [];
      for (let r = r0; r <= r1; r++) {
        const c0 = Math.max(0, Math.floor((s.minX + 180) / d) - 1),
          c1 = Math.min(ncolsAt(t.base, level) - 1, Math.floor((s.maxX + 180) / d) + 1);
        for (let col = c0; col <= c1; col++) {
          const x = centreLon(d, col),
            y = centreLat(d, r);
          if (big && Math.abs(x) < 170) continue; // the antimeridian strip of the big ones
          const want = slow ? insideBanded(s, x, y) : insideRings(s, x, y);
          if (ids.has(encodeTile(t.base, level, r, col)) !== want) wrong.push(`${iso} r${r} c${col}`);
          checked++;
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('S2 weights sum to 10^dp per country; city population lands in tiles', () => {
    const t = W.tiles,
      K = 10 ** W.weights.dp;
    for (let c = 0; c < W.cs.iso.length; c++) {
      let s = 0;
      for (let k = t.countryOff[c]; k < t.countryOff[c + 1]; k++) s += W.weights.weightFp[k];
      expect(s, W.cs.iso[c]).toBe(K);
    }
    expect(W.weights.basis[at('US')]).toBe('population');
    expect(W.weights.basis[at('XK')]).toBe('population');
    expect(W.weightReport.population_in_tiles / 3.13e9).toBeGreaterThan(0.99);
    // the heaviest US tile holds a big city
    const c = at('US');
    let top = t.countryOff[c];
    for (let k = top; k < t.countryOff[c + 1]; k++) if (W.weights.weightFp[k] > W.weights.weightFp[top]) top = k;
    expect(W.weights.cityPop[top]).toBeGreaterThan(1e6);
  });
});

describe('allocation laws', () => {
  it('largest remainder: exact sum, floors plus the largest residues, ties to the lower index', () => {
    expect(Array.from(largestRemainder([1n, 1n, 1n], 3n, 10n))).toEqual([4, 3, 3]);
    expect(Array.from(largestRemainder([5n, 0n, 3n, 2n], 10n, 7n))).toEqual([4, 0, 2, 1]);
    const w = largestRemainder([123n, 456n, 789n, 1n], 1369n, 100000000n);
    expect(w.reduce((a, b) => a + b, 0)).toBe(100000000);
  });

  it('S4 systematic and largest_remainder: Σ = n and every tile gets floor or ceil of n·w/K', () => {
    const K = 1e8;
    const fk = new FamilyKeys({ manifest_fingerprint: '12'.repeat(32), seed: 3n, parameter_hash: '34'.repeat(32) }, 't.alloc');
    for (let trial = 0; trial < 60; trial++) {
      const T = 1 + ((trial * 37) % 90);
      const raw = Array.from({ length: T }, (_, i) => BigInt(((i * 7919 + trial * 31) % 1000) * (i % 5 === 0 ? 0 : 1) + (i === 0 ? 1 : 0)));
      const M = raw.reduce((a, b) => a + b, 0n);
      const w = largestRemainder(raw, M, BigInt(K));
      const cum = new Float64Array(T);
      let acc = 0;
      w.forEach((x, i) => (cum[i] = acc += x));
      for (const n of [1, 2, 3, 7, 50, 333]) {
        for (const m of ['systematic', 'largest_remainder'] as const) {
          const r = allocRef(m, fk.forIds(BigInt(trial), BigInt(n)), n, cum, w, 0, T, K);
          expect(r.slots.length).toBe(n);
          const cnt = new Int32Array(T);
          for (let j = 0; j < n; j++) {
            if (j > 0) expect(r.slots[j]).toBeGreaterThanOrEqual(r.slots[j - 1]);
            cnt[r.slots[j]]++;
          }
          for (let i = 0; i < T; i++) {
            const q = (w[i] * n) / K;
            expect(cnt[i]).toBeGreaterThanOrEqual(Math.floor(q));
            expect(cnt[i]).toBeLessThanOrEqual(Math.ceil(q));
          }
          expect(r.draws).toBe(m === 'systematic' ? 1 : 0);
        }
      }
    }
  });

  it('systematic allocation is unbiased (mean count = quota); largest remainder sends every single site to one tile', () => {
    const K = 1e8;
    const w = Int32Array.from([50000000, 30000000, 15000000, 5000000]);
    const cum = Float64Array.from([50000000, 80000000, 95000000, 100000000]);
    const fk = new FamilyKeys({ manifest_fingerprint: '56'.repeat(32), seed: 9n, parameter_hash: '78'.repeat(32) }, 't.alloc');
    const cnt = new Float64Array(4);
    const N = 4000;
    for (let i = 0; i < N; i++) cnt[allocRef('systematic', fk.forIds(BigInt(i)), 1, cum, w, 0, 4, K).slots[0]]++;
    [0.5, 0.3, 0.15, 0.05].forEach((q, i) => expect(Math.abs(cnt[i] / N - q)).toBeLessThan(0.03));
    const lr = allocRef('largest_remainder', null, 1, cum, w, 0, 4, K);
    expect(Array.from(lr.slots)).toEqual([0]);
  });
});
