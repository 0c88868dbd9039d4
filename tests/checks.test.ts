// Checks and statuses must be computed, never literals: a check that cannot fail proves nothing.
import { describe, expect, it } from 'vitest';
import { ROOT, tsFiles } from './support/source.js';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Checks } from '../src/engine/checks.js';
import { contractStatus, type ContractRow } from '../src/segments/3B/outputs.js';

// add('id', true, …), a status written as 'PASS', an affected count written as 0
const LITERAL = /\badd\(\s*[`'][^`']+[`'],\s*(true|false)\b|status:\s*'PASS'(?!\s*\|)|affected_count:\s*0\b/;

describe('checks that can fail', () => {
  it('no check, status or affected count in src/ is a literal', () => {
    const bad = tsFiles(join(ROOT, 'src')).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((l, i) => [l, i] as const)
        .filter(([l]) => LITERAL.test(l))
        .map(([l, i]) => `${relative(ROOT, f)}:${i + 1}: ${l.trim().slice(0, 100)}`),
    );
    expect(bad).toEqual([]);
    expect(LITERAL.test("add('x.y', true, 'always')")).toBe(true);
    expect(LITERAL.test("add('x.y', n === 0, 'counted')")).toBe(false);
  });

  it('a failed warning is reported and does not fail the gate; a failed requirement does', () => {
    const c = new Checks();
    c.add('w', false, '3 rows outside', false, 3);
    expect(c.passed).toBe(true);
    expect(c.list[0]).toMatchObject({ passed: false, required: false, affected: 3 });
    c.add('r', false, '1 row wrong', true, 1);
    expect(c.passed).toBe(false);
    expect(c.failures()).toEqual(['r (1 row wrong)']);
  });

  it("3B's S4 status is derived from its contract: an enabled blocking test outside its bounds fails it", () => {
    const row = (o: Partial<ContractRow>): ContractRow => ({
      test_id: 't',
      test_type: 'X',
      scope: 'GLOBAL',
      target_population: {},
      inputs: {},
      thresholds: {},
      metric: 'm',
      min: 0,
      max: 1,
      observed: 0.5,
      severity: 'BLOCKING',
      evaluated_by: '3B.S5',
      enabled: true,
      description: '',
      ...o,
    });
    expect(contractStatus([row({})])).toBe('PASS');
    expect(contractStatus([row({ observed: 2 })])).toBe('FAIL');
    expect(contractStatus([row({ observed: null })])).toBe('FAIL');
    expect(contractStatus([row({ observed: 2, severity: 'WARNING' })])).toBe('PASS');
    expect(contractStatus([row({ observed: null, enabled: false })])).toBe('PASS');
  });
});
