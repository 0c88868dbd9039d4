// 5A.S3: the surfaces' inputs (UTC ↔ local table, cell zones) and the world factor so expected arrivals = scale.arrivals; baseline = scale × shape.
import { tzIndexOf, type Timetable } from '../../laws/time/timetable.js';
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import { utcToLocalBucketTable, type Horizon } from '../../laws/time/grid.js';
import type { ShapeCatalogue } from './shapes.js';
import { horizonWeights, type SurfaceInputs } from './surfaces.js';
import type { Inputs5A } from './world.js';

export interface S3Input {
  inp: Inputs5A;
  hz: Horizon;
  timetable: Timetable;
  raw: Float64Array;
  shapes: ShapeCatalogue;
  overlays: Float64Array;
  cellShape: Int32Array;
  cellOverlay: Int32Array;
}

export interface S3Surfaces {
  zones: string[];
  utcLocal: Int32Array;
  cellZone: Int32Array;
  surf: SurfaceInputs;
  weight: Float64Array;
  worldFactor: number;
  volume: Float64Array;
}

export function s3Surfaces(ctx: Pick<RunContext, 'scale'>, { inp, hz, timetable, raw, shapes, overlays, cellShape, cellOverlay }: S3Input): S3Surfaces {
  const N = inp.cellMerchant.length;
  const zones = [...new Set(inp.cellTzid)].sort(asciiCompare);
  const zIdx = new Map(zones.map((z, i) => [z, i]));
  const tzIndices = zones.map((z) => {
    const t = tzIndexOf(timetable, z);
    if (t < 0) fail(ErrorCodes.INTERNAL, `tzid ${z} is not in tz_timetable_cache`);
    return t;
  });
  const utcLocal = utcToLocalBucketTable(timetable, tzIndices, hz.H, hz.startSec);
  const cellZone = Int32Array.from(inp.cellTzid, (z) => zIdx.get(z)!);
  const surf: SurfaceInputs = { hz, shapes: shapes.values, overlays, utcLocal, cellShape, cellOverlay, cellZone };
  const weight = horizonWeights(surf);
  let total = 0;
  for (let c = 0; c < N; c++) total += raw[c] * weight[c];
  const worldFactor = total > 0 ? ctx.scale.arrivals / total : 0;
  const volume = Float64Array.from(raw, (x) => x * worldFactor);
  return { zones, utcLocal, cellZone, surf, weight, worldFactor, volume };
}
