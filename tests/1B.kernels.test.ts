// The 1B wasm kernels, run exactly as the pool runs them (runTask over shared columns), must agree bit
// for bit with their TypeScript references — draws, blocks, attempts and fallbacks included — on real
// country polygons (antimeridian countries, holes, tiny islands) as well as the unbanded ring path.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k1bAssign, k1bInside, k1bJitter } from '../src/kernels/1B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { loadPolicyPack } from '../src/config/load.js';
import { load1B, type Policies1B } from '../src/segments/1B/policies.js';
import { buildTiles } from '../src/segments/1B/s1_tiles.js';
import { assignRef, flattenGeometry, insideFlat, jitterRef, type FlatGeometry } from '../src/segments/1B/kernels_ref.js';
import { insideBanded, insideRings } from '../src/laws/geo/geometry.js';

let ex: KernelExports;
let p: Policies1B;
let W: ReturnType<typeof buildTiles>;
beforeAll(async () => {
  ex = instantiateKernelsSync();
  p = load1B(await loadPolicyPack(join(__dirname, '..', 'config')));
  W = buildTiles(p);
});

const id = { manifest_fingerprint: 'ab'.repeat(32), seed: 11n, parameter_hash: 'cd'.repeat(32) };
function keys(fam: string, n: number): Uint32Array {
  const k = new Uint32Array(2 * n);
  new FamilyKeys(id, fam).fill(
    BigUint64Array.from({ length: n }, (_, i) => BigInt(i + 1)),
    k,
  );
  return k;
}
const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];
const geoArgs = (g: FlatGeometry) => ({
  vx: SharedCol.from('f64', g.vx).all(),
  vy: SharedCol.from('f64', g.vy).all(),
  cBand: SharedCol.from('i32', g.cBand).all(),
  bandOff: SharedCol.from('i32', g.bandOff).all(),
  bandEdge: SharedCol.from('i32', g.bandEdge).all(),
  cRing: SharedCol.from('i32', g.cRing).all(),
  ringOff: SharedCol.from('i32', g.ringOff).all(),
  bandDeg: g.bandDeg,
});

