// 6A's two probability laws used by several states: concatenated alias tables over keyed mixes (scheme,
// device type, OS and role mixes), and a base probability tilted by a segment's profile scores.
import { aliasBuild } from '../../rng/alias.js';
import { fm_exp } from '../../rng/fmath.js';
import { SCORES, type Score, type Segment } from './policies.js';

/** Alias tables of several mixes, concatenated: off (k + 1), prob, alias, and each entry's code. */
export interface AliasTables {
  off: Int32Array;
  prob: Float64Array;
  alias: Int32Array;
  code: Int32Array;
}

export function aliasTables(mixes: Record<string, number>[], codeOf: (key: string) => number): AliasTables {
  const off = [0],
    prob: number[] = [],
    alias: number[] = [],
    code: number[] = [];
  for (const m of mixes) {
    const keys = Object.keys(m).filter((k) => m[k] > 0);
    if (keys.length) {
      const t = aliasBuild(keys.map((k) => m[k]));
      prob.push(...t.prob);
      alias.push(...t.alias);
      code.push(...keys.map(codeOf));
    }
    off.push(prob.length);
  }
  return { off: Int32Array.from(off), prob: Float64Array.from(prob), alias: Int32Array.from(alias), code: Int32Array.from(code) };
}

/** Table j of concatenated tables, as the TypeScript references take it. */
export function tableAt(t: AliasTables, j: number): { prob: Float64Array; alias: Int32Array; code: Int32Array } {
  const a = t.off[j],
    b = t.off[j + 1];
  return { prob: t.prob.slice(a, b), alias: t.alias.slice(a, b), code: t.code.slice(a, b) };
}

/** min(maxP, base × exp(Σ tilt[score] × (score − 0.5))) over a segment's profile (fm_exp: the same on every host). */
export function tilted(base: number, tilt: Partial<Record<Score, number>> | undefined, maxP: number, seg: Segment): number {
  let z = 0;
  for (const k of SCORES) z += (tilt?.[k] ?? 0) * (seg[k] - 0.5);
  return Math.min(maxP, base * fm_exp(z));
}
