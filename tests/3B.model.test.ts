// 3B policy model: the classification ladder, the settlement bucket law, placement tables (every
// edge host inside its country), identifiers, and the cross-field policy checks (one line naming
// file, field and fix). Plus the 3A prior pack drift guard: zone_alphas.yaml is exactly what
// src/segments/3A/derive_alphas.ts derives from the sealed reference data and 2A's lookup.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyPack, type PolicyPack } from '../src/config/load.js';
import { loadCountries } from '../src/reference/countries.js';
import { FwError } from '../src/core/errors.js';
import { FamilyKeys } from '../src/rng/keys.js';
import { load3B } from '../src/segments/3B/policies.js';
import { loadGeo } from '../src/segments/3B/geo.js';
import { classify, orderedRules, pickSettlement, settlementCandidates, placementTables, edgeId, settlementSiteId, edgeMu } from '../src/segments/3B/model.js';
import { checkPolicies } from '../src/segments/3B/run.js';
import { deriveAlphas } from '../src/segments/3A/derive_alphas.js';

const ROOT = join(__dirname, '..');
let pack: PolicyPack;
beforeAll(async () => {
  pack = await loadPolicyPack(join(ROOT, 'config'));
});

describe('3B classification ladder', () => {
  it('priority order, predicates, overrides and the default guard', () => {
    const r = load3B(pack).rules;
    const rules = orderedRules(r);
    const c = (mcc: number, channel: string, n = 1, id = 1n, ov = new Map()) => classify(r, rules, { merchant_id: id, mcc, channel, n_outlets: n }, ov);
    expect(c(5815, 'card_not_present')).toMatchObject({ mode: 'VIRTUAL_ONLY', reason: 'RULE_MATCH', rule_id: 'R10_digital_goods', virtual_share: 1 });
    expect(c(5815, 'card_present')).toMatchObject({ mode: 'NON_VIRTUAL', rule_id: 'R90_card_present', virtual_share: 0 });
    expect(c(5734, 'card_not_present', 5)).toMatchObject({ mode: 'HYBRID', rule_id: 'R60_software_chain', virtual_share: r.hybrid_virtual_share });
    expect(c(5734, 'card_not_present', 1)).toMatchObject({ mode: 'VIRTUAL_ONLY', rule_id: 'R61_software_online' });
    expect(c(5732, 'card_not_present', 1)).toMatchObject({ mode: 'NON_VIRTUAL', reason: 'DEFAULT_GUARD', rule_id: null });
    expect(c(5411, 'card_not_present')).toMatchObject({ mode: 'NON_VIRTUAL', reason: 'DEFAULT_GUARD' });
    expect(c(5815, 'card_not_present', 1, 7n, new Map([[7n, 'NON_VIRTUAL']]))).toMatchObject({ mode: 'NON_VIRTUAL', reason: 'OVERRIDE_DENY' });
    expect(c(5411, 'card_present', 1, 7n, new Map([[7n, 'HYBRID']]))).toMatchObject({ mode: 'HYBRID', reason: 'OVERRIDE_ACCEPT' });
  });

  it('edge mu grows with outlets and countries and depends on class and mode', () => {
    const e = load3B(pack).edges;
    expect(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 10, 1)).toBeGreaterThan(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 1, 1));
    expect(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 1, 4)).toBeGreaterThan(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 1, 1));
    expect(edgeMu(e, 'HYBRID', 'digital', 1, 1)).toBeLessThan(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 1, 1));
    expect(edgeMu(e, 'VIRTUAL_ONLY', 'home_garden', 1, 1)).toBeLessThan(edgeMu(e, 'VIRTUAL_ONLY', 'digital', 1, 1));
  });
});

