// 3B.S5: re-derive and re-check the virtual world (classification replay, settlement, edges inside
// their countries, weights, alias slices decoded back, universe hash from the published bytes),
// replay a sample of merchants through the TypeScript kernel references, measure the realism
// corridors, then seal the bundle (with s5_manifest_3B) — _passed.flag only if required checks pass.
import { readBytes, sealedParquet } from '../../io/reader.js';
import { Duck, litList } from '../../io/duck.js';
import { sha256Hex } from '../../core/hash.js';
import { fm_log } from '../../rng/fmath.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { type RunContext } from '../../engine/context.js';
import { classify, orderedRules, pickSettlement, settlementCandidates, edgeMu } from './model.js';
import { edgePlanRef, edgeSlotsRef, edgeJitterRef, edgeAliasRef } from './kernels_ref.js';
import { sliceProbabilities, edgeCountStats } from './metrics.js';
import { edgeUniverseHash, type Published3B } from './outputs.js';
import { unitVec, EARTH_RADIUS_KM } from './geo.js';
import { FAMILIES, type World3B } from './world.js';

const tzKnown = new Map<string, boolean>();
/** Whether the runtime tzdb knows z (cached: constructing an Intl.DateTimeFormat costs ~80 µs). */
const validTz = (z: string) => {
  let ok = tzKnown.get(z);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: z });
      ok = true;
    } catch {
      ok = false;
    }
    tzKnown.set(z, ok);
  }
  return ok;
};

type Add = Checks['add'];

export async function validate3B(ctx: RunContext, w: World3B, pub: Published3B): Promise<void> {
  const stage = ctx.progress.stage('3B S5 validation', 4, 'checks');
  const checks = new Checks();
  const add: Add = checks.add.bind(checks);
  const { in: inp } = w;
  const V = w.vIdx.length,
    nE = w.weight.length;
  checkS1(w, add);
  stage.tick(1);
  await checkS2(ctx, w, pub, add);
  stage.tick(1);
  await checkS3(ctx, w, pub, add);
  stage.tick(1);
  const replay = checkRng(w, add);
  const { metrics, realism } = checkRealism(w, pub, add);
  stage.tick(1);

  const edgeStats = edgeCountStats(w.E);
  const s5manifest = {
    manifest_fingerprint: ctx.manifest_fingerprint,
    parameter_hash: ctx.parameter_hash,
    status: checks.passed ? 'PASS' : 'FAIL',
    evidence: ctx.out.ledger.map((o) => ({ logical_id: o.dataset, sha256_hex: o.sha256_hex, notes: o.path })).sort((a, b) => (a.notes < b.notes ? -1 : 1)),
    digests: {
      edge_catalogue_digest_global: pub.digests.edge_catalogue_digest_global,
      edge_alias_blob_digest: pub.digests.edge_alias_blob_digest,
      virtual_routing_policy_digest: ctx.out.ledger.find((o) => o.dataset === 'virtual_routing_policy_3B')!.sha256_hex,
    },
    notes: `virtual merchants ${V} of ${inp.n}; edges ${nE}; edges per merchant p10/p50/p90 ${edgeStats.p10}/${edgeStats.p50}/${edgeStats.p90} (min ${edgeStats.min}, max ${edgeStats.max})`,
  };
  await sealSegment(ctx, {
    checks,
    rows: pub.rows,
    trace: w.trace,
    files: {
      'realism_3B.json': {
        segment: '3B',
        metrics: realism,
        extra: { countries_per_merchant_p50: metrics.countries_per_merchant_p50 },
        edges_per_merchant: edgeStats,
      },
      'rng_replay.json': replay,
      's5_manifest_3B.json': s5manifest,
      'edge_universe_hash_3B.json': pub.universe,
    },
  });
  stage.done();
}

