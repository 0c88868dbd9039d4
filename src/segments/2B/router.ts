// 2B router API (S5 two-stage routing, S6 virtual-edge pick) for consumers such as 5B.
//
// Build the in-memory router from the published 2B tables, then route arrivals in O(1):
//
//   const r = await loadRouter(ctx);                 // behind gate.layer1.2B.validation (caller's S0)
//   const m = merchantIndex(r, merchantId);          // router merchant index (-1 if unknown)
//   const d = dayIndex(r, epochDayUtc);              // 0-based day of the 2B horizon (-1 outside)
//   routeRef(r, m, d, u1, u2)                        // TypeScript reference → { group, site }
//   S6 (virtual merchants): const e = await loadVirtualEdges(ctx) (src/segments/2B/edges.ts, behind 3B's gate);
//   v = edgeMerchantIndex(e, merchantId); edgePickRef(e, v, u) → edge e.edgeOff[v] + k (edgeId, ipCountry, lat, lon)
//
// Hot loops use the wasm kernels (assembly/seg2B/router.ts), bit-identical to routeRef:
//   k2bRoute(n, mIdx i32[n], dIdx i32[n], u f64[2n], sliceWord u32[M], blob u32[*], dayWord u32[M],
//            nDays, dayTab u32[*], dayQbits, outGroup i32[n], outSite i32[n])
//     arrival i uses u[2i] for the tz-group (Stage A) and u[2i+1] for the site (Stage B): exactly two
//     uniforms per arrival (u[2i] is consumed but unused when the merchant has one tz-group).
//   k2bRouteStream(n, k0, k1, mIdx, dIdx, sliceWord, blob, dayWord, nDays, dayTab, dayQbits, outGroup, outSite)
//     the same, drawing u_group then u_site per arrival from one Philox substream (draws = 2n).
//   k2bEdgePick(n, vIdx i32[n], u f64[n], edgeWord u32[V], edgeBlob u32[*], outEdge i32[n])
//     S6: one uniform per virtual arrival (vIdx = -1: no pick, no draw needed) → merchant-local edge.
//   From another AssemblyScript kernel (e.g. 5B), import { routeSite, routedGroup } from
//   "../seg2B/router" and call routeSite(blob, sliceWord[m], dayTab, dayWord[m], d, nDays, 2^dayQbits, u1, u2).
// routerArgs(r, ...) and subsetRouter(r, merchants) give pool-ready columns for a merchant shard.
//
// Outputs: group = tz-group index of the merchant (tzids ascending: r.groupTz[r.groupOff[m] + group]);
// site = merchant-local site index in (legal_country_iso, site_order) order:
// r.siteCountry / r.siteOrder at r.siteOff[m] + site. Site -1 = day outside the horizon.
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../../core/errors.js';
import { asciiCompare, sha256Hex } from '../../core/hash.js';
import { partitionDir } from '../../contracts/dictionary.js';
import { readBytes, readJson, readTable } from '../../io/reader.js';
import { tokens, type RunContext } from '../../engine/context.js';
import { SharedCol } from '../../pool/columns.js';
import { instantiateKernelsSync } from '../../rng/wasm.js';
import { runTask } from '../../pool/task.js';
import { k2bGroupAlias, k2bRoute } from '../../kernels/2B.js';
import type { TaskArgs } from '../../kernels/abi.js';
import type { KernelExports } from '../../kernels/index.js';
import { numericColumn, sortedStringColumn, stringColumn } from '../../io/arrow_columns.js';
import { lit } from '../../io/duck.js';
import { epochDay } from './policies.js';
import type { Router2B } from '../../laws/routing/router.js';

/** k2bRoute's arguments over all of r's tables (use subsetRouter first for a shard): k2bRoute.task(routerArgs(…)). */
export function routerArgs(
  r: Router2B,
  mIdx: SharedCol<'i32'>,
  dIdx: SharedCol<'i32'>,
  u: SharedCol<'f64'>,
  outGroup: SharedCol<'i32'>,
  outSite: SharedCol<'i32'>,
  s: number,
  e: number,
): TaskArgs<typeof k2bRoute.params> {
  return {
    n: e - s,
    mIdx: mIdx.in(s, e),
    dIdx: dIdx.in(s, e),
    u: u.in(s, e, 2),
    sliceWord: SharedCol.from('u32', r.sliceWord).all(),
    blob: SharedCol.from('u32', r.blob).all(),
    dayWord: SharedCol.from('u32', r.dayWord).all(),
    nDays: r.nDays,
    dayTab: SharedCol.from('u32', r.dayTab).all(),
    dayQbits: r.dayQbits,
    outGroup: outGroup.out(s, e),
    outSite: outSite.out(s, e),
  };
}

