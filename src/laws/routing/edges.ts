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
// segments/3B/read.ts loadVirtualEdges reads them from a world behind 3B's gate (failing clearly if the dictionary lacks
// them); virtualEdgesFrom() builds the same structure from any tables of that shape (synthetic edges
// in tests/2B.router.test.ts, 3B's real ones in tests/2B.world.test.ts).
import { quantiseRef, sliceWideRef, voseIntRef } from './alias.js';

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

/** The edge_catalogue_3B columns virtualEdgesFrom reads. */
export const EDGE_CATALOGUE_COLUMNS = ['merchant_id', 'edge_id', 'edge_seq_index', 'country_iso', 'lat_deg', 'lon_deg'];

/** Edge merchant index of a merchant id, or -1 (not virtual / no edges). */
export function edgeMerchantIndex(e: VirtualEdges, id: bigint): number {
  let lo = 0,
    hi = e.merchantId.length - 1;
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
  const qz = quantiseRef(
    Float64Array.from(weights, (x) => x / s),
    bits,
  );
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
