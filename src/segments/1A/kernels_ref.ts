// TypeScript reference of assembly/seg1A/kernels.ts (same draws, same arithmetic order).
// Used by tests to prove kernel equality and by S9 to replay a sample of merchants.
import { Substream } from '../../rng/stream.js';
import { bernoulliRef, gamma, poisson } from '../../rng/dist.js';
import { aliasSample, type AliasTable } from '../../rng/alias.js';
import { fm_log } from '../../rng/fmath.js';

export interface Acct {
  draws: number;
  blocks: number;
}
const acct = (s: Substream): Acct => ({ draws: s.draws, blocks: s.blocks });

export function universeRef(k: [number, number], countries: AliasTable, mccs: AliasTable, pCnp: Float64Array) {
  const s = new Substream(k[0], k[1]);
  const home = aliasSample(s, countries);
  const m = aliasSample(s, mccs);
  const cnp = s.u01() < pCnp[m] ? 1 : 0;
  return { home, mcc: m, cnp, ...acct(s) };
}

export function hurdleRef(k: [number, number], pi: number) {
  const { hit, u, draws, blocks } = bernoulliRef(k, pi);
  return { multi: hit, u, draws, blocks };
}

export function nbRef(k: [number, number], multi: number, mu: number, phi: number, maxAttempts: number) {
  const s = new Substream(k[0], k[1]);
  let N = 1;
  let rej = 0;
  if (multi !== 0) {
    N = -1;
    for (let a = 0; a < maxAttempts; a++) {
      const g = gamma(s, phi);
      const kk = poisson(s, (mu / phi) * g);
      if (kk >= 2) {
        N = kk;
        break;
      }
      rej++;
    }
  }
  return { N, rej, ...acct(s) };
}

export function ztpRef(k: [number, number], lambda: number, maxZero: number) {
  const s = new Substream(k[0], k[1]);
  let K = 0;
  let attempts = 0;
  if (lambda > 0) {
    K = -1;
    while (attempts < maxZero) {
      attempts++;
      const kk = poisson(s, lambda);
      if (kk > 0) {
        K = kk;
        break;
      }
    }
  }
  return { K, attempts, ...acct(s) };
}

export function gumbelRef(k: [number, number], weights: ArrayLike<number>, K: number) {
  const s = new Substream(k[0], k[1]);
  const n = weights.length;
  const keys = new Float64Array(n).fill(-Infinity);
  const order = new Int32Array(n);
  if (K > 0) {
    for (let j = 0; j < n; j++) if (weights[j] > 0) keys[j] = fm_log(weights[j]) - fm_log(-fm_log(s.u01()));
    for (let r = 1; r <= K; r++) {
      let best = -1;
      let bestKey = -Infinity;
      for (let j = 0; j < n; j++) {
        if (order[j] !== 0) continue;
        if (keys[j] > bestKey) {
          bestKey = keys[j];
          best = j;
        }
      }
      if (best < 0) break;
      order[best] = r;
    }
  }
  return { keys, order, ...acct(s) };
}
