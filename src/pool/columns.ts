// Shared (SharedArrayBuffer-backed) typed columns; their slices are the column arguments of kernel tasks.
import type { ElemType, InArg, OutArg } from './task.js';
import { ELEM_BYTES } from './task.js';

type Typed = Uint8Array | Int32Array | Uint32Array | Float64Array | BigUint64Array;

/** T: the element type, carried into the kernel arguments so a declaration can check it. */
export class SharedCol<T extends ElemType = ElemType> {
  readonly buf: SharedArrayBuffer;
  constructor(
    readonly type: T,
    readonly length: number,
  ) {
    this.buf = new SharedArrayBuffer(Math.max(8, length * ELEM_BYTES[type]));
  }
  static from<T extends ElemType>(type: T, data: ArrayLike<number> | BigUint64Array): SharedCol<T> {
    const c = new SharedCol(type, data.length);
    (c.view() as any).set(data);
    return c;
  }
  view(): Typed {
    switch (this.type) {
      case 'u8':
        return new Uint8Array(this.buf, 0, this.length);
      case 'i32':
        return new Int32Array(this.buf, 0, this.length);
      case 'u32':
        return new Uint32Array(this.buf, 0, this.length);
      case 'f64':
        return new Float64Array(this.buf, 0, this.length);
      case 'u64':
        return new BigUint64Array(this.buf, 0, this.length);
    }
  }
  /** Rows [start, end) of a column with `per` elements per row. */
  in(start: number, end: number, per = 1): InArg<T> {
    return { kind: 'in', col: { buf: this.buf, type: this.type, offset: start * per, length: (end - start) * per } };
  }
  out(start: number, end: number, per = 1): OutArg<T> {
    return { kind: 'out', col: { buf: this.buf, type: this.type, offset: start * per, length: (end - start) * per } };
  }
  /** The whole column (a lookup table every shard needs). */
  all(): InArg<T> {
    return { kind: 'in', col: { buf: this.buf, type: this.type, offset: 0, length: this.length } };
  }
}
