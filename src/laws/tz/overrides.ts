// 2A.S2: governed overrides over the S1 answer. Precedence site > mcc > country (the most specific
// active entry wins; check2A already refused two active entries for one scope+target).

export const SCOPES: readonly OverrideScope[] = ['site', 'mcc', 'country'];

export interface OverrideIndex {
  site: Map<string, string>;
  mcc: Map<number, string>;
  country: Map<string, string>;
  /** apply only where S1 needed more than the polygon itself */
  unresolvedOnly: boolean;
}

export function overrideIndex(p: OverridesPolicy): OverrideIndex {
  const idx: OverrideIndex = { site: new Map(), mcc: new Map(), country: new Map(), unresolvedOnly: p.apply_to === 'unresolved_only' };
  for (const o of p.overrides) {
    if (!isActive(o, p.as_of)) continue;
    if (o.scope === 'site') idx.site.set(o.target, o.tzid);
    else if (o.scope === 'mcc') idx.mcc.set(Number(o.target), o.tzid);
    else idx.country.set(o.target, o.tzid);
  }
  return idx;
}

export const siteTarget = (merchantId: bigint, iso: string, siteOrder: number): string => `${merchantId}/${iso}/${siteOrder}`;

/** The override for one site, if any: [scope, tzid]. `mcc` is undefined when no MCC is known. */
export function pickOverride(
  idx: OverrideIndex,
  merchantId: bigint,
  iso: string,
  siteOrder: number,
  mcc: number | undefined,
): [OverrideScope, string] | undefined {
  if (idx.site.size) {
    const t = idx.site.get(siteTarget(merchantId, iso, siteOrder));
    if (t) return ['site', t];
  }
  if (mcc !== undefined && idx.mcc.size) {
    const t = idx.mcc.get(mcc);
    if (t) return ['mcc', t];
  }
  const t = idx.country.get(iso);
  return t ? ['country', t] : undefined;
}

export type OverrideScope = 'site' | 'mcc' | 'country';

export interface OverrideEntry {
  scope: OverrideScope;
  target: string;
  tzid: string;
  evidence_url?: string | null;
  expiry_yyyy_mm_dd?: string | null;
  notes?: string | null;
}

export interface OverridesPolicy {
  semver: string;
  as_of: string;
  apply_to: 'all_sites' | 'unresolved_only';
  overrides: OverrideEntry[];
}

/** Active iff no expiry or expiry >= as_of (ISO dates compare as strings). */
export const isActive = (o: OverrideEntry, asOf: string): boolean => !o.expiry_yyyy_mm_dd || o.expiry_yyyy_mm_dd >= asOf;
