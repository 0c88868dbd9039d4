// S3 day effects γ per merchant × UTC day × tz-group, and S4 the day's group mix as router alias tables; chunked, each chunk handed to the day-part writer.
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import { SharedCol } from '../../pool/columns.js';
import { runPlan, type Shard } from '../../pool/shards.js';
import { k2bDayEffects, k2bGroupAlias } from '../../kernels/2B.js';
import { fm_sin } from '../../rng/fmath.js';
import type { Sites2B } from './inputs.js';
import { bucketOf, dayParams, tzMultiplier, type Policies2B } from './policies.js';
import { packDayParams } from './kernels_ref.js';
import type { DayPartWriter } from './outputs.js';
import { CHUNK_ROWS, FAMILIES, HIST_BINS, sampleMerchants, type DayStats, type World2B } from './world.js';
import { idKeys } from '../../rng/keys.js';

export type S3Result = Pick<World2B, 'segment' | 'baseShare' | 'tzMult' | 'sigma' | 'jitter' | 'phase' | 'dayTab' | 'dayStats' | 'sample'> & {
  dKeys: Uint32Array;
  pKeys: Uint32Array;
  dayDraws: Uint32Array;
  profileDraws: Uint32Array;
};

/** S3 and S4 run together after S1 (γ scales S1's weights shared out to tz-groups), chunk by chunk so a chunk's day rows are written while the next computes. */
export async function s3DayEffects(
  ctx: RunContext,
  inp: { p: Policies2B; sites: Sites2B; plan: Shard[]; nSites: Int32Array; pWeight: Float64Array; parts: DayPartWriter; trace: RngTrace },
): Promise<S3Result> {
  const { p, sites, plan, nSites, pWeight, parts, trace } = inp;
  const M = sites.merchantId.length;
  const off = sites.siteOff;
  const G = sites.groupOff[M];
  const baseShare = new Float64Array(G);
  for (let i = 0; i < M; i++) for (let r = off[i]; r < off[i + 1]; r++) baseShare[sites.groupOff[i] + sites.siteGroup[r]] += pWeight[r];
  const tzMult = Float64Array.from(sites.groupTz, (c) => tzMultiplier(p.day, sites.tzDict[c]));
  const segment = Int32Array.from(nSites, (n) => bucketOf(p.day.sigma_profile.segments, n));
  const sigmaBase = Float64Array.from(segment, (s) => p.day.sigma_profile.segments[s].sigma_base);
  const weeklyAmp = Float64Array.from(segment, (s) => p.day.sigma_profile.segments[s].weekly_amp);
  const D = p.days.count;
  const dKeys = idKeys(ctx, FAMILIES.day, sites.merchantId);
  const pKeys = p.day.sigma_profile.enabled ? idKeys(ctx, FAMILIES.profile, sites.merchantId) : new Uint32Array(2 * M);
  const dK = SharedCol.from('u32', dKeys),
    pK = SharedCol.from('u32', pKeys),
    gOff = SharedCol.from('i32', sites.groupOff);
  const bsC = SharedCol.from('f64', baseShare),
    tmC = SharedCol.from('f64', tzMult),
    sbC = SharedCol.from('f64', sigmaBase),
    waC = SharedCol.from('f64', weeklyAmp);
  const dprm = SharedCol.from('f64', packDayParams(dayParams(p.day)));
  const sigma = new SharedCol('f64', G),
    jit = new SharedCol('f64', M),
    ph = new SharedCol('f64', M),
    clip = new SharedCol('i32', M);
  const dd = new SharedCol('u32', M),
    db = new SharedCol('u32', M),
    pd = new SharedCol('u32', M),
    pb = new SharedCol('u32', M);
  const dayTab = new Uint32Array(2 * D * G);
  const sampleIdx = new Set(sampleMerchants(M, p.validation.replay_sample_merchants));
  const sample: World2B['sample'] = new Map();
  const stats: DayStats = {
    rows: 0,
    gammaSum: 0,
    zSum: 0,
    zSq: 0,
    clipped: 0,
    merchantGammaSd: new Float64Array(M),
    maxMassError: 0,
    pMin: Infinity,
    pMax: -Infinity,
    maxPMultiHist: new Uint32Array(HIST_BINS + 1),
    multiDays: 0,
    nonPositive: 0,
  };
  const dp = dayParams(p.day);
  const bits = p.alias.quantised_bits,
    qbits = p.alias.layout.prob_qbits;
  const gO = sites.groupOff;
  const stage = ctx.progress.stage('2B S3/S4 day effects + group mix', D * G, 'group-days');
  let pending: Promise<void> = Promise.resolve();
  for (let a = 0; a < plan.length;) {
    // a chunk = whole shards up to ~CHUNK_ROWS day rows
    let b = a;
    let rows = 0;
    while (b < plan.length && (b === a || rows + D * (gO[plan[b].end] - gO[plan[b].start]) <= CHUNK_ROWS)) {
      rows += D * (gO[plan[b].end] - gO[plan[b].start]);
      b++;
    }
    const sh = plan.slice(a, b);
    const m0 = sh[0].start,
      m1 = sh[sh.length - 1].end;
    const r0 = D * gO[m0];
    const col = () => new SharedCol('f64', rows);
    const o = { gamma: col(), lg: col(), pg: col(), mr: col(), den: col() };
    const tab = new SharedCol('u32', 2 * rows);
    const tabSt = new SharedCol('i32', (m1 - m0) * D);
    await runPlan(ctx.pool, sh, ({ start: s, end: e }) => {
      const a = D * gO[s] - r0,
        b = D * gO[e] - r0; // the shard's day rows within the chunk
      return k2bDayEffects.task({
        n: e - s,
        dayKeys: dK.in(s, e, 2),
        profKeys: pK.in(s, e, 2),
        groupOff: gOff.in(s, e + 1),
        baseShare: bsC.in(gO[s], gO[e]),
        tzMult: tmC.in(gO[s], gO[e]),
        sigmaBase: sbC.in(s, e),
        weeklyAmp: waC.in(s, e),
        nDays: D,
        dow0: p.days.dow0,
        prm: dprm.all(),
        outGamma: o.gamma.out(a, b),
        outLogGamma: o.lg.out(a, b),
        outPGroup: o.pg.out(a, b),
        outMassRaw: o.mr.out(a, b),
        outDenom: o.den.out(a, b),
        outSigma: sigma.out(gO[s], gO[e]),
        outJitter: jit.out(s, e),
        outPhase: ph.out(s, e),
        outClipped: clip.out(s, e),
        outDraws: dd.out(s, e),
        outBlocks: db.out(s, e),
        outPDraws: pd.out(s, e),
        outPBlocks: pb.out(s, e),
      });
    });
    // router group tables for the chunk's merchant-days
    const blockOff = new Int32Array((m1 - m0) * D + 1);
    for (let m = m0, k = 0; m < m1; m++) for (let d = 0; d < D; d++, k++) blockOff[k + 1] = blockOff[k] + (gO[m + 1] - gO[m]);
    const bo = SharedCol.from('i32', blockOff);
    await runPlan(ctx.pool, sh, ({ start: s, end: e }) => {
      const k0 = (s - m0) * D,
        k1 = (e - m0) * D;
      return k2bGroupAlias.task({
        nBlocks: k1 - k0,
        blockOff: bo.in(k0, k1 + 1),
        p: o.pg.in(blockOff[k0], blockOff[k1]),
        bits,
        qbits,
        outTab: tab.out(2 * blockOff[k0], 2 * blockOff[k1]),
        outStatus: tabSt.out(k0, k1),
      });
    });
    if ((tabSt.view() as Int32Array).some((x) => x !== 0)) fail(ErrorCodes.INTERNAL, 'a day group mix could not be quantised', 's4_group_weights');
    dayTab.set(tab.view() as Uint32Array, 2 * r0);
    const v = {
      gamma: o.gamma.view() as Float64Array,
      lg: o.lg.view() as Float64Array,
      pg: o.pg.view() as Float64Array,
      mr: o.mr.view() as Float64Array,
      den: o.den.view() as Float64Array,
    };
    accumulate(stats, v, sites, m0, m1, D, r0, sigma.view() as Float64Array, ph.view() as Float64Array, weeklyAmp, p, dp.profile);
    for (let m = m0; m < m1; m++) {
      if (!sampleIdx.has(m)) continue;
      const a0 = D * gO[m] - r0,
        a1 = D * gO[m + 1] - r0;
      sample.set(m, { gamma: v.gamma.slice(a0, a1), logGamma: v.lg.slice(a0, a1), pGroup: v.pg.slice(a0, a1) });
    }
    await pending; // at most one chunk encoding while the next computes
    pending = parts.addChunk(sites, m0, m1, D, p.days.start, v, baseShare, sigma.view() as Float64Array);
    stage.tick(rows);
    a = b;
  }
  await pending;
  stage.done();
  stats.clipped = (clip.view() as Int32Array).reduce((x, y) => x + y, 0);
  trace.add(FAMILIES.day, dd.view() as Uint32Array, db.view() as Uint32Array);
  if (dp.profile) trace.add(FAMILIES.profile, pd.view() as Uint32Array, pb.view() as Uint32Array);
  return {
    segment,
    baseShare,
    tzMult,
    sigma: Float64Array.from(sigma.view() as Float64Array),
    jitter: Float64Array.from(jit.view() as Float64Array),
    phase: Float64Array.from(ph.view() as Float64Array),
    dayTab,
    dayStats: stats,
    sample,
    dKeys,
    pKeys,
    dayDraws: Uint32Array.from(dd.view() as Uint32Array),
    profileDraws: Uint32Array.from(pd.view() as Uint32Array),
  };
}

