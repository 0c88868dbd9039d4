// The final state of every segment: run-scoped RNG logs (reconciled from bytes) → validation bundle
// (index.json + members, _passed.flag only when every required check passed). One law for every segment.
import { join } from 'node:path';
import { stableJson } from '../core/hash.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { assembleBundle } from '../gates/bundle.js';
import { OUTPUTS_FILE } from '../gates/verify.js';
import { gateFor } from '../contracts/dictionary.js';
import { publishPartition, type PartFile } from '../io/publish.js';
import { engineVersion } from '../core/paths.js';
import { tokens, type RunContext } from './context.js';
import type { RngTrace } from './trace.js';
import { addReadBackChecks, readBack } from './readback.js';
import { ACCOUNTING_FILE, ALGORITHM, writeRngLogs } from './rng_accounting.js';
import { Checks } from './checks.js';

export interface SealInput {
  checks: Checks;
  /** extra bundle members, e.g. realism_<SEG>.json, rng_replay.json */
  files?: Record<string, unknown>;
  /** extra bundle members as bytes (a Parquet table the catalogue places in the bundle) */
  raw?: Record<string, Uint8Array>;
  trace?: RngTrace;
  /** the rows the segment meant to publish per dataset; the read-back holds the files to them */
  rows?: Readonly<Record<string, number>>;
}

export async function sealSegment(ctx: RunContext, s: SealInput): Promise<void> {
  const { checks } = s;
  // the segment and its outputs are its writer's: the one that published them
  const { segment, ledger: outputs } = ctx.out;
  const traceRows = s.trace?.rows() ?? [];
  // Validation from bytes: every Parquet dataset published, re-read from its listed files
  addReadBackChecks(checks, await readBack(ctx.world, outputs), s.rows);
  // Logs first, reconciled from bytes: a segment is never sealed without them, and a mismatch
  // (RNG_ACCOUNTING_MISMATCH) leaves no gate. A kill after this point only leaves logs of an unsealed run.
  if (s.trace) await writeRngLogs(ctx.world, segment, traceRows, tokens(ctx));
  const members: PartFile[] = [
    { name: 'checks.json', bytes: Buffer.from(stableJson({ segment, passed: checks.passed, checks: checks.list })) },
    { name: ACCOUNTING_FILE, bytes: Buffer.from(stableJson({ segment, algorithm: ALGORITHM, families: traceRows })) },
    { name: OUTPUTS_FILE, bytes: Buffer.from(stableJson({ segment, files: [...outputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) })) },
    {
      name: 'identity.json',
      bytes: Buffer.from(
        stableJson({
          manifest_fingerprint: ctx.manifest_fingerprint,
          parameter_hash: ctx.parameter_hash,
          seed: ctx.seed.toString(),
          engine_version: engineVersion(),
          sealed_inputs: ctx.sealed,
        }),
      ),
    },
    ...Object.entries(s.files ?? {}).map(([name, doc]) => ({ name, bytes: Buffer.from(stableJson(doc)) })),
    ...Object.entries(s.raw ?? {}).map(([name, bytes]) => ({ name, bytes })),
  ];
  const bundleDir = gateFor(segment).bundle_root_template.replace('{manifest_fingerprint}', ctx.manifest_fingerprint).replace(/\/$/, '');
  await publishPartition(ctx.world, bundleDir, assembleBundle(segment, ctx.manifest_fingerprint, members, checks.passed));
  if (!checks.passed) {
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `${segment} validation failed: ${checks.failures().join('; ')}`,
      join(bundleDir, 'checks.json'),
      `inspect the bundle; adjust the ${segment} policies`,
    );
  }
}
