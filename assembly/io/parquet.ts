// Parquet page bodies for src/io/fastparquet.ts (the TypeScript encoder there is the reference and
// gives the same bytes): definition levels, compaction of present values, DELTA_BINARY_PACKED and
// the RLE / bit-packed hybrid of dictionary indices. The scratch lives in static memory, so encoding
// never grows memory and never detaches views a caller holds over it (5B encodes straight after its
// kernel, whose output columns are such views).

/** Rows per page the scratch holds. */
const PQ_ROWS: i32 = 131072;
const V: usize = memory.data(PQ_ROWS); // validity, one byte per row
const IN: usize = memory.data(PQ_ROWS * 8); // values: 4 or 8 bytes per row, or i32 codes
const OUT: usize = memory.data(PQ_ROWS * 9 + 4096); // the page body
const DELTAS: usize = memory.data(128 * 8); // one delta block
const STATS: usize = memory.data(24, 8); // the last page's min, max (i64, or f64), present count (i32)
/** Dictionaries up to this many entries get their used codes marked in SEEN (bigger ones: TypeScript). */
const SEEN_CODES: i32 = 65536;
const SEEN: usize = memory.data(SEEN_CODES);

// page kinds
const K_PLAIN: i32 = 0;
const K_DELTA: i32 = 1;
const K_DICT: i32 = 2;
// Parquet encodings
const E_PLAIN: i32 = 0;
const E_DELTA_BINARY_PACKED: i32 = 5;
const E_RLE_DICTIONARY: i32 = 8;
/** Values past ±2^51 make a delta page PLAIN: deltas then stay within ±2^52, as the TS twin needs. */
const LIMIT: i64 = 1 << 51;
const RLE_MIN: i32 = 8;
// statistics modes (fastparquet.ts StatKind)
const ST_I32: i32 = 1;
const ST_I64: i32 = 2;
const ST_U64: i32 = 3;
const ST_F64: i32 = 4;
const ST_DICT: i32 = 5;

let lastEncoding: i32 = 0;

export function pqScratchRows(): i32 { return PQ_ROWS; }
export function pqScratchValid(): usize { return V; }
export function pqScratchIn(): usize { return IN; }
export function pqScratchOut(): usize { return OUT; }
export function pqEncoding(): i32 { return lastEncoding; }
export function pqScratchStats(): usize { return STATS; }
export function pqScratchSeen(): usize { return SEEN; }
export function pqSeenCodes(): i32 { return SEEN_CODES; }

@inline function varint(p: usize, v: u64): usize {
  while (v >= 128) {
    store<u8>(p++, <u8>((v & 127) | 128));
    v >>= 7;
  }
  store<u8>(p++, <u8>v);
  return p;
}

@inline function zz(v: i64): u64 {
  return v >= 0 ? <u64>v << 1 : (<u64>(-v) << 1) - 1;
}

@inline function bitsOf(x: u64): i32 {
  return x == 0 ? 0 : 64 - <i32>clz(x);
}

/** RLE / bit-packed hybrid of src[0, n) (i32 values < 2^width, or u8 when `bytes`), as fastparquet.ts's hybrid(). */
function hybrid(p: usize, src: usize, n: i32, width: i32, bytes: bool): usize {
  const vbytes = (width + 7) >> 3;
  let i = 0;
  while (i < n) {
    const v = bytes ? <u32>load<u8>(src + <usize>i) : load<u32>(src + (<usize>i << 2));
    let j = i + 1;
    if (bytes) { while (j < n && <u32>load<u8>(src + <usize>j) == v) j++; }
    else { while (j < n && load<u32>(src + (<usize>j << 2)) == v) j++; }
    if (j - i >= RLE_MIN) {
      p = varint(p, <u64>(j - i) * 2);
      for (let k = 0, x = v; k < vbytes; k++, x >>= 8) store<u8>(p++, <u8>x);
      i = j;
      continue;
    }
    // bit-packed groups of 8 from i, up to the first group boundary where a long run starts
    let k = i;
    for (;;) {
      k += 8;
      if (k >= n) break;
      const u = bytes ? <u32>load<u8>(src + <usize>k) : load<u32>(src + (<usize>k << 2));
      let r = k + 1;
      if (bytes) { while (r < n && r - k < RLE_MIN && <u32>load<u8>(src + <usize>r) == u) r++; }
      else { while (r < n && r - k < RLE_MIN && load<u32>(src + (<usize>r << 2)) == u) r++; }
      if (r - k >= RLE_MIN) break;
    }
    p = varint(p, <u64>((k - i) >> 3) * 2 + 1);
    let acc: u64 = 0;
    let bits: i32 = 0;
    const end = k < n ? k : n;
    for (let q = i; q < end; q++) {
      const x = bytes ? <u64>load<u8>(src + <usize>q) : <u64>load<u32>(src + (<usize>q << 2));
      acc |= x << <u64>bits;
      bits += width;
      while (bits >= 8) {
        store<u8>(p++, <u8>acc);
        acc >>= 8;
        bits -= 8;
      }
    }
    // the final group is zero-padded to 8 values
    bits += (k - end) * width;
    while (bits >= 8) {
      store<u8>(p++, <u8>acc);
      acc >>= 8;
      bits -= 8;
    }
    i = k;
  }
  return p;
}

