// Output bytes must not depend on the host's libm (SPEC §4): data-producing code uses the engine's own
// transcendental functions (rng/fmath.ts fm_*, twins of assembly/math), never V8's Math.exp/log/pow/….
// Exponentiation is allowed only where it is exact on every host: 2 ** n, 10 ** n (n a policy's small integer
// decimal places: 10^n is exact up to 10^22), BigInt powers and integer-literal powers.
import { describe, expect, it } from 'vitest';
import { ROOT, tsFiles } from './support/source.js';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fm_pow } from '../src/rng/fmath.js';

const HOST_MATH = /\bMath\.(pow|exp|expm1|log|log1p|log2|log10|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cbrt|hypot|fround)\b/g;
// a ** b whose base is not 2, 10 or 10n and whose exponent is not an integer literal
const INEXACT_POW = /([\w.)\]]+)\s*\*\*\s*(\(?[\w.]+)/g;

/** Code without comments or string/template literals (which may mention Math.exp in prose). */
export function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

export function hostMathCalls(text: string): string[] {
  const code = codeOf(text);
  const bad = [...code.matchAll(HOST_MATH)].map((m) => m[0]);
  for (const m of code.matchAll(INEXACT_POW)) {
    const [, base, exp] = m;
    if (['2', '10', '10n'].includes(base) || /^\d+$/.test(exp)) continue;
    bad.push(`${base} ** ${exp}`);
  }
  return bad;
}

describe('no host libm in data paths', () => {
  const files = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'workers'))];

  it('finds no host transcendental call in src/ or workers/', () => {
    const found = files.flatMap((f) => hostMathCalls(readFileSync(f, 'utf8')).map((c) => `${relative(ROOT, f)}: ${c}`));
    expect(found).toEqual([]);
  });

  it('catches planted calls and lets exact ones pass', () => {
    expect(hostMathCalls('const w = Math.pow(gdp, e);')).toEqual(['Math.pow']);
    expect(hostMathCalls('const phi = Float64Array.from(l, (x) => Math.exp(-1 / x));')).toEqual(['Math.exp']);
    expect(hostMathCalls('const y = x ** 0.5;')).toEqual(['x ** 0.5']);
    expect(hostMathCalls('const y = x ** k;')).toEqual(['x ** k']);
    expect(hostMathCalls('const G = 2 ** bits; const c = x ** 2; // Math.log in a comment')).toEqual([]);
    expect(hostMathCalls("fail('Math.exp in a message')")).toEqual([]);
  });

  it('fm_pow stands in for pow within a few ulps, with the edge cases of x^y for x ≥ 0', () => {
    for (const [x, y] of [
      [1234.5, 0.62],
      [0.3, 2.5],
      [20_000, 0.8],
      [7, -1.5],
      [1, 9],
    ]) {
      expect(Math.abs(fm_pow(x, y) / Math.pow(x, y) - 1)).toBeLessThan(1e-13);
    }
    expect([fm_pow(0, 2), fm_pow(0, 0), fm_pow(5, 0), fm_pow(0, -1)]).toEqual([0, 1, 1, Infinity]);
    expect(fm_pow(-2, 0.5)).toBeNaN();
  });
});
