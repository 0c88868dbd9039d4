// 6B.S1 on the shared tiny worlds: every 5B arrival attached exactly once to entities of 6A that fit
// (the card's account is the party's, the device is the outlet terminal card-present or the party's own
// online, the IP is the device's); sessions equal their arrivals; worker count leaves no trace; validate
// verifies the state receipt and reports 6B as awaiting its gate; a bad 6B policy is one line.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duck, lit } from '../src/io/duck.js';
import { fw, tempDir, tree, ROOT } from './support/world.js';
import { copyWorld, sharedWorld } from './support/shared_worlds.js';

const W = sharedWorld({ scale: 'tiny', workers: 1 });
const W2 = sharedWorld({ scale: 'tiny', workers: 2 });
const tmp = tempDir('fw-6b-');
let duck: Duck;
const ds = (w: string, layer: string, seg: string, id: string) => lit(join(w, 'data', layer, seg, id, '**', '*.parquet'));
const t6a = (id: string) => ds(W, 'layer3', '6A', id);
const e6b = ds(W, 'layer3', '6B', 's1_arrival_entities_6B');
const s6b = ds(W, 'layer3', '6B', 's1_session_index_6B');
const arr = ds(W, 'layer2', '5B', 'arrival_events');

beforeAll(async () => {
  duck = await Duck.open(1);
}, 60_000);
afterAll(() => duck?.close());

const one = async (sql: string) => (await duck.all(sql))[0];

