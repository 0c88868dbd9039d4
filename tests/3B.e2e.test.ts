// 3B end to end on a tiny world: byte-identical for 1 and 3 workers, the gate verifies, 2B's own
// edge loader decodes the published alias blob + catalogue (the interface contract), edge counts
// vary by merchant and weights are far from uniform, every edge lies inside its country, the
// routing policy binds the universe hash, and a tampered 3A gate stops 3B before it writes anything.
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquetToArrow } from '../src/io/parquet.js';
import { verifyGate } from '../src/gates/verify.js';
import { FwError } from '../src/core/errors.js';
import { segment3B } from '../src/segments/3B/run.js';
import { loadGeo } from '../src/segments/3B/geo.js';
import { edgePickRef } from '../src/laws/routing/edges.js';
import { virtualEdgesFrom } from '../src/segments/3B/read.js';
import { Substream } from '../src/rng/stream.js';
import { loadPolicyPack } from '../src/config/load.js';
import { buildTo, contextFor } from './3B.harness.js';
import { fingerprint as fp, firstParquet, flipByte, ROOT, tempDir, tree, segmentError } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';

// A: `run --scale tiny --workers 1 --until 3B --quiet`, built once per run for every file that needs it (read only)
const A = sharedWorld({ scale: 'tiny', workers: 1, until: '3B' });
const tmp = tempDir('fw-3b-');
const B = join(tmp, 'b');
/** The single Parquet file (or the parts of a dataset dir) under a 3B dataset folder, as one table. */
function table(world: string, ds: string): arrow.Table {
  const files = Object.keys(tree(join(world, 'data/layer1/3B', ds)))
    .filter((p) => p.endsWith('.parquet'))
    .sort();
  const ts = files.map((f) => readParquetToArrow(readFileSync(join(world, 'data/layer1/3B', ds, f))));
  return ts.length === 1 ? ts[0] : new arrow.Table(ts.flatMap((t) => t.batches));
}
const col = (t: arrow.Table, c: string) => t.getChild(c)!.toArray() as ArrayLike<any>;

beforeAll(async () => {
  // B: the same sealed upstream (copied), 3B rebuilt by the CLI with 3 workers
  copyWorld(A, B);
  for (const s of ['3B']) rmSync(join(B, 'data/layer1', s), { recursive: true, force: true });
  rmSync(join(B, 'logs'), { recursive: true, force: true });
  await buildTo(B, '3B', { scale: 'tiny', workers: 3 });
});

