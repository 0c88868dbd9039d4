// Identifiers are published as signed INT64 (every Parquet reader types them alike: Spark reads an
// unsigned 64-bit column as Decimal(20,0)). The engine keeps them as u64 bit patterns, so the writer
// refuses a value at or above 2^63, and the inputs that name ids (merchants file, --seed) stop there.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractColumns } from '../src/io/tables.js';
import { dictionary } from '../src/contracts/dictionary.js';
import { readMerchantFile } from '../src/segments/1A/s0_universe.js';
import { load1A } from '../src/segments/1A/policies.js';
import { loadPolicyPack } from '../src/config/load.js';
import { loadCountries } from '../src/reference/countries.js';
import { ROOT } from './support/world.js';

const cols = (m: bigint[]) => ({
  merchant_id: BigUint64Array.from(m),
  legal_country_iso: m.map(() => 'FR'),
  n_sites: Int32Array.from(m, () => 1),
});

describe('signed INT64 identifiers', () => {
  it('no contract column is unsigned 64-bit (the dictionary schema has no uint64)', () => {
    const all = dictionary().datasets;
    expect(all.length).toBeGreaterThan(50);
    const unsigned = all.flatMap((d) => (d.columns ?? []).filter((c) => (c.type as string) === 'uint64').map((c) => `${d.id}.${c.name}`));
    expect(unsigned).toEqual([]);
    expect(all.flatMap((d) => d.columns ?? []).filter((c) => c.name === 'merchant_id' && c.type === 'int64').length).toBeGreaterThan(20);
  });

  it('u64 ids below 2^63 are written as Int64 with the same values', () => {
    const { columns } = contractColumns('s3_requirements', cols([1n, (1n << 63n) - 1n]));
    const m = columns.find((c) => c.name === 'merchant_id')!;
    expect(m.type).toBe('i64');
    expect(m.values).toBeInstanceOf(BigInt64Array);
    expect([...(m.values as BigInt64Array)]).toEqual([1n, (1n << 63n) - 1n]);
  });

  it('an id at 2^63 is refused before a byte is written', () => {
    expect(() => contractColumns('s3_requirements', cols([1n, 1n << 63n]))).toThrow(/9223372036854775808 does not fit a signed INT64/);
  });

  it('a merchants file naming an id at 2^63 is one clear line', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'fw-i64-')), 'm.csv');
    writeFileSync(f, 'merchant_id,mcc,channel,home_country_iso\n9223372036854775808,5411,card_present,FR\n');
    const p = load1A(await loadPolicyPack(join(ROOT, 'config')));
    await expect(readMerchantFile(f, loadCountries().countries, p)).rejects.toMatchObject({
      code: 'INPUT_FILE_INVALID',
      message: expect.stringMatching(/not an integer in \[1, 2\^63\)/),
    });
  });
});
