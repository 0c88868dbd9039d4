// 2A.S3/S4 and the civil-time library: compiled tables against Intl (an independent oracle:
// formatToParts wall clock, not the longOffset string the compiler parses), DST edges in both
// hemispheres, half- and quarter-hour zones, Lord Howe's 30-minute DST, gap/fold detection, and the
// wasm kernels against their TypeScript reference bit for bit.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  civilClock,
  compileTimetable,
  timetableDigest,
  tzIndexOf,
  utcToLocal,
  localToUtc,
  dstWindows,
  LocalKind,
  US_PER_S,
  type Timetable,
} from '../src/laws/time/timetable.js';
import { legality } from '../src/segments/2A/s4_legality.js';
import { kernelTable, utcToLocalRef, localToUtcRef, I64_MIN } from '../src/laws/time/ref.js';
import { instantiateKernelsSync } from '../src/rng/wasm.js';
import { runTask } from '../src/pool/task.js';
import { SharedCol } from '../src/pool/columns.js';
import { k2aLocalToUtc, k2aUtcToLocal } from '../src/kernels/2A.js';

const H0 = Date.UTC(2020, 0, 1) * 1000;
const H1 = Date.UTC(2031, 0, 1) * 1000;
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Africa/Casablanca',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Europe/Dublin',
  'Pacific/Apia',
  'America/Santiago',
  'Asia/Tehran',
  'Antarctica/Troll',
  'Etc/GMT+5',
];
const wall = (iso: string) => Date.parse(iso + 'Z') * 1000; // a local wall time as µs "as if UTC"
const utc = (iso: string) => Date.parse(iso) * 1000;

let T: Timetable;
beforeAll(() => {
  T = compileTimetable(ZONES, { horizonStartUs: H0, horizonEndUs: H1, scanStepSeconds: 168 * 3600 });
});

/** Wall clock from Intl.formatToParts (independent of the longOffset parser), as µs "as if UTC". */
function intlWall(tz: string): (u: number) => number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (u) => {
    const p = Object.fromEntries(f.formatToParts(u / 1000).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) * 1000;
  };
}

