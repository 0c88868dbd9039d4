// THE shard runner: fixed-size shards over [0, n), one pool task per shard. The plan depends on n and
// the shard size only, never on the worker count, so output bytes cannot depend on it either.
import type { KernelPool } from './pool.js';
import type { KernelTask } from './task.js';

export interface Shard {
  start: number;
  end: number;
  /** the shard's index in its plan (shard-local offset tables are indexed start + k) */
  k: number;
}

/** Stage progress as the engine hands it out (structural: pool/ sits below engine/). */
export interface ShardProgress {
  tick(rows: number): void;
  done(): void;
}

/** Fixed-size shards over [0, n). */
export function shardPlan(n: number, size: number): Shard[] {
  const out: Shard[] = [];
  for (let s = 0, k = 0; s < n; s += size, k++) out.push({ start: s, end: Math.min(n, s + size), k });
  return out;
}

/** One task per shard of [0, n), run on the pool; progress ticks each shard's rows, then is done. */
export async function runShards(pool: KernelPool, n: number, size: number, task: (sh: Shard) => KernelTask, progress?: ShardProgress): Promise<Shard[]> {
  const plan = shardPlan(n, size);
  await runPlan(pool, plan, task, progress);
  return plan;
}

/** runShards over shards already planned (a chunk of a plan). */
export async function runPlan(pool: KernelPool, plan: readonly Shard[], task: (sh: Shard) => KernelTask, progress?: ShardProgress): Promise<void> {
  await pool.run(
    plan.map((sh) => task(sh)),
    progress && ((i) => progress.tick(plan[i].end - plan[i].start)),
  );
  progress?.done();
}

/**
 * Shard-local copies of prefix offsets (n + 1 entries) for shardPlan(n, size): shard k's
 * off[start..end] − off[start] at [start + k, end + k], so a kernel gets `.in(s + k, e + k + 1)`.
 */
export function localOffsets<T extends Int32Array | Uint32Array>(off: T, n: number, size: number): T {
  const plan = shardPlan(n, size);
  const out = new (off.constructor as new (length: number) => T)(n + plan.length);
  for (const { start, end, k } of plan) for (let i = start; i <= end; i++) out[i + k] = off[i] - off[start];
  return out;
}
