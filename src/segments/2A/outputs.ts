// 2A publishing: s1_tz_lookup, site_timezones (egress), tz_timetable_cache (+ its manifest),
// s4_legality_report, s4_dst_windows_2A. Every partition write-once; no wall-clock fields.
import { dictEncode, type ColumnValues } from '../../io/tables.js';
import { sha256Hex, stableJson } from '../../core/hash.js';
import { tzdbIdentity } from '../../reference/tzworld.js';
import { type RunContext } from '../../engine/context.js';
import { METHODS } from '../../laws/tz/resolve.js';
import { SCOPES } from '../../laws/tz/overrides.js';
import { timetableDigest, type Timetable } from '../../laws/time/timetable.js';
import type { World2A } from './world.js';
import { MANIFEST_FILE } from './bulk.js';

export interface Published2A {
  rows: Record<string, number>;
  timetableManifest: Record<string, unknown>;
  legalityReport: Record<string, unknown>;
}

const nullableF64 = (v: Float64Array) => ({ values: v, valid: Uint8Array.from(v, (x) => (Number.isNaN(x) ? 0 : 1)) });
const usToBig = (us: number) => BigInt(us);

export async function publish2A(ctx: RunContext, w: World2A): Promise<Published2A> {
  const { sites, world } = w;
  const n = sites.n;
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('2A publish', 5, 'datasets');
  const seedCol = new BigUint64Array(n).fill(ctx.seed);
  const mfCol = { codes: new Int32Array(n), dict: [ctx.manifest_fingerprint] };
  const isoCol = dictEncode(sites.iso);
  const zoneName = (a: Int32Array) => dictEncode(Array.from(a, (z) => world.zones[z]));

  const consistent = new Uint8Array(n);
  const czCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const C = w.cz.byCountry.get(sites.iso[i]) ?? [];
    czCount[i] = C.length;
    consistent[i] = C.length === 0 || C.includes(world.zones[w.s1Tz[i]]) ? 1 : 0;
  }
  const pS1 = ctx.out
    .write('s1_tz_lookup', {
      seed: seedCol,
      manifest_fingerprint: mfCol,
      merchant_id: sites.merchantId,
      legal_country_iso: isoCol,
      site_order: sites.siteOrder,
      lat_deg: sites.lat,
      lon_deg: sites.lon,
      tzid_provisional: zoneName(w.s1Tz),
      resolution_method: { codes: Int32Array.from(w.s1Method), dict: [...METHODS] },
      polygon_candidates: w.s1Cands,
      country_zones: czCount,
      country_consistent: consistent,
      nudge_lat_deg: nullableF64(w.nudgeLat),
      nudge_lon_deg: nullableF64(w.nudgeLon),
    })
    .then((r) => r.rows);

  const overridden = Uint8Array.from(w.overrideScope, (s) => (s >= 0 ? 1 : 0));
  const pSt = ctx.out
    .write('site_timezones', {
      seed: seedCol,
      manifest_fingerprint: mfCol,
      merchant_id: sites.merchantId,
      legal_country_iso: isoCol,
      site_order: sites.siteOrder,
      tzid: zoneName(w.tz),
      tzid_source: { codes: Int32Array.from(overridden), dict: ['polygon', 'override'] },
      override_scope: { codes: Int32Array.from(w.overrideScope, (s) => (s < 0 ? 0 : s)), dict: [...SCOPES], valid: overridden },
      nudge_lat_deg: nullableF64(w.nudgeLat),
      nudge_lon_deg: nullableF64(w.nudgeLon),
    })
    .then((r) => r.rows);

  const pCache = publishTimetable(ctx, w.timetable);
  const pWin = ctx.out.write('s4_dst_windows_2A', windowColumns(w)).then((r) => r.rows);

  // one await over every started write: a failure in any of them is the one error reported (an
  // un-awaited rejection would crash the process instead of ending as WORKER_FAILED)
  const [parts, cache] = await Promise.all([Promise.all([pS1, pSt, pWin].map((q) => q.then((r) => (stage.tick(1), r)))), pCache]);
  [rows.s1_tz_lookup, rows.site_timezones, rows.s4_dst_windows_2A] = parts;
  rows.tz_timetable_cache = cache.rows;
  stage.tick(1);

  const legalityReport = legalityDoc(ctx, w, cache.manifest);
  await ctx.out.writeJson('s4_legality_report', legalityReport);
  rows.s4_legality_report = 1;
  stage.tick(1);
  stage.done();
  return { rows, timetableManifest: cache.manifest, legalityReport };
}

/** Rows of tz_timetable_cache: one per (zone, segment), ASCII zone order. */
export function timetableColumns(t: Timetable): Record<string, ColumnValues> {
  const m = t.segStart.length;
  const tzIndex = new Int32Array(m),
    seg = new Int32Array(m),
    change = new Int32Array(m),
    kind = new Int32Array(m);
  const from = new BigInt64Array(m),
    until = new BigInt64Array(m);
  const tzCodes = new Int32Array(m);
  for (let z = 0; z < t.tzids.length; z++) {
    for (let j = t.zoneStart[z]; j < t.zoneStart[z + 1]; j++) {
      const k = j - t.zoneStart[z];
      tzIndex[j] = z;
      tzCodes[j] = z;
      seg[j] = k;
      from[j] = usToBig(k === 0 ? t.horizonStartUs : t.segStart[j]);
      until[j] = usToBig(j + 1 < t.zoneStart[z + 1] ? t.segStart[j + 1] : t.horizonEndUs);
      change[j] = k === 0 ? 0 : t.segOffset[j] - t.segOffset[j - 1];
      kind[j] = k === 0 ? 0 : change[j] > 0 ? 1 : 2;
    }
  }
  return {
    tz_index: tzIndex,
    tzid: { codes: tzCodes, dict: t.tzids },
    icu_tzid: dictEncode(Array.from(tzCodes, (z) => t.icu[z])),
    segment: seg,
    valid_from_utc: from,
    valid_until_utc: until,
    offset_seconds: t.segOffset,
    offset_change_seconds: change,
    transition_kind: { codes: kind, dict: ['start', 'gap', 'fold'] },
  };
}

