// 6A on the shared tiny world: foreign keys close, summaries and holdings equal the bases, every
// merchant has an owner and a settlement account, ids carry no signal; a bad 6A policy is one line.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duck, lit } from '../src/io/duck.js';
import { fw, tempDir, ROOT } from './support/world.js';
import { sharedWorld } from './support/shared_worlds.js';

const W = sharedWorld({ scale: 'tiny', workers: 1 });
const tmp = tempDir('fw-6a-');
let duck: Duck;
const ds = (layer: string, seg: string, id: string) => lit(join(W, 'data', layer, seg, id, '**', '*.parquet'));
const t6 = (id: string) => ds('layer3', '6A', id);

beforeAll(async () => {
  duck = await Duck.open(1);
}, 60_000);
afterAll(() => duck?.close());

const one = async (sql: string) => (await duck.all(sql))[0];

describe('6A on a tiny world', () => {
  it('foreign keys close and the cell tables equal the bases', async () => {
    const r = await one(`
      SELECT
        (SELECT count(*) FROM ${t6('s2_account_base_6A')} a ANTI JOIN ${t6('s1_party_base_6A')} p ON a.owner_party_id = p.party_id) AS orphan_accounts,
        (SELECT count(*) FROM ${t6('s1_party_profile_6A')} f ANTI JOIN ${t6('s1_party_base_6A')} p USING (party_id)) AS orphan_profiles,
        (SELECT count(*) FROM ${t6('s1_party_profile_6A')}) - (SELECT count(*) FROM ${t6('s1_party_base_6A')}) AS profile_rows_diff,
        (SELECT count(*) FROM ${t6('s2_account_profile_6A')} f ANTI JOIN ${t6('s2_account_base_6A')} a USING (account_id)) AS orphan_account_profiles,
        (SELECT sum(party_count) FROM ${t6('s1_party_summary_6A')}) - (SELECT count(*) FROM ${t6('s1_party_base_6A')}) AS summary_diff,
        (SELECT sum(account_count) FROM ${t6('s2_party_product_holdings_6A')}) - (SELECT count(*) FROM ${t6('s2_account_base_6A')}) AS holdings_diff,
        (SELECT sum(account_count) FROM ${t6('s2_account_summary_6A')}) - (SELECT count(*) FROM ${t6('s2_account_base_6A')}) AS account_summary_diff,
        (SELECT count(*) FROM ${t6('s3_instrument_base_6A')} i ANTI JOIN ${t6('s2_account_base_6A')} a USING (account_id)) AS orphan_instruments,
        (SELECT count(*) FROM ${t6('s3_instrument_base_6A')} i JOIN ${t6('s2_account_base_6A')} a USING (account_id) WHERE i.owner_party_id <> a.owner_party_id) AS instrument_owner_mismatch,
        (SELECT sum(instrument_count) FROM ${t6('s3_party_instrument_holdings_6A')}) - (SELECT count(*) FROM ${t6('s3_instrument_base_6A')}) AS instrument_holdings_diff,
        (SELECT count(*) FROM ${t6('s3_account_instrument_links_6A')} l ANTI JOIN ${t6('s3_instrument_base_6A')} i USING (instrument_id, account_id)) AS orphan_links,
        (SELECT (SELECT count(*) FROM ${t6('s5_party_fraud_roles_6A')}) - (SELECT count(*) FROM ${t6('s1_party_base_6A')})
              + (SELECT count(*) FROM ${t6('s5_account_fraud_roles_6A')}) - (SELECT count(*) FROM ${t6('s2_account_base_6A')})
              + (SELECT count(*) FROM ${t6('s5_device_fraud_roles_6A')}) - (SELECT count(*) FROM ${t6('s4_device_base_6A')})
              + (SELECT count(*) FROM ${t6('s5_ip_fraud_roles_6A')}) - (SELECT count(*) FROM ${t6('s4_ip_base_6A')})
              + (SELECT count(*) FROM ${t6('s5_merchant_fraud_roles_6A')}) - (SELECT count(DISTINCT merchant_id) FROM ${ds('layer1', '1A', 'outlet_catalogue')})) AS role_rows_diff,
        (SELECT count(*) FROM ${t6('s5_party_fraud_roles_6A')} r ANTI JOIN ${t6('s1_party_base_6A')} p USING (party_id))
          + (SELECT count(*) FROM ${t6('s5_account_fraud_roles_6A')} r ANTI JOIN ${t6('s2_account_base_6A')} a USING (account_id))
          + (SELECT count(*) FROM ${t6('s5_device_fraud_roles_6A')} r ANTI JOIN ${t6('s4_device_base_6A')} d USING (device_id))
          + (SELECT count(*) FROM ${t6('s5_ip_fraud_roles_6A')} r ANTI JOIN ${t6('s4_ip_base_6A')} i USING (ip_id)) AS roles_without_entity,
        (SELECT count(*) FROM ${t6('s4_device_base_6A')} d ANTI JOIN ${t6('s1_party_base_6A')} p ON d.primary_party_id = p.party_id) AS orphan_device_owners,
        (SELECT count(*) FROM ${t6('s4_device_links_6A')} l
           WHERE l.device_id NOT IN (SELECT device_id FROM ${t6('s4_device_base_6A')})
              OR (l.party_id IS NOT NULL AND l.party_id NOT IN (SELECT party_id FROM ${t6('s1_party_base_6A')}))
              OR (l.account_id IS NOT NULL AND l.account_id NOT IN (SELECT account_id FROM ${t6('s2_account_base_6A')}))
              OR (l.instrument_id IS NOT NULL AND l.instrument_id NOT IN (SELECT instrument_id FROM ${t6('s3_instrument_base_6A')}))) AS orphan_device_links,
        (SELECT count(*) FROM ${t6('s4_ip_links_6A')} l WHERE l.ip_id NOT IN (SELECT ip_id FROM ${t6('s4_ip_base_6A')}) OR l.device_id NOT IN (SELECT device_id FROM ${t6('s4_device_base_6A')})) AS orphan_ip_links,
        (SELECT count(*) FROM (SELECT d.device_id, count(l.device_id) FILTER (WHERE l.link_role IN ('PRIMARY_OWNER', 'MERCHANT_TERMINAL')) AS k
           FROM ${t6('s4_device_base_6A')} d LEFT JOIN ${t6('s4_device_links_6A')} l USING (device_id) GROUP BY d.device_id) WHERE k <> 1) AS devices_without_one_owner_link,
        (SELECT count(*) FROM ${t6('s4_device_base_6A')} d WHERE d.device_id NOT IN (SELECT device_id FROM ${t6('s4_ip_links_6A')} WHERE link_role = 'TYPICAL_DEVICE_IP')) AS devices_without_typical_ip,
        (SELECT count(*) FROM ${t6('s4_ip_links_6A')} l JOIN ${t6('s4_device_base_6A')} d USING (device_id) WHERE l.party_id <> d.primary_party_id) AS link_party_not_device_owner,
        (SELECT count(*) FROM ${t6('s3_instrument_profile_6A')} f JOIN ${t6('s3_instrument_base_6A')} i USING (instrument_id)
           WHERE f.instrument_class = 'TOKEN' AND f.funding_instrument_id NOT IN (SELECT instrument_id FROM ${t6('s3_instrument_base_6A')} j WHERE j.account_id = i.account_id)) AS token_funding_elsewhere,
        (SELECT count(*) FROM ${t6('s2_account_base_6A')} a JOIN ${t6('s1_party_base_6A')} p ON a.owner_party_id = p.party_id
           WHERE a.country_iso <> p.country_iso OR a.segment_id <> p.segment_id OR a.party_type <> p.party_type OR a.region_id <> p.region_id) AS owner_attr_mismatch`);
    expect(r).toEqual({
      orphan_accounts: 0,
      orphan_profiles: 0,
      profile_rows_diff: 0,
      orphan_account_profiles: 0,
      summary_diff: 0,
      holdings_diff: 0,
      account_summary_diff: 0,
      orphan_instruments: 0,
      instrument_owner_mismatch: 0,
      instrument_holdings_diff: 0,
      orphan_links: 0,
      token_funding_elsewhere: 0,
      orphan_device_owners: 0,
      orphan_device_links: 0,
      orphan_ip_links: 0,
      devices_without_one_owner_link: 0,
      devices_without_typical_ip: 0,
      link_party_not_device_owner: 0,
      role_rows_diff: 0,
      roles_without_entity: 0,
      owner_attr_mismatch: 0,
    });
  });

  it('every merchant of 1A has one owner party and one settlement account, in its home country', async () => {
    const r = await one(`
      WITH m AS (SELECT DISTINCT merchant_id, home_country_iso FROM ${ds('layer1', '1A', 'outlet_catalogue')}),
           o AS (SELECT f.owned_merchant_id AS merchant_id, p.country_iso, p.party_type FROM ${t6('s1_party_profile_6A')} f JOIN ${t6('s1_party_base_6A')} p USING (party_id)
                 WHERE f.owned_merchant_id IS NOT NULL),
           s AS (SELECT merchant_id, owner_party_id FROM ${t6('s2_merchant_account_base_6A')})
      SELECT (SELECT count(*) FROM m) AS merchants,
             (SELECT count(*) FROM m JOIN o USING (merchant_id) WHERE o.country_iso = m.home_country_iso AND o.party_type = 'BUSINESS') AS owned_at_home,
             (SELECT count(DISTINCT merchant_id) FROM s) AS settled,
             (SELECT count(*) FROM s) AS settlement_accounts,
             (SELECT count(*) FROM s JOIN ${t6('s1_party_profile_6A')} f ON f.party_id = s.owner_party_id WHERE f.owned_merchant_id = s.merchant_id) AS settled_by_owner`);
    expect(r.merchants).toBeGreaterThan(100);
    expect(r).toEqual({
      merchants: r.merchants,
      owned_at_home: r.merchants,
      settled: r.merchants,
      settlement_accounts: r.merchants,
      settled_by_owner: r.merchants,
    });
  });

  it('ids carry no signal: their rank is uncorrelated with country, segment, activity and file order', async () => {
    const rows = await duck.all(`
      SELECT corr(id_rank, file_rank) AS file, corr(id_rank, country_rank) AS country, corr(id_rank, segment_rank) AS segment, corr(id_rank, activity_rank) AS activity
      FROM (SELECT rank() OVER (ORDER BY party_id) AS id_rank, b.file_row_number AS file_rank,
                   dense_rank() OVER (ORDER BY country_iso) AS country_rank, dense_rank() OVER (ORDER BY segment_id) AS segment_rank,
                   rank() OVER (ORDER BY activity_weight) AS activity_rank
            FROM read_parquet(${t6('s1_party_base_6A')}, file_row_number = true) b JOIN ${t6('s1_party_profile_6A')} USING (party_id))`);
    // 679 parties: |rho| of an unrelated pair is ~0.04 (one standard error)
    for (const [k, v] of Object.entries(rows[0])) expect(Math.abs(v as number), k).toBeLessThan(0.15);
    const acc = await one(
      `SELECT corr(r1, file_row_number) AS c FROM (SELECT rank() OVER (ORDER BY account_id) AS r1, file_row_number FROM read_parquet(${t6('s2_account_base_6A')}, file_row_number = true))`,
    );
    expect(Math.abs(acc.c as number)).toBeLessThan(0.1);
  });

  it("role vocabularies are the taxonomy's, as whole tokens", async () => {
    const tax = readFileSync(join(ROOT, 'config/layer3/6A/taxonomy.yaml'), 'utf8');
    for (const kind of ['party', 'account', 'merchant', 'device', 'ip']) {
      const vocab = tax.match(new RegExp(`^  ${kind}: \\[(.*)\\]$`, 'm'))![1].split(', ');
      const got = (await duck.all(`SELECT DISTINCT fraud_role_${kind} AS r FROM ${t6(`s5_${kind}_fraud_roles_6A`)}`)).map((x) => x.r as string);
      for (const r of got) expect(vocab, kind).toContain(r);
      expect(got.length).toBeGreaterThan(0);
    }
  });

  it('the bundle reports realism and replays sampled entities exactly', () => {
    const dir = join(W, 'data/layer3/6A/validation');
    const mf = readFileSync(join(W, 'catalog.json'), 'utf8').match(/manifest_fingerprint=([0-9a-f]{64})/)![1];
    const b = join(dir, `manifest_fingerprint=${mf}`);
    const replay = JSON.parse(readFileSync(join(b, 'rng_replay.json'), 'utf8'));
    for (const v of Object.values(replay) as { sampled: number; differing: number }[]) {
      expect(v.sampled).toBeGreaterThan(50);
      expect(v.differing).toBe(0);
    }
    const m = JSON.parse(readFileSync(join(b, 'realism_6A.json'), 'utf8')).metrics;
    expect(m.retail_deposit_penetration).toBe(1);
    expect(m.accounts_per_retail_party).toBeGreaterThan(1.4);
    expect(readFileSync(join(b, 'validation_bundle_index_6A.json'), 'utf8')).toMatch(/"items"/);
    expect(Object.keys(replay)).toEqual(expect.arrayContaining(['parties', 'accounts', 'credentials', 'devices', 'party_roles', 'ip_roles']));
    const report = JSON.parse(readFileSync(join(b, 's5_validation_report_6A.json'), 'utf8'));
    // a tiny world may WARN (a corridor that is not required, e.g. devices per carrier IP); nothing FAILs
    expect(['PASS', 'WARN']).toContain(report.overall_status);
    expect(Object.keys(report.upstream_segments).sort()).toEqual(['1A', '1B', '2A', '2B', '3A', '3B', '5A', '5B']);
    expect(report.checks.filter((c: { result: string }) => c.result === 'FAIL')).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(40);
  });
});

