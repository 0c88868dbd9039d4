// What a newcomer meets first (issue "A world anyone can open" §6, §9): an unbuilt checkout is one
// line, and a merchants file with a header and no merchant is refused before anything is written.
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fw, requireBuild, ROOT, tempDir } from './support/world.js';

const tmp = tempDir('fw-newcomer-');

describe('a newcomer', () => {
  it('in an unbuilt checkout gets one line naming what is missing and how to fix it', () => {
    const repo = join(tmp, 'unbuilt');
    mkdirSync(repo);
    cpSync(join(ROOT, 'bin'), join(repo, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(repo, 'package.json'));
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'fraudworld.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error NOT_BUILT: .*dist\/src\/cli\/main\.js: the engine is not built \(fix: make build\)\n$/);
  });

  it.each([
    [
      'a malformed option value',
      ['run', '--out', 'OUT', '--workers', 'abc'],
      /^error CLI_BAD_ARGUMENT: --workers: option '--workers <n\|auto>' argument 'abc' is invalid\. must be a positive integer or auto \(fix: see fraudworld <command> --help/,
    ],
    ['a missing required option', ['run', '--scale', 'tiny'], /^error CLI_BAD_ARGUMENT: --out: required option '--out <dir>' not specified \(fix: /],
    ['an unknown command', ['frob'], /^error CLI_BAD_ARGUMENT: frob: unknown command 'frob' \(fix: commands: run, validate/],
    ['a missing argument', ['validate'], /^error CLI_BAD_ARGUMENT: dir: missing required argument 'dir' \(fix: /],
  ])('with %s gets one line with where and fix, and no --out folder', (_, args, want) => {
    requireBuild();
    const out = join(tmp, 'never');
    const r = fw(...args.map((a) => (a === 'OUT' ? out : a)));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err.trim()).toMatch(want);
    expect(existsSync(out)).toBe(false);
  });

  it('with a bad --scale, or an --out the kernel refuses (/proc), gets one line; --out is not created before the arguments pass', () => {
    requireBuild();
    const out = join(tmp, 'not-yet');
    const bad = fw('run', '--out', out, '--scale', 'nope', '--quiet');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error UNKNOWN_SCALE: --scale: unknown scale "nope"/);
    expect(existsSync(out)).toBe(false);
    // Node's recursive mkdir spins forever on /proc/x; ours ends with the errno
    const proc = fw('run', '--out', '/proc/fraudworld-x', '--scale', 'tiny', '--until', '1A', '--quiet');
    expect(proc.code).toBe(2);
    expect(proc.err.trim()).toMatch(/^error OUT_NOT_WRITABLE: --out \/proc\/fraudworld-x: cannot write there \(E[A-Z]+\)/);
  });

  it('reads examples, defaults and exit codes in --help', () => {
    requireBuild();
    const run = fw('run', '--help');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/--scale <name> .*\(default:\s+small\)/s);
    expect(run.out).toMatch(/--workers <n\|auto> .*\(default: auto\)/s);
    expect(run.out).toMatch(/^Examples:\n {2}fraudworld run --out worlds\/w1 --scale tiny/m);
    expect(run.out).toMatch(/^Exit codes: 0 done, 2 a named error/m);
    const val = fw('validate', '--help');
    expect(val.code).toBe(0);
    expect(val.out).toMatch(/^Exit codes: 0 every gate passes, 1 a gate fails/m);
  });

  it("asks `schema` what a world holds and what a dataset's columns mean, without a world", () => {
    requireBuild();
    const list = fw('schema');
    expect(list.code).toBe(0);
    // every catalogued dataset once, under its segment, with its role
    const dict = JSON.parse(fw('schema', '--json').out) as { id: string; segment: string; role: string }[];
    expect(dict.length).toBeGreaterThan(50);
    for (const d of dict) expect(list.out).toMatch(new RegExp(`^  ${d.id} +${d.role} `, 'm'));
    expect(list.out).toMatch(/^segment 6A$/m);
    const one = fw('schema', 's3_instrument_base_6A');
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^s3_instrument_base_6A {2}\(segment 6A, egress, parquet\)$/m);
    expect(one.out).toMatch(/^ {4}owner_party_id +int64 +the account's owner$/m);
    expect(one.out).toMatch(/^ {2}primary key: instrument_id$/m);
    const nullable = fw('schema', 's3_instrument_profile_6A');
    expect(nullable.out).toMatch(/^ {4}card_number +int64\? /m);
    const bad = fw('schema', 's3_instrument');
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toMatch(
      /^error CLI_BAD_ARGUMENT: schema: no dataset s3_instrument in contracts\/datasets\/ \(fix: did you mean s3_instrument_base_6A/,
    );
  });

  it('gets the run summary as JSON with --json', () => {
    requireBuild();
    const out = join(tmp, 'json');
    const r = fw('run', '--out', out, '--scale', 'tiny', '--until', '1A', '--json', '--quiet');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.world).toBe(out);
    expect(s.manifest_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(s.segments).toEqual([
      expect.objectContaining({ segment: '1A', status: 'built', rows: expect.objectContaining({ outlet_catalogue: expect.any(Number) }) }),
    ]);
    expect(s.peak_rss_bytes).toBeGreaterThan(0);
    expect(s.catalog.main.map((m: { id: string }) => m.id)).toContain('outlet_catalogue');
    // the same command again: nothing to build, still one JSON document
    const again = JSON.parse(fw('run', '--out', out, '--scale', 'tiny', '--until', '1A', '--json', '--quiet').out);
    expect(again.segments).toEqual([expect.objectContaining({ segment: '1A', status: 'already_sealed' })]);
  });

  it('without a terminal sees a heartbeat line while a stage runs, and honest units', () => {
    requireBuild();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fraudworld.js'), 'run', '--out', join(tmp, 'hb'), '--scale', 'tiny', '--until', '1A'], {
      encoding: 'utf8',
      env: { ...process.env, FRAUDWORLD_HEARTBEAT_MS: '20' },
    });
    expect(r.status, r.stderr).toBe(0);
    // some stage of 1A (kernels, publish, validation) outlives 20 ms and beats
    expect(r.stderr).toMatch(/^\[fraudworld\] 1A [^:]+: [\d,]+\/[\d,]+ (merchants|datasets|checks) so far, after \d+\.\d\d s \([\d,]+ \1\/s\)$/m);
    expect(r.stderr).toMatch(/^\[fraudworld\] 1A publish: 5\/5 datasets in \d+\.\d\d s/m);
    expect(r.stderr).toMatch(/^\[fraudworld\] 1A S9 validation: 4\/4 checks in /m);
    expect(r.stderr).not.toMatch(/\x1b\[/); // no colours or cursor codes off a terminal
  });

  it('with a header-only merchants file gets one line and no world', () => {
    requireBuild();
    const f = join(tmp, 'header-only.csv');
    writeFileSync(f, 'merchant_id,mcc,channel,home_country_iso\n');
    const out = join(tmp, 'w');
    const r = fw('run', '--out', out, '--scale', 'tiny', '--merchants', f, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(
      /^error INPUT_FILE_INVALID: .*header-only\.csv:2: no merchants: the file has only its header \(fix: add one merchant per line after the header\)$/,
    );
    expect(existsSync(join(out, 'data'))).toBe(false);
  });
});
