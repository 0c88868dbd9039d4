// fastparquet's page bodies on wasm (assembly/io/parquet.ts): pqPageAt writes the body into the
// module's static scratch, where the encoder compresses it from, and the page's statistics beside it.
// A page's values and validity are read where they lie when they already live in this instance's
// memory (a kernel's output columns: no copy of every value on its way to the encoder), else they
// are copied into the scratch first. The TypeScript functions in fastparquet.ts are the reference;
// tests check equal bytes.
import type { DictCodes, PageKernel, PageKind, StatKind } from './fastparquet.js';
import {
  pqEncoding,
  pqPageAt,
  pqScratchIn,
  pqScratchOut,
  pqScratchRows,
  pqScratchSeen,
  pqScratchStats,
  pqScratchValid,
  pqSeenCodes,
} from '../kernels/shared.js';
import type { KernelExports } from '../kernels/index.js';

/** A PageKernel over one wasm instance (one per thread: the scratch is the module's static memory). */
export function wasmPageKernel(ex: KernelExports): PageKernel {
  const rows = pqScratchRows.call(ex, {});
  const V = pqScratchValid.call(ex, {}),
    IN = pqScratchIn.call(ex, {}),
    OUT = pqScratchOut.call(ex, {}),
    STATS = pqScratchStats.call(ex, {}),
    SEEN = pqScratchSeen.call(ex, {});
  return {
    rows,
    seenCodes: pqSeenCodes.call(ex, {}),
    page(
      kind: PageKind,
      a: number,
      b: number,
      width: number,
      optional: boolean,
      valid: Uint8Array | undefined,
      values: Uint8Array | DictCodes,
      dictN: number,
      dictBits: number,
      stat: StatKind,
    ) {
      const n = b - a;
      // memory may have grown since the last page (other kernels on this thread): fresh views
      const buf = ex.memory.buffer;
      const here = (x: { buffer: ArrayBufferLike }) => x.buffer === buf;
      let vp = V,
        ip = IN;
      if (valid && here(valid)) vp = valid.byteOffset + a;
      else if (valid) new Uint8Array(buf, V, n).set(valid.subarray(a, b));
      if (kind === 2 ? values instanceof Int32Array && here(values) : here(values)) ip = values.byteOffset + a * (kind === 2 ? 4 : width);
      else if (kind === 2) new Int32Array(buf, IN, n).set(values.subarray(a, b));
      else new Uint8Array(buf, IN, n * width).set((values as Uint8Array).subarray(a * width, b * width));
      const len = pqPageAt.call(ex, { src: ip, valid: vp, kind, n, width, optional: optional ? 1 : 0, hasValid: valid ? 1 : 0, dictN, dictBits, stat });
      if (len < 0) return { error: len === -1 ? ('valid' as const) : ('code' as const) };
      const s = new DataView(buf, STATS, 24);
      const present = s.getInt32(16, true);
      let min: number | bigint = 0,
        max: number | bigint = 0;
      if (stat === 4) {
        min = s.getFloat64(0, true);
        max = s.getFloat64(8, true);
      } else if (stat === 3) {
        min = s.getBigUint64(0, true);
        max = s.getBigUint64(8, true);
      } else if (stat !== 0 && stat !== 5) {
        min = s.getBigInt64(0, true);
        max = s.getBigInt64(8, true);
      }
      // the body is a view: the encoder compresses it before the next page overwrites the scratch
      return { body: new Uint8Array(buf, OUT, len), encoding: pqEncoding.call(ex, {}), present, min, max };
    },
    seen(dictN: number) {
      return new Uint8Array(ex.memory.buffer, SEEN, dictN);
    },
  };
}
