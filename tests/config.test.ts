// Policy pack loading (SPEC §10): every mistake is one line naming the file, the field (or line) and a fix.
import { promises as fs, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicyPack, policy } from '../src/config/load.js';
import { FwError, ErrorCodes, type ErrorCode } from '../src/core/errors.js';
import { parameterHash } from '../src/core/identity.js';

const REPO = join(import.meta.dirname, '..');
const SHIPPED = join(REPO, 'config');

const tmpRoot = mkdtempSync(join(tmpdir(), 'fw-config-'));
let n = 0;
let pack: string; // a fresh copy of the shipped pack per test

beforeEach(async () => {
  pack = join(tmpRoot, `pack${n++}`);
  await fs.cp(SHIPPED, pack, { recursive: true });
});

afterAll(() => {
  rmSync(tmpRoot, { recursive: true, force: true });
});

async function loadError(dir: string): Promise<FwError> {
  let caught: unknown;
  try {
    await loadPolicyPack(dir);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'loadPolicyPack should have failed').toBeInstanceOf(FwError);
  return caught as FwError;
}

function expectOneLine(e: FwError, code: ErrorCode): string {
  expect(e.code).toBe(code);
  const line = e.line();
  expect(line.startsWith(`error ${code}:`)).toBe(true);
  expect(line).not.toContain('\n');
  expect(line).toContain('(fix: ');
  return line;
}

function edit(rel: string, f: (s: string) => string): string {
  const p = join(pack, rel);
  const before = readFileSync(p, 'utf8');
  const after = f(before);
  expect(after, `edit of ${rel} had no effect`).not.toBe(before);
  writeFileSync(p, after);
  return p;
}

