// 2B surfaces: s1_site_weights, s2_alias_index + s2_alias_blob, s3_day_effects and
// s4_group_weights (encoded chunk by chunk as their rows are produced), each published write-once
// at its catalogued path.
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import { type RunContext } from '../../engine/context.js';
import { type ColumnValues } from '../../io/tables.js';
import type { PartStream } from '../../io/writer.js';
import type { Sites2B } from './inputs.js';
import { COMPONENT_NAMES, FAMILIES, type World2B } from './world.js';
import type { AliasIndex } from './router.js';
import { POLICY_FILES } from './policies.js';

export interface Published2B {
  rows: Record<string, number>;
  index: AliasIndex;
  blobBytes: Uint8Array;
  /** published file paths (relative to the world) of the S3/S4 parts */
  parts: { s3: string[]; s4: string[] };
}

/**
 * Streams S3/S4 rows into Parquet parts (one part per chunk of whole merchants): each part is staged
 * as soon as it is encoded and only its digest is kept, so memory holds a chunk, not the G × days
 * tables (~1 GB at large); both partitions are published at the end.
 */
export class DayPartWriter {
  private readonly rows = { s3: 0, s4: 0 };
  private readonly streams: { s3: PartStream; s4: PartStream };
  private chunks = 0;
  constructor(ctx: RunContext) {
    this.streams = { s3: ctx.out.stream('s3_day_effects'), s4: ctx.out.stream('s4_group_weights') };
  }

  async addChunk(
    sites: Sites2B,
    m0: number,
    m1: number,
    D: number,
    startDay: number,
    v: { gamma: Float64Array; lg: Float64Array; pg: Float64Array; mr: Float64Array; den: Float64Array },
    baseShare: Float64Array,
    sigma: Float64Array,
  ): Promise<void> {
    const gO = sites.groupOff;
    const r0 = D * gO[m0];
    const n = D * gO[m1] - r0;
    const merchant = new BigUint64Array(n);
    const day = new Int32Array(n);
    const tz = new Int32Array(n);
    const sg = new Float64Array(n);
    const bs = new Float64Array(n);
    const draw = new Uint32Array(n);
    for (let m = m0; m < m1; m++) {
      const G = gO[m + 1] - gO[m];
      for (let d = 0; d < D; d++) {
        for (let g = 0; g < G; g++) {
          const r = D * gO[m] + d * G + g - r0;
          merchant[r] = sites.merchantId[m];
          day[r] = startDay + d;
          tz[r] = sites.groupTz[gO[m] + g];
          sg[r] = sigma[gO[m] + g];
          bs[r] = baseShare[gO[m] + g];
          draw[r] = d * G + g;
        }
      }
    }
    const tzCol = { codes: tz, dict: sites.tzDict };
    const s3: Record<string, ColumnValues> = {
      merchant_id: merchant,
      utc_day: day,
      tz_group_id: tzCol,
      gamma: v.gamma.slice(),
      log_gamma: v.lg.slice(),
      sigma_gamma: sg,
      rng_stream_id: { codes: new Int32Array(n), dict: [FAMILIES.day] },
      rng_draw: draw,
    };
    const s4: Record<string, ColumnValues> = {
      merchant_id: merchant,
      utc_day: day,
      tz_group_id: tzCol,
      p_group: v.pg.slice(),
      base_share: bs,
      gamma: v.gamma.slice(),
    };
    // the part number is taken before any await: chunks may finish out of order
    const name = `part-${String(this.chunks++).padStart(5, '0')}.parquet`;
    // a failure here reaches 2B's run, which aborts both writers
    await Promise.all([this.streams.s3.write(name, s3), this.streams.s4.write(name, s4)]);
    this.rows.s3 += n;
    this.rows.s4 += n;
  }

  /** Drop what was staged (a failed build publishes nothing). */
  async abort(): Promise<void> {
    await this.streams.s3.abort();
    await this.streams.s4.abort();
  }

