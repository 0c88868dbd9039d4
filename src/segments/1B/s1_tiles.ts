// S1 tile index + S2 tile weights: the tile universe and its population prior, with per-country cumulative weights.
import { loadCities } from '../../reference/cities.js';
import { buildCountryShapes } from '../../laws/geo/shapes.js';
import type { Policies1B } from './policies.js';
import { buildTileIndex, buildTileWeights } from './tiles.js';
import { flattenGeometry } from './kernels_ref.js';

/** S1+S2 come first and need no upstream data (a pure function of pinned reference data and policy); S3 checks each pair's country has a tile. */
export function buildTiles(p: Policies1B) {
  const cs = buildCountryShapes(p.geometry, p.tiles.grid.pip_band_deg);
  const { t: tiles, report: tileReport } = buildTileIndex(cs, p.tiles);
  const { w: weights, report: weightReport } = buildTileWeights(tiles, cs, loadCities(), p.tiles);
  const cum = new Float64Array(tiles.n);
  for (let c = 0; c < cs.iso.length; c++) {
    let acc = 0;
    for (let k = tiles.countryOff[c]; k < tiles.countryOff[c + 1]; k++) cum[k] = acc += weights.weightFp[k];
  }
  return { cs, geo: flattenGeometry(cs, p.tiles.grid.pip_band_deg), tiles, tileReport, weights, weightReport, cum };
}
