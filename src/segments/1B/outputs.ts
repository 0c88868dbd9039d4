// S1–S8 surfaces of 1B: build the tables from World1B and publish each partition write-once.
import type { DictCol } from '../../io/tables.js';
import type { RunContext } from '../../engine/context.js';
import { cellDeg } from './tiles.js';
import type { World1B } from './world.js';

export interface Published1B {
  rows: Record<string, number>;
  /** S4 plan rows (for S9): pair index, global tile index, count */
  plan: { pair: Int32Array; tile: Int32Array; count: Int32Array };
}

export async function publish1B(ctx: RunContext, w: World1B): Promise<Published1B> {
  const { tiles: t, cs } = w;
  const iso = (codes: Int32Array): DictCol => ({ codes, dict: cs.iso });
  const tileIds = new BigUint64Array(t.n);
  for (let k = 0; k < t.n; k++) tileIds[k] = BigInt(t.tileId[k]);
  const jobs: [string, Promise<number>][] = [];
  const out: Out = { ctx, w, iso, tileIds, jobs };

  await publishS1S2Reports(out);
  publishS1S2Tiles(out);
  publishS3Requirements(out);
  const plan = publishS4Plan(out);
  publishSites(out);

  const stage = ctx.progress.stage('1B publish', jobs.length, 'datasets');
  const rows: Record<string, number> = {};
  await Promise.all(
    jobs.map(([id, p]) =>
      p.then((r) => {
        rows[id] = r;
        stage.tick(1);
      }),
    ),
  );
  stage.done();
  const ordered: Record<string, number> = {};
  for (const [id] of jobs) ordered[id] = rows[id];
  return { rows: ordered, plan };
}

/** What every publish step shares: the tables it starts join `jobs`, in publish order. */
interface Out {
  ctx: RunContext;
  w: World1B;
  iso: (codes: Int32Array) => DictCol;
  tileIds: BigUint64Array;
  jobs: [string, Promise<number>][];
}

/** S1 / S2 run reports (parameter_hash scope). */
async function publishS1S2Reports({ ctx, w }: Out): Promise<void> {
  const { tiles: t, weights, cs } = w;
  await ctx.out.writeJson('s1_run_report', {
    parameter_hash: ctx.parameter_hash,
    state: 'S1',
    grid: w.p.tiles.grid,
    inclusion_rule: 'center',
    tile_id_law: 'grid_level * 2^40 + raster_row * (360/base_cell_deg) * 2^grid_level + raster_col',
    reference: w.p.geometry.reference,
    geometry: cs.report,
    tiles: w.tileReport,
    tiles_per_country: Object.fromEntries(
      cs.iso.map((s, c) => [s, { tiles: t.countryOff[c + 1] - t.countryOff[c], grid_level: t.countryLevel[c], synthetic: cs.synthetic[c] === 1 }]),
    ),
  });
  await ctx.out.writeJson('s2_run_report', {
    parameter_hash: ctx.parameter_hash,
    state: 'S2',
    dp: weights.dp,
    weights_policy: w.p.tiles.weights,
    basis_per_country: Object.fromEntries(cs.iso.map((s, c) => [s, weights.basis[c]])),
    cities: w.weightReport,
  });
}

/** S1 / S2 tables (parameter_hash scope). */
function publishS1S2Tiles({ ctx, w, iso, tileIds, jobs }: Out): void {
  const { tiles: t, weights } = w;
  const d = Float64Array.from(t.level, (l) => cellDeg(t.base, l));
  jobs.push([
    'tile_index',
    ctx.out
      .write('tile_index', {
        country_iso: iso(t.country),
        tile_id: tileIds,
        raster_row: BigUint64Array.from(t.row, (x) => BigInt(x)),
        raster_col: BigUint64Array.from(t.col, (x) => BigInt(x)),
        centroid_lon: t.centroidLon,
        centroid_lat: t.centroidLat,
        pixel_area_m2: t.areaM2,
        inclusion_rule: { codes: Int32Array.from(t.rule), dict: ['center', 'any_overlap'] },
        grid_level: t.level,
      })
      .then((r) => r.rows),
  ]);
  jobs.push([
    'tile_bounds',
    ctx.out
      .write('tile_bounds', {
        country_iso: iso(t.country),
        tile_id: tileIds,
        min_lat_deg: Float64Array.from(t.row, (r, k) => 90 - (r + 1) * d[k]),
        max_lat_deg: Float64Array.from(t.row, (r, k) => 90 - r * d[k]),
        min_lon_deg: Float64Array.from(t.col, (c, k) => -180 + c * d[k]),
        max_lon_deg: Float64Array.from(t.col, (c, k) => -180 + (c + 1) * d[k]),
        centroid_lat_deg: t.centroidLat,
        centroid_lon_deg: t.centroidLon,
      })
      .then((r) => r.rows),
  ]);
  const basisDict = ['population', 'area', 'uniform', 'none'];
  jobs.push([
    'tile_weights',
    ctx.out
      .write('tile_weights', {
        country_iso: iso(t.country),
        tile_id: tileIds,
        weight_fp: weights.weightFp,
        dp: new Int32Array(t.n).fill(weights.dp),
        basis: { codes: Int32Array.from(t.country, (c) => basisDict.indexOf(weights.basis[c])), dict: basisDict },
        city_population: BigInt64Array.from(weights.cityPop, (x) => BigInt(Math.round(x))),
      })
      .then((r) => r.rows),
  ]);
}

