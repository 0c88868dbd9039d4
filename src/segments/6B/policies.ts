// Typed view of the 6B policy files (schemas in contracts/policies/layer3.6B.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';

export type Channel = 'POS' | 'ATM' | 'ECOM';
type PerChannel<T> = Record<Channel, T>;

export interface Attachment6B {
  version: 1;
  active_share: number;
  activity_cap: number;
  atm_mcc: number[];
  mixed_cnp_share: number;
  visits: PerChannel<{ p_continue: number; max_gap_seconds: number }>;
  cross_border: PerChannel<number>;
  local_share: Record<'POS' | 'ATM', number>;
  cell_degrees: number;
  regulars: { share: PerChannel<number>; visits_per_regular: number };
  card_types: PerChannel<string[]>;
  p_primary_card: number;
  p_primary_device: number;
  p_typical_ip: number;
}

export interface Policies6B {
  attachment: Attachment6B;
}

export const FILES_6B = { attachment: 'layer3/6B/attachment.yaml' } as const;

export function load6B(pack: PolicyPack): Policies6B {
  return { attachment: policy<Attachment6B>(pack, FILES_6B.attachment) };
}
