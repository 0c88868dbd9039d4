// S0 of every segment: verify each upstream gate from bytes (no PASS → no read), then seal the
// inputs this segment may read and write the S0 receipt. Nothing here carries wall-clock time,
// so a re-run with the same identity writes identical bytes.
import { asciiCompare, sha256Hex, stableJson } from '../core/hash.js';
import { fail, ErrorCodes } from '../core/errors.js';
import { check } from '../contracts/registry.js';
import { hashFilesHere, unlistedFileError, verifyGate, type FileHasher } from '../gates/verify.js';
import { type RunContext, type SealedInput } from './context.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLAG_FILE } from '../gates/bundle.js';
import { gateFor } from '../contracts/dictionary.js';

export async function runS0(ctx: RunContext, segment: string, upstream: string[], policyPrefix: string): Promise<SealedInput[]> {
  const gates = [];
  const sealed: SealedInput[] = [];
  // every upstream gate at once: their data files are hashed on the pool's workers (here without one)
  const hash: FileHasher = ctx.pool ? (paths) => ctx.pool.sha256Files(paths) : hashFilesHere;
  const reports = await Promise.all(upstream.map((up) => verifyGate(ctx.world, up, ctx.manifest_fingerprint, hash)));
  for (const [k, up] of upstream.entries()) {
    const rep = reports[k];
    if (!rep.ok) {
      const p = rep.problems[0];
      if (p.code === ErrorCodes.GATE_UNLISTED_FILE) throw unlistedFileError(up, p);
      fail(
        p.code,
        `upstream gate ${rep.gate_id} does not verify: ${p.detail}`,
        rep.bundle_dir,
        `rebuild segment ${up} (fraudworld run --until ${up}) before ${segment}`,
      );
    }
    const flag = await readFile(join(ctx.world, gateFor(up).bundle_root_template.replace('{manifest_fingerprint}', ctx.manifest_fingerprint), FLAG_FILE));
    gates.push({ gate_id: rep.gate_id, segment: up, flag_sha256_hex: sha256Hex(flag), status: rep.ok ? ('PASS' as const) : ('FAIL' as const) });
    sealed.push({ id: rep.gate_id, kind: 'upstream_gate', source: rep.bundle_dir, sha256_hex: rep.digest! });
  }
  const own = ctx.sealed.filter((s) => s.kind !== 'policy' || s.id.startsWith(`config:${policyPrefix}`) || s.id === 'config:scales.yaml');
  sealed.push(...own);
  sealed.sort((a, b) => asciiCompare(a.id, b.id));
  const sealedDoc = { segment, manifest_fingerprint: ctx.manifest_fingerprint, parameter_hash: ctx.parameter_hash, inputs: sealed };
  const sealedBytes = Buffer.from(stableJson(sealedDoc));
  const receipt = {
    segment,
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    seed: ctx.seed.toString(),
    upstream_gates: gates,
    sealed_inputs_sha256_hex: sha256Hex(sealedBytes),
    policies: own.filter((s) => s.kind === 'policy').map((s) => s.id),
  };
  for (const [schema, doc] of [
    ['sealed_inputs.schema.json', sealedDoc],
    ['s0_gate_receipt.schema.json', receipt],
  ] as const) {
    const err = check(schema, doc);
    if (err) fail(ErrorCodes.INTERNAL, `${schema} ${err.field}: ${err.message}`);
  }
  // through the segment's writer, so both are in its outputs.json: an edited receipt fails the gate
  await ctx.out.writeBytes(`sealed_inputs_${segment}`, sealedBytes);
  await ctx.out.writeJson(`s0_gate_receipt_${segment}`, receipt);
  return sealed;
}
