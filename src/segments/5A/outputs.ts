// 5A publishing. Catalogued templates name one file (…/merchant_zone_profile_5A.parquet): publishParquet
// writes a dataset that fits one part under that name, a larger one as <stem>.part-NNNNN.parquet beside it
// (readers take every .parquet file of the partition in name order).
import { dictEncode, type DictCol } from '../../io/tables.js';
import type { RunContext } from '../../engine/context.js';
import { T_WEEK, localStamp, weekOffset } from '../../laws/time/grid.js';
import { scopeRank } from './calendar.js';
import { SURFACES, surfaceValues, type SurfaceId } from './surfaces.js';
import type { World5A } from './world.js';

export interface SurfaceRecord {
  dataset: SurfaceId;
  rows: number;
  materialised: boolean;
  reason: string;
}

export interface Published5A {
  rows: Record<string, number>;
  surfaces: SurfaceRecord[];
  /** the materialised surfaces' value columns, for S5 */
  overlayRows: number;
}

const constStr = (n: number, v: string): DictCol => ({ codes: new Int32Array(n), dict: [v] });
const nullable = (v: (string | null)[]): DictCol => ({ ...dictEncode(v.map((x) => x ?? '')), valid: Uint8Array.from(v, (x) => (x === null ? 0 : 1)) });

type Rows = Record<string, number>;

export async function publish5A(ctx: RunContext, w: World5A): Promise<Published5A> {
  const rows: Rows = {};
  const sid = { scenario_id: w.p.scenario.scenarios[0].scenario_id };
  await publishS1Profiles(ctx, w, rows);
  await publishS2Shapes(ctx, w, rows, sid);
  const nz = await publishS4Calendar(ctx, w, rows, sid);
  const surfaces = await publishSurfaces(ctx, w, rows, sid);
  void constStr;
  return { rows, surfaces, overlayRows: nz };
}

/** S1: merchant × zone and merchant class profiles. */
async function publishS1Profiles(ctx: RunContext, w: World5A, rows: Rows): Promise<void> {
  const M = w.in.merchant.length;
  const inp = w.in;
  rows.merchant_zone_profile_5A = await ctx.out
    .write('merchant_zone_profile_5A', {
      merchant_id: inp.cellMerchant,
      legal_country_iso: dictEncode(inp.cellCountry),
      tzid: dictEncode(inp.cellTzid),
      demand_class: dictEncode(Array.from(w.cellM, (i) => w.mClass[i])),
      channel_group: dictEncode(Array.from(w.cellM, (i) => w.mChannel[i])),
      virtual_mode: dictEncode(Array.from(w.cellM, (i) => inp.virtualMode[i])),
      zone_role: dictEncode(w.role),
      zone_site_count: inp.zoneSites,
      zone_share: inp.zoneShare,
      weekly_volume_raw: w.raw,
      weekly_volume_expected: w.volume,
      shape_id: w.cellShape,
      zone_profile_id: dictEncode(w.cellProfile),
      overlay_id: w.cellOverlay,
    })
    .then((r) => r.rows);
  const mVol = new Float64Array(M),
    mZones = new Int32Array(M);
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let c = w.mCell0[i]; c < w.mCell0[i + 1]; c++) s += w.volume[c];
    mVol[i] = s;
    mZones[i] = w.mCell0[i + 1] - w.mCell0[i];
  }
  rows.merchant_class_profile_5A = await ctx.out
    .write('merchant_class_profile_5A', {
      merchant_id: inp.merchant,
      demand_class: dictEncode(w.mClass),
      channel_group: dictEncode(w.mChannel),
      virtual_mode: dictEncode(inp.virtualMode),
      mcc: inp.mcc,
      sector: dictEncode(w.mSector),
      per_site_quantile: w.mU,
      weekly_volume_expected: mVol,
      zones: mZones,
    })
    .then((r) => r.rows);
}

