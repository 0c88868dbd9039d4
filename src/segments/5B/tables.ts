// 5B's own tables (S1 grid and grouping, S2 latent field): one Parquet file each, encoded on the pool
// and published in the background (their fsyncs wait on the disk, not the CPU); run.ts joins them before S5.
import type { RunContext } from '../../engine/context.js';
import type { FastColumn } from '../../io/fastparquet.js';

export const US = 1_000_000;

/** One Parquet file at a catalogued file path (row groups of 1,048,576 rows), encoded on the pool by the fast encoder. */
export async function publishTable(ctx: RunContext, id: string, cols: FastColumn[], rows: number, extra: Record<string, string>): Promise<number> {
  return (await ctx.out.writeFast(id, cols, rows, { tokens: extra })).rows;
}

export type Tables5B = ReturnType<typeof tables5B>;

/** The constant id columns, the row counts and the background publishes shared by S1 and S2. */
export function tables5B(ctx: RunContext, scenario_id: string) {
  const mf = ctx.manifest_fingerprint;
  const sc = { scenario_id };
  const konst = (name: string, n: number, v: string): FastColumn => ({ name, type: 'dict', values: new Uint8Array(n), dict: [v] });
  const ids = (n: number) => [konst('manifest_fingerprint', n, mf), konst('scenario_id', n, scenario_id)];
  // keys in publishing order, whatever order the background publishes finish in
  const rows: Record<string, number> = { s1_time_grid_5B: 0, s1_grouping_5B: 0, s2_latent_field_5B: 0 };
  // S1/S2 tables publish in the background (their fsyncs wait on the disk, not the CPU); joined before S5
  const background: Promise<void>[] = [];
  const later = (id: string, p: Promise<number>) => {
    const q = p.then((n) => void (rows[id] = n));
    q.catch(() => undefined); // handled at the join; not an unhandled rejection meanwhile
    background.push(q);
  };
  return { sc, ids, rows, background, later };
}
