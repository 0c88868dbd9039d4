// The 6B.S1 part task as a pool worker runs it: read one 5B arrival part (io/fastread.ts), run k6bAttach over
// it against the resident world tables, encode the part's two outputs and write them to their staged paths.
// Only file paths, table handles and the parts' digests cross threads.
import { sha256Hex } from '../../core/hash.js';
import { writeNewFileDirect } from '../../io/direct.js';
import { encodeParquet, type FastColumn } from '../../io/fastparquet.js';
import { decodeParquetFile, type ReadColumn } from '../../io/fastread.js';
import { checkFastColumns } from '../../io/fast_contract.js';
import { wasmPageKernel } from '../../io/fastparquet_wasm.js';
import { place, residentPointers, type ResArg } from '../../pool/task.js';
import { taskKind } from '../../pool/tasks.js';
import type { KernelExports } from '../../kernels/index.js';
import { k6bAttach } from '../../kernels/6B.js';
import { CHANNELS, RULES, type AttachPolicy } from './kernels_ref.js';

/** The resident tables (SharedCol.res handles) by k6bAttach parameter name. */
export type AttachResident = Record<
  | 'merchIds'
  | 'merchAtm'
  | 'siteOff'
  | 'siteCountry'
  | 'siteOrders'
  | 'siteCell'
  | 'siteTerm'
  | 'cc'
  | 'ccProb'
  | 'ccAlias'
  | 'cProb'
  | 'cAlias'
  | 'cellOff'
  | 'cellParty'
  | 'cellProb'
  | 'cellAlias'
  | 'partyCountry'
  | 'cardOff'
  | 'cardInst'
  | 'cardAcct'
  | 'cardMask'
  | 'devOff'
  | 'devList'
  | 'ipOff'
  | 'ipList'
  | 'keys',
  ResArg
>;

export interface AttachTask {
  /** the 5B part (absolute path) and its index */
  file: string;
  part: number;
  res: AttachResident;
  scalars: Pick<AttachPolicy, 'k0' | 'k1' | 'rk0' | 'rk1' | 'mixedCnp' | 'visitsPerRegular' | 'pPrimary' | 'pTypical' | 'pPrimaryCard'>;
  nMerchants: number;
  nSites: number;
  /** per channel (POS, ATM, ECOM) */
  perChannel: { pCont: number[]; maxGapUs: number[]; pRegular: number[]; pCross: number[]; pLocal: number[] };
  /** the tables' country order; 5B channel_group names → 0 card_present, 1 card_not_present, 2 mixed */
  countries: string[];
  channelGroups: Record<string, number>;
  enc: { seed: string; manifest_fingerprint: string; parameter_hash: string; scenario_id: string };
  /** staged paths of the two parts (PartStream.stagedPath); absent: the bytes go back */
  write?: { entities: string; sessions: string };
}

export interface AttachResult {
  /** arrivals, visits, channel counts (POS, ATM, ECOM), rule counts (5), travellers, multi-arrival visits */
  stats: number[];
  entitiesSha256: string;
  sessionsSha256: string;
  entitiesBytes: number;
  sessionsBytes: number;
  entities?: Uint8Array;
  sessions?: Uint8Array;
  writeError?: string;
  /** 5B rows the kernel could not read (−1 none) */
  badRow: number;
}

/** A nullable int32 column's values with its nulls as −1 (the kernel's "none"). */
const orNone = (c: ReadColumn): Int32Array => {
  const v = c.values as Int32Array;
  return c.valid ? v.map((x, i) => (c.valid![i] ? x : -1)) : v;
};

