// S0 merchant universe: generated from (seed, scale) on the wasm pool, or read from a user file.
import { fm_pow } from '../../rng/fmath.js';
import { readInputText } from '../../io/inputs.js';
import { fail, ErrorCodes } from '../../core/errors.js';
import type { Country } from '../../reference/countries.js';
import { aliasBuild } from '../../rng/alias.js';
import { SharedCol } from '../../pool/columns.js';
import { runShards } from '../../pool/shards.js';
import { k1aUniverse } from '../../kernels/1A.js';
import type { RngTrace } from '../../engine/trace.js';
import type { RunContext } from '../../engine/context.js';
import type { Policies1A } from './policies.js';
import { computeDesign } from './design.js';
import { SHARD_MERCHANTS, FAMILIES, type Design, type Merchants } from './world.js';
import { idKeys } from '../../rng/keys.js';

export const CHANNELS = ['card_present', 'card_not_present'] as const;

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
  const text = await readInputText(path, 'give an existing CSV file to --merchants');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((s) => s.trim());
  const want = ['merchant_id', 'mcc', 'channel', 'home_country_iso'];
  if (!header || header.join(',') !== want.join(',')) {
    fail(ErrorCodes.INPUT_FILE_INVALID, `header must be "${want.join(',')}"`, `${path}:1`, 'fix the CSV header');
  }
  const isoIdx = new Map(countries.map((c, i) => [c.iso2, i]));
  const knownMcc = new Map(p.universe.mccs.map((m, i) => [m.mcc, i]));
  const n = lines.length - 1;
  if (n === 0) fail(ErrorCodes.INPUT_FILE_INVALID, 'no merchants: the file has only its header', `${path}:2`, 'add one merchant per line after the header');
  const m: Merchants = { n, id: new BigUint64Array(n), mcc: new Int32Array(n), cnp: new Uint8Array(n), home: new Int32Array(n), source: 'file' };
  const seen = new Set<bigint>();
  for (let i = 0; i < n; i++) {
    const at = `${path}:${i + 2}`;
    const f = lines[i + 1].split(',').map((s) => s.trim());
    if (f.length !== 4)
      fail(ErrorCodes.INPUT_FILE_INVALID, `expected 4 fields, got ${f.length}`, at, 'one merchant per line: merchant_id,mcc,channel,home_country_iso');
    if (!/^\d+$/.test(f[0]) || BigInt(f[0]) < 1n || BigInt(f[0]) >= 1n << 63n)
      fail(
        ErrorCodes.INPUT_FILE_INVALID,
        `merchant_id "${f[0]}" is not an integer in [1, 2^63)`,
        `${at} merchant_id`,
        'use positive integer ids below 2^63 (they are published as signed INT64)',
      );
    const id = BigInt(f[0]);
    if (seen.has(id)) fail(ErrorCodes.INPUT_FILE_INVALID, `duplicate merchant_id ${id}`, `${at} merchant_id`, 'merchant ids must be unique');
    seen.add(id);
    const mi = knownMcc.get(Number(f[1]));
    if (mi === undefined)
      fail(
        ErrorCodes.INPUT_FILE_INVALID,
        `mcc "${f[1]}" is not in the policy's MCC list`,
        `${at} mcc`,
        'use an MCC listed in config/layer1/1A/merchant_universe.yaml or add it there',
      );
    const ch = CHANNELS.indexOf(f[2] as (typeof CHANNELS)[number]);
    if (ch < 0) fail(ErrorCodes.INPUT_FILE_INVALID, `channel "${f[2]}"`, `${at} channel`, 'use card_present or card_not_present');
    const hi = isoIdx.get(f[3]);
    if (hi === undefined || !countries[hi].currency)
      fail(
        ErrorCodes.INPUT_FILE_INVALID,
        `home_country_iso "${f[3]}" is not a known ISO-3166 alpha-2 country with a currency`,
        `${at} home_country_iso`,
        'use an uppercase ISO alpha-2 code',
      );
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

export interface S0Result {
  m: Merchants;
  design: Design;
  universeKeys: Uint32Array;
}

/** S0 runs first: every later state is per merchant, so the merchants (and their deterministic design features) come before any draw. */
export async function s0Universe(ctx: RunContext, inp: { p: Policies1A; countries: Country[]; trace: RngTrace }): Promise<S0Result> {
  const { p, countries, trace } = inp;
  let m: Merchants;
  let universeKeys = new Uint32Array(0);
  if (ctx.merchantsFile) {
    m = await readMerchantFile(ctx.merchantsFile, countries, p);
  } else {
    const n = ctx.scale.merchants;
    const ids = new BigUint64Array(n);
    for (let i = 0; i < n; i++) ids[i] = BigInt(p.universe.merchant_id_start + i);
    universeKeys = idKeys(ctx, FAMILIES.universe, ids);
    const cT = aliasBuild(homeWeights(countries, p));
    const mT = aliasBuild(p.universe.mccs.map((x) => x.weight));
    const keys = SharedCol.from('u32', universeKeys);
    const cProb = SharedCol.from('f64', cT.prob),
      cAlias = SharedCol.from('i32', cT.alias);
    const mProb = SharedCol.from('f64', mT.prob),
      mAlias = SharedCol.from('i32', mT.alias);
    const pCnp = SharedCol.from(
      'f64',
      p.universe.mccs.map((x) => x.p_cnp),
    );
    const home = new SharedCol('i32', n),
      mcc = new SharedCol('i32', n),
      cnp = new SharedCol('u8', n);
    const dr = new SharedCol('u32', n),
      bl = new SharedCol('u32', n);
    await runShards(
      ctx.pool,
      n,
      SHARD_MERCHANTS,
      ({ start: s, end: e }) =>
        k1aUniverse.task({
          n: e - s,
          keys: keys.in(s, e, 2),
          cProb: cProb.all(),
          cAlias: cAlias.all(),
          nC: countries.length,
          mProb: mProb.all(),
          mAlias: mAlias.all(),
          nM: p.universe.mccs.length,
          pCnp: pCnp.all(),
          outHome: home.out(s, e),
          outMcc: mcc.out(s, e),
          outCnp: cnp.out(s, e),
          outDraws: dr.out(s, e),
          outBlocks: bl.out(s, e),
        }),
      ctx.progress.stage(`1A ${k1aUniverse.name}`, n, 'merchants'),
    );
    trace.add(FAMILIES.universe, dr.view() as Uint32Array, bl.view() as Uint32Array);
    m = {
      n,
      id: ids,
      home: Int32Array.from(home.view() as Int32Array),
      mcc: Int32Array.from(mcc.view() as Int32Array),
      cnp: Uint8Array.from(cnp.view() as Uint8Array),
      source: 'generated',
    };
  }
  const design = computeDesign(m, countries, p);
  return { m, design, universeKeys };
}
