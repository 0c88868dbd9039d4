// Gates (SPEC §6): one hashing law, verified from bytes. Any tamper of a bundle member, the flag,
// the index or an authorised data file is caught with a named code.
import { promises as fs, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleBundle, FLAG_FILE, INDEX_FILE } from '../src/gates/bundle.js';
import { verifyGate, OUTPUTS_FILE, type GateReport } from '../src/gates/verify.js';
import { publishPartition, listFiles, type PartFile } from '../src/io/publish.js';
import { ErrorCodes, type ErrorCode } from '../src/core/errors.js';

const REPO = join(import.meta.dirname, '..');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const MF = sha('fraudworld gates test world');
const OTHER_MF = sha('another world');

interface GateMapEntry {
  segment: string;
  bundle_root_template: string;
  passed_flag_path_template: string;
  index_path_template: string;
  verification_method: { kind: string; digest_field: string; ordering: string; exclude_filenames: string[] };
}
// Read the shipped gates map directly (as an outside consumer would), not through our loader.
const GATES: GateMapEntry[] = YAML.parse(readFileSync(join(REPO, 'contracts', 'gates', '1A.yaml'), 'utf8')).gates;
const GATE_1A = GATES.find((g) => g.segment === '1A')!;
const bundleRel = (mf: string) => GATE_1A.bundle_root_template.replace('{manifest_fingerprint}', mf).replace(/\/$/, '');

const DATA_REL = `data/layer1/1A/outlet_catalogue/seed=42/manifest_fingerprint=${MF}`;
const DATA_FILE = 'part-00000.parquet';
const DATA_BYTES = Buffer.concat([Buffer.from('PAR1'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)), Buffer.from('PAR1')]);

let tmpRoot: string;
let base: string; // pristine world; every case works on a fresh copy
let copies = 0;

async function freshWorld(): Promise<string> {
  const w = join(tmpRoot, `w${copies++}`);
  await fs.cp(base, w, { recursive: true });
  return w;
}

function bundleMembers(): PartFile[] {
  const outputs = {
    segment: '1A',
    files: [{ dataset: 'outlet_catalogue', path: `${DATA_REL}/${DATA_FILE}`, sha256_hex: sha(DATA_BYTES), bytes: DATA_BYTES.length }],
  };
  return [
    { name: OUTPUTS_FILE, bytes: Buffer.from(JSON.stringify(outputs, null, 2) + '\n') },
    { name: 'a_checks.json', bytes: Buffer.from('{"coverage":"pass","conservation":"pass"}\n') },
    // ASCII order puts 'Z' and '_' before lowercase letters (a locale sort would not)
    { name: 'Z_summary.txt', bytes: Buffer.from('rows=300\n') },
    { name: '_receipt.json', bytes: Buffer.from('{"ok":true}') },
    { name: 'rng/accounting.jsonl', bytes: Buffer.from('{"stream":"s1","draws":12}\n{"stream":"s2","draws":7}\n') },
    { name: 'rng-audit.bin', bytes: Uint8Array.from([0, 1, 2, 254, 255, 0, 10, 13]) },
  ];
}

beforeAll(async () => {
  tmpRoot = mkdtempSync(join(tmpdir(), 'fw-gates-'));
  base = join(tmpRoot, 'base');
  await publishPartition(base, DATA_REL, [{ name: DATA_FILE, bytes: DATA_BYTES }]);
  await publishPartition(base, bundleRel(MF), assembleBundle('1A', MF, bundleMembers(), true));
});

afterAll(() => {
  rmSync(tmpRoot, { recursive: true, force: true });
});

const codes = (r: GateReport): ErrorCode[] => r.problems.map((p) => p.code);

function expectFail(r: GateReport, code: ErrorCode): void {
  expect(r.ok).toBe(false);
  expect(codes(r)).toContain(code);
}

async function flipByte(path: string, at: number): Promise<void> {
  const b = await fs.readFile(path);
  b[at] ^= 0x01;
  await fs.writeFile(path, b);
}

