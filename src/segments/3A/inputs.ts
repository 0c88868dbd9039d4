// The upstream facts 3A reads (behind S0's verified gates): per merchant × legal country the outlet
// count N from 1A's outlet_catalogue, and per merchant × country × tzid the number of those outlets
// 2A placed in that zone (site_timezones). Grouped with DuckDB over the published Parquet parts.
import { sealedParquet } from '../../io/reader.js';
import { Duck, litList } from '../../io/duck.js';
import { asciiCompare } from '../../core/hash.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { RunContext } from '../../engine/context.js';

export interface Inputs3A {
  /** pairs in (merchant_id, legal_country_iso ASCII) order */
  n: number;
  merchant: BigUint64Array;
  country: string[];
  /** N(m,c): outlets of the pair in outlet_catalogue */
  siteCount: Int32Array;
  /** zone rows of pair i: [zoneOff[i], zoneOff[i+1]), tzid ASCII order */
  zoneOff: Int32Array;
  tzid: string[];
  /** outlets of the pair in that zone (site_timezones) */
  zoneCount: Int32Array;
  /** site_timezones rows, for the S6 cross-check */
  siteRows: number;
  outletRows: number;
}

interface PairKey {
  m: bigint;
  c: string;
}
const cmpPair = (a: PairKey, b: PairKey) => (a.m < b.m ? -1 : a.m > b.m ? 1 : asciiCompare(a.c, b.c));

/** Build Inputs3A from plain rows (also the entry point for tests with synthetic upstream facts). */
export function inputsFromRows(
  outlets: { merchant_id: bigint; country: string; n: number }[],
  zones: { merchant_id: bigint; country: string; tzid: string; n: number }[],
): Inputs3A {
  const pairs = outlets.map((r) => ({ m: r.merchant_id, c: r.country, n: r.n })).sort(cmpPair);
  const zs = zones.map((r) => ({ m: r.merchant_id, c: r.country, z: r.tzid, n: r.n })).sort((a, b) => cmpPair(a, b) || asciiCompare(a.z, b.z));
  const n = pairs.length;
  const merchant = new BigUint64Array(n);
  const country: string[] = new Array(n);
  const siteCount = new Int32Array(n);
  const zoneOff = new Int32Array(n + 1);
  const tzid: string[] = [];
  const zoneCount: number[] = [];
  let j = 0;
  let outletRows = 0;
  let siteRows = 0;
  for (let i = 0; i < n; i++) {
    const p = pairs[i];
    if (i > 0 && cmpPair(pairs[i - 1], p) === 0) fail(ErrorCodes.INTERNAL, `pair ${p.m}/${p.c} listed twice`);
    merchant[i] = p.m;
    country[i] = p.c;
    siteCount[i] = p.n;
    outletRows += p.n;
    zoneOff[i] = tzid.length;
    let sum = 0;
    while (j < zs.length && cmpPair(zs[j], p) < 0) {
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `site_timezones has merchant ${zs[j].m} in ${zs[j].c}, which outlet_catalogue does not`,
        'site_timezones',
        'rebuild 2A for this world',
      );
    }
    while (j < zs.length && cmpPair(zs[j], p) === 0) {
      tzid.push(zs[j].z);
      zoneCount.push(zs[j].n);
      sum += zs[j].n;
      siteRows += zs[j].n;
      j++;
    }
    if (sum !== p.n) {
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${p.m} in ${p.c}: outlet_catalogue has ${p.n} outlets, site_timezones ${sum}`,
        'site_timezones',
        'rebuild 2A for this world (1:1 coverage of outlet_catalogue is its contract)',
      );
    }
  }
  if (j < zs.length)
    fail(
      ErrorCodes.VALIDATION_FAILED,
      `site_timezones has merchant ${zs[j].m} in ${zs[j].c}, which outlet_catalogue does not`,
      'site_timezones',
      'rebuild 2A for this world',
    );
  zoneOff[n] = tzid.length;
  return { n, merchant, country, siteCount, zoneOff, tzid, zoneCount: Int32Array.from(zoneCount), siteRows, outletRows };
}

/** Read and group the two upstream egresses (call only after runS0 verified their gates). */
export async function readInputs3A(ctx: RunContext): Promise<Inputs3A> {
  const [oc, st] = await Promise.all([sealedParquet(ctx, 'outlet_catalogue'), sealedParquet(ctx, 'site_timezones')]);
  const duck = await Duck.open();
  try {
    const outlets = await duck.all(`SELECT merchant_id, legal_country_iso AS c, count(*)::INTEGER AS n FROM read_parquet(${litList(oc)}) GROUP BY 1, 2`);
    const zones = await duck.all(
      `SELECT merchant_id, legal_country_iso AS c, tzid AS z, count(*)::INTEGER AS n FROM read_parquet(${litList(st)}) GROUP BY 1, 2, 3`,
    );
    return inputsFromRows(
      outlets.map((r) => ({ merchant_id: BigInt(r.merchant_id as number | string), country: String(r.c), n: Number(r.n) })),
      zones.map((r) => ({ merchant_id: BigInt(r.merchant_id as number | string), country: String(r.c), tzid: String(r.z), n: Number(r.n) })),
    );
  } finally {
    duck.close();
  }
}