export function runAttachTask(ex: KernelExports, t: AttachTask): AttachResult | Promise<AttachResult> {
  const a = decodeParquetFile(t.file, ['merchant_id', 'arrival_seq', 'ts_utc', 'legal_country_iso', 'channel_group', 'is_virtual', 'site_order']).columns;
  const n = a.merchant_id.values.length;
  const cOf = new Map(t.countries.map((c, i) => [c, i]));
  const country = a.legal_country_iso;
  const countryMap = Int32Array.from(country.dict ?? [], (c) => cOf.get(c) ?? -1);
  const countryCode = orNone(country);
  const cgMap = Uint8Array.from(a.channel_group.dict ?? [], (g) => {
    const k = t.channelGroups[g];
    if (k === undefined) throw new Error(`5B channel_group ${g} is not one of ${Object.keys(t.channelGroups).join(', ')}`);
    return k;
  });
  const site = orNone(a.site_order);
  const res = residentPointers(ex, Object.values(t.res));
  ex.resetHeap();
  const put = (v: ArrayBufferView) => place(ex, v.byteLength, v);
  const f64 = (x: number[]) => put(Float64Array.from(x));
  const ins = {
    merchantId: put(a.merchant_id.values),
    seq: put(a.arrival_seq.values),
    ts: put(a.ts_utc.values),
    countryCode: put(countryCode),
    countryMap: put(countryMap.length ? countryMap : new Int32Array(1)),
    cgCode: put(a.channel_group.values),
    cgMap: put(cgMap),
    virt: put(a.is_virtual.values),
    siteOrder: put(site),
    pCont: f64(t.perChannel.pCont),
    maxGapUs: f64(t.perChannel.maxGapUs),
    pRegular: f64(t.perChannel.pRegular),
    pCross: f64(t.perChannel.pCross),
    pLocal: f64(t.perChannel.pLocal),
  };
  const u64 = ['outParty', 'outAccount', 'outInstrument', 'outDevice', 'outIp', 'outSession'] as const;
  const u8 = ['outChannel', 'outRule', 'outTraveller'] as const;
  const sess = [
    'outSessId',
    'outSessCount',
    'outSessStart',
    'outSessEnd',
    'outSessParty',
    'outSessDevice',
    'outSessAccount',
    'outSessInstrument',
    'outSessMerchant',
  ] as const;
  const outs: Record<string, number> = {};
  for (const k of u64) outs[k] = place(ex, 8 * n);
  for (const k of u8) outs[k] = place(ex, n);
  outs.outVisitFirst = place(ex, 4 * n);
  for (const k of sess) outs[k] = place(ex, 8 * n);
  const resPtr = Object.fromEntries(Object.entries(t.res).map(([k, r]) => [k, res.get(r.key)!]));
  const visits = k6bAttach.call(ex, {
    n,
    ...t.scalars,
    nMerchants: t.nMerchants,
    nSites: t.nSites,
    nCountries: t.countries.length,
    ...ins,
    ...(resPtr as Record<keyof AttachResident, number>),
    ...(outs as Record<(typeof u64)[number] | (typeof u8)[number] | (typeof sess)[number] | 'outVisitFirst', number>),
  });
  if (visits < 0) return { stats: [n], entitiesSha256: '', sessionsSha256: '', entitiesBytes: 0, sessionsBytes: 0, badRow: -1 - visits };
  // views after the call (memory may have grown); the encoder reads them where they lie
  const buf = ex.memory.buffer;
  const I64 = (k: string, len = n) => new BigInt64Array(buf, outs[k], len);
  const U8 = (k: string) => new Uint8Array(buf, outs[k], n);
  const channel = U8('outChannel'),
    rule = U8('outRule'),
    traveller = U8('outTraveller');
  const stats = [n, visits, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    stats[2 + channel[i]]++;
    stats[5 + rule[i]]++;
    stats[10] += traveller[i];
  }
  const counts = I64('outSessCount', visits);
  for (let v = 0; v < visits; v++) if (counts[v] > 1n) stats[11]++;
  const zero = new Uint8Array(Math.max(n, visits));
  const consts = (rows: number): Record<string, FastColumn> => ({
    seed: { name: 'seed', type: 'i64', values: new BigInt64Array(rows).fill(BigInt(t.enc.seed)), encoding: 'delta' },
    manifest_fingerprint: { name: 'manifest_fingerprint', type: 'dict', values: zero.subarray(0, rows), dict: [t.enc.manifest_fingerprint] },
    parameter_hash: { name: 'parameter_hash', type: 'dict', values: zero.subarray(0, rows), dict: [t.enc.parameter_hash] },
    scenario_id: { name: 'scenario_id', type: 'dict', values: zero.subarray(0, rows), dict: [t.enc.scenario_id] },
  });
  const opts = { pages: wasmPageKernel(ex) };
  const ce = consts(n);
  const eCols: FastColumn[] = [
    ce.scenario_id,
    { name: 'arrival_seq', type: 'i64', values: a.arrival_seq.values as BigInt64Array, encoding: 'delta' },
    { name: 'merchant_id', type: 'i64', values: a.merchant_id.values as BigInt64Array, encoding: 'delta' },
    { name: 'ts_utc', type: 'ts_utc_us', values: a.ts_utc.values as BigInt64Array, encoding: 'delta' },
    { name: 'party_id', type: 'i64', values: I64('outParty') },
    { name: 'account_id', type: 'i64', values: I64('outAccount') },
    { name: 'instrument_id', type: 'i64', values: I64('outInstrument') },
    { name: 'device_id', type: 'i64', values: I64('outDevice') },
    { name: 'ip_id', type: 'i64', values: I64('outIp') },
    { name: 'session_id', type: 'i64', values: I64('outSession'), encoding: 'delta' },
    { name: 'channel', type: 'dict', values: channel, dict: [...CHANNELS] },
    { name: 'attach_rule', type: 'dict', values: rule, dict: [...RULES] },
    { name: 'is_cross_border', type: 'bool', values: traveller },
    ce.seed,
    ce.manifest_fingerprint,
    ce.parameter_hash,
  ];
  checkFastColumns('s1_arrival_entities_6B', eCols);
  const entities = encodeParquet(eCols, n, opts);
  const cs = consts(visits);
  const sCols: FastColumn[] = [
    { name: 'session_id', type: 'i64', values: I64('outSessId', visits), encoding: 'delta' },
    { name: 'arrival_count', type: 'i64', values: counts, encoding: 'delta' },
    { name: 'session_start_utc', type: 'ts_utc_us', values: I64('outSessStart', visits), encoding: 'delta' },
    { name: 'session_end_utc', type: 'ts_utc_us', values: I64('outSessEnd', visits), encoding: 'delta' },
    cs.seed,
    cs.scenario_id,
    cs.manifest_fingerprint,
    { name: 'party_id', type: 'i64', values: I64('outSessParty', visits) },
    { name: 'device_id', type: 'i64', values: I64('outSessDevice', visits) },
    { name: 'account_id', type: 'i64', values: I64('outSessAccount', visits) },
    { name: 'instrument_id', type: 'i64', values: I64('outSessInstrument', visits) },
    { name: 'merchant_id', type: 'i64', values: I64('outSessMerchant', visits), encoding: 'delta' },
  ];
  checkFastColumns('s1_session_index_6B', sCols);
  const sessions = encodeParquet(sCols, visits, opts);
  const out: AttachResult = {
    stats,
    badRow: -1,
    entitiesSha256: sha256Hex(entities),
    sessionsSha256: sha256Hex(sessions),
    entitiesBytes: entities.length,
    sessionsBytes: sessions.length,
  };
  if (!t.write) return { ...out, entities, sessions };
  const w = t.write;
  return (async () => {
    try {
      await writeNewFileDirect(w.entities, entities);
      await writeNewFileDirect(w.sessions, sessions);
      return out;
    } catch (e) {
      return { ...out, writeError: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  })();
}

export const attach6BKind = taskKind<AttachTask, AttachResult>('attach6B', (t, ex) => runAttachTask(ex, t));
