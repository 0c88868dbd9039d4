// S9: coverage and conservation re-derived from the arrays that produced the outputs, every site
// re-checked inside its country polygon and its tile (TypeScript predicate over the country's own
// shape, not the kernel's flattened copy), RNG accounting reconciled with the trace, a sample of pairs
// replayed exactly through the TypeScript references, realism corridors — then the bundle and flag.
import type { RunContext } from '../../engine/context.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { loadCities } from '../../reference/cities.js';
import { insideBanded } from '../../laws/geo/geometry.js';
import { fm_cos, fm_sin } from '../../rng/fmath.js';
import { cellDeg } from './tiles.js';
import { allocRef, assignRef, jitterRef } from './kernels_ref.js';
import { FAMILIES, type World1B } from './world.js';
import type { Published1B } from './outputs.js';

const EARTH_KM = 6371.0088;

/** floor(num / K) for integers num, K < 2^53 (the float quotient may round across an integer). */
function floorDiv(num: number, K: number): number {
  let q = Math.floor(num / K);
  if (q * K > num) q--;
  else if (num - q * K >= K) q++;
  return q;
}

export async function validate1B(ctx: RunContext, w: World1B, pub: Published1B): Promise<void> {
  const stage = ctx.progress.stage('1B S9 validation', 5, 'checks');
  const checks = new Checks();
  const add = checks.add.bind(checks);
  const { tiles: t } = w;
  const P = w.nPairs,
    S = w.nSites;

  checkTiles(w, add);
  stage.tick(1);
  checkCoverage(w, pub, add);
  stage.tick(1);
  const { attemptsSum, fallbacks } = checkSpatial(w, add);
  stage.tick(1);
  const replay = checkRng(w, attemptsSum, add);
  stage.tick(1);
  const { metrics, realism } = checkRealism(w, add);
  stage.tick(1);

  const summary = {
    segment: '1B',
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    seed: ctx.seed.toString(),
    allocation_method: w.p.placement.allocation.method,
    tiles: t.n,
    pairs: P,
    sites: S,
    plan_rows: pub.plan.pair.length,
    jitter: { attempts: attemptsSum, fallbacks, max_attempts: w.p.placement.jitter.max_attempts },
    rows: pub.rows,
  };
  // one site per outlet: the read-back holds every per-site dataset's files to the outlets 1A counted
  const perSite = { site_locations: S, s5_site_tile_assignment: S, s6_site_jitter: S, s7_site_synthesis: S };
  await sealSegment(ctx, {
    checks,
    trace: w.trace,
    rows: { ...pub.rows, ...perSite },
    files: {
      'realism_1B.json': { segment: '1B', metrics: realism, distribution: metrics.distribution },
      'rng_replay.json': replay,
      's9_summary.json': summary,
    },
  });
  stage.done();
}

type Add = Checks['add'];

/** S1/S2 universe: every country has tiles, anchors inside, weights sum to 10^dp. */
function checkTiles(w: World1B, add: Add): void {
  const { tiles: t, weights, cs } = w;
  const K = 10 ** weights.dp;
  let badCentre = 0,
    badWeightSum = 0,
    emptyCountries = 0;
  for (let c = 0; c < cs.iso.length; c++) {
    const lo = t.countryOff[c],
      hi = t.countryOff[c + 1];
    if (lo === hi) emptyCountries++;
    let sum = 0;
    for (let k = lo; k < hi; k++) {
      sum += weights.weightFp[k];
      if (!insideBanded(cs.shapes[c], t.anchorLon[k], t.anchorLat[k])) badCentre++;
    }
    if (hi > lo && sum !== K) badWeightSum++;
  }
  add('s1.every_country_has_tiles', emptyCountries === 0, `${emptyCountries} reference countries without a tile`);
  add('s1.tile_anchor_inside_country', badCentre === 0, `${badCentre} of ${t.n} tile anchors (centres for rule "center") outside their country`);
  add('s2.weights_sum_to_10^dp', badWeightSum === 0, `${badWeightSum} countries whose weight_fp do not sum to ${K}`);
}

