// 2A.S5: checks from bytes and arrays, corridors, then the gate (sealSegment: flag only if every
// required check passed). Evidence copied verbatim into the bundle: the S4 legality report and the S3
// timetable manifest (same stableJson bytes as the published files).
import { readTable } from '../../io/reader.js';
import { sealSegment } from '../../engine/seal.js';
import { Checks } from '../../engine/checks.js';
import { asciiCompare } from '../../core/hash.js';
import { validInTzdb } from '../../reference/tzworld.js';
import type { RunContext } from '../../engine/context.js';
import { FALLBACK_METHODS, M, METHODS } from '../../laws/tz/resolve.js';
import { SCOPES } from '../../laws/tz/overrides.js';
import { intlOffsetFn, timetableDigest, tzIndexOf, utcToLocal, localToUtcCode, US_PER_S, type Timetable } from '../../laws/time/timetable.js';
import { utcToLocalBulk, localToUtcBulk } from './bulk.js';
import { readTimetable } from './read.js';
import { utcToLocalRef, localToUtcRef } from '../../laws/time/ref.js';
import { stringsOf, u64Of, i32Of } from './columns.js';
import type { World2A } from './world.js';
import type { Published2A } from './outputs.js';

export async function validate2A(ctx: RunContext, w: World2A, pub: Published2A): Promise<void> {
  const stage = ctx.progress.stage('2A S5 validation', 5, 'checks');
  const checks = new Checks();
  const add = checks.add.bind(checks);
  const { sites, world, timetable: tt } = w;
  const n = sites.n;

  // ── coverage: site_timezones read back from its bytes, key for key against site_locations ──
  const st = await readTable(ctx, 'site_timezones', { columns: ['merchant_id', 'site_order', 'legal_country_iso', 'tzid', 'tzid_source', 'override_scope'] });
  const ds = 'site_timezones';
  const mid = u64Of(st, 'merchant_id', ds),
    ord = i32Of(st, 'site_order', ds);
  const iso = stringsOf(st, 'legal_country_iso', ds),
    tzc = stringsOf(st, 'tzid', ds);
  const src = stringsOf(st, 'tzid_source', ds),
    scope = stringsOf(st, 'override_scope', ds);
  let keyMismatch = 0,
    tzMismatch = 0;
  if (st.numRows === n) {
    for (let i = 0; i < n; i++) {
      if (mid[i] !== sites.merchantId[i] || iso.dict[iso.codes[i]] !== sites.iso[i] || ord[i] !== sites.siteOrder[i]) keyMismatch++;
      if (tzc.dict[tzc.codes[i]] !== world.zones[w.tz[i]]) tzMismatch++;
    }
  }
  add(
    'coverage.one_row_per_site',
    st.numRows === n && keyMismatch === 0,
    `site_timezones ${st.numRows} rows vs site_locations ${n}; ${keyMismatch} key mismatches`,
  );
  add('coverage.published_tzids', tzMismatch === 0, `${tzMismatch} rows whose published tzid differs from the computed one`);
  let dup = 0;
  for (let i = 1; i < n; i++) {
    const c =
      sites.merchantId[i - 1] < sites.merchantId[i]
        ? -1
        : sites.merchantId[i - 1] > sites.merchantId[i]
          ? 1
          : asciiCompare(sites.iso[i - 1], sites.iso[i]) || sites.siteOrder[i - 1] - sites.siteOrder[i];
    if (c >= 0) dup++;
  }
  add('keys.unique_sorted', dup === 0, `${dup} rows not strictly after their predecessor in (merchant_id, legal_country_iso, site_order)`);

  // ── provenance pairs (from the published rows) ──
  let badSrc = 0;
  for (let i = 0; i < st.numRows; i++) {
    const s = src.dict[src.codes[i]];
    const sc = scope.codes[i] < 0 ? null : scope.dict[scope.codes[i]];
    if ((s === 'override') !== (sc !== null) || (sc !== null && !SCOPES.includes(sc as never))) badSrc++;
  }
  let badNudge = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(w.nudgeLat[i]) !== Number.isNaN(w.nudgeLon[i])) badNudge++;
  add('provenance.source_scope', badSrc === 0, `${badSrc} rows where tzid_source=override does not pair with a site|mcc|country override_scope`);
  add('provenance.nudge_pair', badNudge === 0, `${badNudge} rows with only one of nudge_lat_deg / nudge_lon_deg`);
  stage.tick(1);

  // ── tzid validity ──
  const used = [...new Set(Array.from(w.tz, (z) => world.zones[z]))].sort(asciiCompare);
  const domain = new Set(world.zones);
  const notInWorld = used.filter((z) => !domain.has(z));
  const notInTzdb = used.filter((z) => !validInTzdb(z));
  const notInTable = used.filter((z) => tzIndexOf(tt, z) < 0);
  add('tzid.in_tz_world', notInWorld.length === 0, `${used.length} distinct tzids; not in tz_world: ${notInWorld.join(', ') || 'none'}`);
  add(
    'tzid.valid_in_tzdb',
    notInTzdb.length === 0,
    `not known to the runtime tzdb (ICU ${process.versions.icu}, tzdata ${process.versions.tz}): ${notInTzdb.join(', ') || 'none'}`,
  );
  add('tzid.in_timetable', notInTable.length === 0, `not in tz_timetable_cache: ${notInTable.join(', ') || 'none'}`);

  // ── S4 legality report ──
  const rep = pub.legalityReport as { status: string; counts: { sites_total: number; sites_reported: number; sites_in_legal_zones: number } };
  add('legality.report_pass', rep.status === 'PASS', `s4_legality_report status ${rep.status}`);
  add(
    'legality.every_site_reported',
    rep.counts.sites_reported === n && rep.counts.sites_in_legal_zones === n,
    `${rep.counts.sites_reported} of ${n} sites reported, ${rep.counts.sites_in_legal_zones} in legal zones`,
  );
  stage.tick(1);

  // ── S3 timetable: integrity from the published bytes, domain coverage ──
  const back = await readTimetable(ctx);
  const digest = timetableDigest(back);
  const manifestDigest = pub.timetableManifest.tz_index_digest as string;
  add(
    'timetable.digest_from_bytes',
    digest === manifestDigest && digest === timetableDigest(tt),
    `recomputed ${digest.slice(0, 16)}… vs manifest ${manifestDigest.slice(0, 16)}…`,
  );
  const missingDomain = world.zones.filter((z) => tzIndexOf(back, z) < 0);
  add(
    'timetable.covers_tz_world',
    missingDomain.length === 0,
    `${back.tzids.length} zones compiled; tz_world zones missing: ${missingDomain.slice(0, 5).join(', ') || 'none'}`,
  );
  let order = 0;
  for (let z = 0; z < back.tzids.length; z++)
    for (let j = back.zoneStart[z] + 2; j < back.zoneStart[z + 1]; j++) if (!(back.segStart[j] > back.segStart[j - 1])) order++;
  add('timetable.transitions_increasing', order === 0, `${order} segments not after their predecessor`);
  stage.tick(1);

  // ── the timetable against Intl, and the wasm kernel against the TypeScript reference ──
  const sample = intlSample(tt, used, w.p.validation.intl_sample_per_tzid);
  add(
    'timetable.matches_intl',
    sample.mismatches.length === 0,
    `${sample.tz.length} instants over ${used.length} zones (every transition ±1 s + an even grid); ${sample.mismatches.length} mismatches${sample.mismatches.length ? ': ' + sample.mismatches.slice(0, 3).join('; ') : ''}`,
  );
  const kern = await kernelAgreement(ctx, tt, sample.tz, sample.utc);
  add(
    'kernel.wasm_equals_reference',
    kern.mismatches === 0,
    `k2aUtcToLocal/k2aLocalToUtc on ${sample.tz.length} instants: ${kern.mismatches} mismatches vs src/2A/kernels_ref.ts; ${kern.roundTripBad} local→UTC round-trip failures`,
  );
  stage.tick(1);

  // ── country consistency and corridors ──
  const cc = countryConsistency(w);
  const corridors = w.p.validation.corridors;
  const realism = Object.entries(corridors).map(([name, c]) => {
    const v = cc.metrics[name];
    const passed = typeof v === 'number' && v >= c.min && v <= c.max;
    add(`realism.${name}`, passed, `${name}=${typeof v === 'number' ? v.toFixed(4) : 'missing'} corridor [${c.min}, ${c.max}]`, c.required);
    return { metric: name, value: v ?? null, min: c.min, max: c.max, required: c.required, passed };
  });

  await sealSegment(ctx, {
    checks,
    // one S1 row per site of 1B's site_locations: the read-back holds s1_tz_lookup's files to it
    rows: { ...pub.rows, s1_tz_lookup: n },
    files: {
      'realism_2A.json': { segment: '2A', metrics: realism, methods: cc.methods, tzid_distribution: cc.tzids },
      'tz_country_consistency.json': {
        segment: '2A',
        source: 'CLDR region zones (Intl.Locale#timeZones) mapped to tz_world spelling',
        countries: cc.countries,
        mismatches_sample: cc.mismatches,
        cldr_zones_without_polygon: w.cz.unmatched,
      },
      's4_legality_report.json': pub.legalityReport,
      'tz_timetable_manifest.json': pub.timetableManifest,
    },
  });
  stage.tick(1);
  stage.done();
}

