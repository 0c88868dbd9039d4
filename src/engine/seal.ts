// The final state of every segment: checks → validation bundle (index.json + members, _passed.flag
// only when every required check passed) → run-scoped RNG logs. One law for every segment.
import { join } from 'node:path';
import { stableJson } from '../core/hash.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { assembleBundle } from '../gates/bundle.js';
import { OUTPUTS_FILE, type OutputEntry } from '../gates/verify.js';
import { gateFor, partitionDir } from '../contracts/dictionary.js';
import { publishPartition, type PartFile } from '../io/publish.js';
import { engineVersion } from '../core/paths.js';
import { tokens, type RunContext } from './context.js';
import type { RngTrace } from './trace.js';

export interface Check {
  id: string;
  required: boolean;
  passed: boolean;
  detail: string;
  /** how many rows/keys/pairs the check found wrong, where it counts them */
  affected?: number;
}

/** Collects checks; `add` returns whether it passed, for callers that branch on it. */
export class Checks {
  readonly list: Check[] = [];
  add(id: string, passed: boolean, detail: string, required = true, affected?: number): boolean {
    this.list.push(affected === undefined ? { id, required, passed, detail } : { id, required, passed, detail, affected });
    return passed;
  }
  get passed(): boolean {
    return this.list.every((c) => c.passed || !c.required);
  }
  failures(): string[] {
    return this.list.filter((c) => !c.passed && c.required).map((c) => `${c.id} (${c.detail})`);
  }
}

export interface SealInput {
  segment: string;
  checks: Checks;
  outputs: OutputEntry[];
  /** extra bundle members, e.g. realism_<SEG>.json, rng_replay.json */
  files?: Record<string, unknown>;
  trace?: RngTrace;
}

export async function sealSegment(ctx: RunContext, s: SealInput): Promise<void> {
  const { segment, checks } = s;
  const traceRows = s.trace?.rows() ?? [];
  const members: PartFile[] = [
    { name: 'checks.json', bytes: Buffer.from(stableJson({ segment, passed: checks.passed, checks: checks.list })) },
    { name: 'rng_accounting.json', bytes: Buffer.from(stableJson({ segment, algorithm: 'philox4x32-10', families: traceRows })) },
    { name: OUTPUTS_FILE, bytes: Buffer.from(stableJson({ segment, files: [...s.outputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) })) },
    { name: 'identity.json', bytes: Buffer.from(stableJson({ manifest_fingerprint: ctx.manifest_fingerprint, parameter_hash: ctx.parameter_hash, seed: ctx.seed.toString(), engine_version: engineVersion(), sealed_inputs: ctx.sealed })) },
    ...Object.entries(s.files ?? {}).map(([name, doc]) => ({ name, bytes: Buffer.from(stableJson(doc)) })),
  ];
  const bundleDir = gateFor(segment).bundle_root_template.replace('{manifest_fingerprint}', ctx.manifest_fingerprint).replace(/\/$/, '');
  await publishPartition(ctx.world, bundleDir, assembleBundle(segment, ctx.manifest_fingerprint, members, checks.passed));
  if (s.trace) await writeRngLogs(ctx, segment, traceRows);
  if (!checks.passed) {
    fail(ErrorCodes.VALIDATION_FAILED, `${segment} validation failed: ${checks.failures().join('; ')}`, join(bundleDir, 'checks.json'), `inspect the bundle; adjust the ${segment} policies`);
  }
}

async function writeRngLogs(ctx: RunContext, segment: string, traceRows: Record<string, unknown>[]): Promise<void> {
  const t = tokens(ctx);
  const tr = partitionDir(`rng_trace_log_${segment}`, t);
  const lines = traceRows.map((r) => JSON.stringify({ ...r, seed: t.seed, parameter_hash: t.parameter_hash, run_id: t.run_id })).join('\n') + '\n';
  await publishPartition(ctx.world, tr.dir, [{ name: tr.file!, bytes: Buffer.from(lines) }]);
  const au = partitionDir(`rng_audit_log_${segment}`, t);
  const audit = { run_id: t.run_id, segment, seed: t.seed, parameter_hash: t.parameter_hash, manifest_fingerprint: t.manifest_fingerprint, algorithm: 'philox4x32-10', key_law: 'sha256(domain‖mf‖seed‖ph‖family‖entity)[0:8]', u01_law: '((lane>>>11)+0.5)/2^53', engine_version: engineVersion(), ts_utc: new Date().toISOString() };
  await publishPartition(ctx.world, au.dir, [{ name: au.file!, bytes: Buffer.from(JSON.stringify(audit) + '\n') }]);
}
