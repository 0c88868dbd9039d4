// 3B's face to later segments: its published virtual-edge tables, read behind 3B's gate.
import * as arrow from 'apache-arrow';
import { join } from 'node:path';
import { fail, ErrorCodes } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { dictionary, partitionDir } from '../../contracts/dictionary.js';
import { readBytes, readTable } from '../../io/reader.js';
import { tokens, type RunContext } from '../../engine/context.js';
import { numericColumn, stringColumn } from '../../io/arrow_columns.js';
import { textValues } from '../../io/arrow_columns.js';
import { EDGE_CATALOGUE_COLUMNS, VirtualEdges } from '../../laws/routing/edges.js';

export const EDGE_DATASETS = ['edge_alias_index_3B', 'edge_alias_blob_3B', 'edge_catalogue_3B'] as const;

/** Build VirtualEdges from 3B-shaped tables (alias index rows, blob bytes, edge catalogue). */
export function virtualEdgesFrom(index: arrow.Table, blobBytes: Uint8Array, catalogue: arrow.Table): VirtualEdges {
  const I = 'edge_alias_index_3B',
    C = 'edge_catalogue_3B';
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
    if (k !== n || blob[word] !== n || blob[word + 2] !== 0)
      fail(
        ErrorCodes.VALIDATION_FAILED,
        `merchant ${id}: ${k} catalogue edges, index says ${n}, slice header says ${blob[word]} (groups ${blob[word + 2]})`,
        I,
        'rebuild 3B',
      );
    edgeOff[v + 1] = edgeOff[v] + k;
  }
  return {
    merchantId: BigUint64Array.from(rows, (r) => r.id),
    blob,
    edgeWord: Uint32Array.from(rows, (r) => r.word),
    edgeOff,
    edgeId: out.edgeId,
    ipCountry: out.ipCountry,
    lat: Float64Array.from(out.lat),
    lon: Float64Array.from(out.lon),
  };
}

/** Load 3B's published edge tables (caller verified gate.layer1.3B.validation). */
/** `catalogue`: edge_catalogue_3B when the caller has read it already (it needs more of its columns). */
export async function loadVirtualEdges(ctx: RunContext, catalogue?: arrow.Table | Promise<arrow.Table>): Promise<VirtualEdges> {
  const have = new Set(dictionary().datasets.map((d) => d.id));
  const missing = EDGE_DATASETS.filter((d) => !have.has(d));
  if (missing.length)
    fail(
      ErrorCodes.UNKNOWN_SEGMENT,
      `virtual-edge routing needs 3B's ${missing.join(', ')}, which the dataset dictionary does not define yet`,
      'contracts/datasets/3B.yaml',
      'build segment 3B first',
    );
  const t = tokens(ctx);
  const b = partitionDir('edge_alias_blob_3B', t);
  // the blob and the index load at once (and alongside a caller's catalogue read)
  const [bytes, index] = await Promise.all([
    readBytes(ctx, 'edge_alias_blob_3B'),
    readTable(ctx, 'edge_alias_index_3B', { columns: ['scope', 'merchant_id', 'blob_offset_bytes', 'edge_count_total', 'blob_sha256_hex'] }),
  ]);
  const scope = stringColumn(index, 'scope', 'edge_alias_index_3B');
  const sha = index.getChild('blob_sha256_hex');
  let digest: string | undefined;
  for (let r = 0; sha && r < index.numRows; r++) {
    if (scope.dict[scope.codes[r]] === 'GLOBAL' && sha.get(r) && sha.get(r) !== (digest ??= sha256Hex(bytes)))
      fail(ErrorCodes.GATE_FILE_DIGEST_MISMATCH, 'edge alias blob does not match edge_alias_index_3B.blob_sha256_hex', join(b.dir, b.file!), 'rebuild 3B');
  }
  return virtualEdgesFrom(index, bytes, (await catalogue) ?? (await readTable(ctx, 'edge_catalogue_3B', { columns: EDGE_CATALOGUE_COLUMNS })));
}
