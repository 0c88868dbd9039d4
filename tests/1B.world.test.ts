// End-to-end 1B through the CLI (needs `make build`): worker-count invariance, every site inside its
// country, conservation from the published Parquet, the gates, and 1B refusing to read behind a bad 1A gate.
import { runSegment } from '../src/engine/context.js';
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FwError } from '../src/core/errors.js';
import { Duck, lit } from '../src/io/duck.js';
import { loadPolicyPack } from '../src/config/load.js';
import { load1B } from '../src/segments/1B/policies.js';
import { buildCountryShapes } from '../src/laws/geo/shapes.js';
import { insideRings } from '../src/laws/geo/geometry.js';
import { segment1B } from '../src/segments/1B/run.js';
import { bundleDir, fingerprint, flipByte, fw, part, requireBuild, ROOT, tempDir, tree } from './support/world.js';

const tmp = tempDir('fw-1b-');

const glob = (world: string, id: string) => join(world, 'data/layer1', id.startsWith('outlet') ? '1A' : '1B', id, '**', '*.parquet');

const A = join(tmp, 'w1');
const B = join(tmp, 'w2');
beforeAll(() => {
  requireBuild();
  const a = fw('run', '--out', A, '--scale', 'tiny', '--until', '1B', '--workers', '1', '--quiet');
  expect(a.code, a.err).toBe(0);
  const b = fw('run', '--out', B, '--scale', 'tiny', '--until', '1B', '--workers', '2', '--quiet');
  expect(b.code, b.err).toBe(0);
  expect(b.out).toMatch(/^1B built .*site_locations=\d+/m);
});

describe('1B end to end (tiny world)', () => {
  it('--workers 1 and --workers 2 write byte-identical data/ through 1B, at the catalogued paths', () => {
    const ta = tree(join(A, 'data'));
    const tb = tree(join(B, 'data'));
    expect(ta).toEqual(tb);
    const paths = Object.keys(ta);
    expect(paths.some((p) => /^layer1\/1B\/site_locations\/seed=42\/manifest_fingerprint=[0-9a-f]{64}\/part-00000\.parquet$/.test(p))).toBe(true);
    expect(paths.some((p) => /^layer1\/1B\/tile_index\/parameter_hash=[0-9a-f]{64}\/part-00000\.parquet$/.test(p))).toBe(true);
    expect(paths.some((p) => /^layer1\/1B\/s5_site_tile_assignment\/seed=42\/parameter_hash=[0-9a-f]{64}\/manifest_fingerprint=[0-9a-f]{64}\//.test(p))).toBe(
      true,
    );
    expect(paths.some((p) => /^layer1\/1B\/validation\/manifest_fingerprint=[0-9a-f]{64}\/_passed\.flag$/.test(p))).toBe(true);
  });

  it('validate re-verifies both gates from bytes', () => {
    const v = fw('validate', A);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/^PASS gate\.layer1\.1A\.validation/m);
    expect(v.out).toMatch(/^PASS gate\.layer1\.1B\.validation/m);
  });

  it('one site per outlet, conservation S3 → S4 → S5, sorted by PK', async () => {
    const duck = await Duck.open();
    try {
      const [r] = await duck.all(`
        WITH oc AS (SELECT merchant_id, legal_country_iso, site_order FROM read_parquet(${lit(glob(A, 'outlet_catalogue'))})),
             sl AS (SELECT * FROM read_parquet(${lit(glob(A, 'site_locations'))})),
             s3 AS (SELECT * FROM read_parquet(${lit(glob(A, 's3_requirements'))})),
             s4 AS (SELECT * FROM read_parquet(${lit(glob(A, 's4_alloc_plan'))})),
             s5 AS (SELECT * FROM read_parquet(${lit(glob(A, 's5_site_tile_assignment'))})),
             ti AS (SELECT * FROM read_parquet(${lit(glob(A, 'tile_index'))}))
        SELECT
          (SELECT count(*) FROM oc) AS outlets,
          (SELECT count(*) FROM sl) AS sites,
          (SELECT count(*) FROM oc FULL JOIN sl USING (merchant_id, legal_country_iso, site_order) WHERE oc.merchant_id IS NULL OR sl.merchant_id IS NULL) AS unmatched,
          (SELECT count(*) FROM (SELECT merchant_id, legal_country_iso, site_order FROM sl GROUP BY ALL HAVING count(*) > 1)) AS dup_pk,
          (SELECT sum(n_sites) FROM s3) AS s3_sites,
          (SELECT count(*) FROM s3 JOIN (SELECT merchant_id, legal_country_iso, sum(n_sites_tile) AS s FROM s4 GROUP BY ALL) p USING (merchant_id, legal_country_iso) WHERE p.s <> s3.n_sites) AS bad_plan,
          (SELECT count(*) FROM s4 FULL JOIN (SELECT merchant_id, legal_country_iso, tile_id, count(*) AS c FROM s5 GROUP BY ALL) a USING (merchant_id, legal_country_iso, tile_id) WHERE a.c IS DISTINCT FROM s4.n_sites_tile) AS bad_assign,
          (SELECT count(*) FROM s5 ANTI JOIN ti ON s5.legal_country_iso = ti.country_iso AND s5.tile_id = ti.tile_id) AS orphan_tiles,
          (SELECT count(*) FROM (SELECT merchant_id, legal_country_iso, site_order, lag(merchant_id) OVER () AS pm, lag(legal_country_iso) OVER () AS pc, lag(site_order) OVER () AS ps FROM sl)
             WHERE pm IS NOT NULL AND (merchant_id < pm OR (merchant_id = pm AND legal_country_iso < pc) OR (merchant_id = pm AND legal_country_iso = pc AND site_order <= ps))) AS unsorted`);
      expect(r.outlets).toBeGreaterThan(1000);
      expect(r).toMatchObject({ sites: r.outlets, unmatched: 0, dup_pk: 0, s3_sites: r.outlets, bad_plan: 0, bad_assign: 0, orphan_tiles: 0, unsorted: 0 });
    } finally {
      duck.close();
    }
  });

  it('every published site lies inside its country polygon (TypeScript predicate on the published Parquet)', async () => {
    const p = load1B(await loadPolicyPack(join(ROOT, 'config')));
    const cs = buildCountryShapes(p.geometry, 0);
    const duck = await Duck.open();
    try {
      const rows = await duck.all(`SELECT legal_country_iso AS c, lon_deg AS x, lat_deg AS y FROM read_parquet(${lit(glob(A, 'site_locations'))})`);
      let outside = 0;
      for (const r of rows) if (!insideRings(cs.shapes[cs.iso.indexOf(r.c as string)], r.x as number, r.y as number)) outside++;
      expect(rows.length).toBeGreaterThan(1000);
      expect(outside).toBe(0);
      const countries = new Set(rows.map((r) => r.c));
      expect(countries.size).toBeGreaterThan(30);
    } finally {
      duck.close();
    }
  });
});

