// One 5B shard on a worker: copy the shard's inputs into this thread's wasm memory, run k5bArrivals,
// and hand back the output columns as views over wasm memory (valid until the next task on the
// thread). Overflow (more arrivals than the capacity) is reported, and the caller reruns the shard
// with the exact count: the result is the same, only the buffers differ.
import { ELEM_BYTES, place, viewOf, type ElemType } from '../../pool/task.js';
import { k5bArrivals } from '../../kernels/5B.js';
import type { KernelExports } from '../../kernels/index.js';
import { copyRows, type RowGather, type RowTable, type ShardInput } from './kernels_ref.js';

type Typed = Int32Array | Uint32Array | Float64Array | BigUint64Array | BigInt64Array | Uint8Array;
// an input's element type is its declaration's (checked as it is placed)
type In = { kind: 'in'; data: Typed } | { kind: 'scalar'; value: number } | { kind: 'gather'; src: RowTable; rows: Int32Array; width: number };

/** Output columns: the name a view goes by → k5bArrivals's parameter (which gives its element type). */
export const ARRIVAL_OUT = {
  merchant: 'oMerchant',
  seq: 'oSeq',
  ts: 'oTs',
  bucket: 'oBucket',
  country: 'oCountry',
  tz: 'oTz',
  local: 'oLocal',
  channel: 'oChannel',
  virtual: 'oVirtual',
  site: 'oSite',
  edge: 'oEdge',
  tzOp: 'oTzOp',
  localOp: 'oLocalOp',
  lambda: 'oLambda',
} as const;
export const SUMMARY_OUT = {
  merchant: 'sMerchant',
  country: 'sCountry',
  tz: 'sTz',
  channel: 'sChannel',
  bucket: 'sBucket',
  n: 'sN',
  phys: 'sPhys',
  virt: 'sVirt',
  lambda: 'sLambda',
} as const;
type Param = keyof typeof k5bArrivals.params;
type OutParam = (typeof ARRIVAL_OUT)[keyof typeof ARRIVAL_OUT] | (typeof SUMMARY_OUT)[keyof typeof SUMMARY_OUT];
type OutSpec = Readonly<Record<string, OutParam>>;
/** What execShard places itself: the capacity, the outputs and the scratch. */
type Placed = 'cap' | OutParam | 'unit' | 'perm' | 'tmp' | 'heapArr' | 'stats';
type InputName = Exclude<Param, Placed>;

/** k5bArrivals's inputs by name, the f64 length of its unit-row scratch and its buckets. */
export interface ShardArgs {
  args: { [K in InputName]: In };
  unitLen: number;
  H: number;
}

const elemOf = (p: Param, kind: 'in' | 'out' = 'out'): ElemType => {
  const d = k5bArrivals.params[p];
  if (d.kind !== kind) throw new Error(`k5bArrivals.${p} is not an ${kind} column`);
  return d.type;
};

export function shardInputs(x: ShardInput): ShardArgs {
  const a = (data: Typed): In => ({ kind: 'in', data });
  const s = (value: number): In => ({ kind: 'scalar', value });
  const g = (r: RowGather): In => ({ kind: 'gather', src: r.src, rows: r.rows, width: x.H });
  const args = {
    nM: s(x.mId.length),
    mCell: a(x.mCell),
    mId: a(x.mId),
    mSlice: a(x.mSlice),
    mEdge: a(x.mEdge),
    mSite: a(x.mSite),
    blob: a(x.blob),
    edgeBlob: a(x.edgeBlob),
    siteCountry: a(x.siteCountry),
    siteOrder: a(x.siteOrder),
    edgeZone: a(x.edgeZone),
    mEdgeOff: a(x.mEdgeOff),
    nRows: s(x.rowZone.length),
    rowZone: a(x.rowZone),
    rowShape: a(x.rowShape),
    rowOverlay: a(x.rowOverlay),
    cZone: a(x.cZone),
    cCountry: a(x.cCountry),
    cChannel: a(x.cChannel),
    cRow: a(x.cRow),
    cGroup: a(x.cGroup),
    cRGroup: a(x.cRGroup),
    cPV: a(x.cPV),
    cV: a(x.cV),
    cKey: a(x.cKey),
    H: s(x.H),
    h0f: s(x.h0Us),
    bucketF: s(x.bucketUs),
    shapes: a(x.shapes),
    ...(x.gather
      ? { lhTab: g(x.gather.lhTab), wkTab: g(x.gather.wkTab), overlay: g(x.gather.overlay), latent: g(x.gather.latent) }
      : { lhTab: a(x.lhTab), wkTab: a(x.wkTab), overlay: a(x.overlay), latent: a(x.latent) }),
    zoneStart: a(x.zoneStart),
    segStart: a(x.segStart),
    segOffset: a(x.segOffset),
  };
  return { args, unitLen: x.rowZone.length * x.H, H: x.H };
}

