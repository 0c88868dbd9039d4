// Every reference data set the engine may read, sealed by digest into manifest_fingerprint.
// Each entry comes from an npm package (or Node's own ICU), never from the network at run time.
// Segments add their loaders here: { id, source (package@version/file), sha256_hex }.
import type { SealedInput } from '../engine/context.js';
import { loadCountries } from './countries.js';

export type ReferenceDigest = Omit<SealedInput, 'kind'>;

const providers: (() => Promise<ReferenceDigest> | ReferenceDigest)[] = [
  () => {
    const c = loadCountries();
    return { id: `reference:${c.id}`, source: c.source, sha256_hex: c.sha256_hex };
  },
];

export async function referenceDigests(): Promise<SealedInput[]> {
  const out: SealedInput[] = [];
  for (const p of providers) out.push({ ...(await p()), kind: 'reference' });
  return out;
}