describe('1B behind a bad 1A gate', () => {
  const ctxFor = (world: string) =>
    ({
      world,
      manifest_fingerprint: fingerprint(world),
      seed: 42n,
      parameter_hash: '0'.repeat(64),
      sealed: [],
      progress: { stage: () => ({ tick() {}, done() {} }), log() {} },
    }) as any;
  let C: string;
  beforeAll(() => {
    C = join(tmp, 'only1A');
    const r = fw('run', '--out', C, '--scale', 'tiny', '--until', '1A', '--quiet');
    expect(r.code, r.err).toBe(0);
  });

  for (const [name, tamper, code] of [
    ['a tampered bundle file', (w: string) => flipByte(join(bundleDir(w), 'checks.json')), 'GATE_FILE_DIGEST_MISMATCH'],
    ['a missing _passed.flag', (w: string) => rmSync(join(bundleDir(w), '_passed.flag')), 'GATE_MISSING'],
    [
      'a tampered outlet_catalogue part',
      (w: string) => flipByte(join(part(w, 'data/layer1/1A/outlet_catalogue/seed=42'), 'part-00000.parquet')),
      'SEALED_INPUT_DIGEST_MISMATCH',
    ],
  ] as const) {
    it(`${name}: 1B S0 stops with ${code} and writes nothing`, async () => {
      const w = join(tmp, `bad-${code}`);
      cpSync(C, w, { recursive: true });
      tamper(w);
      const before = tree(w);
      const err = await runSegment(segment1B, ctxFor(w)).then(
        () => null,
        (e) => e,
      );
      expect(err).toBeInstanceOf(FwError);
      expect(err.code).toBe(code);
      expect(existsSync(join(w, 'data/layer1/1B'))).toBe(false);
      expect(tree(w)).toEqual(before);
      if (code !== 'GATE_FILE_DIGEST_MISMATCH') return;
      // through the CLI (once: the runner tries to rebuild 1A first and must not overwrite it): a non-zero exit, one error line, nothing of 1B
      const r = fw('run', '--out', w, '--scale', 'tiny', '--until', '1B', '--quiet');
      expect(r.code).toBe(2);
      expect(
        r.err
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('npm warn')).length,
      ).toBe(1);
      expect(r.err).toMatch(/^error (IO_WRITE_CONFLICT|GATE_\w+|SEALED_\w+): /m);
      expect(existsSync(join(w, 'data/layer1/1B'))).toBe(false);
    });
  }

  it('reference bytes that differ from the policy pins stop 1B before anything is written', () => {
    const cfg = join(tmp, 'cfg-pin');
    cpSync(join(ROOT, 'config'), cfg, { recursive: true });
    const f = join(cfg, 'layer1/1B/geometry.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/(atlas: +\{ source: [^,]+, sha256_hex: )"[0-9a-f]{64}"/, `$1"${'0'.repeat(64)}"`));
    const w = join(tmp, 'pin');
    const r = fw('run', '--out', w, '--scale', 'tiny', '--until', '1B', '--config', cfg, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error REFERENCE_PIN_MISMATCH: .*cfg-pin\/layer1\/1B\/geometry\.yaml: \/reference\/atlas: installed world-atlas@2\.0\.2\/countries-50m\.json .*\(fix: /m,
    );
    expect(existsSync(join(w, 'data'))).toBe(false);
  });
});
