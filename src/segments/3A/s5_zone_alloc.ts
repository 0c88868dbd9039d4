// 3A.S5: zone_alloc (the egress 2B/5A read), digested with routing_universe_hash masked, then zone_alloc_universe_hash.
import { readAllBytes } from '../../io/reader.js';
import { createHash } from 'node:crypto';
import { type ColumnValues } from '../../io/tables.js';
import { sha256Hex } from '../../core/hash.js';
import { type RunContext } from '../../engine/context.js';
import type { World3A } from './world.js';
import { constCol, nullableF64, type Cols3A } from './columns.js';

export interface UniverseHash {
  manifest_fingerprint: string;
  parameter_hash: string;
  zone_alpha_digest: string;
  theta_digest: string;
  zone_floor_digest: string;
  day_effect_digest: string;
  zone_alloc_parquet_digest: string;
  routing_universe_hash: string;
  version: string;
  notes: string;
}

export const HEX64_ZERO = '0'.repeat(64);

/** The day-effect policy 3A binds into the routing universe (owned by 2B): the first config file under layer1/2B/ naming day_effect. */
export function dayEffectPolicy(ctx: RunContext): { id: string; version: string; bytes: Uint8Array | null; name: string | null } {
  const f = ctx.pack.files.filter((x) => /^layer1\/2B\/.*day_effect.*\.ya?ml$/.test(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (!f) return { id: 'none', version: 'none', bytes: null, name: null };
  const doc = ctx.pack.docs.get(f.name) as Record<string, unknown> | undefined;
  const str = (k: string) => (doc && (typeof doc[k] === 'string' || typeof doc[k] === 'number') ? String(doc[k]) : undefined);
  return {
    id: str('policy_id') ?? f.name.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    version: str('policy_version') ?? str('version') ?? sha256Hex(f.bytes).slice(0, 12),
    bytes: f.bytes,
    name: f.name,
  };
}

/** Concatenate digests (lowercase hex, ASCII bytes, no delimiter) and hash. */
export function universeHashOf(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p, 'ascii'));
  return h.digest('hex');
}

export interface S5Input {
  w: World3A;
  c: Cols3A;
  /** the s2_country_zone_priors entries as published (their files make zone_alpha_digest) */
  stage: { tick(n: number): void };
}

export interface S5ZoneAlloc {
  universe: UniverseHash;
  zoneAllocDir: string;
  zoneAllocRows: number;
}

export async function s5ZoneAlloc(ctx: RunContext, { w, c, stage }: S5Input): Promise<S5ZoneAlloc> {
  const { p, in: inp } = w;
  const { nz, mf, seedCol, mix, fl, al, thetaDigest, pairOfZone, zoneCountry, zoneMerchant, tzCol, zoneSum, countryAlphaSum } = c;
  const de = dayEffectPolicy(ctx);
  const zaCols = (hash: string): Record<string, ColumnValues> => ({
    seed: seedCol(nz),
    manifest_fingerprint: constCol(nz, mf),
    merchant_id: zoneMerchant,
    legal_country_iso: zoneCountry,
    tzid: tzCol,
    zone_site_count: inp.zoneCount,
    zone_site_count_sum: zoneSum,
    site_count: zoneSum,
    zone_share: w.share,
    zone_share_units: w.units,
    share_units_dp: new Int32Array(nz).fill(mix.share_units_dp),
    is_escalated: Uint8Array.from(pairOfZone, (i) => w.escalated[i]),
    in_prior_zone_set: w.inPrior,
    prior_pack_id: constCol(nz, al.prior_pack_id),
    prior_pack_version: constCol(nz, al.prior_pack_version),
    floor_policy_id: constCol(nz, fl.floor_policy_id),
    floor_policy_version: constCol(nz, fl.floor_policy_version),
    mixture_policy_id: constCol(nz, mix.policy_id),
    mixture_policy_version: constCol(nz, mix.policy_version),
    day_effect_policy_id: constCol(nz, de.id),
    day_effect_policy_version: constCol(nz, de.version),
    routing_universe_hash: constCol(nz, hash),
    alpha_sum_country: nullableF64(Array.from(pairOfZone, (i) => countryAlphaSum(inp.country[i]))),
  });
  const masked = await ctx.out.encode('zone_alloc', zaCols(HEX64_ZERO));
  const concatDigest = (bufs: Uint8Array[]) => {
    const h = createHash('sha256');
    for (const b of bufs) h.update(b);
    return h.digest('hex');
  };
  const universe: UniverseHash = {
    manifest_fingerprint: mf,
    parameter_hash: ctx.parameter_hash,
    zone_alpha_digest: concatDigest([]),
    theta_digest: thetaDigest,
    zone_floor_digest: sha256Hex(p.bytes.floors),
    day_effect_digest: sha256Hex(de.bytes ?? new Uint8Array(0)),
    zone_alloc_parquet_digest: concatDigest(masked),
    routing_universe_hash: '',
    version: '1',
    notes: `zone_alpha_digest: sha256 over the s2_country_zone_priors part files in path order; zone_alloc_parquet_digest: over the zone_alloc parts with routing_universe_hash set to 64 zeros; routing_universe_hash = sha256(zone_alpha ‖ theta ‖ zone_floor ‖ day_effect ‖ zone_alloc_parquet digests as ASCII hex)${de.name ? `; day_effect policy ${de.name}` : '; no day-effect policy in the pack: day_effect_digest = sha256 of zero bytes'}`,
  };
  // zone_alpha_digest: the priors files as published, in path order
  universe.zone_alpha_digest = concatDigest(await readAllBytes(ctx, 's2_country_zone_priors'));
  universe.routing_universe_hash = universeHashOf([
    universe.zone_alpha_digest,
    universe.theta_digest,
    universe.zone_floor_digest,
    universe.day_effect_digest,
    universe.zone_alloc_parquet_digest,
  ]);
  const { rows: zoneAllocRows } = await ctx.out.write('zone_alloc', zaCols(universe.routing_universe_hash));
  const { dir } = ctx.out.where('zone_alloc');
  stage.tick(1);
  await ctx.out.writeJson('zone_alloc_universe_hash', universe);
  return { universe, zoneAllocDir: dir, zoneAllocRows };
}
