// S0's receipt and sealed-inputs list are outputs of their segment like any other (audit §9): both are
// in the gate's outputs.json, so editing either fails `validate` and stops the next segment.
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleDir, fingerprint, fw, requireBuild, tempDir } from './support/world.js';

const dir = tempDir('fw-receipts-');
const W = join(dir, 'w');

beforeAll(() => {
  requireBuild();
  const r = fw('run', '--out', W, '--scale', 'tiny', '--workers', '1', '--until', '1A', '--quiet');
  expect(r.code, r.err).toBe(0);
});

describe("S0's receipt and sealed inputs are sealed", () => {
  it('are listed in outputs.json with their digests', () => {
    const files = JSON.parse(readFileSync(join(bundleDir(W, '1A'), 'outputs.json'), 'utf8')).files as { dataset: string }[];
    expect(files.map((f) => f.dataset)).toEqual(expect.arrayContaining(['sealed_inputs_1A', 's0_gate_receipt_1A']));
  });

  for (const [name, rel] of [
    ['the S0 receipt', (fp: string) => `data/layer1/1A/s0_gate_receipt/manifest_fingerprint=${fp}/s0_gate_receipt.json`],
    ['the sealed inputs', (fp: string) => `data/layer1/1A/sealed_inputs/manifest_fingerprint=${fp}/sealed_inputs_1A.json`],
  ] as const) {
    it(`an edited copy of ${name} fails validate, naming the file`, () => {
      const c = join(dir, name.replace(/\W/g, '_'));
      cpSync(W, c, { recursive: true });
      const p = join(c, rel(fingerprint(c)));
      writeFileSync(p, readFileSync(p, 'utf8').replace('"1A"', '"1B"'));
      const r = fw('validate', c);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/FAIL gate\.layer1\.1A\.validation SEALED_INPUT_DIGEST_MISMATCH: .*(s0_gate_receipt|sealed_inputs_1A)\.json bytes changed/);
    });
  }
});
