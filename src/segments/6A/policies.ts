// 6A policies (config/layer3/6A/*.yaml, schema-checked on load) and the cross-file checks a schema
// cannot express: every vocabulary a mix names is the taxonomy's, every segment sits under its party type.
import { policy, type PolicyPack } from '../../config/load.js';
import { fail, ErrorCodes } from '../../core/errors.js';

export interface Segment {
  id: string;
  party_type: string;
  income: number;
  digital: number;
  cash: number;
  cross_border: number;
  credit: number;
  stability: number;
}
export type Score = 'income' | 'digital' | 'cash' | 'cross_border' | 'credit' | 'stability';
export const SCORES: readonly Score[] = ['income', 'digital', 'cash', 'cross_border', 'credit', 'stability'];
export interface AccountType {
  id: string;
  /** a party type, or MERCHANT (the settlement account of a merchant owner) */
  owner: string;
  family: 'DEPOSIT' | 'SAVINGS' | 'CREDIT_CARD' | 'LOAN' | 'SETTLEMENT';
  card: 'DEBIT' | 'CREDIT' | 'NONE';
}
export interface Taxonomy6A {
  version: 1;
  regions: { id: string; match: string[] }[];
  party_types: string[];
  segments: Segment[];
  account_types: AccountType[];
  instrument_types: {
    id: string;
    class: 'CARD' | 'TOKEN' | 'BANK_ACCOUNT';
    card: 'DEBIT' | 'CREDIT' | 'NONE';
    form: 'PHYSICAL' | 'VIRTUAL' | 'TOKEN' | 'HANDLE';
    owners: string[];
  }[];
  schemes: { CARD_NETWORK: string[]; BANK_RAIL: string[]; WALLET_NETWORK: string[] };
  brand_tiers: string[];
  device_types: { id: string; owner: 'PARTY' | 'MERCHANT'; mobile: boolean; portable: boolean; personal: boolean }[];
  os_families: string[];
  ip_types: { id: string; asn_class: string }[];
  device_link_roles: string[];
  ip_link_roles: string[];
  fraud_roles: Record<RoleKind, string[]>;
}
export type RoleKind = 'party' | 'account' | 'merchant' | 'device' | 'ip';
export interface RoleModel {
  base: number;
  weights: Record<string, number>;
  /** group → tier → role mix */
  groups: Record<string, Record<string, Record<string, number>>>;
}
export interface Roles6APolicy {
  version: 1;
  tiers: string[];
  tier_thresholds: [number, number, number];
  noise_sd: number;
  party: RoleModel;
  account: RoleModel;
  merchant: RoleModel & { mcc_groups: Record<string, number[]> };
  device: RoleModel;
  ip: RoleModel;
  min_entities: number;
  corridors: Record<string, Corridor>;
}
export interface Devices6A {
  version: 1;
  household: { mean_size: number; max_size: number };
  per_party: Record<string, { mean: number; max: number; first: string }>;
  digital_tilt: number;
  type_mix: Record<string, Record<string, number>>;
  os_mix: Record<string, Record<string, number>>;
  shared_p: Record<string, number>;
  account_access: Record<string, number>;
  corridors: Record<string, Corridor>;
}
export interface Ips6A {
  version: 1;
  mobile: { devices_per_ip: number };
  home_wifi_p: number;
  public_wifi: { p: number; devices_per_ip: number };
  vpn: { p: number; devices_per_ip: number; hosting_countries: string[] };
  corridors: Record<string, Corridor>;
}
export interface Tilted {
  base: number;
  tilt: Partial<Record<Score, number>>;
  max_p: number;
}
export interface Instruments6A {
  version: 1;
  physical: { DEBIT: number; CREDIT: number };
  virtual: Tilted;
  wallet: Tilted;
  expiry_months_max: number;
  scheme_mix: Record<'DEBIT' | 'CREDIT', Record<string, Record<string, number>>>;
  wallet_mix: Record<string, number>;
  rails: { by_country: Record<string, string>; by_currency: Record<string, string>; default: string };
  brand_tier: { by_account_type: Record<string, string>; by_segment: Record<string, string>; by_party_type: Record<string, string> };
  card_numbers: Record<string, { prefixes: string[]; length: number }>;
  corridors: Record<string, Corridor>;
}
export interface Corridor {
  min: number;
  max: number;
  required: boolean;
}
export interface ProductRule {
  required?: boolean;
  hold?: number;
  tilt?: Partial<Record<Score, number>>;
  extra_mean: number;
  max: number;
}
export interface Products6A {
  version: 1;
  max_hold_p: number;
  types: Record<string, ProductRule>;
  tenure_years: { base: number; per_stability: number; max: number };
  corridors: Record<string, Corridor>;
}
export interface Population6A {
  version: 1;
  size: { arrivals_per_active_party_per_week: number; active_fraction: number; min_parties: number; max_parties: number };
  country_weights: { demand_weight: number; outlet_weight: number };
  party_type_mix: Record<string, Record<string, number>>;
  segment_mix: Record<string, Record<string, Record<string, number>>>;
  merchant_owners: { virtual_segment: string; by_outlets: { max_outlets: number; segment: string }[] };
  home: { jitter_km: number; activity_sigma: number };
}
export interface Policies6A {
  taxonomy: Taxonomy6A;
  population: Population6A;
  products: Products6A;
  instruments: Instruments6A;
  devices: Devices6A;
  ips: Ips6A;
  roles: Roles6APolicy;
}

