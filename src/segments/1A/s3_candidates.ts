// S3 candidate countries: the rule ladder admits named or home-relative country sets by outlet
// count N; deny sets are removed; the home country is rank 0. S3 is the only authority for
// inter-country order: rank by (rule priority, set order within rule, GDP desc, ISO A→Z).
import type { Country } from '../../reference/countries.js';
import type { Policies1A } from './policies.js';
import type { RunContext } from '../../engine/context.js';
import type { CandidateRow, Design, Merchants } from './world.js';

class CandidateBuilder {
  private readonly isoIdx: Map<string, number>;
  private readonly gdp: Float64Array;
  private readonly ladder: Policies1A['crossborder']['ladder'];
  private readonly denied: Set<number>;
  /** resolved (set, home) → ranked countries: sets depend on the home only, so resolve once */
  private readonly cache = new Map<string, number[]>();

  constructor(
    private readonly countries: Country[],
    private readonly p: Policies1A,
  ) {
    this.isoIdx = new Map(countries.map((c, i) => [c.iso2, i]));
    this.gdp = Float64Array.from(countries.map((c) => (p.economy.countries[c.iso2] ?? p.economy.unlisted).gdp_usd_bn));
    this.ladder = [...p.crossborder.ladder].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
    this.denied = new Set(p.crossborder.deny_sets.flatMap((s) => this.named(s)));
  }

  private named(set: string): number[] {
    const list = this.p.crossborder.country_sets[set];
    if (!list) throw new Error(`country set ${set} is not defined in crossborder.yaml country_sets`);
    return list.map((iso) => this.isoIdx.get(iso)).filter((x): x is number => x !== undefined);
  }

  /** Resolve a set name relative to the home country. */
  private resolve(set: string, home: number): number[] {
    const key = `${set}|${home}`;
    let r = this.cache.get(key);
    if (!r) this.cache.set(key, (r = this.resolveUncached(set, home)));
    return r;
  }

  private resolveUncached(set: string, home: number): number[] {
    const h = this.countries[home];
    const byGdp = (xs: number[]) => xs.sort((a, b) => this.gdp[b] - this.gdp[a] || (this.countries[a].iso2 < this.countries[b].iso2 ? -1 : 1));
    switch (set) {
      case 'NEIGHBOURS':
        return byGdp(h.borders.map((iso) => this.isoIdx.get(iso)!).filter((x) => x !== undefined));
      case 'SUBREGION':
        return byGdp(this.countries.flatMap((c, i) => (c.subregion && c.subregion === h.subregion ? [i] : [])));
      case 'REGION':
        return byGdp(this.countries.flatMap((c, i) => (c.region && c.region === h.region ? [i] : [])));
      case 'CURRENCY_AREA':
        return byGdp(this.countries.flatMap((c, i) => (h.currency && c.currencies.includes(h.currency) ? [i] : [])));
      default:
        return byGdp(this.named(set));
    }
  }

  /** Ordered candidates for a merchant with home `home`, outlet count N, eligibility flag. */
  build(home: number, N: number, eligible: boolean): CandidateRow[] {
    const rows: CandidateRow[] = [{ iso: home, rank: 0, isHome: true, reason: 'HOME' }];
    if (!eligible || N < 2) return rows;
    const seen = new Map<number, CandidateRow>([[home, rows[0]]]);
    for (const rule of this.ladder) {
      if (N < rule.n_min || (rule.n_max !== undefined && N > rule.n_max)) continue;
      for (const set of rule.admit) {
        for (const c of this.resolve(set, home)) {
          if (this.denied.has(c) || !this.countries[c].currency) continue;
          const prev = seen.get(c);
          if (prev) {
            if (!prev.isHome && !prev.reason.split('|').includes(rule.id)) prev.reason = [...prev.reason.split('|'), rule.id].sort().join('|');
            continue;
          }
          if (rows.length - 1 >= this.p.crossborder.max_candidates) continue;
          const row = { iso: c, rank: rows.length, isHome: false, reason: rule.id };
          rows.push(row);
          seen.set(c, row);
        }
      }
    }
    return rows;
  }
}

export interface S3Result {
  cands: CandidateRow[];
  candOff: Int32Array; // n+1
}

/** S3 needs S2's N (the ladder is keyed by outlet count) and fixes the candidate order that S5's weights, S6's draws and S7's counts are laid over. */
export function s3Candidates(_ctx: RunContext, inp: { countries: Country[]; p: Policies1A; m: Merchants; design: Design; N: Int32Array }): S3Result {
  const { countries, p, m, design, N } = inp;
  const n = m.n;
  const builder = new CandidateBuilder(countries, p);
  const cands: CandidateRow[] = [];
  const candOff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const rows = builder.build(m.home[i], N[i], design.eligible[i] === 1);
    cands.push(...rows);
    candOff[i + 1] = cands.length;
  }
  return { cands, candOff };
}
