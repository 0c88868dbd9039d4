// Helpers for the 2A end-to-end tests: build a world up to 2A with the CLI, and rebuild a
// RunContext for an existing world (from the 1A bundle's identity.json) to run 2A in-process.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyPack } from '../src/config/load.js';
import { KernelPool } from '../src/pool/pool.js';
import { makeProgress } from '../src/engine/progress.js';
import type { EngineContext } from '../src/engine/context.js';

export const ROOT = join(__dirname, '..');
export const CLI = join(ROOT, 'bin', 'fraudworld.js');

export function fw(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function bundleDir(world: string, seg: string): string {
  const base = join(world, `data/layer1/${seg}/validation`);
  return join(base, readdirSync(base).sort()[0]);
}

/** A RunContext for the world's (single) fingerprint, from the 1A bundle's identity.json. */
export async function contextFor(world: string, workers: number, configDir = join(ROOT, 'config')): Promise<EngineContext> {
  const id = JSON.parse(readFileSync(join(bundleDir(world, '1A'), 'identity.json'), 'utf8'));
  return {
    world,
    seed: BigInt(id.seed),
    parameter_hash: id.parameter_hash,
    manifest_fingerprint: id.manifest_fingerprint,
    run_id: 'e2e0'.repeat(8),
    scale: { name: 'harness', merchants: 0, arrivals: 0 },
    pack: await loadPolicyPack(configDir),
    sealed: id.sealed_inputs,
    pool: new KernelPool(workers),
    progress: makeProgress(true),
  };
}

/** Build `world` up to 2A with the CLI. */
export function buildTo2A(world: string, opts: { scale: string; workers: number; configDir?: string }): void {
  const cfg = opts.configDir ? ['--config', opts.configDir] : [];
  const r = fw('run', '--out', world, '--scale', opts.scale, '--workers', String(opts.workers), '--until', '2A', '--quiet', ...cfg);
  if (r.code !== 0) throw new Error(r.err);
}
