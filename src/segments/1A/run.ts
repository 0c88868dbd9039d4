// Segment 1A: how many outlets each merchant has, and in which countries.
//   S0 gate+seal → universe → S1 hurdle → S2 NB2 count → S3 candidates → S4 ZTP target
//   → S5 currency weights → S6 Gumbel membership → S7 allocation → S8 outlet_catalogue → S9 gate.
// Each state is one file, s<N>_<name>.ts; build1A calls them in order and assembles World1A.
import { loadCountries } from '../../reference/countries.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { load1A } from './policies.js';
import { readMerchantFile, s0Universe } from './s0_universe.js';
import { s1Hurdle } from './s1_hurdle.js';
import { s2Nb } from './s2_nb.js';
import { s3Candidates } from './s3_candidates.js';
import { s4Ztp } from './s4_ztp.js';
import { s5Currency } from './s5_currency.js';
import { s6Gumbel } from './s6_gumbel.js';
import { s7Allocate } from './s7_allocate.js';
import { publish1A } from './outputs.js';
import { validate1A } from './validate.js';
import type { World1A } from './world.js';

export const segment1A: SegmentDef = {
  id: '1A',
  layer: 1,
  upstream: [],
  async preflight(ctx) {
    const p = load1A(ctx.pack);
    if (ctx.merchantsFile) await readMerchantFile(ctx.merchantsFile, loadCountries().countries, p);
  },
  async run(ctx) {
    await runS0(ctx, '1A', [], 'layer1/1A/');
    const w = await build1A(ctx);
    const pub = await publish1A(ctx, w);
    await validate1A(ctx, w, pub);
    return { rows: pub.rows };
  },
};

export async function build1A(ctx: RunContext): Promise<World1A> {
  const p = load1A(ctx.pack);
  const countries = loadCountries().countries;
  const trace = new RngTrace('1A');
  const { m, design, universeKeys } = await s0Universe(ctx, { p, countries, trace });
  const { multi, hurdleU, hurdleKeys } = await s1Hurdle(ctx, { m, design, trace });
  const { N, nbRej, nbKeys } = await s2Nb(ctx, { p, m, design, multi, trace });
  const { cands, candOff } = s3Candidates(ctx, { countries, p, m, design, N });
  const { ccy, currency, candWeight } = s5Currency(ctx, { countries, p, m, cands, candOff });
  const { lambda, kTarget, ztpAttempts, ztpExhausted, ztpKeys } = await s4Ztp(ctx, { p, m, design, multi, N, candOff, trace });
  const { gumbelKey, selOrder, gumbelKeys } = await s6Gumbel(ctx, { m, cands, candOff, candWeight, kTarget, trace });
  const { kRealized, inDomain, residual, residualRank, count } = s7Allocate(ctx, { countries, p, N, cands, candOff, candWeight, selOrder });
  return {
    p,
    m,
    design,
    hurdleU,
    multi,
    N,
    nbRej,
    candOff,
    cands,
    candWeight,
    lambda,
    kTarget,
    ztpAttempts,
    ztpExhausted,
    gumbelKey,
    selOrder,
    kRealized,
    inDomain,
    residual,
    residualRank,
    count,
    currency,
    ccy,
    keys: { universe: universeKeys, hurdle: hurdleKeys, nb: nbKeys, ztp: ztpKeys, gumbel: gumbelKeys },
    trace,
  };
}
