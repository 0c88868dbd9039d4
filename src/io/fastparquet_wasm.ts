// fastparquet's page bodies on wasm (assembly/io/parquet.ts): pqPageAt writes the body into the
// module's static scratch and the body is copied out. A page's values and validity are read where
// they lie when they already live in this instance's memory (a kernel's output columns: no copy of
// every value on its way to the encoder), else they are copied into the scratch first. The
// TypeScript functions in fastparquet.ts are the reference; tests check equal bytes.
import type { DictCodes, PageKernel, PageKind } from './fastparquet.js';
import { pqEncoding, pqPageAt, pqScratchIn, pqScratchOut, pqScratchRows, pqScratchValid } from '../kernels/shared.js';
import type { KernelExports } from '../kernels/index.js';

/** A PageKernel over one wasm instance (one per thread: the scratch is the module's static memory). */
export function wasmPageKernel(ex: KernelExports): PageKernel {
  const rows = pqScratchRows.call(ex, {});
  const V = pqScratchValid.call(ex, {}),
    IN = pqScratchIn.call(ex, {}),
    OUT = pqScratchOut.call(ex, {});
  return {
    rows,
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
      const len = pqPageAt.call(ex, { src: ip, valid: vp, kind, n, width, optional: optional ? 1 : 0, hasValid: valid ? 1 : 0, dictN, dictBits });
      if (len < 0) return { error: len === -1 ? ('valid' as const) : ('code' as const) };
      return { body: new Uint8Array(buf, OUT, len).slice(), encoding: pqEncoding.call(ex, {}) };
    },
  };
}
