// End to end: 2B built after 1A/1B/2A in a tiny world (needs `make build`: dist/ and the wasm).
// Worker-count invariance, the gate verifies, the router loads from the published bytes and routes
// by the published laws, and a tampered upstream gate or output stops 2B before it writes anything.
import { runSegment } from '../src/engine/context.js';
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { validateWorld } from '../src/engine/validate_world.js';
import { runWorld } from '../src/segments/index.js';
import { readTable } from '../src/io/reader.js';
import { segment2B } from '../src/segments/2B/run.js';
import { loadRouter, loadSiteRouter } from '../src/segments/2B/router.js';
import { decodedProbabilities, routeRef, routingLaw } from '../src/laws/routing/router.js';
import { edgePickRef } from '../src/laws/routing/edges.js';
import { loadVirtualEdges } from '../src/segments/3B/read.js';
import { runTask } from '../src/pool/task.js';
import { SharedCol } from '../src/pool/columns.js';
import { k2bEdgePick } from '../src/kernels/2B.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { stringColumn } from '../src/io/arrow_columns.js';
import { numericColumn } from '../src/io/arrow_columns.js';
import { Substream } from '../src/rng/stream.js';
import type { RunContext } from '../src/engine/context.js';
import { bundleDir, firstParquet, flipByte, part, requireBuild, ROOT, tempDir, tree } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';

/** Build a world up to 2B in this process (the CLI's runWorld). */
const buildWorld = (out: string, scale: string, workers: number, until = '2B') => runWorld({ out, seed: 42n, scale, workers, until, quiet: true });

// `run --scale tiny --workers 1 --until 3B --quiet` (through 3B: its edge alias tables feed the S6 branch),
// built once per run for every file that needs it; A is our own copy (a second run goes into it)
const W1 = sharedWorld({ scale: 'tiny', workers: 1, until: '3B' });
const tmp = tempDir('fw-2b-');
const A = join(tmp, 'w1');
const B = join(tmp, 'w2');

/** The identity of a built world, from its run receipt. */
function ctxOf(world: string): RunContext {
  const runs = join(world, 'runs');
  const rec = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0], 'run_receipt.json'), 'utf8'));
  return {
    world,
    seed: BigInt(rec.seed),
    parameter_hash: rec.parameter_hash,
    manifest_fingerprint: rec.manifest_fingerprint,
    run_id: rec.run_id,
    sealed: [],
  } as unknown as RunContext;
}

beforeAll(async () => {
  requireBuild('dist/workers/kernel_worker.js');
  copyWorld(W1, A);
  await buildWorld(B, 'tiny', 2);
});

