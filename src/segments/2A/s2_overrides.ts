// 2A S2: governed overrides (site > mcc > country) over the S1 answer.
import type { RunContext } from '../../engine/context.js';
import { readTable } from '../../io/reader.js';
import type { TzWorld } from '../../reference/tzworld.js';
import { M } from '../../laws/tz/resolve.js';
import { overrideIndex, pickOverride, type OverrideScope } from '../../laws/tz/overrides.js';
import { u64Of, i32Of } from './columns.js';
import { zoneIndexOf, type S1Lookup } from './s1_lookup.js';
import type { Policies2A } from './policies.js';
import type { Sites } from './world.js';

/** S2: each site's final zone and which override scope (if any) set it; MCCs are read only when an MCC override exists. */
export async function s2Overrides(
  ctx: RunContext,
  { world, p, sites, s1 }: { world: TzWorld; p: Policies2A; sites: Sites; s1: S1Lookup },
): Promise<{ tz: Int32Array; overrideScope: Int8Array; mccUsed: boolean }> {
  const n = sites.n;
  const zi = zoneIndexOf(world);
  const idx = overrideIndex(p.overrides);
  const mccUsed = idx.mcc.size > 0;
  const mccOf = mccUsed ? await merchantMcc(ctx) : undefined;
  const tz = Int32Array.from(s1.s1Tz);
  const overrideScope = new Int8Array(n).fill(-1);
  const scopeCode: Record<OverrideScope, number> = { site: 0, mcc: 1, country: 2 };
  for (let i = 0; i < n; i++) {
    if (idx.unresolvedOnly && (s1.method[i] === M.polygon || s1.method[i] === M.polygon_in_country)) continue;
    const o = pickOverride(idx, sites.merchantId[i], sites.iso[i], sites.siteOrder[i], mccOf?.get(sites.merchantId[i]));
    if (!o) continue;
    tz[i] = zi(o[1]);
    overrideScope[i] = scopeCode[o[0]];
  }
  return { tz, overrideScope, mccUsed };
}

/** merchant_id → MCC from 1A's merchant_universe_1A (behind the verified 1A gate). */
async function merchantMcc(ctx: RunContext): Promise<Map<bigint, number>> {
  const ds = 'merchant_universe_1A';
  const t = await readTable(ctx, ds, { columns: ['merchant_id', 'mcc'] });
  const ids = u64Of(t, 'merchant_id', ds);
  const mcc = i32Of(t, 'mcc', ds);
  const m = new Map<bigint, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i], mcc[i]);
  return m;
}
