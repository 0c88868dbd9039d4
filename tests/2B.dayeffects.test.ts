// S3 day effects: γ has mean 1 and the policy's variance (log γ ~ N(−σ²/2, σ²)), and S4 renormalises
// base_share × γ per merchant-day. Drawn by the wasm kernel exactly as the pool runs it.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k2bDayEffects } from '../src/kernels/2B.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { packDayParams, type DayParams } from '../src/segments/2B/kernels_ref.js';
import { dayParams, load2B } from '../src/segments/2B/policies.js';
import { loadPolicyPack } from '../src/config/load.js';
import { fm_sin } from '../src/rng/fmath.js';

let ex: KernelExports;
beforeAll(() => {
  ex = instantiateKernelsSync();
});

function run(M: number, G: number, D: number, prm: DayParams, sigmaBase = 0.09, weeklyAmp = 0.0) {
  const k = new Uint32Array(2 * M),
    pk = new Uint32Array(2 * M);
  const ids = BigUint64Array.from({ length: M }, (_, i) => BigInt(i + 1));
  const id = { manifest_fingerprint: 'ef'.repeat(32), seed: 3n, parameter_hash: '01'.repeat(32) };
  new FamilyKeys(id, 't.2B.day').fill(ids, k);
  new FamilyKeys(id, 't.2B.profile').fill(ids, pk);
  const goff = Int32Array.from({ length: M + 1 }, (_, i) => i * G);
  const share = Float64Array.from({ length: M * G }, (_, r) => (1 + (r % G)) / ((G * (G + 1)) / 2));
  const rows = M * G * D;
  const c = () => new SharedCol('f64', rows);
  const o = {
    gamma: c(),
    lg: c(),
    pg: c(),
    mr: c(),
    den: c(),
    sigma: new SharedCol('f64', M * G),
    jit: new SharedCol('f64', M),
    ph: new SharedCol('f64', M),
    clip: new SharedCol('i32', M),
  };
  const acc = [0, 1, 2, 3].map(() => new SharedCol('u32', M));
  runTask(
    ex,
    k2bDayEffects.task({
      n: M,
      dayKeys: SharedCol.from('u32', k).all(),
      profKeys: SharedCol.from('u32', pk).all(),
      groupOff: SharedCol.from('i32', goff).all(),
      baseShare: SharedCol.from('f64', share).all(),
      tzMult: SharedCol.from('f64', new Float64Array(M * G).fill(1)).all(),
      sigmaBase: SharedCol.from('f64', new Float64Array(M).fill(sigmaBase)).all(),
      weeklyAmp: SharedCol.from('f64', new Float64Array(M).fill(weeklyAmp)).all(),
      nDays: D,
      dow0: 0,
      prm: SharedCol.from('f64', packDayParams(prm)).all(),
      outGamma: o.gamma.out(0, rows),
      outLogGamma: o.lg.out(0, rows),
      outPGroup: o.pg.out(0, rows),
      outMassRaw: o.mr.out(0, rows),
      outDenom: o.den.out(0, rows),
      outSigma: o.sigma.out(0, M * G),
      outJitter: o.jit.out(0, M),
      outPhase: o.ph.out(0, M),
      outClipped: o.clip.out(0, M),
      outDraws: acc[0].out(0, M),
      outBlocks: acc[1].out(0, M),
      outPDraws: acc[2].out(0, M),
      outPBlocks: acc[3].out(0, M),
    }),
  );
  const v = (x: SharedCol) => x.view() as Float64Array;
  return {
    gamma: v(o.gamma),
    lg: v(o.lg),
    pg: v(o.pg),
    mr: v(o.mr),
    den: v(o.den),
    sigma: v(o.sigma),
    jitter: v(o.jit),
    phase: v(o.ph),
    clipped: (o.clip.view() as Int32Array).reduce((a, b) => a + b, 0),
    draws: acc[0].view() as Uint32Array,
    share,
  };
}

const moments = (x: Float64Array) => {
  let s = 0,
    q = 0;
  for (const v of x) s += v;
  const m = s / x.length;
  for (const v of x) q += (v - m) ** 2;
  return { mean: m, variance: q / (x.length - 1) };
};