describe('verifyGate on an intact bundle', () => {
  it('is ok with the recomputed digest equal to the flag', async () => {
    const r = await verifyGate(base, '1A', MF);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.segment).toBe('1A');
    expect(r.bundle_dir.replace(/\/$/, '')).toBe(bundleRel(MF));
    const flag = readFileSync(join(base, bundleRel(MF), FLAG_FILE), 'utf8');
    expect(flag).toBe(`sha256_hex = ${r.digest}\n`);
  });

  it('bundle layout: the flag path and index path match the gates map templates', async () => {
    const fill = (t: string) => t.replace('{manifest_fingerprint}', MF);
    await expect(fs.access(join(base, fill(GATE_1A.passed_flag_path_template)))).resolves.toBeUndefined();
    await expect(fs.access(join(base, fill(GATE_1A.index_path_template)))).resolves.toBeUndefined();
  });
});

describe('digest law, checked without our code', () => {
  it('sha256 over member bytes concatenated in ASCII path order equals the flag', async () => {
    const dir = join(base, bundleRel(MF));
    const excluded = new Set(GATE_1A.verification_method.exclude_filenames);
    expect(excluded).toEqual(new Set([FLAG_FILE, INDEX_FILE]));
    expect(GATE_1A.verification_method.ordering).toBe('ascii_lex');

    // every file on disk except the excluded ones, ordered by raw byte comparison of the path
    const members = (await walk(dir)).filter((p) => !excluded.has(p)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(members).toEqual(['Z_summary.txt', '_receipt.json', 'a_checks.json', 'outputs.json', 'rng-audit.bin', 'rng/accounting.jsonl']);

    const h = createHash('sha256');
    for (const m of members) h.update(readFileSync(join(dir, m)));
    const digest = h.digest('hex');

    const flag = readFileSync(join(dir, FLAG_FILE), 'utf8');
    const m = /^sha256_hex = ([0-9a-f]{64})\n$/.exec(flag);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(digest);

    // the index lists exactly these members, in this order, with their own sha256 and size
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8'));
    expect(index.items.map((i: { path: string }) => i.path)).toEqual(members);
    for (const it of index.items) {
      const b = readFileSync(join(dir, it.path));
      expect(it.sha256_hex).toBe(sha(b));
      expect(it.bytes).toBe(b.length);
    }
    expect(index.segment).toBe('1A');
    expect(index.manifest_fingerprint).toBe(MF);
  });
});

async function walk(dir: string, pre = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(join(dir, pre), { withFileTypes: true })) {
    const rel = pre ? `${pre}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, rel)));
    else out.push(rel);
  }
  return out;
}

describe('tampering is caught', () => {
  const members = bundleMembers().map((f) => f.name);

  for (const name of members) {
    it(`one flipped byte in member ${name} → GATE_FILE_DIGEST_MISMATCH`, async () => {
      const w = await freshWorld();
      const p = join(w, bundleRel(MF), name);
      const size = (await fs.stat(p)).size;
      await flipByte(p, Math.floor(size / 2));
      const r = await verifyGate(w, '1A', MF);
      expectFail(r, ErrorCodes.GATE_FILE_DIGEST_MISMATCH);
      expect(r.problems.find((x) => x.code === ErrorCodes.GATE_FILE_DIGEST_MISMATCH)!.detail).toContain(name);
      expectFail(r, ErrorCodes.GATE_DIGEST_MISMATCH);
    });
  }

  it('one flipped byte in index.json → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    await flipByte(join(w, bundleRel(MF), INDEX_FILE), 0); // '{' → 'z'
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_INDEX_INVALID);
  });

  it('every single-byte flip anywhere in index.json is rejected', async () => {
    const w = await freshWorld();
    const p = join(w, bundleRel(MF), INDEX_FILE);
    const orig = await fs.readFile(p);
    const allowed: ErrorCode[] = [
      ErrorCodes.GATE_INDEX_INVALID,
      ErrorCodes.GATE_DIGEST_MISMATCH,
      ErrorCodes.GATE_FILE_DIGEST_MISMATCH,
      ErrorCodes.GATE_FILE_MISSING,
    ];
    const accepted: number[] = [];
    for (let i = 0; i < orig.length; i++) {
      const b = Buffer.from(orig);
      b[i] ^= 0x01;
      await fs.writeFile(p, b);
      const r = await verifyGate(w, '1A', MF);
      if (r.ok) accepted.push(i);
      else for (const c of codes(r)) expect(allowed).toContain(c);
    }
    expect(accepted.map((i) => `${i}:${JSON.stringify(orig.subarray(Math.max(0, i - 10), i + 10).toString())}`)).toEqual([]);
  });

  it('every single-byte flip anywhere in the flag is rejected', async () => {
    const w = await freshWorld();
    const p = join(w, bundleRel(MF), FLAG_FILE);
    const orig = await fs.readFile(p);
    for (let i = 0; i < orig.length; i++) {
      const b = Buffer.from(orig);
      b[i] ^= 0x01;
      await fs.writeFile(p, b);
      const r = await verifyGate(w, '1A', MF);
      expect(r.ok).toBe(false);
      for (const c of codes(r)) expect([ErrorCodes.GATE_FLAG_MALFORMED, ErrorCodes.GATE_DIGEST_MISMATCH]).toContain(c);
    }
  });

  it('a well-formed flag with another digest → GATE_DIGEST_MISMATCH', async () => {
    const w = await freshWorld();
    await fs.writeFile(join(w, bundleRel(MF), FLAG_FILE), `sha256_hex = ${sha('not the bundle')}\n`);
    const r = await verifyGate(w, '1A', MF);
    expectFail(r, ErrorCodes.GATE_DIGEST_MISMATCH);
    expect(codes(r)).toEqual([ErrorCodes.GATE_DIGEST_MISMATCH]);
  });

  const malformed: Record<string, (d: string) => string> = {
    'no spaces': (d) => `sha256_hex=${d}\n`,
    'uppercase hex': (d) => `sha256_hex = ${d.toUpperCase()}\n`,
    'no trailing newline': (d) => `sha256_hex = ${d}`,
    CRLF: (d) => `sha256_hex = ${d}\r\n`,
    'short digest': (d) => `sha256_hex = ${d.slice(1)}\n`,
    'wrong key': (d) => `sha256 = ${d}\n`,
    'trailing junk': (d) => `sha256_hex = ${d}\nextra\n`,
    empty: () => '',
  };
  for (const [label, make] of Object.entries(malformed)) {
    it(`malformed flag (${label}) → GATE_FLAG_MALFORMED`, async () => {
      const w = await freshWorld();
      const p = join(w, bundleRel(MF), FLAG_FILE);
      const d = /= ([0-9a-f]{64})/.exec(await fs.readFile(p, 'utf8'))![1];
      await fs.writeFile(p, make(d));
      expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_FLAG_MALFORMED);
    });
  }

  it('deleted flag → GATE_MISSING', async () => {
    const w = await freshWorld();
    await fs.rm(join(w, bundleRel(MF), FLAG_FILE));
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_MISSING);
  });

  it('a bundle assembled as failed (no flag) → GATE_MISSING', async () => {
    const w = join(tmpRoot, `failed${copies++}`);
    await publishPartition(w, DATA_REL, [{ name: DATA_FILE, bytes: DATA_BYTES }]);
    const parts = assembleBundle('1A', MF, bundleMembers(), false);
    expect(parts.map((p) => p.name)).not.toContain(FLAG_FILE);
    await publishPartition(w, bundleRel(MF), parts);
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_MISSING);
  });

  it('an extra unlisted file → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    await fs.writeFile(join(w, bundleRel(MF), 'smuggled.json'), '{}');
    const r = await verifyGate(w, '1A', MF);
    expectFail(r, ErrorCodes.GATE_INDEX_INVALID);
    expect(r.problems.map((p) => p.detail).join(' ')).toContain('smuggled.json');
  });

  it('an extra unlisted file in a nested folder → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    await fs.writeFile(join(w, bundleRel(MF), 'rng', 'extra.jsonl'), '');
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_INDEX_INVALID);
  });

  it('a listed member deleted → GATE_FILE_MISSING', async () => {
    const w = await freshWorld();
    await fs.rm(join(w, bundleRel(MF), 'a_checks.json'));
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_FILE_MISSING);
  });

  for (const [label, reformat] of Object.entries({
    compact: (s: string) => JSON.stringify(JSON.parse(s)),
    'four-space indent': (s: string) => JSON.stringify(JSON.parse(s), null, 4) + '\n',
    'no trailing newline': (s: string) => s.replace(/\n$/, ''),
    'CRLF line endings': (s: string) => s.replace(/\n/g, '\r\n'),
  })) {
    it(`index.json whitespace reformatted (${label}) → GATE_INDEX_INVALID`, async () => {
      const w = await freshWorld();
      const p = join(w, bundleRel(MF), INDEX_FILE);
      const before = await fs.readFile(p, 'utf8');
      const after = reformat(before);
      expect(after).not.toBe(before);
      expect(JSON.parse(after)).toEqual(JSON.parse(before)); // same content, different bytes
      await fs.writeFile(p, after);
      expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_INDEX_INVALID);
    });
  }

  it('index.json with items reordered (re-serialised canonically) → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    const p = join(w, bundleRel(MF), INDEX_FILE);
    const idx = JSON.parse(await fs.readFile(p, 'utf8'));
    idx.items.reverse();
    await fs.writeFile(p, JSON.stringify(idx, null, 2) + '\n');
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_INDEX_INVALID);
  });

  it('index.json re-serialised canonically with an edited hash_law → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    const p = join(w, bundleRel(MF), INDEX_FILE);
    const idx = JSON.parse(await fs.readFile(p, 'utf8'));
    idx.hash_law = 'md5, trust me';
    await fs.writeFile(p, JSON.stringify(idx, null, 2) + '\n'); // keys already sorted: still canonical form
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_INDEX_INVALID);
  });

  it('tampered authorised data file → SEALED_INPUT_DIGEST_MISMATCH', async () => {
    const w = await freshWorld();
    await flipByte(join(w, DATA_REL, DATA_FILE), 100);
    const r = await verifyGate(w, '1A', MF);
    expectFail(r, ErrorCodes.SEALED_INPUT_DIGEST_MISMATCH);
    expect(codes(r)).toEqual([ErrorCodes.SEALED_INPUT_DIGEST_MISMATCH]); // the bundle itself is intact
  });

  it('truncated authorised data file → SEALED_INPUT_DIGEST_MISMATCH', async () => {
    const w = await freshWorld();
    const p = join(w, DATA_REL, DATA_FILE);
    await fs.truncate(p, DATA_BYTES.length - 4);
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.SEALED_INPUT_DIGEST_MISMATCH);
  });

  it('deleted authorised data file → GATE_FILE_MISSING', async () => {
    const w = await freshWorld();
    await fs.rm(join(w, DATA_REL, DATA_FILE));
    expectFail(await verifyGate(w, '1A', MF), ErrorCodes.GATE_FILE_MISSING);
  });

  it('no bundle directory → GATE_MISSING', async () => {
    const w = await freshWorld();
    await fs.rm(join(w, bundleRel(MF)), { recursive: true });
    const r = await verifyGate(w, '1A', MF);
    expectFail(r, ErrorCodes.GATE_MISSING);
    // an empty world, and a fingerprint nobody sealed, read the same
    const empty = join(tmpRoot, `empty${copies++}`);
    await fs.mkdir(empty);
    expectFail(await verifyGate(empty, '1A', MF), ErrorCodes.GATE_MISSING);
    expectFail(await verifyGate(base, '1A', OTHER_MF), ErrorCodes.GATE_MISSING);
  });

  it('a bundle copied under another fingerprint → GATE_INDEX_INVALID', async () => {
    const w = await freshWorld();
    await fs.cp(join(w, bundleRel(MF)), join(w, bundleRel(OTHER_MF)), { recursive: true });
    expectFail(await verifyGate(w, '1A', OTHER_MF), ErrorCodes.GATE_INDEX_INVALID);
  });

  it('the pristine world was never modified by the cases above', async () => {
    expect((await verifyGate(base, '1A', MF)).ok).toBe(true);
    expect((await listFiles(join(base, bundleRel(MF)))).sort()).toEqual([...bundleMembers().map((f) => f.name), INDEX_FILE, FLAG_FILE].sort());
  });
});
