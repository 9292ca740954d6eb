import type { ChannelAccessSettings } from '../store/config-schema.js';
import type { PairingOutcome, PairingStore } from './pairing.js';
import type { InboundEnvelope } from './types.js';

export type AccessDecision =
  /** The message goes to the agent. */
  | { kind: 'answer' }
  /** An unknown sender under `pairing`: a code (or nothing, when one waits already), and no agent. */
  | { kind: 'pair'; outcome: PairingOutcome }
  /** Someone the bot does not serve: logged, not answered. */
  | { kind: 'refuse'; why: string }
  /** Group chatter not addressed to the bot: not for it at all. */
  | { kind: 'ignore'; why: string };

/** A channel's access settings with their defaults filled in: what the bot does, and what `openclaw channels list` shows. */
export function accessSettings(settings: ChannelAccessSettings) {
  return {
    dmPolicy: settings.dmPolicy ?? ('pairing' as const),
    allowFrom: (settings.allowFrom ?? []).map(String),
    groups: (settings.groups ?? []).map(String),
    requireMention: settings.requireMention !== false,
    toolProfile: settings.toolProfile ?? ('messaging' as const),
  };
}

/**
 * Who a channel bot answers, per channel: direct messages from the allowlist (`allowFrom` plus
 * approved pairings), or from anyone under `dmPolicy: open`; in groups, only messages that mention
 * the bot or reply to it (unless `requireMention` is false), and only in the groups listed in
 * `groups` (anyone there) or, with no list, from senders on the allowlist.
 */
export class AccessControl {
  private readonly allowFrom: Set<string>;
  private readonly groups: Set<string>;
  readonly dmPolicy: 'pairing' | 'allowlist' | 'open';
  private readonly requireMention: boolean;

  constructor(
    private readonly channel: string,
    settings: ChannelAccessSettings,
    private readonly pairing: PairingStore,
  ) {
    const resolved = accessSettings(settings);
    this.allowFrom = new Set(resolved.allowFrom);
    this.groups = new Set(resolved.groups);
    this.dmPolicy = resolved.dmPolicy;
    this.requireMention = resolved.requireMention;
  }

  async decide(envelope: InboundEnvelope, repliesToBot: boolean): Promise<AccessDecision> {
    if (envelope.chat.type === 'group') {
      const addressed = envelope.mentionsBot || repliesToBot || !this.requireMention;
      if (!addressed) return { kind: 'ignore', why: 'a group message that neither mentions the bot nor replies to it' };
      if (this.groups.size === 0) {
        // No group list: a group is as good as the person writing there, so the people you paired
        // with (or allowed) can add the bot to a group and talk to it; strangers there cannot.
        if (this.allows(envelope.sender.id)) return { kind: 'answer' };
        return { kind: 'refuse', why: `sender ${envelope.sender.id} is not approved, and channels.${this.channel}.groups does not list group ${envelope.chat.id}` };
      }
      if (!this.groups.has('*') && !this.groups.has(envelope.chat.id)) {
        return { kind: 'refuse', why: `group ${envelope.chat.id} is not in channels.${this.channel}.groups` };
      }
      return { kind: 'answer' };
    }
    if (this.allows(envelope.sender.id) || this.dmPolicy === 'open') return { kind: 'answer' };
    if (this.dmPolicy === 'allowlist') return { kind: 'refuse', why: `sender ${envelope.sender.id} is not in channels.${this.channel}.allowFrom` };
    return { kind: 'pair', outcome: await this.pairing.request(this.channel, envelope.sender) };
  }

  allows(senderId: string): boolean {
    return this.allowFrom.has(senderId) || this.pairing.isApproved(this.channel, senderId);
  }
}
