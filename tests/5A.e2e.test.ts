// 5A end to end on a tiny world: byte-identical for 1 and 2 workers, the gate verifies and `validate` passes,
// the catalogued datasets sit at their paths, the materialised surfaces equal the products of the published
// factors exactly (DuckDB for the local views, the local-bucket law for the UTC views), the expected arrivals
// meet the scale's target, and a tampered upstream gate stops 5A with a named GATE error.
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { verifyGate } from '../src/gates/verify.js';
import { FwError } from '../src/core/errors.js';
import { segment5A } from '../src/segments/5A/run.js';
import { readTimetable } from '../src/segments/2A/read.js';
import { tzIndexOf } from '../src/laws/time/timetable.js';
import { localBucketOfUtc, weekBucket, horizonOf } from '../src/laws/time/grid.js';
import { Duck, lit } from '../src/io/duck.js';
import { contextFor, fw } from './3B.harness.js';
import { fingerprint as fp, flipByte, tempDir, tree, segmentError } from './support/world.js';

const tmp = tempDir('fw-5a-');
const A = join(tmp, 'a'),
  B = join(tmp, 'b');
const L2 = (w: string) => join(w, 'data/layer2/5A');
const glob = (w: string, ds: string) => lit(join(L2(w), ds, '**', '*.parquet'));

beforeAll(async () => {
  const r = fw('run', '--out', A, '--scale', 'tiny', '--workers', '1', '--until', '5A', '--quiet');
  if (r.code !== 0) throw new Error(r.err);
  cpSync(A, B, { recursive: true });
  rmSync(join(B, 'data/layer2'), { recursive: true, force: true });
  rmSync(join(B, 'logs'), { recursive: true, force: true });
  const r2 = fw('run', '--out', B, '--scale', 'tiny', '--workers', '2', '--until', '5A', '--quiet');
  if (r2.code !== 0) throw new Error(r2.err);
});

