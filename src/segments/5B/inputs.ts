// 5B inputs, read only after S0 verified every upstream gate: the 5A cells and factors, 2B's site
// router, 3B's virtual shares and edge tables, 2A's timetable. Everything becomes flat typed arrays
// indexed the way the kernel wants them (timetable zone indices, sorted country dictionary).
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../../core/errors.js';
import { readTable } from '../../io/reader.js';
import type { RunContext } from '../../engine/context.js';
import { loadSiteRouter } from '../2B/read.js';
import { merchantIndex, type Router2B } from '../../laws/routing/router.js';
import { edgeMerchantIndex, EDGE_CATALOGUE_COLUMNS, type VirtualEdges } from '../../laws/routing/edges.js';
import { loadVirtualEdges } from '../3B/read.js';
import { numericColumn, stringColumn } from '../../io/arrow_columns.js';
import { readTimetable } from '../2A/read.js';
import { tzIndexOf, type Timetable } from '../../laws/time/timetable.js';
import { asciiCompare } from '../../core/hash.js';
import { load2B } from '../2B/read.js';

export const CHANNELS = ['card_not_present', 'card_present', 'mixed'];

export interface Cells {
  n: number;
  merchant: BigUint64Array;
  country: Int32Array; // into countries
  zone: Int32Array; // timetable zone index
  channel: Int32Array; // into CHANNELS
  demandClass: string[];
  shape: Int32Array;
  overlay: Int32Array;
  volume: Float64Array;
  /** 3B virtual share of the cell's merchant (0 physical, 1 virtual-only, else hybrid) */
  pv: Float64Array;
  /** router merchant index (-1: not in 2B) and the cell zone's tz-group within it (-1: none) */
  rMerchant: Int32Array;
  rGroup: Int32Array;
  /** edge merchant index (-1: no edges) */
  eMerchant: Int32Array;
}

export interface Inputs5B {
  cells: Cells;
  countries: string[];
  timetable: Timetable;
  shapes: Float64Array;
  nShapes: number;
  /** dense overlay factors: profile p over the local horizon at [p·H, (p+1)·H) (1 where no event) */
  overlays: Float64Array;
  /** 1 where profile p has at least one event inside the horizon (else its row is all ones) */
  overlayHasEvents: Uint8Array;
  router: Router2B;
  edges: VirtualEdges;
  /** timetable zone of every edge (edges.edgeOff order) */
  edgeZone: Int32Array;
}

const strings = (t: arrow.Table, name: string, ds: string): string[] => {
  const c = stringColumn(t, name, ds);
  return Array.from(c.codes, (k) => c.dict[k]);
};

/** The timetable zone of each dictionary entry; an entry the timetable lacks is VALIDATION_FAILED. */
function zonesOf(timetable: Timetable, dict: string[], what: string, ds: string, fix: string): number[] {
  return dict.map((z) => {
    const i = tzIndexOf(timetable, z);
    if (i < 0) fail(ErrorCodes.VALIDATION_FAILED, `${what} ${z} is not in tz_timetable_cache`, ds, fix);
    return i;
  });
}

/** The 5A cell columns 5B uses (merchant_zone_profile_5A). */
const PROFILE_COLUMNS = ['merchant_id', 'legal_country_iso', 'tzid', 'channel_group', 'demand_class', 'shape_id', 'overlay_id', 'weekly_volume_expected'];