/** S1: classification replay, one settlement node per virtual merchant in its home country, its zone. */
function checkS1(w: World3B, add: Add): void {
  const { p, in: inp } = w;
  const V = w.vIdx.length;
  const rules = orderedRules(p.rules);
  const overrides = new Map(p.rules.overrides.map((o) => [BigInt(o.merchant_id), o.mode]));
  let badClass = 0;
  for (let i = 0; i < inp.n; i++) {
    const c = classify(p.rules, rules, { merchant_id: inp.merchant[i], mcc: inp.mcc[i], channel: inp.channel[i], n_outlets: inp.nOutlets[i] }, overrides);
    if (c.mode !== w.mode[i] || c.reason !== w.reason[i] || c.rule_id !== w.ruleId[i]) badClass++;
  }
  add('s1.classification_replay', badClass === 0, `${badClass} merchants whose classification does not re-derive from the rule ladder`);
  let badSettle = 0,
    settleOutside = 0,
    badSettleTz = 0;
  for (let v = 0; v < V; v++) {
    const i = w.vIdx[v];
    if (w.settle.country[v] !== inp.home[i]) badSettle++;
    if (w.geo.hasPolygon(w.settle.country[v]) && !w.geo.inside(w.settle.country[v], w.settle.lon[v], w.settle.lat[v])) settleOutside++;
    if (!validTz(w.settle.tzid[v])) badSettleTz++;
  }
  add(
    's1.one_settlement_per_virtual_merchant',
    badSettle === 0 && new Set(w.settle.siteId).size === V,
    `${V} settlement nodes; ${badSettle} not in the merchant's home country; ${V - new Set(w.settle.siteId).size} duplicate settlement_site_id`,
  );
  add('s1.settlement_tz_valid', badSettleTz === 0, `${badSettleTz} settlement zones unknown to the runtime tzdb`);
  add(
    's1.settlement_inside_home_polygon',
    settleOutside === 0,
    `${settleOutside} of ${V} settlement places (GeoNames points) fall outside the 1:50m home polygon (coastal/islands: a warning, not a failure)`,
    false,
    settleOutside,
  );
}

/** S2: edge counts, points inside their countries, weights, zones, ids; the published catalogue's keys and counts. */
async function checkS2(ctx: RunContext, w: World3B, pub: Published3B, add: Add): Promise<void> {
  const { p, tables: t } = w;
  const V = w.vIdx.length,
    nE = w.weight.length;
  const ec = p.edges.edge_count;
  let badCount = 0,
    badInside = 0,
    badWeight = 0,
    badTz = 0;
  for (let v = 0; v < V; v++) {
    if (w.E[v] < ec.min_edges || w.E[v] > ec.max_edges || w.edgeOff[v + 1] - w.edgeOff[v] !== w.E[v]) badCount++;
    let s = 0;
    for (let j = w.edgeOff[v]; j < w.edgeOff[v + 1]; j++) {
      s += w.weight[j];
      if (!(w.weight[j] > 0)) badWeight++;
    }
    if (Math.abs(s - 1) > 1e-9) badWeight++;
  }
  for (let j = 0; j < nE; j++) {
    const iso = t.isos[w.country[j]];
    if (t.jittered[w.country[j]] ? !w.geo.inside(iso, w.lon[j], w.lat[j]) : w.lat[j] !== t.cityLat[w.city[j]] || w.lon[j] !== t.cityLon[w.city[j]]) badInside++;
    if (!validTz(w.tzid[j])) badTz++;
  }
  add('s2.edge_counts_in_bounds', badCount === 0, `${badCount} merchants with E outside [${ec.min_edges}, ${ec.max_edges}] or catalogue rows ≠ E`);
  add('s2.edges_inside_country', badInside === 0, `${badInside} of ${nE} edges outside their country polygon (or, polygon-less, not at their host place)`);
  add('s2.edge_weights_normalised', badWeight === 0, `${badWeight} merchants/edges with Σ weight ≠ 1 or a weight <= 0`);
  add('s2.edge_tz_valid', badTz === 0, `${badTz} edge zones unknown to the runtime tzdb`);
  add('s2.edge_ids_unique', new Set(w.edgeIds).size === nE, `${nE - new Set(w.edgeIds).size} duplicate edge_id`);

  // published bytes: keys, sort order, counts
  // 3B's own tables as just published (no gate yet); 1A's as its gate lists them
  const [ecFiles, vcFiles, muFiles] = await Promise.all([
    sealedParquet(ctx, 'edge_catalogue_3B'),
    sealedParquet(ctx, 'virtual_classification_3B'),
    sealedParquet(ctx, 'merchant_universe_1A'),
  ]);
  const duck = await Duck.open();
  let pubRows: Record<string, unknown>;
  try {
    [pubRows] = await duck.all(`
      WITH ec AS (SELECT merchant_id, edge_seq_index, edge_weight FROM read_parquet(${litList(ecFiles)})),
           vc AS (SELECT * FROM read_parquet(${litList(vcFiles)})),
           mu AS (SELECT merchant_id FROM read_parquet(${litList(muFiles)}))
      SELECT (SELECT count(*) FROM ec) AS edges,
             (SELECT count(*) FROM (SELECT DISTINCT merchant_id, edge_seq_index FROM ec)) AS edge_keys,
             (SELECT max(abs(s - 1)) FROM (SELECT sum(edge_weight) AS s FROM ec GROUP BY merchant_id)) AS max_weight_dev,
             (SELECT count(*) FROM vc) AS class_rows,
             (SELECT count(*) FROM mu) AS merchants,
             (SELECT count(*) FROM mu ANTI JOIN vc USING (merchant_id)) AS unclassified`);
  } finally {
    duck.close();
  }
  add(
    's1.one_row_per_merchant',
    Number(pubRows.class_rows) === Number(pubRows.merchants) && Number(pubRows.unclassified) === 0,
    `virtual_classification_3B ${pubRows.class_rows} rows vs merchant_universe_1A ${pubRows.merchants}; ${pubRows.unclassified} merchants unclassified`,
  );
  add(
    's2.catalogue_keys',
    Number(pubRows.edges) === nE && Number(pubRows.edge_keys) === nE && Number(pubRows.max_weight_dev ?? 0) < 1e-9,
    `edge_catalogue_3B ${pubRows.edges} rows, ${pubRows.edge_keys} distinct keys (expected ${nE}); max |Σw−1| ${pubRows.max_weight_dev}`,
  );
}

