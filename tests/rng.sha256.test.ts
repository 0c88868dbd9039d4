// assembly/rng/sha256.ts (sha256Batch, through src/rng/sha_batch.ts) against node:crypto: every
// prefix length around the block boundary, messages up to several blocks, non-ASCII text, the NIST
// vectors; FamilyKeys.forStrings against forString key by key.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Words } from '../src/rng/sha_batch.js';
import { FamilyKeys } from '../src/rng/keys.js';

const words = (digest: Buffer, k: number) => Array.from({ length: k }, (_, i) => digest.readUInt32BE(4 * i));
const nodeSha = (...parts: (Uint8Array | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

describe('sha256Batch', () => {
  it('gives the NIST FIPS 180-4 digests', () => {
    const cases: [string, string][] = [
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ];
    const out = sha256Words(
      new Uint8Array(0),
      cases.map(([m]) => m),
      8,
    );
    const hexOf = (ws: Uint32Array) => Array.from(ws, (w) => w.toString(16).padStart(8, '0')).join('');
    cases.forEach(([, hex], i) => expect(hexOf(out.subarray(8 * i, 8 * i + 8))).toBe(hex));
  });

  it('matches node:crypto for prefixes and messages of every length around the block', () => {
    const msgs = Array.from({ length: 200 }, (_, i) => 'x'.repeat(i % 131) + (i % 7 === 0 ? 'ü€𝄞' : '') + String(i));
    for (const plen of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200]) {
      const prefix = Uint8Array.from({ length: plen }, (_, i) => (i * 37 + plen) & 255);
      const out = sha256Words(prefix, msgs, 3);
      const outL = sha256Words(prefix, msgs, 2, { lengthPrefix: true });
      msgs.forEach((m, i) => {
        expect(Array.from(out.subarray(3 * i, 3 * i + 3))).toEqual(words(nodeSha(prefix, m), 3));
        const len = Buffer.alloc(4);
        len.writeUInt32BE(Buffer.byteLength(m));
        expect(Array.from(outL.subarray(2 * i, 2 * i + 2))).toEqual(words(nodeSha(prefix, len, m), 2));
      });
    }
  });

  it('FamilyKeys.forStrings gives forString keys', () => {
    const k = new FamilyKeys({ manifest_fingerprint: 'ab'.repeat(32), seed: 42n, parameter_hash: 'cd'.repeat(32) }, '5B.arrivals');
    const names = Array.from(
      { length: 500 },
      (_, i) => `${BigInt(i) * 1_000_003n}|${['US', 'DE', 'JP'][i % 3]}|${['America/New_York', 'Europe/Berlin', 'Asia/Tokyo'][i % 3]}`,
    );
    const batch = k.forStrings(names);
    names.forEach((s, i) => expect([batch[2 * i], batch[2 * i + 1]]).toEqual(k.forString(s)));
    expect(k.forStrings([]).length).toBe(0);
  });
});
