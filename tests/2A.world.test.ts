// 2A end to end on a tiny world built with the CLI: worker-count invariance through 2A, the gate,
// the published shapes, a re-run over its own outputs, bulk conversion on the pool, and a tampered
// 1B gate stopping 2A with a named error before it writes anything.
import { runSegment } from '../src/engine/context.js';
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextFor } from './2A.harness.js';
import { bundleDir, firstParquet, flipByte, fw, part, ROOT, tempDir, tree, segmentError } from './support/world.js';
import { copyWorld, sharedWorlds } from './support/shared_worlds.js';
import { segment2A } from '../src/segments/2A/run.js';
import { Duck, lit } from '../src/io/duck.js';
import { FwError } from '../src/core/errors.js';
import { KernelPool } from '../src/pool/pool.js';
import { utcToLocalBulk, localToUtcBulk } from '../src/segments/2A/bulk.js';
import { readTimetable } from '../src/segments/2A/read.js';
import { utcToLocalRef, localToUtcRef } from '../src/laws/time/ref.js';

// the tiny worlds `run --scale tiny --workers 1|2 --until 2A --quiet` builds, each built by the engine once per run
const [W1, W2] = sharedWorlds({ scale: 'tiny', workers: 1, until: '2A' }, { scale: 'tiny', workers: 2, until: '2A' });
const tmp = tempDir('fw-2a-');
// A: our own copy of the w1 world (2A is re-run over it in-process); B: the w2 world, read only (tampered on copies)
const A = join(tmp, 'w1');
const B = W2;

beforeAll(() => {
  copyWorld(W1, A);
});

