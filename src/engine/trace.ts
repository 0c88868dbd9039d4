// RNG accounting per (segment, family): substreams, draws, blocks, events. Totals are a pure
// function of the world (summed per merchant in merchant order), so they go in the gate bundle;
// the run-scoped rng_trace_log carries the same totals plus run_id.
export interface FamilyTotals {
  family: string;
  substreams: number;
  draws: bigint;
  blocks: bigint;
  events: number;
  counter_max_blocks: number;
}

/** One family's totals as the bundle's rng_accounting.json and the rng_trace_log carry them. */
export interface FamilyRow {
  segment: string;
  family: string;
  substreams: number;
  draws: string;
  blocks: string;
  events: number;
  counter_max_blocks: number;
}

export class RngTrace {
  private readonly fams = new Map<string, FamilyTotals>();
  constructor(readonly segment: string) {}

  /** Add one family's per-substream draws/blocks columns (only rows with events > 0 count as events). */
  add(family: string, draws: ArrayLike<number>, blocks: ArrayLike<number>, events?: ArrayLike<number>): void {
    const t = this.fams.get(family) ?? { family, substreams: 0, draws: 0n, blocks: 0n, events: 0, counter_max_blocks: 0 };
    let d = 0;
    let b = 0;
    for (let i = 0; i < draws.length; i++) {
      d += draws[i];
      b += blocks[i];
      if (blocks[i] > t.counter_max_blocks) t.counter_max_blocks = blocks[i];
      t.events += events ? events[i] : 1;
    }
    t.substreams += draws.length;
    t.draws += BigInt(d);
    t.blocks += BigInt(b);
    this.fams.set(family, t);
  }

  /** Add totals already summed elsewhere (e.g. by a kernel over a shard of substreams). */
  addTotals(family: string, substreams: number, draws: number, blocks: number, events: number, maxBlocks: number): void {
    const t = this.fams.get(family) ?? { family, substreams: 0, draws: 0n, blocks: 0n, events: 0, counter_max_blocks: 0 };
    t.substreams += substreams;
    t.draws += BigInt(draws);
    t.blocks += BigInt(blocks);
    t.events += events;
    t.counter_max_blocks = Math.max(t.counter_max_blocks, maxBlocks);
    this.fams.set(family, t);
  }

  totals(): FamilyTotals[] {
    return [...this.fams.values()].sort((a, b) => (a.family < b.family ? -1 : 1));
  }

  /** JSON-friendly rows (u64 totals as decimal strings). */
  rows(): FamilyRow[] {
    return this.totals().map((t) => ({
      segment: this.segment,
      family: t.family,
      substreams: t.substreams,
      draws: t.draws.toString(),
      blocks: t.blocks.toString(),
      events: t.events,
      counter_max_blocks: t.counter_max_blocks,
    }));
  }
}
