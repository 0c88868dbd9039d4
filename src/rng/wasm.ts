// Loader for build/fraudworld.wasm (the AssemblyScript kernels, built with --runtime stub).
// The module imports nothing but env.abort; memory views are re-made on every call
// because memory.grow detaches the old ArrayBuffer.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';
import type { KernelExports } from '../kernels/index.js';

/** Exports of the RNG core (assembly/index.ts). Pointers are byte offsets into memory. */
export interface RngExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  resetHeap(): void;
  philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, outPtr: number): void;
  fm_log(x: number): number;
  fm_exp(x: number): number;
  fm_cos(x: number): number;
  fm_sin(x: number): number;
  fm_lgamma(x: number): number;
  streamInit(k0: number, k1: number): void;
  streamInitAt(k0: number, k1: number, blockLo: number, blockHi: number): void;
  streamLane(): bigint;
  streamU01(): number;
  streamDraws(): bigint;
  streamBlocks(): bigint;
  streamCounterStartLo(): number;
  streamCounterStartHi(): number;
  streamCounterEndLo(): number;
  streamCounterEndHi(): number;
  rngNormal(): number;
  rngLognormal(mu: number, sigma: number): number;
  rngGumbel(): number;
  rngGamma(a: number): number;
  rngPoisson(lambda: number): number;
  rngZtp(lambda: number, maxAttempts: number): number;
  rngNb2(mu: number, phi: number): number;
  rngDirichlet(alphaPtr: number, n: number, outPtr: number): void;
  aliasBuild(wPtr: number, n: number, probPtr: number, aliasPtr: number): number;
  aliasSample(probPtr: number, aliasPtr: number, n: number): number;
  aliasSampleBatch(probPtr: number, aliasPtr: number, n: number, outPtr: number, count: number): void;
  fillU01(k0: number, k1: number, outPtr: number, count: number): void;
  fillNormal(k0: number, k1: number, outPtr: number, count: number): void;
  fillLognormal(mu: number, sigma: number, k0: number, k1: number, outPtr: number, count: number): void;
  fillGumbel(k0: number, k1: number, outPtr: number, count: number): void;
  fillGamma(a: number, k0: number, k1: number, outPtr: number, count: number): void;
  fillPoisson(lambda: number, k0: number, k1: number, outPtr: number, count: number): void;
  fillZtp(lambda: number, maxAttempts: number, k0: number, k1: number, outPtr: number, count: number): void;
  fillNb2(mu: number, phi: number, k0: number, k1: number, outPtr: number, count: number): void;
  fillDirichlet(alphaPtr: number, n: number, k0: number, k1: number, outPtr: number, count: number): void;
}

/** Accounting of the current wasm substream, same shape as Substream's. */
export interface StreamAccounting {
  draws: number;
  blocks: number;
  counterStart: bigint;
  counterEnd: bigint;
}

export interface KernelHelpers {
  /** Raw exports, the declared kernels included (call those through their declarations). */
  exports: RngExports & KernelExports;
  memory: WebAssembly.Memory;
  /** Fresh typed-array views over [ptr, ptr + len elements). Re-make after any alloc. */
  f64(ptr: number, len: number): Float64Array;
  i32(ptr: number, len: number): Int32Array;
  u32(ptr: number, len: number): Uint32Array;
  u8(ptr: number, len: number): Uint8Array;
  /** alloc() sized for len elements; returns the pointer. */
  allocF64(len: number): number;
  allocI32(len: number): number;
  /** alloc + copy a Float64Array in; returns the pointer. */
  putF64(values: ArrayLike<number>): number;
  accounting(): StreamAccounting;
}

export type Kernels = RngExports & KernelHelpers;

/** Default wasm location: <package root>/build/fraudworld.wasm, from src/ or dist/src/ alike. */
export function defaultWasmPath(): string {
  return join(packageRoot(), 'build', 'fraudworld.wasm');
}

/** The env.abort import: AS passes UTF-16 strings (byte length at ptr-4); turn them into an Error. */
function abortImport(getMemory: () => WebAssembly.Memory | undefined) {
  return (msgPtr: number, filePtr: number, line: number, col: number): never => {
    const memory = getMemory();
    const str = (ptr: number): string => {
      if (!memory || ptr === 0) return '?';
      const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0]! >>> 1;
      return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
    };
    throw new Error(`wasm abort: ${str(msgPtr)} at ${str(filePtr)}:${line}:${col}`);
  };
}

/** Synchronous instantiation (workers, tests): one instance per caller, raw exports. */
export function instantiateKernelsSync(wasmPath: string = defaultWasmPath()): KernelExports {
  if (!existsSync(wasmPath)) throw new Error(`wasm kernels not found at ${wasmPath}: build them first (npm run build:wasm)`);
  let memory: WebAssembly.Memory | undefined;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), { env: { abort: abortImport(() => memory) } });
  memory = inst.exports.memory as WebAssembly.Memory;
  return inst.exports as unknown as KernelExports;
}

/** Instantiate the kernels (one instance per caller; each worker loads its own). */
export async function loadKernels(wasmPath: string = defaultWasmPath()): Promise<Kernels> {
  if (!existsSync(wasmPath)) {
    throw new Error(`wasm kernels not found at ${wasmPath}: build them first (npm run build:wasm)`);
  }
  const bytes = await readFile(wasmPath);
  let memory: WebAssembly.Memory | undefined;
  const imports = { env: { abort: abortImport(() => memory) } };
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  const ex = instance.exports as unknown as RngExports & KernelExports;
  memory = ex.memory;
  const mem = memory;
  const helpers: KernelHelpers = {
    exports: ex,
    memory: mem,
    f64: (ptr, len) => new Float64Array(mem.buffer, ptr, len),
    i32: (ptr, len) => new Int32Array(mem.buffer, ptr, len),
    u32: (ptr, len) => new Uint32Array(mem.buffer, ptr, len),
    u8: (ptr, len) => new Uint8Array(mem.buffer, ptr, len),
    allocF64: (len) => ex.alloc(len * 8),
    allocI32: (len) => ex.alloc(len * 4),
    putF64: (values) => {
      const ptr = ex.alloc(values.length * 8);
      new Float64Array(mem.buffer, ptr, values.length).set(values);
      return ptr;
    },
    accounting: () => ({
      draws: Number(ex.streamDraws()),
      blocks: Number(ex.streamBlocks()),
      counterStart: (BigInt(ex.streamCounterStartHi() >>> 0) << 32n) | BigInt(ex.streamCounterStartLo() >>> 0),
      counterEnd: (BigInt(ex.streamCounterEndHi() >>> 0) << 32n) | BigInt(ex.streamCounterEndLo() >>> 0),
    }),
  };
  return Object.assign(Object.create(null) as object, ex, helpers) as Kernels;
}