/** S3: decode every slice from the published blob; universe hash from published bytes. */
async function checkS3(ctx: RunContext, w: World3B, pub: Published3B, add: Add): Promise<void> {
  const { p } = w;
  const V = w.vIdx.length;
  const blob = await readBytes(ctx, 'edge_alias_blob_3B');
  let badSlice = 0,
    maxDelta = 0,
    deadEdges = 0;
  for (let v = 0; v < V; v++) {
    const at = w.wordOff[v];
    const words = new Uint32Array(w.wordOff[v + 1] - at);
    for (let k = 0; k < words.length; k++) words[k] = blob.readUInt32LE(4 * (at + k));
    const ref = edgeAliasRef(w.weight.subarray(w.edgeOff[v], w.edgeOff[v + 1]), p.edges.alias.quantised_bits, p.edges.alias.prob_qbits);
    if (words[0] !== w.E[v] || words[1] !== p.edges.alias.prob_qbits || words[2] !== 0) badSlice++;
    for (let k = 0; k < ref.words.length; k++)
      if (words[k] !== ref.words[k]) {
        badSlice++;
        break;
      }
    for (let k = ref.words.length; k < words.length; k++)
      if (words[k] !== 0) {
        badSlice++;
        break;
      }
    const pr = sliceProbabilities(words, 0);
    for (let j = 0; j < w.E[v]; j++) {
      maxDelta = Math.max(maxDelta, Math.abs(pr[j] - w.weight[w.edgeOff[v] + j]));
      if (ref.masses[j] === 0) deadEdges++;
    }
  }
  add(
    's3.alias_slices_decode',
    badSlice === 0 && w.quantLeft.every((x) => x === 0),
    `${badSlice} slices differ from the reference encoding (2B layout) or are malformed; ${w.quantLeft.filter((x) => x !== 0).length} quantisations with Δ left`,
  );
  add(
    's3.alias_max_abs_delta',
    maxDelta <= (p.validation.corridors.alias_max_abs_delta?.max ?? 1e-6),
    `max |decoded p − edge_weight| = ${maxDelta.toExponential(3)}`,
  );
  add('s3.no_dead_edges', deadEdges === 0, `${deadEdges} edges whose quantised mass is 0 (never picked)`, false);
  const u = pub.universe;
  const fileSha = async (id: string) => sha256Hex(await readBytes(ctx, id));
  const uOk =
    sha256Hex(blob) === u.edge_alias_blob_digest &&
    (await fileSha('edge_catalogue_index_3B')) === u.edge_catalogue_index_digest &&
    u.cdn_weights_digest === sha256Hex(p.bytes.cdn) &&
    u.virtual_rules_digest === sha256Hex(p.bytes.rules) &&
    edgeUniverseHash(u) === u.universe_hash &&
    pub.routingPolicy.edge_universe_hash === u.universe_hash;
  add(
    's3.edge_universe_hash_recomputes',
    uOk,
    `universe hash ${u.universe_hash}: ${uOk ? 'components and combination recompute from the published bytes' : 'MISMATCH'}`,
  );
}

