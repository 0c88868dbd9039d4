// The 1A wasm kernels, run exactly as the pool runs them (runTask over shared columns), must agree
// bit for bit with their TypeScript references, draws and blocks included.
import { describe, it, expect, beforeAll } from 'vitest';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k1aGumbel, k1aHurdle, k1aNb, k1aUniverse, k1aZtp } from '../src/kernels/1A.js';
import type { KernelExports } from '../src/kernels/index.js';
import { aliasBuild } from '../src/rng/alias.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { universeRef, hurdleRef, nbRef, ztpRef, gumbelRef } from '../src/segments/1A/kernels_ref.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});

const N = 3000;
const id = { manifest_fingerprint: 'ab'.repeat(32), seed: 7n, parameter_hash: 'cd'.repeat(32) };
const ids = BigUint64Array.from({ length: N }, (_, i) => BigInt(i + 1));
function keys(fam: string): Uint32Array {
  const k = new Uint32Array(2 * N);
  new FamilyKeys(id, fam).fill(ids, k);
  return k;
}
const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];
// deterministic parameter grids spanning the regimes (Poisson inversion vs PTRS, gamma a<1 and a>=1)
const grid = (i: number, lo: number, hi: number) => lo + (((i * 7919) % 1000) / 1000) * (hi - lo);