/** Coverage, conservation, quotas, assignment (S4/S5). */
function checkCoverage(w: World1B, pub: Published1B, add: Add): void {
  const { tiles: t, weights, cs } = w;
  const P = w.nPairs;
  const K = 10 ** weights.dp;
  const sortedW = cs.iso.map((_, c) => Float64Array.from(weights.weightFp.subarray(t.countryOff[c], t.countryOff[c + 1])).sort());
  const planSum = new Int32Array(P),
    planFloorPos = new Int32Array(P);
  let badQuota = 0,
    badPlanCountry = 0;
  for (let r = 0; r < pub.plan.pair.length; r++) {
    const i = pub.plan.pair[r],
      k = pub.plan.tile[r],
      cnt = pub.plan.count[r];
    const n = w.pairOff[i + 1] - w.pairOff[i];
    planSum[i] += cnt;
    if (t.country[k] !== w.pairCountry[i]) badPlanCountry++;
    const num = weights.weightFp[k] * n;
    const fl = floorDiv(num, K);
    if (cnt < fl || cnt > fl + (num - fl * K > 0 ? 1 : 0)) badQuota++;
    if (fl >= 1) planFloorPos[i]++;
  }
  let badConserve = 0,
    badMissingFloor = 0,
    badAssign = 0;
  for (let i = 0; i < P; i++) {
    const lo = w.pairOff[i],
      hi = w.pairOff[i + 1],
      n = hi - lo;
    if (planSum[i] !== n) badConserve++;
    // tiles whose floor quota is >= 1 (weight >= K/n) must all be in the plan
    const sw = sortedW[w.pairCountry[i]];
    let a = 0,
      b = sw.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (sw[m] * n >= K) b = m;
      else a = m + 1;
    }
    if (sw.length - a !== planFloorPos[i]) badMissingFloor++;
    const got = Array.from(w.siteTile.subarray(lo, hi)).sort((x, y) => x - y);
    for (let j = 0; j < n; j++)
      if (got[j] !== w.slotTile[lo + j]) {
        badAssign++;
        break;
      }
  }
  add('conservation.plan_sums_to_n_sites', badConserve === 0, `${badConserve} of ${P} pairs whose S4 plan does not sum to n_sites`);
  add(
    's4.quota_bounds',
    badQuota === 0 && badMissingFloor === 0,
    `${badQuota} plan rows outside [floor, ceil] of n·w/10^dp; ${badMissingFloor} pairs missing a tile whose floor quota is >= 1`,
  );
  add('s4.plan_tiles_in_country', badPlanCountry === 0, `${badPlanCountry} plan rows on a tile of another country`);
  add('s5.assignment_matches_plan', badAssign === 0, `${badAssign} pairs whose site tiles are not the S4 multiset`);
}

/** S6: every site inside its country polygon and its tile. */
function checkSpatial(w: World1B, add: Add): { attemptsSum: number; fallbacks: number } {
  const { tiles: t, cs } = w;
  const P = w.nPairs,
    S = w.nSites;
  let outside = 0,
    outsideTile = 0,
    badFallback = 0,
    attemptsSum = 0,
    fallbacks = 0;
  const outsideExamples: string[] = [];
  for (let i = 0; i < P; i++) {
    const c = w.pairCountry[i];
    for (let j = w.pairOff[i]; j < w.pairOff[i + 1]; j++) {
      const k = w.siteTile[j];
      const x = w.lon[j],
        y = w.lat[j];
      if (!insideBanded(cs.shapes[c], x, y)) {
        outside++;
        if (outsideExamples.length < 3) outsideExamples.push(`${w.pairMerchant[i]}/${cs.iso[c]}/${w.siteOrder[j]} (${x}, ${y})`);
      }
      const d = cellDeg(t.base, t.level[k]);
      const minLon = -180 + t.col[k] * d,
        minLat = 90 - (t.row[k] + 1) * d;
      if (!(x >= minLon && x <= minLon + d && y >= minLat && y <= minLat + d)) outsideTile++;
      attemptsSum += w.attempts[j];
      if (w.fallback[j]) {
        fallbacks++;
        if (x !== t.anchorLon[k] || y !== t.anchorLat[k]) badFallback++;
      }
    }
  }
  add(
    'spatial.site_inside_country',
    outside === 0,
    `${outside} of ${S} sites outside their country polygon${outsideExamples.length ? ': ' + outsideExamples.join('; ') : ''}`,
  );
  add('spatial.site_inside_tile', outsideTile === 0, `${outsideTile} sites outside their tile rectangle`);
  add('s6.fallback_at_anchor', badFallback === 0, `${fallbacks} fallbacks, ${badFallback} not at their tile anchor`);
  return { attemptsSum, fallbacks };
}

