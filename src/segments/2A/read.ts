// 2A's face to later segments: its policies (the tz lookup they must agree with) and its published timetable.
import { fail, ErrorCodes } from '../../core/errors.js';
import { readJson, readTable } from '../../io/reader.js';
import type { RunContext } from '../../engine/context.js';
import { stringsOf, i32Of, tsOf } from './columns.js';
import { timetableDigest, timetableFromRows, type Timetable } from '../../laws/time/timetable.js';
import { MANIFEST_FILE } from './bulk.js';
export { load2A } from './policies.js';

/**
 * The compiled timetable of this fingerprint, from tz_timetable_cache (read it only behind a verified
 * 2A gate: S0 of the reading segment does that; 2A itself reads back from its outputs ledger).
 * Its digest must equal the manifest's tz_index_digest.
 */
export async function readTimetable(ctx: RunContext): Promise<Timetable> {
  const ds = 'tz_timetable_cache';
  const manifest = await readJson<{ horizon: { start_utc: string; end_utc: string }; tz_index_digest: string }>(ctx, ds, { name: MANIFEST_FILE });
  const tb = await readTable(ctx, ds);
  const tz = stringsOf(tb, 'tzid', ds),
    icu = stringsOf(tb, 'icu_tzid', ds);
  const t = timetableFromRows(
    {
      tzid: Array.from(tz.codes, (c) => tz.dict[c]),
      icu: Array.from(icu.codes, (c) => icu.dict[c]),
      validFromUs: tsOf(tb, 'valid_from_utc', ds),
      offset: i32Of(tb, 'offset_seconds', ds),
      segment: i32Of(tb, 'segment', ds),
    },
    { startUs: Date.parse(manifest.horizon.start_utc) * 1000, endUs: Date.parse(manifest.horizon.end_utc) * 1000 },
  );
  const d = timetableDigest(t);
  if (d !== manifest.tz_index_digest)
    fail(
      ErrorCodes.SEALED_INPUT_DIGEST_MISMATCH,
      `timetable digest ${d.slice(0, 12)}… ≠ manifest ${manifest.tz_index_digest.slice(0, 12)}…`,
      `tz_timetable_cache/${MANIFEST_FILE}`,
      'rebuild segment 2A',
    );
  return t;
}
