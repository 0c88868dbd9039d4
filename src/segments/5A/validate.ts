// S5: checks over what 5A built and published, then the bundle (flag only if every required check passes).
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import type { RunContext } from '../../engine/context.js';
import { T_WEEK } from '../../laws/time/grid.js';
import { windowMass } from './shapes.js';
import { EVENT_TYPES } from './policies.js';
import { horizonWeights, SURFACES, surfaceValues } from './surfaces.js';
import type { World5A } from './world.js';
import type { Published5A } from './outputs.js';

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Quantile (nearest rank) of a sorted array. */
const q = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];

export function metrics5A(w: World5A): Record<string, unknown> {
  const M = w.in.merchant.length;
  const classCount: Record<string, number> = {};
  for (const c of w.p.classes.classes) classCount[c] = 0;
  for (const c of w.mClass) classCount[c]++;
  const classShare = Object.fromEntries(Object.entries(classCount).map(([k, v]) => [k, r6(M ? v / M : 0)]));
  const mv = new Float64Array(M);
  for (let i = 0; i < M; i++) for (let c = w.mCell0[i]; c < w.mCell0[i + 1]; c++) mv[i] += w.volume[c];
  const sorted = Float64Array.from(mv).sort();
  let tot = 0,
    top = 0;
  for (let i = 0; i < M; i++) tot += sorted[i];
  const k = Math.max(1, Math.ceil(M / 10));
  for (let i = M - k; i < M; i++) top += sorted[i];
  const p50 = q(sorted, 0.5),
    p99 = q(sorted, 0.99);
  const classVolume: Record<string, number> = {};
  for (let i = 0; i < M; i++) classVolume[w.mClass[i]] = (classVolume[w.mClass[i]] ?? 0) + mv[i];
  const byType: Record<string, number> = {};
  for (const t of EVENT_TYPES) byType[t] = 0;
  for (const e of w.calendar.events) byType[e.type]++;
  let oMin = Infinity,
    oMax = -Infinity,
    oSum = 0;
  for (let i = 0; i < w.overlays.length; i++) {
    const f = w.overlays[i];
    if (f < oMin) oMin = f;
    if (f > oMax) oMax = f;
    oSum += f;
  }
  return {
    merchants: M,
    cells: w.cellM.length,
    class_share_merchants: classShare,
    class_share_volume: Object.fromEntries(
      Object.keys(classVolume)
        .sort()
        .map((c) => [c, r6(tot ? classVolume[c] / tot : 0)]),
    ),
    merchant_weekly_volume: {
      p50: r6(p50),
      p90: r6(q(sorted, 0.9)),
      p99: r6(p99),
      max: r6(sorted[M - 1] ?? 0),
      p99_p50: r6(p50 > 0 ? p99 / p50 : 0),
      top10_share: r6(tot ? top / tot : 0),
    },
    soft_capped_cells: w.capped,
    world_factor: w.worldFactor,
    shapes: w.shapes.defs.length,
    shapes_used: new Set(w.cellShape).size,
    overlay_profiles: w.overlayKeys.length,
    events: w.calendar.events.length,
    events_by_type: byType,
    events_touching_world: w.usedEvents.size,
    countries_without_holiday_data: w.calendar.noHolidayData,
    overlay_factor: { min: r6(oMin), max: r6(oMax), mean: r6(w.overlays.length ? oSum / w.overlays.length : 1) },
  };
}

