// 5A.S1: each merchant's demand class, sector, channel group and per-site quantile; each zone_alloc cell's role and raw weekly volume.
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies5A, ChannelGroup } from './policies.js';
import { Classifier, zoneRole, type ZoneRole } from './classes.js';
import { merchantU, perSiteWeekly, cellRaw } from './scale.js';
import type { Inputs5A } from './world.js';

export interface S1ClassScale {
  mClass: string[];
  mSector: string[];
  mChannel: ChannelGroup[];
  mU: Float64Array;
  /** cells of merchant i: [mCell0[i], mCell0[i+1]) */
  mCell0: Int32Array;
  /** per cell: its merchant */
  cellM: Int32Array;
  role: ZoneRole[];
  raw: Float64Array;
  capped: number;
}

export function s1ClassScale(ctx: Pick<RunContext, 'manifest_fingerprint'>, { p, inp }: { p: Policies5A; inp: Inputs5A }): S1ClassScale {
  const cls = new Classifier(p.classes);
  const M = inp.merchant.length,
    N = inp.cellMerchant.length;
  const mClass: string[] = [],
    mSector: string[] = [],
    mChannel: ChannelGroup[] = [];
  const mU = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const cg = cls.channelGroup(inp.channel[i]);
    mChannel.push(cg);
    mSector.push(cls.sector(inp.mcc[i]));
    mClass.push(cls.demandClass(inp.mcc[i], cg, inp.virtualMode[i]));
    mU[i] = merchantU(ctx.manifest_fingerprint, inp.merchant[i]);
  }
  // cells → merchants (both in merchant_id order)
  const cellM = new Int32Array(N);
  const mCell0 = new Int32Array(M + 1);
  let m = 0;
  for (let c = 0; c < N; c++) {
    while (m < M && inp.merchant[m] < inp.cellMerchant[c]) mCell0[++m] = c;
    if (m >= M || inp.merchant[m] !== inp.cellMerchant[c])
      fail(ErrorCodes.INTERNAL, `zone_alloc merchant ${inp.cellMerchant[c]} is not in merchant_universe_1A`);
    cellM[c] = m;
  }
  while (m < M) mCell0[++m] = N;
  // S1 per cell
  const role: ZoneRole[] = [];
  const raw = new Float64Array(N);
  let capped = 0;
  const perSite = Float64Array.from(mU, (u, i) => perSiteWeekly(p.scale.classes[mClass[i]], u));
  for (let c = 0; c < N; c++) {
    const i = cellM[c];
    const r = zoneRole(p.classes, inp.zoneSites[c], inp.countrySites[c]);
    role.push(r);
    const x = cellRaw(p.scale, {
      perSite: perSite[i],
      zoneSites: inp.zoneSites[c],
      countrySites: inp.countrySites[c],
      role: r,
      virtualMode: inp.virtualMode[i],
      channelGroup: mChannel[i],
    });
    raw[c] = x.raw;
    if (x.capped) capped++;
  }
  return { mClass, mSector, mChannel, mU, mCell0, cellM, role, raw, capped };
}