function publishS3Requirements({ ctx, w, iso, jobs }: Out): void {
  const P = w.nPairs;
  const nSites = Int32Array.from({ length: P }, (_, i) => w.pairOff[i + 1] - w.pairOff[i]);
  jobs.push([
    's3_requirements',
    ctx.out.write('s3_requirements', { merchant_id: w.pairMerchant, legal_country_iso: iso(w.pairCountry), n_sites: nSites }).then((r) => r.rows),
  ]);
}

/** S4 plan: run lengths of the ascending slot tiles of each pair. */
function publishS4Plan({ ctx, w, iso, tileIds, jobs }: Out): Published1B['plan'] {
  const P = w.nPairs;
  const pp: number[] = [],
    pt: number[] = [],
    pn: number[] = [];
  for (let i = 0; i < P; i++) {
    for (let j = w.pairOff[i]; j < w.pairOff[i + 1]; j++) {
      if (j > w.pairOff[i] && w.slotTile[j] === w.slotTile[j - 1]) pn[pn.length - 1]++;
      else {
        pp.push(i);
        pt.push(w.slotTile[j]);
        pn.push(1);
      }
    }
  }
  const plan = { pair: Int32Array.from(pp), tile: Int32Array.from(pt), count: Int32Array.from(pn) };
  const R = plan.pair.length;
  const planMerchant = new BigUint64Array(R),
    planCountry = new Int32Array(R),
    planTile = new BigUint64Array(R);
  for (let r = 0; r < R; r++) {
    planMerchant[r] = w.pairMerchant[plan.pair[r]];
    planCountry[r] = w.pairCountry[plan.pair[r]];
    planTile[r] = tileIds[plan.tile[r]];
  }
  jobs.push([
    's4_alloc_plan',
    ctx.out
      .write('s4_alloc_plan', { merchant_id: planMerchant, legal_country_iso: iso(planCountry), tile_id: planTile, n_sites_tile: plan.count })
      .then((r) => r.rows),
  ]);

  return plan;
}

/** Per-site tables: S5 assignment, S6 jitter, S7 synthesis and the S8 egress site_locations. */
function publishSites({ ctx, w, iso, tileIds, jobs }: Out): void {
  const t = w.tiles;
  const P = w.nPairs,
    S = w.nSites;
  const siteMerchant = new BigUint64Array(S);
  const siteCountry = new Int32Array(S);
  for (let i = 0; i < P; i++) {
    siteMerchant.fill(w.pairMerchant[i], w.pairOff[i], w.pairOff[i + 1]);
    siteCountry.fill(w.pairCountry[i], w.pairOff[i], w.pairOff[i + 1]);
  }
  const siteTileId = new BigUint64Array(S);
  const dLat = new Float64Array(S),
    dLon = new Float64Array(S);
  for (let j = 0; j < S; j++) {
    const k = w.siteTile[j];
    siteTileId[j] = tileIds[k];
    dLat[j] = w.lat[j] - t.centroidLat[k];
    dLon[j] = w.lon[j] - t.centroidLon[k];
  }
  const key = () => ({ merchant_id: siteMerchant, legal_country_iso: iso(siteCountry), site_order: w.siteOrder });
  jobs.push(['s5_site_tile_assignment', ctx.out.write('s5_site_tile_assignment', { ...key(), tile_id: siteTileId, assign_u: w.siteU }).then((r) => r.rows)]);
  jobs.push([
    's6_site_jitter',
    ctx.out
      .write('s6_site_jitter', {
        ...key(),
        tile_id: siteTileId,
        delta_lat_deg: dLat,
        delta_lon_deg: dLon,
        attempts: w.attempts,
        fallback: w.fallback,
        manifest_fingerprint: { codes: new Int32Array(S), dict: [ctx.manifest_fingerprint] },
      })
      .then((r) => r.rows),
  ]);
  jobs.push(['s7_site_synthesis', ctx.out.write('s7_site_synthesis', { ...key(), tile_id: siteTileId, lon_deg: w.lon, lat_deg: w.lat }).then((r) => r.rows)]);
  // ── S8 egress ──
  jobs.push(['site_locations', ctx.out.write('site_locations', { ...key(), lon_deg: w.lon, lat_deg: w.lat }).then((r) => r.rows)]);
}