describe('3B settlement and placement', () => {
  it('settlement spreads over the rank buckets (not everyone in the capital) and is deterministic', () => {
    const p = load3B(pack);
    const geo = loadGeo(pack);
    const cands = settlementCandidates(geo, p.settlement, 'US');
    expect(cands.length).toBe(p.settlement.max_candidates);
    for (let i = 1; i < cands.length; i++) expect(cands[i - 1].population).toBeGreaterThanOrEqual(cands[i].population);
    const fk = new FamilyKeys({ manifest_fingerprint: 'ee'.repeat(32), seed: 1n, parameter_hash: 'ff'.repeat(32) }, '3B.settlement');
    const buckets = new Map<number, number>(),
      places = new Set<number>();
    for (let m = 0; m < 2000; m++) {
      const k = fk.forIds(BigInt(m));
      const a = pickSettlement(p.settlement, cands, [0, 0], k),
        b = pickSettlement(p.settlement, cands, [0, 0], k);
      expect(a).toEqual(b);
      expect(a.draws).toBe(2);
      buckets.set(a.bucket, (buckets.get(a.bucket) ?? 0) + 1);
      places.add(a.place!.geonameid);
    }
    expect(buckets.size).toBe(5);
    expect(buckets.get(0)! / 2000).toBeGreaterThan(0.1);
    expect(buckets.get(0)! / 2000).toBeLessThan(0.2);
    expect(places.size).toBeGreaterThan(150);
    const none = pickSettlement(p.settlement, [], [12.5, 41.9], fk.forIds(1n));
    expect([none.lat, none.lon, none.place]).toEqual([12.5, 41.9, null]);
  });

  it('placement tables: every country has a host, hosts lie inside their polygon, weights favour big cities', () => {
    const p = load3B(pack);
    const geo = loadGeo(pack);
    const t = placementTables(
      p,
      geo,
      loadCountries().countries.map((c) => c.iso2),
    );
    expect(t.nC).toBeGreaterThan(230);
    for (let c = 0; c < t.nC; c++) {
      expect(t.cityOff[c + 1]).toBeGreaterThan(t.cityOff[c]);
      for (let k = t.cityOff[c]; k < t.cityOff[c + 1]; k++) if (t.jittered[c]) expect(geo.inside(t.isos[c], t.cityLon[k], t.cityLat[k])).toBe(true);
    }
    for (const iso of ['US', 'FR', 'NO', 'NA', 'DE', 'CN']) expect(t.index.has(iso)).toBe(true);
    const us = t.index.get('US')!;
    expect(t.cityOff[us + 1] - t.cityOff[us]).toBe(p.edges.placement.cities_per_country);
  });

  it('identifiers: 16 hex, stable, distinct per edge and per merchant', () => {
    expect(settlementSiteId(42n)).toMatch(/^[0-9a-f]{16}$/);
    expect(settlementSiteId(42n)).toBe(settlementSiteId(42n));
    const ids = new Set<string>();
    for (let m = 1n; m <= 50n; m++) for (let k = 0; k < 40; k++) ids.add(edgeId(m, k));
    expect(ids.size).toBe(2000);
  });
});

describe('3B policy cross-field checks', () => {
  const bad = (mut: (p: ReturnType<typeof load3B>) => void) => {
    const p = structuredClone(load3B(pack)); // never mutate the shared pack documents
    mut(p);
    try {
      checkPolicies({ pack }, p);
    } catch (e) {
      return e as FwError;
    }
    return undefined;
  };
  it('refuses a non-ISO country, a duplicate rule_id, an empty edge range and overlapping buckets — one line each', () => {
    const e1 = bad((p) => (p.cdn.countries.XX = 0.1));
    expect(e1?.code).toBe('CONFIG_SCHEMA_VIOLATION');
    expect(e1?.line()).toMatch(/cdn_country_weights\.yaml: countries\.XX/);
    const e2 = bad((p) => p.rules.rules.push({ ...p.rules.rules[0] }));
    expect(e2?.line()).toMatch(/virtual_rules\.yaml.*rule_id/);
    const e3 = bad((p) => (p.edges.edge_count.min_edges = 500));
    expect(e3?.line()).toMatch(/edges\.yaml.*min_edges/);
    const e4 = bad((p) => (p.settlement.buckets[1].first_rank = 0));
    expect(e4?.line()).toMatch(/settlement\.yaml.*buckets/);
    expect(bad(() => undefined)).toBeUndefined();
  });
});

describe('3A prior pack', () => {
  it('zone_alphas.yaml is exactly what derive_alphas produces from the sealed references and 2A’s lookup', async () => {
    const r = await deriveAlphas(join(ROOT, 'config'));
    expect(r.text).toBe(readFileSync(join(ROOT, 'config/layer1/3A/zone_alphas.yaml'), 'utf8'));
  });
});