/** tz_timetable_cache: its parts and, beside them, the manifest naming their digests. */
async function publishTimetable(ctx: RunContext, t: Timetable): Promise<{ rows: number; manifest: Record<string, unknown> }> {
  const id = tzdbIdentity();
  let transitions = 0,
    gaps = 0,
    folds = 0;
  for (let z = 0; z < t.tzids.length; z++) {
    for (let j = t.zoneStart[z] + 1; j < t.zoneStart[z + 1]; j++) {
      transitions++;
      if (t.segOffset[j] > t.segOffset[j - 1]) gaps++;
      else if (t.segOffset[j] < t.segOffset[j - 1]) folds++;
    }
  }
  const manifest: Record<string, unknown> = {
    manifest_fingerprint: ctx.manifest_fingerprint,
    tzdb: {
      source: 'node-icu (Intl.DateTimeFormat longOffset)',
      node_version: id.node_version,
      icu_version: id.icu_version,
      tzdata_version: id.tzdata_version,
      sealed_input: `reference:${id.id}`,
      sealed_sha256_hex: id.sha256_hex,
    },
    tzdb_release_tag: id.tzdata_version,
    horizon: { start_utc: new Date(t.horizonStartUs / 1000).toISOString(), end_utc: new Date(t.horizonEndUs / 1000).toISOString() },
    tzids_total: t.tzids.length,
    segments_total: t.segStart.length,
    transitions_total: transitions,
    gap_transitions: gaps,
    fold_transitions: folds,
    tz_index_digest: timetableDigest(t),
    tz_index_law: 'sha256 of lines "tzid\\tstart_us\\toffset_s" (first start "-inf"), zones ASCII, after a "horizon\\tstart_us\\tend_us" line',
  };
  const written = await ctx.out.write('tz_timetable_cache', timetableColumns(t), {
    beside: (files) => {
      manifest.cache_files = files.map((f) => ({ path: f.name, sha256_hex: sha256Hex(f.bytes), bytes: f.bytes.length }));
      manifest.rle_cache_bytes = files.reduce((a, f) => a + f.bytes.length, 0);
      return [{ name: MANIFEST_FILE, bytes: Buffer.from(stableJson(manifest)) }];
    },
  });
  return { rows: written.rows, manifest };
}

function windowColumns(w: World2A): Record<string, ColumnValues> {
  const ws = w.legality.windows;
  const names = [...new Set(ws.map((x) => x.tzid))];
  const code = new Map(names.map((s, i) => [s, i]));
  return {
    tzid: { codes: Int32Array.from(ws, (x) => code.get(x.tzid)!), dict: names },
    tz_index: Int32Array.from(ws, (x) => x.tzIndex),
    kind: { codes: Int32Array.from(ws, (x) => (x.kind === 'gap' ? 0 : 1)), dict: ['gap', 'fold'] },
    transition_utc: BigInt64Array.from(ws, (x) => usToBig(x.transitionUs)),
    offset_before_seconds: Int32Array.from(ws, (x) => x.offsetBefore),
    offset_after_seconds: Int32Array.from(ws, (x) => x.offsetAfter),
    local_start: BigInt64Array.from(ws, (x) => usToBig(x.localStartUs)),
    local_end: BigInt64Array.from(ws, (x) => usToBig(x.localEndUs)),
    sites: Int32Array.from(ws, (x) => x.sites),
  };
}

function legalityDoc(ctx: RunContext, w: World2A, manifest: Record<string, unknown>): Record<string, unknown> {
  const L = w.legality;
  const t = w.timetable;
  const bad = (s: string) => L.zones.filter((z) => z.status === s);
  const sitesBy = (s: string) => bad(s).reduce((a, z) => a + z.sites, 0);
  return {
    manifest_fingerprint: ctx.manifest_fingerprint,
    seed: ctx.seed.toString(),
    status: L.status,
    horizon: {
      start_utc: new Date(t.horizonStartUs / 1000).toISOString(),
      end_utc: new Date(t.horizonEndUs / 1000).toISOString(),
      note: 'offsets outside the horizon extend the boundary segments; consumers must stay inside it',
    },
    tzdb: {
      tzdata_version: (manifest.tzdb as Record<string, unknown>).tzdata_version,
      icu_version: (manifest.tzdb as Record<string, unknown>).icu_version,
      tz_index_digest: manifest.tz_index_digest,
    },
    offset_bounds_minutes: w.p.timetable.offset_bounds_minutes,
    counts: {
      sites_total: w.sites.n,
      sites_reported: L.sitesTotal,
      sites_in_legal_zones: sitesBy('legal'),
      sites_in_missing_zones: sitesBy('missing'),
      sites_in_illegal_zones: sitesBy('illegal'),
      sites_in_zones_with_dst: L.zones.filter((z) => z.gap_windows + z.fold_windows > 0).reduce((a, z) => a + z.sites, 0),
      tzids_total: L.zones.length,
      tzids_with_dst: L.zones.filter((z) => z.gap_windows + z.fold_windows > 0).length,
      gap_windows_total: L.zones.reduce((a, z) => a + z.gap_windows, 0),
      fold_windows_total: L.zones.reduce((a, z) => a + z.fold_windows, 0),
    },
    missing_tzids: bad('missing').map((z) => z.tzid),
    illegal_tzids: bad('illegal').map((z) => z.tzid),
    tzids: L.zones,
  };
}
