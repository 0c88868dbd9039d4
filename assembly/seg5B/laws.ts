// k5bLaws: 5B's per-row laws over one shard's k5bArrivals columns, counted where the worker encodes
// them. TypeScript reference: src/segments/5B/laws.ts shardLaws (the tests check equal results). Results go
// to static memory, so the call never grows memory under the caller's views of the columns.

const MAX_H: i32 = 65536;
// [0, 16) f64 counters (see k5bLaws), [16, 40) local-hour counts, then arrivals and Σ count_N per bucket
const OUT: usize = memory.data(40 * 8 + 2 * MAX_H * 4);
const MINUTE_US: i64 = 60_000_000;
const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 86_400_000_000;
const OFFSET_MIN: i64 = -12 * HOUR_US;
const OFFSET_MAX: i64 = 14 * HOUR_US;

// Divisions go through f64: exact here (values below 2^53, divisors whose reciprocal exceeds half an
// ulp of the quotient), as in the TypeScript twin, and much cheaper than i64 division.
@inline function badOffset(d: i64): bool {
  if (d < OFFSET_MIN || d > OFFSET_MAX) return true;
  const x = <f64>d;
  return Math.floor(x / <f64>MINUTE_US) * <f64>MINUTE_US != x;
}

export function k5bLawsMaxH(): i32 { return MAX_H; }

/**
 * Counters at the returned pointer (f64): 0 order, 1 bucket, 2 routing, 3 offset, 4 summary split,
 * 5 ts min, 6 ts max (NaN when n = 0), 7 virtual, 8 night, 9 weekend; then 24 f64 local-hour counts
 * at +16·8, then i32 arrivals per bucket and i32 Σ count_N per bucket (H each) at +40·8.
 * weekendMask: bit d set for ISO day d (1 = Monday). H ≤ k5bLawsMaxH().
 */
export function k5bLaws(n: i32, merchant: usize, seq: usize, ts: usize, bucket: usize, virt: usize, site: usize, edge: usize, tzOp: usize, local: usize, localOp: usize,
  ns: i32, sBucket: usize, sN: usize, sPhys: usize, sVirt: usize, H: i32, h0Us: i64, bucketUs: i64, weekendMask: i32, nightEnd: i32): usize {
  const hours = OUT + 16 * 8;
  const perBucket = OUT + 40 * 8;
  const perSummary = perBucket + (<usize>H << 2);
  memory.fill(OUT, 0, 40 * 8 + (<usize>H << 3));
  let order = 0, bad = 0, routing = 0, offset = 0, nVirt = 0, night = 0, wk = 0;
  let tMin: i64 = 0, tMax: i64 = 0;
  let pm: u64 = 0, ps: u64 = 0, pt: u64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const m = load<u64>(merchant + o), s = load<u64>(seq + o), tu = load<u64>(ts + o);
    const same = i > 0 && m == pm;
    if (i > 0 && !same && m < pm) order++;
    else if (s != (same ? ps + 1 : 1)) order++;
    else if (same && tu < pt) order++;
    pm = m;
    ps = s;
    pt = tu;
    const t = <i64>tu;
    if (i == 0 || t < tMin) tMin = t;
    if (i == 0 || t > tMax) tMax = t;
    const b = load<i32>(bucket + (<usize>i << 2));
    // b = floor((t − start) / bucket) and 0 ≤ b < H, without a division
    const s0 = h0Us + <i64>b * bucketUs;
    if (b < 0 || b >= H || t < s0 || t - s0 >= bucketUs) bad++;
    else store<i32>(perBucket + (<usize>b << 2), load<i32>(perBucket + (<usize>b << 2)) + 1);
    const v = load<u8>(virt + <usize>i);
    if (v == 1) {
      nVirt++;
      if (load<i32>(edge + (<usize>i << 2)) < 0 || load<i32>(tzOp + (<usize>i << 2)) < 0) routing++;
      if (badOffset(load<i64>(localOp + o) - t)) offset++;
    } else if (v != 0 || load<i32>(site + (<usize>i << 2)) < 1) routing++;
    const l = load<i64>(local + o);
    if (badOffset(l - t) || l < 0) {
      offset++;
      continue;
    }
    const lf = <f64>l;
    const h = <i32>Math.floor(lf / <f64>HOUR_US) % 24;
    const hp = hours + (<usize>h << 3);
    store<f64>(hp, load<f64>(hp) + 1);
    if (h < nightEnd) night++;
    if ((weekendMask >> ((<i32>Math.floor(lf / <f64>DAY_US) + 3) % 7 + 1)) & 1) wk++;
  }
  let split = 0;
  for (let i = 0; i < ns; i++) {
    const q = <usize>i << 2;
    const c = load<i32>(sN + q);
    if (c != load<i32>(sPhys + q) + load<i32>(sVirt + q) || c < 1) split++;
    const b = load<i32>(sBucket + q);
    if (b >= 0 && b < H) store<i32>(perSummary + (<usize>b << 2), load<i32>(perSummary + (<usize>b << 2)) + c);
    else split++;
  }
  store<f64>(OUT, <f64>order);
  store<f64>(OUT + 8, <f64>bad);
  store<f64>(OUT + 16, <f64>routing);
  store<f64>(OUT + 24, <f64>offset);
  store<f64>(OUT + 32, <f64>split);
  store<f64>(OUT + 40, n > 0 ? <f64>tMin : NaN);
  store<f64>(OUT + 48, n > 0 ? <f64>tMax : NaN);
  store<f64>(OUT + 56, <f64>nVirt);
  store<f64>(OUT + 64, <f64>night);
  store<f64>(OUT + 72, <f64>wk);
  return OUT;
}
