// Shared helpers for the end-to-end tests (tests/world.test.ts, tests/1B.world.test.ts, the 2A/2B
// world tests and the 3A/3B e2e tests): the CLI, a per-file temp folder, byte-level tree digests,
// tampering, and finding a world's fingerprint, validation bundles and Parquet parts.
import { runSegment, type EngineContext, type SegmentDef } from '../../src/engine/context.js';
import { afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'fraudworld.js');

/** Run the CLI as a user would (no colour); its exit code, stdout and stderr. */
export function fw(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Fail early unless the build outputs the end-to-end tests run on are there. */
export function requireBuild(distEntry = 'dist/src/cli/main.js'): void {
  if (!existsSync(join(ROOT, distEntry)) || !existsSync(join(ROOT, 'build/fraudworld.wasm'))) throw new Error('run `make build` first');
}

/** A fresh temp folder for this test file, removed after all its tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir` (relative path → sha256 hex); empty when `dir` does not exist. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Flip the low bit of one byte of a file: byte `at`, or the middle byte when `at` is negative. */
export function flipByte(path: string, at = -1): void {
  const b = readFileSync(path);
  const i = at < 0 ? b.length >> 1 : at;
  b[i] ^= 0x01;
  writeFileSync(path, b);
}

/** The manifest fingerprint of a world built once (its first 1A validation bundle). */
export const fingerprint = (world: string): string => readdirSync(join(world, 'data/layer1/1A/validation'))[0].split('=')[1];

/** A segment's validation bundle folder (the first fingerprint's). */
export function bundleDir(world: string, seg = '1A'): string {
  const base = join(world, `data/layer1/${seg}/validation`);
  return join(base, readdirSync(base).sort()[0]);
}

/** The first entry of the folder `world/rel` (one partition level of a dataset). */
export function part(world: string, rel: string): string {
  const d = join(world, rel);
  return join(d, readdirSync(d)[0]);
}

/** The first Parquet file under a dataset folder (any depth, in tree() order). */
export function firstParquet(dir: string): string {
  return join(
    dir,
    Object.keys(tree(dir)).find((p) => p.endsWith('.parquet'))!,
  );
}

/** Run a segment on its own context and return what it threw (undefined if it did not); the pool is always closed. */
export async function segmentError(seg: SegmentDef, ctx: EngineContext): Promise<unknown> {
  try {
    await runSegment(seg, ctx);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    await ctx.pool.close();
  }
}
