// End-to-end: the CLI as a user runs it (needs `make build`: dist/ and build/fraudworld.wasm).
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { runS0 } from '../src/engine/s0.js';
import { FwError } from '../src/core/errors.js';
import { bundleDir, CLI, fingerprint, flipByte, fw, part, ROOT, tempDir, tree } from './support/world.js';
import { copyWorld, sharedWorlds } from './support/shared_worlds.js';

// the tiny worlds `run --scale tiny --workers 1|2 --quiet` builds, each built by the engine once per run
const [W1, W2] = sharedWorlds({ scale: 'tiny', workers: 1 }, { scale: 'tiny', workers: 2 });
const tmp = tempDir('fw-world-');

// A: our own copy of the w1 world (runs re-run into it and add a changed policy's partitions);
// B: the w2 world itself, read only (the tampering cases work on copies of it)
const A = join(tmp, 'w1');
const B = W2;
beforeAll(() => {
  copyWorld(W1, A);
});

describe('fraudworld run / validate (tiny world)', () => {
  it('--workers 1 and --workers 2 write byte-identical data/', () => {
    const ta = tree(join(A, 'data'));
    const tb = tree(join(B, 'data'));
    expect(Object.keys(ta).length).toBeGreaterThan(8);
    expect(ta).toEqual(tb);
    expect(Object.keys(ta).some((p) => p.includes('outlet_catalogue/seed=42/manifest_fingerprint='))).toBe(true);
  });

  it('validate accepts the world', () => {
    const v = fw('validate', A);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/^PASS gate\.layer1\.1A\.validation/m);
    expect(v.out).not.toMatch(/^NOTE/m); // the RNG logs were there and reconciled
  });

  it('validate reconciles the RNG logs: one count edited is RNG_ACCOUNTING_MISMATCH; no logs/ at all is a note', () => {
    const w = join(tmp, 'tamper-rng');
    cpSync(B, w, { recursive: true });
    const ph = part(w, 'logs/layer1/1A/rng/audit/seed=42');
    const audit = join(ph, readdirSync(ph)[0], 'rng_audit_log.jsonl');
    const line = readFileSync(audit, 'utf8');
    writeFileSync(
      audit,
      line.replace(/"draws":"(\d+)"/, (_, d) => `"draws":"${Number(d) + 1}"`),
    );
    const v = fw('validate', w);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toMatch(/^FAIL gate\.layer1\.1A\.validation RNG_ACCOUNTING_MISMATCH: .*rng_audit_log\.jsonl: 1A family 1A\.\w+: audit draws=/m);
    rmSync(join(w, 'logs'), { recursive: true });
    const bare = fw('validate', w);
    expect(bare.code, bare.out).toBe(0);
    expect(bare.out).toMatch(/^NOTE gate\.layer1\.1A\.validation rng logs absent/m);
  });

  it('a second run with the same identity is a no-op', () => {
    const before = tree(join(A, 'data'));
    const r = fw('run', '--out', A, '--scale', 'tiny', '--workers', '2', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1A already_sealed/);
    expect(tree(join(A, 'data'))).toEqual(before);
  });

  it('a changed policy is a new parameter_hash and new partitions, never an overwrite', () => {
    const before = tree(join(A, 'data'));
    const cfg = join(tmp, 'cfg-changed');
    cpSync(join(ROOT, 'config'), cfg, { recursive: true });
    const f = join(cfg, 'layer1/1A/hurdle.yaml');
    const doc = YAML.parse(readFileSync(f, 'utf8'));
    doc.intercept += 0.25;
    writeFileSync(f, YAML.stringify(doc));
    const r = fw('run', '--out', A, '--scale', 'tiny', '--config', cfg, '--quiet');
    expect(r.code, r.err).toBe(0);
    const after = tree(join(A, 'data'));
    for (const [p, h] of Object.entries(before)) expect(after[p]).toBe(h);
    const fps = readdirSync(join(A, 'data/layer1/1A/validation'));
    expect(fps.length).toBe(2);
    expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
  });

  it('tampering any bundle file, the flag or a sealed output makes validate fail and name the gate', () => {
    const bundle = readdirSync(bundleDir(B));
    expect(bundle).toContain('_passed.flag');
    expect(bundle).toContain('index.json');
    for (const f of bundle) {
      const w = join(tmp, `tamper-${f}`);
      cpSync(B, w, { recursive: true });
      flipByte(join(bundleDir(w), f), f === '_passed.flag' ? 20 : -1);
      const v = fw('validate', w);
      expect(v.code, `tampered ${f}`).toBe(1);
      expect(v.out).toMatch(/^FAIL gate\.layer1\.1A\.validation (GATE_|SEALED_)/m);
    }
    const w = join(tmp, 'tamper-parquet');
    cpSync(B, w, { recursive: true });
    flipByte(join(part(w, 'data/layer1/1A/outlet_catalogue/seed=42'), 'part-00000.parquet'));
    const v = fw('validate', w);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/FAIL gate\.layer1\.1A\.validation SEALED_INPUT_DIGEST_MISMATCH: sealed output .*outlet_catalogue/);
  });

  it('a downstream S0 refuses to read behind a tampered gate, and writes nothing', async () => {
    const w = join(tmp, 'tamper-s0');
    cpSync(B, w, { recursive: true });
    const mf = fingerprint(w);
    flipByte(join(bundleDir(w), 'checks.json'));
    const before = tree(w);
    const ctx = { world: w, manifest_fingerprint: mf, seed: 42n, parameter_hash: '0'.repeat(64), sealed: [] } as any;
    await expect(runS0(ctx, '1B', ['1A'], 'layer1/1B/')).rejects.toMatchObject({ code: 'GATE_FILE_DIGEST_MISMATCH' });
    expect(tree(w)).toEqual(before);
    const w2 = join(tmp, 'missing-gate');
    cpSync(B, w2, { recursive: true });
    rmSync(join(bundleDir(w2), '_passed.flag'));
    await expect(runS0({ ...ctx, world: w2 }, '1B', ['1A'], 'layer1/1B/')).rejects.toBeInstanceOf(FwError);
  });

  it('a rebuild over tampered data fails with IO_WRITE_CONFLICT and leaves the data as it was', () => {
    const w = join(tmp, 'tamper-rebuild');
    cpSync(A, w, { recursive: true });
    const mf = fw('validate', w).out; // still valid
    expect(mf).toMatch(/PASS/);
    const oc = join(w, 'data/layer1/1A/outlet_catalogue/seed=42');
    const dirs = readdirSync(oc).sort();
    const part = join(oc, dirs[0], 'part-00000.parquet');
    flipByte(part);
    const before = tree(w);
    // the bundle no longer verifies for one of the fingerprints, so its segment is rebuilt and must conflict
    const r = fw('run', '--out', w, '--scale', 'tiny', '--quiet');
    const cfgRun = r.code === 0 ? fw('run', '--out', w, '--scale', 'tiny', '--config', join(tmp, 'cfg-changed'), '--quiet') : r;
    expect(cfgRun.code).toBe(2);
    expect(cfgRun.err).toMatch(/^error IO_WRITE_CONFLICT: /m);
    expect(cfgRun.err.trim().split('\n').length).toBe(1);
    const after = tree(w);
    for (const [p, h] of Object.entries(before)) if (p.startsWith('data')) expect(after[p]).toBe(h);
  });
});

