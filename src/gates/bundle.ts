// One hashing law for every segment gate:
//   the index (index.json; the file the gate contract names, e.g. validation_bundle_index_6A.json) lists
//   every other bundle file (path, sha256_hex, bytes), ASCII-lex by path;
//   _passed.flag = "sha256_hex = " + SHA-256(concatenated bytes of the listed files, in index order).
import { createHash } from 'node:crypto';
import { asciiCompare, sha256Hex, stableJson } from '../core/hash.js';
import type { PartFile } from '../io/publish.js';
import { gateFor } from '../contracts/dictionary.js';

/** The index's name in most gates; a gate contract may name another (contracts/gates/<SEG>.yaml index_path_template). */
export const INDEX_FILE = 'index.json';

/** The index file of `segment`'s bundle, as its gate contract names it. */
export function indexFileOf(segment: string): string {
  return gateFor(segment).index_path_template.split('/').pop() || INDEX_FILE;
}
export const FLAG_FILE = '_passed.flag';
export const HASH_LAW = 'sha256 over the raw bytes of index items concatenated in index order; _passed.flag excluded';

export interface IndexItem {
  path: string;
  sha256_hex: string;
  bytes: number;
}

export interface BundleIndex {
  bundle_version: 1;
  segment: string;
  manifest_fingerprint: string;
  ordering: 'ascii_lex';
  hash_law: string;
  items: IndexItem[];
}

export function buildIndex(segment: string, manifestFingerprint: string, files: PartFile[]): BundleIndex {
  const items = files.map((f) => ({ path: f.name, sha256_hex: sha256Hex(f.bytes), bytes: f.bytes.length })).sort((a, b) => asciiCompare(a.path, b.path));
  return { bundle_version: 1, segment, manifest_fingerprint: manifestFingerprint, ordering: 'ascii_lex', hash_law: HASH_LAW, items };
}

export function serializeIndex(index: BundleIndex): Uint8Array {
  return Buffer.from(stableJson(index), 'utf8');
}

/** The bundle digest from file bytes looked up by path (order = index order). */
export function bundleDigest(items: IndexItem[], bytesOf: (path: string) => Uint8Array): string {
  const h = createHash('sha256');
  for (const it of items) h.update(bytesOf(it.path));
  return h.digest('hex');
}

export function flagText(digest: string): string {
  return `sha256_hex = ${digest}\n`;
}

export const FLAG_PATTERN = /^sha256_hex = ([0-9a-f]{64})\n$/;

/**
 * Bundle files + index (+ flag when `passed`). The flag goes last in the list: the whole partition
 * is renamed into place at once, and a reader that sees no flag must treat the bundle as failed.
 */
export function assembleBundle(segment: string, mf: string, files: PartFile[], passed: boolean): PartFile[] {
  const index = buildIndex(segment, mf, files);
  const byPath = new Map(files.map((f) => [f.name, f.bytes]));
  const out: PartFile[] = [...files, { name: indexFileOf(segment), bytes: serializeIndex(index) }];
  if (passed) {
    const digest = bundleDigest(index.items, (p) => byPath.get(p)!);
    out.push({ name: FLAG_FILE, bytes: Buffer.from(flagText(digest), 'utf8') });
  }
  return out;
}
