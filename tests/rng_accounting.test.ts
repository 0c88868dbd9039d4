// RNG accounting (audit finding 6): a segment's rng_trace_log / rng_audit_log are written before its
// gate, read back from bytes and reconciled with the draws it made; validate reconciles them with the
// totals its bundle seals. Any disagreement is RNG_ACCOUNTING_MISMATCH naming segment and family.
import { forSegment } from '../src/engine/context.js';
import { promises as fs, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sealSegment } from '../src/engine/seal.js';
import { Checks } from '../src/engine/checks.js';
import { RngTrace } from '../src/engine/trace.js';
import { auditLogBytes, checkRngLogs, reconcileRngLogs, rngLogPaths, traceLogBytes } from '../src/engine/rng_accounting.js';
import { gateFor } from '../src/contracts/dictionary.js';
import { verifyGate } from '../src/gates/verify.js';
import { FwError, ErrorCodes } from '../src/core/errors.js';

const root = mkdtempSync(join(tmpdir(), 'fw-rngacc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MF = 'a'.repeat(64);
const T = { seed: '42', parameter_hash: 'b'.repeat(64), manifest_fingerprint: MF, run_id: 'c'.repeat(32) };
const WHERE = { trace: 'trace.jsonl', audit: 'audit.jsonl' };

function trace(): RngTrace {
  const t = new RngTrace('1A');
  t.add('1A.universe', [3, 3, 2], [2, 2, 1]);
  t.addTotals('1A.hurdle_bernoulli', 3, 3, 3, 3, 1);
  return t;
}

function mismatch(f: () => unknown): FwError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FwError);
    expect((e as FwError).code).toBe(ErrorCodes.RNG_ACCOUNTING_MISMATCH);
    return e as FwError;
  }
  throw new Error('expected RNG_ACCOUNTING_MISMATCH');
}

let n = 0;
const ctxFor = () =>
  forSegment(
    { world: join(root, `w${n++}`), seed: 42n, parameter_hash: T.parameter_hash, manifest_fingerprint: MF, run_id: T.run_id, sealed: [] } as any,
    '1A',
  );
const bundleRel = () => gateFor('1A').bundle_root_template.replace('{manifest_fingerprint}', MF);

describe('reconcileRngLogs (the in-run check, from bytes)', () => {
  const rows = trace().rows();
  const logs = () => ({ trace: traceLogBytes(rows, T), audit: auditLogBytes('1A', rows, T) });

  it('logs written from the totals reconcile with them', () => {
    expect(() => reconcileRngLogs('1A', logs(), rows, WHERE, T)).not.toThrow();
  });

  it('one count changed in the audit line names segment and family', () => {
    const l = logs();
    const audit = l.audit.toString().replace('"draws":"8"', '"draws":"9"');
    expect(audit).not.toBe(l.audit.toString());
    const e = mismatch(() => reconcileRngLogs('1A', { ...l, audit: Buffer.from(audit) }, rows, WHERE));
    expect(e.line()).toMatch(/^error RNG_ACCOUNTING_MISMATCH: audit\.jsonl: 1A family 1A\.universe: audit draws=9 /);
  });

  it('a trace that disagrees with the in-memory totals, a missing family, a bad row or another run all fail', () => {
    const l = logs();
    const bumped = rows.map((r) => (r.family === '1A.hurdle_bernoulli' ? { ...r, blocks: '4' } : r));
    expect(mismatch(() => reconcileRngLogs('1A', l, bumped, WHERE)).message).toMatch(/^1A family 1A\.hurdle_bernoulli: trace blocks=3 but 4 were accounted/);
    const dropped = Buffer.from(l.trace.toString().split('\n').slice(1).join('\n'));
    expect(mismatch(() => reconcileRngLogs('1A', { ...l, trace: dropped }, rows, WHERE)).message).toMatch(
      /1A\.hurdle_bernoulli: family missing from the trace log/,
    );
    const badRow = Buffer.from(l.trace.toString().replace('"substreams":3', '"substreams":-3'));
    expect(mismatch(() => reconcileRngLogs('1A', { ...l, trace: badRow }, rows, WHERE)).message).toMatch(
      /^1A family 1A\.hurdle_bernoulli: line 1 \/substreams /,
    );
    const truncated = l.trace.subarray(0, l.trace.length - 5);
    mismatch(() => reconcileRngLogs('1A', { ...l, trace: truncated }, rows, WHERE));
    expect(mismatch(() => reconcileRngLogs('1A', l, rows, WHERE, { ...T, run_id: 'd'.repeat(32) })).message).toMatch(/audit run_id/);
  });
});

describe('sealSegment writes the logs before the gate', () => {
  it('a clean segment: logs and gate, and the logs reconcile with the sealed totals', async () => {
    const ctx = ctxFor();
    const checks = new Checks();
    checks.add('ok', true, '');
    await sealSegment(ctx, { checks, trace: trace() });
    expect((await verifyGate(ctx.world, '1A', MF)).ok).toBe(true);
    const r = await checkRngLogs(ctx.world, '1A', bundleRel());
    expect(r).toEqual({ runs: 1, problems: [], notes: [] });

    // one count edited in the audit line: validate's check names segment and family
    const audit = join(ctx.world, rngLogPaths('1A', T).audit);
    writeFileSync(audit, readFileSync(audit, 'utf8').replace('"blocks":"5"', '"blocks":"6"'));
    const bad = await checkRngLogs(ctx.world, '1A', bundleRel());
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0].code).toBe(ErrorCodes.RNG_ACCOUNTING_MISMATCH);
    expect(bad.problems[0].detail).toMatch(/1A family 1A\.universe: audit draws=8 blocks=6 ≠ trace draws=8 blocks=5/);

    // logs gone (a world copied without logs/): nothing to reconcile, said in a note
    await fs.rm(join(ctx.world, 'logs'), { recursive: true });
    const none = await checkRngLogs(ctx.world, '1A', bundleRel());
    expect(none.problems).toEqual([]);
    expect(none.notes[0]).toMatch(/rng logs absent/);
  });

  it('accounting that fails its own check writes no gate at all', async () => {
    const ctx = ctxFor();
    const checks = new Checks();
    checks.add('ok', true, '');
    const t = trace();
    t.addTotals('1A.broken', 1, -1, 1, 1, 1); // a kernel reporting a negative draw count
    await expect(sealSegment(ctx, { checks, trace: t })).rejects.toMatchObject({
      code: ErrorCodes.RNG_ACCOUNTING_MISMATCH,
      message: expect.stringMatching(/^1A family 1A\.broken: /),
    });
    await expect(fs.access(join(ctx.world, bundleRel()))).rejects.toThrow();
  });
});
