import { toolProfile, type ToolProfile } from '../policy/profiles.js';
import { Redactor } from '../policy/redaction.js';
import type { ChannelAccessSettings, Config } from '../store/config-schema.js';
import { AccessControl } from './access.js';
import { ChatBot, type ChatSurface } from './chat-bot.js';
import { PairingStore } from './pairing.js';
import { redactingLog } from './redacting-log.js';
import { ConnectionSupervisor, type RetryTiming } from './supervisor.js';
import type { ChannelAdapter, ChannelContext, ChannelHealth, ChannelLimits, ChannelLog, ChannelTarget, InboundEnvelope, OutboundMessage } from './types.js';

export interface ChatChannelOptions {
  config: Config;
  settings: ChannelAccessSettings;
  /** The channel's tokens: kept out of its log. */
  secrets: Array<string | undefined>;
  gatewayDir: string;
  retry?: RetryTiming;
  /** The bot's user name on the chat app, once known (see ChatBot). */
  botName?: () => string | undefined;
}

/**
 * What a chat app adapter (Telegram, Slack) is made of besides talking to its app: its tool
 * profile, a log without its tokens, the supervisor of its connection, access control with
 * pairing, and the ChatBot that turns messages into runs and runs into replies. A subclass says
 * how to connect (`connect`), how to post one message (`post`), and whether it has what it needs.
 */
export abstract class ChatChannel implements ChannelAdapter {
  abstract readonly limits: ChannelLimits;
  readonly toolProfile: ToolProfile;
  protected readonly log: ChannelLog;
  protected readonly supervisor: ConnectionSupervisor;
  protected readonly access: AccessControl;
  protected readonly bot: ChatBot;
  protected context: ChannelContext | undefined;

  protected constructor(
    readonly id: string,
    maxMessageLength: number,
    options: ChatChannelOptions,
  ) {
    this.toolProfile = toolProfile(options.settings.toolProfile, options.config);
    this.log = redactingLog(new Redactor(options.secrets), () => this.context?.log);
    this.supervisor = new ConnectionSupervisor(id, this.log, options.retry);
    this.access = new AccessControl(id, options.settings, new PairingStore(options.gatewayDir));
    const surface: ChatSurface = { channel: id, maxMessageLength, post: (envelope, text, index) => this.post(envelope, text, index) };
    this.bot = new ChatBot(surface, this.access, this.supervisor, this.log, options.botName);
  }

  async start(context: ChannelContext): Promise<void> {
    this.context = context;
    this.bot.attach(context);
    const problem = this.problem();
    if (problem) this.supervisor.misconfigured(problem);
    else this.connect(context);
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  /** A reply that could not stream (a run resumed after a restart), as the first part of a reply. */
  async send(target: ChannelTarget, message: OutboundMessage): Promise<boolean> {
    if (!this.canPost()) return false;
    await this.post(target.envelope, message.text, 0);
    return true;
  }

  health(): ChannelHealth {
    return this.supervisor.health();
  }

  /** Why the channel cannot connect (a missing token), if it cannot: shown in its health. */
  protected abstract problem(): string | undefined;
  /** Whether messages can be posted at all (the token for posting is there). */
  protected abstract canPost(): boolean;
  /** Starts the supervised connection (the channel has what it needs). */
  protected abstract connect(context: ChannelContext): void;
  /** Posts one message of Markdown into the chat the envelope came from, threaded to it. */
  protected abstract post(envelope: InboundEnvelope, markdown: string, index: number): Promise<void>;
}
