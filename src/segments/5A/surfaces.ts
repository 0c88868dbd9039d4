// S3/S4 intensities as pure products of the published factors:
//   λ_local(cell, lh) = weekly_volume_expected × shape[wb(lh)] × overlay[lh]  (overlay 1 outside [0, H))
//   λ_utc(cell, h) = λ_local(cell, lh(h)).
// The world factor is fixed so Σ_cells Σ_h λ_utc = arrivals; the horizon weight of a cell depends only on its
// (shape, overlay profile, zone), so it is computed once per distinct triple.
import { T_WEEK, weekBucket, type Horizon } from '../../laws/time/grid.js';

export interface SurfaceInputs {
  hz: Horizon;
  shapes: Float64Array; // shape_id*168 + k
  overlays: Float64Array; // overlay_id*H + lh
  utcLocal: Int32Array; // zone z*H + h → lh
  cellShape: Int32Array;
  cellOverlay: Int32Array;
  cellZone: Int32Array; // index into the utcLocal table
}

/** Σ_h shape[wb(lh(h))] × overlay[lh(h)] per cell, from one pass per distinct (shape, overlay, zone). */
export function horizonWeights(s: SurfaceInputs, withOverlay = true): Float64Array {
  const n = s.cellShape.length,
    H = s.hz.H;
  const memo = new Map<string, number>();
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const key = `${s.cellShape[c]}|${s.cellOverlay[c]}|${s.cellZone[c]}`;
    let w = memo.get(key);
    if (w === undefined) {
      w = 0;
      const so = s.cellShape[c] * T_WEEK,
        oo = s.cellOverlay[c] * H,
        zo = s.cellZone[c] * H;
      for (let h = 0; h < H; h++) {
        const lh = s.utcLocal[zo + h];
        const sv = s.shapes[so + weekBucket(s.hz, lh)];
        w += withOverlay && lh >= 0 && lh < H ? sv * s.overlays[oo + lh] : sv;
      }
      memo.set(key, w);
    }
    out[c] = w;
  }
  return out;
}

export type SurfaceId =
  | 'merchant_zone_baseline_local_5A'
  | 'merchant_zone_scenario_local_5A'
  | 'merchant_zone_overlay_factors_5A'
  | 'merchant_zone_scenario_utc_5A'
  | 'merchant_zone_baseline_utc_5A';

export const SURFACES: { id: SurfaceId; perCell: 'week' | 'horizon' }[] = [
  { id: 'merchant_zone_baseline_local_5A', perCell: 'week' },
  { id: 'merchant_zone_baseline_utc_5A', perCell: 'horizon' },
  { id: 'merchant_zone_overlay_factors_5A', perCell: 'horizon' },
  { id: 'merchant_zone_scenario_local_5A', perCell: 'horizon' },
  { id: 'merchant_zone_scenario_utc_5A', perCell: 'horizon' },
];

/** The value column of one surface for cells [c0, c1), in (cell, bucket) order. */
export function surfaceValues(id: SurfaceId, s: SurfaceInputs, volume: Float64Array, c0: number, c1: number): Float64Array {
  const H = s.hz.H;
  const per = id === 'merchant_zone_baseline_local_5A' ? T_WEEK : H;
  const out = new Float64Array((c1 - c0) * per);
  let i = 0;
  for (let c = c0; c < c1; c++) {
    const v = volume[c],
      so = s.cellShape[c] * T_WEEK,
      oo = s.cellOverlay[c] * H,
      zo = s.cellZone[c] * H;
    for (let b = 0; b < per; b++) {
      switch (id) {
        case 'merchant_zone_baseline_local_5A':
          out[i++] = v * s.shapes[so + b];
          break;
        case 'merchant_zone_overlay_factors_5A':
          out[i++] = s.overlays[oo + b];
          break;
        case 'merchant_zone_scenario_local_5A':
          out[i++] = v * s.shapes[so + weekBucket(s.hz, b)] * s.overlays[oo + b];
          break;
        case 'merchant_zone_baseline_utc_5A':
          out[i++] = v * s.shapes[so + weekBucket(s.hz, s.utcLocal[zo + b])];
          break;
        case 'merchant_zone_scenario_utc_5A': {
          const lh = s.utcLocal[zo + b];
          const x = v * s.shapes[so + weekBucket(s.hz, lh)];
          out[i++] = lh >= 0 && lh < H ? x * s.overlays[oo + lh] : x;
          break;
        }
      }
    }
  }
  return out;
}
