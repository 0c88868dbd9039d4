// Planned columns: a column described as a small expression over shared (SharedArrayBuffer) columns and
// evaluated on a pool worker for one part's rows only, right before that part is encoded. A segment that
// publishes tens of millions of rows of ids gathered through other ids (an instrument's account's owner)
// hands the writer a plan instead of the gathered columns: the main thread builds nothing per row, the
// workers gather in parallel, and no dataset-sized copy exists (Arrow's `take`, run where the bytes are made).
// A plan's bytes equal those of the same columns written whole (tests/take.test.ts).
import { createHash } from 'node:crypto';
import { move } from 'piscina';
import { encodeParquet, type FastColumn } from './fastparquet.js';
import { wasmPageKernel } from './fastparquet_wasm.js';
import type { KernelExports } from '../kernels/index.js';
import { taskKind } from '../pool/tasks.js';

/** Element arrays a plan reads. */
export type Source = Int32Array | Uint32Array | Float64Array | Uint8Array | BigUint64Array | BigInt64Array;

/**
 * What a planned column's value at row r is:
 *  - col:  src[r]
 *  - take: src[by(r)], 0 where by(r) < 0 (pair it with a `valid` of ge0(by))
 *  - map:  table[of(r) + shift] (a small lookup table: codes of a dictionary, classes of types)
 *  - mod:  of(r) mod m, for a non-negative 64-bit of (the last digits of a number)
 *  - fill: one value on every row
 *  - ge0 / ne0: 1 where of(r) ≥ 0 / ≠ 0, else 0 (validity)
 */
export type Expr =
  | { op: 'col'; src: Source }
  | { op: 'take'; src: Source; by: Expr }
  | { op: 'map'; table: Int32Array | Float64Array; shift: number; of: Expr }
  | { op: 'mod'; m: number; of: Expr }
  | { op: 'fill'; value: number | bigint; type: 'i32' | 'i64' }
  | { op: 'ge0'; of: Expr }
  | { op: 'ne0'; of: Expr };

export const col = (src: Source): Expr => ({ op: 'col', src });
export const take = (src: Source, by: Expr | Source): Expr => ({ op: 'take', src, by: isExpr(by) ? by : col(by) });
export const map = (table: ArrayLike<number>, of: Expr | Source, shift = 0): Expr => ({
  op: 'map',
  table: table instanceof Float64Array ? table : Int32Array.from(table),
  shift,
  of: isExpr(of) ? of : col(of),
});
export const fill = (value: number | bigint, type: 'i32' | 'i64'): Expr => ({ op: 'fill', value, type });
export const mod = (m: number, of: Expr | Source): Expr => ({ op: 'mod', m, of: isExpr(of) ? of : col(of) });
export const ge0 = (of: Expr | Source): Expr => ({ op: 'ge0', of: isExpr(of) ? of : col(of) });
export const ne0 = (of: Expr | Source): Expr => ({ op: 'ne0', of: isExpr(of) ? of : col(of) });
function isExpr(x: Expr | Source): x is Expr {
  return (x as Expr).op !== undefined;
}

/** The element type an expression yields (what the writer checks against the contract). */
export function exprType(e: Expr): string {
  switch (e.op) {
    case 'col':
    case 'take':
      return e.src.constructor.name;
    case 'map':
      return e.table.constructor.name;
    case 'mod':
      return 'Int32Array';
    case 'fill':
      return e.type === 'i64' ? 'BigInt64Array' : 'Int32Array';
    case 'ge0':
    case 'ne0':
      return 'Uint8Array';
  }
}

/** A planned column: the encoder's column without its values, plus how to make them (and its validity). */
export interface PlannedColumn {
  column: Omit<FastColumn, 'values' | 'valid'>;
  values: Expr;
  valid?: Expr;
  /** int64 published from u64 bits: refuse a value at or above 2^63 (it would read back negative) */
  signed?: boolean;
}

const shareCache = new WeakMap<ArrayBufferLike, SharedArrayBuffer>();

/** A view of the same elements on a SharedArrayBuffer (one copy per buffer, then reused): tasks share it. */
function shared<T extends Source>(v: T): T {
  if (v.buffer instanceof SharedArrayBuffer) return v;
  let sab = shareCache.get(v.buffer);
  if (!sab) {
    sab = new SharedArrayBuffer(Math.max(8, v.buffer.byteLength));
    new Uint8Array(sab).set(new Uint8Array(v.buffer));
    shareCache.set(v.buffer, sab);
  }
  const C = v.constructor as new (b: ArrayBufferLike, o: number, n: number) => T;
  return new C(sab, v.byteOffset, v.length);
}

/** The expression with every source on shared memory (what crosses to the workers). */
export function shareExpr(e: Expr): Expr {
  switch (e.op) {
    case 'col':
      return { op: 'col', src: shared(e.src) };
    case 'take':
      return { op: 'take', src: shared(e.src), by: shareExpr(e.by) };
    case 'map':
    case 'mod':
    case 'ge0':
    case 'ne0':
      return { ...e, of: shareExpr(e.of) };
    case 'fill':
      return e;
  }
}

type Out = Int32Array | Float64Array | Uint8Array | BigUint64Array | BigInt64Array | Uint32Array;

