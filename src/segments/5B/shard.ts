// One 5B shard on a worker: copy the shard's inputs into this thread's wasm memory, run k5bArrivals,
// and hand back the output columns as views over wasm memory (valid until the next task on the
// thread). Overflow (more arrivals than the capacity) is reported, and the caller reruns the shard
// with the exact count: the result is the same, only the buffers differ.
import { ELEM_BYTES, viewOf, type ElemType } from '../../pool/task.js';
import { copyRows, type RowGather, type RowTable, type ShardInput } from './kernels_ref.js';

type Typed = Int32Array | Uint32Array | Float64Array | BigUint64Array | BigInt64Array | Uint8Array;
type In = { kind: 'in'; type: ElemType; data: Typed } | { kind: 'scalar'; value: number } | { kind: 'gather'; src: RowTable; rows: Int32Array; width: number };

/** k5bArrivals's inputs in argument order (everything before `cap`), the f64 length of its unit-row scratch and its buckets. */
export interface ShardArgs {
  args: In[];
  unitLen: number;
  H: number;
}

export function shardInputs(x: ShardInput): ShardArgs {
  const a = (type: ElemType, data: Typed): In => ({ kind: 'in', type, data });
  const s = (value: number): In => ({ kind: 'scalar', value });
  const g = (r: RowGather): In => ({ kind: 'gather', src: r.src, rows: r.rows, width: x.H });
  const args = [
    s(x.mId.length), a('i32', x.mCell), a('u64', x.mId), a('i32', x.mSlice), a('i32', x.mEdge), a('i32', x.mSite),
    a('u32', x.blob), a('u32', x.edgeBlob), a('i32', x.siteCountry), a('i32', x.siteOrder), a('i32', x.edgeZone), a('i32', x.mEdgeOff),
    s(x.rowZone.length), a('i32', x.rowZone), a('i32', x.rowShape), a('i32', x.rowOverlay),
    a('i32', x.cZone), a('i32', x.cCountry), a('i32', x.cChannel), a('i32', x.cRow), a('i32', x.cGroup), a('i32', x.cRGroup),
    a('f64', x.cPV), a('f64', x.cV), a('u32', x.cKey),
    s(x.H), s(x.h0Us), s(x.bucketUs),
    a('f64', x.shapes),
    ...(x.gather ? [g(x.gather.lhTab), g(x.gather.wkTab), g(x.gather.overlay), g(x.gather.latent)] : [a('i32', x.lhTab), a('u8', x.wkTab), a('f64', x.overlay), a('f64', x.latent)]),
    a('i32', x.zoneStart), a('u64', x.segStart), a('i32', x.segOffset),
  ];
  return { args, unitLen: x.rowZone.length * x.H, H: x.H };
}

export const ARRIVAL_OUT: [string, ElemType][] = [
  ['merchant', 'u64'], ['seq', 'u64'], ['ts', 'u64'], ['bucket', 'i32'], ['country', 'i32'], ['tz', 'i32'], ['local', 'u64'], ['channel', 'i32'],
  ['virtual', 'u8'], ['site', 'i32'], ['edge', 'i32'], ['tzOp', 'i32'], ['localOp', 'u64'], ['lambda', 'f64'],
];
export const SUMMARY_OUT: [string, ElemType][] = [
  ['merchant', 'u64'], ['country', 'i32'], ['tz', 'i32'], ['channel', 'i32'], ['bucket', 'i32'], ['n', 'i32'], ['phys', 'i32'], ['virt', 'i32'], ['lambda', 'f64'],
];

export interface ShardRun {
  overflow: boolean;
  /** arrivals, summary rows, draws, blocks, cells, unroutable, max cells per merchant */
  stats: number[];
  /** views over wasm memory (ts/local/localOp hold i64 bit patterns in a BigUint64Array) */
  arrivals: Record<string, Typed>;
  summary: Record<string, Typed>;
}

/** Run k5bArrivals over serialised inputs with room for `cap` rows; maxCells = most cells of one merchant. */
export function execShard(ex: Record<string, any>, inputs: ShardArgs, cap: number, maxCells: number): ShardRun {
  ex.resetHeap();
  const ptrs: number[] = [];
  const mem = () => (ex.memory as WebAssembly.Memory).buffer;
  for (const a of inputs.args) {
    if (a.kind === 'scalar') {
      ptrs.push(a.value);
      continue;
    }
    if (a.kind === 'gather') {
      // rows of a shared world table, copied straight into this thread's wasm memory
      const p = ex.alloc(Math.max(8, a.rows.length * a.width * a.src.BYTES_PER_ELEMENT)) as number;
      copyRows(new (a.src.constructor as new (b: ArrayBuffer, o: number, n: number) => RowTable)(mem(), p, a.rows.length * a.width), a.src, a.rows, a.width);
      ptrs.push(p);
      continue;
    }
    const bytes = Math.max(8, a.data.byteLength);
    const p = ex.alloc(bytes) as number;
    new Uint8Array(mem(), p, a.data.byteLength).set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
    ptrs.push(p);
  }
  const c = Math.max(1, cap);
  const outPtr = (spec: [string, ElemType][]) => spec.map(([, t]) => ex.alloc(Math.max(8, c * ELEM_BYTES[t])) as number);
  const ao = outPtr(ARRIVAL_OUT);
  const so = outPtr(SUMMARY_OUT);
  const unit = ex.alloc(Math.max(8, inputs.unitLen * 8)) as number;
  const perm = ex.alloc(c * 4) as number;
  const tmp = ex.alloc(c * 8) as number;
  const heap = ex.alloc((inputs.H + 1 + 3 * maxCells + 4) * 4) as number; // bucket counts, then the merge heap
  const stats = ex.alloc(64) as number;
  ex.k5bArrivals(...ptrs, cap, ...ao, ...so, unit, perm, tmp, heap, stats);
  const st = Array.from(new Float64Array(mem(), stats, 8));
  const overflow = st[7] !== 0;
  const view = (spec: [string, ElemType][], ps: number[], n: number) =>
    Object.fromEntries(spec.map(([name, t], i) => [name, viewOf(mem(), t, ps[i], overflow ? 0 : n) as Typed]));
  return { overflow, stats: st.slice(0, 7), arrivals: view(ARRIVAL_OUT, ao, st[0]), summary: view(SUMMARY_OUT, so, st[1]) };
}

/** Capacity for a shard with `expected` arrivals: generous, so reruns are rare (LGCP inflates variance). */
export function shardCapacity(expected: number): number {
  return Math.ceil(expected * 1.5 + 12 * Math.sqrt(expected) + 4096);
}
