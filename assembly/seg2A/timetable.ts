// Segment 2A civil-time kernels: bulk UTC <-> local conversion over a compiled timetable
// (src/segments/2A/timetable.ts builds it; src/segments/2A/kernels_ref.ts is the TypeScript reference, bit for bit).
// Layout: zoneStart i32[nZones+1]; segStart i64[nSeg] (UTC µs, i64.MIN_VALUE = -infinity for a zone's
// first segment); segOffset i32[nSeg] (seconds). Rows: tz i32, time i64 (µs). An out-of-range tz index
// yields i64.MIN_VALUE (and kind 255 for local→UTC).

const US: i64 = 1000000;

@inline function zoneAt(p: usize, z: i32): i32 { return load<i32>(p + (<usize>z << 2)); }
@inline function startAt(p: usize, j: i32): i64 { return load<i64>(p + (<usize>j << 3)); }
@inline function offAt(p: usize, j: i32): i64 { return <i64>load<i32>(p + (<usize>j << 2)); }

/** Local wall time (µs) of each UTC instant: utc + offset of the last segment starting at or before it. */
export function k2aUtcToLocal(n: i32, tz: usize, utc: usize, nZones: i32, zoneStart: usize, segStart: usize, segOffset: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    let z = load<i32>(tz + (<usize>i << 2));
    let u = load<i64>(utc + (<usize>i << 3));
    if (z < 0 || z >= nZones) { store<i64>(out + (<usize>i << 3), i64.MIN_VALUE); continue; }
    let lo = zoneAt(zoneStart, z), hi = zoneAt(zoneStart, z + 1) - 1;
    while (lo < hi) {
      let mid = (lo + hi + 1) >> 1;
      if (startAt(segStart, mid) <= u) lo = mid; else hi = mid - 1;
    }
    store<i64>(out + (<usize>i << 3), u + offAt(segOffset, lo) * US);
  }
}

/** UTC instant (µs) of each local wall time; kind 0 unique, 1 gap, 2 fold.
 *  mode: 0 compatible (gap → later, fold → earlier), 1 earlier, 2 later, 3 reject (i64.MIN_VALUE). */
export function k2aLocalToUtc(n: i32, tz: usize, local: usize, nZones: i32, zoneStart: usize, segStart: usize, segOffset: usize, mode: i32, outUtc: usize, outKind: usize): void {
  for (let i = 0; i < n; i++) {
    let z = load<i32>(tz + (<usize>i << 2));
    let L = load<i64>(local + (<usize>i << 3));
    let res: i64 = i64.MIN_VALUE;
    let kind: u8 = 255;
    if (z >= 0 && z < nZones) {
      let s0 = zoneAt(zoneStart, z);
      let lo = s0, hi = zoneAt(zoneStart, z + 1) - 1;
      while (lo < hi) {
        let mid = (lo + hi + 1) >> 1;
        let a = offAt(segOffset, mid - 1), b = offAt(segOffset, mid);
        let w = startAt(segStart, mid) + (a < b ? a : b) * US;
        if (w <= L) lo = mid; else hi = mid - 1;
      }
      let k = lo;
      if (k == s0) { res = L - offAt(segOffset, k) * US; kind = 0; }
      else {
        let before = offAt(segOffset, k - 1), after = offAt(segOffset, k);
        let end = startAt(segStart, k) + (before > after ? before : after) * US;
        if (L >= end || before == after) { res = L - after * US; kind = 0; }
        else if (after > before) {
          kind = 1;
          res = mode == 3 ? i64.MIN_VALUE : L - (mode == 1 ? after : before) * US;
        } else {
          kind = 2;
          res = mode == 3 ? i64.MIN_VALUE : L - (mode == 2 ? after : before) * US;
        }
      }
    }
    store<i64>(outUtc + (<usize>i << 3), res);
    store<u8>(outKind + <usize>i, kind);
  }
}