describe('5A end to end (tiny)', () => {
  it('byte-identical for 1 and 2 workers; catalogued paths; the gate verifies; validate passes', async () => {
    const ta = tree(L2(A)),
      tb = tree(L2(B));
    expect(Object.keys(ta).length).toBeGreaterThan(12);
    expect(ta).toEqual(tb);
    const m = fp(A);
    for (const p of [
      `merchant_zone_profile/manifest_fingerprint=${m}/merchant_zone_profile_5A.parquet`,
      `merchant_class_profile/manifest_fingerprint=${m}/merchant_class_profile_5A.parquet`,
      `scenario_calendar/manifest_fingerprint=${m}/scenario_id=baseline_v1/scenario_calendar_5A.parquet`,
      `scenario_manifest/manifest_fingerprint=${m}/scenario_manifest_5A.parquet`,
      `sealed_inputs/manifest_fingerprint=${m}/sealed_inputs_5A.json`,
      `s0_gate_receipt/manifest_fingerprint=${m}/s0_gate_receipt_5A.json`,
    ])
      expect(Object.keys(ta), p).toContain(p);
    expect(Object.keys(ta).some((k) => k.startsWith('class_zone_shape/parameter_hash='))).toBe(true);
    const g = await verifyGate(A, '5A', m);
    expect(g.problems).toEqual([]);
    const v = fw('validate', A);
    expect(v.code, v.err + v.out).toBe(0);
    const bundle = join(L2(A), 'validation', `manifest_fingerprint=${m}`);
    const surf = JSON.parse(readFileSync(join(bundle, 'surfaces.json'), 'utf8')).surfaces;
    expect(surf.map((s: any) => s.materialised)).toEqual([true, true, true, true, true]);
    const realism = JSON.parse(readFileSync(join(bundle, 'realism_5A.json'), 'utf8'));
    expect(realism.merchant_weekly_volume.top10_share).toBeGreaterThan(0.3);
    expect(realism.events_by_type.HOLIDAY).toBeGreaterThan(10);
  });

  it('local surfaces = weekly_volume_expected × shape × overlay exactly (DuckDB); totals meet the target', async () => {
    const duck = await Duck.open();
    try {
      const prof = `read_parquet(${glob(A, 'merchant_zone_profile')})`;
      const shp = `read_parquet(${glob(A, 'class_zone_shape')})`;
      const ov = `read_parquet(${glob(A, 'overlay_factor_profiles')})`;
      const [r1] = await duck.all(`
        SELECT count(*) AS n, sum(CASE WHEN s.lambda_local_scenario = (p.weekly_volume_expected * c.shape_value) * coalesce(o.factor, 1.0) THEN 0 ELSE 1 END) AS bad
        FROM read_parquet(${glob(A, 'merchant_zone_scenario_local')}) s
        JOIN ${prof} p USING (merchant_id, legal_country_iso, tzid)
        JOIN ${shp} c ON c.shape_id = p.shape_id AND c.bucket_index = (72 + s.local_horizon_bucket_index) % 168
        LEFT JOIN ${ov} o ON o.overlay_id = p.overlay_id AND o.local_horizon_bucket_index = s.local_horizon_bucket_index`);
      expect(Number(r1.bad)).toBe(0);
      expect(Number(r1.n)).toBeGreaterThan(100_000);
      const [r2] = await duck.all(`
        SELECT count(*) AS n, sum(CASE WHEN s.lambda_local_base = p.weekly_volume_expected * c.shape_value THEN 0 ELSE 1 END) AS bad
        FROM read_parquet(${glob(A, 'merchant_zone_baseline_local')}) s
        JOIN ${prof} p USING (merchant_id, legal_country_iso, tzid)
        JOIN ${shp} c ON c.shape_id = p.shape_id AND c.bucket_index = s.bucket_index`);
      expect(Number(r2.bad)).toBe(0);
      const [r3] = await duck.all(`SELECT count(*) AS n, sum(CASE WHEN s.overlay_factor_total = coalesce(o.factor, 1.0) THEN 0 ELSE 1 END) AS bad
        FROM read_parquet(${glob(A, 'merchant_zone_overlay_factors')}) s JOIN ${prof} p USING (merchant_id, legal_country_iso, tzid)
        LEFT JOIN ${ov} o ON o.overlay_id = p.overlay_id AND o.local_horizon_bucket_index = s.local_horizon_bucket_index`);
      expect(Number(r3.bad)).toBe(0);
      const [t] = await duck.all(`SELECT sum(lambda_utc_scenario) AS s FROM read_parquet(${glob(A, 'merchant_zone_scenario_utc')})`);
      expect(Math.abs(Number(t.s) - 10_000) / 10_000).toBeLessThan(1e-9);
      const [sh] = await duck.all(
        `SELECT max(abs(t - 1)) AS e, min(mn) AS mn FROM (SELECT shape_id, sum(shape_value) AS t, min(shape_value) AS mn FROM ${shp} GROUP BY 1)`,
      );
      expect(Number(sh.e)).toBeLessThan(1e-12);
      expect(Number(sh.mn)).toBeGreaterThan(0);
    } finally {
      await duck.close();
    }
  });

  it('UTC surfaces = the local scenario at the local bucket of each UTC midpoint', async () => {
    const ctx = await contextFor(A, 1);
    const t = await readTimetable(ctx);
    await ctx.pool.close();
    const duck = await Duck.open();
    try {
      const loc = await duck.all(
        `SELECT merchant_id, tzid, local_horizon_bucket_index AS lh, lambda_local_scenario AS v FROM read_parquet(${glob(A, 'merchant_zone_scenario_local')}) WHERE merchant_id = (SELECT min(merchant_id) FROM read_parquet(${glob(A, 'merchant_zone_profile')}))`,
      );
      const utc = await duck.all(
        `SELECT tzid, utc_horizon_bucket_index AS h, lambda_utc_scenario AS v FROM read_parquet(${glob(A, 'merchant_zone_scenario_utc')}) WHERE merchant_id = ${loc[0].merchant_id}`,
      );
      const [prof] = await duck.all(
        `SELECT p.weekly_volume_expected AS w, p.shape_id FROM read_parquet(${glob(A, 'merchant_zone_profile')}) p WHERE merchant_id = ${loc[0].merchant_id} AND tzid = '${utc[0].tzid}'`,
      );
      const shape = await duck.all(
        `SELECT bucket_index AS k, shape_value AS s FROM read_parquet(${glob(A, 'class_zone_shape')}) WHERE shape_id = ${prof.shape_id} ORDER BY 1`,
      );
      const byLh = new Map(loc.filter((r) => r.tzid === utc[0].tzid).map((r) => [Number(r.lh), Number(r.v)]));
      const hz = horizonOf({ scenario_id: 'baseline_v1', horizon_start_utc: '2026-01-01T00:00:00Z', horizon_end_utc: '2026-04-01T00:00:00Z' });
      const z = tzIndexOf(t, String(utc[0].tzid));
      let checked = 0;
      for (const r of utc.filter((x) => x.tzid === utc[0].tzid)) {
        const lh = localBucketOfUtc(t, z, Number(r.h));
        const want = byLh.has(lh) ? byLh.get(lh)! : Number(prof.w) * Number(shape[weekBucket(hz, lh)].s);
        expect(Number(r.v)).toBe(want);
        checked++;
      }
      expect(checked).toBe(2160);
    } finally {
      await duck.close();
    }
  });

  it('a tampered upstream (3B) gate stops 5A with a GATE error before it reads anything', async () => {
    const C = join(tmp, 'c');
    cpSync(A, C, { recursive: true });
    rmSync(join(C, 'data/layer2'), { recursive: true, force: true });
    const bdir = join(C, 'data/layer1/3B/validation');
    const b = join(bdir, readdirSync(bdir)[0]);
    flipByte(join(b, 'checks.json'));
    const ctx = await contextFor(C, 1);
    const err = await segmentError(segment5A, ctx);
    expect(err).toBeInstanceOf(FwError);
    expect((err as FwError).code).toMatch(/^GATE_/);
    expect(tree(join(C, 'data/layer2'))).toEqual({});
  });
});