describe('2B S3 day effects', async () => {
  const pack = await loadPolicyPack(join(__dirname, '..', 'config'));
  const policy = load2B(pack);

  it('scalar σ (profile off): E[γ] = 1 and Var[γ] = exp(σ²) − 1', () => {
    for (const sigma of [policy.day.sigma_gamma, 0.3]) {
      const prm = { ...dayParams(policy.day), profile: false, sigma, regulariser: false };
      const r = run(2000, 1, 90, prm);
      const { mean, variance } = moments(r.gamma);
      const want = Math.exp(sigma * sigma) - 1;
      const se = Math.sqrt(want / r.gamma.length);
      expect(Math.abs(mean - 1)).toBeLessThan(5 * se);
      expect(Math.abs(variance / want - 1)).toBeLessThan(0.05);
      expect(Array.from(r.draws).every((d) => d === 90)).toBe(true);
      const lg = moments(r.lg);
      expect(Math.abs(lg.mean + (sigma * sigma) / 2)).toBeLessThan((5 * sigma) / Math.sqrt(r.lg.length));
      expect(Math.abs(Math.sqrt(lg.variance) / sigma - 1)).toBeLessThan(0.01);
    }
  });

  it('policy σ profile: per-merchant σ within [sigma_min, sigma_max], standardised z ~ N(0,1), mean γ ≈ 1', () => {
    const prm = dayParams(policy.day);
    expect(prm.profile).toBe(true);
    const sp = policy.day.sigma_profile;
    const D = 91,
      G = 2,
      M = 1500;
    const r = run(M, G, D, prm, sp.segments[0].sigma_base, sp.segments[0].weekly_amp);
    const z = new Float64Array(M * G * D);
    for (let m = 0; m < M; m++) {
      expect(Math.abs(r.jitter[m] - 1)).toBeLessThanOrEqual(sp.merchant_jitter_amplitude);
      for (let d = 0; d < D; d++) {
        const weekly = sp.segments[0].weekly_amp * fm_sin((2 * Math.PI * (d % 7)) / 7 + r.phase[m]);
        for (let g = 0; g < G; g++) {
          const s = r.sigma[m * G + g];
          const i = (m * D + d) * G + g;
          z[i] = (r.lg[i] + (s * s) / 2 - weekly) / s;
        }
      }
    }
    expect(Math.min(...r.sigma)).toBeGreaterThanOrEqual(sp.sigma_min);
    expect(Math.max(...r.sigma)).toBeLessThanOrEqual(sp.sigma_max);
    const zm = moments(z);
    expect(Math.abs(zm.mean)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(zm.variance) - 1)).toBeLessThan(0.02);
    expect(Math.abs(moments(r.gamma).mean - 1)).toBeLessThan(0.002);
    let lo = Infinity,
      hi = -Infinity;
    for (const g of r.gamma) [lo, hi] = [Math.min(lo, g), Math.max(hi, g)];
    expect(lo).toBeGreaterThanOrEqual(sp.gamma_clip.min);
    expect(hi).toBeLessThanOrEqual(sp.gamma_clip.max);
    // σ varies across merchants (the merchant jitter), not one global regime
    const perMerchant = Float64Array.from({ length: M }, (_, m) => r.sigma[m * G]);
    expect(Math.sqrt(moments(perMerchant).variance)).toBeGreaterThan(0.003);
  });

  it('S4: p_group = base_share·γ / Σ_g base_share·γ per merchant-day', () => {
    const r = run(300, 3, 30, dayParams(policy.day));
    let bad = 0;
    for (let b = 0; b < 300 * 30; b++) {
      let s = 0,
        den = 0;
      for (let g = 0; g < 3; g++) {
        const i = b * 3 + g;
        s += r.pg[i];
        den += r.share[Math.floor(b / 30) * 3 + g] * r.gamma[i];
        if (r.mr[i] !== r.share[Math.floor(b / 30) * 3 + g] * r.gamma[i]) bad++;
        if (r.pg[i] !== r.mr[i] / r.den[i]) bad++;
      }
      if (Math.abs(s - 1) > 1e-14 || r.den[b * 3] !== den) bad++;
    }
    expect(bad).toBe(0);
  });
});
