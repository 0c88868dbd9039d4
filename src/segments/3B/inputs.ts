// What 3B reads behind its verified gates: the merchant universe and features of 1A and each
// merchant's legal-country footprint (outlet_catalogue), grouped with DuckDB.
import { sealedParquet } from '../../io/reader.js';
import { Duck, litList } from '../../io/duck.js';
import { asciiCompare } from '../../core/hash.js';
import type { RunContext } from '../../engine/context.js';

export interface Inputs3B {
  n: number;
  /** merchant_id ascending */
  merchant: BigUint64Array;
  mcc: Int32Array;
  merchantClass: string[];
  channel: string[];
  home: string[];
  nOutlets: Int32Array;
  /** legal countries with outlets, ASCII order */
  footprint: string[][];
}

export interface MerchantRow {
  merchant_id: bigint;
  mcc: number;
  merchant_class: string;
  channel: string;
  home_country_iso: string;
  n_outlets: number;
  countries: string[];
}

export function inputsFromMerchants(rows: MerchantRow[]): Inputs3B {
  const r = [...rows].sort((a, b) => (a.merchant_id < b.merchant_id ? -1 : a.merchant_id > b.merchant_id ? 1 : 0));
  return {
    n: r.length,
    merchant: BigUint64Array.from(r, (x) => x.merchant_id),
    mcc: Int32Array.from(r, (x) => x.mcc),
    merchantClass: r.map((x) => x.merchant_class),
    channel: r.map((x) => x.channel),
    home: r.map((x) => x.home_country_iso),
    nOutlets: Int32Array.from(r, (x) => x.n_outlets),
    footprint: r.map((x) => [...x.countries].sort(asciiCompare)),
  };
}

export async function readInputs3B(ctx: RunContext): Promise<Inputs3B> {
  const [oc, mu, mf] = await Promise.all(['outlet_catalogue', 'merchant_universe_1A', 'merchant_features_1A'].map((id) => sealedParquet(ctx, id)));
  const duck = await Duck.open();
  try {
    const rows = await duck.all(`
      WITH fp AS (SELECT merchant_id, list(DISTINCT legal_country_iso) AS cs FROM read_parquet(${litList(oc)}) GROUP BY 1)
      SELECT u.merchant_id, u.mcc, u.merchant_class, u.channel, u.home_country_iso, f.n_outlets, fp.cs
      FROM read_parquet(${litList(mu)}) u
      JOIN read_parquet(${litList(mf)}) f USING (merchant_id)
      LEFT JOIN fp USING (merchant_id)`);
    return inputsFromMerchants(
      rows.map((x) => ({
        merchant_id: BigInt(x.merchant_id as number | string),
        mcc: Number(x.mcc),
        merchant_class: String(x.merchant_class),
        channel: String(x.channel),
        home_country_iso: String(x.home_country_iso),
        n_outlets: Number(x.n_outlets),
        countries: ((x.cs as unknown[] | null) ?? []).map(String),
      })),
    );
  } finally {
    duck.close();
  }
}
