// S6 virtual-edge branch: route a virtual merchant's arrival to one of its CDN edges with ONE
// uniform, decoding the merchant's edge alias table published by 3B.
//
// Interface shared with 3B (contracts/datasets/3B.yaml; catalogue ids edge_alias_index_3B,
// edge_alias_blob_3B, edge_catalogue_3B), which writes its slices in this layout:
//   edge_alias_index_3B  one row per merchant with scope = 'MERCHANT': merchant_id, blob_offset_bytes,
//                        blob_length_bytes, edge_count_total (plus a 'GLOBAL' row carrying blob_sha256_hex)
//   edge_alias_blob_3B   slices in the shared alias-slice format (the 2B layout with no group section):
//                        u32 [n, qbits, 0, 0] q[n] alias[n], little-endian, Q0.qbits thresholds
//   edge_catalogue_3B    merchant_id, edge_id, edge_seq_index, country_iso, lat_deg, lon_deg
//   Column k of a merchant's slice is the merchant's edge with edge_seq_index = k.
// loadVirtualEdges reads them from a world behind 3B's gate (failing clearly if the dictionary lacks
// them); virtualEdgesFrom() builds the same structure from any tables of that shape (synthetic edges
// in tests/2B.router.test.ts, 3B's real ones in tests/2B.world.test.ts).
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { fail, ErrorCodes } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { dictionary, partitionDir } from '../../contracts/dictionary.js';
import { readParquetDataset, sealedFile } from '../../engine/datasets.js';
import { tokens, type RunContext } from '../../engine/context.js';
import { quantiseRef, sliceWideRef, voseIntRef } from './kernels_ref.js';
import { numericColumn, stringColumn } from './inputs.js';
import { textValues } from '../../io/arrow_columns.js';

export interface VirtualEdges {
  /** virtual merchants, ascending; edge merchant index = position */
  merchantId: BigUint64Array;
  /** alias slices (u32 words) and each merchant's slice start (words) */
  blob: Uint32Array;
  edgeWord: Uint32Array;
  /** edges of merchant v: [edgeOff[v], edgeOff[v+1]) in edge_seq_index order */
  edgeOff: Int32Array;
  edgeId: string[];
  ipCountry: string[];
  lat: Float64Array;
  lon: Float64Array;
}

export const EDGE_DATASETS = ['edge_alias_index_3B', 'edge_alias_blob_3B', 'edge_catalogue_3B'] as const;
/** The edge_catalogue_3B columns virtualEdgesFrom reads. */
export const EDGE_CATALOGUE_COLUMNS = ['merchant_id', 'edge_id', 'edge_seq_index', 'country_iso', 'lat_deg', 'lon_deg'];

