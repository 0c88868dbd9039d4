// Canonical bytes where the engine means canonical content (audit §12): a CRLF copy of the policy pack and
// two row orders of one merchant file are the same world — same fingerprint, same bytes.
import { describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalMerchantCsv } from '../src/core/identity.js';
import { fw, requireBuild, ROOT, tempDir } from './support/world.js';

const tmp = tempDir('fw-canonical-');

describe('canonical merchant rows', () => {
  it('ignore row order, CRLF, blank lines and spaces around fields, and nothing else', () => {
    const a = 'merchant_id,mcc,channel,home_country_iso\n2,5411,card_present,DE\n10,5812,card_not_present,FR\n';
    const b = 'merchant_id,mcc,channel,home_country_iso\r\n10, 5812 ,card_not_present,FR\r\n\r\n2,5411,card_present,DE';
    expect(canonicalMerchantCsv(b)).toBe(canonicalMerchantCsv(a));
    expect(canonicalMerchantCsv(a).split('\n')[1]).toBe('2,5411,card_present,DE'); // numeric order: 2 before 10
    expect(canonicalMerchantCsv(a.replace('DE', 'AT'))).not.toBe(canonicalMerchantCsv(a));
    expect(canonicalMerchantCsv(a + '11,5812,card_present,FR\n')).not.toBe(canonicalMerchantCsv(a));
  });
});

describe('the fingerprint of canonical content', () => {
  const mf = (args: string[]) => {
    const r = fw('run', ...args, '--scale', 'tiny', '--until', '1A', '--json', '--quiet');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out).manifest_fingerprint as string;
  };

  it('is the same for a CRLF copy of the policy pack', () => {
    requireBuild();
    const crlf = join(tmp, 'config-crlf');
    cpSync(join(ROOT, 'config'), crlf, { recursive: true });
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else writeFileSync(p, readFileSync(p, 'utf8').replace(/\r?\n/g, '\r\n'));
      }
    };
    walk(crlf);
    expect(mf(['--out', join(tmp, 'crlf'), '--config', crlf])).toBe(mf(['--out', join(tmp, 'lf')]));
  }, 120_000);

  it('is the same for two row orders of one merchant file, and so are the outlets', () => {
    requireBuild();
    // a made-up merchant set is no realistic universe: its 1A realism corridors are made advisory (the same
    // overlay for both runs), so the test measures identity, not realism
    const overlay = join(tmp, 'advisory.yaml');
    const corridors = [
      'single_site_share',
      'median_outlets_multi',
      'top10pct_outlet_share',
      'home_ne_legal_row_share',
      'multi_country_share',
      'phi_cv',
      'nb_rejection_rate',
    ];
    writeFileSync(overlay, `layer1/1A/validation.yaml:\n  corridors:\n${corridors.map((c) => `    ${c}: { required: false }\n`).join('')}`);
    const mccs = [5411, 5812, 5999],
      homes = ['DE', 'FR', 'GB', 'US', 'IT', 'ES', 'NL', 'PL'];
    const rows = Array.from(
      { length: 120 },
      (_, i) => `${i + 1},${mccs[i % 3]},${i % 5 === 0 ? 'card_not_present' : 'card_present'},${homes[(i * 7) % homes.length]}`,
    );
    const f1 = join(tmp, 'm1.csv'),
      f2 = join(tmp, 'm2.csv');
    writeFileSync(f1, ['merchant_id,mcc,channel,home_country_iso', ...rows].join('\n') + '\n');
    writeFileSync(f2, ['merchant_id,mcc,channel,home_country_iso', ...[...rows].reverse()].join('\r\n'));
    const w1 = join(tmp, 'm1'),
      w2 = join(tmp, 'm2');
    expect(mf(['--out', w1, '--merchants', f1, '--overlay', overlay])).toBe(mf(['--out', w2, '--merchants', f2, '--overlay', overlay]));
    const outlets = (w: string) => {
      const dir = join(w, 'data/layer1/1A/outlet_catalogue');
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d).sort()) {
          const p = join(d, e);
          if (statSync(p).isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(dir);
      return files.map((f) => readFileSync(f).toString('base64')).join('|');
    };
    expect(outlets(w2)).toBe(outlets(w1));
  }, 120_000);
});
