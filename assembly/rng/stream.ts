// The current substream (one at a time, module globals, no allocation).
//
// A substream = Philox key (k0, k1) + a 64-bit block counter (Philox counter words
// c0 = low 32 bits, c1 = high 32 bits, c2 = c3 = 0), starting at 0 unless streamInitAt.
// Each block yields two 64-bit lanes, consumed in order:
//   lane0 = (x0 << 32) | x1,  lane1 = (x2 << 32) | x3.
// u01 = ((lane >>> 11) + 0.5) / 2^53, the SPEC §5 open-interval uniform.
// Accounting: draws = lanes consumed, blocks = Philox blocks generated,
// counter range = [start, start + blocks). Mirrors src/rng/stream.ts bit for bit.

import { philoxRounds, philoxX0, philoxX1, philoxX2, philoxX3 } from "./philox";

// 2^-53: (m + 0.5) * 2^-53 == (m + 0.5) / 2^53 exactly (power of two)
const INV_2_53: f64 = 1.1102230246251565e-16;
// Largest double below 1. For m >= 2^52, m + 0.5 is a tie that rounds to even; the single
// value m = 2^53 - 1 would round up to exactly 1.0, so clamp it to keep (0, 1) open.
const U01_MAX: f64 = 0.9999999999999999;

let sK0: u32 = 0;
let sK1: u32 = 0;
let sStart: u64 = 0; // first block counter of this substream
let sCtr: u64 = 0; // next block counter to generate
let sLane0: u64 = 0;
let sLane1: u64 = 0;
let sLaneIdx: i32 = 2; // next lane to hand out; 2 = buffer empty
let sDraws: u64 = 0;
let sBlocks: u64 = 0;

/** Make (k0, k1) the current substream, block counter at 0, accounting reset. */
export function streamInit(k0: u32, k1: u32): void {
  streamInitAt(k0, k1, 0, 0);
}

/** Make (k0, k1) the current substream starting at block counter (blockHi << 32 | blockLo). */
export function streamInitAt(k0: u32, k1: u32, blockLo: u32, blockHi: u32): void {
  sK0 = k0;
  sK1 = k1;
  sStart = (<u64>blockHi << 32) | <u64>blockLo;
  sCtr = sStart;
  sLaneIdx = 2;
  sDraws = 0;
  sBlocks = 0;
}

// @ts-ignore: decorator
@inline function refill(): void {
  philoxRounds(<u32>sCtr, <u32>(sCtr >> 32), 0, 0, sK0, sK1);
  sLane0 = (<u64>philoxX0 << 32) | <u64>philoxX1;
  sLane1 = (<u64>philoxX2 << 32) | <u64>philoxX3;
  sCtr += 1;
  sBlocks += 1;
}

/** Next raw 64-bit lane (counts as one draw). */
// @ts-ignore: decorator
@inline
export function streamLane(): u64 {
  let i = sLaneIdx;
  if (i >= 2) {
    refill();
    i = 0;
  }
  sLaneIdx = i + 1;
  sDraws += 1;
  return i == 0 ? sLane0 : sLane1;
}

/** Next uniform in (0, 1): top 53 bits of the next lane, centred. One draw. */
// @ts-ignore: decorator
@inline
export function streamU01(): f64 {
  return min((<f64>(streamLane() >> 11) + 0.5) * INV_2_53, U01_MAX);
}

/** Lanes consumed since init. */
export function streamDraws(): u64 {
  return sDraws;
}

/** Philox blocks generated since init. */
export function streamBlocks(): u64 {
  return sBlocks;
}

/** Block counter the substream started at (low / high 32 bits). */
export function streamCounterStartLo(): u32 {
  return <u32>sStart;
}
export function streamCounterStartHi(): u32 {
  return <u32>(sStart >> 32);
}

/** One past the last block generated (= start + blocks), low / high 32 bits. */
export function streamCounterEndLo(): u32 {
  return <u32>sCtr;
}
export function streamCounterEndHi(): u32 {
  return <u32>(sCtr >> 32);
}
