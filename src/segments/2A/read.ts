// 2A's face to later segments: its policies (the tz lookup they must agree with) and its published timetable.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fail, ErrorCodes } from '../../core/errors.js';
import { partitionDir } from '../../contracts/dictionary.js';
import { readParquetDataset, sealedFiles } from '../../engine/datasets.js';
import type { OutputEntry } from '../../gates/verify.js';
import { tokens, type RunContext } from '../../engine/context.js';
import { stringsOf, i32Of, tsOf } from './columns.js';
import { timetableDigest, timetableFromRows, type Timetable } from '../../laws/time/timetable.js';
import { MANIFEST_FILE } from './bulk.js';
export { load2A } from './policies.js';

/**
 * The compiled timetable of this fingerprint, from tz_timetable_cache (read it only behind a verified
 * 2A gate: S0 of the reading segment does that; 2A itself passes its outputs ledger as `published`).
 * Its digest must equal the manifest's tz_index_digest.
 */
export async function readTimetable(ctx: RunContext, published?: OutputEntry[]): Promise<Timetable> {
  const ds = 'tz_timetable_cache';
  const { dir } = partitionDir(ds, tokens(ctx));
  const manifestPath = (await sealedFiles(ctx, ds, {}, published)).find((f) => f === `${dir}/${MANIFEST_FILE}`);
  if (!manifestPath) fail(ErrorCodes.GATE_FILE_MISSING, `${MANIFEST_FILE} is not among the sealed files of ${ds}`, dir, 'rebuild segment 2A');
  const manifest = JSON.parse(await readFile(join(ctx.world, manifestPath), 'utf8')) as {
    horizon: { start_utc: string; end_utc: string };
    tz_index_digest: string;
  };
  const tb = await readParquetDataset(ctx, ds, {}, { published });
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
      join(dir, MANIFEST_FILE),
      'rebuild segment 2A',
    );
  return t;
}
