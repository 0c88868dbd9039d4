// 3A's published tables share these columns: pair order expanded to zone rows, the constant policy
// columns, and the per-pair sums several tables carry.
import { dictEncode, type DictCol } from '../../io/tables.js';
import { sha256Hex } from '../../core/hash.js';
import type { RunContext } from '../../engine/context.js';
import type { World3A } from './world.js';

export const constCol = (n: number, v: string): DictCol => ({ codes: new Int32Array(n), dict: [v] });

export function nullableF64(v: (number | undefined)[]) {
  return { values: Float64Array.from(v, (x) => x ?? 0), valid: Uint8Array.from(v, (x) => (x === undefined ? 0 : 1)) };
}

export type Cols3A = ReturnType<typeof cols3A>;

/** The shared columns of 3A's outputs (zone rows in pair order, tzid order within a pair). */
export function cols3A(ctx: RunContext, w: World3A) {
  const { p, in: inp, priors } = w;
  const n = inp.n;
  const nz = inp.tzid.length;
  const mf = ctx.manifest_fingerprint;
  const seedCol = (k: number) => new BigUint64Array(k).fill(ctx.seed);
  const mix = p.mixture,
    fl = p.floors,
    al = p.alphas;
  const thetaDigest = sha256Hex(p.bytes.mixture);
  const countryCol = dictEncode(inp.country);
  const pairOfZone = new Int32Array(nz);
  for (let i = 0; i < n; i++) pairOfZone.fill(i, inp.zoneOff[i], inp.zoneOff[i + 1]);
  const zoneCountry: DictCol = { codes: Int32Array.from(pairOfZone, (i) => countryCol.codes[i]), dict: countryCol.dict };
  const zoneMerchant = BigUint64Array.from(pairOfZone, (i) => inp.merchant[i]);
  const tzCol = dictEncode(inp.tzid);
  const nZones = Int32Array.from({ length: n }, (_, i) => inp.zoneOff[i + 1] - inp.zoneOff[i]);
  const pairShareSum = new Float64Array(n),
    pairAlphaSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = inp.zoneOff[i]; j < inp.zoneOff[i + 1]; j++) {
      pairShareSum[i] += w.share[j];
      if (w.escalated[i]) pairAlphaSum[i] += w.alpha[j];
    }
  }
  const zoneSum = Int32Array.from(pairOfZone, (i) => inp.siteCount[i]);
  const countryAlphaSum = (c: string) => priors.alphaSum.get(c);
  return {
    n,
    nz,
    mf,
    seedCol,
    mix,
    fl,
    al,
    thetaDigest,
    countryCol,
    pairOfZone,
    zoneCountry,
    zoneMerchant,
    tzCol,
    nZones,
    pairShareSum,
    pairAlphaSum,
    zoneSum,
    countryAlphaSum,
  };
}