/** RNG: replay a sample; accounting. */
function checkRng(w: World3B, add: Add) {
  const V = w.vIdx.length,
    nE = w.weight.length;
  const replay = replaySample(w);
  add(
    'rng.replay_sample',
    replay.mismatches.length === 0,
    `${replay.merchants} merchants (${replay.edges} edges) replayed; ${replay.mismatches.length} mismatches${replay.mismatches.length ? ': ' + replay.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  const tr = w.trace.rows();
  const sum = (a: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k];
    return s;
  };
  const famDraws = (f: string) => tr.find((r) => r.family === f)?.draws;
  add('rng.settlement_budget', famDraws(FAMILIES.settlement) === String(2 * V), `settlement draws ${famDraws(FAMILIES.settlement)} vs 2 × ${V}`);
  let expectPlace = 0;
  for (let j = 0; j < nE; j++) expectPlace += 2 + 2 * Math.max(1, w.attempts[j]);
  add(
    'rng.edge_place_budget',
    famDraws(FAMILIES.place) === String(expectPlace) && String(sum(w.placeDraws)) === famDraws(FAMILIES.place),
    `edge_place draws ${famDraws(FAMILIES.place)} vs 2 per edge + 2 per jitter attempt = ${expectPlace}`,
  );
  add(
    'rng.edge_plan_accounting',
    String(sum(w.planDraws)) === famDraws(FAMILIES.plan),
    `edge_plan draws ${famDraws(FAMILIES.plan)} vs per-merchant sum ${sum(w.planDraws)}`,
  );
  return replay;
}

/** Realism corridors over S4's metrics. */
function checkRealism(w: World3B, pub: Published3B, add: Add) {
  const { p } = w;
  const metrics = pub.metrics;
  const realism = Object.entries(p.validation.corridors).map(([name, c]) => {
    const v = metrics[name];
    const passed = typeof v === 'number' && Number.isFinite(v) && v >= c.min && v <= c.max;
    add(`realism.${name}`, passed, `${name}=${typeof v === 'number' ? v.toFixed(4) : 'missing'} corridor [${c.min}, ${c.max}]`, c.required);
    return { metric: name, value: Number.isFinite(v) ? v : null, min: c.min, max: c.max, required: c.required, passed };
  });
  return { metrics, realism };
}

function replaySample(w: World3B) {
  const V = w.vIdx.length;
  const want = Math.min(V, w.p.validation.replay_sample_merchants);
  const step = Math.max(1, Math.floor(V / Math.max(1, want)));
  const { p, in: inp, tables: t } = w;
  const ec = p.edges.edge_count,
    r = p.edges.reach,
    cm = p.edges.country_mix;
  const mismatches: string[] = [];
  let merchants = 0,
    edges = 0;
  for (let v = 0; v < V; v += step) {
    merchants++;
    const i = w.vIdx[v];
    const id = inp.merchant[i];
    const sp = pickSettlement(p.settlement, settlementCandidates(w.geo, p.settlement, inp.home[i]), w.geo.rep.get(inp.home[i]) ?? [0, 0], [
      w.keys.settlement[2 * v],
      w.keys.settlement[2 * v + 1],
    ]);
    if (sp.lat !== w.settle.lat[v] || sp.lon !== w.settle.lon[v]) mismatches.push(`${id} settlement`);
    const mu = edgeMu(p.edges, w.mode[i], inp.merchantClass[i], inp.nOutlets[i], Math.max(1, inp.footprint[i].length));
    const pl = edgePlanRef([w.keys.plan[2 * v], w.keys.plan[2 * v + 1]], mu, {
      phi: ec.phi,
      minE: ec.min_edges,
      maxE: ec.max_edges,
      lnBase: fm_log(r.base_km),
      elasticity: r.edges_elasticity,
      sigma: r.sigma,
      baseMu: ec.base_mu,
    });
    if (pl.E !== w.E[v] || !Object.is(pl.reach, w.reach[v]) || pl.draws !== w.planDraws[v]) mismatches.push(`${id} plan`);
    const a = w.edgeOff[v],
      b = w.edgeOff[v + 1];
    const fp = inp.footprint[i].map((c) => t.index.get(c)).filter((x): x is number => x !== undefined);
    const keys: [number, number][] = [];
    for (let j = a; j < b; j++) keys.push([w.keys.place[2 * j], w.keys.place[2 * j + 1]]);
    const slots = edgeSlotsRef(
      t,
      { g: cm.global_floor, bs: cm.settlement_boost, bf: cm.footprint_boost, radius: EARTH_RADIUS_KM, jitterKm: p.edges.placement.jitter_km },
      unitVec(w.settle.lat[v], w.settle.lon[v]),
      t.index.get(w.settle.country[v]) ?? -1,
      w.reach[v],
      fp,
      keys,
    );
    slots.forEach((s, k) => {
      const j = a + k;
      edges++;
      if (s.country !== w.country[j] || s.city !== w.city[j] || !Object.is(s.pc, w.pc[j])) mismatches.push(`${id} edge ${k} choice`);
      let lat = s.lat,
        lon = s.lon,
        draws = s.draws;
      if (!t.jittered[s.country]) {
        lat = t.cityLat[s.city];
        lon = t.cityLon[s.city];
      } else if (w.attempts[j] > 1) {
        const jr = edgeJitterRef(keys[k], w.attempts[j] - 1, t.cityLat[s.city], t.cityLon[s.city], p.edges.placement.jitter_km);
        [lat, lon, draws] = [jr.lat, jr.lon, jr.draws];
      }
      if (w.fallback[j]) {
        lat = t.cityLat[s.city];
        lon = t.cityLon[s.city];
      }
      if (!Object.is(lat, w.lat[j]) || !Object.is(lon, w.lon[j]) || draws !== w.placeDraws[j]) mismatches.push(`${id} edge ${k} point`);
    });
  }
  return { merchants, edges, step, mismatches };
}
