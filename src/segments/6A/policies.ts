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
}

export const P6A = 'layer3/6A/';
export const FILES = { taxonomy: `${P6A}taxonomy.yaml`, population: `${P6A}population.yaml`, products: `${P6A}products.yaml` } as const;

export function load6A(pack: PolicyPack): Policies6A {
  return {
    taxonomy: policy<Taxonomy6A>(pack, FILES.taxonomy),
    population: policy<Population6A>(pack, FILES.population),
    products: policy<Products6A>(pack, FILES.products),
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