/** DELTA_BINARY_PACKED of n values at src (i32 when !wide, i64 when wide); 0 when a value leaves ±2^51. */
function delta(p: usize, src: usize, n: i32, wide: bool): usize {
  p = varint(p, 128);
  p = varint(p, 4);
  p = varint(p, <u64>n);
  if (n == 0) return varint(p, 0);
  let prev: i64 = wide ? load<i64>(src) : <i64>load<i32>(src);
  if (prev <= -LIMIT || prev >= LIMIT) return 0;
  p = varint(p, zz(prev));
  const D = DELTAS;
  for (let s = 1; s < n; s += 128) {
    const m = min(128, n - s);
    let mn: i64 = i64.MAX_VALUE;
    for (let j = 0; j < m; j++) {
      let d: i64;
      if (wide) {
        const v = load<i64>(src + (<usize>(s + j) << 3));
        if (v <= -LIMIT || v >= LIMIT) return 0;
        d = v - prev;
        prev = v;
      } else {
        const v = load<i32>(src + (<usize>(s + j) << 2));
        // INT32 pages use 32-bit wrap-around deltas (readers hold min_delta in an int32)
        d = <i64>(v - <i32>prev);
        prev = <i64>v;
      }
      store<i64>(D + (<usize>j << 3), d);
      if (d < mn) mn = d;
    }
    p = varint(p, zz(mn));
    const widthAt = p;
    p += 4;
    for (let mb = 0; mb < 4; mb++) {
      const a = mb * 32;
      const b = min(m, a + 32);
      if (a >= b) {
        store<u8>(widthAt + <usize>mb, 0);
        continue;
      }
      let mx: u64 = 0;
      for (let j = a; j < b; j++) {
        const x = <u64>(load<i64>(D + (<usize>j << 3)) - mn);
        if (x > mx) mx = x;
      }
      const width = bitsOf(mx);
      store<u8>(widthAt + <usize>mb, <u8>width);
      if (width == 0) continue;
      let acc: u64 = 0;
      let bits: i32 = 0;
      for (let j = a; j < a + 32; j++) {
        const x: u64 = j < b ? <u64>(load<i64>(D + (<usize>j << 3)) - mn) : 0;
        // bits < 8 and width ≤ 53 here, so the shifted value fits the accumulator
        acc |= x << <u64>bits;
        bits += width;
        while (bits >= 8) {
          store<u8>(p++, <u8>acc);
          acc >>= 8;
          bits -= 8;
        }
      }
    }
  }
  return p;
}
/**
 * Min and max of n present values at src into STATS, branch-free. f64 skips NaN (a comparison with NaN is
 * false): none left shows as min > max. An empty page leaves the sentinels; the caller counts present.
 */
