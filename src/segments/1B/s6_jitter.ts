// S6 in-tile jitter: a uniform point in the site's tile, redrawn until it is inside the country (RNG, wasm point-in-country).
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1bJitter } from '../../kernels/1B.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1B } from './policies.js';
import type { TileIndex } from './tiles.js';
import type { FlatGeometry } from './kernels_ref.js';
import { SHARD_PAIRS, FAMILIES } from './world.js';

export interface S6Result {
  lon: Float64Array;
  lat: Float64Array;
  attempts: Int32Array;
  fallback: Uint8Array;
}

/** S6 needs S5's site tiles; it is the last state with draws (S7/S8 only shape the outputs). */
export async function s6Jitter(
  ctx: RunContext,
  inp: {
    p: Policies1B;
    tiles: TileIndex;
    geo: FlatGeometry;
    nPairs: number;
    pairCountry: Int32Array;
    pairOff: Int32Array;
    nSites: number;
    siteTile: Int32Array;
    jitterKeys: Uint32Array;
    trace: RngTrace;
  },
): Promise<S6Result> {
  const { p, tiles, nPairs, pairCountry, pairOff, siteTile, jitterKeys, trace } = inp;
  const offC = SharedCol.from('i32', localOffsets(pairOff, nPairs, SHARD_PAIRS));
  const S = inp.nSites;
  const site = (s: number) => pairOff[s];

  const g = inp.geo;
  const rowC = SharedCol.from(
    'i32',
    Int32Array.from(siteTile, (t) => tiles.row[t]),
  );
  const colC = SharedCol.from(
    'i32',
    Int32Array.from(siteTile, (t) => tiles.col[t]),
  );
  const anchor = new Float64Array(2 * S);
  for (let j = 0; j < S; j++) {
    anchor[2 * j] = tiles.anchorLon[siteTile[j]];
    anchor[2 * j + 1] = tiles.anchorLat[siteTile[j]];
  }
  const anC = SharedCol.from('f64', anchor);
  const jK = SharedCol.from('u32', jitterKeys),
    pcC = SharedCol.from('i32', pairCountry),
    lvC = SharedCol.from('i32', tiles.countryLevel);
  const geo = {
    vx: SharedCol.from('f64', g.vx).all(),
    vy: SharedCol.from('f64', g.vy).all(),
    cBand: SharedCol.from('i32', g.cBand).all(),
    bandOff: SharedCol.from('i32', g.bandOff).all(),
    bandEdge: SharedCol.from('i32', g.bandEdge).all(),
    cRing: SharedCol.from('i32', g.cRing).all(),
    ringOff: SharedCol.from('i32', g.ringOff).all(),
    bandDeg: g.bandDeg,
  };
  const lonC = new SharedCol('f64', S),
    latC = new SharedCol('f64', S),
    atC = new SharedCol('i32', S),
    fbC = new SharedCol('u8', S),
    jd = new SharedCol('u32', nPairs),
    jb = new SharedCol('u32', nPairs);
  await runShards(
    ctx.pool,
    nPairs,
    SHARD_PAIRS,
    ({ start: s, end: e, k }) =>
      k1bJitter.task({
        n: e - s,
        keys: jK.in(s, e, 2),
        offsets: offC.in(s + k, e + k + 1),
        pairCountry: pcC.in(s, e),
        cLevel: lvC.all(),
        siteRow: rowC.in(site(s), site(e)),
        siteCol: colC.in(site(s), site(e)),
        siteAnchor: anC.in(site(s), site(e), 2),
        base: tiles.base,
        maxAttempts: p.placement.jitter.max_attempts,
        ...geo,
        outLon: lonC.out(site(s), site(e)),
        outLat: latC.out(site(s), site(e)),
        outAttempts: atC.out(site(s), site(e)),
        outFallback: fbC.out(site(s), site(e)),
        outDraws: jd.out(s, e),
        outBlocks: jb.out(s, e),
      }),
    ctx.progress.stage('1B S6 jitter', nPairs, 'pairs'),
  );
  const attempts = Int32Array.from(atC.view() as Int32Array);
  const pairAttempts = new Int32Array(nPairs);
  for (let i = 0; i < nPairs; i++) for (let j = pairOff[i]; j < pairOff[i + 1]; j++) pairAttempts[i] += attempts[j];
  trace.add(FAMILIES.jitter, jd.view() as Uint32Array, jb.view() as Uint32Array, pairAttempts);
  return {
    lon: Float64Array.from(lonC.view() as Float64Array),
    lat: Float64Array.from(latC.view() as Float64Array),
    attempts,
    fallback: Uint8Array.from(fbC.view() as Uint8Array),
  };
}