/** Group tables for every (merchant, day) from p_group rows (merchant, day, group order), via k2bGroupAlias. */
export function buildDayTables(
  pGroup: Float64Array,
  groupOff: Int32Array,
  nDays: number,
  bits: number,
  qbits: number,
  ex?: KernelExports,
): { dayTab: Uint32Array; dayWord: Uint32Array } {
  const M = groupOff.length - 1;
  const blocks = M * nDays;
  const blockOff = new Int32Array(blocks + 1);
  let b = 0;
  for (let m = 0; m < M; m++) {
    const G = groupOff[m + 1] - groupOff[m];
    for (let d = 0; d < nDays; d++, b++) blockOff[b + 1] = blockOff[b] + G;
  }
  if (blockOff[blocks] !== pGroup.length)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `s4_group_weights has ${pGroup.length} rows, expected ${blockOff[blocks]} (merchants × days × groups)`,
      's4_group_weights',
      'rebuild 2B for this world',
    );
  const tab = new SharedCol('u32', 2 * pGroup.length);
  const st = new SharedCol('i32', blocks);
  runTask(
    ex ?? instantiateKernelsSync(),
    k2bGroupAlias.task({
      nBlocks: blocks,
      blockOff: SharedCol.from('i32', blockOff).all(),
      p: SharedCol.from('f64', pGroup).all(),
      bits,
      qbits,
      outTab: tab.out(0, 2 * pGroup.length),
      outStatus: st.out(0, blocks),
    }),
  );
  if ((st.view() as Int32Array).some((x) => x !== 0))
    fail(ErrorCodes.VALIDATION_FAILED, 'a day group mix could not be quantised', 's4_group_weights', 'rebuild 2B for this world');
  const dayWord = Uint32Array.from({ length: M }, (_, m) => 2 * nDays * groupOff[m]);
  return { dayTab: Uint32Array.from(tab.view() as Uint32Array), dayWord };
}

export interface AliasIndex {
  layout_version: string;
  endianness: string;
  alignment_bytes: number;
  quantised_bits: number;
  prob_qbits: number;
  horizon: { start_day: string; end_day: string; days: number };
  blob_sha256: string;
  blob_size_bytes: number;
  merchants_count: number;
  merchants: { merchant_id: string; offset: number; length: number; sites: number; groups: number; quantised_bits: number; checksum: string }[];
  [k: string]: unknown;
}

/**
 * Load the router from a world's published 2B tables (s2_alias_index + s2_alias_blob, s1_site_weights
 * for site identities, s4_group_weights for the day mixes). The caller must have verified
 * gate.layer1.2B.validation (its own S0) first. Checks the blob digest against the index.
 */
export async function loadRouter(ctx: RunContext, ex?: KernelExports): Promise<Router2B> {
  const { index, bytes } = await readAliasTables(ctx);
  const s1 = await readTable(ctx, 's1_site_weights');
  const s4 = await readTable(ctx, 's4_group_weights');
  return buildRouterFrom(index, bytes, s1, s4, ex);
}

async function readAliasTables(ctx: RunContext): Promise<{ index: AliasIndex; bytes: Buffer }> {
  const bl = partitionDir('s2_alias_blob', tokens(ctx));
  const index = await readJson<AliasIndex>(ctx, 's2_alias_index');
  const bytes = await readBytes(ctx, 's2_alias_blob');
  if (sha256Hex(bytes) !== index.blob_sha256)
    fail(ErrorCodes.GATE_FILE_DIGEST_MISMATCH, 'alias blob bytes do not match s2_alias_index.blob_sha256', join(bl.dir, bl.file!), 'rebuild 2B for this world');
  return { index, bytes };
}

/**
 * The router without its per-day group tables (nDays 0): alias slices, sites and each merchant's
 * tz-groups, for a consumer that already knows an arrival's zone (5B picks a site inside the zone's
 * group). The tz-groups come from the first day of s4_group_weights (two columns of one day, read
 * by DuckDB), so the G × days table (26M rows at large) is never held in memory. startDay: that
 * day as the 2B policy gives it (the read starts before the index is parsed; the index must agree).
 */