/** Rows [a, b) of an expression, as a fresh array. */
export function evaluate(e: Expr, a: number, b: number): Out {
  const n = b - a;
  switch (e.op) {
    case 'col':
      return e.src.subarray(a, b);
    case 'take': {
      const by = evaluate(e.by, a, b) as Int32Array;
      const src = e.src;
      if (src instanceof BigUint64Array || src instanceof BigInt64Array) {
        // 64-bit values move as two 32-bit words: a BigInt per value costs a garbage-collection storm
        const out = src instanceof BigUint64Array ? new BigUint64Array(n) : new BigInt64Array(n);
        const s = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
        const o = new Uint32Array(out.buffer);
        for (let k = 0; k < n; k++) {
          const i = by[k];
          if (i < 0) continue;
          o[2 * k] = s[2 * i];
          o[2 * k + 1] = s[2 * i + 1];
        }
        return out;
      }
      const C = src.constructor as new (n: number) => Int32Array;
      const out = new C(n);
      const s = src as Int32Array;
      for (let k = 0; k < n; k++) {
        const i = by[k];
        if (i >= 0) out[k] = s[i];
      }
      return out;
    }
    case 'map': {
      const of = evaluate(e.of, a, b) as Int32Array;
      const out = e.table instanceof Float64Array ? new Float64Array(n) : new Int32Array(n);
      const t = e.table,
        sh = e.shift;
      for (let k = 0; k < n; k++) out[k] = t[of[k] + sh];
      return out;
    }
    case 'mod': {
      const of = evaluate(e.of, a, b);
      const out = new Int32Array(n);
      const m = e.m;
      if (of instanceof BigUint64Array || of instanceof BigInt64Array) {
        // (hi·2^32 + lo) mod m from the words, exact in doubles for m < 2^20
        const w = new Uint32Array(of.buffer, of.byteOffset, 2 * n);
        const r32 = 2 ** 32 % m;
        for (let k = 0; k < n; k++) out[k] = ((((w[2 * k + 1] % m) * r32) % m) + (w[2 * k] % m)) % m;
      } else for (let k = 0; k < n; k++) out[k] = (of as Int32Array)[k] % m;
      return out;
    }
    case 'fill':
      return e.type === 'i64' ? new BigInt64Array(n).fill(BigInt(e.value)) : new Int32Array(n).fill(Number(e.value));
    case 'ge0':
    case 'ne0': {
      const of = evaluate(e.of, a, b);
      const out = new Uint8Array(n);
      if (of instanceof BigUint64Array || of instanceof BigInt64Array) {
        const w = new Uint32Array(of.buffer, of.byteOffset, 2 * n);
        for (let k = 0; k < n; k++) out[k] = e.op === 'ne0' ? (w[2 * k] | w[2 * k + 1] ? 1 : 0) : w[2 * k + 1] >>> 31 ? 0 : 1;
      } else {
        const v = of as Int32Array;
        if (e.op === 'ne0') for (let k = 0; k < n; k++) out[k] = v[k] !== 0 ? 1 : 0;
        else for (let k = 0; k < n; k++) out[k] = v[k] >= 0 ? 1 : 0;
      }
      return out;
    }
  }
}

/** Rows [a, b) of planned columns as the encoder's columns (what the same columns written whole would slice to). */
export function evaluateColumns(cols: readonly PlannedColumn[], a: number, b: number): FastColumn[] {
  return cols.map((c) => {
    let values = evaluate(c.values, a, b);
    // u64 bits published as INT64: the encoder refuses a negative chunk minimum (a value ≥ 2^63)
    if (c.signed) values = new BigInt64Array(values.buffer, values.byteOffset, values.length);
    const valid = c.valid ? (evaluate(c.valid, a, b) as Uint8Array) : undefined;
    return {
      ...c.column,
      ...(c.signed ? { nonNegative: true } : {}),
      values: values as FastColumn['values'],
      ...(valid ? { valid } : {}),
      ...(valid || c.column.nullable ? { nullable: true } : {}),
    };
  });
}

export interface TakeParquetTask {
  cols: PlannedColumn[];
  a: number;
  b: number;
  where: string;
}

/**
 * Worker side: evaluate a part's rows and encode them (page bodies on the worker's wasm instance). The
 * file's SHA-256 is taken here too, where the bytes are hot, and travels as the result's last 32 bytes
 * (one transferred buffer, no copy): see digestedPart.
 */
export const takeParquetKind = taskKind<TakeParquetTask, Uint8Array>('takeParquet', (t, ex: KernelExports) => {
  const bytes = encodeParquet(evaluateColumns(t.cols, t.a, t.b), t.b - t.a, { pages: wasmPageKernel(ex), spare: 32 });
  createHash('sha256')
    .update(bytes.subarray(0, bytes.length - 32))
    .digest()
    .copy(bytes, bytes.length - 32);
  return move(bytes);
});

/** A takeParquet result split into the file's bytes and its digest. */
export function digestedPart(result: Uint8Array): { bytes: Uint8Array; sha256_hex: string } {
  const n = result.length - 32;
  return { bytes: result.subarray(0, n), sha256_hex: Buffer.from(result.buffer, result.byteOffset + n, 32).toString('hex') };
}