export interface ShardRun {
  overflow: boolean;
  /** arrivals, summary rows, draws, blocks, cells, unroutable, max cells per merchant */
  stats: number[];
  /** views over wasm memory (ts/local/localOp hold i64 bit patterns in a BigUint64Array) */
  arrivals: Record<keyof typeof ARRIVAL_OUT, Typed>;
  summary: Record<keyof typeof SUMMARY_OUT, Typed>;
}

/** Run k5bArrivals over serialised inputs with room for `cap` rows; maxCells = most cells of one merchant. */
export function execShard(ex: KernelExports, inputs: ShardArgs, cap: number, maxCells: number): ShardRun {
  ex.resetHeap();
  const mem = () => ex.memory.buffer;
  // inputs placed in the kernel's parameter order (the heap layout does not depend on how the task was cloned)
  const ins = {} as Record<InputName, number>;
  for (const param of k5bArrivals.order) {
    if (!(param in inputs.args)) continue;
    const name = param as InputName,
      a = inputs.args[name];
    if (a.kind === 'scalar') {
      ins[name] = a.value;
      continue;
    }
    const bytes = a.kind === 'gather' ? a.src.BYTES_PER_ELEMENT : a.data.BYTES_PER_ELEMENT;
    if (bytes !== ELEM_BYTES[elemOf(name, 'in')]) throw new Error(`k5bArrivals.${name}: ${bytes}-byte elements where ${elemOf(name, 'in')} is declared`);
    if (a.kind === 'gather') {
      // rows of a shared world table, copied straight into this thread's wasm memory
      ins[name] = place(ex, a.rows.length * a.width * bytes);
      copyRows(
        new (a.src.constructor as new (b: ArrayBuffer, o: number, n: number) => RowTable)(mem(), ins[name], a.rows.length * a.width),
        a.src,
        a.rows,
        a.width,
      );
    } else ins[name] = place(ex, a.data.byteLength, a.data);
  }
  const c = Math.max(1, cap);
  const outPtr = <S extends OutSpec>(spec: S) =>
    Object.fromEntries(Object.values(spec).map((p) => [p, place(ex, c * ELEM_BYTES[elemOf(p)])])) as Record<S[keyof S], number>;
  const ao = outPtr(ARRIVAL_OUT),
    so = outPtr(SUMMARY_OUT);
  const unit = place(ex, inputs.unitLen * 8);
  const perm = ex.alloc(c * 4);
  const tmp = ex.alloc(c * 8);
  const heapArr = ex.alloc((inputs.H + 1 + 3 * maxCells + 4) * 4); // bucket counts, then the merge heap
  const stats = ex.alloc(64);
  k5bArrivals.call(ex, { ...ins, cap, ...ao, ...so, unit, perm, tmp, heapArr, stats });
  const st = Array.from(new Float64Array(mem(), stats, 8));
  const overflow = st[7] !== 0;
  const view = <S extends OutSpec>(spec: S, ps: Record<OutParam, number>, n: number) =>
    Object.fromEntries(Object.entries(spec).map(([name, p]) => [name, viewOf(mem(), elemOf(p), ps[p], overflow ? 0 : n) as Typed])) as Record<keyof S, Typed>;
  const ps = { ...ao, ...so };
  return { overflow, stats: st.slice(0, 7), arrivals: view(ARRIVAL_OUT, ps, st[0]), summary: view(SUMMARY_OUT, ps, st[1]) };
}

/** Capacity for a shard with `expected` arrivals: generous, so reruns are rare (LGCP inflates variance). */
export function shardCapacity(expected: number): number {
  return Math.ceil(expected * 1.5 + 12 * Math.sqrt(expected) + 4096);
}
