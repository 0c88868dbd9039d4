// S3 requirements: runs of (merchant, legal country) in outlet_catalogue, each checked for order and for a tile.
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../../core/errors.js';
import { readTable } from '../../io/reader.js';
import type { RunContext } from '../../engine/context.js';
import type { CountryShapes } from '../../laws/geo/shapes.js';
import type { TileIndex } from './tiles.js';

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

export interface S3Result {
  nPairs: number;
  pairMerchant: BigUint64Array;
  pairCountry: Int32Array;
  pairOff: Int32Array;
  nSites: number;
  siteOrder: Int32Array;
}

/** S3 reads 1A's outlet_catalogue after the tiles exist (each pair's country must have one); S4-S6 work per pair. */
export async function s3Requirements(ctx: RunContext, inp: { cs: CountryShapes; tiles: TileIndex }): Promise<S3Result> {
  const { cs, tiles } = inp;
  const isoIndex = new Map(cs.iso.map((s, i) => [s, i]));
  const oc = readOutlets(await readTable(ctx, 'outlet_catalogue', { columns: ['merchant_id', 'legal_country_iso', 'site_order'] }), isoIndex);
  const pm: bigint[] = [],
    pc: number[] = [],
    po: number[] = [0];
  for (let i = 0; i < oc.n; i++) {
    if (oc.country[i] < 0)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `outlet_catalogue row ${i}: legal_country_iso is not a reference country`,
        'outlet_catalogue',
        'rebuild 1A with the same reference data',
      );
    const newPair = i === 0 || oc.merchant[i] !== oc.merchant[i - 1] || oc.country[i] !== oc.country[i - 1];
    if (newPair) {
      if (i > 0) po.push(i);
      pm.push(oc.merchant[i]);
      pc.push(oc.country[i]);
    }
    const expect = newPair ? 1 : oc.order[i - 1] + 1;
    if (oc.order[i] !== expect)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `outlet_catalogue row ${i}: site_order ${oc.order[i]} where ${expect} was due (merchant ${oc.merchant[i]})`,
        'outlet_catalogue',
        'rebuild 1A: site_order must run 1..n per (merchant, country) in PK order',
      );
    if (!newPair || i === 0) continue;
    const prevM = oc.merchant[i - 1],
      prevC = oc.country[i - 1];
    if (oc.merchant[i] < prevM || (oc.merchant[i] === prevM && oc.country[i] < prevC))
      fail(ErrorCodes.VALIDATION_FAILED, `outlet_catalogue row ${i} is out of PK order`, 'outlet_catalogue', 'rebuild 1A');
  }
  if (oc.n > 0) po.push(oc.n);
  const nPairs = pm.length;
  const pairMerchant = BigUint64Array.from(pm);
  const pairCountry = Int32Array.from(pc);
  const pairOff = Int32Array.from(po.length ? po : [0]);
  for (let i = 0; i < nPairs; i++) {
    const c = pairCountry[i];
    if (tiles.countryOff[c + 1] === tiles.countryOff[c])
      fail(ErrorCodes.VALIDATION_FAILED, `country ${cs.iso[c]} has no tile`, 'tile_index', 'check config/layer1/1B/geometry.yaml for this country');
  }
  return { nPairs, pairMerchant, pairCountry, pairOff, nSites: oc.n, siteOrder: oc.order };
}
