// Substream keys (SPEC §5): key = first 8 bytes of
//   SHA-256(domain ‖ manifest_fingerprint ‖ seed ‖ parameter_hash ‖ family ‖ entity keys…)
// The prefix up to the family is hashed once and copied per entity, so deriving 10^5 keys is cheap.
import { createHash, type Hash } from 'node:crypto';
import { sha256Words } from './sha_batch.js';

export const RNG_DOMAIN = 'fraudworld.rng.v1';

export interface RngIdentity {
  manifest_fingerprint: string;
  seed: bigint;
  parameter_hash: string;
}

export class FamilyKeys {
  private readonly prefix: Hash;
  /** the bytes `prefix` has hashed, for the batch path */
  private readonly prefixBytes: Buffer;
  constructor(
    id: RngIdentity,
    readonly family: string,
  ) {
    const seed = Buffer.alloc(8);
    seed.writeBigUInt64BE(id.seed);
    this.prefixBytes = Buffer.concat(
      [Buffer.from(RNG_DOMAIN), Buffer.from(id.manifest_fingerprint, 'hex'), seed, Buffer.from(id.parameter_hash, 'hex'), Buffer.from(family)].flatMap(
        (part) => [lenPrefix(part.length), part],
      ),
    );
    this.prefix = createHash('sha256');
    this.prefix.update(this.prefixBytes);
  }

  /** forString for many entities at once (wasm SHA-256, same keys): [k0, k1] of entity i at 2i. */
  forStrings(entities: readonly string[]): Uint32Array {
    return sha256Words(this.prefixBytes, entities, 2, { lengthPrefix: true });
  }

  /** Key for an entity given as u64 parts (e.g. merchant_id) — the common case. */
  forIds(...ids: bigint[]): [number, number] {
    const h = this.prefix.copy();
    const b = Buffer.alloc(8 * ids.length);
    ids.forEach((v, i) => b.writeBigUInt64BE(BigInt.asUintN(64, v), 8 * i));
    h.update(lenPrefix(b.length));
    h.update(b);
    const d = h.digest();
    return [d.readUInt32BE(0), d.readUInt32BE(4)];
  }

  /** Key for an entity named by a string (e.g. a country code). */
  forString(s: string): [number, number] {
    const h = this.prefix.copy();
    const b = Buffer.from(s, 'utf8');
    h.update(lenPrefix(b.length));
    h.update(b);
    const d = h.digest();
    return [d.readUInt32BE(0), d.readUInt32BE(4)];
  }

  /** Keys for many u64 ids into a Uint32Array [k0,k1,k0,k1,…] (kernel input layout). */
  fill(ids: BigUint64Array, out: Uint32Array, stride = 2, offset = 0): void {
    for (let i = 0; i < ids.length; i++) {
      const [k0, k1] = this.forIds(ids[i]);
      out[i * stride + offset] = k0;
      out[i * stride + offset + 1] = k1;
    }
  }
}

/** Keys of one family for many u64 ids (merchants, sites): [k0, k1] of id i at 2i, the kernels' key layout. */
export function idKeys(id: RngIdentity, family: string, ids: BigUint64Array): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(ids.length * 2);
  new FamilyKeys(id, family).fill(ids, out);
  return out;
}

/** ISO 3166 alpha-2 code as one u64 entity part: (c0 << 8) | c1. */
export const isoKey = (iso: string): bigint => BigInt((iso.charCodeAt(0) << 8) | iso.charCodeAt(1));

/** Keys of (merchant_id, country) pairs, [k0, k1] per pair; pair i's country is isoOf(i). */
export function pairKeys(id: RngIdentity, family: string, merchant: BigUint64Array, isoOf: (i: number) => string): Uint32Array {
  const fk = new FamilyKeys(id, family);
  const out = new Uint32Array(merchant.length * 2);
  for (let i = 0; i < merchant.length; i++) [out[2 * i], out[2 * i + 1]] = fk.forIds(merchant[i], isoKey(isoOf(i)));
  return out;
}

/** Keys of entities named by tuples of u64 parts, [k0, k1] per entity. */
export function tupleKeys(id: RngIdentity, family: string, ids: readonly bigint[][]): Uint32Array {
  const fk = new FamilyKeys(id, family);
  const out = new Uint32Array(ids.length * 2);
  ids.forEach((x, i) => ([out[2 * i], out[2 * i + 1]] = fk.forIds(...x)));
  return out;
}

function lenPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