export async function loadInputs(ctx: RunContext, scenarioId: string, H: number): Promise<Inputs5B> {
  const P = 'merchant_zone_profile_5A';
  // every read names its columns: DuckDB decodes them on its own threads, all at once, while this
  // thread builds the router from the alias index
  const sc = { scenario_id: scenarioId };
  const catalogue = readTable(ctx, 'edge_catalogue_3B', { columns: [...EDGE_CATALOGUE_COLUMNS, 'tzid_operational'] });
  const [prof, timetable, router, cat, edges, vc, sh, ov] = await Promise.all([
    readTable(ctx, P, { columns: PROFILE_COLUMNS }),
    readTimetable(ctx),
    loadSiteRouter(ctx, load2B(ctx.pack).days.start_day),
    catalogue,
    loadVirtualEdges(ctx, catalogue),
    readTable(ctx, 'virtual_classification_3B', { columns: ['merchant_id', 'virtual_share'] }),
    readTable(ctx, 'class_zone_shape_5A', { tokens: sc, columns: ['shape_id', 'bucket_index', 'shape_value'] }),
    readTable(ctx, 'overlay_factor_profiles_5A', { tokens: sc, columns: ['overlay_id', 'local_horizon_bucket_index', 'factor'] }),
  ]);

  const n = prof.numRows;
  const merchant = numericColumn(prof, 'merchant_id', P, BigUint64Array);
  // text columns as codes: each distinct value is checked and mapped once, rows only move codes
  const iso = stringColumn(prof, 'legal_country_iso', P);
  const tz = stringColumn(prof, 'tzid', P);
  const ch = stringColumn(prof, 'channel_group', P);
  const countries = [...new Set([...iso.dict, ...router.siteCountry.dict])].sort(asciiCompare);
  const cIdx = new Map(countries.map((c, i) => [c, i]));
  const zoneOf = zonesOf(timetable, tz.dict, 'tzid', P, 'rebuild 2A and 5A for this world');
  const channelOf = ch.dict.map((c) => {
    const i = CHANNELS.indexOf(c);
    if (i < 0) fail(ErrorCodes.VALIDATION_FAILED, `channel_group ${c} is not one of ${CHANNELS.join(', ')}`, P, 'rebuild 5A');
    return i;
  });
  const countryOf = iso.dict.map((c) => cIdx.get(c)!);
  const zone = Int32Array.from(tz.codes, (k) => zoneOf[k]);
  const channel = Int32Array.from(ch.codes, (k) => channelOf[k]);
  // 3B virtual share per merchant
  const vm = numericColumn(vc, 'merchant_id', 'virtual_classification_3B', BigUint64Array);
  const vs = numericColumn(vc, 'virtual_share', 'virtual_classification_3B', Float64Array);
  const share = new Map<bigint, number>();
  vm.forEach((m, i) => share.set(m, vs[i]));
  const rMerchant = new Int32Array(n),
    rGroup = new Int32Array(n),
    eMerchant = new Int32Array(n),
    pv = new Float64Array(n);
  // each tz-group's timetable zone, so cells match groups by number (-1: a zone the timetable lacks)
  const zoneIdx = new Map<string, number>();
  const groupZone = Int32Array.from(router.groupTz, (t) => {
    let z = zoneIdx.get(t);
    if (z === undefined) zoneIdx.set(t, (z = tzIndexOf(timetable, t)));
    return z;
  });
  for (let i = 0; i < n; i++) {
    const m = merchant[i];
    if (i > 0 && merchant[i - 1] === m) {
      rMerchant[i] = rMerchant[i - 1];
      eMerchant[i] = eMerchant[i - 1];
      pv[i] = pv[i - 1];
    } else {
      rMerchant[i] = merchantIndex(router, m);
      eMerchant[i] = edgeMerchantIndex(edges, m);
      pv[i] = share.get(m) ?? 0;
    }
    rGroup[i] = -1;
    const r = rMerchant[i];
    if (r >= 0) for (let g = router.groupOff[r]; g < router.groupOff[r + 1]; g++) if (groupZone[g] === zone[i]) rGroup[i] = g - router.groupOff[r];
    if (rGroup[i] < 0 && eMerchant[i] < 0)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${m} zone ${tz.dict[tz.codes[i]]}: no 2B tz-group and no 3B edges to route to`,
        P,
        'rebuild 2B/5A for this world',
      );
  }
  const cells: Cells = {
    n,
    merchant,
    country: Int32Array.from(iso.codes, (k) => countryOf[k]),
    zone,
    channel,
    demandClass: strings(prof, 'demand_class', P),
    shape: numericColumn(prof, 'shape_id', P, Int32Array),
    overlay: numericColumn(prof, 'overlay_id', P, Int32Array),
    volume: numericColumn(prof, 'weekly_volume_expected', P, Float64Array),
    pv,
    rMerchant,
    rGroup,
    eMerchant,
  };

  const S = 'class_zone_shape_5A';
  const sid = numericColumn(sh, 'shape_id', S, Int32Array),
    sb = numericColumn(sh, 'bucket_index', S, Int32Array),
    sv = numericColumn(sh, 'shape_value', S, Float64Array);
  let nShapes = 0;
  for (const s of sid) nShapes = Math.max(nShapes, s + 1);
  const shapes = new Float64Array(nShapes * 168);
  for (let i = 0; i < sid.length; i++) shapes[sid[i] * 168 + sb[i]] = sv[i];

  const O = 'overlay_factor_profiles_5A';
  const oid = numericColumn(ov, 'overlay_id', O, Int32Array),
    olh = numericColumn(ov, 'local_horizon_bucket_index', O, Int32Array),
    of = numericColumn(ov, 'factor', O, Float64Array);
  let nProf = 0;
  for (const o of cells.overlay) {
    if (o < 0) fail(ErrorCodes.VALIDATION_FAILED, `overlay_id ${o} is negative`, P, 'rebuild 5A');
    nProf = Math.max(nProf, o + 1);
  }
  for (const o of oid) nProf = Math.max(nProf, o + 1);
  const overlays = new Float64Array(nProf * H).fill(1);
  const overlayHasEvents = new Uint8Array(nProf);
  for (let i = 0; i < oid.length; i++) {
    if (olh[i] < 0 || olh[i] >= H) continue;
    overlays[oid[i] * H + olh[i]] = of[i];
    overlayHasEvents[oid[i]] = 1;
  }

  // edge zones, in edges' (merchant, edge_seq_index) order
  const C = 'edge_catalogue_3B';
  const cm = numericColumn(cat, 'merchant_id', C, BigUint64Array),
    cs = numericColumn(cat, 'edge_seq_index', C, Int32Array);
  const ctz = stringColumn(cat, 'tzid_operational', C);
  const ctzZone = zonesOf(timetable, ctz.dict, 'edge zone', C, 'rebuild 3B');
  const edgeZone = new Int32Array(edges.edgeOff[edges.merchantId.length]);
  for (let r = 0; r < cm.length; r++) {
    const v = edgeMerchantIndex(edges, cm[r]);
    if (v < 0) continue;
    const z = ctzZone[ctz.codes[r]];
    edgeZone[edges.edgeOff[v] + cs[r]] = z;
  }
  return { cells, countries, timetable, shapes, nShapes, overlays, overlayHasEvents, router, edges, edgeZone };
}
