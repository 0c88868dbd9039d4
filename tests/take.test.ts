// src/io/take.ts: planned columns. Each operation against a plain loop, the contract check of a plan,
// and the promise the writer relies on: a plan's parts encode to the bytes of the same columns written
// whole (contractColumns + sliceColumns), for every part boundary.
import { beforeAll, describe, expect, it } from 'vitest';
import { col, evaluate, evaluateColumns, fill, ge0, map, mod, ne0, take } from '../src/io/take.js';
import { contractColumns, plannedColumns } from '../src/io/tables.js';
import { encodeParquet, ready, sliceColumns } from '../src/io/fastparquet.js';

beforeAll(async () => {
  await ready();
});

// a small deterministic generator (tests need variety, not quality)
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('planned columns: each operation', () => {
  const r = lcg(7);
  const n = 1000;
  const src64 = BigUint64Array.from({ length: 50 }, () => BigInt(Math.floor(r() * 2 ** 52)) * 1024n + BigInt(Math.floor(r() * 1024)));
  const src32 = Int32Array.from({ length: 50 }, () => Math.floor(r() * 1e6) - 5e5);
  const idx = Int32Array.from({ length: n }, () => Math.floor(r() * 52) - 2); // some −1, −2: nulls

  it('take gathers 64- and 32-bit values, 0 where the index is negative', () => {
    const t64 = evaluate(take(src64, idx), 100, 900) as BigUint64Array;
    const t32 = evaluate(take(src32, col(idx)), 100, 900) as Int32Array;
    for (let k = 0; k < 800; k++) {
      const i = idx[100 + k];
      expect(t64[k]).toBe(i >= 0 ? src64[i] : 0n);
      expect(t32[k]).toBe(i >= 0 ? src32[i] : 0);
    }
  });

  it('map looks codes up with a shift; mod takes the last digits of 64-bit numbers; ge0 / ne0 mark presence', () => {
    const codes = Int32Array.from({ length: n }, (_, k) => (k % 5) - 1);
    const table = [10, 20, 30, 40, 50];
    expect(Array.from(evaluate(map(table, codes, 1), 0, n))).toEqual(Array.from(codes, (c) => table[c + 1]));
    const big = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(r() * 2 ** 50)) * 977n + 4_000_000_000_000_000_000n);
    expect(Array.from(evaluate(mod(10_000, big), 0, n))).toEqual(Array.from(big, (x) => Number(x % 10_000n)));
    const withZero = BigUint64Array.from(src64, (x, i) => (i % 3 ? x : 0n));
    expect(Array.from(evaluate(ne0(withZero), 0, 50))).toEqual(Array.from(withZero, (x) => (x !== 0n ? 1 : 0)));
    expect(Array.from(evaluate(ge0(idx), 0, n))).toEqual(Array.from(idx, (i) => (i >= 0 ? 1 : 0)));
    expect(Array.from(evaluate(fill(42n, 'i64'), 0, 3))).toEqual([42n, 42n, 42n]);
  });
});

