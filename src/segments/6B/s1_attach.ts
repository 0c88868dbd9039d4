// 6B.S1: visits and attachment, part by part on the pool. Each task reads one 5B arrival part on its worker,
// runs k6bAttach against the resident world tables and writes the part's s1_arrival_entities_6B and
// s1_session_index_6B parts (same part names as 5B's): the main thread never holds an arrival.
import type { RunContext } from '../../engine/context.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import { FamilyKeys } from '../../rng/keys.js';
import { SharedCol } from '../../pool/columns.js';
import type { ElemType } from '../../pool/task.js';
import { basename } from 'node:path';
import type { Inputs6B } from './inputs.js';
import type { Policies6B } from './policies.js';
import { CHANNELS } from './kernels_ref.js';
import { attach6BKind, type AttachResident, type AttachTask } from './worker.js';

export interface S1Result {
  arrivals: number;
  visits: number;
  /** arrivals per channel (POS, ATM, ECOM), per rule (CONTINUE, REGULAR, LOCAL, DOMESTIC, TRAVELLER), cross-border, multi-arrival visits */
  channel: number[];
  rule: number[];
  travellers: number;
  multiVisits: number;
  parts: number;
}

let residentSets = 0;

type Typed = BigUint64Array | Uint8Array | Int32Array | Uint32Array | Float64Array;
const elemOf = (v: Typed): ElemType =>
  v instanceof BigUint64Array ? 'u64' : v instanceof Uint8Array ? 'u8' : v instanceof Int32Array ? 'i32' : v instanceof Uint32Array ? 'u32' : 'f64';

export async function s1Attach(ctx: RunContext, p: Policies6B, inp: Inputs6B, scenario: string): Promise<S1Result> {
  const pol = p.attachment;
  const ids = { manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash };
  const [k0, k1] = new FamilyKeys(ids, '6B.attach').forString('visit');
  const [rk0, rk1] = new FamilyKeys(ids, '6B.regular').forString('regular');
  // one resident set per run: every worker loads it once, the first time a part needs it
  const set = `6B.attach.${process.pid}.${++residentSets}`;
  const t = inp.tables;
  // every typed array of the tables, under its own name (the kernel's parameter names)
  const res = Object.fromEntries(
    Object.entries(t)
      .filter((e): e is [string, Typed] => ArrayBuffer.isView(e[1]))
      .map(([name, v]) => [name, SharedCol.share(elemOf(v), v).res(`${set}:${name}`)]),
  ) as AttachResident;
  const ch = (f: (c: (typeof CHANNELS)[number]) => number) => CHANNELS.map(f);
  const base: Omit<AttachTask, 'file' | 'part' | 'write'> = {
    res,
    scalars: {
      k0,
      k1,
      rk0,
      rk1,
      mixedCnp: pol.mixed_cnp_share,
      visitsPerRegular: pol.regulars.visits_per_regular,
      pPrimary: pol.p_primary_device,
      pTypical: pol.p_typical_ip,
      pPrimaryCard: pol.p_primary_card,
    },
    nMerchants: t.nMerchants,
    nSites: t.nSites,
    perChannel: {
      pCont: ch((c) => pol.visits[c].p_continue),
      maxGapUs: ch((c) => pol.visits[c].max_gap_seconds * 1e6),
      pRegular: ch((c) => pol.regulars.share[c]),
      pCross: ch((c) => pol.cross_border[c]),
      pLocal: ch((c) => (c === 'ECOM' ? 0 : pol.local_share[c])),
    },
    countries: inp.countries,
    channelGroups: { card_present: 0, card_not_present: 1, mixed: 2 },
    enc: { seed: ctx.seed.toString(), manifest_fingerprint: ctx.manifest_fingerprint, parameter_hash: ctx.parameter_hash, scenario_id: scenario },
  };
  const tokens = { scenario_id: scenario };
  const ew = ctx.out.stream('s1_arrival_entities_6B', { tokens });
  const sw = ctx.out.stream('s1_session_index_6B', { tokens });
  const parts = inp.arrivalParts;
  const stage = ctx.progress.stage('6B S1 visits + attachment', parts.length, 'parts');
  const tot: S1Result = { arrivals: 0, visits: 0, channel: [0, 0, 0], rule: [0, 0, 0, 0, 0], travellers: 0, multiVisits: 0, parts: parts.length };
  const runPart = async (k: number) => {
    const name = basename(parts[k]);
    const ep = await ew.stagedPath(name),
      sp = await sw.stagedPath(name);
    const task: AttachTask = { ...base, file: parts[k], part: k, ...(ep && sp ? { write: { entities: ep, sessions: sp } } : {}) };
    const r = await ctx.pool.call(attach6BKind, task, `6B S1 part ${name}`);
    if (r.badRow >= 0)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `arrival row ${r.badRow} is not readable against the world's tables (a merchant or outlet unknown to 1A/1B, or merchants out of order)`,
        parts[k],
        'rebuild 5B (fraudworld run --until 5B)',
      );
    if (r.entities && r.sessions) {
      await ew.add(name, r.entities);
      await sw.add(name, r.sessions);
    } else {
      await ew.adopt(name, { sha256_hex: r.entitiesSha256, bytes: r.entitiesBytes }, r.writeError);
      await sw.adopt(name, { sha256_hex: r.sessionsSha256, bytes: r.sessionsBytes }, r.writeError);
    }
    const s = r.stats;
    tot.arrivals += s[0];
    tot.visits += s[1];
    for (let c = 0; c < 3; c++) tot.channel[c] += s[2 + c];
    for (let q = 0; q < 5; q++) tot.rule[q] += s[5 + q];
    tot.travellers += s[10];
    tot.multiVisits += s[11];
    stage.tick(1);
  };
  // bounded in flight: a few parts per worker, never the world
  const inFlight = Math.max(2, ctx.pool.workers * 2);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, parts.length) }, async () => {
        while (next < parts.length) await runPart(next++);
      }),
    );
  } catch (e) {
    await ew.abort();
    await sw.abort();
    throw e;
  }
  await ew.commit();
  await sw.commit();
  stage.done();
  return tot;
}
