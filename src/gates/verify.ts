// Gate verification from bytes, shared by every S0 and by `fraudworld validate`.
// A gate verifies only if: flag well-formed, index canonical and schema-valid, every listed file present
// with its digest, no unlisted file, the recomputed bundle digest equals the flag, every data file
// the bundle's outputs.json authorises still has the bytes it had when sealed, and no other file sits
// in the segment's partitions of this identity (readers take the listed files only, but a consumer
// globbing the partition would not).
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { createHash } from 'node:crypto';
import { sha256File, sha256Hex, asciiCompare } from '../core/hash.js';
import { FLAG_FILE, FLAG_PATTERN, HASH_LAW, indexFileOf, serializeIndex, type BundleIndex } from './bundle.js';
import { listFiles, exists } from '../io/publish.js';
import { check } from '../contracts/registry.js';
import { ErrorCodes, FwError, fail, type ErrorCode } from '../core/errors.js';
import { dictionary, gateFor } from '../contracts/dictionary.js';

export interface GateProblem {
  code: ErrorCode;
  detail: string;
  /** world-relative file the problem is about (GATE_UNLISTED_FILE) */
  path?: string;
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
  const INDEX_FILE = indexFileOf(segment);
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
  if (flagDigest && rep.digest !== flagDigest)
    bad(ErrorCodes.GATE_DIGEST_MISMATCH, `bundle digest ${rep.digest.slice(0, 12)}… ≠ flag ${flagDigest.slice(0, 12)}…`);
  const outputs = contents.get(OUTPUTS_FILE);
  if (outputs) {
    let entries: OutputEntry[] = [];
    let outputsRead = false;
    try {
      entries = JSON.parse(outputs.toString('utf8')).files;
      outputsRead = Array.isArray(entries);
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
    if (outputsRead) {
      const ph = parameterHashOf(contents.get(IDENTITY_FILE));
      const stray = await firstUnlisted(world, segment, manifestFingerprint, ph, entries);
      if (stray) rep.problems.push({ code: ErrorCodes.GATE_UNLISTED_FILE, detail: `${stray}: file not listed by the ${segment} gate`, path: stray });
    }
  }
  rep.ok = rep.problems.length === 0;
  return rep;
}

/** The bundle member naming the identity a segment was sealed under (engine/seal.ts writes it). */
const IDENTITY_FILE = 'identity.json';

function parameterHashOf(identity: Buffer | undefined): string | undefined {
  try {
    const ph = identity && JSON.parse(identity.toString('utf8')).parameter_hash;
    return typeof ph === 'string' ? ph : undefined;
  } catch {
    return undefined;
  }
}

/** Roles whose files a gate's outputs.json lists; bundles, S0 receipts and RNG logs are not sealed data. */
const SEALED_ROLES = new Set(['egress', 'internal', 'report']);

/**
 * The first file (ASCII order, world-relative) in this identity's partitions of the segment's datasets
 * that `entries` does not list. Each dataset root (its path template up to the first token) is walked,
 * skipping other identities' partitions: a manifest_fingerprint= directory of another fingerprint, or,
 * in templates scoped by parameter_hash alone, a parameter_hash= directory of another one (the seed and
 * parameter_hash are sealed into the fingerprint, so seed=7/manifest_fingerprint=<ours> is ours and
 * stray). Any other file under the root is claimed, as is every file beside a listed one.
 */
async function firstUnlisted(world: string, segment: string, mf: string, ph: string | undefined, entries: OutputEntry[]): Promise<string | undefined> {
  const listed = new Set(entries.map((e) => e.path));
  const found = new Set<string>();
  const readDir = async (rel: string) => {
    try {
      return await fs.readdir(join(world, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw e;
    }
  };
  for (const dir of new Set(entries.map((e) => posix.dirname(e.path)))) {
    for (const d of await readDir(dir)) if (!d.isDirectory()) found.add(`${dir}/${d.name}`);
  }
  for (const ds of dictionary().datasets) {
    if (ds.segment !== segment || !SEALED_ROLES.has(ds.role)) continue;
    const segs = ds.path_template.split('/');
    const root = segs
      .slice(
        0,
        segs.findIndex((x) => x.includes('{')),
      )
      .join('/');
    const hasMf = ds.path_template.includes('{manifest_fingerprint}');
    const hasPh = ds.path_template.includes('{parameter_hash}');
    const walk = async (rel: string): Promise<void> => {
      for (const d of await readDir(rel)) {
        const p = `${rel}/${d.name}`;
        if (!d.isDirectory()) {
          found.add(p);
          continue;
        }
        const [k, v] = d.name.split(/=(.*)/s);
        if (hasMf && k === 'manifest_fingerprint' && v !== mf) continue;
        if (!hasMf && hasPh && k === 'parameter_hash' && v !== ph) continue;
        await walk(p);
      }
    };
    await walk(root);
  }
  return [...found].filter((f) => !listed.has(f)).sort(asciiCompare)[0];
}

/** The one line for a file a gate does not list: published data is write-once, so nothing rebuilds over it. */
export function unlistedFileError(segment: string, p: GateProblem): FwError {
  return new FwError(
    ErrorCodes.GATE_UNLISTED_FILE,
    `file not listed by the ${segment} gate`,
    p.path,
    'remove it; sealed datasets hold exactly the files their gate lists',
  );
}

/**
 * The data files a segment's gate seals (its outputs.json), in listed order. Readers take their inputs
 * from here, never from a directory listing; the caller's S0 has verified the gate.
 */
export async function gateOutputs(world: string, segment: string, manifestFingerprint: string): Promise<OutputEntry[]> {
  const rel = join(gateFor(segment).bundle_root_template.replace('{manifest_fingerprint}', manifestFingerprint), OUTPUTS_FILE);
  try {
    return JSON.parse(await fs.readFile(join(world, rel), 'utf8')).files as OutputEntry[];
  } catch {
    fail(
      ErrorCodes.GATE_MISSING,
      `no readable ${OUTPUTS_FILE} in the ${segment} bundle`,
      rel,
      `rebuild segment ${segment} (fraudworld run --until ${segment})`,
    );
  }
}

/** Every fingerprint that has a bundle for this segment in the world. */
export async function bundleFingerprints(world: string, segment: string): Promise<string[]> {
  const gate = gateFor(segment);
  const parent = join(world, gate.bundle_root_template.split('manifest_fingerprint=')[0]);
  if (!(await exists(parent))) return [];
  return (await fs.readdir(parent))
    .filter((n) => n.startsWith('manifest_fingerprint='))
    .map((n) => n.slice('manifest_fingerprint='.length))
    .sort();
}

/** Segments that publish a state receipt until their gate exists (a state_receipt_<SEG> dataset). */
export function stateReceiptSegments(): string[] {
  return dictionary()
    .datasets.filter((x) => /^state_receipt_/.test(x.id))
    .map((x) => x.segment);
}

/** What a state receipt says (contracts/schemas/state_receipt.schema.json). */
export interface StateReceipt {
  states_built: string[];
  awaiting: string;
  files: OutputEntry[];
}

/** Segment `seg`'s state receipt under fingerprint `mf` and its world-relative path; undefined when there is none. */
export async function readStateReceipt(world: string, seg: string, mf: string): Promise<{ path: string; doc: StateReceipt } | undefined> {
  const d = dictionary().datasets.find((x) => x.id === `state_receipt_${seg}`);
  if (!d) return undefined;
  const path = d.path_template.replace('{manifest_fingerprint}', mf);
  try {
    return { path, doc: JSON.parse(await fs.readFile(join(world, path), 'utf8')) as StateReceipt };
  } catch {
    return undefined;
  }
}

/**
 * A segment built before its gate exists (6B until its validation state) leaves a state receipt listing its
 * files and their digests: each is re-hashed from bytes. A receipt that verifies passes with a note that the
 * segment awaits its gate; a missing or changed file fails it. Undefined when there is no receipt.
 */
export async function verifyStateReceipt(
  world: string,
  seg: string,
  mf: string,
  hash: FileHasher = hashFilesHere,
): Promise<(GateReport & { notes: string[]; awaiting?: string }) | undefined> {
  const receipt = await readStateReceipt(world, seg, mf);
  if (!receipt) return undefined;
  const { path, doc } = receipt;
  const problems: GateProblem[] = [];
  const present: OutputEntry[] = [];
  for (const f of doc.files) {
    try {
      await fs.access(join(world, f.path));
      present.push(f);
    } catch {
      problems.push({ code: ErrorCodes.GATE_FILE_MISSING, detail: `${f.path} is listed by ${path} but missing` });
    }
  }
  const got = await hash(present.map((f) => join(world, f.path)));
  present.forEach((f, i) => {
    if (got[i] !== f.sha256_hex) problems.push({ code: ErrorCodes.GATE_DIGEST_MISMATCH, detail: `${f.path} differs from the digest ${path} lists` });
  });
  return {
    gate_id: `state.${seg}`,
    segment: seg,
    ok: problems.length === 0,
    bundle_dir: path.replace(/[^/]*$/, ''),
    problems,
    notes: [],
    ...(problems.length === 0
      ? { awaiting: `${seg} built through ${doc.states_built.join(', ')} (${doc.files.length} files verified from bytes); awaiting ${doc.awaiting}` }
      : {}),
  };
}
