// Everything a segment needs to run, resolved once by the runner.
import type { PolicyPack } from '../config/load.js';
import type { KernelPool } from '../pool/pool.js';
import type { Progress } from './progress.js';

export interface SealedInput {
  id: string;
  kind: 'reference' | 'policy' | 'contract' | 'engine' | 'upstream_gate' | 'input_file' | 'scale';
  source: string;
  sha256_hex: string;
}

export interface RunContext {
  world: string;
  seed: bigint;
  parameter_hash: string;
  manifest_fingerprint: string;
  run_id: string;
  scale: { name: string; merchants: number };
  pack: PolicyPack;
  sealed: SealedInput[];
  merchantsFile?: string;
  pool: KernelPool;
  progress: Progress;
}

export interface SegmentResult {
  rows: Record<string, number>;
}

export interface SegmentDef {
  id: string;
  layer: number;
  upstream: string[];
  /** Check user inputs before anything is printed or written (bad input → one line). */
  preflight?(ctx: RunContext): Promise<void>;
  run(ctx: RunContext): Promise<SegmentResult>;
}

export function tokens(ctx: RunContext): Record<string, string> {
  return { seed: ctx.seed.toString(), parameter_hash: ctx.parameter_hash, manifest_fingerprint: ctx.manifest_fingerprint, run_id: ctx.run_id };
}