describe('6B S1 on a tiny world', () => {
  it('every 5B arrival is attached exactly once, to entities of 6A that belong together', async () => {
    const r = await one(`
      WITH e AS (SELECT * FROM ${e6b}), a AS (SELECT * FROM ${arr})
      SELECT
        (SELECT count(*) FROM e) AS rows,
        (SELECT count(*) FROM a) AS arrivals,
        (SELECT count(*) FROM (SELECT merchant_id, arrival_seq FROM e GROUP BY ALL HAVING count(*) > 1)) AS repeated,
        (SELECT count(*) FROM a ANTI JOIN e USING (merchant_id, arrival_seq)) AS unattached,
        (SELECT count(*) FROM e JOIN a USING (merchant_id, arrival_seq) WHERE e.ts_utc <> a.ts_utc) AS moved,
        (SELECT count(*) FROM e ANTI JOIN ${t6a('s1_party_base_6A')} USING (party_id)) AS no_party,
        (SELECT count(*) FROM e ANTI JOIN ${t6a('s2_account_base_6A')} x ON e.account_id = x.account_id AND e.party_id = x.owner_party_id) AS account_not_partys,
        (SELECT count(*) FROM e ANTI JOIN ${t6a('s3_instrument_base_6A')} x ON e.instrument_id = x.instrument_id AND e.account_id = x.account_id) AS instrument_not_accounts,
        (SELECT count(*) FROM e ANTI JOIN ${t6a('s4_ip_links_6A')} x ON e.ip_id = x.ip_id AND e.device_id = x.device_id) AS ip_not_devices,
        (SELECT count(*) FROM e JOIN ${t6a('s4_device_base_6A')} d USING (device_id)
           WHERE e.channel = 'ECOM' AND d.primary_party_id <> e.party_id) AS online_device_not_partys,
        (SELECT count(*) FROM e JOIN a USING (merchant_id, arrival_seq) JOIN ${t6a('s4_device_profile_6A')} d USING (device_id)
           WHERE e.channel <> 'ECOM' AND NOT (d.merchant_id = e.merchant_id AND d.site_order = a.site_order AND d.outlet_country_iso = a.legal_country_iso)) AS terminal_not_outlets,
        (SELECT count(*) FROM e JOIN a USING (merchant_id, arrival_seq) WHERE (e.channel = 'ECOM') <> (a.is_virtual OR a.channel_group <> 'card_present') AND a.channel_group <> 'mixed') AS channel_wrong,
        (SELECT count(*) FROM e JOIN a USING (merchant_id, arrival_seq) JOIN ${t6a('s1_party_base_6A')} p USING (party_id)
           WHERE e.is_cross_border <> (p.country_iso <> a.legal_country_iso)) AS cross_border_wrong,
        (SELECT count(DISTINCT attach_rule) FROM e) AS rules,
        (SELECT avg(is_cross_border::INT) FROM e) AS cross_share
    `);
    expect(r).toMatchObject({
      repeated: 0,
      unattached: 0,
      moved: 0,
      no_party: 0,
      account_not_partys: 0,
      instrument_not_accounts: 0,
      ip_not_devices: 0,
      online_device_not_partys: 0,
      terminal_not_outlets: 0,
      channel_wrong: 0,
      cross_border_wrong: 0,
    });
    expect(r.rows).toBe(r.arrivals);
    expect(Number(r.rules)).toBeGreaterThanOrEqual(4);
    // travellers and regulars exist, most visits stay at home
    expect(r.cross_share).toBeGreaterThan(0.01);
    expect(r.cross_share).toBeLessThan(0.25);
  });

  it('sessions are their arrivals: one row each, counts, first and last times and entities agree', async () => {
    const r = await one(`
      WITH e AS (SELECT * FROM ${e6b}), s AS (SELECT * FROM ${s6b}),
        g AS (SELECT session_id, count(*) n, min(ts_utc) t0, max(ts_utc) t1, count(DISTINCT (party_id, account_id, instrument_id, device_id, ip_id, merchant_id)) k,
                     any_value(party_id) party_id, any_value(device_id) device_id, any_value(instrument_id) instrument_id FROM e GROUP BY session_id)
      SELECT
        (SELECT count(*) FROM s) AS sessions,
        (SELECT count(DISTINCT session_id) FROM s) AS distinct_sessions,
        (SELECT count(*) FROM g ANTI JOIN s USING (session_id)) AS missing,
        (SELECT count(*) FROM s ANTI JOIN g USING (session_id)) AS empty,
        (SELECT count(*) FROM g JOIN s USING (session_id)
           WHERE g.n <> s.arrival_count OR g.t0 <> s.session_start_utc OR g.t1 <> s.session_end_utc
              OR g.party_id <> s.party_id OR g.device_id <> s.device_id OR g.instrument_id <> s.instrument_id) AS disagree,
        (SELECT count(*) FROM g WHERE k <> 1) AS mixed_entities,
        (SELECT max(arrival_count) FROM s) AS longest
    `);
    expect(r).toMatchObject({ missing: 0, empty: 0, disagree: 0, mixed_entities: 0 });
    expect(r.sessions).toBe(r.distinct_sessions);
    expect(Number(r.longest)).toBeGreaterThan(1);
  });

  it('1 and 2 workers write the same bytes; validate verifies the state receipt and says 6B awaits its gate', () => {
    const only6B = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([p]) => p.startsWith('layer3/6B/')));
    const a = only6B(tree(join(W, 'data')));
    expect(Object.keys(a).length).toBeGreaterThanOrEqual(5);
    expect(only6B(tree(join(W2, 'data')))).toEqual(a);
    const v = fw('validate', W);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/^PASS state\.6B /m);
    expect(v.out).toMatch(/^AWAIT state\.6B 6B built through S0, S1 \(\d+ files verified from bytes\); awaiting the 6B gate/m);
    // the receipt accounts S1's counter-addressed draws per family
    const rd = readdirSync(join(W, 'data/layer3/6B/state_receipt'))[0];
    const receipt = JSON.parse(readFileSync(join(W, 'data/layer3/6B/state_receipt', rd, 'state_receipt_6B.json'), 'utf8'));
    const { arrivals, visits, rng } = receipt.s1;
    expect(rng['6B.attach']).toEqual({ draws: 2 * arrivals + 10 * visits, blocks: arrivals + 5 * visits });
    expect(rng['6B.regular'].blocks).toBe(Math.round(receipt.s1.attach_rule_share.REGULAR * arrivals));
    expect(receipt.files.length).toBeGreaterThanOrEqual(4);
  });

  it('a tampered or dropped 6B file fails validate; a re-run of a verified world does nothing', () => {
    const w = copyWorld(W, join(tmp, 'tamper'));
    const r = fw('run', '--out', w, '--scale', 'tiny', '--workers', '1', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/6B already_built/);
    const files = Object.keys(tree(join(w, 'data'))).filter((p) => p.startsWith('layer3/6B/s1_'));
    const f = join(w, 'data', files[0]);
    writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('x')]));
    const v = fw('validate', w);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/^FAIL state\.6B GATE_DIGEST_MISMATCH: /m);
    rmSync(join(w, 'data', files[1]));
    expect(fw('validate', w).out).toMatch(/^FAIL state\.6B GATE_FILE_MISSING: /m);
  });
});

describe('bad 6B policies are one line and exit 2', () => {
  const cases: [string, (s: string) => string, RegExp][] = [
    [
      'a probability above one',
      (s) => s.replace('mixed_cnp_share: 0.3', 'mixed_cnp_share: 1.3'),
      /^error CONFIG_SCHEMA_VIOLATION: .*attachment\.yaml: \/mixed_cnp_share: must be <= 1/,
    ],
    ['an unknown key', (s) => s.replace('p_typical_ip: 0.85', 'p_typical_ip: 0.85\np_atypical: 0.1'), /^error CONFIG_SCHEMA_VIOLATION: .*attachment\.yaml/],
    [
      'a card type 6A does not issue',
      (s) => s.replace('ATM:  [RETAIL_DEBIT_CARD_PHYSICAL]', 'ATM:  [RETAIL_DEBIT_CARD_GOLD]'),
      /^error CONFIG_SCHEMA_VIOLATION: .*attachment\.yaml: card_types\.ATM: card type RETAIL_DEBIT_CARD_GOLD is not an instrument type of 6A/,
    ],
  ];
  for (const [name, edit, pattern] of cases) {
    it(name, () => {
      const cfg = join(tmp, name.replace(/\W+/g, '-'));
      cpSync(join(ROOT, 'config'), cfg, { recursive: true });
      const f = join(cfg, 'layer3/6B/attachment.yaml');
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
