// Direct (O_DIRECT) writes of large new files: 5B's parts (~2.6 GB at large) stay out of the page
// cache, whose filling and later flush compete with the pool's workers on a 2-core box (measured:
// the partition commit's fsync fell from 0.5–1.2 s to under 0.1 s at large; the rest was within the
// box's noise). The bytes on disk are the same either way: any refusal (a filesystem without
// O_DIRECT, a misaligned buffer) falls back to an ordinary buffered write.
import { promises as fs, constants as fsc } from 'node:fs';
import { writeDurable } from './publish.js';

/** O_DIRECT wants buffer address, offset and length in multiples of the device's block (≤ 4 KiB here). */
const BLOCK = 4096;
const WASM_PAGE = 65536;

/** One staging buffer per thread: wasm memory, which V8 maps page-aligned (a Buffer's malloc address is not). */
let staging: WebAssembly.Memory | undefined;
/** Writes through the staging buffer go one at a time, so a later one never overwrites bytes still in flight. */
let queue: Promise<unknown> = Promise.resolve();
/** Set once O_DIRECT has been refused in this thread: later files go straight to buffered writes. */
let refused = !fsc.O_DIRECT;

function stagingBytes(n: number): Uint8Array {
  const pages = Math.ceil(n / WASM_PAGE);
  if (!staging) staging = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  else if (staging.buffer.byteLength < n) staging.grow(pages - staging.buffer.byteLength / WASM_PAGE);
  return new Uint8Array(staging.buffer, 0, n);
}

/** Whether direct writes are still being tried in this thread (false once refused). */
export function directWritesOn(): boolean {
  return !refused;
}

/** Test hook: forget an earlier refusal (or refuse from now on). */
export function setDirectWrites(on: boolean): void {
  refused = !on || !fsc.O_DIRECT;
}

/**
 * Create `path` (never over an existing file) holding `bytes`, written with O_DIRECT where the
 * filesystem takes it. No fsync: the caller syncs before publishing (metadata still needs it).
 * Returns whether the direct path was used.
 */
export function writeNewFileDirect(path: string, bytes: Uint8Array): Promise<boolean> {
  const run = queue.then(() => writeOne(path, bytes));
  queue = run.catch(() => undefined);
  return run;
}

async function writeOne(path: string, bytes: Uint8Array): Promise<boolean> {
  if (!refused) {
    const padded = Math.ceil(bytes.length / BLOCK) * BLOCK;
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(path, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY | fsc.O_DIRECT, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
      refused = true;
    }
    if (fh) {
      try {
        const buf = stagingBytes(padded);
        buf.set(bytes);
        buf.fill(0, bytes.length);
        let off = 0;
        while (off < padded) off += (await fh.write(buf, off, padded - off, off)).bytesWritten;
        // the padding to the block goes again: the file is exactly the bytes
        await fh.truncate(bytes.length);
        await fh.close();
        return true;
      } catch (e) {
        await fh.close().catch(() => undefined);
        // the file is ours (O_EXCL) and incomplete: drop it before trying again or failing
        await fs.rm(path, { force: true });
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
        refused = true;
      }
    }
  }
  await writeDurable(path, bytes, false);
  return false;
}