/** Instants per used zone: each transition −1 s / 0 / +1 s and an even grid over the horizon; Intl is the oracle. */
export function intlSample(t: Timetable, zones: string[], perZone: number) {
  const tz: number[] = [];
  const utc: number[] = [];
  const mismatches: string[] = [];
  for (const name of zones) {
    const z = tzIndexOf(t, name);
    if (z < 0) continue;
    const f = intlOffsetFn(name);
    const inst: number[] = [];
    for (let j = t.zoneStart[z] + 1; j < t.zoneStart[z + 1]; j++) inst.push(t.segStart[j] - US_PER_S, t.segStart[j], t.segStart[j] + US_PER_S);
    const span = t.horizonEndUs - t.horizonStartUs;
    for (let k = 0; k < perZone; k++) inst.push(t.horizonStartUs + Math.floor((span * (k + 0.5)) / perZone / US_PER_S) * US_PER_S);
    for (const u of inst) {
      tz.push(z);
      utc.push(u);
      const want = u + f(u / US_PER_S) * US_PER_S;
      const got = utcToLocal(t, z, u);
      if (got !== want) mismatches.push(`${name} @${new Date(u / 1000).toISOString()}: table ${(got - u) / US_PER_S}s vs Intl ${(want - u) / US_PER_S}s`);
    }
  }
  return { tz: Int32Array.from(tz), utc: BigInt64Array.from(utc, (u) => BigInt(u)), mismatches };
}

