// Identity (SPEC §4): output bytes are a pure function of (manifest_fingerprint, parameter_hash, seed, scenario_id).
import { createHash, randomBytes } from 'node:crypto';
import { asciiCompare } from './hash.js';
import { fail, ErrorCodes } from './errors.js';

export interface NamedBytes {
  /** logical name, e.g. "layer1/1A/hurdle.yaml" */
  name: string;
  bytes: Uint8Array;
}

export interface SealedDigest {
  id: string;
  sha256_hex: string;
}

export interface Identity {
  seed: bigint;
  parameter_hash: string;
  manifest_fingerprint: string;
  run_id: string;
}

/** Seeds are published as signed INT64 columns (and partition values every reader types alike): [0, 2^63). */
const SEED_MAX = (1n << 63n) - 1n;

/** Canonical bytes: LF line endings, so a checkout's newline style cannot change identity. */
export function canonicalBytes(bytes: Uint8Array): Uint8Array {
  // Byte-level (CRLF or lone CR → LF): decoding as UTF-8 would map distinct invalid bytes to U+FFFD and collide.
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x0d) {
      out[n++] = 0x0a;
      if (bytes[i + 1] === 0x0a) i++;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/**
 * A merchants CSV as the engine reads it, in one canonical text: blank lines dropped, fields trimmed, LF
 * line ends, the header first and the rows in merchant_id order (numeric; a malformed id sorts after the
 * numbers, by text, and is refused when 1A reads the file). The engine orders merchants by id, so two
 * row orders of one merchant set are the same world and seal the same digest.
 */
export function canonicalMerchantCsv(text: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .split(',')
        .map((f) => f.trim())
        .join(','),
    );
  const [header = '', ...rows] = lines;
  const key = (r: string) => r.split(',')[0];
  const num = (k: string) => (/^\d+$/.test(k) ? BigInt(k) : undefined);
  rows.sort((a, b) => {
    const x = num(key(a)),
      y = num(key(b));
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    if (x !== undefined) return -1;
    if (y !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return [header, ...rows].join('\n') + '\n';
}

/** SHA-256 over (name, bytes) pairs in ASCII order of name; each part length-prefixed so boundaries can't shift. */
export function parameterHash(entries: NamedBytes[]): string {
  const h = createHash('sha256');
  h.update('fraudworld.parameter_hash.v1\0');
  for (const e of [...entries].sort((a, b) => asciiCompare(a.name, b.name))) {
    const body = canonicalBytes(e.bytes);
    lenPrefixed(h, Buffer.from(e.name, 'utf8'));
    lenPrefixed(h, body);
  }
  return h.digest('hex');
}

/** SHA-256 over the sorted sealed-input digests and the parameter hash. */
export function manifestFingerprint(sealed: SealedDigest[], paramHash: string): string {
  const h = createHash('sha256');
  h.update('fraudworld.manifest_fingerprint.v1\0');
  for (const s of [...sealed].sort((a, b) => asciiCompare(a.id, b.id))) {
    lenPrefixed(h, Buffer.from(s.id, 'utf8'));
    lenPrefixed(h, Buffer.from(s.sha256_hex, 'utf8'));
  }
  lenPrefixed(h, Buffer.from(paramHash, 'utf8'));
  return h.digest('hex');
}

function lenPrefixed(h: ReturnType<typeof createHash>, b: Uint8Array): void {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(b.length));
  h.update(len);
  h.update(b);
}

export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

/** Parse a user seed: a base-10 integer in [0, 2^63). */
export function parseSeed(raw: string | number | bigint, where = '--seed'): bigint {
  const s = String(raw).trim();
  if (!/^-?\d+$/.test(s)) fail(ErrorCodes.CLI_BAD_ARGUMENT, `seed "${s}" is not an integer`, where, 'use a whole number in [0, 2^63)');
  const v = BigInt(s);
  if (v < 0n) fail(ErrorCodes.CLI_BAD_ARGUMENT, `seed ${s} is negative`, where, 'use a whole number in [0, 2^63)');
  if (v > SEED_MAX) fail(ErrorCodes.CLI_BAD_ARGUMENT, `seed ${s} does not fit a signed 64-bit integer`, where, 'use a whole number in [0, 2^63)');
  return v;
}

/** One input sealed into a manifest fingerprint (reference data, policy, contract, engine, upstream gate…). */
export interface SealedInput {
  id: string;
  kind: 'reference' | 'policy' | 'contract' | 'engine' | 'upstream_gate' | 'input_file' | 'scale';
  source: string;
  sha256_hex: string;
}

/** A run's partition tokens: the {seed}, {parameter_hash}, {manifest_fingerprint} and {run_id} of path templates. */
export function runTokens(r: { seed: bigint; parameter_hash: string; manifest_fingerprint: string; run_id: string }): Record<string, string> {
  return { seed: r.seed.toString(), parameter_hash: r.parameter_hash, manifest_fingerprint: r.manifest_fingerprint, run_id: r.run_id };
}
