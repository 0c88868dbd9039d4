// S0 merchant universe: generated from (seed, scale) on the wasm pool, or read from a user file.
import { fm_pow } from '../../rng/fmath.js';
import { promises as fs } from 'node:fs';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { Country } from '../../reference/countries.js';
import type { Policies1A } from './policies.js';

export const CHANNELS = ['card_present', 'card_not_present'] as const;

export interface Merchants {
  n: number;
  id: BigUint64Array;
  mcc: Int32Array;
  /** 0 = card_present, 1 = card_not_present */
  cnp: Uint8Array;
  /** index into the sorted ISO country list */
  home: Int32Array;
  source: 'generated' | 'file';
}

/** Home-country weights: economy size^exponent; unlisted countries get the small-economy default. */
export function homeWeights(countries: Country[], p: Policies1A): Float64Array {
  const w = new Float64Array(countries.length);
  countries.forEach((c, i) => {
    if (!c.currency) return; // no legal tender (e.g. Antarctica): no merchants
    const e = p.economy.countries[c.iso2] ?? p.economy.unlisted;
    w[i] = fm_pow(e.gdp_usd_bn, p.economy.home_weight_exponent);
  });
  return w;
}

/**
 * Read a merchant file: CSV with header merchant_id,mcc,channel,home_country_iso.
 * Any bad row is an error naming file, line and field — never silently dropped or coerced.
 */
export async function readMerchantFile(path: string, countries: Country[], p: Policies1A): Promise<Merchants> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    fail(ErrorCodes.INPUT_FILE_INVALID, `cannot read (${(e as NodeJS.ErrnoException).code})`, path, 'give an existing CSV file to --merchants');
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((s) => s.trim());
  const want = ['merchant_id', 'mcc', 'channel', 'home_country_iso'];
  if (!header || header.join(',') !== want.join(',')) {
    fail(ErrorCodes.INPUT_FILE_INVALID, `header must be "${want.join(',')}"`, `${path}:1`, 'fix the CSV header');
  }
  const isoIdx = new Map(countries.map((c, i) => [c.iso2, i]));
  const knownMcc = new Map(p.universe.mccs.map((m, i) => [m.mcc, i]));
  const n = lines.length - 1;
  const m: Merchants = { n, id: new BigUint64Array(n), mcc: new Int32Array(n), cnp: new Uint8Array(n), home: new Int32Array(n), source: 'file' };
  const seen = new Set<bigint>();
  for (let i = 0; i < n; i++) {
    const at = `${path}:${i + 2}`;
    const f = lines[i + 1].split(',').map((s) => s.trim());
    if (f.length !== 4) fail(ErrorCodes.INPUT_FILE_INVALID, `expected 4 fields, got ${f.length}`, at, 'one merchant per line: merchant_id,mcc,channel,home_country_iso');
    if (!/^\d+$/.test(f[0]) || BigInt(f[0]) < 1n || BigInt(f[0]) >= 1n << 64n) fail(ErrorCodes.INPUT_FILE_INVALID, `merchant_id "${f[0]}" is not an integer in [1, 2^64)`, `${at} merchant_id`, 'use positive integer ids');
    const id = BigInt(f[0]);
    if (seen.has(id)) fail(ErrorCodes.INPUT_FILE_INVALID, `duplicate merchant_id ${id}`, `${at} merchant_id`, 'merchant ids must be unique');
    seen.add(id);
    const mi = knownMcc.get(Number(f[1]));
    if (mi === undefined) fail(ErrorCodes.INPUT_FILE_INVALID, `mcc "${f[1]}" is not in the policy's MCC list`, `${at} mcc`, 'use an MCC listed in config/layer1/1A/merchant_universe.yaml or add it there');
    const ch = CHANNELS.indexOf(f[2] as (typeof CHANNELS)[number]);
    if (ch < 0) fail(ErrorCodes.INPUT_FILE_INVALID, `channel "${f[2]}"`, `${at} channel`, 'use card_present or card_not_present');
    const hi = isoIdx.get(f[3]);
    if (hi === undefined || !countries[hi].currency) fail(ErrorCodes.INPUT_FILE_INVALID, `home_country_iso "${f[3]}" is not a known ISO-3166 alpha-2 country with a currency`, `${at} home_country_iso`, 'use an uppercase ISO alpha-2 code');
    m.id[i] = id;
    m.mcc[i] = mi;
    m.cnp[i] = ch;
    m.home[i] = hi;
  }
  // Canonical order: by merchant_id, so file row order cannot change output bytes.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (m.id[a] < m.id[b] ? -1 : m.id[a] > m.id[b] ? 1 : 0));
  return {
    n,
    id: BigUint64Array.from(order.map((i) => m.id[i])),
    mcc: Int32Array.from(order.map((i) => m.mcc[i])),
    cnp: Uint8Array.from(order.map((i) => m.cnp[i])),
    home: Int32Array.from(order.map((i) => m.home[i])),
    source: 'file',
  };
}