export async function loadSiteRouter(ctx: RunContext, startDay: string): Promise<Router2B> {
  // the two Parquet reads run on DuckDB's threads while this one parses the alias index
  const tables = readAliasTables(ctx);
  const sites = readTable(ctx, 's1_site_weights', { columns: ['merchant_id', 'legal_country_iso', 'site_order'] });
  const day = readTable(ctx, 's4_group_weights', { columns: ['merchant_id', 'tz_group_id'], where: `utc_day = DATE ${lit(startDay)}` });
  const [{ index, bytes }, s1, s4] = await Promise.all([tables, sites, day]);
  if (index.horizon.start_day !== startDay)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `s2_alias_index horizon starts ${index.horizon.start_day}, the 2B policy ${startDay}`,
      's2_alias_index',
      'rebuild 2B with this policy pack',
    );
  const base = routerSites(index, bytes, s1);
  const S4 = 's4_group_weights';
  const cols = { m: numericColumn(s4, 'merchant_id', S4, BigUint64Array), g: stringColumn(s4, 'tz_group_id', S4) };
  const M = index.merchants.length;
  const groupOff = new Int32Array(M + 1);
  let r = 0;
  for (let i = 0; i < M; i++) {
    while (r < cols.m.length && cols.m[r] === base.merchantId[i]) {
      // 2B writes a merchant-day's groups in ascending tzid order: group index = position
      if (r > groupOff[i] && asciiCompare(cols.g.dict[cols.g.codes[r - 1]], cols.g.dict[cols.g.codes[r]]) >= 0)
        fail(
          ErrorCodes.VALIDATION_FAILED,
          `merchant ${base.merchantId[i]}: tz-groups on ${index.horizon.start_day} are not in ascending tzid order`,
          S4,
          'rebuild 2B for this world',
        );
      r++;
    }
    groupOff[i + 1] = r;
    if (r - groupOff[i] !== index.merchants[i].groups) {
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${base.merchantId[i]}: s4_group_weights has ${r - groupOff[i]} tz-groups on ${index.horizon.start_day}, the alias index ${index.merchants[i].groups}`,
        's4_group_weights',
        'rebuild 2B for this world',
      );
    }
  }
  if (r !== cols.m.length)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `s4_group_weights has tz-groups on ${index.horizon.start_day} for merchants the alias index does not list`,
      's4_group_weights',
      'rebuild 2B for this world',
    );
  const groupTz = Array.from(cols.g.codes, (k) => cols.g.dict[k]);
  return { ...base, dayTab: new Uint32Array(0), dayWord: new Uint32Array(M), nDays: 0, groupOff, groupTz };
}

type RouterSites = Pick<Router2B, 'merchantId' | 'blob' | 'sliceWord' | 'startDay' | 'dayQbits' | 'siteOff' | 'siteCountry' | 'siteOrder'>;

/** Alias slices and each merchant's sites (S1), checked against the alias index. */
function routerSites(index: AliasIndex, bytes: Uint8Array, s1: arrow.Table): RouterSites {
  if (bytes.byteLength % 4 !== 0) fail(ErrorCodes.VALIDATION_FAILED, 'alias blob length is not a multiple of 4', 's2_alias_blob', 'rebuild 2B for this world');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const blob = new Uint32Array(copy.buffer); // little-endian hosts (x86/arm): words as written
  const M = index.merchants.length;
  const merchantId = BigUint64Array.from(index.merchants, (x) => BigInt(x.merchant_id));
  const sliceWord = Uint32Array.from(index.merchants, (x) => x.offset / 4);
  const m1 = numericColumn(s1, 'merchant_id', 's1_site_weights', BigUint64Array);
  const country = sortedStringColumn(s1, 'legal_country_iso', 's1_site_weights');
  const siteOrder = numericColumn(s1, 'site_order', 's1_site_weights', Int32Array);
  const siteOff = new Int32Array(M + 1);
  for (let i = 0, r = 0; i < M; i++) {
    while (r < m1.length && m1[r] === merchantId[i]) r++;
    siteOff[i + 1] = r;
    if (r - siteOff[i] !== index.merchants[i].sites)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${merchantId[i]}: s1_site_weights has ${r - siteOff[i]} sites, the alias index ${index.merchants[i].sites}`,
        's1_site_weights',
        'rebuild 2B for this world',
      );
  }
  return { merchantId, blob, sliceWord, startDay: epochDay(index.horizon.start_day), dayQbits: index.prob_qbits, siteOff, siteCountry: country, siteOrder };
}

/** Build the router from the index document, blob bytes and the S1/S4 tables (as read back from Parquet). */
export function buildRouterFrom(index: AliasIndex, bytes: Uint8Array, s1: arrow.Table, s4: arrow.Table, ex?: KernelExports): Router2B {
  const base = routerSites(index, bytes, s1);
  const { merchantId } = base;
  const M = index.merchants.length;
  const m4 = numericColumn(s4, 'merchant_id', 's4_group_weights', BigUint64Array);
  const tz = stringColumn(s4, 'tz_group_id', 's4_group_weights');
  const pGroup = numericColumn(s4, 'p_group', 's4_group_weights', Float64Array);
  const D = index.horizon.days;
  const groupOff = new Int32Array(M + 1);
  const groupTz: string[] = [];
  for (let i = 0, r = 0; i < M; i++) {
    const G = index.merchants[i].groups;
    for (let g = 0; g < G; g++) groupTz.push(tz.dict[tz.codes[r + g]]);
    groupOff[i + 1] = groupOff[i] + G;
    r += G * D;
    if (m4[r - 1] !== merchantId[i])
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${merchantId[i]}: s4_group_weights rows do not match ${G} groups × ${D} days`,
        's4_group_weights',
        'rebuild 2B for this world',
      );
  }
  const { dayTab, dayWord } = buildDayTables(pGroup, groupOff, D, index.quantised_bits, index.prob_qbits, ex);
  return { ...base, dayTab, dayWord, nDays: D, groupOff, groupTz };
}