describe('1B kernels: wasm == TypeScript reference', () => {
  it('k1bAssign: one draw per site, sites sorted by (u, site_order) onto the slot multiset', () => {
    const P = 400;
    const off = new Int32Array(P + 1);
    const slots: number[] = [];
    for (let i = 0; i < P; i++) {
      const n = 1 + ((i * 37) % 23) + (i % 50 === 0 ? 300 : 0); // ragged, a few large pairs
      for (let j = 0; j < n; j++) slots.push(100 * i + Math.floor((j * 7) / 3)); // ascending with repeats
      off[i + 1] = slots.length;
    }
    const k = keys('t.assign', P);
    const S = slots.length;
    const tile = new SharedCol('i32', S),
      u = new SharedCol('f64', S),
      d = new SharedCol('u32', P),
      b = new SharedCol('u32', P);
    runTask(
      ex,
      k1bAssign.task({
        n: P,
        keys: SharedCol.from('u32', k).all(),
        offsets: SharedCol.from('i32', off).all(),
        slotTile: SharedCol.from('i32', slots).all(),
        outTile: tile.out(0, S),
        outU: u.out(0, S),
        outDraws: d.out(0, P),
        outBlocks: b.out(0, P),
      }),
    );
    for (let i = 0; i < P; i++) {
      const r = assignRef(kp(k, i), slots.slice(off[i], off[i + 1]));
      expect(Array.from(tile.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.tile));
      expect(Array.from(u.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.u));
      expect([d.view()[i], b.view()[i]]).toEqual([r.draws, r.blocks]);
      // the multiset of tiles is exactly the slots
      expect(Array.from(r.tile).sort((x, y) => x - y)).toEqual(slots.slice(off[i], off[i + 1]));
    }
  });

  for (const banded of [true, false]) {
    it(`k1bJitter on real countries (${banded ? 'band index' : 'every ring edge'})`, () => {
      const g: FlatGeometry = banded ? W.geo : flattenGeometry(W.cs, 0);
      const t = W.tiles;
      // pairs over countries that stress the predicate: antimeridian, holes, enclaves, islands, synthetic squares
      const isos = [
        'FJ',
        'RU',
        'US',
        'KI',
        'NZ',
        'ZA',
        'LS',
        'IT',
        'SM',
        'VA',
        'MC',
        'NO',
        'SJ',
        'FR',
        'GF',
        'ID',
        'PH',
        'GR',
        'HR',
        'CL',
        'CA',
        'GI',
        'TV',
        'AQ',
        'MV',
        'TO',
      ];
      const pc: number[] = [],
        off = [0],
        row: number[] = [],
        col: number[] = [],
        anc: number[] = [];
      isos.forEach((iso, q) => {
        const c = W.cs.iso.indexOf(iso);
        expect(c, iso).toBeGreaterThanOrEqual(0);
        const lo = t.countryOff[c],
          hi = t.countryOff[c + 1];
        for (let rep = 0; rep < 3; rep++) {
          pc.push(c);
          const n = 5 + ((q + rep) % 7);
          for (let j = 0; j < n; j++) {
            // boundary-heavy picks: tiles at the edges of the country's tile list and spread through it
            const k = lo + ((j * 7919 + rep * 104729 + q) % (hi - lo));
            row.push(t.row[k]);
            col.push(t.col[k]);
            anc.push(t.anchorLon[k], t.anchorLat[k]);
          }
          off.push(row.length);
        }
      });
      const P = pc.length,
        S = row.length;
      const k = keys('t.jitter', P);
      for (const maxAttempts of [64, 1]) {
        const lon = new SharedCol('f64', S),
          lat = new SharedCol('f64', S),
          at = new SharedCol('i32', S),
          fb = new SharedCol('u8', S),
          d = new SharedCol('u32', P),
          b = new SharedCol('u32', P);
        runTask(
          ex,
          k1bJitter.task({
            n: P,
            keys: SharedCol.from('u32', k).all(),
            offsets: SharedCol.from('i32', off).all(),
            pairCountry: SharedCol.from('i32', pc).all(),
            cLevel: SharedCol.from('i32', t.countryLevel).all(),
            siteRow: SharedCol.from('i32', row).all(),
            siteCol: SharedCol.from('i32', col).all(),
            siteAnchor: SharedCol.from('f64', anc).all(),
            base: t.base,
            maxAttempts,
            ...geoArgs(g),
            outLon: lon.out(0, S),
            outLat: lat.out(0, S),
            outAttempts: at.out(0, S),
            outFallback: fb.out(0, S),
            outDraws: d.out(0, P),
            outBlocks: b.out(0, P),
          }),
        );
        let fallbacks = 0;
        for (let i = 0; i < P; i++) {
          const sites = [];
          for (let j = off[i]; j < off[i + 1]; j++) sites.push({ row: row[j], col: col[j], anchorLon: anc[2 * j], anchorLat: anc[2 * j + 1] });
          const r = jitterRef(kp(k, i), g, pc[i], t.countryLevel[pc[i]], t.base, maxAttempts, sites);
          expect(Array.from(lon.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.lon));
          expect(Array.from(lat.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.lat));
          expect(Array.from(at.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.attempts));
          expect(Array.from(fb.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.fallback));
          expect([d.view()[i], b.view()[i]]).toEqual([r.draws, r.blocks]);
          let att = 0;
          for (const a of r.attempts) att += a;
          expect(r.draws).toBe(2 * att); // one Philox block (two uniforms) per attempt
          expect(r.blocks).toBe(att);
          for (let j = 0; j < sites.length; j++) {
            // accepted points are inside the country by the independent every-edge predicate
            expect(insideRings(W.cs.shapes[pc[i]], r.lon[j], r.lat[j]), `${W.cs.iso[pc[i]]} ${r.lon[j]},${r.lat[j]}`).toBe(true);
            fallbacks += r.fallback[j];
          }
        }
        if (maxAttempts === 1)
          expect(fallbacks).toBeGreaterThan(0); // boundary tiles reject some first tries
        else expect(fallbacks).toBe(0);
      }
    });
  }

  it('k1bInside == insideFlat == insideRings == insideBanded on random points near every country', () => {
    const g = W.geo,
      g0 = flattenGeometry(W.cs, 0);
    const mem = () => ex.memory as WebAssembly.Memory;
    ex.resetHeap();
    const put = (a: Float64Array | Int32Array) => {
      const ptr = ex.alloc(a.byteLength) as number;
      new Uint8Array(mem().buffer, ptr, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return ptr;
    };
    const ptrs = {
      vx: put(g.vx),
      vy: put(g.vy),
      cBand: put(g.cBand),
      bandOff: put(g.bandOff),
      bandEdge: put(g.bandEdge),
      cRing: put(g.cRing),
      ringOff: put(g.ringOff),
    };
    let n = 0,
      inside = 0;
    W.cs.shapes.forEach((s, c) => {
      for (let k = 0; k < 60; k++) {
        const x = s.minX + (s.maxX - s.minX) * ((k * 0.6180339887498949) % 1);
        const y = s.minY + (s.maxY - s.minY) * ((k * 0.7548776662466927) % 1);
        const ref = insideRings(s, x, y);
        expect(insideBanded(s, x, y)).toBe(ref);
        expect(insideFlat(g, c, x, y)).toBe(ref);
        expect(insideFlat(g0, c, x, y)).toBe(ref);
        expect(k1bInside.call(ex, { c, x, y, ...ptrs, bandDeg: g.bandDeg }) === 1).toBe(ref);
        n++;
        inside += ref ? 1 : 0;
      }
    });
    expect(n).toBe(W.cs.iso.length * 60);
    expect(inside).toBeGreaterThan(n * 0.2);
  });
});
