// RNG accounting: the run-scoped rng_trace_log / rng_audit_log of a segment, written before its gate
// and read back from bytes, must agree with the draws the segment made (in-run) and with the per-family
// totals sealed in its bundle's rng_accounting.json (`fraudworld validate`). The bundle carries only
// those totals (a pure function of the world); the logs carry run_id, so their digests cannot be sealed.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fail, ErrorCodes, FwError } from '../core/errors.js';
import { engineVersion } from '../core/paths.js';
import { check } from '../contracts/registry.js';
import { dataset, fillTemplate, partitionDir, type Tokens } from '../contracts/dictionary.js';
import { publishPartition, exists } from '../io/publish.js';
import type { FamilyRow } from './trace.js';

export type { FamilyRow };
export const ALGORITHM = 'philox4x32-10';
export const ACCOUNTING_FILE = 'rng_accounting.json';
const TRACE_SCHEMA = 'rng_trace_row.schema.json';
const AUDIT_SCHEMA = 'rng_audit_row.schema.json';

const TOTAL_FIELDS = ['substreams', 'draws', 'blocks', 'events', 'counter_max_blocks'] as const;

interface TraceRow extends FamilyRow {
  seed: string;
  parameter_hash: string;
  run_id: string;
}

interface AuditRow {
  run_id: string;
  segment: string;
  seed: string;
  parameter_hash: string;
  manifest_fingerprint: string;
  families: { family: string; draws: string; blocks: string }[];
}

/** Where a segment's two logs are for these tokens (world-relative file paths). */
export function rngLogPaths(segment: string, t: Tokens): { trace: string; audit: string } {
  const tr = partitionDir(`rng_trace_log_${segment}`, t);
  const au = partitionDir(`rng_audit_log_${segment}`, t);
  return { trace: `${tr.dir}/${tr.file}`, audit: `${au.dir}/${au.file}` };
}

export function traceLogBytes(rows: FamilyRow[], t: Tokens): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify({ ...r, seed: String(t.seed), parameter_hash: t.parameter_hash, run_id: t.run_id }) + '\n').join(''));
}

export function auditLogBytes(segment: string, rows: FamilyRow[], t: Tokens): Buffer {
  const audit = {
    run_id: t.run_id,
    segment,
    seed: String(t.seed),
    parameter_hash: t.parameter_hash,
    manifest_fingerprint: t.manifest_fingerprint,
    algorithm: ALGORITHM,
    key_law: 'sha256(domain‖mf‖seed‖ph‖family‖entity)[0:8]',
    u01_law: '((lane>>>11)+0.5)/2^53',
    engine_version: engineVersion(),
    ts_utc: new Date().toISOString(),
    families: rows.map((r) => ({ family: r.family, draws: r.draws, blocks: r.blocks })),
  };
  return Buffer.from(JSON.stringify(audit) + '\n');
}

function mismatch(segment: string, family: string | undefined, what: string, where: string): never {
  fail(
    ErrorCodes.RNG_ACCOUNTING_MISMATCH,
    `${segment}${family ? ` family ${family}` : ''}: ${what}`,
    where,
    'the RNG logs disagree with the draws the segment sealed: rebuild into a new --out and report it if it recurs',
  );
}

function jsonLines(bytes: Uint8Array, segment: string, where: string): unknown[] {
  const text = Buffer.from(bytes).toString('utf8');
  if (text !== '' && !text.endsWith('\n')) mismatch(segment, undefined, 'log does not end with a newline (truncated?)', where);
  return text
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch {
        mismatch(segment, undefined, `line ${i + 1} is not JSON`, where);
      }
    });
}

function parseTrace(bytes: Uint8Array, segment: string, where: string): TraceRow[] {
  const rows = jsonLines(bytes, segment, where) as TraceRow[];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const err = check(TRACE_SCHEMA, r);
    if (err) mismatch(segment, (r as { family?: string })?.family, `line ${i + 1} ${err.field} ${err.message}`, where);
    if (r.segment !== segment) mismatch(segment, r.family, `line ${i + 1} names segment ${r.segment}`, where);
    if (seen.has(r.family)) mismatch(segment, r.family, 'family listed twice', where);
    seen.add(r.family);
  });
  return rows;
}