/** S2 (policy-only): the shape catalogue and its weekly grid. */
async function publishS2Shapes(ctx: RunContext, w: World5A, rows: Rows, sid: Record<string, string>): Promise<void> {
  const S = w.shapes.defs.length;
  const rep = <T>(f: (s: number) => T) => Array.from({ length: S * T_WEEK }, (_, r) => f(Math.floor(r / T_WEEK)));
  rows.class_zone_shape_5A = await ctx.out
    .write(
      'class_zone_shape_5A',
      {
        shape_id: Int32Array.from({ length: S * T_WEEK }, (_, r) => Math.floor(r / T_WEEK)),
        demand_class: dictEncode(rep((s) => w.shapes.defs[s].demand_class)),
        channel_group: dictEncode(rep((s) => w.shapes.defs[s].channel_group)),
        template_id: dictEncode(rep((s) => w.shapes.defs[s].template_id)),
        zone_profile_id: dictEncode(rep((s) => w.shapes.defs[s].zone_profile_id)),
        bucket_index: Int32Array.from({ length: S * T_WEEK }, (_, r) => r % T_WEEK),
        shape_value: w.shapes.values,
      },
      { tokens: sid },
    )
    .then((r) => r.rows);
  const g = w.p.shapes;
  void g;
  rows.shape_grid_definition_5A = await ctx.out
    .write(
      'shape_grid_definition_5A',
      {
        bucket_index: Int32Array.from({ length: T_WEEK }, (_, k) => k),
        local_day_of_week: Int32Array.from({ length: T_WEEK }, (_, k) => 1 + Math.floor(k / 24)),
        local_minutes_since_midnight: Int32Array.from({ length: T_WEEK }, (_, k) => (k % 24) * 60),
        bucket_duration_minutes: Int32Array.from({ length: T_WEEK }, () => 60),
        is_weekend: Uint8Array.from({ length: T_WEEK }, (_, k) => (Math.floor(k / 24) >= 5 ? 1 : 0)),
      },
      { tokens: sid },
    )
    .then((r) => r.rows);
}

/** S4 calendar, manifest, overlay profiles; returns the sparse overlay row count. */
async function publishS4Calendar(ctx: RunContext, w: World5A, rows: Rows, sid: Record<string, string>): Promise<number> {
  const sc = w.p.scenario.scenarios[0];
  const H = w.hz.H;
  const ev = w.calendar.events;
  rows.scenario_calendar_5A = await ctx.out
    .write(
      'scenario_calendar_5A',
      {
        event_id: ev.map((e) => e.event_id),
        event_type: dictEncode(ev.map((e) => e.type)),
        name: ev.map((e) => e.name),
        scope_global: Uint8Array.from(ev, (e) => (e.scope_global ? 1 : 0)),
        country_iso: nullable(ev.map((e) => e.country)),
        tzid: nullable(ev.map((e) => e.tzid)),
        demand_class: nullable(ev.map((e) => e.demand_class)),
        scope_rank: Int32Array.from(ev, (e) => scopeRank(e)),
        local_start: ev.map((e) => localStamp(w.hz, e.start)),
        local_end: ev.map((e) => localStamp(w.hz, e.end)),
        start_bucket: Int32Array.from(ev, (e) => e.start),
        end_bucket: Int32Array.from(ev, (e) => e.end),
        shape_kind: dictEncode(ev.map((e) => e.shape)),
        amplitude: Float64Array.from(ev, (e) => e.amplitude),
        ramp_in_buckets: Int32Array.from(ev, (e) => e.ramp_in),
        ramp_out_buckets: Int32Array.from(ev, (e) => e.ramp_out),
        touches_world: Uint8Array.from(ev, (e) => (w.usedEvents.has(e.event_id) ? 1 : 0)),
        source: dictEncode(ev.map((e) => e.source)),
      },
      { tokens: sid },
    )
    .then((r) => r.rows);
  rows.scenario_manifest_5A = await ctx.out
    .write('scenario_manifest_5A', {
      scenario_id: [sc.scenario_id],
      scenario_version: [sc.scenario_version],
      is_baseline: Uint8Array.of(sc.is_baseline ? 1 : 0),
      is_stress: Uint8Array.of(sc.is_stress ? 1 : 0),
      labels: [sc.labels.join(',')],
      horizon_start_utc: [sc.horizon_start_utc],
      horizon_end_utc: [sc.horizon_end_utc],
      bucket_duration_minutes: Int32Array.of(sc.bucket_minutes),
      horizon_buckets: Int32Array.of(H),
      local_week_offset: Int32Array.of(weekOffset(w.hz)),
      events: Int32Array.of(ev.length),
      overlay_profiles: Int32Array.of(w.overlayKeys.length),
      expected_arrivals: Float64Array.of(ctx.scale.arrivals),
      world_factor: Float64Array.of(w.worldFactor),
    })
    .then((r) => r.rows);
  // sparse overlay factors (≠ 1)
  let nz = 0;
  for (let i = 0; i < w.overlays.length; i++) if (w.overlays[i] !== 1) nz++;
  const oid = new Int32Array(nz),
    olh = new Int32Array(nz),
    of = new Float64Array(nz);
  let j = 0;
  for (let i = 0; i < w.overlays.length; i++) {
    if (w.overlays[i] === 1) continue;
    oid[j] = Math.floor(i / H);
    olh[j] = i % H;
    of[j++] = w.overlays[i];
  }
  rows.overlay_factor_profiles_5A = await ctx.out
    .write('overlay_factor_profiles_5A', { overlay_id: oid, local_horizon_bucket_index: olh, factor: of }, { tokens: sid })
    .then((r) => r.rows);
  rows.overlay_profile_keys_5A = await ctx.out
    .write(
      'overlay_profile_keys_5A',
      {
        overlay_id: Int32Array.from(w.overlayKeys, (_, i) => i),
        legal_country_iso: dictEncode(w.overlayKeys.map((k) => k.country)),
        tzid: dictEncode(w.overlayKeys.map((k) => k.tzid)),
        demand_class: dictEncode(w.overlayKeys.map((k) => k.demand_class)),
      },
      { tokens: sid },
    )
    .then((r) => r.rows);
  return nz;
}

