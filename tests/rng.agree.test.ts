// wasm kernels == TypeScript reference, bit for bit, with identical draw/block accounting.
// Also: fmath accuracy against V8's Math.* (within 2 ulp) and lgamma against 300-bit values.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fm_cos, fm_exp, fm_lgamma, fm_log, fm_neglog_u01, fm_sin } from '../src/rng/fmath.js';
import { Substream, U01_MAX, u01FromWords } from '../src/rng/stream.js';
import { dirichlet, gamma, gumbel, lognormal, nb2, normal, poisson, ztp } from '../src/rng/dist.js';
import { aliasBuild, aliasSampleBatch } from '../src/rng/alias.js';
import { defaultWasmPath, loadKernels, type Kernels } from '../src/rng/wasm.js';

let k: Kernels;
beforeAll(async () => {
  const path = defaultWasmPath();
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build the wasm first (npm run build:wasm / make build)`);
  }
  k = await loadKernels(path);
});

const K0 = 0x0badcafe;
const K1 = 0xdeadbeef;

/** Index of the first element whose bits differ, or -1. */
function firstBitDiff(a: Float64Array | Int32Array, b: Float64Array | Int32Array): number {
  expect(a.length).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.byteLength >> 2);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  const per = a.BYTES_PER_ELEMENT >> 2;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return Math.floor(i / per);
  return -1;
}

function expectSameBits(wasm: Float64Array | Int32Array, ts: Float64Array | Int32Array, what: string): void {
  const i = firstBitDiff(wasm, ts);
  if (i >= 0) throw new Error(`${what}: wasm[${i}] = ${wasm[i]} but ts[${i}] = ${ts[i]}`);
}

function expectSameAccounting(s: Substream, what: string): void {
  const acc = k.accounting();
  expect({ what, draws: acc.draws, blocks: acc.blocks, start: acc.counterStart, end: acc.counterEnd }).toEqual({
    what,
    draws: s.draws,
    blocks: s.blocks,
    start: s.counterStart,
    end: s.counterEnd,
  });
}

/** Run a wasm fill kernel into fresh memory and copy the result out. */
function wasmFill(kind: 'f64' | 'i32', len: number, run: (outPtr: number) => void): Float64Array | Int32Array {
  k.resetHeap();
  const ptr = kind === 'f64' ? k.allocF64(len) : k.allocI32(len);
  run(ptr);
  return kind === 'f64' ? k.f64(ptr, len).slice() : k.i32(ptr, len).slice();
}

describe('fmath: wasm == TS bit for bit', () => {
  const N = 100_000;
  const src = new Substream(1, 2);
  const lane = new Uint32Array(2);
  const bitsToF64 = new Float64Array(1);
  const bitsU32 = new Uint32Array(bitsToF64.buffer);
  /** Random finite positive double from random bits (covers subnormals and every binade). */
  const anyPositive = (): number => {
    for (;;) {
      src.lane32(lane);
      bitsU32[1] = lane[0]! & 0x7fffffff;
      bitsU32[0] = lane[1]!;
      const x = bitsToF64[0]!;
      if (x > 0 && x < Infinity) return x;
    }
  };
  const inputs = (gen: (i: number) => number): Float64Array => Float64Array.from({ length: N }, (_, i) => gen(i));
  const cases: Array<[string, (x: number) => number, (x: number) => number, Float64Array]> = [
    ['log(u01)', fm_log, (x) => k.fm_log(x), inputs(() => src.u01())],
    ['log(any positive)', fm_log, (x) => k.fm_log(x), inputs(() => anyPositive())],
    ['-ln(u01) table', fm_neglog_u01, (x) => k.fm_neglog_u01(x), inputs((i) => (i < 4 ? [2 ** -54, 0.5, 1 - 2 ** -53, 0.9999999999999999][i]! : src.u01()))],
    ['exp([-746, 710])', fm_exp, (x) => k.fm_exp(x), inputs(() => -746 + 1456 * src.u01())],
    ['exp([-2, 2])', fm_exp, (x) => k.fm_exp(x), inputs(() => -2 + 4 * src.u01())],
    ['cos([0, 2pi])', fm_cos, (x) => k.fm_cos(x), inputs(() => 6.283185307179586 * src.u01())],
    ['sin([0, 2pi])', fm_sin, (x) => k.fm_sin(x), inputs(() => 6.283185307179586 * src.u01())],
    ['cos([-1e5, 1e5])', fm_cos, (x) => k.fm_cos(x), inputs(() => -1e5 + 2e5 * src.u01())],
    ['lgamma((0, 40])', fm_lgamma, (x) => k.fm_lgamma(x), inputs(() => 40 * src.u01())],
    ['lgamma(ints 1..2e4)', fm_lgamma, (x) => k.fm_lgamma(x), inputs((i) => 1 + (i % 20_000))],
    ['lgamma((0, 1e7])', fm_lgamma, (x) => k.fm_lgamma(x), inputs(() => 1e7 * src.u01())],
  ];
  for (const [name, ts, wasm, xs] of cases) {
    it(name, () => {
      const a = xs.map(ts);
      const b = xs.map(wasm);
      expectSameBits(b, a, name);
    });
  }

  it('special values', () => {
    const xs = [0, -0, -1, NaN, Infinity, -Infinity, 5e-324, 1, 2, 0.5, Math.PI / 2, Math.PI, 1.5 * Math.PI, 2 * Math.PI, 709.78, -745.1, 1e-30];
    for (const [ts, wasm] of [
      [fm_log, k.fm_log],
      [fm_exp, k.fm_exp],
      [fm_cos, k.fm_cos],
      [fm_sin, k.fm_sin],
      [fm_lgamma, k.fm_lgamma],
    ] as const) {
      for (const x of xs) expect(Object.is(wasm(x), ts(x)) || (Number.isNaN(wasm(x)) && Number.isNaN(ts(x)))).toBe(true);
    }
    expect(fm_log(0)).toBe(-Infinity);
    expect(fm_log(1)).toBe(0);
    expect(Number.isNaN(fm_log(-1))).toBe(true);
    expect(fm_exp(0)).toBe(1);
    expect(fm_exp(-Infinity)).toBe(0);
    expect(fm_exp(710)).toBe(Infinity);
    expect(fm_lgamma(1)).toBe(0);
    expect(fm_lgamma(2)).toBe(0);
    expect(Number.isNaN(fm_lgamma(0))).toBe(true);
  });
});

describe('fmath accuracy vs Math.* (V8 is fdlibm-derived)', () => {
  const f = new Float64Array(2);
  const b = new BigInt64Array(f.buffer);
  const ulpDiff = (x: number, y: number): number => {
    if (x === y) return 0;
    if (Math.sign(x) !== Math.sign(y)) return Infinity;
    f[0] = x;
    f[1] = y;
    const d = b[0]! - b[1]!;
    return Number(d < 0n ? -d : d);
  };
  const worst = (fn: (x: number) => number, ref: (x: number) => number, xs: Float64Array): number => {
    let m = 0;
    for (const x of xs) m = Math.max(m, ulpDiff(fn(x), ref(x)));
    return m;
  };
  const s = new Substream(3, 4);
  const gen = (n: number, g: () => number): Float64Array => Float64Array.from({ length: n }, g);

  it('log within 2 ulp on u01 values and on [1e-300, 1e300] log-uniform', () => {
    expect(
      worst(
        fm_log,
        Math.log,
        gen(100_000, () => s.u01()),
      ),
    ).toBeLessThanOrEqual(2);
    expect(
      worst(
        fm_log,
        Math.log,
        gen(100_000, () => Math.pow(10, -300 + 600 * s.u01())),
      ),
    ).toBeLessThanOrEqual(2);
    expect(
      worst(
        fm_log,
        Math.log,
        gen(100_000, () => 1 + (s.u01() - 0.5) * 1e-6),
      ),
    ).toBeLessThanOrEqual(2);
  });

  it('-ln(u) by table: within 1e-15 of -Math.log(u) over u01 values, the tails and the table seams', () => {
    const us = [
      ...gen(100_000, () => s.u01()),
      ...gen(20_000, () => 2 ** (-53 * s.u01())),
      2 ** -54,
      1 - 2 ** -53,
      0.5,
      0.75,
      1 - 1 / 256,
      ...Array.from({ length: 129 }, (_, i) => 0.5 * (1 + i / 128) * (1 - 2 ** -52)),
    ];
    let worstAbs = 0;
    for (const u of us) worstAbs = Math.max(worstAbs, Math.abs(fm_neglog_u01(u) + Math.log(u)) / Math.max(1, -Math.log(u)));
    expect(worstAbs).toBeLessThan(1e-15);
  });

  it('exp within 2 ulp on [-745, 709.7] and [-1, 1]', () => {
    expect(
      worst(
        fm_exp,
        Math.exp,
        gen(100_000, () => -708 + 1417.7 * s.u01()),
      ),
    ).toBeLessThanOrEqual(2);
    expect(
      worst(
        fm_exp,
        Math.exp,
        gen(100_000, () => -1 + 2 * s.u01()),
      ),
    ).toBeLessThanOrEqual(2);
  });

  it('cos and sin within 2 ulp on [0, 2pi], incl. near their zeros', () => {
    const xs = gen(100_000, () => 6.283185307179586 * s.u01());
    expect(worst(fm_cos, Math.cos, xs)).toBeLessThanOrEqual(2);
    expect(worst(fm_sin, Math.sin, xs)).toBeLessThanOrEqual(2);
    // near k*pi/2 the results are tiny and need the extra pi/2 bits of the reduction
    const near: number[] = [];
    for (const c of [Math.PI / 2, Math.PI, 1.5 * Math.PI, 2 * Math.PI]) {
      let x = c;
      for (let i = 0; i < 50; i++) {
        near.push(x);
        x = x + Number.EPSILON * c;
      }
    }
    const nx = Float64Array.from(near);
    expect(worst(fm_cos, Math.cos, nx)).toBeLessThanOrEqual(2);
    expect(worst(fm_sin, Math.sin, nx)).toBeLessThanOrEqual(2);
  });

  it('lgamma against 300-bit reference values', () => {
    // [x, lgamma(x)] with lgamma computed by mpmath at 300 bits at the exact double x, rounded to double
    const ref: Array<[number, number]> = [
      [0.001, 6.907178885383853],
      [0.1, 2.252712651734206],
      [0.5, 0.5723649429247001],
      [1.5, -0.12078223763524522],
      [2.5, 0.2846828704729192],
      [3.7, 1.428072326665388],
      [7.25, 7.0521854507385395],
      [15.9, 27.625493215168692],
      [16, 27.89927138384089],
      [16.1, 28.173694494813546],
      [33.3, 82.60372358165495],
      [100.5, 361.4355404677776],
      [128, 491.553448223298],
      [129, 496.40547848721764],
      [200, 857.9336698258575],
      [1000, 5905.220423209181],
      [12345.678, 103959.91990554606],
      [1e6, 12815504.569147611],
      [3.5e7, 572980043.9143883],
    ];
    for (const [x, want] of ref) {
      const got = fm_lgamma(x);
      // documented: x >= 16 within 2 ulp (4 allowed here); shifted range x < 16 absolute 2e-14
      const tol = x >= 16 ? 4 * Number.EPSILON * Math.abs(want) : 2e-14;
      expect(Math.abs(got - want), `lgamma(${x})`).toBeLessThanOrEqual(tol);
    }
    // recurrence across the table/series seams: lgamma(x+1) = lgamma(x) + ln x
    for (const x of [0.3, 1.7, 14.5, 15.5, 16.5, 127.5, 128.5, 500.25]) {
      expect(Math.abs(fm_lgamma(x + 1) - (fm_lgamma(x) + Math.log(x)))).toBeLessThan(1e-13 * Math.max(1, fm_lgamma(x + 1)));
    }
  });
});

describe('substream: wasm == TS', () => {
  it('u01 x 10^5 and accounting (odd count leaves a lane buffered)', () => {
    const n = 100_001;
    const w = wasmFill('f64', n, (p) => k.fillU01(K0, K1, p, n));
    const s = new Substream(K0, K1);
    const t = Float64Array.from({ length: n }, () => s.u01());
    expectSameBits(w, t, 'u01');
    expectSameAccounting(s, 'u01');
    expect(s.draws).toBe(n);
    expect(s.blocks).toBe(Math.ceil(n / 2));
    // the buffered lane is handed out next by both
    expect(k.streamU01()).toBe(s.u01());
    expectSameAccounting(s, 'u01 +1');
    expect(s.blocks).toBe(Math.ceil(n / 2));
    for (const x of t) if (!(x > 0 && x < 1)) throw new Error(`u01 out of (0,1): ${x}`);
  });

  it('u01 edges: lane 0 -> 2^-54, lane 2^64-1 -> largest double below 1 (open interval)', () => {
    expect(u01FromWords(0, 0)).toBe(2 ** -54);
    expect(u01FromWords(0, 0x7ff)).toBe(2 ** -54); // the low 11 bits are dropped
    expect(u01FromWords(0xffffffff, 0xffffffff)).toBe(U01_MAX);
    expect(U01_MAX).toBe(1 - 2 ** -53);
    expect(u01FromWords(0xffffffff, 0xfffff000)).toBe(1 - 2 ** -52); // tie rounds to even
    expect(u01FromWords(0x80000000, 0)).toBe(0.5); // m = 2^52: m + 0.5 ties to even (m)
    expect(u01FromWords(0x7fffffff, 0xfffff800)).toBe(0.5 - 2 ** -54); // m = 2^52 - 1: exact
  });

  it('streamInitAt == Substream(k0,k1,lo,hi), incl. carry into the high counter word', () => {
    for (const [lo, hi] of [
      [0, 0],
      [5, 0],
      [0xfffffffe, 0],
      [0xffffffff, 7],
    ] as const) {
      k.streamInitAt(K0, K1, lo, hi);
      const s = new Substream(K0, K1, lo, hi);
      for (let i = 0; i < 9; i++) expect(k.streamU01()).toBe(s.u01());
      expectSameAccounting(s, `initAt ${lo},${hi}`);
      expect(s.counterEnd - s.counterStart).toBe(5n);
    }
  });

  it('skip-ahead: the stream started at block b continues the stream from 0', () => {
    const a = new Substream(K0, K1);
    const all = Array.from({ length: 40 }, () => a.u01());
    const b = new Substream(K0, K1, 7, 0);
    expect(Array.from({ length: 26 }, () => b.u01())).toEqual(all.slice(14));
  });

  it('keys matter: different keys give different streams', () => {
    const a = new Substream(1, 0);
    const b = new Substream(0, 1);
    expect(a.u01()).not.toBe(b.u01());
  });
});

describe('distributions: wasm == TS bit for bit, same accounting', () => {
  const N = 50_000;

  it('normal', () => {
    const w = wasmFill('f64', N, (p) => k.fillNormal(K0, K1, p, N));
    const s = new Substream(K0, K1);
    expectSameBits(
      w,
      Float64Array.from({ length: N }, () => normal(s)),
      'normal',
    );
    expectSameAccounting(s, 'normal');
    expect(s.draws).toBe(2 * N);
  });

  it('lognormal', () => {
    const w = wasmFill('f64', N, (p) => k.fillLognormal(1.5, 0.8, K0, K1, p, N));
    const s = new Substream(K0, K1);
    expectSameBits(
      w,
      Float64Array.from({ length: N }, () => lognormal(s, 1.5, 0.8)),
      'lognormal',
    );
    expectSameAccounting(s, 'lognormal');
  });

  it('gumbel', () => {
    const w = wasmFill('f64', N, (p) => k.fillGumbel(K0, K1, p, N));
    const s = new Substream(K0, K1);
    expectSameBits(
      w,
      Float64Array.from({ length: N }, () => gumbel(s)),
      'gumbel',
    );
    expectSameAccounting(s, 'gumbel');
    expect(s.draws).toBe(N);
  });

  for (const a of [0.3, 1, 2.5, 40]) {
    it(`gamma(${a})`, () => {
      const w = wasmFill('f64', N, (p) => k.fillGamma(a, K0, K1, p, N));
      const s = new Substream(K0, K1);
      expectSameBits(
        w,
        Float64Array.from({ length: N }, () => gamma(s, a)),
        `gamma(${a})`,
      );
      expectSameAccounting(s, `gamma(${a})`);
    });
  }

  for (const lambda of [0.5, 3, 9.9, 10, 57, 1e4]) {
    it(`poisson(${lambda})`, () => {
      const w = wasmFill('i32', N, (p) => k.fillPoisson(lambda, K0, K1, p, N));
      const s = new Substream(K0, K1);
      expectSameBits(
        w,
        Int32Array.from({ length: N }, () => poisson(s, lambda)),
        `poisson(${lambda})`,
      );
      expectSameAccounting(s, `poisson(${lambda})`);
      if (lambda < 10) expect(s.draws).toBe(N);
    });
  }

  for (const [lambda, maxAttempts] of [
    [0.05, 3],
    [0.7, 50],
    [2, 50],
    [25, 50],
  ] as const) {
    it(`ztp(${lambda}, maxAttempts ${maxAttempts})`, () => {
      const w = wasmFill('i32', N, (p) => k.fillZtp(lambda, maxAttempts, K0, K1, p, N));
      const s = new Substream(K0, K1);
      const t = Int32Array.from({ length: N }, () => ztp(s, lambda, maxAttempts));
      expectSameBits(w, t, `ztp(${lambda})`);
      expectSameAccounting(s, `ztp(${lambda})`);
      if (lambda === 0.05) expect(t.includes(-1)).toBe(true); // exhaustion path exercised
      expect(t.includes(0)).toBe(false);
    });
  }

  for (const [mu, phi] of [
    [5, 2],
    [0.4, 0.5],
    [300, 8],
  ] as const) {
    it(`nb2(${mu}, ${phi})`, () => {
      const w = wasmFill('i32', N, (p) => k.fillNb2(mu, phi, K0, K1, p, N));
      const s = new Substream(K0, K1);
      expectSameBits(
        w,
        Int32Array.from({ length: N }, () => nb2(s, mu, phi)),
        `nb2(${mu},${phi})`,
      );
      expectSameAccounting(s, `nb2(${mu},${phi})`);
    });
  }

  it('dirichlet', () => {
    const alpha = [0.2, 1, 2.5, 7, 0.9];
    const rows = 10_000;
    k.resetHeap();
    const aPtr = k.putF64(alpha);
    const out = k.allocF64(rows * alpha.length);
    k.fillDirichlet(aPtr, alpha.length, K0, K1, out, rows);
    const w = k.f64(out, rows * alpha.length).slice();
    const s = new Substream(K0, K1);
    const t = new Float64Array(rows * alpha.length);
    for (let r = 0; r < rows; r++) dirichlet(s, alpha, t.subarray(r * alpha.length, (r + 1) * alpha.length));
    expectSameBits(w, t, 'dirichlet');
    expectSameAccounting(s, 'dirichlet');
  });

  it('mixed sequence through the single-value exports shares one stream state', () => {
    k.resetHeap();
    const aPtr = k.putF64([0.5, 3]);
    const oPtr = k.allocF64(2);
    k.streamInit(K1, K0);
    const s = new Substream(K1, K0);
    const tout = new Float64Array(2);
    for (let i = 0; i < 2000; i++) {
      expect(k.rngNormal()).toBe(normal(s));
      expect(k.rngGamma(0.7)).toBe(gamma(s, 0.7));
      expect(k.rngPoisson(12.5)).toBe(poisson(s, 12.5));
      expect(k.streamU01()).toBe(s.u01());
      expect(k.rngPoisson(4)).toBe(poisson(s, 4));
      expect(k.rngNb2(3, 1.5)).toBe(nb2(s, 3, 1.5));
      expect(k.rngZtp(1.2, 10)).toBe(ztp(s, 1.2, 10));
      expect(k.rngGumbel()).toBe(gumbel(s));
      expect(k.rngLognormal(0, 1)).toBe(lognormal(s, 0, 1));
      k.rngDirichlet(aPtr, 2, oPtr);
      dirichlet(s, [0.5, 3], tout);
      expect(Array.from(k.f64(oPtr, 2))).toEqual(Array.from(tout));
    }
    expectSameAccounting(s, 'mixed');
  });

  it('bad parameters: no draws, sentinel results', () => {
    k.streamInit(1, 1);
    const s = new Substream(1, 1);
    expect(Number.isNaN(k.rngGamma(0))).toBe(true);
    expect(Number.isNaN(gamma(s, -1))).toBe(true);
    expect(k.rngPoisson(0)).toBe(0);
    expect(poisson(s, -3)).toBe(0);
    expect(k.rngZtp(0, 5)).toBe(-1);
    expect(ztp(s, 0, 5)).toBe(-1);
    expect(k.rngNb2(3, 0)).toBe(-1);
    expect(nb2(s, 3, 0)).toBe(-1);
    expect(s.draws).toBe(0);
    expect(k.accounting().draws).toBe(0);
  });
});

describe('alias: wasm == TS bit for bit', () => {
  const weightSets: Array<[string, number[]]> = [
    ['single', [3]],
    ['uniform 7', [1, 1, 1, 1, 1, 1, 1]],
    ['with zeros', [0, 5, 0, 1, 2, 0, 0.5]],
    ['extreme range', [1e-300, 1, 1e10, 3, 1e-5, 1e12]],
    [
      'random 1000',
      (() => {
        const s = new Substream(11, 12);
        return Array.from({ length: 1000 }, (_, i) => (i % 17 === 0 ? 0 : (-Math.log(s.u01())) ** 3));
      })(),
    ],
    ['zipf 5000', Array.from({ length: 5000 }, (_, i) => 1 / (i + 1) ** 1.1)],
  ];
  for (const [name, weights] of weightSets) {
    it(name, () => {
      const n = weights.length;
      k.resetHeap();
      const wPtr = k.putF64(weights);
      const pPtr = k.allocF64(n);
      const aPtr = k.allocI32(n);
      expect(k.aliasBuild(wPtr, n, pPtr, aPtr)).toBe(0);
      const t = aliasBuild(weights);
      expectSameBits(k.f64(pPtr, n).slice(), t.prob, `${name} prob`);
      expectSameBits(k.i32(aPtr, n).slice(), t.alias, `${name} alias`);
      const count = 20_000;
      const oPtr = k.allocI32(count);
      k.streamInit(K0, K1);
      k.aliasSampleBatch(pPtr, aPtr, n, oPtr, count);
      const s = new Substream(K0, K1);
      expectSameBits(k.i32(oPtr, count).slice(), aliasSampleBatch(s, t, new Int32Array(count)), `${name} samples`);
      expectSameAccounting(s, `${name} samples`);
      expect(s.draws).toBe(count);
      // zero-weight indices are never drawn
      const drawn = new Set(k.i32(oPtr, count));
      weights.forEach((w, i) => {
        if (w === 0) expect(drawn.has(i)).toBe(false);
      });
    });
  }

  it('table reconstructs the weights (column masses)', () => {
    const weights = weightSets[4]![1];
    const t = aliasBuild(weights);
    const n = t.n;
    const mass = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      mass[j]! += t.prob[j]! / n;
      mass[t.alias[j]!]! += (1 - t.prob[j]!) / n;
    }
    const sum = weights.reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) expect(Math.abs(mass[j]! - weights[j]! / sum)).toBeLessThan(1e-13);
    for (let j = 0; j < n; j++) {
      expect(t.prob[j]).toBeGreaterThanOrEqual(0);
      expect(t.prob[j]).toBeLessThanOrEqual(1);
      if (t.prob[j] === 1) expect(t.alias[j]).toBe(j); // leftovers alias themselves
    }
  });

  it('bad weights: wasm -1, TS RangeError', () => {
    for (const bad of [[], [0, 0], [1, -1], [1, NaN], [1, Infinity]]) {
      k.resetHeap();
      const n = bad.length;
      const wPtr = k.putF64(bad);
      expect(k.aliasBuild(wPtr, n, k.allocF64(Math.max(n, 1)), k.allocI32(Math.max(n, 1)))).toBe(-1);
      expect(() => aliasBuild(bad)).toThrow(RangeError);
    }
  });
});
