// Installable (issue "A world anyone can open" §8): `npm pack` gives a tarball with the built engine,
// which installs into a temporary prefix outside the repository and builds a world there whose bytes
// are the repository build's.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fw, requireBuild, ROOT, tempDir } from './support/world.js';

const tmp = tempDir('fw-install-');

/** Digest of every data file of a world (paths and bytes), run-scoped files excluded. */
function dataDigest(world: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.includes('run_id=')) files.push(p);
    }
  };
  walk(join(world, 'data'));
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(relative(world, f)).update(readFileSync(f));
  return h.digest('hex');
}

describe('the npm tarball', () => {
  it('installs outside the repository and builds the same world as the repository build', () => {
    requireBuild();
    const packed = spawnSync('npm', ['pack', '--pack-destination', tmp, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(packed.status).toBe(0);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = info.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['bin/fraudworld.js', 'build/fraudworld.wasm', 'dist/src/cli/main.js', 'workers/kernel_worker.cjs', 'LICENSE']),
    );
    expect(paths.some((p) => p.startsWith('tests/') || p.startsWith('src/') || p.startsWith('dist/bench/'))).toBe(false);
    // dependencies from the local npm cache where it has them (CI's npm ci filled it), the registry otherwise
    const prefix = join(tmp, 'prefix');
    const inst = spawnSync('npm', ['install', '--prefix', prefix, join(tmp, info.filename), '--prefer-offline', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(inst.status, inst.stderr).toBe(0);
    const bin = join(prefix, 'node_modules', '.bin', 'fraudworld');
    const world = join(tmp, 'installed-world');
    const run = spawnSync(bin, ['run', '--out', world, '--scale', 'tiny', '--until', '1B', '--quiet'], { cwd: tmp, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const val = spawnSync(bin, ['validate', world], { cwd: tmp, encoding: 'utf8' });
    expect(val.stdout).toMatch(/^2\/9 segments sealed/m);
    const here = join(tmp, 'repo-world');
    expect(fw('run', '--out', here, '--scale', 'tiny', '--until', '1B', '--quiet').code).toBe(0);
    expect(dataDigest(world)).toBe(dataDigest(here));
  }, 300_000);
});
