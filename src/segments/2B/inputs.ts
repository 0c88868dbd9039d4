// The site universe 2B routes over: site_locations (1B) joined 1:1 with site_timezones (2A) on the
// site key (merchant_id, legal_country_iso, site_order), in that key order, with each merchant's
// tz-groups (distinct tzids, ascending). Read only after runS0 verified both upstream gates.
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { DictCol } from '../../io/tables.js';
import { numericColumn, sortedStringColumn } from '../../io/arrow_columns.js';

export interface Sites2B {
  /** merchants with at least one site, ascending merchant_id */
  merchantId: BigUint64Array;
  /** sites of merchant i: [siteOff[i], siteOff[i+1]) in (legal_country_iso, site_order) order */
  siteOff: Int32Array;
  country: DictCol;
  siteOrder: Int32Array;
  /** tzid per site as a code into tzDict (tzDict ascending, so code order = tzid order) */
  tzCode: Int32Array;
  tzDict: string[];
  /** merchant-local tz-group index of each site */
  siteGroup: Int32Array;
  /** tz-groups of merchant i: rows [groupOff[i], groupOff[i+1]), ascending tzid */
  groupOff: Int32Array;
  groupTz: Int32Array;
}

interface SiteKeys {
  merchant: BigUint64Array;
  country: DictCol; // sorted dictionary
  order: Int32Array;
}

/** Row permutation that sorts a key table by (merchant_id, legal_country_iso, site_order); identity when already sorted. */
function pkOrder(k: SiteKeys): Int32Array {
  const n = k.merchant.length;
  const cmp = (a: number, b: number) =>
    k.merchant[a] < k.merchant[b] ? -1 : k.merchant[a] > k.merchant[b] ? 1 : k.country.codes[a] - k.country.codes[b] || k.order[a] - k.order[b];
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (cmp(i - 1, i) > 0) sorted = false;
  if (!sorted) idx.sort(cmp);
  return idx;
}

/** Join site_locations and site_timezones (both as Arrow tables) into the 2B site universe. */
export function buildSites(locations: arrow.Table, timezones: arrow.Table): Sites2B {
  const L = 'site_locations',
    Z = 'site_timezones';
  const lk: SiteKeys = {
    merchant: numericColumn(locations, 'merchant_id', L, BigUint64Array),
    country: sortedStringColumn(locations, 'legal_country_iso', L),
    order: numericColumn(locations, 'site_order', L, Int32Array),
  };
  const zk: SiteKeys = {
    merchant: numericColumn(timezones, 'merchant_id', Z, BigUint64Array),
    country: sortedStringColumn(timezones, 'legal_country_iso', Z),
    order: numericColumn(timezones, 'site_order', Z, Int32Array),
  };
  const tz = sortedStringColumn(timezones, 'tzid', Z);
  const n = lk.merchant.length;
  if (zk.merchant.length !== n) {
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `site_timezones has ${zk.merchant.length} rows but site_locations has ${n}: 2A must cover every site exactly once`,
      Z,
      'rebuild 2A for this world (fraudworld run --until 2A)',
    );
  }
  const lo = pkOrder(lk);
  const zo = pkOrder(zk);
  const country = { codes: new Int32Array(n), dict: lk.country.dict };
  const siteOrder = new Int32Array(n);
  const tzCode = new Int32Array(n);
  const merchantAll = new BigUint64Array(n);
  for (let r = 0; r < n; r++) {
    const a = lo[r],
      b = zo[r];
    const m = lk.merchant[a];
    const iso = lk.country.dict[lk.country.codes[a]];
    if (m !== zk.merchant[b] || iso !== zk.country.dict[zk.country.codes[b]] || lk.order[a] !== zk.order[b]) {
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `site (${m}, ${iso}, ${lk.order[a]}) has no matching site_timezones row (found (${zk.merchant[b]}, ${zk.country.dict[zk.country.codes[b]]}, ${zk.order[b]}))`,
        Z,
        'rebuild 2A for this world (fraudworld run --until 2A)',
      );
    }
    if (r > 0 && m === merchantAll[r - 1] && lk.country.codes[a] === country.codes[r - 1] && lk.order[a] === siteOrder[r - 1]) {
      fail(ErrorCodes.VALIDATION_FAILED, `site (${m}, ${iso}, ${lk.order[a]}) appears twice`, L, 'rebuild 1B for this world (fraudworld run --until 1B)');
    }
    merchantAll[r] = m;
    country.codes[r] = lk.country.codes[a];
    siteOrder[r] = lk.order[a];
    tzCode[r] = tz.codes[b];
  }
  // merchants
  const offs: number[] = [0];
  const ids: bigint[] = [];
  for (let r = 0; r < n; r++) {
    if (r === 0 || merchantAll[r] !== merchantAll[r - 1]) {
      if (r > 0) offs.push(r);
      ids.push(merchantAll[r]);
    }
  }
  if (n > 0) offs.push(n);
  const M = ids.length;
  const siteOff = Int32Array.from(offs);
  // tz-groups per merchant: distinct tz codes ascending
  const siteGroup = new Int32Array(n);
  const gOff = new Int32Array(M + 1);
  const gTz: number[] = [];
  for (let i = 0; i < M; i++) {
    const codes = [...new Set(tzCode.subarray(siteOff[i], siteOff[i + 1]))].sort((a, b) => a - b);
    for (let r = siteOff[i]; r < siteOff[i + 1]; r++) siteGroup[r] = codes.indexOf(tzCode[r]);
    gTz.push(...codes);
    gOff[i + 1] = gTz.length;
  }
  return {
    merchantId: BigUint64Array.from(ids),
    siteOff,
    country,
    siteOrder,
    tzCode,
    tzDict: tz.dict,
    siteGroup,
    groupOff: gOff,
    groupTz: Int32Array.from(gTz),
  };
}
