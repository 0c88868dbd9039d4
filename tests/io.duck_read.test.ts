// src/io/duck_read.ts: selected Parquet columns through DuckDB give the same values, types, nulls and
// row order as the full parquet-wasm read, across several files and with a filter.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { encodeParquet, ready, type FastColumn } from '../src/io/fastparquet.js';
import { readParquetToArrow } from '../src/io/parquet.js';
import { readParquetColumns } from '../src/io/duck_read.js';

const dir = mkdtempSync(join(tmpdir(), 'fw-duckread-'));
await ready(); // the describe bodies below encode while they are collected
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `n` rows starting at global row `r0`: every type the reader maps, nulls in some. */
function file(name: string, r0: number, n: number): string {
  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Zulu', 'ärger/Ünïcode'];
  const valid = Uint8Array.from({ length: n }, (_, i) => ((r0 + i) % 7 === 3 ? 0 : 1));
  const cols: FastColumn[] = [
    { name: 'id', type: 'u64', values: BigUint64Array.from({ length: n }, (_, i) => (1n << 63n) + BigInt(r0 + i) * 977n) },
    { name: 'i', type: 'i32', values: Int32Array.from({ length: n }, (_, i) => (r0 + i) * (i % 2 ? -3 : 5)) },
    { name: 'x', type: 'f64', values: Float64Array.from({ length: n }, (_, i) => Math.sin(r0 + i) * 1e6) },
    { name: 'ts', type: 'ts_utc_us', values: BigInt64Array.from({ length: n }, (_, i) => 1_767_225_600_000_000n + BigInt(r0 + i) * 3_600_000_001n) },
    { name: 'loc', type: 'ts_local_us', values: BigInt64Array.from({ length: n }, (_, i) => -BigInt(r0 + i) * 17n) },
    { name: 'flag', type: 'bool', values: Uint8Array.from({ length: n }, (_, i) => ((r0 + i) % 3 === 0 ? 1 : 0)) },
    // codes in a first-seen order that is not the sorted one
    { name: 'zone', type: 'dict', values: Int32Array.from({ length: n }, (_, i) => (r0 + i) % zones.length), dict: zones },
    { name: 'maybe', type: 'dict', values: Int32Array.from({ length: n }, (_, i) => (r0 + i) % 2), dict: ['b', 'a'], valid, nullable: true },
    { name: 'n32', type: 'i32', values: Int32Array.from({ length: n }, (_, i) => r0 + i), valid, nullable: true },
  ];
  const p = join(dir, name);
  writeFileSync(p, encodeParquet(cols, n, { pageRows: 1000, rowGroupRows: 3000 }));
  return p;
}

/** Every value of a column as a string (null for nulls), for like-for-like comparison across readers. */
const show = (t: arrow.Table, name: string): (string | null)[] => {
  const c = t.getChild(name)!;
  return Array.from({ length: t.numRows }, (_, i) => {
    const v = c.get(i);
    return v === null ? null : typeof v === 'object' && v instanceof Date ? String(v.getTime()) : String(v);
  });
};

describe('readParquetColumns', () => {
  const files = [file('a.parquet', 0, 5000), file('b.parquet', 5000, 2049), file('c.parquet', 7049, 1)];
  const whole = files.map((f) => readParquetToArrow(readFileSync(f)));
  const all = ['id', 'i', 'x', 'ts', 'loc', 'flag', 'zone', 'maybe', 'n32'];

  it('gives every value, null and type of the full read, files in the order given', async () => {
    const t = await readParquetColumns(files, all);
    expect(t.numRows).toBe(7050);
    for (const name of all) {
      const want = whole.flatMap((w) => show(w, name));
      expect(show(t, name), name).toEqual(want);
    }
    const type = (n: string) => t.getChild(n)!.type;
    expect(String(type('id'))).toBe('Uint64');
    expect(String(type('i'))).toBe('Int32');
    expect(String(type('x'))).toBe('Float64');
    expect(String(type('ts'))).toBe('Timestamp<MICROSECOND, UTC>');
    expect(String(type('loc'))).toBe('Timestamp<MICROSECOND>');
    expect(String(type('flag'))).toBe('Bool');
    expect(arrow.DataType.isDictionary(type('zone'))).toBe(true);
    // the dictionary is the sorted distinct values, whatever order the file had
    const dict = t.getChild('zone')!.data[0].dictionary!;
    expect(Array.from({ length: dict.length }, (_, i) => dict.get(i))).toEqual(['America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'Zulu', 'ärger/Ünïcode']);
    expect(t.getChild('n32')!.nullCount).toBe(whole.reduce((s, w) => s + w.getChild('n32')!.nullCount, 0));
    expect(t.getChild('i')!.nullCount).toBe(0);
  });

  it('reads only the columns asked for, in the order asked, with a row filter', async () => {
    const t = await readParquetColumns(files.slice().reverse(), ['zone', 'id'], "i % 2 = 0 AND zone <> 'Zulu'");
    expect(t.schema.fields.map((f) => f.name)).toEqual(['zone', 'id']);
    const rows = files
      .slice()
      .reverse()
      .flatMap((_, k) => {
        const w = whole[files.length - 1 - k];
        const out: [string, string][] = [];
        for (let r = 0; r < w.numRows; r++) {
          const i = w.getChild('i')!.get(r) as number,
            z = String(w.getChild('zone')!.get(r));
          if (i % 2 === 0 && z !== 'Zulu') out.push([z, String(w.getChild('id')!.get(r))]);
        }
        return out;
      });
    const ids = show(t, 'id');
    expect(show(t, 'zone').map((z, r) => [z, ids[r]])).toEqual(rows);
  });

  it('keeps text with many distinct values as plain Utf8, nulls and empty strings included', async () => {
    const n = 70_000;
    const words = Array.from({ length: n }, (_, i) => (i % 1000 === 5 ? '' : `édge-${(i * 7919) % n}`));
    const valid = Uint8Array.from({ length: n }, (_, i) => (i % 777 === 1 ? 0 : 1));
    const parts = [0, 40_000, n].slice(1).map((end, k, ends) => {
      const a = k ? ends[k - 1] : 0;
      const p = join(dir, `wide${k}.parquet`);
      const m = end - a;
      writeFileSync(
        p,
        encodeParquet(
          [{ name: 'w', type: 'dict', values: Int32Array.from({ length: m }, (_, i) => a + i), dict: words, valid: valid.subarray(a, end), nullable: true }],
          m,
        ),
      );
      return p;
    });
    const t = await readParquetColumns(parts, ['w']);
    expect(arrow.DataType.isUtf8(t.getChild('w')!.type)).toBe(true);
    expect(show(t, 'w')).toEqual(words.map((w, i) => (valid[i] ? w : null)));
    expect(t.getChild('w')!.nullCount).toBe(valid.length - valid.reduce((x, y) => x + y, 0));
  });

  it('refuses a column type it does not map, naming the column', async () => {
    const p = join(dir, 'a.parquet');
    await expect(readParquetColumns([p], ['nope'])).rejects.toThrow(/nope/);
  });
});
