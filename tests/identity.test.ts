// Identity (SPEC §4): parameter_hash and manifest_fingerprint are pure functions of content, never of
// order or newline style; the seed is a u64 and a bad one is one clear line naming --seed.
import { describe, expect, it } from 'vitest';
import { manifestFingerprint, parameterHash, parseSeed, canonicalBytes, type NamedBytes, type SealedDigest } from '../src/core/identity.js';
import { FwError, ErrorCodes } from '../src/core/errors.js';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { engineCodeDigest } from '../src/engine/runner.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const HEX64 = /^[0-9a-f]{64}$/;

function pack(): NamedBytes[] {
  return [
    { name: 'layer1/1A/hurdle.yaml', bytes: b('version: 1\nintercept: 0.55\n') },
    { name: 'layer1/1A/crossborder.yaml', bytes: b('version: 1\nmax_candidates: 24\n') },
    { name: 'scales.yaml', bytes: b('version: 1\nscales: {}\n') },
    { name: 'Layer1/upper.yaml', bytes: b('x: 1\n') },
  ];
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('parameterHash', () => {
  const ref = parameterHash(pack());

  it('is a 64-hex sha256 and deterministic', () => {
    expect(ref).toMatch(HEX64);
    expect(parameterHash(pack())).toBe(ref);
  });

  it('is independent of input order (all permutations)', () => {
    for (const p of permutations(pack())) expect(parameterHash(p)).toBe(ref);
  });

  it('does not mutate its input array', () => {
    const p = pack().reverse();
    const names = p.map((e) => e.name);
    parameterHash(p);
    expect(p.map((e) => e.name)).toEqual(names);
  });

  it('changes when any single byte of any file changes', () => {
    const seen = new Set<string>([ref]);
    const base = pack();
    for (let f = 0; f < base.length; f++) {
      for (let i = 0; i < base[f].bytes.length; i++) {
        const p = pack();
        const bytes = Uint8Array.from(p[f].bytes);
        bytes[i] ^= 0x20; // keep it printable-ish and never turn anything into a CR/LF pair
        if (bytes[i] === 0x0d || base[f].bytes[i] === 0x0d) continue;
        p[f] = { name: p[f].name, bytes };
        const h = parameterHash(p);
        expect(seen.has(h), `file ${p[f].name} byte ${i}`).toBe(false);
        seen.add(h);
      }
    }
  });

  it('distinct non-UTF-8 bytes never collide (no lossy text decoding)', () => {
    const h = (bytes: number[]) => parameterHash([{ name: 'a.yaml', bytes: Uint8Array.from(bytes) }]);
    expect(h([0x61, 0xe1])).not.toBe(h([0x61, 0xe2]));
    expect(h([0xff])).not.toBe(h([0xfe]));
    expect(h([0xff])).not.toBe(h([0xef, 0xbf, 0xbd])); // U+FFFD itself
    // every high-bit flip of the pack is seen
    const seen = new Set<string>([ref]);
    const base = pack();
    for (let f = 0; f < base.length; f++) {
      for (let i = 0; i < base[f].bytes.length; i++) {
        const p = pack();
        const bytes = Uint8Array.from(p[f].bytes);
        bytes[i] ^= 0x80;
        p[f] = { name: p[f].name, bytes };
        const x = parameterHash(p);
        expect(seen.has(x), `file ${p[f].name} byte ${i}`).toBe(false);
        seen.add(x);
      }
    }
  });

  it('canonical bytes keep valid UTF-8 (multi-byte text, BOM) intact apart from newlines', () => {
    const text = '\ufeffname: Zürich — 東京 🚀\r\nnote: "a\rb"\n';
    const got = Buffer.from(canonicalBytes(b(text))).toString('utf8');
    expect(got).toBe(text.replace(/\r\n?/g, '\n'));
  });

  it('changes when a byte is appended or removed', () => {
    const p = pack();
    p[0] = { name: p[0].name, bytes: b('version: 1\nintercept: 0.55\n\n') };
    expect(parameterHash(p)).not.toBe(ref);
    const q = pack();
    q[0] = { name: q[0].name, bytes: b('version: 1\nintercept: 0.55') };
    expect(parameterHash(q)).not.toBe(ref);
  });

  it('changes when any name changes (even case, even with identical bytes)', () => {
    for (let f = 0; f < pack().length; f++) {
      const p = pack();
      p[f] = { name: p[f].name.replace('.yaml', '.yml'), bytes: p[f].bytes };
      expect(parameterHash(p)).not.toBe(ref);
      const q = pack();
      q[f] = { name: q[f].name.toUpperCase(), bytes: q[f].bytes };
      expect(parameterHash(q)).not.toBe(ref);
    }
  });

  it('changes when a file is added or removed', () => {
    expect(parameterHash(pack().slice(1))).not.toBe(ref);
    expect(parameterHash([...pack(), { name: 'zz.yaml', bytes: b('') }])).not.toBe(ref);
  });

  it('boundaries cannot shift between name and bytes or between files', () => {
    // same concatenation, different split
    expect(parameterHash([{ name: 'a.yaml', bytes: b('xy') }])).not.toBe(parameterHash([{ name: 'a.yamlx', bytes: b('y') }]));
    expect(
      parameterHash([
        { name: 'a', bytes: b('bc') },
        { name: 'd', bytes: b('') },
      ]),
    ).not.toBe(
      parameterHash([
        { name: 'a', bytes: b('b') },
        { name: 'd', bytes: b('c') },
      ]),
    );
  });

  it('treats CRLF and LF alike (a Windows checkout has the same identity)', () => {
    const crlf = pack().map((e) => ({ name: e.name, bytes: b(Buffer.from(e.bytes).toString('utf8').replace(/\n/g, '\r\n')) }));
    expect(Buffer.from(crlf[0].bytes).includes(0x0d)).toBe(true);
    expect(parameterHash(crlf)).toBe(ref);
    // mixed line endings too
    const mixed = pack();
    mixed[0] = { name: mixed[0].name, bytes: b('version: 1\r\nintercept: 0.55\n') };
    expect(parameterHash(mixed)).toBe(ref);
    expect(Buffer.from(canonicalBytes(b('a\r\nb\r\n'))).toString()).toBe('a\nb\n');
  });
});

describe('manifestFingerprint', () => {
  const P = parameterHash(pack());
  const sealed = (): SealedDigest[] => [
    { id: 'reference/iso3166.parquet', sha256_hex: sha('iso') },
    { id: 'contracts/dataset_dictionary.yaml', sha256_hex: sha('dict') },
    { id: 'engine_version', sha256_hex: sha('0.1.0') },
  ];
  const ref = manifestFingerprint(sealed(), P);

  it('is a 64-hex sha256 and deterministic', () => {
    expect(ref).toMatch(HEX64);
    expect(manifestFingerprint(sealed(), P)).toBe(ref);
    expect(ref).not.toBe(P);
  });

  it('is independent of sealed-input order', () => {
    for (const p of permutations(sealed())) expect(manifestFingerprint(p, P)).toBe(ref);
  });

  it('changes with any sealed digest (every hex position)', () => {
    const seen = new Set([ref]);
    for (let k = 0; k < sealed().length; k++) {
      for (let i = 0; i < 64; i++) {
        const s = sealed();
        const c = s[k].sha256_hex[i];
        const flipped = c === '0' ? '1' : '0';
        s[k] = { id: s[k].id, sha256_hex: s[k].sha256_hex.slice(0, i) + flipped + s[k].sha256_hex.slice(i + 1) };
        const f = manifestFingerprint(s, P);
        expect(seen.has(f), `input ${k} hex ${i}`).toBe(false);
        seen.add(f);
      }
    }
  });

  it('changes with a sealed id, an added or a removed input', () => {
    const s = sealed();
    s[0] = { id: 'reference/iso3166_v2.parquet', sha256_hex: s[0].sha256_hex };
    expect(manifestFingerprint(s, P)).not.toBe(ref);
    expect(manifestFingerprint(sealed().slice(1), P)).not.toBe(ref);
    expect(manifestFingerprint([...sealed(), { id: 'extra', sha256_hex: sha('x') }], P)).not.toBe(ref);
  });

  it('changes with the parameter hash', () => {
    const p2 = pack();
    p2[0] = { name: p2[0].name, bytes: b('version: 1\nintercept: 0.56\n') };
    const P2 = parameterHash(p2);
    expect(P2).not.toBe(P);
    expect(manifestFingerprint(sealed(), P2)).not.toBe(ref);
    expect(
      manifestFingerprint(
        sealed(),
        P.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      ),
    ).not.toBe(ref);
  });

  it('swapping digests between ids changes it', () => {
    const s = sealed();
    [s[0], s[1]] = [
      { id: s[0].id, sha256_hex: s[1].sha256_hex },
      { id: s[1].id, sha256_hex: s[0].sha256_hex },
    ];
    expect(manifestFingerprint(s, P)).not.toBe(ref);
  });
});

describe('parseSeed', () => {
  it('accepts 0, 42 and 2^63-1 (as strings, numbers and bigints)', () => {
    expect(parseSeed('0')).toBe(0n);
    expect(parseSeed('42')).toBe(42n);
    expect(parseSeed(42)).toBe(42n);
    expect(parseSeed(0)).toBe(0n);
    expect(parseSeed('9223372036854775807')).toBe((1n << 63n) - 1n);
    expect(parseSeed((1n << 63n) - 1n)).toBe(9223372036854775807n);
    expect(parseSeed(' 7 ')).toBe(7n);
  });

  const bad: Array<[string, string | number | bigint]> = [
    ['-1', '-1'],
    ['-1 (number)', -1],
    ['2^63 (published seeds are signed INT64)', '9223372036854775808'],
    ['2^64', '18446744073709551616'],
    ['2^64 (bigint)', 1n << 64n],
    ['1.5', '1.5'],
    ['1.5 (number)', 1.5],
    ['abc', 'abc'],
    ['empty', ''],
    ['hex', '0x10'],
    ['exponent', '1e3'],
  ];
  for (const [label, raw] of bad) {
    it(`rejects ${label} with CLI_BAD_ARGUMENT naming --seed`, () => {
      let caught: unknown;
      try {
        parseSeed(raw);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(FwError);
      const e = caught as FwError;
      expect(e.code).toBe(ErrorCodes.CLI_BAD_ARGUMENT);
      const line = e.line();
      expect(line).toContain('--seed');
      expect(line).toContain('CLI_BAD_ARGUMENT');
      expect(line).not.toContain('\n');
      expect(e.fix).toBeTruthy();
    });
  }

  it('names the caller-given location when provided', () => {
    expect(() => parseSeed('abc', 'run.yaml: seed')).toThrow(FwError);
    try {
      parseSeed('abc', 'run.yaml: seed');
    } catch (e) {
      expect((e as FwError).line()).toContain('run.yaml: seed');
    }
  });
});

describe("the engine's compiled code", () => {
  it('is one digest over every file of dist/src, dist/workers and the worker entry: a changed, added or missing file changes or stops it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-engine-code-'));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      };
      put('dist/src/a.js', 'export const a = 1;\n');
      put('dist/src/sub/b.js', 'export const b = 2;\n');
      put('dist/workers/w.js', 'export default 0;\n');
      put('workers/kernel_worker.cjs', "'use strict';\n");
      put('dist/bench/not_engine.js', 'bench\n');
      const d0 = await engineCodeDigest(root);
      expect(d0).toMatch(/^[0-9a-f]{64}$/);
      expect(await engineCodeDigest(root)).toBe(d0);
      put('dist/bench/not_engine.js', 'bench, changed\n');
      expect(await engineCodeDigest(root)).toBe(d0); // benchmarks are not the engine
      put('dist/src/sub/b.js', 'export const b = 3;\n');
      const d1 = await engineCodeDigest(root);
      expect(d1).not.toBe(d0);
      put('dist/src/c.js', '\n');
      expect(await engineCodeDigest(root)).not.toBe(d1);
      rmSync(join(root, 'dist/workers'), { recursive: true });
      await expect(engineCodeDigest(root)).rejects.toThrow(/dist\/workers is missing/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