describe('a killed run', () => {
  it('leaves no partial partition, and a re-run completes the world', async () => {
    const w = join(tmp, 'killed');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'run', '--out', w, '--scale', 'tiny', '--quiet'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // whatever was published is whole: every parquet file present is complete (a readable footer)
    for (const p of Object.keys(tree(join(w, 'data'))).filter((p) => p.endsWith('.parquet'))) {
      const b = readFileSync(join(w, 'data', p));
      expect(b.subarray(b.length - 4).toString(), p).toBe('PAR1');
    }
    const r = fw('run', '--out', w, '--scale', 'tiny', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(w, '.staging')) ? readdirSync(join(w, '.staging')) : []).toEqual([]);
    expect(fw('validate', w).code).toBe(0);
  });
});

describe('bad input: one clear line and a non-zero exit', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'malformed YAML',
      () => {
        const cfg = join(tmp, 'cfg-badyaml');
        cpSync(join(ROOT, 'config'), cfg, { recursive: true });
        writeFileSync(join(cfg, 'layer1/1A/hurdle.yaml'), 'version: 1\nintercept: 0.5\n  channel: [oops\n');
        return ['run', '--out', join(tmp, 'x1'), '--config', cfg];
      },
      /^error CONFIG_YAML_INVALID: .*layer1\/1A\/hurdle\.yaml:\d+:\d+: .*\(fix: /,
    ],
    [
      'policy violating its schema',
      () => {
        const cfg = join(tmp, 'cfg-badschema');
        cpSync(join(ROOT, 'config'), cfg, { recursive: true });
        const f = join(cfg, 'layer1/1A/crossborder.yaml');
        writeFileSync(f, readFileSync(f, 'utf8').replace('max_zero_attempts: 64', 'max_zero_attempts: "many"'));
        return ['run', '--out', join(tmp, 'x2'), '--config', cfg];
      },
      /^error CONFIG_SCHEMA_VIOLATION: .*crossborder\.yaml: \/ztp\/max_zero_attempts: must be integer \(fix: /,
    ],
    [
      'unknown --until',
      () => ['run', '--out', join(tmp, 'x3'), '--until', '9Z'],
      /^error UNKNOWN_SEGMENT: --until: unknown segment "9Z" \(fix: use one of: 1A/,
    ],
    ['unknown --scale', () => ['run', '--out', join(tmp, 'x4'), '--scale', 'huge'], /^error UNKNOWN_SCALE: --scale: unknown scale "huge"/],
    [
      'unwritable --out',
      () => {
        const file = join(tmp, 'a-file');
        writeFileSync(file, 'x');
        return ['run', '--out', join(file, 'world')];
      },
      /^error OUT_NOT_WRITABLE: --out .*: cannot write there/,
    ],
    ['negative seed', () => ['run', '--out', join(tmp, 'x5'), '--seed=-1'], /^error CLI_BAD_ARGUMENT: --seed: seed -1 is negative/],
    [
      'bad merchants file',
      () => {
        const f = join(tmp, 'bad-merchants.csv');
        writeFileSync(f, 'merchant_id,mcc,channel,home_country_iso\n1,5411,card_present,DE\n2,5411,by_pigeon,FR\n');
        return ['run', '--out', join(tmp, 'x6'), '--merchants', f];
      },
      /^error INPUT_FILE_INVALID: .*bad-merchants\.csv:3 channel: channel "by_pigeon"/,
    ],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, () => {
      const r = fw(...args());
      expect(r.code).toBe(2);
      const lines = r.err
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('npm warn'));
      expect(lines.length, r.err).toBe(1);
      expect(lines[0]).toMatch(pattern);
    });
  }
});

describe('a supplied merchant universe', () => {
  it('is used instead of the generated one, in merchant_id order', () => {
    const f = join(tmp, 'merchants.csv');
    const rows = ['merchant_id,mcc,channel,home_country_iso'];
    const iso = ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'NG', 'AU', 'CA'];
    for (let i = 60; i >= 1; i--)
      rows.push(`${1000 + i * 7},${[5411, 5812, 5814, 5541, 7011][i % 5]},${i % 4 ? 'card_present' : 'card_not_present'},${iso[i % 10]}`);
    writeFileSync(f, rows.join('\n') + '\n');
    const w = join(tmp, 'wm');
    const r = fw('run', '--out', w, '--merchants', f, '--quiet');
    // a 60-merchant world may sit outside some realism corridors; the data and bundle are still written
    expect([0, 2]).toContain(r.code);
    const uni = join(w, 'data/layer1/1A/merchant_universe/seed=42');
    expect(existsSync(uni)).toBe(true);
    expect(statSync(join(uni, readdirSync(uni)[0], 'part-00000.parquet')).size).toBeGreaterThan(100);
  });
});
