// Substream: the TypeScript reference of assembly/rng/stream.ts (bit-identical).
//
// A substream = Philox key (k0, k1) + a 64-bit block counter (Philox counter words
// c0 = low 32 bits, c1 = high 32 bits, c2 = c3 = 0), starting at 0 by default (SPEC §5).
// Each block yields two 64-bit lanes, consumed in order:
//   lane0 = (x0 << 32) | x1,  lane1 = (x2 << 32) | x3.
// u01 = ((lane >>> 11) + 0.5) / 2^53 (open interval; see U01_MAX).
// Accounting: draws = lanes consumed, blocks = Philox blocks generated,
// counter range = [counterStart, counterEnd) with counterEnd = counterStart + blocks.

import { philoxInto } from './philox.js';

const INV_2_53 = 1.1102230246251565e-16; // 2^-53: multiplying is the same as dividing by 2^53
// Largest double below 1. For m >= 2^52, m + 0.5 is a tie that rounds to even; the single
// value m = 2^53 - 1 would round up to exactly 1.0, so clamp it to keep (0, 1) open.
export const U01_MAX = 0.9999999999999999;
const TWO_21 = 2097152; // x0 * 2^21 + (x1 >>> 11) == (lane >>> 11), exact below 2^53
const TWO_32 = 4294967296;

/** u01 of the lane (hi << 32 | lo): ((lane >>> 11) + 0.5) * 2^-53, clamped below 1. */
export function u01FromWords(hi: number, lo: number): number {
  return Math.min((hi * TWO_21 + (lo >>> 11) + 0.5) * INV_2_53, U01_MAX);
}

export class Substream {
  readonly k0: number;
  readonly k1: number;
  private readonly startLo: number;
  private readonly startHi: number;
  private ctrLo: number; // next block counter (low / high 32 bits)
  private ctrHi: number;
  private readonly buf = new Uint32Array(4);
  private lane = 2; // next lane to hand out; 2 = buffer empty
  private nDraws = 0;
  private nBlocks = 0;

  /** Substream with key (k0, k1), block counter starting at (blockHi << 32 | blockLo). */
  constructor(k0: number, k1: number, blockLo = 0, blockHi = 0) {
    this.k0 = k0 >>> 0;
    this.k1 = k1 >>> 0;
    this.startLo = blockLo >>> 0;
    this.startHi = blockHi >>> 0;
    this.ctrLo = this.startLo;
    this.ctrHi = this.startHi;
  }

  private refill(): void {
    philoxInto(this.ctrLo, this.ctrHi, 0, 0, this.k0, this.k1, this.buf);
    if (this.ctrLo === 0xffffffff) {
      this.ctrLo = 0;
      this.ctrHi = (this.ctrHi + 1) >>> 0;
    } else {
      this.ctrLo++;
    }
    this.nBlocks++;
  }

  /** Next uniform in (0, 1): top 53 bits of the next lane, centred. One draw. */
  u01(): number {
    if (this.lane === 2) {
      this.refill();
      this.lane = 0;
    }
    const i = this.lane << 1;
    this.lane++;
    this.nDraws++;
    return u01FromWords(this.buf[i]!, this.buf[i + 1]!);
  }

  /** Next raw 64-bit lane as [hi, lo] u32 words (counts as one draw). */
  lane32(out: Uint32Array): Uint32Array {
    if (this.lane === 2) {
      this.refill();
      this.lane = 0;
    }
    const i = this.lane << 1;
    this.lane++;
    this.nDraws++;
    out[0] = this.buf[i]!;
    out[1] = this.buf[i + 1]!;
    return out;
  }

  /** Lanes consumed so far. */
  get draws(): number {
    return this.nDraws;
  }

  /** Philox blocks generated so far. */
  get blocks(): number {
    return this.nBlocks;
  }

  /** First block counter of this substream. */
  get counterStart(): bigint {
    return BigInt(this.startHi) * BigInt(TWO_32) + BigInt(this.startLo);
  }

  /** One past the last block generated (= counterStart + blocks). */
  get counterEnd(): bigint {
    return BigInt(this.ctrHi) * BigInt(TWO_32) + BigInt(this.ctrLo);
  }
}