export const P6A = 'layer3/6A/';
export const FILES = {
  taxonomy: `${P6A}taxonomy.yaml`,
  population: `${P6A}population.yaml`,
  products: `${P6A}products.yaml`,
  instruments: `${P6A}instruments.yaml`,
  devices: `${P6A}devices.yaml`,
  ips: `${P6A}ips.yaml`,
  roles: `${P6A}roles.yaml`,
} as const;

export function load6A(pack: PolicyPack): Policies6A {
  return {
    taxonomy: policy<Taxonomy6A>(pack, FILES.taxonomy),
    population: policy<Population6A>(pack, FILES.population),
    products: policy<Products6A>(pack, FILES.products),
    instruments: policy<Instruments6A>(pack, FILES.instruments),
    devices: policy<Devices6A>(pack, FILES.devices),
    ips: policy<Ips6A>(pack, FILES.ips),
    roles: policy<Roles6APolicy>(pack, FILES.roles),
  };
}

export function checkPolicies6A(pack: PolicyPack, p: Policies6A): void {
  const bad = (file: string, field: string, what: string, fix: string): never =>
    fail(ErrorCodes.CONFIG_SCHEMA_VIOLATION, what, `${pack.dir}/${file}: ${field}`, fix);
  const t = p.taxonomy;
  const unique = (file: string, field: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) bad(file, field, `${id} is listed twice`, 'list every id once');
      seen.add(id);
    }
    return seen;
  };
  const regions = unique(
    FILES.taxonomy,
    'regions',
    t.regions.map((r) => r.id),
  );
  unique(
    FILES.taxonomy,
    'regions[].match',
    t.regions.flatMap((r) => r.match),
  );
  const types = new Set(t.party_types);
  const segs = unique(
    FILES.taxonomy,
    'segments',
    t.segments.map((s) => s.id),
  );
  const segType = new Map(t.segments.map((s) => [s.id, s.party_type]));
  for (const s of t.segments)
    if (!types.has(s.party_type))
      bad(FILES.taxonomy, `segments.${s.id}.party_type`, `unknown party type ${s.party_type}`, `use one of ${t.party_types.join(', ')}`);
  const pop = p.population;
  const needRegion = (field: string, r: string) => {
    if (!regions.has(r)) bad(FILES.population, field, `unknown region ${r}`, `use a region of ${FILES.taxonomy}: ${[...regions].join(', ')}`);
  };
  const positive = (field: string, m: Record<string, number>) => {
    if (!(Object.values(m).reduce((a, b) => a + b, 0) > 0)) bad(FILES.population, field, 'the shares sum to 0', 'give at least one positive share');
  };
  for (const r of regions) {
    if (!pop.party_type_mix[r]) bad(FILES.population, 'party_type_mix', `region ${r} has no party type mix`, `add "${r}: { RETAIL: …, … }"`);
    if (!pop.segment_mix[r]) bad(FILES.population, 'segment_mix', `region ${r} has no segment mix`, `add "${r}:" with a mix per party type`);
  }
  for (const [r, mix] of Object.entries(pop.party_type_mix)) {
    needRegion(`party_type_mix.${r}`, r);
    for (const ty of Object.keys(mix))
      if (!types.has(ty)) bad(FILES.population, `party_type_mix.${r}.${ty}`, `unknown party type ${ty}`, `use one of ${t.party_types.join(', ')}`);
    positive(`party_type_mix.${r}`, mix);
  }
  for (const [r, byType] of Object.entries(pop.segment_mix)) {
    needRegion(`segment_mix.${r}`, r);
    for (const ty of t.party_types)
      if ((pop.party_type_mix[r]?.[ty] ?? 0) > 0 && !byType[ty])
        bad(FILES.population, `segment_mix.${r}`, `party type ${ty} has a share but no segment mix`, `add "${ty}: { … }"`);
    for (const [ty, mix] of Object.entries(byType)) {
      if (!types.has(ty)) bad(FILES.population, `segment_mix.${r}.${ty}`, `unknown party type ${ty}`, `use one of ${t.party_types.join(', ')}`);
      for (const s of Object.keys(mix)) {
        if (!segs.has(s)) bad(FILES.population, `segment_mix.${r}.${ty}.${s}`, `unknown segment ${s}`, `use a segment of ${FILES.taxonomy}`);
        if (segType.get(s) !== ty)
          bad(FILES.population, `segment_mix.${r}.${ty}.${s}`, `segment ${s} is a ${segType.get(s)} segment`, `move it under ${segType.get(s)}`);
      }
      positive(`segment_mix.${r}.${ty}`, mix);
    }
  }
  const owners = [pop.merchant_owners.virtual_segment, ...pop.merchant_owners.by_outlets.map((b) => b.segment)];
  for (const s of owners)
    if (segType.get(s) !== 'BUSINESS')
      bad(FILES.population, 'merchant_owners', `${s} is not a BUSINESS segment`, 'merchant owners are businesses: name a BUSINESS segment');
  const steps = pop.merchant_owners.by_outlets.map((b) => b.max_outlets);
  if (steps.some((m, i) => i > 0 && m <= steps[i - 1]))
    bad(FILES.population, 'merchant_owners.by_outlets', 'max_outlets must increase', 'order the steps by max_outlets');
  if (pop.size.min_parties > pop.size.max_parties) bad(FILES.population, 'size', 'min_parties exceeds max_parties', 'lower min_parties or raise max_parties');
  if (!(pop.country_weights.demand_weight + pop.country_weights.outlet_weight > 0))
    bad(FILES.population, 'country_weights', 'the weights sum to 0', 'give demand_weight or outlet_weight a positive value');
  checkProducts(p, bad, unique);
  checkInstruments(p, bad, unique);
  checkDevices(p, bad, unique);
  checkRoles(p, bad);
}