export async function validate5A(ctx: RunContext, w: World5A, pub: Published5A): Promise<void> {
  const checks = new Checks();
  const p = w.p,
    V = p.validation;
  const N = w.cellM.length,
    H = w.hz.H,
    S = w.shapes.defs.length;
  const m = metrics5A(w);

  // coverage
  checks.add(
    'S1_COVERAGE',
    N === w.in.cellMerchant.length,
    `${N} profile cells for ${w.in.cellMerchant.length} zone_alloc rows (the read-back holds merchant_zone_profile_5A's files to them)`,
  );
  let badId = 0;
  for (let c = 0; c < N; c++) if (w.cellShape[c] < 0 || w.cellShape[c] >= S || w.cellOverlay[c] < 0 || w.cellOverlay[c] >= w.overlayKeys.length) badId++;
  checks.add('S2_S4_IDS_RESOLVE', badId === 0, `${badId} cells with an unresolved shape_id / overlay_id`);
  // shapes
  let worstSum = 0,
    nonPos = 0;
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let k = 0; k < T_WEEK; k++) {
      const v = w.shapes.values[s * T_WEEK + k];
      if (!(v > 0) || !Number.isFinite(v)) nonPos++;
      sum += v;
    }
    worstSum = Math.max(worstSum, Math.abs(sum - 1));
  }
  checks.add('S2_SHAPES_SUM_TO_ONE', worstSum <= V.shape_sum_abs_tol, `max |Σ shape − 1| = ${worstSum.toExponential(2)} (tol ${V.shape_sum_abs_tol})`);
  checks.add('S2_SHAPES_POSITIVE', nonPos === 0, `${nonPos} shape values ≤ 0 or not finite`);
  const C = p.shapes.constraints;
  const wk = [1, 2, 3, 4, 5],
    all = [1, 2, 3, 4, 5, 6, 7];
  let night = Infinity,
    office = Infinity,
    weekend = Infinity;
  for (const d of w.shapes.defs) {
    if (d.demand_class === 'online_24h') night = Math.min(night, windowMass(w.shapes.values, d.shape_id, all, C.night_window_min[0], C.night_window_min[1]));
    if (d.demand_class === 'office_hours')
      office = Math.min(office, windowMass(w.shapes.values, d.shape_id, wk, C.office_hours_window_min[0], C.office_hours_window_min[1]));
    if (d.demand_class === 'evening_weekend') weekend = Math.min(weekend, windowMass(w.shapes.values, d.shape_id, [6, 7], 0, 1440));
  }
  checks.add(
    'S2_NIGHT_MASS_ONLINE_24H',
    night >= C.min_night_mass_online_24h,
    `min night mass of online_24h shapes ${r6(night)} (floor ${C.min_night_mass_online_24h})`,
  );
  checks.add(
    'S2_OFFICE_HOURS_WEEKDAY_MASS',
    office >= C.min_weekday_office_mass,
    `min weekday office-hours mass of office_hours shapes ${r6(office)} (floor ${C.min_weekday_office_mass})`,
  );
  checks.add(
    'S2_WEEKEND_MASS_EVENING_WEEKEND',
    weekend >= C.min_weekend_mass_evening_weekend,
    `min weekend mass of evening_weekend shapes ${r6(weekend)} (floor ${C.min_weekend_mass_evening_weekend})`,
  );
  // scale
  let badVol = 0;
  for (let c = 0; c < N; c++) if (!(w.volume[c] >= 0) || !Number.isFinite(w.volume[c])) badVol++;
  checks.add('S1_SCALE_NONNEG_FINITE', badVol === 0, `${badVol} cells with a negative or non-finite volume`);
  const wt = horizonWeights(w.surf);
  let realised = 0;
  for (let c = 0; c < N; c++) realised += w.volume[c] * wt[c];
  const rel = Math.abs(realised - ctx.scale.arrivals) / ctx.scale.arrivals;
  checks.add(
    'S3_EXPECTED_TOTAL_VS_TARGET',
    rel <= V.total_rel_tol,
    `Σ cells Σ UTC buckets λ = ${realised.toFixed(3)} vs arrivals ${ctx.scale.arrivals} (rel ${rel.toExponential(2)})`,
  );
  // corridors
  const shares = Object.values(m.class_share_merchants as Record<string, number>);
  const maxShare = Math.max(...shares);
  const nontrivial = shares.filter((s) => s >= V.class_mix.nontrivial_share).length;
  checks.add(
    'S1_CLASS_MIX',
    maxShare <= V.class_mix.max_class_share && nontrivial >= V.class_mix.min_nontrivial_classes,
    `max class share ${r6(maxShare)} (≤ ${V.class_mix.max_class_share}), ${nontrivial} classes ≥ ${V.class_mix.nontrivial_share} (≥ ${V.class_mix.min_nontrivial_classes})`,
  );
  const mv = m.merchant_weekly_volume as Record<string, number>;
  checks.add(
    'S1_VOLUME_TAIL',
    mv.top10_share >= V.volume_tail.top10_share_min && mv.top10_share <= V.volume_tail.top10_share_max && mv.p99_p50 >= V.volume_tail.p99_p50_min,
    `top-10% merchants hold ${mv.top10_share} of volume ([${V.volume_tail.top10_share_min}, ${V.volume_tail.top10_share_max}]), p99/p50 ${mv.p99_p50} (≥ ${V.volume_tail.p99_p50_min})`,
  );
  // overlays
  const { min_factor: lo, max_factor: hi } = p.scenario.combination;
  const of = m.overlay_factor as Record<string, number>;
  checks.add('S4_OVERLAY_FACTOR_HARD_BOUNDS', of.min >= lo && of.max <= hi, `overlay factors in [${of.min}, ${of.max}] ⊆ [${lo}, ${hi}]`);
  const [wl, wh] = V.overlay_warn_bounds;
  let warn = 0;
  for (let i = 0; i < w.overlays.length; i++) if (w.overlays[i] < wl || w.overlays[i] > wh) warn++;
  checks.add('S4_OVERLAY_FACTOR_WARN_BOUNDS', warn === 0, `${warn} profile-buckets outside [${wl}, ${wh}]`, false);
  let badAmp = 0;
  for (const e of w.calendar.events) {
    const [a, b] = p.scenario.event_types[e.type].amplitude_bounds;
    if (e.amplitude < a || e.amplitude > b || e.end <= e.start) badAmp++;
  }
  checks.add(
    'S4_CALENDAR_VALID',
    badAmp === 0 && w.calendar.events.length <= V.max_events,
    `${w.calendar.events.length} events (≤ ${V.max_events}), ${badAmp} with an amplitude outside its type bounds or an empty window`,
  );
  const shapeMax = new Float64Array(S),
    ovMax = new Float64Array(w.overlayKeys.length).fill(1);
  for (let i = 0; i < w.shapes.values.length; i++) shapeMax[Math.floor(i / T_WEEK)] = Math.max(shapeMax[Math.floor(i / T_WEEK)], w.shapes.values[i]);
  for (let i = 0; i < w.overlays.length; i++) ovMax[Math.floor(i / H)] = Math.max(ovMax[Math.floor(i / H)], w.overlays[i]);
  let lamMax = 0;
  for (let c = 0; c < N; c++) lamMax = Math.max(lamMax, w.volume[c] * shapeMax[w.cellShape[c]] * ovMax[w.cellOverlay[c]]);
  checks.add('S4_LAMBDA_GUARDRAIL', lamMax <= V.max_lambda_per_bucket_fail, `max λ per bucket ≤ ${r6(lamMax)} (fail above ${V.max_lambda_per_bucket_fail})`);
  // materialised surfaces: their totals recompose from the factors
  for (const s of pub.surfaces) {
    if (!s.materialised || !s.dataset.endsWith('_utc_5A')) continue;
    const v = surfaceValues(s.dataset, w.surf, w.volume, 0, N);
    let t = 0;
    for (let i = 0; i < v.length; i++) t += v[i];
    const target = s.dataset === 'merchant_zone_scenario_utc_5A' ? ctx.scale.arrivals : null;
    if (target !== null) checks.add('S4_UTC_SURFACE_TOTAL', Math.abs(t - target) / target <= V.total_rel_tol, `Σ ${s.dataset} = ${t.toFixed(3)} vs ${target}`);
  }
  checks.add(
    'SURFACES_ACCOUNTED',
    pub.surfaces.length === SURFACES.length,
    `${pub.surfaces.filter((s) => s.materialised).length} of ${SURFACES.length} per-bucket surfaces materialised, the rest recorded in surfaces.json`,
  );

  await sealSegment(ctx, {
    checks,
    rows: { ...pub.rows, merchant_zone_profile_5A: w.in.cellMerchant.length },
    files: { 'realism_5A.json': m, 'surfaces.json': { segment: '5A', surfaces: pub.surfaces } },
  });
}