/** Run the wasm kernels on the pool (fixed shards) over the sample and compare with the TypeScript reference. */
async function kernelAgreement(ctx: RunContext, t: Timetable, tz: Int32Array, utc: BigInt64Array): Promise<{ mismatches: number; roundTripBad: number }> {
  const n = tz.length;
  const SHARD = 4096;
  const local = await utcToLocalBulk(ctx.pool, t, tz, utc, SHARD);
  const { utc: back, kind } = await localToUtcBulk(ctx.pool, t, tz, local, 'compatible', SHARD);
  const refLocal = utcToLocalRef(t, tz, utc);
  const refBack = localToUtcRef(t, tz, local, 0);
  let mismatches = 0,
    roundTripBad = 0;
  for (let i = 0; i < n; i++) {
    if (local[i] !== refLocal[i] || back[i] !== refBack.utc[i] || kind[i] !== refBack.kind[i]) mismatches++;
    // a wall time read back must give the instant itself, except in a fold where the instant may be the later occurrence
    if (back[i] !== utc[i]) {
      const r = localToUtcCode(t, tz[i], Number(local[i]), 2);
      if (!(kind[i] === 2 && BigInt(r.utcUs) === utc[i])) roundTripBad++;
    }
  }
  return { mismatches, roundTripBad };
}

