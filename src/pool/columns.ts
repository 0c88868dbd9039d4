// Shared (SharedArrayBuffer-backed) typed columns; their slices are the column arguments of kernel tasks.
import type { ElemType, InArg, OutArg, ResArg } from './task.js';
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
  /**
   * The column over `data`'s own memory when it already lives on a SharedArrayBuffer (a whole buffer of
   * this element type, as sharedArray makes them): no copy; otherwise a copy, as from().
   */
  static share<T extends ElemType>(type: T, data: ArrayLike<number> | BigUint64Array): SharedCol<T> {
    const v = data as Typed;
    if (v.buffer instanceof SharedArrayBuffer && v.byteOffset === 0 && v.BYTES_PER_ELEMENT === ELEM_BYTES[type] && v.constructor === VIEW[type]) {
      const c = Object.create(SharedCol.prototype) as SharedCol<T>;
      Object.assign(c, { type, length: v.length, buf: v.buffer });
      return c;
    }
    return SharedCol.from(type, data);
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
  /** The whole column, resident in each worker's wasm memory while tasks name the same set (`key`: set + column). */
  res(key: string): ResArg<T> {
    return { kind: 'res', key, col: { buf: this.buf, type: this.type, offset: 0, length: this.length } };
  }
  /** The whole column (a lookup table every shard needs). */
  all(): InArg<T> {
    return { kind: 'in', col: { buf: this.buf, type: this.type, offset: 0, length: this.length } };
  }
}

const VIEW: Record<ElemType, unknown> = { u8: Uint8Array, i32: Int32Array, u32: Uint32Array, f64: Float64Array, u64: BigUint64Array };

type TypedCtor<T> = { new (buf: SharedArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/**
 * A zeroed typed array on its own SharedArrayBuffer: what a segment hands the pool (kernel inputs,
 * planned columns) crosses to the workers without a copy.
 */
export function sharedArray<T>(C: TypedCtor<T>, n: number): T {
  return new C(new SharedArrayBuffer(Math.max(8, n * C.BYTES_PER_ELEMENT)), 0, n);
}

/** Prefix offsets (n + 1, on shared memory) of per-item counts: item i's rows are [off[i], off[i + 1]). */
export function offsetsOf(count: ArrayLike<number>): Int32Array {
  const off = sharedArray(Int32Array, count.length + 1);
  for (let i = 0; i < count.length; i++) off[i + 1] = off[i] + count[i];
  return off;
}