function minMax(src: usize, n: i32, stat: i32): void {
  if (stat == ST_F64) {
    let mn = Infinity, mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = load<f64>(src + (<usize>i << 3));
      mn = select<f64>(x, mn, x < mn);
      mx = select<f64>(x, mx, x > mx);
    }
    store<f64>(STATS, mn);
    store<f64>(STATS, mx, 8);
  } else if (stat == ST_I32) {
    let mn = i32.MAX_VALUE, mx = i32.MIN_VALUE;
    for (let i = 0; i < n; i++) {
      const x = load<i32>(src + (<usize>i << 2));
      mn = select<i32>(x, mn, x < mn);
      mx = select<i32>(x, mx, x > mx);
    }
    store<i64>(STATS, <i64>mn);
    store<i64>(STATS, <i64>mx, 8);
  } else if (stat == ST_U64) {
    let mn = u64.MAX_VALUE, mx: u64 = 0;
    for (let i = 0; i < n; i++) {
      const x = load<u64>(src + (<usize>i << 3));
      mn = select<u64>(x, mn, x < mn);
      mx = select<u64>(x, mx, x > mx);
    }
    store<u64>(STATS, mn);
    store<u64>(STATS, mx, 8);
  } else if (stat == ST_I64) {
    let mn = i64.MAX_VALUE, mx = i64.MIN_VALUE;
    for (let i = 0; i < n; i++) {
      const x = load<i64>(src + (<usize>i << 3));
      mn = select<i64>(x, mn, x < mn);
      mx = select<i64>(x, mx, x > mx);
    }
    store<i64>(STATS, mn);
    store<i64>(STATS, mx, 8);
  }
}

/**
 * One data page body into OUT, from rows [0, n) of values at `src` and validity at `valid` (when
 * `hasValid`) anywhere in this memory: the scratch IN / V, or a kernel's output columns, so a page's
 * values need not be copied first. Values are `width` bytes per row for PLAIN / DELTA, i32 codes for
 * DICT; `src` is only read (present values of a nullable page are compacted into IN). `optional`
 * writes definition levels (all present when !hasValid). Returns the body's length, or -1 for a
 * validity byte > 1, -2 for a code outside [0, dictN). pqEncoding gives the encoding. `stat` (ST_*,
 * 0 for none) also puts the present values' min and max in STATS, or marks their codes in SEEN
 * (dictN ≤ SEEN_CODES; the caller clears it per column chunk); STATS holds the present count either way.
 */
export function pqPageAt(src: usize, valid: usize, kind: i32, n: i32, width: i32, optional: bool, hasValid: bool, dictN: i32, dictBits: i32, stat: i32): i32 {
  let p = OUT;
  let present = n;
  if (optional) {
    if (hasValid) {
      present = 0;
      for (let i = 0; i < n; i++) {
        const x = <i32>load<u8>(valid + <usize>i);
        if (x > 1) return -1;
        present += x;
      }
      const e = hybrid(p + 4, valid, n, 1, true);
      store<u32>(p, <u32>(e - p - 4));
      p = e;
    } else {
      // declared nullable, all present: one RLE run of 1s
      const e = varint(p + 4, <u64>n * 2);
      store<u8>(e, 1);
      store<u32>(p, <u32>(e + 1 - p - 4));
      p = e + 1;
    }
    if (hasValid && present < n) {
      // the present values, compacted into IN (forward: in place when src is IN)
      const w = kind == K_DICT ? 4 : width;
      let o: usize = 0;
      for (let i = 0; i < n; i++) {
        if (load<u8>(valid + <usize>i) == 0) continue;
        if (w == 8) store<u64>(IN + (o << 3), load<u64>(src + (<usize>i << 3)));
        else store<u32>(IN + (o << 2), load<u32>(src + (<usize>i << 2)));
        o++;
      }
      src = IN;
    }
  }
  store<i32>(STATS, present, 16);
  if (kind == K_DICT) {
    if (stat == ST_DICT && dictN <= SEEN_CODES) {
      for (let i = 0; i < present; i++) {
        const c = load<u32>(src + (<usize>i << 2));
        if (c >= <u32>dictN) return -2;
        store<u8>(SEEN + <usize>c, 1);
      }
    } else {
      for (let i = 0; i < present; i++) {
        if (load<u32>(src + (<usize>i << 2)) >= <u32>dictN) return -2;
      }
    }
    store<u8>(p++, <u8>dictBits);
    lastEncoding = E_RLE_DICTIONARY;
    return <i32>(hybrid(p, src, present, dictBits, false) - OUT);
  }
  minMax(src, present, stat);
  if (kind == K_DELTA && present > 0) {
    const e = delta(p, src, present, width == 8);
    if (e != 0) {
      lastEncoding = E_DELTA_BINARY_PACKED;
      return <i32>(e - OUT);
    }
  }
  memory.copy(p, src, <usize>present * <usize>width);
  lastEncoding = E_PLAIN;
  return <i32>(p + <usize>present * <usize>width - OUT);
}
