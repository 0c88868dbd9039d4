// Statistical tests of the distributions on large samples with fixed keys (deterministic,
// so never flaky). Samples come from the wasm kernels (rng.agree.test.ts proves they equal
// the TS reference bit for bit). Tolerances: 5 standard errors for moments; chi-square and
// KS at p = 1e-4 / 1e-3. A wrong formula (variance, boundary, transform) misses these by far.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultWasmPath, loadKernels, type Kernels } from '../src/rng/wasm.js';

let k: Kernels;
beforeAll(async () => {
  const path = defaultWasmPath();
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build the wasm first (npm run build:wasm / make build)`);
  }
  k = await loadKernels(path);
});

const Z = 5; // standard errors allowed for moment checks

interface Moments {
  n: number;
  mean: number;
  variance: number;
  m3: number;
  m4: number;
}

function moments(xs: ArrayLike<number>): Moments {
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let m2 = 0,
    m3 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { n, mean, variance: m2 / (n - 1), m3: m3 / n, m4: m4 / n };
}

/** mean within Z standard errors of `want` (SE from the sample variance). */
function expectMean(m: Moments, want: number, what: string): void {
  const se = Math.sqrt(m.variance / m.n);
  expect(Math.abs(m.mean - want), `${what}: mean ${m.mean} vs ${want} (se ${se})`).toBeLessThan(Z * se);
}

/** variance within Z standard errors of `want` (SE of s^2 ~ sqrt((m4 - s^4)/n)). */
function expectVariance(m: Moments, want: number, what: string): void {
  const se = Math.sqrt(Math.max(m.m4 - m.variance * m.variance, 0) / m.n);
  expect(Math.abs(m.variance - want), `${what}: variance ${m.variance} vs ${want} (se ${se})`).toBeLessThan(Z * se);
}

/** Upper chi-square quantile (Wilson–Hilferty), z = 3.719 for p = 1e-4. */
function chi2Critical(df: number, z = 3.719): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Chi-square of integer samples against pmf(k), k = 0.., bins merged until each expects >= 5;
 * the last bin takes the whole upper tail. Returns [statistic, df].
 */
function chi2Discrete(samples: Int32Array, pmf: (k: number) => number, kMax: number): [number, number] {
  const n = samples.length;
  const counts = new Float64Array(kMax + 2);
  for (const s of samples) counts[Math.min(Math.max(s, 0), kMax + 1)]!++;
  for (const s of samples) if (s < 0) throw new Error(`negative sample ${s}`);
  const bins: Array<[number, number]> = []; // [observed, expected]
  let obs = 0,
    exp = 0,
    cum = 0;
  for (let kk = 0; kk <= kMax; kk++) {
    const p = pmf(kk);
    obs += counts[kk]!;
    exp += n * p;
    cum += p;
    if (exp >= 5 && n * (1 - cum) >= 5) {
      bins.push([obs, exp]);
      obs = 0;
      exp = 0;
    }
  }
  obs += counts[kMax + 1]!;
  exp += n * Math.max(1 - cum, 0);
  bins.push([obs, exp]);
  let stat = 0;
  for (const [o, e] of bins) stat += ((o - e) * (o - e)) / e;
  return [stat, bins.length - 1];
}

function expectChi2(samples: Int32Array, pmf: (k: number) => number, kMax: number, what: string): void {
  const [stat, df] = chi2Discrete(samples, pmf, kMax);
  expect(df, `${what}: too few bins`).toBeGreaterThanOrEqual(1);
  expect(stat, `${what}: chi2 ${stat.toFixed(1)} on ${df} df`).toBeLessThan(chi2Critical(df));
}

/** Kolmogorov–Smirnov statistic of xs against a continuous cdf. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
const KS_CRIT_001 = (n: number): number => 1.949 / Math.sqrt(n); // p = 0.001

/** erfc with fractional error < 1.2e-7 (Numerical Recipes' Chebyshev fit) — enough for KS here. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

function f64Fill(len: number, run: (ptr: number) => void): Float64Array {
  k.resetHeap();
  const ptr = k.allocF64(len);
  run(ptr);
  return k.f64(ptr, len).slice();
}
function i32Fill(len: number, run: (ptr: number) => void): Int32Array {
  k.resetHeap();
  const ptr = k.allocI32(len);
  run(ptr);
  return k.i32(ptr, len).slice();
}

const poissonPmf =
  (lambda: number) =>
  (kk: number): number => {
    let lp = -lambda; // log pmf by recurrence (no lgamma needed)
    for (let j = 1; j <= kk; j++) lp += Math.log(lambda / j);
    return Math.exp(lp);
  };

describe('u01', () => {
  it('KS uniformity, moments and lag-1 correlation on 10^6 draws', () => {
    const n = 1_000_000;
    const u = f64Fill(n, (p) => k.fillU01(101, 202, p, n));
    expect(ksStatistic(u, (x) => x)).toBeLessThan(KS_CRIT_001(n));
    const m = moments(u);
    expectMean(m, 0.5, 'u01');
    expectVariance(m, 1 / 12, 'u01');
    let c = 0;
    for (let i = 1; i < n; i++) c += (u[i]! - 0.5) * (u[i - 1]! - 0.5);
    const r = c / (n - 1) / (1 / 12);
    expect(Math.abs(r)).toBeLessThan(Z / Math.sqrt(n));
    let lo = 1,
      hi = 0;
    for (const x of u) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
  });
});

describe('normal and lognormal', () => {
  it('normal: KS vs Phi, mean 0, variance 1, skewness 0, kurtosis 3 (10^6)', () => {
    const n = 1_000_000;
    const z = f64Fill(n, (p) => k.fillNormal(7, 8, p, n));
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_CRIT_001(n));
    const m = moments(z);
    expectMean(m, 0, 'normal');
    expectVariance(m, 1, 'normal');
    expect(Math.abs(m.m3)).toBeLessThan(Z * Math.sqrt(6 / n)); // sigma = 1
    expect(Math.abs(m.m4 - 3)).toBeLessThan(Z * Math.sqrt(24 / n));
  });

  it('lognormal(1, 0.5): mean exp(mu + sigma^2/2), log-moments mu and sigma^2 (2e5)', () => {
    const n = 200_000;
    const x = f64Fill(n, (p) => k.fillLognormal(1, 0.5, 3, 4, p, n));
    expectMean(moments(x), Math.exp(1 + 0.125), 'lognormal');
    const lm = moments(x.map(Math.log));
    expectMean(lm, 1, 'log lognormal');
    expectVariance(lm, 0.25, 'log lognormal');
  });
});

describe('gamma', () => {
  for (const a of [0.3, 1, 2.5, 40]) {
    it(`gamma(${a}): mean a, variance a, skewness 2/sqrt(a) (2e5)`, () => {
      const n = 200_000;
      const g = f64Fill(n, (p) => k.fillGamma(a, 11, 12, p, n));
      for (const x of g) if (!(x >= 0)) throw new Error(`gamma sample ${x}`);
      const m = moments(g);
      expectMean(m, a, `gamma(${a})`);
      expectVariance(m, a, `gamma(${a})`);
      const skew = m.m3 / m.variance ** 1.5;
      expect(Math.abs(skew - 2 / Math.sqrt(a)), `gamma(${a}) skew ${skew}`).toBeLessThan(0.1 * (2 / Math.sqrt(a)) + 0.02);
    });
  }

  it('gamma(1) is Exp(1): KS (2e5)', () => {
    const n = 200_000;
    const g = f64Fill(n, (p) => k.fillGamma(1, 13, 14, p, n));
    expect(ksStatistic(g, (x) => 1 - Math.exp(-x))).toBeLessThan(KS_CRIT_001(n));
  });

  it('gamma(0.3): P(X < 0.01) = regularized lower gamma (small-shape boost u^(1/a))', () => {
    const n = 200_000;
    const g = f64Fill(n, (p) => k.fillGamma(0.3, 15, 16, p, n));
    // P(X < x) = x^a/Gamma(a+1) * sum_j (-x)^j / (j! (a+j)) * a  ->  series
    const a = 0.3,
      x = 0.01;
    let sum = 0,
      term = 1;
    for (let j = 0; j < 30; j++) {
      sum += term / (a + j);
      term *= -x / (j + 1);
    }
    const gammaA = 2.991568987687591; // Gamma(0.3)
    const p = (x ** a * sum) / gammaA;
    let c = 0;
    for (const v of g) if (v < x) c++;
    const se = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(c / n - p)).toBeLessThan(Z * se);
  });
});

describe('poisson', () => {
  for (const lambda of [0.5, 3, 9.9, 10, 57]) {
    it(`poisson(${lambda}): chi-square vs pmf, mean and variance lambda (10^6)`, () => {
      const n = 1_000_000;
      const x = i32Fill(n, (p) => k.fillPoisson(lambda, 21, 22, p, n));
      expectChi2(x, poissonPmf(lambda), Math.ceil(lambda + 12 * Math.sqrt(lambda) + 20), `poisson(${lambda})`);
      const m = moments(x);
      expectMean(m, lambda, `poisson(${lambda})`);
      expectVariance(m, lambda, `poisson(${lambda})`);
      // the method boundary: inversion (exactly 1 draw) below 10, PTRS (>= 2 per value) from 10
      const draws = k.accounting().draws;
      if (lambda < 10) expect(draws).toBe(n);
      else expect(draws).toBeGreaterThanOrEqual(2 * n);
    });
  }

  it('poisson(1e4): mean, variance, chi-square (2e5)', () => {
    const n = 200_000;
    const lambda = 1e4;
    const x = i32Fill(n, (p) => k.fillPoisson(lambda, 23, 24, p, n));
    const m = moments(x);
    expectMean(m, lambda, 'poisson(1e4)');
    expectVariance(m, lambda, 'poisson(1e4)');
    // pmf relative to the mode avoids underflow of e^-lambda; normalise over the window
    const lo = 9000,
      hi = 11000;
    const logp = new Float64Array(hi - lo + 1);
    let lp = 0;
    for (let kk = lambda + 1; kk <= hi; kk++) logp[kk - lo] = lp += Math.log(lambda / kk);
    lp = 0;
    for (let kk = lambda; kk > lo; kk--) logp[kk - 1 - lo] = lp += Math.log(kk / lambda);
    let z = 0;
    for (const v of logp) z += Math.exp(v);
    const shifted = x.map((v) => v - lo);
    for (const v of shifted) if (v < 0 || v > hi - lo) throw new Error(`poisson(1e4) sample ${v + lo} outside window`);
    expectChi2(shifted, (kk) => (kk <= hi - lo ? Math.exp(logp[kk]!) / z : 0), hi - lo, 'poisson(1e4)');
  });

  it('zero-truncated poisson: mean lambda/(1-e^-lambda), chi-square for lambda = 2 (2e5)', () => {
    const n = 200_000;
    for (const lambda of [0.3, 2, 15]) {
      const x = i32Fill(n, (p) => k.fillZtp(lambda, 1000, 31, 32, p, n));
      for (const v of x) if (v < 1) throw new Error(`ztp(${lambda}) gave ${v}`);
      expectMean(moments(x), lambda / (1 - Math.exp(-lambda)), `ztp(${lambda})`);
      if (lambda === 2) {
        const pmf = poissonPmf(2);
        const z = 1 - Math.exp(-2);
        expectChi2(x, (kk) => (kk === 0 ? 0 : pmf(kk) / z), 40, 'ztp(2)');
      }
    }
  });
});

describe('nb2', () => {
  for (const [mu, phi] of [
    [5, 2],
    [50, 0.7],
    [0.8, 3],
  ] as const) {
    it(`nb2(${mu}, ${phi}): mean mu, variance mu + mu^2/phi, chi-square vs pmf (2e5)`, () => {
      const n = 200_000;
      const x = i32Fill(n, (p) => k.fillNb2(mu, phi, 41, 42, p, n));
      const m = moments(x);
      expectMean(m, mu, `nb2(${mu},${phi})`);
      expectVariance(m, mu + (mu * mu) / phi, `nb2(${mu},${phi})`);
      const q = mu / (phi + mu);
      const p0 = (phi / (phi + mu)) ** phi;
      const pmfs: number[] = [p0];
      const kMax = Math.ceil(mu + 40 * Math.sqrt(mu + (mu * mu) / phi) + 50);
      for (let kk = 1; kk <= kMax; kk++) pmfs.push((pmfs[kk - 1]! * (kk - 1 + phi) * q) / kk);
      expectChi2(x, (kk) => pmfs[kk]!, kMax, `nb2(${mu},${phi})`);
    });
  }
});

describe('dirichlet and gumbel', () => {
  it('dirichlet(0.3, 1, 2.5, 6): component means alpha_i/alpha_0 and variances (10^5 rows)', () => {
    const alpha = [0.3, 1, 2.5, 6];
    const a0 = alpha.reduce((s, a) => s + a, 0);
    const rows = 100_000;
    k.resetHeap();
    const aPtr = k.putF64(alpha);
    const out = k.allocF64(rows * alpha.length);
    k.fillDirichlet(aPtr, alpha.length, 51, 52, out, rows);
    const x = k.f64(out, rows * alpha.length).slice();
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = 0; i < alpha.length; i++) s += x[r * alpha.length + i]!;
      if (Math.abs(s - 1) > 1e-12) throw new Error(`row ${r} sums to ${s}`);
    }
    alpha.forEach((a, i) => {
      const col = Float64Array.from({ length: rows }, (_, r) => x[r * alpha.length + i]!);
      const m = moments(col);
      expectMean(m, a / a0, `dirichlet[${i}]`);
      expectVariance(m, (a * (a0 - a)) / (a0 * a0 * (a0 + 1)), `dirichlet[${i}]`);
    });
  });

  it('gumbel: mean Euler gamma, variance pi^2/6, KS vs exp(-exp(-x)) (2e5)', () => {
    const n = 200_000;
    const g = f64Fill(n, (p) => k.fillGumbel(61, 62, p, n));
    const m = moments(g);
    expectMean(m, 0.5772156649015329, 'gumbel');
    expectVariance(m, (Math.PI * Math.PI) / 6, 'gumbel');
    expect(ksStatistic(g, (x) => Math.exp(-Math.exp(-x)))).toBeLessThan(KS_CRIT_001(n));
  });
});

describe('alias sampling', () => {
  const cases: Array<[string, number[]]> = [
    ['50 uneven weights with zeros', Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? 0 : ((i * 37) % 11) + 0.25))],
    ['zipf(1.2) over 200', Array.from({ length: 200 }, (_, i) => 1 / (i + 1) ** 1.2)],
    ['two-point 0.999/0.001', [999, 1]],
  ];
  for (const [name, w] of cases) {
    it(`${name}: chi-square vs weights (10^6 draws)`, () => {
      const n = w.length;
      const count = 1_000_000;
      k.resetHeap();
      const wPtr = k.putF64(w);
      const pPtr = k.allocF64(n);
      const aPtr = k.allocI32(n);
      expect(k.aliasBuild(wPtr, n, pPtr, aPtr)).toBe(0);
      const oPtr = k.allocI32(count);
      k.streamInit(71, 72);
      k.aliasSampleBatch(pPtr, aPtr, n, oPtr, count);
      const x = k.i32(oPtr, count).slice();
      const sum = w.reduce((s, v) => s + v, 0);
      const counts = new Float64Array(n);
      for (const j of x) {
        if (j < 0 || j >= n) throw new Error(`alias index ${j}`);
        counts[j]!++;
      }
      let stat = 0;
      let df = -1;
      w.forEach((wi, j) => {
        if (wi === 0) {
          expect(counts[j], `zero weight ${j} drawn`).toBe(0);
          return;
        }
        const e = (count * wi) / sum;
        stat += ((counts[j]! - e) * (counts[j]! - e)) / e;
        df++;
      });
      expect(stat, `${name}: chi2 ${stat.toFixed(1)} on ${df} df`).toBeLessThan(chi2Critical(df));
    });
  }
});