describe('2B end to end (tiny world)', () => {
  it('--workers 1 and --workers 2 write byte-identical 2B data', () => {
    const ta = tree(join(A, 'data/layer1/2B'));
    const tb = tree(join(B, 'data/layer1/2B'));
    const ids = ['s1_site_weights', 's2_alias_index', 's2_alias_blob', 's3_day_effects', 's4_group_weights', 's7_audit_report', 'validation'];
    for (const id of ids)
      expect(
        Object.keys(ta).some((p) => p.startsWith(`${id}/`)),
        id,
      ).toBe(true);
    expect(ta).toEqual(tb);
    expect(Object.keys(ta).some((p) => p.startsWith('s2_alias_blob/seed=42/manifest_fingerprint=') && p.endsWith('/alias.bin'))).toBe(true);
  });

  it('validate verifies the 2B gate, and the audit passed every check', async () => {
    const { reports } = await validateWorld(A);
    const g = reports.find((r) => r.gate_id === 'gate.layer1.2B.validation');
    expect(g?.ok, JSON.stringify(g?.problems)).toBe(true);
    expect(reports.every((r) => r.ok)).toBe(true);
    const dir = join(A, 'data/layer1/2B/s7_audit_report/seed=42');
    const report = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0], 's7_audit_report.json'), 'utf8'));
    expect(report.summary).toEqual({ overall_status: 'PASS', warn_count: 0, fail_count: 0 });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        's2.alias_decode_exact',
        's2.slice_header_qbits',
        's3s4.key_parity',
        's3s4.gamma_echo',
        's4.mass_conservation',
        's5.router_selftest',
      ]),
    );
  });

  it('loadSiteRouter (no day tables, tz-groups through DuckDB) gives the same slices, sites and tz-groups as loadRouter', async () => {
    const ctx = ctxOf(A);
    const full = await loadRouter(ctx);
    const startDay = new Date(full.startDay * 86_400_000).toISOString().slice(0, 10);
    // the day read starts from the policy's start day; an index that disagrees stops the load
    await expect(loadSiteRouter(ctx, '2025-12-31')).rejects.toThrow(/horizon starts/);
    const lite = await loadSiteRouter(ctx, startDay);
    expect(lite.nDays).toBe(0);
    expect(lite.dayTab.length).toBe(0);
    expect(Array.from(lite.groupOff)).toEqual(Array.from(full.groupOff));
    expect(lite.groupTz).toEqual(full.groupTz);
    expect(Array.from(lite.siteOff)).toEqual(Array.from(full.siteOff));
    expect(Array.from(lite.siteOrder)).toEqual(Array.from(full.siteOrder));
    expect(Array.from(lite.sliceWord)).toEqual(Array.from(full.sliceWord));
    expect(lite.blob).toEqual(full.blob);
  });

  it('loadRouter rebuilds the router from the published bytes; it routes by the published S1/S4 laws', async () => {
    const ctx = ctxOf(A);
    const r = await loadRouter(ctx);
    const s1 = await readTable(ctx, 's1_site_weights');
    const s4 = await readTable(ctx, 's4_group_weights');
    const p = numericColumn(s1, 'p_weight', 's1_site_weights', Float64Array);
    const pg = numericColumn(s4, 'p_group', 's4_group_weights', Float64Array);
    expect(r.siteOff[r.merchantId.length]).toBe(p.length);
    let worst = 0,
      worstGroup = 0;
    for (let m = 0; m < r.merchantId.length; m += 7) {
      const G = r.groupOff[m + 1] - r.groupOff[m];
      for (const d of [0, r.nDays - 1]) {
        // the day's group law decodes to the published p_group within one grid step
        const gl = decodedProbabilities(r.dayTab.subarray(r.dayWord[m] + d * 2 * G), r.dayTab.subarray(r.dayWord[m] + d * 2 * G + G), G, r.dayQbits);
        for (let g = 0; g < G; g++) worstGroup = Math.max(worstGroup, Math.abs(gl[g] - pg[r.nDays * r.groupOff[m] + d * G + g]));
        // with one group, the routing law is the S1 law itself
        if (G === 1) {
          const law = routingLaw(r, m, d);
          for (let k = 0; k < law.length; k++) worst = Math.max(worst, Math.abs(law[k] - p[r.siteOff[m] + k]));
        }
      }
    }
    expect(worstGroup).toBeLessThanOrEqual(2 ** -24);
    expect(worst).toBeLessThanOrEqual(2 ** -23);
    // routed sites exist and sit in the chosen tz-group
    const s = new Substream(1, 2);
    for (let i = 0; i < 20000; i++) {
      const m = i % r.merchantId.length;
      const { group, site } = routeRef(r, m, i % r.nDays, s.u01(), s.u01());
      expect(site >= 0 && site < r.siteOff[m + 1] - r.siteOff[m] && group >= 0 && group < r.groupOff[m + 1] - r.groupOff[m]).toBe(true);
    }
  });

  it("S6: 3B's published edge alias tables load through edges.ts; k2bEdgePick follows edge_weight", async () => {
    const ctx = ctxOf(A);
    const e = await loadVirtualEdges(ctx);
    const V = e.merchantId.length;
    expect(V).toBeGreaterThan(0);
    const cat = await readTable(ctx, 'edge_catalogue_3B');
    const cm = numericColumn(cat, 'merchant_id', 'edge_catalogue_3B', BigUint64Array);
    const seq = numericColumn(cat, 'edge_seq_index', 'edge_catalogue_3B', Int32Array);
    const wgt = numericColumn(cat, 'edge_weight', 'edge_catalogue_3B', Float64Array);
    const ids = stringColumn(cat, 'edge_id', 'edge_catalogue_3B');
    const at = new Map<string, number>();
    for (let r = 0; r < cm.length; r++) at.set(`${cm[r]}/${seq[r]}`, r);
    let worst = 0;
    for (let v = 0; v < V; v++) {
      const w0 = e.edgeWord[v],
        n = e.blob[w0];
      expect(n).toBe(e.edgeOff[v + 1] - e.edgeOff[v]);
      const law = decodedProbabilities(e.blob.subarray(w0 + 4), e.blob.subarray(w0 + 4 + n), n, e.blob[w0 + 1]);
      for (let k = 0; k < n; k++) {
        const r = at.get(`${e.merchantId[v]}/${k}`)!;
        expect(e.edgeId[e.edgeOff[v] + k]).toBe(ids.dict[ids.codes[r]]);
        worst = Math.max(worst, Math.abs(law[k] - wgt[r]));
      }
    }
    expect(worst).toBeLessThanOrEqual(2 ** -24);
    // the wasm pick over every virtual merchant equals the reference, one uniform per virtual arrival
    const N = 20000;
    const vIdx = Int32Array.from({ length: N }, (_, i) => (i % 3 === 2 ? -1 : i % V));
    const s = new Substream(8, 9);
    const u = Float64Array.from({ length: N }, () => s.u01());
    const out = new SharedCol('i32', N);
    runTask(
      instantiateKernelsSync(),
      k2bEdgePick.task({
        n: N,
        vIdx: SharedCol.from('i32', vIdx).all(),
        u: SharedCol.from('f64', u).all(),
        edgeWord: SharedCol.from('u32', e.edgeWord).all(),
        edgeBlob: SharedCol.from('u32', e.blob).all(),
        outEdge: out.out(0, N),
      }),
    );
    let bad = 0;
    for (let i = 0; i < N; i++) if (out.view()[i] !== (vIdx[i] < 0 ? -1 : edgePickRef(e, vIdx[i], u[i]))) bad++;
    expect(bad).toBe(0);
  });

  it('a second run with the same identity finds 2B sealed and changes nothing', async () => {
    const before = tree(join(A, 'data'));
    const s = await buildWorld(A, 'tiny', 2);
    expect(s.segments.find((x) => x.segment === '2B')?.status).toBe('already_sealed');
    expect(tree(join(A, 'data'))).toEqual(before);
  });

  it('a tampered upstream gate or upstream output stops 2B in S0, before it writes anything', async () => {
    for (const [name, tamper, code] of [
      ['2A bundle', (w: string) => flipByte(join(bundleDir(w, '2A'), 'checks.json')), /^GATE_/],
      ['1B flag', (w: string) => rmSync(join(bundleDir(w, '1B'), '_passed.flag')), /^GATE_/],
      ['site_timezones part', (w: string) => flipByte(firstParquet(part(w, 'data/layer1/2A/site_timezones/seed=42'))), /^(GATE_|SEALED_)/],
    ] as const) {
      const w = join(tmp, `tamper-${name.replace(/ /g, '-')}`);
      cpSync(A, w, { recursive: true });
      rmSync(join(w, 'data/layer1/2B'), { recursive: true });
      tamper(w);
      const err = await runSegment(segment2B, ctxOf(w)).then(
        () => null,
        (e) => e,
      );
      expect(err?.code, name).toMatch(code);
      expect(existsSync(join(w, 'data/layer1/2B')), name).toBe(false);
    }
  });

  it('a bad 2B policy is one clear error before anything is written', async () => {
    const cfg = join(tmp, 'cfg-bad-days');
    cpSync(join(ROOT, 'config'), cfg, { recursive: true });
    const f = join(cfg, 'layer1/2B/day_effects.yaml');
    const doc = YAML.parse(readFileSync(f, 'utf8'));
    doc.day_range.end_day = '2025-12-01';
    writeFileSync(f, YAML.stringify(doc));
    const out = join(tmp, 'bad-days');
    const err = await runWorld({ out, seed: 42n, scale: 'tiny', workers: 1, until: '2B', configDir: cfg, quiet: true }).then(
      () => null,
      (e) => e,
    );
    expect(err?.code).toBe('CONFIG_SCHEMA_VIOLATION');
    expect(err?.line()).toMatch(/day_effects\.yaml: day_range: end_day is before start_day/);
    expect(existsSync(join(out, 'data'))).toBe(false);
  });
});
