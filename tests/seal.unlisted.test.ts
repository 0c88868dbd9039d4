// Sealed datasets hold exactly the files their gate lists (outputs.json). A file beside the sealed
// ones — an extra part, a stray seed=/manifest_fingerprint= directory — fails `validate` with
// GATE_UNLISTED_FILE, stops a run over it (its own segment or the next one) with one line, and is never
// read: readers take the gate's list, not a directory listing. Other identities' partitions in the
// same dataset roots are theirs, not stray.
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleDir, fw, tempDir, tree } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';
import { runS0 } from '../src/engine/s0.js';
import { readTable } from '../src/io/reader.js';
import { Duck, lit } from '../src/io/duck.js';

// `run --scale tiny --workers 1 --until 2A --quiet`, shared with other files: read only, every case works on a copy
const BASE = sharedWorld({ scale: 'tiny', workers: 1, until: '2A' });
const tmp = tempDir('fw-unlisted-');
let copies = 0;
let id: { seed: string; parameter_hash: string; manifest_fingerprint: string };

beforeAll(() => {
  id = JSON.parse(readFileSync(join(bundleDir(BASE, '1B'), 'identity.json'), 'utf8'));
}, 300_000);

/** A fresh copy of the sealed world for one case. */
function world(): string {
  return copyWorld(BASE, join(tmp, `w${copies++}`));
}

const siteLocations = () => `data/layer1/1B/site_locations/seed=${id.seed}/manifest_fingerprint=${id.manifest_fingerprint}`;
const line = (rel: string, seg: string) =>
  `error GATE_UNLISTED_FILE: ${rel}: file not listed by the ${seg} gate (fix: remove it; sealed datasets hold exactly the files their gate lists)`;

function expectUnlisted(w: string, rel: string, seg = '1B'): void {
  const v = fw('validate', w);
  expect(v.code, v.out + v.err).toBe(1);
  const fails = v.out.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(fails).toEqual([`FAIL gate.layer1.${seg}.validation GATE_UNLISTED_FILE: ${rel}: file not listed by the ${seg} gate`]);
}

function expectPass(w: string): void {
  const v = fw('validate', w);
  expect(v.code, v.out + v.err).toBe(0);
  expect(v.out).toMatch(/^PASS gate\.layer1\.1B\.validation/m);
  expect(v.out).not.toMatch(/FAIL/);
}

/** site_locations' sealed part with merchant_id shifted: the same schema, new keys. */
async function newKeysPart(w: string, to: string): Promise<void> {
  const duck = await Duck.open();
  try {
    await duck.run(
      `COPY (SELECT * REPLACE (merchant_id + 1000000000 AS merchant_id) FROM read_parquet(${lit(join(w, siteLocations(), 'part-00000.parquet'))})) TO ${lit(to)} (FORMAT parquet)`,
    );
  } finally {
    duck.close();
  }
}

async function rowsOf(file: string): Promise<number> {
  const duck = await Duck.open();
  try {
    return Number((await duck.all(`SELECT count(*) n FROM read_parquet(${lit(file)})`))[0].n);
  } finally {
    duck.close();
  }
}

