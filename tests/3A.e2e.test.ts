// 3A end to end on a tiny world (built through tests/3B.harness.ts): byte-identical for 1 and 2
// workers, the gate verifies from bytes, zone_alloc equals site_timezones per zone and conserves
// every pair, a re-run is a no-op, and a tampered upstream stops 3A before it writes anything.
import { runSegment } from '../src/engine/context.js';
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Duck, lit } from '../src/io/duck.js';
import { verifyGate } from '../src/gates/verify.js';
import { FwError } from '../src/core/errors.js';
import { segment3A } from '../src/segments/3A/run.js';
import { buildTo, contextFor } from './3B.harness.js';
import { bundleDir, fingerprint as fp, firstParquet, flipByte, tempDir, tree, segmentError } from './support/world.js';

const tmp = tempDir('fw-3a-');
const A = join(tmp, 'a'),
  B = join(tmp, 'b');

beforeAll(async () => {
  await buildTo(A, '3A', { scale: 'tiny', workers: 1 });
  // B: the same sealed upstream (copied), 3A rebuilt by the CLI with 2 workers
  cpSync(A, B, { recursive: true });
  for (const s of ['3A', '3B']) rmSync(join(B, 'data/layer1', s), { recursive: true, force: true });
  rmSync(join(B, 'logs'), { recursive: true, force: true });
  await buildTo(B, '3A', { scale: 'tiny', workers: 2 });
});

describe('3A end to end (tiny)', () => {
  it('writes byte-identical 3A outputs for 1 and 2 workers, and its gate verifies', async () => {
    const ta = tree(join(A, 'data/layer1/3A')),
      tb = tree(join(B, 'data/layer1/3A'));
    expect(Object.keys(ta).some((p) => p.startsWith('zone_alloc/seed=42/manifest_fingerprint='))).toBe(true);
    expect(Object.keys(ta).some((p) => p.startsWith('zone_universe/manifest_fingerprint='))).toBe(true);
    expect(ta).toEqual(tb);
    const g = await verifyGate(A, '3A', fp(A));
    expect(g.problems).toEqual([]);
    expect(g.ok).toBe(true);
  });

  it('zone_alloc equals site_timezones zone by zone, conserves every pair and shares sum to one', async () => {
    const d = await Duck.open();
    try {
      const f = (p: string) => lit(join(A, p, '**', '*.parquet'));
      const [r] = await d.all(`
        WITH za AS (SELECT * FROM read_parquet(${f('data/layer1/3A/zone_alloc')})),
             st AS (SELECT merchant_id, legal_country_iso, tzid, count(*) AS n FROM read_parquet(${f('data/layer1/2A/site_timezones')}) GROUP BY ALL),
             oc AS (SELECT merchant_id, legal_country_iso, count(*) AS n FROM read_parquet(${f('data/layer1/1A/outlet_catalogue')}) GROUP BY ALL),
             pa AS (SELECT merchant_id, legal_country_iso, sum(zone_site_count) AS n, sum(zone_share) AS s, sum(zone_share_units) AS u, min(site_count) AS sc FROM za GROUP BY ALL)
        SELECT (SELECT count(*) FROM za FULL JOIN st USING (merchant_id, legal_country_iso, tzid) WHERE za.zone_site_count IS DISTINCT FROM st.n) AS zone_bad,
               (SELECT count(*) FROM pa FULL JOIN oc USING (merchant_id, legal_country_iso) WHERE pa.n IS DISTINCT FROM oc.n OR pa.sc IS DISTINCT FROM oc.n) AS pair_bad,
               (SELECT count(*) FROM pa WHERE abs(s - 1) > 1e-9 OR u <> 1000000) AS share_bad,
               (SELECT count(*) FROM pa) AS pairs,
               (SELECT count(*) FROM za WHERE is_escalated) AS escalated_rows,
               (SELECT count(DISTINCT routing_universe_hash) FROM za) AS hashes`);
      expect(Number(r.pairs)).toBeGreaterThan(300);
      expect([Number(r.zone_bad), Number(r.pair_bad), Number(r.share_bad), Number(r.hashes)]).toEqual([0, 0, 0, 1]);
      expect(Number(r.escalated_rows)).toBeGreaterThan(0);
    } finally {
      d.close();
    }
  });

  it('a re-run with the same identity is a no-op', async () => {
    const before = tree(join(A, 'data'));
    const ctx = { ...(await contextFor(A, 2)), run_id: 'e2e1'.repeat(8) }; // a new run: its own log partitions
    try {
      await runSegment(segment3A, ctx);
    } finally {
      await ctx.pool.close();
    }
    expect(tree(join(A, 'data'))).toEqual(before);
  });

  it.each([
    ['a flipped byte in site_timezones', (w: string) => flipByte(firstParquet(join(w, 'data/layer1/2A/site_timezones')))],
    ['a removed 2A _passed.flag', (w: string) => rmSync(join(bundleDir(w, '2A'), '_passed.flag'))],
  ])('%s stops 3A with a named gate error and nothing published', async (_, tamper) => {
    const C = join(tmp, `c${Math.random().toString(36).slice(2)}`);
    cpSync(B, C, { recursive: true });
    rmSync(join(C, 'data/layer1/3A'), { recursive: true, force: true });
    tamper(C);
    const ctx = await contextFor(C, 1);
    const err = await segmentError(segment3A, ctx);
    expect(err).toBeInstanceOf(FwError);
    expect((err as FwError).code).toMatch(/^(GATE_|SEALED_INPUT_DIGEST_MISMATCH)/);
    expect(existsSync(join(C, 'data/layer1/3A'))).toBe(false);
  });
});