/** The groups S5 assigns entities to, per kind (the role policy must give each a mix per tier). */
export function roleGroupsNeeded(p: Policies6A): Record<RoleKind, string[]> {
  return {
    party: p.taxonomy.party_types,
    account: ['DEPOSIT', 'DEPOSIT_RISKY_OWNER', 'SAVINGS', 'CREDIT', 'SETTLEMENT'],
    merchant: ['GENERAL', ...Object.keys(p.roles.merchant.mcc_groups)],
    device: ['PERSONAL', 'SHARED', 'BACKEND', 'TERMINAL'],
    ip: p.taxonomy.ip_types.map((x) => x.id),
  };
}

const FEATURES: Record<RoleKind, string[]> = {
  party: ['digital', 'cross_border', 'new_to_bank', 'vpn_user', 'many_devices'],
  account: ['new_account', 'owner_risky', 'many_devices'],
  merchant: ['single_outlet', 'multi_country', 'virtual'],
  device: ['vpn', 'many_users', 'owner_risky'],
  ip: ['busy', 'risky_users'],
};

function checkRoles(p: Policies6A, bad: Bad): void {
  const r = p.roles;
  for (const kind of ['party', 'account', 'merchant', 'device', 'ip'] as const)
    if (!p.taxonomy.fraud_roles[kind][0].startsWith('CLEAN') && !p.taxonomy.fraud_roles[kind][0].startsWith('NORMAL'))
      bad(
        FILES.taxonomy,
        `fraud_roles.${kind}`,
        `the first ${kind} role is ${p.taxonomy.fraud_roles[kind][0]}, not a clean role`,
        'list the clean role (CLEAN…, NORMAL) first',
      );
  const [a, b, c] = r.tier_thresholds;
  if (!(a < b && b < c)) bad(FILES.roles, 'tier_thresholds', 'thresholds must increase', 'list three increasing scores in (0, 1)');
  const need = roleGroupsNeeded(p);
  for (const kind of ['party', 'account', 'merchant', 'device', 'ip'] as const) {
    const vocab = new Set(p.taxonomy.fraud_roles[kind]);
    for (const f of Object.keys(r[kind].weights))
      if (!FEATURES[kind].includes(f)) bad(FILES.roles, `${kind}.weights.${f}`, `unknown ${kind} feature ${f}`, `use one of ${FEATURES[kind].join(', ')}`);
    for (const g of need[kind]) if (!r[kind].groups[g]) bad(FILES.roles, `${kind}.groups`, `group ${g} has no role mixes`, `add "${g}:" with a mix per tier`);
    for (const [g, byTier] of Object.entries(r[kind].groups)) {
      if (!need[kind].includes(g)) bad(FILES.roles, `${kind}.groups.${g}`, `unknown ${kind} group ${g}`, `use one of ${need[kind].join(', ')}`);
      for (const t of r.tiers) {
        const mix = byTier[t];
        if (!mix) bad(FILES.roles, `${kind}.groups.${g}`, `tier ${t} has no mix`, `add "${t}: { … }"`);
        for (const role of Object.keys(mix))
          if (!vocab.has(role))
            bad(FILES.roles, `${kind}.groups.${g}.${t}.${role}`, `${role} is not a ${kind} role of ${FILES.taxonomy}`, `use one of ${[...vocab].join(', ')}`);
        if (!(Object.values(mix).reduce((x, y) => x + y, 0) > 0)) bad(FILES.roles, `${kind}.groups.${g}.${t}`, 'the shares sum to 0', 'give a positive share');
      }
      for (const t of Object.keys(byTier))
        if (!r.tiers.includes(t)) bad(FILES.roles, `${kind}.groups.${g}.${t}`, `unknown tier ${t}`, `use one of ${r.tiers.join(', ')}`);
    }
  }
  const seen = new Map<number, string>();
  for (const [g, list] of Object.entries(r.merchant.mcc_groups))
    for (const m of list) {
      if (seen.has(m)) bad(FILES.roles, `merchant.mcc_groups.${g}`, `MCC ${m} is also in ${seen.get(m)}`, 'list every MCC in one group');
      seen.set(m, g);
    }
}