describe('files a gate does not list', () => {
  it('the clean world validates', () => expectPass(BASE));

  it('a copied part in a sealed partition fails validate; removing it restores PASS', () => {
    const w = world();
    const stray = `${siteLocations()}/part-00001.parquet`;
    cpSync(join(w, siteLocations(), 'part-00000.parquet'), join(w, stray));
    expectUnlisted(w, stray);
    rmSync(join(w, stray));
    expectPass(w);
  });

  it('a part with new keys is caught by validate', async () => {
    const w = world();
    const stray = `${siteLocations()}/part-00001.parquet`;
    await newKeysPart(w, join(w, stray));
    expectUnlisted(w, stray);
  });

  it('a part with new keys is never read: readers take the files the gate lists', async () => {
    const w = world();
    await newKeysPart(w, join(w, siteLocations(), 'part-00001.parquet'));
    // what 2A and 2B read: the listed part only, through DuckDB (columns) and through parquet-wasm
    const ctx = { world: w, seed: BigInt(id.seed), parameter_hash: id.parameter_hash, manifest_fingerprint: id.manifest_fingerprint, run_id: '' } as any;
    const listed = JSON.parse(readFileSync(join(bundleDir(w, '1B'), 'outputs.json'), 'utf8')).files.filter(
      (o: { dataset: string }) => o.dataset === 'site_locations',
    );
    expect(listed.map((o: { path: string }) => o.path)).toEqual([`${siteLocations()}/part-00000.parquet`]);
    const want = BigInt(await rowsOf(join(w, listed[0].path)));
    for (const opts of [{ columns: ['merchant_id'] }, {}]) {
      const t = await readTable(ctx, 'site_locations', opts);
      expect(BigInt(t.numRows)).toBe(want);
      expect([...(t.getChild('merchant_id')!.toArray() as BigUint64Array)].every((m) => m < 1000000000n)).toBe(true);
    }
  });

  it('a stray seed=7 directory holding this fingerprint is caught; another fingerprint is unsealed data, not ours; another parameter_hash is not caught', () => {
    const w = world();
    const root = 'data/layer1/1B/site_locations';
    const stray = `${root}/seed=7/manifest_fingerprint=${id.manifest_fingerprint}/part-00000.parquet`;
    mkdirSync(join(w, root, 'seed=7', `manifest_fingerprint=${id.manifest_fingerprint}`), { recursive: true });
    cpSync(join(w, siteLocations(), 'part-00000.parquet'), join(w, stray));
    expectUnlisted(w, stray);
    rmSync(join(w, root, 'seed=7'), { recursive: true });
    expectPass(w);
    // another world's partitions in the same roots (another fingerprint; tile_index is scoped by parameter_hash)
    const other = 'f'.repeat(64);
    cpSync(join(w, siteLocations()), join(w, root, 'seed=7', `manifest_fingerprint=${other}`), { recursive: true });
    const tiles = 'data/layer1/1B/tile_index';
    cpSync(join(w, tiles, `parameter_hash=${id.parameter_hash}`), join(w, tiles, `parameter_hash=${other}`), { recursive: true });
    // this world's gates are not fooled by them, and validate reports the other fingerprint's data as
    // unsealed (no gate of that fingerprint seals it), never as an unlisted file of ours
    const v = fw('validate', w);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(new RegExp(`^PASS gate\\.layer1\\.1B\\.validation .*manifest_fingerprint=${id.manifest_fingerprint}/$`, 'm'));
    expect(v.out).toMatch(/^FAIL gate\.layer1\.1B\.validation UNSEALED_OUTPUT: manifest_fingerprint=ffffffffffff…/m);
    expect(v.out).not.toMatch(/GATE_UNLISTED_FILE/);
    rmSync(join(w, root, 'seed=7'), { recursive: true });
    expectPass(w);
    // but not a file in this parameter_hash's partition
    const extra = `${tiles}/parameter_hash=${id.parameter_hash}/part-00007.parquet`;
    writeFileSync(join(w, extra), 'not sealed');
    expectUnlisted(w, extra);
  });

  it('a file loose in a dataset root (in no partition) is caught', () => {
    const w = world();
    const stray = 'data/layer1/1B/site_locations/part-00000.parquet';
    cpSync(join(w, siteLocations(), 'part-00000.parquet'), join(w, stray));
    expectUnlisted(w, stray);
  });

  it('the next segment refuses to run on top, and a re-run says so instead of "already sealed"', async () => {
    const w = world();
    const stray = `${siteLocations()}/part-00001.parquet`;
    cpSync(join(w, siteLocations(), 'part-00000.parquet'), join(w, stray));
    const before = tree(join(w, 'data'));
    for (const until of ['2B', '2A']) {
      const r = fw('run', '--out', w, '--scale', 'tiny', '--workers', '1', '--until', until, '--quiet');
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err.trim()).toBe(line(stray, '1B'));
      expect(r.out).not.toMatch(/already_sealed/);
    }
    expect(tree(join(w, 'data'))).toEqual(before);
    // S0 of a downstream segment, on its own, refuses the upstream the same way
    const ctx = { world: w, seed: BigInt(id.seed), parameter_hash: id.parameter_hash, manifest_fingerprint: id.manifest_fingerprint, sealed: [] } as any;
    const e = await runS0(ctx, '2B', ['1B', '2A'], 'layer1/2B/').then(
      () => undefined,
      (x) => x,
    );
    expect(e?.code).toBe('GATE_UNLISTED_FILE');
    expect(e.line()).toBe(line(stray, '1B'));
    expect(tree(join(w, 'data'))).toEqual(before);
    // removed: the world is whole again and the run resumes from what is sealed
    rmSync(join(w, stray));
    const r = fw('run', '--out', w, '--scale', 'tiny', '--workers', '1', '--until', '2A', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^1B already_sealed/m);
    expect(r.out).toMatch(/^2A already_sealed/m);
  });

  it("a stray file under the last segment's own sealed data stops its re-run", () => {
    const w = world();
    const dir = readdirSync(join(w, 'data/layer1/2A/site_timezones', `seed=${id.seed}`))[0];
    const stray = `data/layer1/2A/site_timezones/seed=${id.seed}/${dir}/part-00000.parquet.bak`;
    cpSync(join(w, `data/layer1/2A/site_timezones/seed=${id.seed}/${dir}/part-00000.parquet`), join(w, stray));
    expectUnlisted(w, stray, '2A');
    const r = fw('run', '--out', w, '--scale', 'tiny', '--workers', '1', '--until', '2A', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(line(stray, '2A'));
  });
});