describe('2A on a tiny world', () => {
  it('--workers 1 and --workers 2 write byte-identical data/ through 2A', () => {
    const ta = tree(join(A, 'data'));
    const tb = tree(join(B, 'data'));
    expect(Object.keys(ta).filter((p) => p.startsWith('layer1/2A/')).length).toBeGreaterThanOrEqual(10);
    expect(ta).toEqual(tb);
  });

  it('validate passes the 2A gate (and its upstream gates)', () => {
    const v = fw('validate', A);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/^PASS gate\.layer1\.2A\.validation/m);
    expect(v.out).toMatch(/^PASS gate\.layer1\.1B\.validation/m);
    const bundle = readdirSync(bundleDir(A, '2A'));
    for (const f of [
      '_passed.flag',
      'index.json',
      'checks.json',
      's4_legality_report.json',
      'tz_timetable_manifest.json',
      'tz_country_consistency.json',
      'realism_2A.json',
    ])
      expect(bundle).toContain(f);
    const checks = JSON.parse(readFileSync(join(bundleDir(A, '2A'), 'checks.json'), 'utf8'));
    expect(checks.passed).toBe(true);
    // the evidence in the bundle is the published report, byte for byte
    const rep = join(part(A, 'data/layer1/2A/legality_report'), readdirSync(part(A, 'data/layer1/2A/legality_report'))[0], 's4_legality_report.json');
    expect(readFileSync(rep)).toEqual(readFileSync(join(bundleDir(A, '2A'), 's4_legality_report.json')));
  });

  it('site_timezones: one row per site_locations row, native types, provenance pairs, tzids in the timetable', async () => {
    const duck = await Duck.open();
    const g = (rel: string) => `${lit(join(A, rel, '**', '*.parquet'))}, hive_partitioning = false`;
    try {
      const [r] = await duck.all(`
        WITH st AS (SELECT * FROM read_parquet(${g('data/layer1/2A/site_timezones')})),
             sl AS (SELECT * FROM read_parquet(${g('data/layer1/1B/site_locations')})),
             tt AS (SELECT * FROM read_parquet(${g('data/layer1/2A/tz_timetable_cache')}))
        SELECT (SELECT count(*) FROM st) AS st_rows, (SELECT count(*) FROM sl) AS sl_rows,
               (SELECT count(*) FROM sl ANTI JOIN st USING (merchant_id, legal_country_iso, site_order)) AS missing,
               (SELECT count(*) FROM (SELECT merchant_id, legal_country_iso, site_order FROM st GROUP BY ALL HAVING count(*) > 1)) AS dup_keys,
               (SELECT count(*) FROM st WHERE (tzid_source = 'override') <> (override_scope IS NOT NULL)) AS bad_provenance,
               (SELECT count(*) FROM st WHERE (nudge_lat_deg IS NULL) <> (nudge_lon_deg IS NULL)) AS bad_nudge,
               (SELECT count(*) FROM st WHERE tzid NOT IN (SELECT tzid FROM tt)) AS unknown_tz,
               (SELECT count(DISTINCT tzid) FROM st) AS tzids,
               (SELECT typeof(seed) FROM st LIMIT 1) AS seed_type,
               (SELECT typeof(valid_from_utc) FROM tt LIMIT 1) AS ts_type,
               (SELECT count(*) FROM tt WHERE tzid = 'Europe/Paris') AS paris_segments`);
      expect(r).toMatchObject({
        missing: 0,
        dup_keys: 0,
        bad_provenance: 0,
        bad_nudge: 0,
        unknown_tz: 0,
        seed_type: 'BIGINT',
        ts_type: 'TIMESTAMP WITH TIME ZONE',
        paris_segments: 23,
      });
      expect(r.st_rows).toBe(r.sl_rows);
      expect(r.tzids as number).toBeGreaterThan(20);
    } finally {
      duck.close();
    }
  });

  it('re-running 2A over its own outputs is a no-op', async () => {
    const before = tree(join(A, 'data'));
    const ctx = await contextFor(A, 2);
    try {
      await runSegment(segment2A, ctx);
    } finally {
      await ctx.pool.close();
    }
    expect(tree(join(A, 'data'))).toEqual(before);
  });

  it('a tampered 1B gate or site_locations stops 2A with a named error, and 2A writes nothing', async () => {
    const cases: [string, (w: string) => void, RegExp][] = [
      ['1B bundle member', (w) => flipByte(join(bundleDir(w, '1B'), 'checks.json')), /^GATE_FILE_DIGEST_MISMATCH$/],
      ['1B flag', (w) => writeFileSync(join(bundleDir(w, '1B'), '_passed.flag'), `sha256_hex = ${'0'.repeat(64)}\n`), /^GATE_DIGEST_MISMATCH$/],
      ['site_locations part', (w) => flipByte(firstParquet(part(w, 'data/layer1/1B/site_locations/seed=42'))), /^SEALED_INPUT_DIGEST_MISMATCH$/],
      ['1B flag removed', (w) => rmSync(join(bundleDir(w, '1B'), '_passed.flag')), /^GATE_MISSING$/],
    ];
    for (const [name, tamper, code] of cases) {
      const w = join(tmp, `tamper-${name.replace(/\W+/g, '-')}`);
      cpSync(B, w, { recursive: true });
      rmSync(join(w, 'data/layer1/2A'), { recursive: true, force: true });
      tamper(w);
      const ctx = await contextFor(w, 1);
      const err = await segmentError(segment2A, ctx);
      expect(err, name).toBeInstanceOf(FwError);
      expect((err as FwError).code, name).toMatch(code);
      expect((err as FwError).line(), name).toMatch(/gate\.layer1\.1B\.validation/);
      expect(existsSync(join(w, 'data/layer1/2A')), name).toBe(false);
    }
  });

  it('bulk conversion on the pool (fixed shards) equals the reference for any worker count', async () => {
    const ctx = await contextFor(A, 1);
    await ctx.pool.close();
    const t = await readTimetable(ctx);
    const n = 50_000;
    const tz = Int32Array.from({ length: n }, (_, i) => (i * 7919) % t.tzids.length);
    const utc = BigInt64Array.from({ length: n }, (_, i) => BigInt(t.horizonStartUs + ((i * 104_729) % 300_000_000) * 1_000_000));
    const ref = utcToLocalRef(t, tz, utc);
    const back = localToUtcRef(t, tz, ref, 0);
    for (const workers of [1, 3]) {
      const pool = new KernelPool(workers);
      try {
        const local = await utcToLocalBulk(pool, t, tz, utc, 4096);
        expect(local).toEqual(ref);
        const r = await localToUtcBulk(pool, t, tz, local, 'compatible', 4096);
        expect(r.utc).toEqual(back.utc);
        expect(r.kind).toEqual(back.kind);
      } finally {
        await pool.close();
      }
    }
  });

  it('a bad 2A policy is one line naming the file and field', () => {
    const cfg = join(tmp, 'cfg-bad-nudge');
    cpSync(join(ROOT, 'config'), cfg, { recursive: true });
    const f = join(cfg, 'layer1/2A/timezone/tz_nudge.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/epsilon_degrees: .*/, 'epsilon_degrees: 0'));
    const r = fw('run', '--out', join(tmp, 'x-bad'), '--until', '1A', '--config', cfg);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error CONFIG_SCHEMA_VIOLATION: .*layer1\/2A\/timezone\/tz_nudge\.yml: \/epsilon_degrees: .*\(fix: /);
  });
});
