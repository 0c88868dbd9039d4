// 5B.S1: the hourly UTC time grid and the latent groups of the cells, with each cell's expected arrivals.
import type { RunContext } from '../../engine/context.js';
import { utcToLocalBucketTable, weekOffset, type Horizon } from '../../laws/time/grid.js';
import { CHANNELS, type Inputs5B } from './inputs.js';
import { expectedPerCell, planGroups, type Groups } from './plan.js';
import type { Policies5B } from './policies.js';
import { publishTable, US, type Tables5B } from './tables.js';

export interface S1Input {
  pol: Policies5B;
  inp: Inputs5B;
  hz: Horizon;
  tables: Tables5B;
}

export interface S1GridGroups {
  /** (zone, UTC bucket) → local hour-of-week bucket */
  lhTab: Int32Array;
  week0: number;
  groups: Groups;
  /** expected arrivals per cell over the horizon */
  expected: Float64Array;
}

export function s1GridGroups(ctx: RunContext, { pol, inp, hz, tables }: S1Input): S1GridGroups {
  const tg = pol.timeGrid;
  const H = hz.H;
  const c = inp.cells;
  const { ids, later, sc } = tables;
  const bStart = new BigInt64Array(H),
    bEnd = new BigInt64Array(H),
    dow = new Int32Array(H),
    hour = new Int32Array(H),
    wkend = new Uint8Array(H);
  for (let h = 0; h < H; h++) {
    const t = (hz.startSec + h * 3600) * US;
    bStart[h] = BigInt(t);
    bEnd[h] = BigInt(t + 3600 * US);
    const d = new Date(t / 1000);
    dow[h] = ((d.getUTCDay() + 6) % 7) + 1;
    hour[h] = d.getUTCHours();
    wkend[h] = tg.weekend_days.includes(dow[h]) ? 1 : 0;
  }
  later(
    's1_time_grid_5B',
    publishTable(
      ctx,
      's1_time_grid_5B',
      [
        ...ids(H),
        { name: 'bucket_index', type: 'i32', values: Int32Array.from({ length: H }, (_, h) => h) },
        { name: 'bucket_start_utc', type: 'ts_utc_us', values: bStart },
        { name: 'bucket_end_utc', type: 'ts_utc_us', values: bEnd },
        { name: 'utc_day_of_week', type: 'i32', values: dow },
        { name: 'utc_hour', type: 'i32', values: hour },
        { name: 'is_weekend_utc', type: 'bool', values: wkend },
      ],
      H,
      sc,
    ),
  );
  const nZones = inp.timetable.tzids.length;
  const lhTab = utcToLocalBucketTable(
    inp.timetable,
    Int32Array.from({ length: nZones }, (_, z) => z),
    H,
    hz.startSec,
  );
  const week0 = weekOffset(hz);
  const groups = planGroups(inp, pol);
  const expected = expectedPerCell(inp, hz, lhTab);
  const classes = [...new Set(c.demandClass)].sort();
  const vbands = ['physical', 'virtual'];
  later(
    's1_grouping_5B',
    publishTable(
      ctx,
      's1_grouping_5B',
      [
        ...ids(c.n),
        { name: 'merchant_id', type: 'i64', values: c.merchant },
        { name: 'legal_country_iso', type: 'dict', values: c.country, dict: inp.countries },
        { name: 'zone_representation', type: 'dict', values: c.zone, dict: inp.timetable.tzids },
        { name: 'channel_group', type: 'dict', values: c.channel, dict: CHANNELS },
        { name: 'demand_class', type: 'dict', values: Int32Array.from(c.demandClass, (d) => classes.indexOf(d)), dict: classes },
        { name: 'virtual_band', type: 'dict', values: Int32Array.from(groups.virtualBand, (v) => vbands.indexOf(v)), dict: vbands },
        { name: 'group_id', type: 'dict', values: groups.cell, dict: groups.ids },
        { name: 'expected_arrivals', type: 'f64', values: expected },
      ],
      c.n,
      sc,
    ),
  );
  return { lhTab, week0, groups, expected };
}
