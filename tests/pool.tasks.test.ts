// Worker task kinds: every kind defined in src/ is in workers/task_kinds.ts, the one list a worker
// imports (a kind left out would only fail inside a worker), and dispatch runs a kind by its key.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { TASK_KINDS } from '../workers/task_kinds.js';
import { dispatch, registeredKinds } from '../src/pool/tasks.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';

const ROOT = join(__dirname, '..');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : e.endsWith('.ts') ? [join(dir, e)] : []));

describe('pool task kinds', () => {
  it('every kind defined in src/ is listed for the worker, once', () => {
    const defined = walk(join(ROOT, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/taskKind(?:<[^(]*>)?\(\s*'([^']+)'/g)].map((m) => m[1]));
    const listed = TASK_KINDS.map((k) => k.key);
    expect(defined.length).toBeGreaterThanOrEqual(4);
    expect([...listed].sort()).toEqual([...defined].sort());
    expect(new Set(listed).size).toBe(listed.length);
    expect(registeredKinds().sort()).toEqual([...listed].sort());
  });

  it('dispatch runs the kind a task is marked with, and refuses an unknown one', () => {
    const ex = instantiateKernelsSync();
    const f = join(mkdtempSync(join(tmpdir(), 'fw-kinds-')), 'x.bin');
    writeFileSync(f, 'fraudworld');
    const sha = TASK_KINDS.find((k) => k.key === 'sha256File')!;
    expect(dispatch(sha.task(f as never), ex)).toBe(createHash('sha256').update('fraudworld').digest('hex'));
    expect(() => dispatch({ nope: 1 }, ex)).toThrow(/no task kind is registered for a task with keys \[nope\]/);
  });
});
