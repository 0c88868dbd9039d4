// fastparquet's page bodies on wasm (assembly/io/parquet.ts): a page's validity and values are
// copied into the module's static scratch, pqPage writes the body there, and the body is copied
// out. The TypeScript functions in fastparquet.ts are the reference; tests check equal bytes.
import type { DictCodes, PageKernel, PageKind } from './fastparquet.js';

/** A PageKernel over one wasm instance (one per thread: the scratch is the module's static memory). */
export function wasmPageKernel(ex: Record<string, any>): PageKernel {
  const rows = ex.pqScratchRows() as number;
  const V = ex.pqScratchValid() as number, IN = ex.pqScratchIn() as number, OUT = ex.pqScratchOut() as number;
  return {
    rows,
    page(kind: PageKind, a: number, b: number, width: number, optional: boolean, valid: Uint8Array | undefined, values: Uint8Array | DictCodes, dictN: number, dictBits: number) {
      const n = b - a;
      // memory may have grown since the last page (other kernels on this thread): fresh views
      const buf = (ex.memory as WebAssembly.Memory).buffer;
      if (valid) new Uint8Array(buf, V, n).set(valid.subarray(a, b));
      if (kind === 2) new Int32Array(buf, IN, n).set(values.subarray(a, b));
      else new Uint8Array(buf, IN, n * width).set((values as Uint8Array).subarray(a * width, b * width));
      const len = ex.pqPage(kind, n, width, optional ? 1 : 0, valid ? 1 : 0, dictN, dictBits) as number;
      if (len < 0) return { error: len === -1 ? ('valid' as const) : ('code' as const) };
      return { body: new Uint8Array(buf, OUT, len).slice(), encoding: ex.pqEncoding() as number };
    },
  };
}
