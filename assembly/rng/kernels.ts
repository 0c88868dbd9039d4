// Batch kernels over linear memory, for tests (wasm == TS reference) and benchmarks.
// Each fill* starts the substream (k0, k1) at counter 0, writes count values at outPtr
// (f64 or i32, caller-allocated) and leaves the accounting readable through
// streamDraws()/streamBlocks()/streamCounterEnd*(). Draw counts are those of the
// per-value distribution (see dist.ts), consumed value by value in output order.

import { streamInit, streamU01 } from "./stream";
import {
  rngNormal, rngLognormal, rngGamma, rngPoisson, rngZtp, rngNb2, rngDirichlet, rngGumbel,
} from "./dist";

/** f64 u01 values. Draws: count. */
export function fillU01(k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<f64>(outPtr + (<usize>i << 3), streamU01());
}

/** f64 standard normals (Box–Muller). Draws: 2 * count. */
export function fillNormal(k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<f64>(outPtr + (<usize>i << 3), rngNormal());
}

/** f64 lognormals exp(mu + sigma Z). Draws: 2 * count. */
export function fillLognormal(mu: f64, sigma: f64, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<f64>(outPtr + (<usize>i << 3), rngLognormal(mu, sigma));
}

/** f64 Gumbel(0,1) keys. Draws: count. */
export function fillGumbel(k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<f64>(outPtr + (<usize>i << 3), rngGumbel());
}

/** f64 Gamma(a, 1). Draws: variable (see rngGamma). */
export function fillGamma(a: f64, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<f64>(outPtr + (<usize>i << 3), rngGamma(a));
}

/** i32 Poisson(lambda). Draws: count if lambda < 10, else variable (PTRS). */
export function fillPoisson(lambda: f64, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<i32>(outPtr + (<usize>i << 2), rngPoisson(lambda));
}

/** i32 zero-truncated Poisson (-1 where maxAttempts ran out). Draws: variable. */
export function fillZtp(lambda: f64, maxAttempts: i32, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<i32>(outPtr + (<usize>i << 2), rngZtp(lambda, maxAttempts));
}

/** i32 NB2(mu, phi). Draws: variable. */
export function fillNb2(mu: f64, phi: f64, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  for (let i = 0; i < count; i++) store<i32>(outPtr + (<usize>i << 2), rngNb2(mu, phi));
}

/** count Dirichlet(alpha[0..n)) vectors, row-major f64[count * n]. Draws: variable. */
export function fillDirichlet(alphaPtr: usize, n: i32, k0: u32, k1: u32, outPtr: usize, count: i32): void {
  streamInit(k0, k1);
  let row = <usize>n << 3;
  for (let i = 0; i < count; i++) rngDirichlet(alphaPtr, n, outPtr + <usize>i * row);
}