  /** Publish both partitions; their files enter 2B's ledger. */
  async publish(): Promise<{ rows: { s3: number; s4: number }; paths: { s3: string[]; s4: string[] } }> {
    const s3 = await this.streams.s3.commit();
    const s4 = await this.streams.s4.commit();
    return { rows: { ...this.rows }, paths: { s3: s3.map((f) => f.path), s4: s4.map((f) => f.path) } };
  }
}

export async function publish2B(ctx: RunContext, w: World2B, parts: DayPartWriter): Promise<Published2B> {
  const { sites, p } = w;
  const M = sites.merchantId.length;
  const S = sites.siteOff[M];
  const rows: Record<string, number> = {};
  const stage = ctx.progress.stage('2B publish', 4, 'datasets');

  // S1
  const merchant = new BigUint64Array(S);
  const compCodes = new Int32Array(S);
  const bucketCodes = new Int32Array(S);
  for (let i = 0; i < M; i++) {
    for (let r = sites.siteOff[i]; r < sites.siteOff[i + 1]; r++) {
      merchant[r] = sites.merchantId[i];
      compCodes[r] = w.component[i];
      bucketCodes[r] = w.bucket[i];
    }
  }
  const s1 = ctx.out
    .write('s1_site_weights', {
      merchant_id: merchant,
      legal_country_iso: sites.country,
      site_order: sites.siteOrder,
      p_weight: w.pWeight,
      quantised_mass: w.mass,
      weight_source: { codes: new Int32Array(S), dict: [p.alias.weight_source] },
      mixture_component: { codes: compCodes, dict: COMPONENT_NAMES },
      size_bucket: { codes: bucketCodes, dict: p.alias.profile_mixture.buckets.map((b) => b.name) },
      quantised_bits: new Int32Array(S).fill(p.alias.quantised_bits),
      floor_applied: w.floorApplied,
    })
    .then((r) => r.rows);

  // S2: blob bytes are the little-endian u32 words (wasm and every supported host are little-endian)
  const blobBytes = new Uint8Array(w.blob.buffer, w.blob.byteOffset, w.blob.byteLength);
  const policyFile = ctx.pack.files.find((f) => f.name === POLICY_FILES.alias)!;
  const index: AliasIndex = {
    layout_version: p.alias.layout.layout_version,
    endianness: p.alias.layout.endianness,
    alignment_bytes: p.alias.layout.alignment_bytes,
    quantised_bits: p.alias.quantised_bits,
    prob_qbits: p.alias.layout.prob_qbits,
    decode_law: p.alias.layout.decode_law,
    policy_id: POLICY_FILES.alias,
    policy_digest: sha256Hex(policyFile.bytes),
    horizon: { start_day: p.days.start_day, end_day: p.days.end_day, days: p.days.count },
    slice_layout:
      'u32 [n_sites, prob_qbits, n_groups, 0] q[n] alias[n] group_start[G+1] perm[n] group_q[n] group_alias[n]; little-endian; offsets/length in bytes, length excludes padding',
    blob_sha256: sha256Hex(blobBytes),
    blob_size_bytes: blobBytes.byteLength,
    merchants_count: M,
    merchants: Array.from({ length: M }, (_, i) => {
      const n = sites.siteOff[i + 1] - sites.siteOff[i];
      const G = sites.groupOff[i + 1] - sites.groupOff[i];
      const off = w.wordOff[i] * 4;
      const len = (4 + 2 * n + (G > 0 ? G + 1 + 3 * n : 0)) * 4;
      return {
        merchant_id: sites.merchantId[i].toString(),
        offset: off,
        length: len,
        sites: n,
        groups: G,
        quantised_bits: p.alias.quantised_bits,
        checksum: sha256Hex(blobBytes.subarray(off, off + len)),
      };
    }),
  };
  await Promise.all([ctx.out.writeBytes('s2_alias_blob', blobBytes), ctx.out.writeBytes('s2_alias_index', Buffer.from(canonicalJson(index) + '\n'))]);
  stage.tick(2);

  const day = await parts.publish();
  rows.s1_site_weights = await s1;
  rows.s2_alias_index = M;
  rows.s3_day_effects = day.rows.s3;
  rows.s4_group_weights = day.rows.s4;
  stage.tick(2);
  stage.done();
  return { rows, index, blobBytes, parts: day.paths };
}
