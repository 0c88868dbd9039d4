// 3A logic on synthetic upstream facts: the Dirichlet kernel against its TypeScript reference, the
// S2 priors and S1 ladder, exact share units, and the whole build (conservation, monolithic shares
// = site proportions, escalated shares dispersed) — identical for 1 and 3 workers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { runTask } from '../src/pool/task.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { SharedCol } from '../src/pool/columns.js';
import { k3aZoneShares } from '../src/kernels/3A.js';
import type { KernelExports } from '../src/kernels/index.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { KernelPool } from '../src/pool/pool.js';
import { loadPolicyPack, type PolicyPack } from '../src/config/load.js';
import { makeProgress } from '../src/engine/progress.js';
import { forSegment, type RunContext } from '../src/engine/context.js';
import { zoneSharesRef } from '../src/segments/3A/kernels_ref.js';
import { load3A } from '../src/segments/3A/policies.js';
import { escalationRule, shareUnits, pairAlphas } from '../src/segments/3A/model.js';
import { buildPriors } from '../src/segments/3A/s2_priors.js';
import { inputsFromRows } from '../src/segments/3A/inputs.js';
import { build3A } from '../src/segments/3A/run.js';
import { type World3A } from '../src/segments/3A/world.js';
import { realismMetrics } from '../src/segments/3A/validate.js';

const ROOT = join(__dirname, '..');
let ex: KernelExports;
let pack: PolicyPack;
beforeAll(async () => {
  ex = instantiateKernelsSync();
  pack = await loadPolicyPack(join(ROOT, 'config'));
});

const id = { manifest_fingerprint: 'ab'.repeat(32), seed: 11n, parameter_hash: 'cd'.repeat(32) };

describe('3A kernel: k3aZoneShares (wasm) == zoneSharesRef (TS)', () => {
  it('agrees bit for bit on 3000 pairs, 1..9 zones, alphas across gamma regimes', () => {
    const N = 3000;
    const fk = new FamilyKeys(id, 't.3a.dirichlet');
    const keys = new Uint32Array(2 * N);
    const off = new Int32Array(N + 1);
    for (let i = 0; i < N; i++) {
      const [a, b] = fk.forIds(BigInt(i + 1), 0x5553n);
      keys[2 * i] = a;
      keys[2 * i + 1] = b;
      off[i + 1] = off[i] + 1 + ((i * 7919) % 9);
    }
    const alpha = Float64Array.from({ length: off[N] }, (_, j) => [0.004, 0.2, 0.9, 1, 1.7, 6, 40][(j * 31) % 7] * (1 + (j % 5) / 10));
    const share = new SharedCol('f64', off[N]),
      d = new SharedCol('u32', N),
      b = new SharedCol('u32', N);
    runTask(
      ex,
      k3aZoneShares.task({
        n: N,
        keys: SharedCol.from('u32', keys).all(),
        off: SharedCol.from('i32', off).all(),
        alpha: SharedCol.from('f64', alpha).all(),
        outShare: share.out(0, off[N]),
        outDraws: d.out(0, N),
        outBlocks: b.out(0, N),
      }),
    );
    const sv = share.view() as Float64Array;
    for (let i = 0; i < N; i++) {
      const r = zoneSharesRef([keys[2 * i], keys[2 * i + 1]], alpha.subarray(off[i], off[i + 1]));
      expect([d.view()[i], b.view()[i]]).toEqual([r.draws, r.blocks]);
      for (let j = off[i]; j < off[i + 1]; j++) expect(Object.is(sv[j], r.share[j - off[i]])).toBe(true);
      let s = 0;
      for (let j = off[i]; j < off[i + 1]; j++) s += sv[j];
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      if (off[i + 1] - off[i] === 1) expect(r.draws).toBe(0);
    }
  });
});

