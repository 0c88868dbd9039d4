// Shared (SharedArrayBuffer-backed) typed columns and the per-shard argument lists built from them.
import type { ElemType, KernelArg } from './task.js';
import { ELEM_BYTES } from './task.js';

type Typed = Uint8Array | Int32Array | Uint32Array | Float64Array | BigUint64Array;

export class SharedCol {
  readonly buf: SharedArrayBuffer;
  constructor(
    readonly type: ElemType,
    readonly length: number,
  ) {
    this.buf = new SharedArrayBuffer(Math.max(8, length * ELEM_BYTES[type]));
  }
  static from(type: ElemType, data: ArrayLike<number> | BigUint64Array): SharedCol {
    const c = new SharedCol(type, data.length);
    (c.view() as any).set(data);
    return c;
  }
  view(): Typed {
    switch (this.type) {
      case 'u8': return new Uint8Array(this.buf, 0, this.length);
      case 'i32': return new Int32Array(this.buf, 0, this.length);
      case 'u32': return new Uint32Array(this.buf, 0, this.length);
      case 'f64': return new Float64Array(this.buf, 0, this.length);
      case 'u64': return new BigUint64Array(this.buf, 0, this.length);
    }
  }
  /** Rows [start, end) of a column with `per` elements per row. */
  in(start: number, end: number, per = 1): KernelArg {
    return { kind: 'in', col: { buf: this.buf, type: this.type, offset: start * per, length: (end - start) * per } };
  }
  out(start: number, end: number, per = 1): KernelArg {
    return { kind: 'out', col: { buf: this.buf, type: this.type, offset: start * per, length: (end - start) * per } };
  }
  /** The whole column (a lookup table every shard needs). */
  all(): KernelArg {
    return { kind: 'in', col: { buf: this.buf, type: this.type, offset: 0, length: this.length } };
  }
}

export const scalar = (value: number): KernelArg => ({ kind: 'scalar', value });
