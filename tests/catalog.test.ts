// A world that explains itself (issue "A world anyone can open" §3): catalog.json, views.sql and a
// README at the world root, from the gates; the run receipt holds the catalog's digest; `run` ends by
// naming the main tables. One tiny world built to 1B.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Duck, lit, litList } from '../src/io/duck.js';
import { bundleDir, fw, requireBuild, tempDir } from './support/world.js';

const W = join(tempDir('fw-catalog-'), 'w');
let out = '';

interface Ds {
  id: string;
  segment: string;
  role: string;
  format: string;
  gate: string;
  files: string[];
  rows: number | null;
  columns?: { name: string; type: string }[];
}

const catalog = () =>
  JSON.parse(readFileSync(join(W, 'catalog.json'), 'utf8')) as { chains: { manifest_fingerprint: string; segments: string[]; datasets: Ds[] }[] };

beforeAll(() => {
  requireBuild();
  const r = fw('run', '--out', W, '--scale', 'tiny', '--workers', '1', '--until', '1B');
  expect(r.code, r.err).toBe(0);
  out = r.out;
});

describe('the world explains itself', () => {
  it('catalog.json lists every sealed dataset with exactly the files its gate lists, and the run receipt holds its digest', () => {
    const cat = catalog();
    expect(cat.chains).toHaveLength(1);
    const chain = cat.chains[0];
    expect(chain.segments).toEqual(['1A', '1B']);
    for (const seg of ['1A', '1B']) {
      const listed = JSON.parse(readFileSync(join(bundleDir(W, seg), 'outputs.json'), 'utf8')).files as { dataset: string; path: string }[];
      const fromCat = chain.datasets.filter((d) => d.segment === seg).flatMap((d) => d.files.map((f) => `${d.id} ${f}`));
      expect(fromCat.sort()).toEqual(listed.map((o) => `${o.dataset} ${o.path}`).sort());
    }
    const sl = chain.datasets.find((d) => d.id === 'site_locations')!;
    expect(sl).toMatchObject({ role: 'egress', format: 'parquet', gate: 'gate.layer1.1B.validation' });
    expect(sl.columns!.map((c) => c.name)).toEqual(['merchant_id', 'legal_country_iso', 'site_order', 'lon_deg', 'lat_deg']);
    const run = readdirSync(join(W, 'runs'))[0];
    const receipt = JSON.parse(readFileSync(join(W, 'runs', run, 'run_receipt.json'), 'utf8'));
    expect(receipt.catalog_sha256_hex).toBe(
      createHash('sha256')
        .update(readFileSync(join(W, 'catalog.json')))
        .digest('hex'),
    );
  });

  it('row counts are what DuckDB counts over the listed files, and views.sql opens every Parquet dataset', async () => {
    const chain = catalog().chains[0];
    const duck = await Duck.open(1);
    try {
      await duck.run(`SET file_search_path = ${lit(W)}`);
      for (const stmt of readFileSync(join(W, 'views.sql'), 'utf8')
        .split(';\n')
        .filter((s) => s.replace(/--[^\n]*/g, '').trim()))
        await duck.run(stmt);
      for (const d of chain.datasets.filter((x) => x.format === 'parquet')) {
        const files = d.files.filter((f) => f.endsWith('.parquet')).map((f) => join(W, f));
        const [direct] = await duck.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${litList(files)})`);
        const [view] = await duck.all(`SELECT count(*)::BIGINT AS n FROM main."${d.id}"`);
        expect([d.id, d.rows, Number(view.n)]).toEqual([d.id, Number(direct.n), Number(direct.n)]);
      }
      expect(chain.datasets.find((d) => d.id === 'site_locations')!.rows).toBeGreaterThan(100);
    } finally {
      duck.close();
    }
  });

  it('the README names the main tables; run prints where they are', () => {
    const readme = readFileSync(join(W, 'README.md'), 'utf8');
    expect(readme).toMatch(/\| `site_locations` \| \d+ \|/);
    expect(readme).toMatch(/duckdb -init views\.sql/);
    expect(out).toMatch(/^main tables \(all datasets: .*catalog\.json/m);
    expect(out).toMatch(/^ {2}site_locations +\d+ rows {2}data\/layer1\/1B\/site_locations\/seed=42\/manifest_fingerprint=[0-9a-f]{64}\/$/m);
  });
});