describe('1A kernels: wasm == TypeScript reference', () => {
  it('k1aUniverse', () => {
    const cW = Array.from({ length: 50 }, (_, i) => 1 + (i % 7) * (i % 3));
    const mW = Array.from({ length: 12 }, (_, i) => 0.5 + i);
    const cT = aliasBuild(cW),
      mT = aliasBuild(mW);
    const pC = Float64Array.from(mW, (_, i) => i / 12);
    const k = keys('t.universe');
    const o = {
      home: new SharedCol('i32', N),
      mcc: new SharedCol('i32', N),
      cnp: new SharedCol('u8', N),
      d: new SharedCol('u32', N),
      b: new SharedCol('u32', N),
    };
    runTask(
      ex,
      k1aUniverse.task({
        n: N,
        keys: SharedCol.from('u32', k).all(),
        cProb: SharedCol.from('f64', cT.prob).all(),
        cAlias: SharedCol.from('i32', cT.alias).all(),
        nC: 50,
        mProb: SharedCol.from('f64', mT.prob).all(),
        mAlias: SharedCol.from('i32', mT.alias).all(),
        nM: 12,
        pCnp: SharedCol.from('f64', pC).all(),
        outHome: o.home.out(0, N),
        outMcc: o.mcc.out(0, N),
        outCnp: o.cnp.out(0, N),
        outDraws: o.d.out(0, N),
        outBlocks: o.b.out(0, N),
      }),
    );
    for (let i = 0; i < N; i++) {
      const r = universeRef(kp(k, i), cT, mT, pC);
      expect([o.home.view()[i], o.mcc.view()[i], o.cnp.view()[i], o.d.view()[i], o.b.view()[i]]).toEqual([r.home, r.mcc, r.cnp, r.draws, r.blocks]);
    }
  });

  it('k1aHurdle + k1aNb', () => {
    const pi = Float64Array.from({ length: N }, (_, i) => (i % 50 === 0 ? 0 : i % 50 === 1 ? 1 : grid(i, 0.05, 0.95)));
    const mu = Float64Array.from({ length: N }, (_, i) => grid(i, 1.5, 60));
    const phi = Float64Array.from({ length: N }, (_, i) => grid(i + 3, 0.4, 20));
    const hk = keys('t.hurdle'),
      nk = keys('t.nb');
    const multi = new SharedCol('u8', N),
      u = new SharedCol('f64', N),
      hd = new SharedCol('u32', N),
      hb = new SharedCol('u32', N);
    runTask(
      ex,
      k1aHurdle.task({
        n: N,
        keys: SharedCol.from('u32', hk).all(),
        pi: SharedCol.from('f64', pi).all(),
        outMulti: multi.out(0, N),
        outU: u.out(0, N),
        outDraws: hd.out(0, N),
        outBlocks: hb.out(0, N),
      }),
    );
    const Nc = new SharedCol('i32', N),
      rej = new SharedCol('i32', N),
      nd = new SharedCol('u32', N),
      nb = new SharedCol('u32', N);
    runTask(
      ex,
      k1aNb.task({
        n: N,
        keys: SharedCol.from('u32', nk).all(),
        multi: multi.all(),
        mu: SharedCol.from('f64', mu).all(),
        phi: SharedCol.from('f64', phi).all(),
        maxAttempts: 10000,
        outN: Nc.out(0, N),
        outRej: rej.out(0, N),
        outDraws: nd.out(0, N),
        outBlocks: nb.out(0, N),
      }),
    );
    let multis = 0;
    for (let i = 0; i < N; i++) {
      const h = hurdleRef(kp(hk, i), pi[i]);
      expect([multi.view()[i], u.view()[i], hd.view()[i], hb.view()[i]]).toEqual([h.multi, h.u, h.draws, h.blocks]);
      const r = nbRef(kp(nk, i), h.multi, mu[i], phi[i], 10000);
      expect([Nc.view()[i], rej.view()[i], nd.view()[i], nb.view()[i]]).toEqual([r.N, r.rej, r.draws, r.blocks]);
      multis += h.multi;
      if (h.multi) expect(r.N).toBeGreaterThanOrEqual(2);
      else expect(r.N).toBe(1);
    }
    expect(multis).toBeGreaterThan(N * 0.3);
  });

  it('k1aZtp (incl. exhaustion with a tiny cap)', () => {
    const lam = Float64Array.from({ length: N }, (_, i) => (i % 10 === 0 ? 0 : grid(i, 0.001, 30)));
    const zk = keys('t.ztp');
    for (const cap of [64, 2]) {
      const K = new SharedCol('i32', N),
        a = new SharedCol('i32', N),
        d = new SharedCol('u32', N),
        b = new SharedCol('u32', N);
      runTask(
        ex,
        k1aZtp.task({
          n: N,
          keys: SharedCol.from('u32', zk).all(),
          lambda: SharedCol.from('f64', lam).all(),
          maxZero: cap,
          outK: K.out(0, N),
          outAttempts: a.out(0, N),
          outDraws: d.out(0, N),
          outBlocks: b.out(0, N),
        }),
      );
      let exhausted = 0;
      for (let i = 0; i < N; i++) {
        const r = ztpRef(kp(zk, i), lam[i], cap);
        expect([K.view()[i], a.view()[i], d.view()[i], b.view()[i]]).toEqual([r.K, r.attempts, r.draws, r.blocks]);
        if (r.K < 0) exhausted++;
      }
      if (cap === 2) expect(exhausted).toBeGreaterThan(0);
    }
  });

  it('k1aGumbel (ragged candidates, zero weights, K beyond the domain)', () => {
    const M = 500;
    const off = new Int32Array(M + 1);
    const w: number[] = [];
    const kt = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      const len = 1 + (i % 9);
      for (let j = 0; j < len; j++) w.push(j === 0 || (i + j) % 5 === 0 ? 0 : grid(i * 13 + j, 1e-6, 0.2));
      off[i + 1] = w.length;
      kt[i] = i % 7;
    }
    const gk = keys('t.gumbel');
    const key = new SharedCol('f64', w.length),
      ord = new SharedCol('i32', w.length),
      d = new SharedCol('u32', M),
      b = new SharedCol('u32', M);
    runTask(
      ex,
      k1aGumbel.task({
        n: M,
        keys: SharedCol.from('u32', gk).all(),
        offsets: SharedCol.from('i32', off).all(),
        weights: SharedCol.from('f64', w).all(),
        kTarget: SharedCol.from('i32', kt).all(),
        outKey: key.out(0, w.length),
        outOrder: ord.out(0, w.length),
        outDraws: d.out(0, M),
        outBlocks: b.out(0, M),
      }),
    );
    for (let i = 0; i < M; i++) {
      const ws = w.slice(off[i], off[i + 1]);
      const r = gumbelRef(kp(gk, i), ws, kt[i]);
      expect(Array.from(ord.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.order));
      expect(Array.from(key.view().slice(off[i], off[i + 1]))).toEqual(Array.from(r.keys));
      expect([d.view()[i], b.view()[i]]).toEqual([r.draws, r.blocks]);
      const selected = Array.from(r.order).filter((x) => x > 0).length;
      expect(selected).toBe(Math.min(kt[i], ws.filter((x) => x > 0).length));
    }
  });
});