/** Edge merchant index of a merchant id, or -1 (not virtual / no edges). */
export function edgeMerchantIndex(e: VirtualEdges, id: bigint): number {
  let lo = 0, hi = e.merchantId.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (e.merchantId[mid] === id) return mid;
    if (e.merchantId[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** TypeScript reference of k2bEdgePick for one arrival: merchant-local edge index. One uniform. */
export function edgePickRef(e: VirtualEdges, v: number, u: number): number {
  return sliceWideRef(e.blob, e.edgeWord[v], u);
}

/** One alias slice [n, qbits, 0, 0] q[n] alias[n] for weights w (quantised on 2^bits, integer Vose),
 *  with the quantised masses and the units the quantiser had left over. */
export function edgeSliceParts(weights: ArrayLike<number>, bits = 24, qbits = 32): { words: Uint32Array; left: number; masses: Uint32Array } {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i];
  const qz = quantiseRef(Float64Array.from(weights, (x) => x / s), bits);
  const t = voseIntRef(qz.m, 2 ** bits, qbits);
  const n = weights.length;
  const words = new Uint32Array(4 + 2 * n);
  words.set([n, qbits, 0, 0]);
  words.set(t.q, 4);
  words.set(t.alias, 4 + n);
  return { words, left: qz.left, masses: qz.m };
}

/** Just the slice words of edgeSliceParts. */
export function edgeSlice(weights: ArrayLike<number>, bits = 24, qbits = 32): Uint32Array {
  return edgeSliceParts(weights, bits, qbits).words;
}

/** Build VirtualEdges from 3B-shaped tables (alias index rows, blob bytes, edge catalogue). */
export function virtualEdgesFrom(index: arrow.Table, blobBytes: Uint8Array, catalogue: arrow.Table): VirtualEdges {
  const I = 'edge_alias_index_3B', C = 'edge_catalogue_3B';
  if (blobBytes.byteLength % 4 !== 0) fail(ErrorCodes.VALIDATION_FAILED, 'edge alias blob length is not a multiple of 4', 'edge_alias_blob_3B', 'rebuild 3B');
  const copy = new Uint8Array(blobBytes.byteLength);
  copy.set(blobBytes);
  const blob = new Uint32Array(copy.buffer);
  const scope = stringColumn(index, 'scope', I);
  const mid = index.getChild('merchant_id')!;
  const offC = index.getChild('blob_offset_bytes')!;
  const cntC = index.getChild('edge_count_total')!;
  const rows: { id: bigint; word: number; n: number }[] = [];
  for (let r = 0; r < index.numRows; r++) {
    if (scope.dict[scope.codes[r]] !== 'MERCHANT') continue;
    const off = Number(offC.get(r));
    if (off % 4 !== 0) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${mid.get(r)}: blob_offset_bytes ${off} is not 4-aligned`, I, 'rebuild 3B');
    rows.push({ id: BigInt(mid.get(r)), word: off / 4, n: Number(cntC.get(r)) });
  }
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cm = numericColumn(catalogue, 'merchant_id', C, BigUint64Array);
  const seq = numericColumn(catalogue, 'edge_seq_index', C, Int32Array);
  const eid = textValues(catalogue, 'edge_id', C, 'rebuild 3B');
  const iso = stringColumn(catalogue, 'country_iso', C);
  const lat = numericColumn(catalogue, 'lat_deg', C, Float64Array);
  const lon = numericColumn(catalogue, 'lon_deg', C, Float64Array);
  const order = Int32Array.from({ length: cm.length }, (_, i) => i).sort((a, b) => (cm[a] < cm[b] ? -1 : cm[a] > cm[b] ? 1 : seq[a] - seq[b]));
  const V = rows.length;
  const edgeOff = new Int32Array(V + 1);
  const out = { edgeId: [] as string[], ipCountry: [] as string[], lat: [] as number[], lon: [] as number[] };
  let c = 0;
  for (let v = 0; v < V; v++) {
    const { id, word, n } = rows[v];
    while (c < order.length && cm[order[c]] < id) c++;
    let k = 0;
    for (; c < order.length && cm[order[c]] === id; c++, k++) {
      const r = order[c];
      if (seq[r] !== k) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${id}: edge_seq_index ${seq[r]} where ${k} was expected`, C, 'rebuild 3B');
      const e = eid[r];
      if (e === null) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${id}: edge ${k} has no edge_id`, C, 'rebuild 3B');
      out.edgeId.push(e);
      out.ipCountry.push(iso.dict[iso.codes[r]]);
      out.lat.push(lat[r]);
      out.lon.push(lon[r]);
    }
    if (k !== n || blob[word] !== n || blob[word + 2] !== 0) fail(ErrorCodes.VALIDATION_FAILED, `merchant ${id}: ${k} catalogue edges, index says ${n}, slice header says ${blob[word]} (groups ${blob[word + 2]})`, I, 'rebuild 3B');
    edgeOff[v + 1] = edgeOff[v] + k;
  }
  return {
    merchantId: BigUint64Array.from(rows, (r) => r.id), blob, edgeWord: Uint32Array.from(rows, (r) => r.word), edgeOff,
    edgeId: out.edgeId, ipCountry: out.ipCountry, lat: Float64Array.from(out.lat), lon: Float64Array.from(out.lon),
  };
}

/** Load 3B's published edge tables (caller verified gate.layer1.3B.validation). */
/** `catalogue`: edge_catalogue_3B when the caller has read it already (it needs more of its columns). */
export async function loadVirtualEdges(ctx: RunContext, catalogue?: arrow.Table | Promise<arrow.Table>): Promise<VirtualEdges> {
  const have = new Set(dictionary().datasets.map((d) => d.id));
  const missing = EDGE_DATASETS.filter((d) => !have.has(d));
  if (missing.length) fail(ErrorCodes.UNKNOWN_SEGMENT, `virtual-edge routing needs 3B's ${missing.join(', ')}, which the dataset dictionary does not define yet`, 'contracts/datasets/3B.yaml', 'build segment 3B first');
  const t = tokens(ctx);
  const b = partitionDir('edge_alias_blob_3B', t);
  // the blob and the index load at once (and alongside a caller's catalogue read)
  const [bytes, index] = await Promise.all([
    sealedFile(ctx, 'edge_alias_blob_3B').then((f) => readFile(f)),
    readParquetDataset(ctx, 'edge_alias_index_3B', {}, { columns: ['scope', 'merchant_id', 'blob_offset_bytes', 'edge_count_total', 'blob_sha256_hex'] }),
  ]);
  const scope = stringColumn(index, 'scope', 'edge_alias_index_3B');
  const sha = index.getChild('blob_sha256_hex');
  let digest: string | undefined;
  for (let r = 0; sha && r < index.numRows; r++) {
    if (scope.dict[scope.codes[r]] === 'GLOBAL' && sha.get(r) && sha.get(r) !== (digest ??= sha256Hex(bytes))) fail(ErrorCodes.GATE_FILE_DIGEST_MISMATCH, 'edge alias blob does not match edge_alias_index_3B.blob_sha256_hex', join(b.dir, b.file!), 'rebuild 3B');
  }
  return virtualEdgesFrom(index, bytes, (await catalogue) ?? (await readParquetDataset(ctx, 'edge_catalogue_3B', {}, { columns: EDGE_CATALOGUE_COLUMNS })));
}
