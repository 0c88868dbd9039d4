// Helpers for the 3A / 3B end-to-end tests: build a world with the CLI (`run --until <SEG>`), and
// rebuild a RunContext for an existing world (from the 1A bundle's identity.json) to run a segment
// in-process (re-runs, tampered upstreams).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyPack } from '../src/config/load.js';
import { KernelPool } from '../src/pool/pool.js';
import { makeProgress } from '../src/engine/progress.js';
import type { EngineContext } from '../src/engine/context.js';

export const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'bin', 'fraudworld.js');

export function fw(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A RunContext for the world's (single) fingerprint, from the 1A bundle's identity.json. */
export async function contextFor(world: string, workers: number, configDir = join(ROOT, 'config')): Promise<EngineContext> {
  const base = join(world, 'data/layer1/1A/validation');
  const id = JSON.parse(readFileSync(join(base, readdirSync(base).sort()[0], 'identity.json'), 'utf8'));
  return {
    world,
    seed: BigInt(id.seed),
    parameter_hash: id.parameter_hash,
    manifest_fingerprint: id.manifest_fingerprint,
    run_id: 'e3b0'.repeat(8),
    scale: { name: 'harness', merchants: 0, arrivals: 0 },
    pack: await loadPolicyPack(configDir),
    sealed: id.sealed_inputs,
    pool: new KernelPool(workers),
    progress: makeProgress(true),
  };
}

/** Build `world` up to `until` with the CLI (segments already sealed for this identity are skipped). */
export async function buildTo(world: string, until: '3A' | '3B', opts: { scale: string; workers: number; configDir?: string }): Promise<void> {
  const cfg = opts.configDir ? ['--config', opts.configDir] : [];
  const r = fw('run', '--out', world, '--scale', opts.scale, '--workers', String(opts.workers), '--until', until, '--quiet', ...cfg);
  if (r.code !== 0) throw new Error(r.err);
}
