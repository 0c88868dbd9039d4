// S1 base scale, no RNG: a hash-derived quantile per merchant → Pareto per-site weekly volume with the class
// median, clipped; × sites, brand size, role / virtual / channel multipliers; soft cap. fm_* math only.
import { createHash } from 'node:crypto';
import { fm_exp, fm_log } from '../../rng/fmath.js';
import type { ScalePolicy, ChannelGroup } from './policies.js';
import type { ZoneRole } from './classes.js';

const TWO64 = 18446744073709551616;
const LN2 = 0.6931471805599453;

/** u = (uint64_be(SHA256("5A.scale|" mf "|" LE64(merchant_id))[0:8]) + 0.5) / 2^64, in (0, 1). */
export function merchantU(mf: string, merchantId: bigint): number {
  const id = Buffer.alloc(8);
  id.writeBigUInt64LE(merchantId);
  const d = createHash('sha256')
    .update(Buffer.from(`5A.scale|${mf}|`, 'ascii'))
    .update(id)
    .digest();
  return (Number(d.readBigUInt64BE(0)) + 0.5) / TWO64;
}

/** Pareto quantile with median m and tail index alpha: x_m (1 - u)^(-1/alpha), x_m = m / 2^(1/alpha); clipped. */
export function perSiteWeekly(c: { median: number; alpha: number; clip_max: number }, u: number): number {
  const xm = c.median / fm_exp(LN2 / c.alpha);
  const v = xm * fm_exp(-fm_log(1 - u) / c.alpha);
  return v > c.clip_max ? c.clip_max : v;
}

export interface CellScaleIn {
  perSite: number;
  zoneSites: number;
  countrySites: number;
  role: ZoneRole;
  virtualMode: 'NON_VIRTUAL' | 'HYBRID' | 'VIRTUAL_ONLY';
  channelGroup: ChannelGroup;
}

/** Raw weekly volume of a cell (before the world factor), soft cap applied; also whether the cap bit. */
export function cellRaw(p: ScalePolicy, c: CellScaleIn): { raw: number; capped: boolean } {
  if (c.zoneSites <= 0) return { raw: 0, capped: false };
  const brand = p.brand_size_exponent === 0 ? 1 : fm_exp(p.brand_size_exponent * fm_log(Math.max(1, c.countrySites)));
  let w =
    c.perSite * c.zoneSites * brand * p.zone_role_multipliers[c.role] * p.virtual_mode_multipliers[c.virtualMode] * p.channel_group_multipliers[c.channelGroup];
  const cap = p.soft_cap.max_weekly;
  if (w > cap) {
    const soft = cap + (w - cap) * p.soft_cap.ratio;
    const hard = cap * p.soft_cap.hard_multiplier;
    w = soft < hard ? soft : hard;
    return { raw: w, capped: true };
  }
  return { raw: w, capped: false };
}
