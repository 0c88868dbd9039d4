// Direct (O_DIRECT) part writes: whatever path is taken, the file holds exactly the bytes, never
// replaces an existing file, and concurrent writers through the one staging buffer do not mix.
import { promises as fs, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { directWritesOn, setDirectWrites, writeNewFileDirect } from '../src/io/direct.js';

const root = mkdtempSync(join(tmpdir(), 'fw-direct-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => setDirectWrites(true));

/** Deterministic, non-repeating bytes, so a shifted or mixed block shows. */
function pattern(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (salt * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 255;
  }
  return b;
}

async function roundTrip(name: string, n: number, salt: number): Promise<boolean> {
  const p = join(root, name);
  const bytes = pattern(n, salt);
  const direct = await writeNewFileDirect(p, bytes);
  const back = await fs.readFile(p);
  expect(back.length).toBe(n);
  expect(Buffer.compare(back, Buffer.from(bytes))).toBe(0);
  return direct;
}

describe('writeNewFileDirect', () => {
  it('writes exactly the bytes for sizes around the block and beyond', async () => {
    for (const n of [0, 1, 4095, 4096, 4097, 65536 + 3, 10 * 1024 * 1024 + 777]) {
      const direct = await roundTrip(`size-${n}`, n, n + 1);
      // the flag tells the truth: true exactly while the filesystem still takes O_DIRECT
      expect(direct).toBe(directWritesOn());
    }
  });

  it('buffered fallback gives the same bytes', async () => {
    setDirectWrites(false);
    expect(directWritesOn()).toBe(false);
    for (const n of [0, 4095, 1 << 20]) {
      expect(await roundTrip(`buffered-${n}`, n, n + 7)).toBe(false);
    }
  });

  it('never replaces an existing file', async () => {
    for (const on of [true, false]) {
      setDirectWrites(on);
      const p = join(root, `exists-${on}`);
      writeFileSync(p, 'old');
      await expect(writeNewFileDirect(p, pattern(5000, 3))).rejects.toMatchObject({ code: 'EEXIST' });
      expect(await fs.readFile(p, 'utf8')).toBe('old');
    }
  });

  it('concurrent writes of different sizes each keep their own bytes', async () => {
    const sizes = [3 * 1024 * 1024 + 1, 17, 2 * 1024 * 1024, 123457, 4096 * 3 - 1, 5 * 1024 * 1024 + 9];
    const bytes = sizes.map((n, i) => pattern(n, 100 + i));
    await Promise.all(bytes.map((b, i) => writeNewFileDirect(join(root, `conc-${i}`), b)));
    for (let i = 0; i < sizes.length; i++) {
      const back = await fs.readFile(join(root, `conc-${i}`));
      expect(Buffer.compare(back, Buffer.from(bytes[i]))).toBe(0);
    }
  });

  it('a failed write leaves no partial file and the next write still works', async () => {
    const missing = join(root, 'no-such-dir', 'part');
    await expect(writeNewFileDirect(missing, pattern(10, 1))).rejects.toMatchObject({ code: 'ENOENT' });
    await roundTrip('after-failure', 9000, 9);
  });
});