describe('3A policy model', () => {
  it('S2 priors: floors lift tiny zones, shares normalise per country, meaningful zones counted', () => {
    const p = load3A(pack);
    const pr = buildPriors(p);
    expect(pr.byCountry.size).toBeGreaterThan(200);
    for (const [, rows] of pr.byCountry) {
      const s = rows.reduce((a, r) => a + r.share_effective, 0);
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      for (const r of rows) {
        expect(r.alpha_effective).toBeGreaterThanOrEqual(r.alpha_raw);
        expect(r.alpha_effective).toBeGreaterThan(0);
        expect(r.floor_applied).toBe(r.alpha_effective > r.alpha_raw);
      }
    }
    const us = pr.byCountry.get('US')!;
    expect(us.some((r) => r.floor_applied)).toBe(true);
    expect(pr.zoneCountCountry.get('US')).toBeGreaterThanOrEqual(4);
    expect(pr.zoneCountCountry.get('FR')).toBe(1);
    expect(pr.zoneCountCountry.get('AU')).toBeGreaterThanOrEqual(4);
  });

  it('S1 ladder: first matching rule decides, otherwise a capped probability rising with site count', () => {
    const m = load3A(pack).mixture;
    expect(escalationRule(m, 1, 6)).toMatchObject({ forced: 0, reason: 'below_min_sites' });
    expect(escalationRule(m, 2, 6)).toMatchObject({ forced: 0, reason: 'below_min_sites' });
    expect(escalationRule(m, 5, 1)).toMatchObject({ forced: 0, reason: 'forced_monolithic' });
    expect(escalationRule(m, 3, 5)).toMatchObject({ forced: 1, reason: 'forced_escalation' });
    expect(escalationRule(m, 40, 2)).toMatchObject({ forced: 1, reason: 'forced_escalation' });
    const a = escalationRule(m, 3, 2),
      b = escalationRule(m, 8, 2);
    expect(a.forced).toBe(-1);
    expect(a.p).toBeCloseTo(m.default_escalation.theta_mix + m.default_escalation.site_count_slope, 12);
    expect(b.p).toBeGreaterThan(a.p);
    expect(b.p).toBeLessThanOrEqual(m.default_escalation.cap);
  });

  it('share units are exact integers summing to 10^dp, largest remainder with ties by index', () => {
    const units = new Int32Array(3),
      rank = new Int32Array(3);
    shareUnits([1 / 3, 1 / 3, 1 / 3], 1_000_000, units, rank);
    expect(Array.from(units)).toEqual([333334, 333333, 333333]);
    expect(Array.from(rank)).toEqual([1, 2, 3]);
    for (let t = 0; t < 200; t++) {
      const k = 1 + (t % 7);
      const raw = Array.from({ length: k }, (_, i) => ((t * 13 + i * 7) % 17) + 0.5);
      const s = raw.reduce((a, b) => a + b, 0);
      const u = new Int32Array(k),
        r = new Int32Array(k);
      shareUnits(
        raw.map((x) => x / s),
        1_000_000,
        u,
        r,
      );
      expect(u.reduce((a, b) => a + b, 0)).toBe(1_000_000);
    }
  });

  it('S3 alphas blend site proportions with the country prior; more sites concentrate', () => {
    const p = load3A(pack);
    const pr = buildPriors(p);
    const small = pairAlphas(p.mixture, pr, 'US', ['America/Chicago', 'America/New_York'], [1, 1], new Float64Array(2));
    const big = pairAlphas(p.mixture, pr, 'US', ['America/Chicago', 'America/New_York'], [20, 20], new Float64Array(2));
    expect(small[1]).toBeGreaterThan(small[0]); // New York carries more prior mass
    expect(big[0] + big[1]).toBeGreaterThan(small[0] + small[1]);
    const odd = pairAlphas(p.mixture, pr, 'US', ['Europe/Paris', 'America/New_York'], [1, 3], new Float64Array(2));
    expect(odd[0]).toBeGreaterThan(0); // a zone outside the prior set gets the default floor as prior mass
  });
});