describe('3B end to end (tiny)', () => {
  it('writes byte-identical 3B outputs for 1 and 3 workers at the catalogued paths; the gate verifies', async () => {
    const ta = tree(join(A, 'data/layer1/3B')),
      tb = tree(join(B, 'data/layer1/3B'));
    for (const p of [
      'virtual_routing_policy/manifest_fingerprint=',
      'virtual_validation_contract/manifest_fingerprint=',
      'edge_alias_blob/seed=42/',
      'edge_catalogue/seed=42/',
      'edge_universe_hash/manifest_fingerprint=',
      'virtual_settlement/seed=42/',
    ]) {
      expect(
        Object.keys(ta).some((k) => k.startsWith(p)),
        p,
      ).toBe(true);
    }
    expect(ta).toEqual(tb);
    const g = await verifyGate(A, '3B', fp(A));
    expect(g.problems).toEqual([]);
    expect(g.ok).toBe(true);
  });

  it('2B’s edge loader decodes the published alias slices and catalogue; picks follow edge weights', () => {
    const idx = table(A, 'edge_alias_index');
    const cat = table(A, 'edge_catalogue');
    const blobDir = join(A, 'data/layer1/3B/edge_alias_blob');
    const blobFile = Object.keys(tree(blobDir))[0];
    const e = virtualEdgesFrom(idx, readFileSync(join(blobDir, blobFile)), cat);
    expect(e.merchantId.length).toBeGreaterThan(10);
    expect(e.edgeOff[e.merchantId.length]).toBe(cat.numRows);
    // the merchant with most edges: 2·10^5 picks through 2B's decoder track its weights
    let v = 0;
    for (let k = 1; k < e.merchantId.length; k++) if (e.edgeOff[k + 1] - e.edgeOff[k] > e.edgeOff[v + 1] - e.edgeOff[v]) v = k;
    const n = e.edgeOff[v + 1] - e.edgeOff[v];
    const mids = col(cat, 'merchant_id'),
      seq = col(cat, 'edge_seq_index'),
      wt = col(cat, 'edge_weight');
    const w = new Float64Array(n);
    for (let r = 0; r < cat.numRows; r++) if (BigInt(mids[r]) === e.merchantId[v]) w[seq[r]] = wt[r];
    const s = new Substream(0xabc, 0xdef);
    const cnt = new Float64Array(n);
    const D = 200_000;
    for (let i = 0; i < D; i++) cnt[edgePickRef(e, v, s.u01())]++;
    let chi = 0;
    for (let k = 0; k < n; k++) chi += (cnt[k] - D * w[k]) ** 2 / (D * w[k]);
    expect(chi).toBeLessThan(n + 6 * Math.sqrt(2 * n)); // far inside the chi-square tail for n−1 dof
  });

  it('edge counts vary by merchant, weights are far from uniform, every edge sits inside its country', async () => {
    const pack = await loadPolicyPack(join(ROOT, 'config'));
    const cat = table(A, 'edge_catalogue');
    const mids = col(cat, 'merchant_id'),
      wt = col(cat, 'edge_weight'),
      lat = col(cat, 'lat_deg'),
      lon = col(cat, 'lon_deg');
    const iso = cat.getChild('country_iso')!.toArray() as string[];
    const fb = col(cat, 'jitter_fallback');
    const per = new Map<bigint, number[]>();
    for (let r = 0; r < cat.numRows; r++) {
      const m = BigInt(mids[r]);
      if (!per.has(m)) per.set(m, []);
      per.get(m)!.push(wt[r]);
    }
    const counts = [...per.values()].map((x) => x.length);
    expect(new Set(counts).size).toBeGreaterThan(5);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length);
    expect(sd / mean).toBeGreaterThan(0.25);
    // near-uniform would put top1 × E ≈ 1 and max/min ≈ 1
    const ratio = [...per.values()].filter((x) => x.length >= 5).map((x) => Math.max(...x) * x.length);
    ratio.sort((a, b) => a - b);
    expect(ratio[ratio.length >> 1]).toBeGreaterThan(1.5);
    const geo = loadGeo(pack);
    let outside = 0;
    for (let r = 0; r < cat.numRows; r++) if (geo.hasPolygon(iso[r]) && !fb[r] && !geo.inside(iso[r], lon[r], lat[r])) outside++;
    expect(outside).toBe(0);
  });

  it('the routing policy and the alias index carry the edge universe hash', () => {
    const dir = join(A, 'data/layer1/3B');
    const t = tree(dir);
    const read = (prefix: string) =>
      JSON.parse(
        readFileSync(
          join(
            dir,
            Object.keys(t).find((k) => k.startsWith(prefix))!,
          ),
          'utf8',
        ),
      );
    const pol = read('virtual_routing_policy/');
    const uh = read('edge_universe_hash/');
    expect(pol.edge_universe_hash).toBe(uh.universe_hash);
    expect(pol.dual_timezone_semantics.tzid_settlement_field).toBeTruthy();
    const idx = table(A, 'edge_alias_index');
    const scope = idx.getChild('scope')!.toArray() as string[];
    const g = scope.indexOf('GLOBAL');
    expect(idx.getChild('universe_hash')!.get(g)).toBe(uh.universe_hash);
    const vc = table(A, 'virtual_validation_contract');
    expect(vc.numRows).toBeGreaterThan(10);
  });

  it('a tampered 3A gate stops 3B with a named gate error and nothing published', async () => {
    const C = join(tmp, 'c');
    cpSync(B, C, { recursive: true });
    rmSync(join(C, 'data/layer1/3B'), { recursive: true, force: true });
    flipByte(firstParquet(join(C, 'data/layer1/3A/zone_alloc')));
    const ctx = await contextFor(C, 1);
    const err = await segmentError(segment3B, ctx);
    expect(err).toBeInstanceOf(FwError);
    expect((err as FwError).code).toMatch(/^(GATE_|SEALED_INPUT_DIGEST_MISMATCH)/);
    expect(existsSync(join(C, 'data/layer1/3B'))).toBe(false);
  });
});
