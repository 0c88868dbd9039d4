// 5A.S2: the weekly shape catalogue (class × channel × template × zone profile, unit mass) and each cell's shape.
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies5A, ChannelGroup } from './policies.js';
import { buildShapeCatalogue, pickTemplate, pickZoneProfile, shapeKey, type ShapeCatalogue } from './shapes.js';
import type { Inputs5A } from './world.js';

export interface S2Input {
  p: Policies5A;
  inp: Inputs5A;
  mClass: string[];
  mChannel: ChannelGroup[];
  cellM: Int32Array;
}

export interface S2Shapes {
  shapes: ShapeCatalogue;
  cellShape: Int32Array;
  cellProfile: string[];
}

export function s2Shapes(ctx: Pick<RunContext, 'parameter_hash'>, { p, inp, mClass, mChannel, cellM }: S2Input): S2Shapes {
  const N = inp.cellMerchant.length;
  const shapes = buildShapeCatalogue(p.shapes, p.classes.classes);
  const cellShape = new Int32Array(N);
  const cellProfile: string[] = [];
  const pickMemo = new Map<string, number>();
  for (let c = 0; c < N; c++) {
    const i = cellM[c];
    const k0 = `${mClass[i]}|${mChannel[i]}|${inp.cellTzid[c]}|${inp.cellCountry[c]}`;
    let sid = pickMemo.get(k0);
    if (sid === undefined) {
      const t = pickTemplate(p.shapes, mClass[i], mChannel[i], inp.cellTzid[c], ctx.parameter_hash);
      const z = pickZoneProfile(p.shapes, inp.cellCountry[c], inp.cellTzid[c], ctx.parameter_hash);
      sid = shapes.byKey.get(shapeKey(mClass[i], mChannel[i], t, z));
      if (sid === undefined) fail(ErrorCodes.INTERNAL, `no shape for ${k0}`);
      pickMemo.set(k0, sid);
    }
    cellShape[c] = sid;
    cellProfile.push(shapes.defs[sid].zone_profile_id);
  }
  return { shapes, cellShape, cellProfile };
}