describe('bad 6A policies are one line and exit 2', () => {
  const cases: [string, string, (s: string) => string, RegExp][] = [
    [
      'a segment under the wrong party type',
      'population.yaml',
      (s) => s.replace('RETAIL: { RETAIL_AFFLUENT: 0.02,', 'RETAIL: { BUSINESS_SME: 0.01, RETAIL_AFFLUENT: 0.02,'),
      /^error CONFIG_SCHEMA_VIOLATION: .*population\.yaml: segment_mix\.REGION_AFRICA\.RETAIL\.BUSINESS_SME: segment BUSINESS_SME is a BUSINESS segment/,
    ],
    [
      'an unknown key',
      'products.yaml',
      (s) => s.replace('max_hold_p: 0.98', 'max_hold_p: 0.98\nmax_hold: 1'),
      /^error CONFIG_SCHEMA_VIOLATION: .*products\.yaml/,
    ],
    [
      'an account type without a rule',
      'products.yaml',
      (s) => s.replace(/^ {2}OTHER_SAVINGS:.*$/m, ''),
      /^error CONFIG_SCHEMA_VIOLATION: .*products\.yaml: types: account type OTHER_SAVINGS has no rule/,
    ],
  ];
  for (const [name, file, edit, pattern] of cases) {
    it(name, () => {
      const cfg = join(tmp, name.replace(/\W+/g, '-'));
      cpSync(join(ROOT, 'config'), cfg, { recursive: true });
      const f = join(cfg, 'layer3/6A', file);
      writeFileSync(f, edit(readFileSync(f, 'utf8')));
      const r = fw('run', '--out', join(cfg, 'out'), '--scale', 'tiny', '--config', cfg, '--quiet');
      expect(r.code, r.err).toBe(2);
      const lines = r.err.trim().split('\n');
      expect(lines.length, r.err).toBe(1);
      expect(lines[0]).toMatch(pattern);
      expect(lines[0]).toMatch(/\(fix: .+\)$/);
    });
  }
});