function countryConsistency(w: World2A) {
  const { sites, world } = w;
  const n = sites.n;
  let known = 0,
    consistent = 0,
    fallback = 0,
    outOf = 0,
    nudged = 0,
    overridden = 0;
  const methods: Record<string, number> = Object.fromEntries(METHODS.map((m) => [m, 0]));
  const tzCount = new Map<string, number>();
  const per = new Map<string, { sites: number; zones: number; tz: Map<string, number>; mismatches: number; methods: Record<string, number> }>();
  const mismatches: { site: string; tzid: string; zones: string[] }[] = [];
  const fb = new Set(FALLBACK_METHODS.map((m) => M[m]));
  for (let i = 0; i < n; i++) {
    const iso = sites.iso[i];
    const C = w.cz.byCountry.get(iso) ?? [];
    const tz = world.zones[w.tz[i]];
    const m = METHODS[w.s1Method[i]];
    methods[m]++;
    tzCount.set(tz, (tzCount.get(tz) ?? 0) + 1);
    if (fb.has(w.s1Method[i])) fallback++;
    if (w.s1Method[i] === M.polygon_out_of_country) outOf++;
    if (w.s1Method[i] === M.nudge) nudged++;
    if (w.overrideScope[i] >= 0) overridden++;
    let c = per.get(iso);
    if (!c) per.set(iso, (c = { sites: 0, zones: C.length, tz: new Map(), mismatches: 0, methods: {} }));
    c.sites++;
    c.tz.set(tz, (c.tz.get(tz) ?? 0) + 1);
    c.methods[m] = (c.methods[m] ?? 0) + 1;
    if (C.length) {
      known++;
      if (C.includes(tz)) consistent++;
      else {
        c.mismatches++;
        if (mismatches.length < 50) mismatches.push({ site: `${sites.merchantId[i]}/${iso}/${sites.siteOrder[i]}`, tzid: tz, zones: C });
      }
    }
  }
  const multi = [...per.values()].filter((c) => c.zones >= 2 && c.sites >= 200);
  const metrics: Record<string, number> = {
    country_consistent_share: known ? consistent / known : 1,
    fallback_share: n ? fallback / n : 0,
    out_of_country_share: n ? outOf / n : 0,
    nudge_share: n ? nudged / n : 0,
    override_share: n ? overridden / n : 0,
    multi_zone_country_coverage: multi.length ? multi.filter((c) => c.tz.size >= 2).length / multi.length : 1,
    distinct_tzids: tzCount.size,
  };
  const countries = [...per.entries()]
    .sort((a, b) => asciiCompare(a[0], b[0]))
    .map(([iso, c]) => {
      const top = [...c.tz.entries()].sort((a, b) => b[1] - a[1] || asciiCompare(a[0], b[0]));
      return {
        iso,
        sites: c.sites,
        cldr_zones: c.zones,
        distinct_tzids: c.tz.size,
        top_tzid: top[0][0],
        top_share: top[0][1] / c.sites,
        mismatches: c.mismatches,
        methods: c.methods,
        tzids: top.map(([tzid, sites]) => ({ tzid, sites })),
      };
    });
  // arrays, not objects: the bundle's JSON sorts object keys, and this list is by site count
  const tzids = [...tzCount.entries()].sort((a, b) => b[1] - a[1] || asciiCompare(a[0], b[0])).map(([tzid, sites]) => ({ tzid, sites }));
  return { metrics, methods, countries, mismatches, tzids };
}