function checkDevices(p: Policies6A, bad: Bad, unique: (file: string, field: string, ids: string[]) => Set<string>): void {
  const t = p.taxonomy;
  const d = p.devices;
  const types = unique(
    FILES.taxonomy,
    'device_types',
    t.device_types.map((x) => x.id),
  );
  const os = new Set(t.os_families);
  const partyOwned = new Set(t.device_types.filter((x) => x.owner === 'PARTY').map((x) => x.id));
  const need = (file: string, field: string, id: string) => {
    if (!types.has(id)) bad(file, field, `unknown device type ${id}`, `use a device type of ${FILES.taxonomy}`);
  };
  for (const ty of t.party_types) {
    const r = d.per_party[ty];
    if (!r) bad(FILES.devices, 'per_party', `party type ${ty} has no device rule`, `add "${ty}: { mean, max, first }"`);
    need(FILES.devices, `per_party.${ty}.first`, r.first);
    if (!partyOwned.has(r.first)) bad(FILES.devices, `per_party.${ty}.first`, `${r.first} is not a party's device`, 'name a device type owned by parties');
    if (r.mean > r.max) bad(FILES.devices, `per_party.${ty}`, 'mean exceeds max', 'raise max or lower mean');
    const mix = d.type_mix[ty];
    if (!mix || !(Object.values(mix).reduce((x, y) => x + y, 0) > 0))
      bad(FILES.devices, `type_mix.${ty}`, `party type ${ty} has no device mix`, `add "${ty}: { MOBILE_PHONE: …, … }"`);
    for (const k of Object.keys(mix)) {
      need(FILES.devices, `type_mix.${ty}.${k}`, k);
      if (!partyOwned.has(k)) bad(FILES.devices, `type_mix.${ty}.${k}`, `${k} is not a party's device`, 'terminals belong to merchants: leave them out');
    }
  }
  for (const x of t.device_types) {
    const m = d.os_mix[x.id];
    if (!m || !(Object.values(m).reduce((a, b) => a + b, 0) > 0)) bad(FILES.devices, 'os_mix', `device type ${x.id} has no OS mix`, `add "${x.id}: { … }"`);
    for (const k of Object.keys(m)) if (!os.has(k)) bad(FILES.devices, `os_mix.${x.id}.${k}`, `unknown OS family ${k}`, `use one of ${[...os].join(', ')}`);
  }
  for (const [k] of [...Object.entries(d.shared_p), ...Object.entries(d.account_access)]) need(FILES.devices, 'shared_p / account_access', k);
  if (!t.device_types.some((x) => x.id === 'POS_TERMINAL' && x.owner === 'MERCHANT'))
    bad(FILES.taxonomy, 'device_types', 'POS_TERMINAL (owner MERCHANT) is missing', 'add it: every physical outlet has one');
  for (const r of ['PRIMARY_OWNER', 'SECONDARY_USER', 'ASSOCIATED_ACCOUNT_ACCESS', 'ASSOCIATED_INSTRUMENT_ACCESS', 'MERCHANT_TERMINAL'])
    if (!t.device_link_roles.includes(r)) bad(FILES.taxonomy, 'device_link_roles', `link role ${r} is missing`, `add ${r} (S4 writes it)`);
  for (const r of ['TYPICAL_DEVICE_IP', 'RECENT_LOGIN_IP', 'SHARED_PUBLIC_WIFI'])
    if (!t.ip_link_roles.includes(r)) bad(FILES.taxonomy, 'ip_link_roles', `link role ${r} is missing`, `add ${r} (S4 writes it)`);
  const ipTypes = unique(
    FILES.taxonomy,
    'ip_types',
    t.ip_types.map((x) => x.id),
  );
  for (const r of ['RESIDENTIAL', 'MOBILE', 'CORPORATE', 'PUBLIC_WIFI', 'VPN_PROXY'])
    if (!ipTypes.has(r)) bad(FILES.taxonomy, 'ip_types', `IP type ${r} is missing`, `add ${r} (S4 creates it)`);
}

