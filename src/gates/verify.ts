// Gate verification from bytes, shared by every S0 and by `fraudworld validate`.
// A gate verifies only if: flag well-formed, index canonical and schema-valid, every listed file present
// with its digest, no unlisted file, the recomputed bundle digest equals the flag, and every data file
// the bundle's outputs.json authorises still has the bytes it had when sealed.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { sha256File, sha256Hex, asciiCompare } from '../core/hash.js';
import { FLAG_FILE, FLAG_PATTERN, HASH_LAW, INDEX_FILE, serializeIndex, type BundleIndex } from './bundle.js';
import { listFiles, exists } from '../io/publish.js';
import { check } from '../contracts/registry.js';
import { ErrorCodes, type ErrorCode } from '../core/errors.js';
import { gateFor } from '../contracts/dictionary.js';

export interface GateProblem {
  code: ErrorCode;
  detail: string;
}

export interface GateReport {
  gate_id: string;
  segment: string;
  bundle_dir: string;
  ok: boolean;
  problems: GateProblem[];
  digest?: string;
}

/** Name of the bundle member that lists the data files a gate authorises. */
export const OUTPUTS_FILE = 'outputs.json';

export interface OutputEntry {
  dataset: string;
  path: string; // world-relative
  sha256_hex: string;
  bytes: number;
}

/** SHA-256 hex of each file, in order (the pool's workers hash in parallel: KernelPool.sha256Files). */
export type FileHasher = (paths: string[]) => Promise<string[]>;

/** One file after another on this thread. */
export const hashFilesHere: FileHasher = async (paths) => {
  const out: string[] = [];
  for (const p of paths) out.push(await sha256File(p));
  return out;
};

export async function verifyGate(world: string, segment: string, manifestFingerprint: string, hashFiles: FileHasher = hashFilesHere): Promise<GateReport> {
  const gate = gateFor(segment);
  const rel = gate.bundle_root_template.replace('{manifest_fingerprint}', manifestFingerprint);
  const dir = join(world, rel);
  const rep: GateReport = { gate_id: gate.gate_id, segment, bundle_dir: rel, ok: false, problems: [] };
  const bad = (code: ErrorCode, detail: string) => rep.problems.push({ code, detail });
  if (!(await exists(dir))) {
    bad(ErrorCodes.GATE_MISSING, `no validation bundle at ${rel}`);
    return rep;
  }
  const flagPath = join(dir, FLAG_FILE);
  let flagDigest: string | undefined;
  if (!(await exists(flagPath))) bad(ErrorCodes.GATE_MISSING, `${FLAG_FILE} is absent (segment did not pass)`);
  else {
    const m = FLAG_PATTERN.exec(await fs.readFile(flagPath, 'utf8'));
    if (!m) bad(ErrorCodes.GATE_FLAG_MALFORMED, `${FLAG_FILE} is not "sha256_hex = <64 hex>\\n"`);
    else flagDigest = m[1];
  }
  let index: BundleIndex;
  try {
    const raw = await fs.readFile(join(dir, INDEX_FILE));
    index = JSON.parse(raw.toString('utf8'));
    const err = check('validation_bundle_index.schema.json', index);
    if (err) throw new Error(`${err.field} ${err.message}`);
    if (!Buffer.from(serializeIndex(index)).equals(raw)) throw new Error('not in canonical form (bytes were edited)');
    if (index.manifest_fingerprint !== manifestFingerprint || index.segment !== segment) throw new Error('names another segment or fingerprint');
    if (index.hash_law !== HASH_LAW) throw new Error('declares an unknown hash_law (index.json was edited)');
    for (let i = 1; i < index.items.length; i++) {
      if (asciiCompare(index.items[i - 1].path, index.items[i].path) >= 0) throw new Error('items not in ASCII-lex order');
    }
  } catch (e) {
    bad(ErrorCodes.GATE_INDEX_INVALID, `${INDEX_FILE}: ${(e as Error).message}`);
    return rep;
  }
  const listed = new Set(index.items.map((i) => i.path));
  for (const f of await listFiles(dir)) {
    if (f !== INDEX_FILE && f !== FLAG_FILE && !listed.has(f)) bad(ErrorCodes.GATE_INDEX_INVALID, `unlisted file ${f} in bundle`);
  }
  const h = createHash('sha256');
  const contents = new Map<string, Buffer>();
  for (const it of index.items) {
    if (it.path.includes('..') || it.path.startsWith('/')) {
      bad(ErrorCodes.GATE_INDEX_INVALID, `illegal path ${it.path}`);
      continue;
    }
    let b: Buffer;
    try {
      b = await fs.readFile(join(dir, it.path));
    } catch {
      bad(ErrorCodes.GATE_FILE_MISSING, `${it.path} listed but missing`);
      continue;
    }
    if (sha256Hex(b) !== it.sha256_hex || b.length !== it.bytes) bad(ErrorCodes.GATE_FILE_DIGEST_MISMATCH, `${it.path} bytes differ from index`);
    contents.set(it.path, b);
    h.update(b);
  }
  rep.digest = h.digest('hex');
  if (flagDigest && rep.digest !== flagDigest) bad(ErrorCodes.GATE_DIGEST_MISMATCH, `bundle digest ${rep.digest.slice(0, 12)}… ≠ flag ${flagDigest.slice(0, 12)}…`);
  const outputs = contents.get(OUTPUTS_FILE);
  if (outputs) {
    let entries: OutputEntry[] = [];
    try {
      entries = JSON.parse(outputs.toString('utf8')).files;
    } catch {
      bad(ErrorCodes.GATE_INDEX_INVALID, `${OUTPUTS_FILE} unreadable`);
    }
    const present: OutputEntry[] = [];
    for (const o of entries) {
      if (!(await exists(join(world, o.path)))) bad(ErrorCodes.GATE_FILE_MISSING, `sealed output ${o.path} is missing`);
      else present.push(o);
    }
    const digests = await hashFiles(present.map((o) => join(world, o.path)));
    present.forEach((o, i) => {
      if (digests[i] !== o.sha256_hex) bad(ErrorCodes.SEALED_INPUT_DIGEST_MISMATCH, `sealed output ${o.path} bytes changed`);
    });
  }
  rep.ok = rep.problems.length === 0;
  return rep;
}

/** Every fingerprint that has a bundle for this segment in the world. */
export async function bundleFingerprints(world: string, segment: string): Promise<string[]> {
  const gate = gateFor(segment);
  const parent = join(world, gate.bundle_root_template.split('manifest_fingerprint=')[0]);
  if (!(await exists(parent))) return [];
  return (await fs.readdir(parent)).filter((n) => n.startsWith('manifest_fingerprint=')).map((n) => n.slice('manifest_fingerprint='.length)).sort();
}