function parseAudit(bytes: Uint8Array, segment: string, where: string): AuditRow {
  const rows = jsonLines(bytes, segment, where);
  if (rows.length !== 1) mismatch(segment, undefined, `${rows.length} audit rows, want 1`, where);
  const a = rows[0] as AuditRow;
  const err = check(AUDIT_SCHEMA, a);
  if (err) mismatch(segment, undefined, `${err.field} ${err.message}`, where);
  if (a.segment !== segment) mismatch(segment, undefined, `audit names segment ${a.segment}`, where);
  return a;
}

/**
 * Reconcile one run's logs (bytes as read from disk) with `expected` totals: the trace rows must equal
 * them field for field, the audit's per-family draws/blocks must equal the trace's, and both logs must
 * name the same run. `identity` (in-run: this run's tokens) must match the audit too. Throws
 * RNG_ACCOUNTING_MISMATCH naming the segment and the first family that disagrees.
 */
export function reconcileRngLogs(
  segment: string,
  logs: { trace: Uint8Array; audit: Uint8Array },
  expected: FamilyRow[],
  where: { trace: string; audit: string },
  identity?: { seed: string; parameter_hash: string; run_id: string; manifest_fingerprint: string },
): AuditRow {
  const trace = parseTrace(logs.trace, segment, where.trace);
  const audit = parseAudit(logs.audit, segment, where.audit);
  if (identity) {
    for (const k of ['seed', 'parameter_hash', 'run_id', 'manifest_fingerprint'] as const) {
      if (audit[k] !== identity[k]) mismatch(segment, undefined, `audit ${k} ${audit[k]} is not this run's ${identity[k]}`, where.audit);
    }
  }
  for (const r of trace) {
    for (const k of ['seed', 'parameter_hash', 'run_id'] as const) {
      if (r[k] !== audit[k]) mismatch(segment, r.family, `trace ${k} ${r[k]} ≠ audit ${audit[k]}`, where.trace);
    }
  }
  const byFamily = new Map(trace.map((r) => [r.family, r]));
  const auditFams = new Map(audit.families.map((f) => [f.family, f]));
  if (auditFams.size !== audit.families.length) mismatch(segment, undefined, 'audit lists a family twice', where.audit);
  for (const e of expected) {
    const r = byFamily.get(e.family);
    if (!r) mismatch(segment, e.family, 'family missing from the trace log', where.trace);
    for (const k of TOTAL_FIELDS) {
      if (String(r[k]) !== String(e[k])) mismatch(segment, e.family, `trace ${k}=${r[k]} but ${e[k]} were accounted`, where.trace);
    }
    const a = auditFams.get(e.family);
    if (!a) mismatch(segment, e.family, 'family missing from the audit log', where.audit);
    if (a.draws !== r.draws || a.blocks !== r.blocks)
      mismatch(segment, e.family, `audit draws=${a.draws} blocks=${a.blocks} ≠ trace draws=${r.draws} blocks=${r.blocks}`, where.audit);
  }
  const want = new Set(expected.map((e) => e.family));
  for (const r of trace) if (!want.has(r.family)) mismatch(segment, r.family, 'trace lists a family that was not accounted', where.trace);
  for (const f of audit.families) if (!want.has(f.family)) mismatch(segment, f.family, 'audit lists a family that was not accounted', where.audit);
  return audit;
}

/**
 * In-run, before the gate: publish the trace then the audit (an audit's presence means its trace is
 * whole), read both back and reconcile them with the segment's in-memory totals.
 */