describe('timetable compiled from the runtime tzdb', () => {
  it('a 168 h scan finds exactly what a 24 h scan finds, for every zone the runtime knows', () => {
    const all = Intl.supportedValuesOf('timeZone');
    const a = compileTimetable(all, { horizonStartUs: H0, horizonEndUs: H1, scanStepSeconds: 168 * 3600 });
    const b = compileTimetable(all, { horizonStartUs: H0, horizonEndUs: H1, scanStepSeconds: 24 * 3600 });
    expect(timetableDigest(a)).toBe(timetableDigest(b));
    expect(a.segStart.length - a.tzids.length).toBeGreaterThan(2000); // transitions
  });

  it('utcToLocal equals Intl wall clocks on 400 instants per zone across the horizon', () => {
    let s = 12345;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const tz of ZONES) {
      const z = tzIndexOf(T, tz);
      const oracle = intlWall(tz);
      for (let k = 0; k < 400; k++) {
        const u = H0 + Math.floor((rnd() * (H1 - H0)) / US_PER_S) * US_PER_S;
        expect(utcToLocal(T, z, u), `${tz} ${new Date(u / 1000).toISOString()}`).toBe(oracle(u));
      }
      // and one second either side of every transition
      for (let j = T.zoneStart[z] + 1; j < T.zoneStart[z + 1]; j++) {
        for (const u of [T.segStart[j] - US_PER_S, T.segStart[j]]) expect(utcToLocal(T, z, u), `${tz} edge`).toBe(oracle(u));
      }
    }
  });

  it('Paris: spring-forward gap and autumn fold (2024), every disambiguation', () => {
    const z = tzIndexOf(T, 'Europe/Paris');
    expect(utcToLocal(T, z, utc('2024-03-31T00:59:59Z'))).toBe(wall('2024-03-31T01:59:59'));
    expect(utcToLocal(T, z, utc('2024-03-31T01:00:00Z'))).toBe(wall('2024-03-31T03:00:00'));
    const gap = wall('2024-03-31T02:30:00');
    expect(localToUtc(T, z, gap)).toEqual({ utcUs: utc('2024-03-31T01:30:00Z'), kind: LocalKind.GAP }); // compatible: moves forward
    expect(localToUtc(T, z, gap, 'later').utcUs).toBe(utc('2024-03-31T01:30:00Z'));
    expect(localToUtc(T, z, gap, 'earlier').utcUs).toBe(utc('2024-03-31T00:30:00Z'));
    expect(Number.isNaN(localToUtc(T, z, gap, 'reject').utcUs)).toBe(true);
    const fold = wall('2024-10-27T02:30:00');
    expect(localToUtc(T, z, fold)).toEqual({ utcUs: utc('2024-10-27T00:30:00Z'), kind: LocalKind.FOLD });
    expect(localToUtc(T, z, fold, 'later')).toEqual({ utcUs: utc('2024-10-27T01:30:00Z'), kind: LocalKind.FOLD });
    expect(localToUtc(T, z, wall('2024-07-01T12:00:00'))).toEqual({ utcUs: utc('2024-07-01T10:00:00Z'), kind: LocalKind.UNIQUE });
    expect(localToUtc(T, z, wall('2024-10-27T03:00:00'))).toEqual({ utcUs: utc('2024-10-27T02:00:00Z'), kind: LocalKind.UNIQUE });
  });

  it('a bound clock gives the same answers', () => {
    const c = civilClock(T);
    const z = c.tzIndex('America/New_York');
    expect(c.utcToLocal(z, utc('2024-03-10T07:00:00Z'))).toBe(wall('2024-03-10T03:00:00'));
    expect(c.offsetSeconds(z, utc('2024-03-10T06:59:59Z'))).toBe(-5 * 3600);
    expect(c.localToUtc(z, wall('2024-11-03T01:30:00'), 'later')).toEqual({ utcUs: utc('2024-11-03T06:30:00Z'), kind: LocalKind.FOLD });
    expect(c.tzIndex('Nowhere/Land')).toBe(-1);
  });

  it('southern hemisphere: Sydney is +11 in January and +10 in July; its gap is in October', () => {
    const z = tzIndexOf(T, 'Australia/Sydney');
    expect(utcToLocal(T, z, utc('2025-01-15T00:00:00Z'))).toBe(wall('2025-01-15T11:00:00'));
    expect(utcToLocal(T, z, utc('2025-07-15T00:00:00Z'))).toBe(wall('2025-07-15T10:00:00'));
    expect(localToUtc(T, z, wall('2025-10-05T02:30:00')).kind).toBe(LocalKind.GAP);
    expect(localToUtc(T, z, wall('2025-04-06T02:30:00')).kind).toBe(LocalKind.FOLD);
  });

  it('Lord Howe: 30-minute DST (+10:30 / +11), windows of 30 minutes', () => {
    const z = tzIndexOf(T, 'Australia/Lord_Howe');
    const ws = dstWindows(T, z);
    expect(ws.length).toBe(22);
    for (const w of ws) expect(Math.abs(w.offsetAfter - w.offsetBefore)).toBe(1800);
    expect(localToUtc(T, z, wall('2024-10-06T02:15:00')).kind).toBe(LocalKind.GAP); // 02:00 → 02:30
    expect(localToUtc(T, z, wall('2024-10-06T02:30:00')).kind).toBe(LocalKind.UNIQUE);
    expect(localToUtc(T, z, wall('2024-04-07T01:45:00')).kind).toBe(LocalKind.FOLD); // 02:00 → 01:30
    expect(utcToLocal(T, z, utc('2024-07-01T00:00:00Z'))).toBe(wall('2024-07-01T10:30:00'));
  });

  it('half- and quarter-hour zones without DST: Kolkata +5:30, Kathmandu +5:45, no windows', () => {
    for (const [tz, off] of [
      ['Asia/Kolkata', 19800],
      ['Asia/Kathmandu', 20700],
    ] as const) {
      const z = tzIndexOf(T, tz);
      expect(dstWindows(T, z)).toEqual([]);
      expect(utcToLocal(T, z, utc('2027-03-01T12:00:00Z')) - utc('2027-03-01T12:00:00Z')).toBe(off * US_PER_S);
      expect(localToUtc(T, z, wall('2027-03-01T17:30:00')).utcUs).toBe(utc('2027-03-01T12:00:00Z') + (19800 - off) * US_PER_S);
    }
  });

  it('legality: counts gaps and folds per zone, flags missing zones and illegal offsets', () => {
    const used = new Map([
      ['Europe/Paris', 10],
      ['Asia/Kolkata', 5],
      ['Africa/Casablanca', 2],
      ['Mars/Olympus_Mons', 1],
    ]);
    const L = legality(T, used, { min: -900, max: 900 });
    const by = Object.fromEntries(L.zones.map((z) => [z.tzid, z]));
    expect([by['Europe/Paris'].gap_windows, by['Europe/Paris'].fold_windows, by['Europe/Paris'].status]).toEqual([11, 11, 'legal']);
    expect([by['Asia/Kolkata'].gap_windows, by['Asia/Kolkata'].fold_windows]).toEqual([0, 0]);
    // Morocco's Ramadan suspension: clocks go back (fold) before and forward (gap) after
    expect(by['Africa/Casablanca'].fold_windows).toBeGreaterThanOrEqual(10);
    expect(by['Mars/Olympus_Mons'].status).toBe('missing');
    expect(L.status).toBe('FAIL');
    expect(L.sitesTotal).toBe(18);
    expect(L.windows.filter((w) => w.tzid === 'Europe/Paris').every((w) => w.sites === 10)).toBe(true);
    // an offset outside the bounds makes the zone illegal
    const bad = { ...T, segOffset: Int32Array.from(T.segOffset) };
    bad.segOffset[bad.zoneStart[tzIndexOf(T, 'Asia/Kolkata')]] = 16 * 3600;
    const L2 = legality(
      bad,
      new Map([
        ['Asia/Kolkata', 1],
        ['Europe/Paris', 1],
      ]),
      { min: -900, max: 900 },
    );
    expect(L2.zones.find((z) => z.tzid === 'Asia/Kolkata')!.status).toBe('illegal');
    expect(L2.status).toBe('FAIL');
    expect(legality(T, new Map([['Europe/Paris', 1]]), { min: -900, max: 900 }).status).toBe('PASS');
  });
});