const TWO_PI = 6.283185307179586;

/** Fold one chunk of S3/S4 rows into the S7 summaries (serial, merchant order). */
function accumulate(
  st: DayStats,
  v: { gamma: Float64Array; lg: Float64Array; pg: Float64Array },
  sites: Sites2B,
  m0: number,
  m1: number,
  D: number,
  r0: number,
  sigma: Float64Array,
  phase: Float64Array,
  weeklyAmp: Float64Array,
  p: Policies2B,
  profile: boolean,
): void {
  const gO = sites.groupOff;
  for (let m = m0; m < m1; m++) {
    const G = gO[m + 1] - gO[m];
    let s = 0,
      sq = 0;
    for (let d = 0; d < D; d++) {
      const row = D * gO[m] + d * G - r0;
      const weekly = profile && weeklyAmp[m] > 0 ? weeklyAmp[m] * fm_sin((TWO_PI * ((p.days.dow0 + d) % 7)) / 7.0 + phase[m]) : 0;
      let mass = 0,
        mx = 0;
      for (let g = 0; g < G; g++) {
        const r = row + g;
        const sg = sigma[gO[m] + g];
        const z = (v.lg[r] + 0.5 * sg * sg - weekly) / sg;
        st.zSum += z;
        st.zSq += z * z;
        st.gammaSum += v.gamma[r];
        s += v.gamma[r];
        sq += v.gamma[r] * v.gamma[r];
        const pr = v.pg[r];
        mass += pr;
        if (pr > mx) mx = pr;
        if (pr < st.pMin) st.pMin = pr;
        if (pr > st.pMax) st.pMax = pr;
        if (!(v.gamma[r] > 0) || !Number.isFinite(v.lg[r])) st.nonPositive++;
      }
      st.maxMassError = Math.max(st.maxMassError, Math.abs(mass - 1));
      if (G >= 2) {
        st.maxPMultiHist[Math.min(HIST_BINS, Math.floor(mx * HIST_BINS))]++;
        st.multiDays++;
      }
    }
    const n = D * G;
    st.rows += n;
    st.merchantGammaSd[m] = Math.sqrt(Math.max(0, sq / n - (s / n) * (s / n)));
  }
}
