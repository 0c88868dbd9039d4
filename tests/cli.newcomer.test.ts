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