/** A synthetic world: US/CA/AU/FR merchants with sites spread over real zones, plus single-site ones. */
function syntheticInputs() {
  const outlets: { merchant_id: bigint; country: string; n: number }[] = [];
  const zones: { merchant_id: bigint; country: string; tzid: string; n: number }[] = [];
  const Z: Record<string, string[]> = {
    US: ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Denver', 'America/Phoenix'],
    CA: ['America/Toronto', 'America/Vancouver', 'America/Edmonton'],
    AU: ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane', 'Australia/Perth'],
    FR: ['Europe/Paris'],
    MX: ['America/Mexico_City', 'America/Monterrey'],
  };
  const cs = Object.keys(Z);
  for (let m = 1; m <= 1500; m++) {
    const nc = 1 + (m % 3 === 0 ? 1 : 0);
    for (let k = 0; k < nc; k++) {
      const c = cs[(m * 7 + k * 3) % cs.length];
      const N = m % 5 === 0 ? 1 : 1 + ((m * 37 + k) % 23);
      outlets.push({ merchant_id: BigInt(m), country: c, n: N });
      const zs = Z[c];
      const used = new Map<string, number>();
      for (let s = 0; s < N; s++) {
        const z = zs[(m + s * s + k) % Math.min(zs.length, 1 + (m % zs.length))];
        used.set(z, (used.get(z) ?? 0) + 1);
      }
      for (const [z, n] of used) zones.push({ merchant_id: BigInt(m), country: c, tzid: z, n });
    }
  }
  return inputsFromRows(outlets, zones);
}

function ctxWith(pool: KernelPool): RunContext {
  return forSegment(
    {
      world: '/nonexistent',
      ...id,
      run_id: 'x',
      scale: { name: 'tiny', merchants: 0, arrivals: 0 },
      pack,
      sealed: [],
      pool,
      progress: makeProgress(true),
    },
    '3A',
  );
}

describe('3A build on synthetic upstream facts', () => {
  const pools: KernelPool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.close();
  });
  let w1: World3A, w3: World3A;
  beforeAll(async () => {
    const inp = syntheticInputs();
    for (const workers of [1, 3]) {
      const pool = new KernelPool(workers);
      pools.push(pool);
      const w = await build3A(ctxWith(pool), load3A(pack), inp);
      if (workers === 1) w1 = w;
      else w3 = w;
    }
  });

  it('is identical for 1 and 3 workers', () => {
    expect(Buffer.from(w1.share.buffer).equals(Buffer.from(w3.share.buffer))).toBe(true);
    expect(Array.from(w1.escalated)).toEqual(Array.from(w3.escalated));
    expect(Array.from(w1.units)).toEqual(Array.from(w3.units));
  });

  it('conserves every pair total; shares sum to one; units exact; monolithic = site proportions', () => {
    const w = w1,
      inp = w.in;
    let esc = 0,
      escMulti = 0,
      dispersed = 0;
    for (let i = 0; i < inp.n; i++) {
      const a = inp.zoneOff[i],
        b = inp.zoneOff[i + 1];
      let c = 0,
        s = 0,
        u = 0;
      for (let j = a; j < b; j++) {
        c += inp.zoneCount[j];
        s += w.share[j];
        u += w.units[j];
        if (!w.escalated[i]) expect(w.share[j]).toBe(inp.zoneCount[j] / inp.siteCount[i]);
      }
      expect(c).toBe(inp.siteCount[i]);
      expect(Math.abs(s - 1)).toBeLessThan(1e-9);
      expect(u).toBe(1_000_000);
      if (w.escalated[i]) {
        esc++;
        if (b - a > 1) {
          escMulti++;
          if (Math.abs(w.share[a] - inp.zoneCount[a] / inp.siteCount[i]) > 1e-6) dispersed++;
        }
      }
      if (inp.siteCount[i] < 3) expect(w.escalated[i]).toBe(0);
      if (inp.country[i] === 'FR') expect(w.escalated[i]).toBe(0);
    }
    expect(esc).toBeGreaterThan(100);
    expect(dispersed).toBe(escMulti);
    const m = realismMetrics(w);
    expect(m.share_dispersion_tv_mean).toBeGreaterThan(0.02);
    expect(m.escalation_rate_eligible).toBeGreaterThan(0.25);
  });

  it('RNG accounting: one escalation draw per undecided pair; Dirichlet draws only for multi-zone escalated pairs', () => {
    const rows = w1.trace.rows();
    const e = rows.find((r) => r.family === '3A.escalation')!;
    expect(Number(e.draws)).toBe(Array.from(w1.escP).filter((p) => p > 0 && p < 1).length);
    for (let i = 0; i < w1.in.n; i++) {
      const k = w1.in.zoneOff[i + 1] - w1.in.zoneOff[i];
      if (!w1.escalated[i] || k === 1) expect(w1.dirDraws[i]).toBe(0);
      else expect(w1.dirDraws[i]).toBeGreaterThanOrEqual(3 * k);
    }
  });
});