function checkInstruments(p: Policies6A, bad: Bad, unique: (file: string, field: string, ids: string[]) => Set<string>): void {
  const t = p.taxonomy;
  const ins = p.instruments;
  const it = unique(
    FILES.taxonomy,
    'instrument_types',
    t.instrument_types.map((x) => x.id),
  );
  unique(FILES.taxonomy, 'schemes', [...t.schemes.CARD_NETWORK, ...t.schemes.BANK_RAIL, ...t.schemes.WALLET_NETWORK]);
  const owners = new Set([...t.party_types, 'MERCHANT']);
  for (const x of t.instrument_types)
    for (const o of x.owners) if (!owners.has(o)) bad(FILES.taxonomy, `instrument_types.${x.id}.owners`, `unknown owner ${o}`, 'use a party type or MERCHANT');
  // the instrument types S3 issues must exist: cards by owner prefix, kind and form; the token; the handles
  const need = ['WALLET_DEVICE_TOKEN', 'PARTY_BANK_ACCOUNT', 'MERCHANT_PAYOUT_BANK_ACCOUNT'];
  for (const o of ['RETAIL', 'BUSINESS']) for (const k of ['DEBIT', 'CREDIT']) for (const f of ['PHYSICAL', 'VIRTUAL']) need.push(`${o}_${k}_CARD_${f}`);
  for (const id of need) if (!it.has(id)) bad(FILES.taxonomy, 'instrument_types', `instrument type ${id} is missing`, `add "${id}" (S3 issues it)`);
  const card = new Set(t.schemes.CARD_NETWORK);
  const regions = t.regions.map((r) => r.id);
  for (const kind of ['DEBIT', 'CREDIT'] as const)
    for (const r of regions) {
      const mix = ins.scheme_mix[kind][r];
      if (!mix) bad(FILES.instruments, `scheme_mix.${kind}`, `region ${r} has no ${kind} scheme mix`, `add "${r}: { VISA: …, … }"`);
      for (const sc of Object.keys(mix))
        if (!card.has(sc)) bad(FILES.instruments, `scheme_mix.${kind}.${r}.${sc}`, `${sc} is not a card network`, `use one of ${[...card].join(', ')}`);
      if (!(Object.values(mix).reduce((a, b) => a + b, 0) > 0))
        bad(FILES.instruments, `scheme_mix.${kind}.${r}`, 'the shares sum to 0', 'give a positive share');
      for (const sc of Object.keys(mix))
        if (mix[sc] > 0 && !ins.card_numbers[sc]) bad(FILES.instruments, 'card_numbers', `${sc} has no card number rule`, `add "${sc}: { prefixes, length }"`);
    }
  for (const w of Object.keys(ins.wallet_mix))
    if (!t.schemes.WALLET_NETWORK.includes(w))
      bad(FILES.instruments, `wallet_mix.${w}`, `${w} is not a wallet network`, `use one of ${t.schemes.WALLET_NETWORK.join(', ')}`);
  if (!(t.schemes.WALLET_NETWORK.reduce((a, w) => a + (ins.wallet_mix[w] ?? 0), 0) > 0))
    bad(FILES.instruments, 'wallet_mix', 'the shares sum to 0', 'give a positive share');
  const rails = new Set(t.schemes.BANK_RAIL);
  for (const [k, v] of [...Object.entries(ins.rails.by_country), ...Object.entries(ins.rails.by_currency), ['default', ins.rails.default]])
    if (!rails.has(v)) bad(FILES.instruments, `rails.${k}`, `${v} is not a bank rail`, `use one of ${[...rails].join(', ')}`);
  const tiers = new Set(t.brand_tiers);
  const bt = ins.brand_tier;
  for (const [k, v] of [...Object.entries(bt.by_account_type), ...Object.entries(bt.by_segment), ...Object.entries(bt.by_party_type)])
    if (!tiers.has(v)) bad(FILES.instruments, `brand_tier.${k}`, `${v} is not a brand tier`, `use one of ${[...tiers].join(', ')}`);
  for (const ty of t.party_types)
    if (!bt.by_party_type[ty]) bad(FILES.instruments, 'brand_tier.by_party_type', `party type ${ty} has no tier`, `add "${ty}: <tier>"`);
  for (const [sc, cn] of Object.entries(ins.card_numbers))
    for (const pre of cn.prefixes)
      if (pre.length > 6) bad(FILES.instruments, `card_numbers.${sc}`, `prefix ${pre} is longer than a BIN`, 'use prefixes of at most 6 digits');
}