/** RNG accounting and exact replay. */
function checkRng(w: World1B, attemptsSum: number, add: Add) {
  const P = w.nPairs,
    S = w.nSites;
  const rows = w.trace.rows();
  const fam = (f: string) => rows.find((r) => r.family === f);
  let blocksAssign = 0;
  for (let i = 0; i < P; i++) blocksAssign += Math.ceil((w.pairOff[i + 1] - w.pairOff[i]) / 2);
  const a = fam(FAMILIES.assign),
    j = fam(FAMILIES.jitter),
    al = fam(FAMILIES.alloc);
  add(
    'rng.assign_budget',
    P === 0 || (a?.draws === String(S) && a?.blocks === String(blocksAssign) && a?.substreams === P && a?.events === S),
    `site_tile_assign draws ${a?.draws} and events ${a?.events} vs sites ${S}, blocks ${a?.blocks} vs ${blocksAssign}, substreams ${a?.substreams} vs pairs ${P}`,
  );
  add(
    'rng.jitter_budget',
    P === 0 || (j?.draws === String(2 * attemptsSum) && j?.blocks === String(attemptsSum) && j?.events === attemptsSum),
    `in_cell_jitter draws ${j?.draws} vs 2×attempts ${2 * attemptsSum}, blocks ${j?.blocks} and events ${j?.events} vs attempts ${attemptsSum}`,
  );
  const systematic = w.p.placement.allocation.method === 'systematic';
  add(
    'rng.alloc_budget',
    P === 0 || (systematic ? al?.draws === String(P) : al === undefined),
    `alloc_offset draws ${al?.draws ?? 'none'} (${systematic ? `expected ${P}` : 'expected none: largest_remainder'})`,
  );
  const replay = replaySample(w);
  add(
    'rng.replay_sample',
    replay.mismatches.length === 0,
    `${replay.pairs} pairs replayed; ${replay.mismatches.length} mismatches${replay.mismatches.length ? ': ' + replay.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  return replay;
}

function checkRealism(w: World1B, add: Add) {
  const metrics = realismMetrics(w);
  const realism = Object.entries(w.p.validation.corridors).map(([name, c]) => {
    const v = metrics.values[name];
    const passed = typeof v === 'number' && v >= c.min && v <= c.max;
    add(`realism.${name}`, passed, `${name}=${typeof v === 'number' ? v.toFixed(4) : 'missing'} corridor [${c.min}, ${c.max}]`, c.required);
    return { metric: name, value: v ?? null, min: c.min, max: c.max, required: c.required, passed };
  });
  return { metrics, realism };
}

function replaySample(w: World1B) {
  const P = w.nPairs;
  const want = Math.min(P, w.p.validation.replay_sample_pairs);
  const step = Math.max(1, Math.floor(P / Math.max(1, want)));
  const K = 10 ** w.weights.dp;
  const mismatches: string[] = [];
  const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];
  let pairs = 0;
  const t = w.tiles;
  for (let i = 0; i < P; i += step) {
    pairs++;
    const lo = w.pairOff[i],
      hi = w.pairOff[i + 1],
      n = hi - lo,
      c = w.pairCountry[i];
    const id = `${w.pairMerchant[i]}/${w.cs.iso[c]}`;
    const m = w.p.placement.allocation.method;
    const al = allocRef(m, m === 'systematic' ? kp(w.keys.alloc, i) : null, n, w.cum, w.weights.weightFp, t.countryOff[c], t.countryOff[c + 1], K);
    for (let j = 0; j < n; j++)
      if (al.slots[j] !== w.slotTile[lo + j]) {
        mismatches.push(`${id} alloc`);
        break;
      }
    const as = assignRef(kp(w.keys.assign, i), w.slotTile.subarray(lo, hi));
    for (let j = 0; j < n; j++) {
      if (as.tile[j] !== w.siteTile[lo + j] || !Object.is(as.u[j], w.siteU[lo + j])) {
        mismatches.push(`${id} assign`);
        break;
      }
    }
    const sites = Array.from({ length: n }, (_, j) => {
      const k = w.siteTile[lo + j];
      return { row: t.row[k], col: t.col[k], anchorLon: t.anchorLon[k], anchorLat: t.anchorLat[k] };
    });
    const jr = jitterRef(kp(w.keys.jitter, i), w.geo, c, t.countryLevel[c], t.base, w.p.placement.jitter.max_attempts, sites);
    for (let j = 0; j < n; j++) {
      if (
        !Object.is(jr.lon[j], w.lon[lo + j]) ||
        !Object.is(jr.lat[j], w.lat[lo + j]) ||
        jr.attempts[j] !== w.attempts[lo + j] ||
        jr.fallback[j] !== w.fallback[lo + j]
      ) {
        mismatches.push(`${id} jitter`);
        break;
      }
    }
  }
  return { pairs, step, mismatches };
}

function realismMetrics(w: World1B): { values: Record<string, number>; distribution: Record<string, unknown> } {
  const { tiles: t, cs } = w;
  const S = w.nSites,
    P = w.nPairs;
  const values: Record<string, number> = {};
  // sites within radius of a large city (any country)
  const { radius_km, min_population } = w.p.validation.city_proximity;
  const cities = loadCities();
  const grid = new Map<number, number[]>();
  const cell = (lat: number, lon: number) => (Math.floor(lat) + 90) * 400 + (Math.floor(lon) + 180);
  for (let i = 0; i < cities.n; i++) {
    if (cities.population[i] < min_population) continue;
    const k = cell(cities.lat[i], cities.lon[i]);
    const l = grid.get(k);
    if (l) l.push(i);
    else grid.set(k, [i]);
  }
  const chordMax = 2 * fm_sin(radius_km / EARTH_KM / 2);
  const c2max = chordMax * chordMax;
  const rDeg = (radius_km / EARTH_KM) * (180 / Math.PI);
  const RAD = Math.PI / 180;
  // unit vectors, computed once per point (fm_* trig: the metric is written into the bundle)
  const unit = (lon: number, lat: number, out: Float64Array, o: number) => {
    const cl = fm_cos(lat * RAD);
    out[o] = cl * fm_cos(lon * RAD);
    out[o + 1] = cl * fm_sin(lon * RAD);
    out[o + 2] = fm_sin(lat * RAD);
  };
  const cv = new Float64Array(3 * cities.n);
  for (const l of grid.values()) for (const i of l) unit(cities.lon[i], cities.lat[i], cv, 3 * i);
  const sv = new Float64Array(3);
  let near = 0;
  for (let j = 0; j < S; j++) {
    const x = w.lon[j],
      y = w.lat[j];
    unit(x, y, sv, 0);
    const dLat = Math.ceil(rDeg);
    const dLon = Math.min(180, Math.ceil(rDeg / Math.max(0.02, fm_cos(Math.min(89, Math.abs(y)) * RAD))));
    let hit = false;
    for (let a = Math.floor(y) - dLat; a <= Math.floor(y) + dLat && !hit; a++) {
      for (let b = Math.floor(x) - dLon; b <= Math.floor(x) + dLon && !hit; b++) {
        const bb = ((((b + 180) % 360) + 360) % 360) - 180;
        const l = grid.get((a + 90) * 400 + (bb + 180));
        if (!l) continue;
        for (const i of l) {
          const dx = sv[0] - cv[3 * i],
            dy = sv[1] - cv[3 * i + 1],
            dz = sv[2] - cv[3 * i + 2];
          if (dx * dx + dy * dy + dz * dz <= c2max) {
            hit = true;
            break;
          }
        }
      }
    }
    if (hit) near++;
  }
  values.site_near_city_share = S ? near / S : 0;
  let att = 0,
    fb = 0;
  for (let j = 0; j < S; j++) {
    att += w.attempts[j];
    fb += w.fallback[j];
  }
  values.jitter_fallback_share = S ? fb / S : 0;
  values.mean_jitter_attempts = S ? att / S : 0;
  // per country: sites and the busiest tile
  const perCountry = new Map<number, Map<number, number>>();
  for (let i = 0; i < P; i++) {
    const c = w.pairCountry[i];
    let m = perCountry.get(c);
    if (!m) perCountry.set(c, (m = new Map()));
    for (let j = w.pairOff[i]; j < w.pairOff[i + 1]; j++) m.set(w.siteTile[j], (m.get(w.siteTile[j]) ?? 0) + 1);
  }
  const counts: { iso: string; sites: number; tiles_used: number; top_tile_share: number }[] = [];
  let maxTop = 0;
  for (const [c, m] of perCountry) {
    let n = 0,
      top = 0;
    for (const v of m.values()) {
      n += v;
      top = Math.max(top, v);
    }
    counts.push({ iso: cs.iso[c], sites: n, tiles_used: m.size, top_tile_share: top / n });
    if (n >= 50) maxTop = Math.max(maxTop, top / n);
  }
  counts.sort((a, b) => b.sites - a.sites || (a.iso < b.iso ? -1 : 1));
  values.max_country_top_tile_share = maxTop;
  values.top1_country_site_share = S && counts.length ? counts[0].sites / S : 0;
  values.distinct_site_countries = counts.length;
  // weight fidelity: sites on each country's heaviest tile vs the expectation Σ n·w/10^dp (pooled over countries)
  const K = 10 ** w.weights.dp;
  let obs = 0,
    exp = 0;
  for (const [c, m] of perCountry) {
    let top = t.countryOff[c];
    for (let k = t.countryOff[c]; k < t.countryOff[c + 1]; k++) if (w.weights.weightFp[k] > w.weights.weightFp[top]) top = k;
    let n = 0;
    for (const v of m.values()) n += v;
    obs += m.get(top) ?? 0;
    exp += (n * w.weights.weightFp[top]) / K;
  }
  values.top_tile_observed_over_expected = exp > 0 ? obs / exp : 1;
  const single: number[] = [];
  for (let i = 0; i < P; i++) {
    const only = (i === 0 || w.pairMerchant[i - 1] !== w.pairMerchant[i]) && (i === P - 1 || w.pairMerchant[i + 1] !== w.pairMerchant[i]);
    if (only && w.pairOff[i + 1] - w.pairOff[i] === 1) single.push(w.siteTile[w.pairOff[i]]);
  }
  const quantile = (q: number) => {
    const s = counts.map((x) => x.sites).sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
  };
  return {
    values,
    distribution: {
      sites_per_country_top10: counts.slice(0, 10),
      countries: counts.length,
      sites_per_country_quantiles: { p10: quantile(0.1), p50: quantile(0.5), p90: quantile(0.9), max: counts[0]?.sites ?? 0 },
      single_site_merchants: single.length,
      single_site_distinct_tiles: new Set(single).size,
      top_tile_sites: { observed: obs, expected: exp },
      tiles_used: new Set(w.siteTile).size,
      tiles_total: t.n,
    },
  };
}
