// Policy edits (issue "A world anyone can open" §7): --set FILE:key.path=value and --overlay FILE.yaml
// change a policy without copying the pack, enter parameter_hash, and refuse a key that does not exist;
// `config dump` prints the resolved pack.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyPack, policy } from '../src/config/load.js';
import { parseOverlay, parseSet } from '../src/config/edits.js';
import { parameterHash } from '../src/core/identity.js';
import { fw, requireBuild, ROOT, tempDir } from './support/world.js';

const CONFIG = join(ROOT, 'config');
const tmp = tempDir('fw-edits-');
type Scales = { default: string; presets: Record<string, { merchants: number; arrivals: number }> };

describe('policy edits', () => {
  it('--set changes one value (YAML-typed), keeps the rest and the comments, and changes the policy digest', async () => {
    const base = await loadPolicyPack(CONFIG);
    const edited = await loadPolicyPack(CONFIG, [parseSet('scales.yaml:presets.tiny.merchants=300'), parseSet('scales.yaml:default=tiny')]);
    const s = policy<Scales>(edited, 'scales.yaml');
    expect(s.presets.tiny).toEqual({ merchants: 300, arrivals: policy<Scales>(base, 'scales.yaml').presets.tiny.arrivals });
    expect(s.default).toBe('tiny');
    expect(Buffer.from(edited.files.find((f) => f.name === 'scales.yaml')!.bytes).toString()).toMatch(/^# Scale presets/);
    expect(parameterHash(edited.files)).not.toBe(parameterHash(base.files));
    // only the edited file's bytes differ
    const differ = edited.files.filter((f, i) => !Buffer.from(f.bytes).equals(Buffer.from(base.files[i].bytes))).map((f) => f.name);
    expect(differ).toEqual(['scales.yaml']);
  });

  it('an overlay file is the same edits as the --set it spells out', async () => {
    const o = join(tmp, 'overlay.yaml');
    writeFileSync(o, 'scales.yaml:\n  presets:\n    tiny:\n      merchants: 300\n  default: tiny\n');
    const a = await loadPolicyPack(CONFIG, parseOverlay(o));
    const b = await loadPolicyPack(CONFIG, [parseSet('scales.yaml:presets.tiny.merchants=300'), parseSet('scales.yaml:default=tiny')]);
    expect(parameterHash(a.files)).toBe(parameterHash(b.files));
  });

  it('refuses a key that does not exist, a file not in the pack, a malformed --set and a value the schema refuses, each in one line', async () => {
    await expect(loadPolicyPack(CONFIG, [parseSet('scales.yaml:presets.tiny.merchant=300')])).rejects.toThrow(/^no key presets\.tiny\.merchant to change$/);
    await expect(loadPolicyPack(CONFIG, [parseSet('nope.yaml:a=1')])).rejects.toThrow(/no policy file nope\.yaml in the pack/);
    expect(() => parseSet('scales.yaml=3')).toThrow(/cannot read "scales\.yaml=3" as FILE:key\.path=value/);
    await expect(loadPolicyPack(CONFIG, [parseSet('scales.yaml:presets.tiny.merchants=many')])).rejects.toThrow(/^must be integer$/);
  });

  it('run --set builds a different world (a new parameter_hash) and config dump shows what it used', () => {
    requireBuild();
    const out = join(tmp, 'w');
    const a = JSON.parse(fw('run', '--out', out, '--scale', 'tiny', '--until', '1A', '--json', '--quiet').out);
    const set = ['--set', 'scales.yaml:presets.tiny.merchants=300'];
    const b = JSON.parse(fw('run', '--out', out, '--scale', 'tiny', '--until', '1A', '--json', '--quiet', ...set).out);
    expect(b.parameter_hash).not.toBe(a.parameter_hash);
    expect(b.segments[0].rows.merchant_universe_1A).toBe(300);
    expect(fw('validate', out).code).toBe(0);
    const dump = fw('config', 'dump', 'scales.yaml', ...set);
    expect(dump.code).toBe(0);
    expect(dump.out).toMatch(/^--- # scales\.yaml$/m);
    expect(dump.out).toMatch(/tiny: \{ merchants: 300, arrivals: \d+ \}/);
    const bad = fw('run', '--out', join(tmp, 'never'), '--scale', 'tiny', '--set', 'scales.yaml:presets.huge.merchants=1');
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/^error CONFIG_SCHEMA_VIOLATION: .*no key presets\.huge\.merchants to change/);
  }, 120_000);
});