describe('the shipped pack', () => {
  it('loads, with every YAML file validated and kept byte-exact', async () => {
    const p = await loadPolicyPack(SHIPPED);
    const names = [...p.docs.keys()];
    expect(names).toContain('layer1/1A/crossborder.yaml');
    expect(names).toContain('layer1/1A/hurdle.yaml');
    expect(names).toContain('scales.yaml');
    expect(p.files.map((f) => f.name)).toEqual(names);
    expect([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(names); // ASCII order
    for (const f of p.files) expect(Buffer.from(f.bytes).equals(readFileSync(join(SHIPPED, f.name)))).toBe(true);
    expect(policy<{ intercept: number }>(p, 'layer1/1A/hurdle.yaml').intercept).toBeTypeOf('number');
  });

  it('a copy elsewhere has the same parameter hash (identity does not depend on location)', async () => {
    const a = await loadPolicyPack(SHIPPED);
    const b = await loadPolicyPack(pack);
    expect(parameterHash(b.files)).toBe(parameterHash(a.files));
  });

  it('a missing required policy is CONFIG_MISSING naming the file', async () => {
    const p = await loadPolicyPack(pack);
    p.docs.delete('layer1/1A/hurdle.yaml');
    expect(() => policy(p, 'layer1/1A/hurdle.yaml')).toThrow(FwError);
    try {
      policy(p, 'layer1/1A/hurdle.yaml');
    } catch (e) {
      expect(expectOneLine(e as FwError, ErrorCodes.CONFIG_MISSING)).toContain('hurdle.yaml');
    }
  });
});

describe('bad YAML', () => {
  it('broken indentation in layer1/1A/crossborder.yaml → CONFIG_YAML_INVALID with file and line', async () => {
    const rel = 'layer1/1A/crossborder.yaml';
    const src = readFileSync(join(pack, rel), 'utf8');
    const lines = src.split('\n');
    const broken = lines.findIndex((l) => l.startsWith('  theta1:'));
    expect(broken).toBeGreaterThan(0);
    lines[broken] = lines[broken].slice(1); // dedent one column: items no longer line up
    const path = join(pack, rel);
    writeFileSync(path, lines.join('\n'));
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_YAML_INVALID);
    expect(line).toContain(path);
    const m = new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`).exec(line);
    expect(m, line).not.toBeNull();
    expect(Number(m![1])).toBe(broken + 1); // the line we broke, 1-based
  });

  for (const [label, f] of Object.entries({
    'over-indented key': (s: string) => s.replace('\n  theta1: 0.62', '\n   theta1: 0.62'),
    'over-indented map item': (s: string) => s.replace('\n  residual_dp: 8', '\n    residual_dp: 8'),
    'unclosed flow sequence': (s: string) => s.replace('deny_sets: [SANCTIONED]', 'deny_sets: [SANCTIONED'),
    'duplicate key': (s: string) => s.replace('max_candidates: 24', 'max_candidates: 24\nmax_candidates: 25'),
    'tab indentation': (s: string) => s.replace('\n  theta1: 0.62', '\n\ttheta1: 0.62'),
  })) {
    it(`${label} → CONFIG_YAML_INVALID with file:line:col`, async () => {
      const path = edit('layer1/1A/crossborder.yaml', f);
      const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_YAML_INVALID);
      expect(line).toContain(path);
      expect(line).toMatch(/crossborder\.yaml:\d+:\d+/);
    });
  }
});

describe('schema violations', () => {
  it('hurdle intercept as a string → CONFIG_SCHEMA_VIOLATION naming the file and /intercept', async () => {
    const path = edit('layer1/1A/hurdle.yaml', (s) => s.replace(/^intercept: .*$/m, 'intercept: "0.55"'));
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
    expect(line).toContain('/intercept');
    expect(line).toContain('number');
  });

  it('a non-numeric word for intercept is caught the same way', async () => {
    edit('layer1/1A/hurdle.yaml', (s) => s.replace(/^intercept: .*$/m, 'intercept: high'));
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain('hurdle.yaml');
    expect(line).toContain('/intercept');
  });

  it('an unknown top-level field → CONFIG_SCHEMA_VIOLATION mentioning the field', async () => {
    const path = edit('layer1/1A/hurdle.yaml', (s) => s + 'intercpet_typo: 0.4\n');
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
    expect(line).toContain('intercpet_typo');
  });

  it('an unknown nested field → CONFIG_SCHEMA_VIOLATION mentioning the field and its parent', async () => {
    const path = edit('layer1/1A/hurdle.yaml', (s) => s.replace(/^channel: \{ /m, 'channel: { card_magic: 1, '));
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
    expect(line).toContain('card_magic');
    expect(line).toContain('/channel');
  });

  it('a missing required field → CONFIG_SCHEMA_VIOLATION naming it', async () => {
    edit('layer1/1A/crossborder.yaml', (s) => s.replace('  theta1: 0.62\n', ''));
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain('crossborder.yaml');
    expect(line).toContain('theta1');
  });

  it('an empty policy file → CONFIG_SCHEMA_VIOLATION naming the file', async () => {
    const path = join(pack, 'layer1/1A/hurdle.yaml');
    writeFileSync(path, '');
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
  });

  it('a stray .yaml with no schema → CONFIG_SCHEMA_VIOLATION naming it', async () => {
    const path = join(pack, 'layer1/1A/notes.yaml');
    writeFileSync(path, 'todo: tune the hurdle\n');
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
    expect(line).toContain('layer1.1A.notes.schema.json');
  });

  it('a stray .yml at the top level is caught too', async () => {
    const path = join(pack, 'zz_local.yml');
    writeFileSync(path, 'a: 1\n');
    const line = expectOneLine(await loadError(pack), ErrorCodes.CONFIG_SCHEMA_VIOLATION);
    expect(line).toContain(path);
  });

  it('non-YAML files in the pack are ignored', async () => {
    writeFileSync(join(pack, 'README.md'), '# notes\n');
    const p = await loadPolicyPack(pack);
    expect([...p.docs.keys()]).not.toContain('README.md');
  });
});

describe('missing pack', () => {
  it('a directory that does not exist → CONFIG_MISSING naming it', async () => {
    const dir = join(tmpRoot, 'no-such-config');
    const line = expectOneLine(await loadError(dir), ErrorCodes.CONFIG_MISSING);
    expect(line).toContain(dir);
  });

  it('a file given as the config dir → CONFIG_MISSING', async () => {
    const file = join(tmpRoot, `not-a-dir-${n++}.yaml`);
    writeFileSync(file, 'version: 1\n');
    expectOneLine(await loadError(file), ErrorCodes.CONFIG_MISSING);
  });
});