export async function writeRngLogs(world: string, segment: string, rows: FamilyRow[], t: Record<string, string>): Promise<void> {
  const p = rngLogPaths(segment, t);
  const dirOf = (f: string) => f.slice(0, f.lastIndexOf('/'));
  const fileOf = (f: string) => f.slice(f.lastIndexOf('/') + 1);
  await publishPartition(world, dirOf(p.trace), [{ name: fileOf(p.trace), bytes: traceLogBytes(rows, t) }]);
  await publishPartition(world, dirOf(p.audit), [{ name: fileOf(p.audit), bytes: auditLogBytes(segment, rows, t) }]);
  const logs = { trace: await fs.readFile(join(world, p.trace)), audit: await fs.readFile(join(world, p.audit)) };
  reconcileRngLogs(segment, logs, rows, p, { seed: t.seed, parameter_hash: t.parameter_hash, run_id: t.run_id, manifest_fingerprint: t.manifest_fingerprint });
}

export interface RngLogCheck {
  /** runs whose logs reconciled with the bundle */
  runs: number;
  problems: { code: typeof ErrorCodes.RNG_ACCOUNTING_MISMATCH; detail: string }[];
  notes: string[];
}

/**
 * `validate`: every run's logs for this segment and fingerprint (found by their audit rows under
 * seed/parameter_hash from the bundle's identity.json) must reconcile with the bundle's sealed totals.
 * Logs are run-scoped and outside data/: a world copied without logs/ still validates, with a note.
 * A trace without an audit is a run killed between the two writes (before its gate): not checked.
 */
export async function checkRngLogs(world: string, segment: string, bundleDir: string): Promise<RngLogCheck> {
  const res: RngLogCheck = { runs: 0, problems: [], notes: [] };
  const accPath = join(world, bundleDir, ACCOUNTING_FILE);
  if (!(await exists(accPath))) {
    res.notes.push(`the bundle seals no ${ACCOUNTING_FILE}: RNG logs not reconciled`);
    return res;
  }
  const acc = JSON.parse(await fs.readFile(accPath, 'utf8')) as { families: FamilyRow[] };
  if (acc.families.length === 0) return res; // a segment that draws nothing writes no logs
  const id = JSON.parse(await fs.readFile(join(world, bundleDir, 'identity.json'), 'utf8')) as {
    seed: string;
    parameter_hash: string;
    manifest_fingerprint: string;
  };
  const tmpl = dataset(`rng_audit_log_${segment}`).path_template;
  const parent = fillTemplate(tmpl.slice(0, tmpl.indexOf('run_id={run_id}')), { seed: id.seed, parameter_hash: id.parameter_hash });
  const runs = (await exists(join(world, parent))) ? (await fs.readdir(join(world, parent))).filter((n) => n.startsWith('run_id=')).sort() : [];
  for (const r of runs) {
    const p = rngLogPaths(segment, { seed: id.seed, parameter_hash: id.parameter_hash, run_id: r.slice('run_id='.length) });
    let audit: Buffer;
    try {
      audit = await fs.readFile(join(world, p.audit));
    } catch {
      continue;
    }
    // the audit names its fingerprint: logs of another world sharing seed and parameter_hash are not ours
    let mf: unknown;
    try {
      mf = JSON.parse(audit.toString('utf8').split('\n')[0]).manifest_fingerprint;
    } catch {
      mf = id.manifest_fingerprint; // unreadable: reconcile reports it
    }
    if (mf !== id.manifest_fingerprint) continue;
    try {
      const trace = await fs
        .readFile(join(world, p.trace))
        .catch(() => mismatch(segment, undefined, 'audit log present but its trace log is missing', p.trace));
      reconcileRngLogs(segment, { trace, audit }, acc.families, p);
      res.runs++;
    } catch (e) {
      if (!(e instanceof FwError)) throw e;
      res.problems.push({ code: ErrorCodes.RNG_ACCOUNTING_MISMATCH, detail: e.line().replace(/^error RNG_ACCOUNTING_MISMATCH: /, '') });
    }
  }
  if (runs.length === 0 || (res.runs === 0 && res.problems.length === 0)) {
    res.notes.push(
      `rng logs absent under ${parent} (world copied without logs/?): ${acc.families.length} families sealed in ${ACCOUNTING_FILE}, not re-checked against logs`,
    );
  }
  return res;
}
