// `validate` tells the truth about partial worlds (audit §9): how much of the chain is sealed, a gate
// deleted under data or under later segments, and data no gate seals. One tiny world built to 2A (shared
// with other files: read only, the cases that delete work on copies).
import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fw, tempDir } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';

const W = sharedWorld({ scale: 'tiny', workers: 1, until: '2A' });
const dir = tempDir('fw-partial-');
const copy = (name: string) => copyWorld(W, join(dir, name));

describe('validate on partial worlds', () => {
  it('counts the sealed segments and names the rest; --complete fails a partial world', () => {
    const r = fw('validate', W);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^3\/9 segments sealed for manifest_fingerprint=[0-9a-f]{64}; not sealed: 2B, 3A, 3B, 5A, 5B, 6A$/m);
    expect(fw('validate', W, '--complete').code).toBe(1);
    const j = JSON.parse(fw('validate', W, '--json').out);
    expect(j.chains[0]).toMatchObject({ sealed: ['1A', '1B', '2A'], missing: ['2B', '3A', '3B', '5A', '5B', '6A'] });
  });

  it('fails a deleted gate whose data is still there (UNSEALED_OUTPUT)', () => {
    const c = copy('no-gate');
    rmSync(join(c, 'data/layer1/1B/validation'), { recursive: true });
    const r = fw('validate', c);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL gate\.layer1\.1B\.validation UNSEALED_OUTPUT: .*1B published data under this fingerprint but no gate seals it/m);
  });

  it('fails a segment deleted whole under a later sealed one (GATE_MISSING)', () => {
    const c = copy('no-1B');
    rmSync(join(c, 'data/layer1/1B'), { recursive: true });
    const r = fw('validate', c);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL gate\.layer1\.1B\.validation GATE_MISSING: .*1B has no gate although 2A is built on it/m);
  });
});