describe('planned columns: contract and bytes', () => {
  // s3_instrument_profile_6A: ids, a dictionary with validity, nullable int32 / int64 / date columns
  const r = lcg(11);
  const n = 2500;
  const ids = BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 7919n + 1n);
  const type = Int32Array.from({ length: n }, () => Math.floor(r() * 3));
  const tier = Int32Array.from({ length: n }, () => Math.floor(r() * 4) - 1);
  const number = BigInt64Array.from({ length: n }, (_, i) => (i % 4 ? 4_000_000_000_000_000n + BigInt(i) * 13n : 0n));
  const bin = Int32Array.from(number, (x) => Number(x / 10_000_000_000n));
  const expiry = Int32Array.from({ length: n }, () => 20_000 + Math.floor(r() * 2000));
  const funding = Int32Array.from({ length: n }, () => (r() < 0.3 ? Math.floor(r() * n) : -1));
  const classes = ['CARD', 'TOKEN', 'BANK_ACCOUNT'];
  const tiers = ['STANDARD', 'GOLD', 'PLATINUM'];
  const tierCode = Int32Array.from({ length: 4 }, (_, t) => Math.max(0, t - 1));
  const hasNumber = ne0(number);
  const plan = {
    instrument_id: { values: col(ids) },
    instrument_class: { values: map([2, 0, 1], type), dict: classes },
    brand_tier: { values: map(tierCode, tier, 1), dict: tiers, valid: ge0(tier) },
    bin6: { values: col(bin), valid: hasNumber },
    card_number: { values: col(number), valid: hasNumber },
    last4: { values: mod(10_000, number), valid: hasNumber },
    expiry_month: { values: col(expiry), valid: ge0(tier) },
    funding_instrument_id: { values: take(ids, funding), valid: ge0(funding) },
    seed: { values: fill(42n, 'i64') },
    manifest_fingerprint: { values: fill(0, 'i32'), dict: ['a'.repeat(64)] },
    parameter_hash: { values: fill(0, 'i32'), dict: ['b'.repeat(64)] },
  };
  const valid = (f: (i: number) => boolean) => Uint8Array.from({ length: n }, (_, i) => (f(i) ? 1 : 0));
  const whole = {
    instrument_id: ids,
    instrument_class: { codes: Int32Array.from(type, (t) => [2, 0, 1][t]), dict: classes },
    brand_tier: { codes: Int32Array.from(tier, (t) => Math.max(0, t)), dict: tiers, valid: valid((i) => tier[i] >= 0) },
    bin6: { values: bin, valid: valid((i) => number[i] !== 0n) },
    card_number: { values: number, valid: valid((i) => number[i] !== 0n) },
    last4: { values: Int32Array.from(number, (x) => Number(x % 10_000n)), valid: valid((i) => number[i] !== 0n) },
    expiry_month: { values: expiry, valid: valid((i) => tier[i] >= 0) },
    funding_instrument_id: { values: BigUint64Array.from(funding, (f) => (f >= 0 ? ids[f] : 0n)), valid: valid((i) => funding[i] >= 0) },
    seed: new BigInt64Array(n).fill(42n),
    manifest_fingerprint: { codes: new Int32Array(n), dict: ['a'.repeat(64)] },
    parameter_hash: { codes: new Int32Array(n), dict: ['b'.repeat(64)] },
  };

  it('a plan encodes to the bytes of the same columns written whole, part by part', () => {
    const planned = plannedColumns('s3_instrument_profile_6A', plan);
    const { columns } = contractColumns('s3_instrument_profile_6A', whole);
    for (const [a, b] of [
      [0, n],
      [0, 1000],
      [1000, 2000],
      [2000, n],
    ]) {
      const fromPlan = encodeParquet(evaluateColumns(planned, a, b), b - a);
      const fromWhole = encodeParquet(sliceColumns(columns, a, b), b - a);
      expect(Buffer.from(fromPlan).equals(Buffer.from(fromWhole))).toBe(true);
    }
  });

  it('the contract refuses a missing column, a wrong element type, validity on a required column and an id at 2^63', () => {
    const { last4: _drop, ...missing } = plan;
    expect(() => plannedColumns('s3_instrument_profile_6A', missing)).toThrow(/column last4 missing/);
    expect(() => plannedColumns('s3_instrument_profile_6A', { ...plan, bin6: { values: col(Float64Array.from(bin)), valid: hasNumber } })).toThrow(
      /int32 needs a Int32Array, got Float64Array/,
    );
    expect(() => plannedColumns('s3_instrument_profile_6A', { ...plan, instrument_id: { values: col(ids), valid: hasNumber } })).toThrow(/is not nullable/);
    const big = BigUint64Array.from(ids);
    big[5] = 1n << 63n;
    const planned = plannedColumns('s3_instrument_profile_6A', { ...plan, instrument_id: { values: col(big) } });
    expect(() => encodeParquet(evaluateColumns(planned, 0, n), n)).toThrow(/instrument_id: a value at or above 2\^63 does not fit a signed INT64/);
    expect(() => encodeParquet(evaluateColumns(planned, 6, n), n - 6)).not.toThrow();
  });
});
