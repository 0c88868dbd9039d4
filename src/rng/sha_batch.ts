// SHA-256 of many short messages behind one shared prefix, on this thread's own wasm instance
// (assembly/rng/sha256.ts): how substream keys and stable hash buckets are derived in bulk.
import { instantiateKernelsSync } from './wasm.js';
import { sha256Batch } from '../kernels/shared.js';
import type { KernelExports } from '../kernels/index.js';

/** This thread's instance for hashing: private, so its heap can be reset on every call. */
let ex: KernelExports | undefined;

/** Messages as one buffer and n + 1 byte offsets; with `lengthPrefix` each message's UTF-8 bytes follow their length as a big-endian u32. */
function pack(msgs: readonly string[], lengthPrefix: boolean): { bytes: Buffer; off: Int32Array } {
  const n = msgs.length;
  const head = lengthPrefix ? 4 : 0;
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + head + Buffer.byteLength(msgs[i], 'utf8');
  const bytes = Buffer.allocUnsafe(off[n]);
  for (let i = 0; i < n; i++) {
    if (lengthPrefix) bytes.writeUInt32BE(off[i + 1] - off[i] - 4, off[i]);
    bytes.write(msgs[i], off[i] + head, 'utf8');
  }
  return { bytes, off };
}

/**
 * The first `words` big-endian u32 words of SHA-256(prefix ‖ [len ‖] utf8(msgs[i])) for every i, at
 * out[words·i …] (len: the message's byte length as a big-endian u32, with `lengthPrefix`). Bit-identical to node:crypto (tests/rng.sha256.test.ts).
 */
export function sha256Words(prefix: Uint8Array, msgs: readonly string[], words: number, opts: { lengthPrefix?: boolean } = {}): Uint32Array {
  if (!Number.isInteger(words) || words < 1 || words > 8) throw new Error(`sha256Words: words must be 1..8, got ${words}`);
  ex ??= instantiateKernelsSync();
  const { bytes, off } = pack(msgs, opts.lengthPrefix ?? false);
  const n = msgs.length;
  ex.resetHeap();
  const put = (b: Uint8Array) => {
    const p = ex!.alloc(Math.max(8, b.byteLength));
    new Uint8Array(ex!.memory.buffer, p, b.byteLength).set(b);
    return p;
  };
  const pPrefix = put(prefix),
    pMsgs = put(bytes),
    pOff = put(new Uint8Array(off.buffer));
  const pOut = ex.alloc(Math.max(8, 4 * words * n));
  sha256Batch.call(ex, { prefix: pPrefix, prefixLen: prefix.length, msgs: pMsgs, off: pOff, n, words, out: pOut });
  return new Uint32Array(ex.memory.buffer, pOut, words * n).slice();
}
