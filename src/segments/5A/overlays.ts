// S4 overlay factors of one (country, tzid, demand_class) profile over the local horizon: per type the most
// specific active events combined by MIN/MAX, masking caps, product over types, clamp.
import { scopeRank, type CalEvent } from './calendar.js';
import { EVENT_TYPES, type EventType, type ScenarioPolicy } from './policies.js';

/** Factor of an event at offset k of its D buckets (upstream ramp law: linear in, plateau, linear out to 1). */
export function eventFactor(e: Pick<CalEvent, 'shape' | 'amplitude' | 'ramp_in' | 'ramp_out' | 'start' | 'end'>, k: number): number {
  if (e.shape === 'constant') return e.amplitude;
  const D = e.end - e.start;
  let rin = Math.max(0, e.ramp_in),
    rout = Math.max(0, e.ramp_out);
  if (rin + rout > D) {
    rin = Math.min(rin, D);
    rout = Math.max(Math.min(rout, D - rin), 0);
  }
  const plateau = Math.max(D - rin - rout, 0);
  const A = e.amplitude;
  if (rin > 0 && k < rin) return 1 + ((A - 1) * (k + 1)) / rin;
  if (rout > 0 && k >= rin + plateau) return A - ((A - 1) * (k - (rin + plateau) + 1)) / rout;
  return A;
}

export function matches(e: CalEvent, country: string, tzid: string, cls: string): boolean {
  if (e.scope_global) return true;
  return (e.country === null || e.country === country) && (e.tzid === null || e.tzid === tzid) && (e.demand_class === null || e.demand_class === cls);
}

export class OverlayEngine {
  private readonly val: Float64Array;
  private readonly rank: Int32Array;
  private readonly byCountry = new Map<string, CalEvent[]>();
  private readonly anyCountry: CalEvent[] = [];
  private readonly typeIndex: Record<EventType, number>;
  private readonly mode: Int8Array; // 1 = MAX, 0 = MIN
  private readonly masks: { when: number; targets: number[] }[];
  /** events that touched any profile */
  readonly used = new Set<string>();

  constructor(
    readonly sc: ScenarioPolicy,
    events: CalEvent[],
    readonly H: number,
  ) {
    this.val = new Float64Array(EVENT_TYPES.length * H);
    this.rank = new Int32Array(EVENT_TYPES.length * H);
    this.typeIndex = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])) as Record<EventType, number>;
    this.mode = Int8Array.from(EVENT_TYPES, (t) => (sc.ordering.within_type[t] === 'MAX' ? 1 : 0));
    this.masks = sc.ordering.masking.map((m) => ({ when: this.typeIndex[m.when_active], targets: m.cap_at_one.map((t) => this.typeIndex[t]) }));
    for (const e of events) {
      if (e.country === null) this.anyCountry.push(e);
      else {
        if (!this.byCountry.has(e.country)) this.byCountry.set(e.country, []);
        this.byCountry.get(e.country)!.push(e);
      }
    }
  }

  /** Factors over lh in [0, H) for one profile, written into out (length H). */
  factors(country: string, tzid: string, cls: string, out: Float64Array): void {
    const { H, val, rank, mode } = this;
    rank.fill(-1);
    const evs = [...this.anyCountry, ...(this.byCountry.get(country) ?? [])];
    for (const e of evs) {
      if (!matches(e, country, tzid, cls)) continue;
      const a = Math.max(0, e.start),
        b = Math.min(H, e.end);
      if (b <= a) continue;
      this.used.add(e.event_id);
      const r = scopeRank(e),
        base = this.typeIndex[e.type] * H,
        mx = mode[this.typeIndex[e.type]] === 1;
      for (let lh = a; lh < b; lh++) {
        const f = eventFactor(e, lh - e.start);
        const i = base + lh;
        if (r > rank[i]) {
          rank[i] = r;
          val[i] = f;
        } else if (r === rank[i]) val[i] = mx ? (f > val[i] ? f : val[i]) : f < val[i] ? f : val[i];
      }
    }
    const { min_factor: lo, max_factor: hi } = this.sc.combination;
    const T = EVENT_TYPES.length;
    for (let lh = 0; lh < H; lh++) {
      for (const m of this.masks) {
        if (rank[m.when * H + lh] < 0) continue;
        for (const t of m.targets) if (rank[t * H + lh] >= 0 && val[t * H + lh] > 1) val[t * H + lh] = 1;
      }
      let f = 1;
      for (let t = 0; t < T; t++) if (rank[t * H + lh] >= 0) f *= val[t * H + lh];
      out[lh] = f < lo ? lo : f > hi ? hi : f;
    }
  }
}