type Bad = (file: string, field: string, what: string, fix: string) => never;

function checkProducts(p: Policies6A, bad: Bad, unique: (file: string, field: string, ids: string[]) => Set<string>): void {
  const t = p.taxonomy;
  unique(
    FILES.taxonomy,
    'account_types',
    t.account_types.map((a) => a.id),
  );
  const owners = new Set([...t.party_types, 'MERCHANT']);
  for (const a of t.account_types)
    if (!owners.has(a.owner)) bad(FILES.taxonomy, `account_types.${a.id}.owner`, `unknown owner ${a.owner}`, `use a party type or MERCHANT`);
  const settlement = t.account_types.filter((a) => a.owner === 'MERCHANT');
  if (settlement.length !== 1 || settlement[0].family !== 'SETTLEMENT')
    bad(FILES.taxonomy, 'account_types', 'there must be exactly one MERCHANT account type, of family SETTLEMENT', 'keep one merchant settlement account type');
  const byId = new Map(t.account_types.map((a) => [a.id, a]));
  for (const [id, r] of Object.entries(p.products.types)) {
    const a = byId.get(id);
    if (!a) bad(FILES.products, `types.${id}`, `unknown account type ${id}`, `use an account type of ${FILES.taxonomy}`);
    if (a!.owner === 'MERCHANT')
      bad(FILES.products, `types.${id}`, 'the merchant settlement account is not drawn', 'remove it: every merchant owner holds exactly one');
    if (!r.required && r.hold === undefined)
      bad(FILES.products, `types.${id}`, 'neither required nor a hold probability', 'add "hold: <p>" or "required: true"');
    if (r.required && (r.hold !== undefined || r.tilt))
      bad(FILES.products, `types.${id}`, 'a required type has no hold probability or tilt', 'remove hold and tilt');
  }
  for (const a of t.account_types)
    if (a.owner !== 'MERCHANT' && !p.products.types[a.id]) bad(FILES.products, 'types', `account type ${a.id} has no rule`, `add "${a.id}: { … }"`);
  for (const ty of t.party_types) {
    const req = t.account_types.filter((a) => a.owner === ty && p.products.types[a.id]?.required && a.family === 'DEPOSIT');
    if (req.length === 0) bad(FILES.products, 'types', `party type ${ty} has no required DEPOSIT account`, `mark one ${ty} current account required: true`);
  }
  const tn = p.products.tenure_years;
  if (tn.base + tn.per_stability > tn.max)
    bad(FILES.products, 'tenure_years', 'the mean tenure of the most stable segment exceeds max', 'raise max or lower the means');
}