/** S3 surfaces (pure products), materialised below the cap. */
async function publishSurfaces(ctx: RunContext, w: World5A, rows: Rows, sid: Record<string, string>): Promise<SurfaceRecord[]> {
  const N = w.cellM.length,
    H = w.hz.H;
  const cap = w.p.scenario.surfaces.max_rows_per_dataset;
  const surfaces: SurfaceRecord[] = [];
  // the key columns depend only on the rows per cell (a week or the horizon): built once for the surfaces sharing them
  const keys = new Map<number, ReturnType<typeof surfaceKeys>>();
  // one surface is encoded on the pool while the next one's values are computed here
  let inFlight: Promise<void> = Promise.resolve();
  for (const s of SURFACES) {
    const per = s.perCell === 'week' ? T_WEEK : H;
    const n = N * per;
    if (n > cap) {
      surfaces.push({
        dataset: s.id,
        rows: n,
        materialised: false,
        reason: `${n} rows exceed surfaces.max_rows_per_dataset ${cap} (config/layer2/5A/scenario.yaml); the surface is the product of merchant_zone_profile_5A × class_zone_shape_5A × overlay_factor_profiles_5A`,
      });
      continue;
    }
    const bucketCol =
      s.id === 'merchant_zone_baseline_local_5A' ? 'bucket_index' : s.id.endsWith('_utc_5A') ? 'utc_horizon_bucket_index' : 'local_horizon_bucket_index';
    const valueCol = {
      merchant_zone_baseline_local_5A: 'lambda_local_base',
      merchant_zone_baseline_utc_5A: 'lambda_utc_base',
      merchant_zone_overlay_factors_5A: 'overlay_factor_total',
      merchant_zone_scenario_local_5A: 'lambda_local_scenario',
      merchant_zone_scenario_utc_5A: 'lambda_utc_scenario',
    }[s.id];
    if (!keys.has(per)) keys.set(per, surfaceKeys(w, per));
    const k = keys.get(per)!;
    const values = surfaceValues(s.id, w.surf, w.volume, 0, N);
    await inFlight;
    inFlight = ctx.out
      .write(s.id, { merchant_id: k.merchant, legal_country_iso: k.country, tzid: k.tzid, [bucketCol]: k.bucket, [valueCol]: values }, { tokens: sid })
      .then((r) => void (rows[s.id] = r.rows));
    surfaces.push({ dataset: s.id, rows: n, materialised: true, reason: `${n} rows within surfaces.max_rows_per_dataset ${cap}` });
  }
  await inFlight;
  return surfaces;
}

/** A surface's key columns: each cell's merchant, country and zone repeated `per` times, and the bucket 0..per-1. */
function surfaceKeys(w: World5A, per: number) {
  const inp = w.in;
  const N = w.cellM.length,
    n = N * per;
  const cDict = dictEncode(inp.cellCountry),
    tDict = dictEncode(inp.cellTzid);
  const merchant = new BigUint64Array(n),
    bucket = new Int32Array(n),
    cC = new Int32Array(n),
    tC = new Int32Array(n);
  for (let c = 0, r = 0; c < N; c++) {
    merchant.fill(inp.cellMerchant[c], r, r + per);
    cC.fill(cDict.codes[c], r, r + per);
    tC.fill(tDict.codes[c], r, r + per);
    for (let b = 0; b < per; b++) bucket[r++] = b;
  }
  return { merchant, bucket, country: { codes: cC, dict: cDict.dict }, tzid: { codes: tC, dict: tDict.dict } };
}
