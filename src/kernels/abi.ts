// A wasm kernel, declared once: its export name and its parameters in wasm order, each named, with
// its kind (scalar, input column, output column, raw pointer) and element type. Both ways of calling
// it come from that one declaration, with named arguments:
//   k.task({ n, keys: kC.in(s, e, 2), outDraws: d.out(s, e), … })  → the pool's KernelTask, in order
//   k.call(ex, { n, keys: ptr, … })                                  → the export, called on pointers
// so the order lives only here, and tests/kernels.abi.test.ts holds each declaration to the built
// module (export present, parameter count) and to the kernel's own signature (names, order, types).
import type { ElemType, InArg, KernelArg, KernelTask, OutArg, ResArg } from '../pool/task.js';

/** Scalar types as the kernel's signature spells them (bool: 0 or 1; i64 crosses as a bigint). */
export type ScalarType = 'i32' | 'u32' | 'f64' | 'i64' | 'bool';
/** What a kernel returns (usize: a pointer into its memory). */
export type Returns = 'void' | 'i32' | 'f64' | 'usize';

export type Param =
  { readonly kind: 'scalar'; readonly type: ScalarType } | { readonly kind: 'in' | 'out' | 'res'; readonly type: ElemType } | { readonly kind: 'ptr' };

export const i32 = { kind: 'scalar', type: 'i32' } as const;
export const u32 = { kind: 'scalar', type: 'u32' } as const;
export const f64 = { kind: 'scalar', type: 'f64' } as const;
export const i64 = { kind: 'scalar', type: 'i64' } as const;
export const bool = { kind: 'scalar', type: 'bool' } as const;
/** An input column: copied into the worker's wasm memory before the call. */
export const inCol = <T extends ElemType>(type: T) => ({ kind: 'in', type }) as const;
/** An output column: allocated, written by the kernel, copied back after the call. */
export const outCol = <T extends ElemType>(type: T) => ({ kind: 'out', type }) as const;
/** A resident input column (SharedCol.res): a whole-world table copied into each worker once, not per task. */
export const resCol = <T extends ElemType>(type: T) => ({ kind: 'res', type }) as const;
/** A raw pointer into the instance's memory (scratch, or a column already there): direct calls only. */
export const ptr = { kind: 'ptr' } as const;

export type Params = { readonly [name: string]: Param };

type TaskValue<P extends Param> = P extends { kind: 'scalar'; type: 'i64' }
  ? bigint
  : P extends { kind: 'scalar' }
    ? number
    : P extends { kind: 'in'; type: infer T extends ElemType }
      ? InArg<T>
      : P extends { kind: 'out'; type: infer T extends ElemType }
        ? OutArg<T>
        : P extends { kind: 'res'; type: infer T extends ElemType }
          ? ResArg<T>
          : never; // a pointer means nothing in another thread's memory
type CallValue<P extends Param> = P extends { kind: 'scalar'; type: 'i64' } ? bigint : number;

export type TaskArgs<P extends Params> = { readonly [K in keyof P]: TaskValue<P[K]> };
export type CallArgs<P extends Params> = { readonly [K in keyof P]: CallValue<P[K]> };
export type Result<R extends Returns> = R extends 'void' ? void : number;
export type WasmFn = (...args: (number | bigint)[]) => number | void;

export interface Kernel<N extends string = string, P extends Params = Params, R extends Returns = Returns> {
  readonly name: N;
  readonly params: P;
  /** parameter names in wasm order */
  readonly order: readonly string[];
  readonly returns: R;
  /** The pool task (worker side: runTask in src/pool/task.ts). */
  task(args: TaskArgs<P>): KernelTask;
  /** Call the export on an instance, every column given as a pointer into its memory. */
  call(ex: { readonly [K in N]: WasmFn }, args: CallArgs<P>): Result<R>;
}

const isIndexKey = (k: string) => /^(0|[1-9]\d*)$/.test(k);

export function kernel<const N extends string, const P extends Params, const R extends Returns = 'void'>(name: N, params: P, returns?: R): Kernel<N, P, R> {
  const order = Object.keys(params);
  // an object keeps insertion order for every key except array indices, which would move first
  if (order.some(isIndexKey)) throw new Error(`kernel ${name}: parameter names must not be array indices`);
  const bad = (k: string, want: string, got: unknown) =>
    new Error(
      `kernel ${name}: argument ${k} must be ${want}, got ${got === undefined ? 'nothing' : typeof got === 'object' ? JSON.stringify({ kind: (got as KernelArg).kind }) : typeof got}`,
    );
  return {
    name,
    params,
    order,
    returns: (returns ?? 'void') as R,
    task(args) {
      const named = args as Readonly<Record<string, unknown>>;
      const list = order.map((k): KernelArg => {
        const p = params[k],
          v = named[k];
        if (p.kind === 'ptr') throw new Error(`kernel ${name}: ${k} is a raw pointer, so the kernel cannot run as a pool task`);
        if (p.kind === 'scalar') {
          if (typeof v !== (p.type === 'i64' ? 'bigint' : 'number')) throw bad(k, `a scalar (${p.type})`, v);
          return { kind: 'scalar', value: v as number | bigint };
        }
        // types make these impossible; a cast around them must not become silent wrong bytes
        const c = v as KernelArg | undefined;
        if (!c || c.kind !== p.kind || c.col.type !== p.type) throw bad(k, `an ${p.kind} column of ${p.type}`, v);
        return c;
      });
      return { kernel: name, args: list };
    },
    call(ex, args) {
      const fn = ex[name];
      if (typeof fn !== 'function') throw new Error(`wasm kernel ${name} is not exported`);
      if (fn.length !== order.length) throw new Error(`wasm kernel ${name} takes ${fn.length} parameters, its declaration ${order.length}: rebuild the wasm`);
      const named = args as Readonly<Record<string, unknown>>;
      const list = order.map((k) => {
        const p = params[k],
          v = named[k];
        if (typeof v !== (p.kind === 'scalar' && p.type === 'i64' ? 'bigint' : 'number'))
          throw bad(k, p.kind === 'scalar' ? `a scalar (${p.type})` : 'a pointer', v);
        return v as number | bigint;
      });
      return fn(...list) as Result<R>;
    },
  };
}
