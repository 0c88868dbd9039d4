// S1 classing: MCC → sector → demand_class (virtual merchants take the virtual branch), zone roles.
import { fail, ErrorCodes } from '../../core/errors.js';
import type { ChannelGroup, ClassesPolicy } from './policies.js';

export type ZoneRole = 'primary_zone' | 'secondary_zone' | 'tail_zone';

export class Classifier {
  private readonly sectorOfMcc = new Map<number, string>();
  constructor(readonly p: ClassesPolicy) {
    for (const [s, mccs] of Object.entries(p.sectors)) for (const m of mccs) this.sectorOfMcc.set(m, s);
  }
  sector(mcc: number): string {
    return this.sectorOfMcc.get(mcc) ?? this.p.default_sector;
  }
  channelGroup(channel: string): ChannelGroup {
    const g = this.p.channel_groups[channel];
    if (!g)
      fail(
        ErrorCodes.CONFIG_SCHEMA_VIOLATION,
        `1A channel "${channel}" has no channel group`,
        'config/layer2/5A/classes.yaml: channel_groups',
        `add "${channel}: card_present|card_not_present|mixed"`,
      );
    return g;
  }
  demandClass(mcc: number, channelGroup: ChannelGroup, virtualMode: string): string {
    if (virtualMode === 'VIRTUAL_ONLY') return this.p.virtual_branch.VIRTUAL_ONLY;
    if (virtualMode === 'HYBRID') return this.p.virtual_branch.HYBRID;
    return this.p.by_channel_group[channelGroup][this.sector(mcc)];
  }
}

/** Role of a zone from its share of the merchant's sites in the country. */
export function zoneRole(p: ClassesPolicy, zoneSites: number, countrySites: number): ZoneRole {
  if (countrySites <= 0) return 'tail_zone';
  const s = zoneSites / countrySites;
  if (s >= p.zone_role.primary_share_ge) return 'primary_zone';
  if (s <= p.zone_role.tail_share_le) return 'tail_zone';
  return 'secondary_zone';
}
