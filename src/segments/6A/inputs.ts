// What 6A reads from upstream (behind the gates its S0 verified): demand by country (5A's baseline
// profile), outlets and merchants (1A), virtual merchants (3B).
import { readTable } from '../../io/reader.js';
import { numericColumn, stringColumn } from '../../io/arrow_columns.js';
import type { RunContext } from '../../engine/context.js';
import { asciiCompare } from '../../core/hash.js';

export interface Inputs6A {
  /** countries with demand or outlets, ASCII order */
  countries: string[];
  /** expected weekly arrivals per country (5A weekly_volume_expected summed over the country's cells) */
  weeklyArrivals: Float64Array;
  /** outlets per country (1A outlet_catalogue rows) */
  outlets: Float64Array;
  /** merchants, id order: home country, outlets, virtual-only */
  merchant: BigUint64Array;
  merchantHome: string[];
  merchantOutlets: Int32Array;
  merchantVirtual: Uint8Array;
  /** merchants' MCC (merchant_universe_1A), id order */
  merchantMcc: Int32Array;
  /** outlets of 1A (merchant, legal country code into outletCountries, site_order), in file order, and whether the merchant is virtual-only */
  outletMerchant: BigUint64Array;
  outletCountry: Int32Array;
  outletCountries: string[];
  outletSiteOrder: Int32Array;
  outletVirtual: Uint8Array;
}

export async function readInputs6A(ctx: RunContext): Promise<Inputs6A> {
  const [mz, oc, vc, mu] = await Promise.all([
    readTable(ctx, 'merchant_zone_profile_5A', { columns: ['legal_country_iso', 'weekly_volume_expected'] }),
    readTable(ctx, 'outlet_catalogue', { columns: ['merchant_id', 'home_country_iso', 'legal_country_iso', 'site_order'] }),
    readTable(ctx, 'virtual_classification_3B', { columns: ['merchant_id', 'virtual_mode'] }),
    readTable(ctx, 'merchant_universe_1A', { columns: ['merchant_id', 'mcc'] }),
  ]);
  const mccOf = new Map<bigint, number>();
  const um = numericColumn(mu, 'merchant_id', 'merchant_universe_1A', BigUint64Array);
  const umcc = numericColumn(mu, 'mcc', 'merchant_universe_1A', Int32Array);
  for (let i = 0; i < um.length; i++) mccOf.set(um[i], umcc[i]);
  const demand = new Map<string, number>();
  const zc = stringColumn(mz, 'legal_country_iso', 'merchant_zone_profile_5A');
  const vol = numericColumn(mz, 'weekly_volume_expected', 'merchant_zone_profile_5A', Float64Array);
  for (let i = 0; i < vol.length; i++) demand.set(zc.dict[zc.codes[i]], (demand.get(zc.dict[zc.codes[i]]) ?? 0) + vol[i]);
  const outlets = new Map<string, number>();
  const om = numericColumn(oc, 'merchant_id', 'outlet_catalogue', BigUint64Array);
  const oh = stringColumn(oc, 'home_country_iso', 'outlet_catalogue');
  const ol = stringColumn(oc, 'legal_country_iso', 'outlet_catalogue');
  const perMerchant = new Map<bigint, { home: string; outlets: number }>();
  for (let i = 0; i < om.length; i++) {
    const legal = ol.dict[ol.codes[i]];
    outlets.set(legal, (outlets.get(legal) ?? 0) + 1);
    const m = perMerchant.get(om[i]) ?? { home: oh.dict[oh.codes[i]], outlets: 0 };
    m.outlets++;
    perMerchant.set(om[i], m);
  }
  const virtualOnly = new Set<bigint>();
  const vm = numericColumn(vc, 'merchant_id', 'virtual_classification_3B', BigUint64Array);
  const vmode = stringColumn(vc, 'virtual_mode', 'virtual_classification_3B');
  for (let i = 0; i < vm.length; i++) if (vmode.dict[vmode.codes[i]] === 'VIRTUAL_ONLY') virtualOnly.add(vm[i]);
  // a merchant's owner lives in its home country, so home countries join the country list
  const ids = [...perMerchant.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const countries = [...new Set([...demand.keys(), ...outlets.keys(), ...ids.map((m) => perMerchant.get(m)!.home)])].sort(asciiCompare);
  return {
    countries,
    weeklyArrivals: Float64Array.from(countries, (c) => demand.get(c) ?? 0),
    outlets: Float64Array.from(countries, (c) => outlets.get(c) ?? 0),
    merchant: BigUint64Array.from(ids),
    merchantHome: ids.map((m) => perMerchant.get(m)!.home),
    merchantOutlets: Int32Array.from(ids, (m) => perMerchant.get(m)!.outlets),
    merchantVirtual: Uint8Array.from(ids, (m) => (virtualOnly.has(m) ? 1 : 0)),
    merchantMcc: Int32Array.from(ids, (m) => mccOf.get(m) ?? 0),
    outletMerchant: om,
    outletCountry: ol.codes,
    outletCountries: ol.dict,
    outletSiteOrder: numericColumn(oc, 'site_order', 'outlet_catalogue', Int32Array),
    outletVirtual: Uint8Array.from(om, (m) => (virtualOnly.has(m) ? 1 : 0)),
  };
}
