// 3A.S4: monolithic pairs take their site proportions; every pair's shares become exact integer units (largest remainder).
import type { Policies3A } from './policies.js';
import { shareUnits } from './model.js';
import type { Priors } from './s2_priors.js';
import type { Inputs3A } from './inputs.js';

export interface S4Input {
  p: Policies3A;
  priors: Priors;
  inp: Inputs3A;
  escalated: Uint8Array;
  /** S3's shares; the monolithic pairs' rows are filled in place */
  share: Float64Array;
}

export interface S4ZoneCounts {
  units: Int32Array;
  unitRank: Int32Array;
  /** per zone row: 1 when the tzid is in the country's prior zone set */
  inPrior: Uint8Array;
}

export function s4ZoneCounts({ p, priors, inp, escalated, share }: S4Input): S4ZoneCounts {
  const n = inp.n;
  const nz = inp.tzid.length;
  const U = 10 ** p.mixture.share_units_dp;
  const units = new Int32Array(nz),
    unitRank = new Int32Array(nz);
  const inPrior = new Uint8Array(nz);
  for (let i = 0; i < n; i++) {
    const a = inp.zoneOff[i],
      b = inp.zoneOff[i + 1];
    if (!escalated[i]) for (let j = a; j < b; j++) share[j] = inp.zoneCount[j] / inp.siteCount[i];
    shareUnits(share.subarray(a, b), U, units, unitRank, a);
    const prior = priors.byCountry.get(inp.country[i]) ?? [];
    for (let j = a; j < b; j++) inPrior[j] = prior.some((r) => r.tzid === inp.tzid[j]) ? 1 : 0;
  }
  return { units, unitRank, inPrior };
}
