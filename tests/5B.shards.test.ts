// 5B over several shards on a tiny world (a policy pack with a small shard target): byte-identical
// for 1 and 2 workers, every shard its own part, and S5 with reread_parts 0 re-reads every part.
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { fingerprint as fp, fw, tempDir, tree } from './support/world.js';

const tmp = tempDir('fw-5b-shards-');
const CFG = join(tmp, 'config'),
  A = join(tmp, 'a'),
  B = join(tmp, 'b');
const L5B = (w: string) => join(w, 'data/layer2/5B');
const edit = (file: string, from: RegExp, to: string) => {
  const f = join(CFG, file);
  const s = readFileSync(f, 'utf8');
  if (!from.test(s)) throw new Error(`${file}: ${from} not found`);
  writeFileSync(f, s.replace(from, to));
};

beforeAll(() => {
  cpSync(join(packageRoot(), 'config'), CFG, { recursive: true });
  edit('layer2/5B/arrivals.yaml', /shard_target_arrivals: \d+/, 'shard_target_arrivals: 2500');
  edit('layer2/5B/validation.yaml', /reread_parts: \d+/, 'reread_parts: 0');
  const r = fw('run', '--out', A, '--config', CFG, '--scale', 'tiny', '--workers', '1', '--until', '5B', '--quiet');
  if (r.code !== 0) throw new Error(r.err);
  cpSync(A, B, { recursive: true });
  rmSync(L5B(B), { recursive: true, force: true });
  rmSync(join(B, 'logs/layer2/5B'), { recursive: true, force: true });
  const r2 = fw('run', '--out', B, '--config', CFG, '--scale', 'tiny', '--workers', '2', '--until', '5B', '--quiet');
  if (r2.code !== 0) throw new Error(r2.err);
});

describe('5B over several shards (tiny world, small shard target)', () => {
  it('byte-identical for 1 and 2 workers; one part per shard; S5 re-read every part', () => {
    expect(tree(L5B(A))).toEqual(tree(L5B(B)));
    const m = fp(A);
    const parts = readdirSync(join(L5B(A), `arrival_events/seed=42/manifest_fingerprint=${m}/scenario_id=baseline_v1`)).filter((f) => f.endsWith('.parquet'));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const realism = JSON.parse(readFileSync(join(L5B(A), `validation/manifest_fingerprint=${m}/realism_5B.json`), 'utf8'));
    expect(realism.shards).toBe(parts.length);
    expect(realism.reread_parts).toEqual(realism.part_rows.map((r: number, i: number) => (r > 0 ? i : -1)).filter((i: number) => i >= 0));
    const checks = JSON.parse(readFileSync(join(L5B(A), `validation/manifest_fingerprint=${m}/checks.json`), 'utf8'));
    const list = Array.isArray(checks) ? checks : checks.checks;
    expect(list.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
    expect(list.find((c: { id: string }) => c.id === 'reread_rows').detail).toMatch(new RegExp(`^${realism.reread_parts.length} of ${parts.length} parts`));
    const v = fw('validate', A);
    expect(v.code, v.out + v.err).toBe(0);
  });
});
