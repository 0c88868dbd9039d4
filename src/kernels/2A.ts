// 2A's civil-time kernels (assembly/seg2A/timetable.ts): i64 instants travel as u64 columns.
import { kernel, i32, inCol, outCol } from './abi.js';

export const k2aUtcToLocal = kernel('k2aUtcToLocal', {
  n: i32,
  tz: inCol('i32'),
  utc: inCol('u64'),
  nZones: i32,
  zoneStart: inCol('i32'),
  segStart: inCol('u64'),
  segOffset: inCol('i32'),
  out: outCol('u64'),
});

/** mode: DISAMBIGUATION_CODE; outKind 0 unique / 1 gap / 2 fold / 255 bad zone. */
export const k2aLocalToUtc = kernel('k2aLocalToUtc', {
  n: i32,
  tz: inCol('i32'),
  local: inCol('u64'),
  nZones: i32,
  zoneStart: inCol('i32'),
  segStart: inCol('u64'),
  segOffset: inCol('i32'),
  mode: i32,
  outUtc: outCol('u64'),
  outKind: outCol('u8'),
});