describe('2A kernels: wasm == TypeScript reference', () => {
  it('k2aUtcToLocal and k2aLocalToUtc agree bit for bit (all modes, windows, bad tz index)', () => {
    const ex = instantiateKernelsSync();
    const kt = kernelTable(T);
    const tz: number[] = [];
    const ts: bigint[] = [];
    let s = 99;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let z = 0; z < T.tzids.length; z++) {
      for (let j = T.zoneStart[z] + 1; j < T.zoneStart[z + 1]; j++) {
        for (const d of [-7200, -3600, -1800, -1, 0, 1, 1799, 1800, 3599, 3600, 5400]) {
          tz.push(z);
          ts.push(BigInt(T.segStart[j] + d * US_PER_S));
        }
      }
      for (let k = 0; k < 200; k++) {
        tz.push(z);
        ts.push(BigInt(H0 - 86_400 * US_PER_S * 30 + Math.floor((rnd() * (H1 - H0 + 86_400 * US_PER_S * 60)) / US_PER_S) * US_PER_S));
      }
    }
    tz.push(-1, T.tzids.length);
    ts.push(0n, 0n);
    const n = tz.length;
    const tzA = Int32Array.from(tz),
      tsA = BigInt64Array.from(ts);
    const u64 = (a: BigInt64Array) => new BigUint64Array(a.buffer, a.byteOffset, a.length);
    const cols = {
      tz: SharedCol.from('i32', tzA),
      t: SharedCol.from('u64', u64(tsA)),
      zs: SharedCol.from('i32', kt.zoneStart),
      ss: SharedCol.from('u64', u64(kt.segStart)),
      so: SharedCol.from('i32', kt.segOffset),
    };
    const out = new SharedCol('u64', n);
    const table = { nZones: kt.nZones, zoneStart: cols.zs.all(), segStart: cols.ss.all(), segOffset: cols.so.all() };
    runTask(ex, k2aUtcToLocal.task({ n, tz: cols.tz.all(), utc: cols.t.all(), ...table, out: out.out(0, n) }));
    const got = new BigInt64Array((out.view() as BigUint64Array).slice().buffer);
    expect(got).toEqual(utcToLocalRef(T, tzA, tsA));
    expect(got[n - 1]).toBe(I64_MIN);
    let gaps = 0,
      folds = 0;
    for (const mode of [0, 1, 2, 3]) {
      const o = new SharedCol('u64', n),
        k = new SharedCol('u8', n);
      // the same instants read as wall times hit gaps and folds
      runTask(ex, k2aLocalToUtc.task({ n, tz: cols.tz.all(), local: cols.t.all(), ...table, mode, outUtc: o.out(0, n), outKind: k.out(0, n) }));
      const ref = localToUtcRef(T, tzA, tsA, mode);
      expect(new BigInt64Array((o.view() as BigUint64Array).slice().buffer)).toEqual(ref.utc);
      expect(Uint8Array.from(k.view() as Uint8Array)).toEqual(ref.kind);
      gaps = ref.kind.filter((x) => x === 1).length;
      folds = ref.kind.filter((x) => x === 2).length;
    }
    expect(gaps).toBeGreaterThan(100);
    expect(folds).toBeGreaterThan(100);
  });
});
