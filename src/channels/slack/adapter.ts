import type { App, SocketModeReceiver, webApi } from '@slack/bolt';
import { errorMessage } from '../../errors.js';
import type { Config, SlackSettings } from '../../store/config-schema.js';
import { ChatChannel } from '../chat-channel.js';
import { toSlackMrkdwn } from '../markdown.js';
import { aborted, type RetryTiming } from '../supervisor.js';
import type { InboundEnvelope } from '../types.js';

/** The parts of a Slack `message` or `app_mention` event this adapter reads. */
interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

export interface SlackAdapterOptions {
  config: Config;
  settings: SlackSettings;
  botToken: string | undefined;
  appToken: string | undefined;
  problem?: string;
  gatewayDir: string;
  retry?: RetryTiming;
}

/**
 * Slack's advice for one message's text (it cuts a message at 40,000): longer replies are split,
 * code blocks intact.
 */
export const SLACK_MAX_MESSAGE = 4000;
const DEFAULT_API_URL = 'https://slack.com/api/';
/** Message subtypes that are someone writing (the rest are edits, joins, bots, ...). */
const WRITTEN = new Set([undefined, 'file_share', 'thread_broadcast']);

/**
 * Slack, through Bolt in Socket Mode (an app token for the WebSocket, a bot token for the Web
 * API): direct messages, and in channels the messages that mention the bot or continue a thread
 * it answered in. Replies go to the thread of the message they answer, in mrkdwn, split at
 * Slack's limit. Each connection attempt is a fresh Bolt app; Bolt's own reconnection is off,
 * so every loss is reported and retried with backoff by the channel's supervisor.
 */
export class SlackAdapter extends ChatChannel {
  readonly limits = { maxMessageLength: SLACK_MAX_MESSAGE };
  private readonly apiUrl: string;
  private web: Promise<webApi.WebClient> | undefined;
  private identity: { userId: string; botId?: string; team?: string } | undefined;
  /** `<channel>:<thread ts>` of the threads the bot answered in: a message there is addressed to it. */
  private readonly threads = new Set<string>();

  constructor(private readonly options: SlackAdapterOptions) {
    super('slack', SLACK_MAX_MESSAGE, { ...options, secrets: [options.botToken, options.appToken] });
    this.apiUrl = (options.settings.apiUrl ?? DEFAULT_API_URL).replace(/\/*$/, '/');
  }

  protected problem(): string | undefined {
    return this.options.botToken && this.options.appToken ? undefined : (this.options.problem ?? 'no bot token and app token');
  }

  protected canPost(): boolean {
    return Boolean(this.options.botToken);
  }

  protected connect(): void {
    this.supervisor.start((connected, signal) => this.session(connected, signal));
  }

  private client(): Promise<webApi.WebClient> {
    this.web ??= import('@slack/bolt').then(
      (bolt) => new bolt.webApi.WebClient(this.options.botToken, { slackApiUrl: this.apiUrl, logger: this.boltLogger(), retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 5_000 } }),
    );
    return this.web;
  }

  /** One Socket Mode connection, from its start to its loss. */
  private async session(connected: (detail: string) => void, signal: AbortSignal): Promise<void> {
    const bolt = await import('@slack/bolt');
    const web = await this.client();
    const auth = await web.auth.test();
    this.identity = { userId: String(auth.user_id), ...(auth.bot_id ? { botId: String(auth.bot_id) } : {}), ...(auth.team ? { team: String(auth.team) } : {}) };
    const logger = this.boltLogger();
    const clientOptions = { slackApiUrl: this.apiUrl, retryConfig: { retries: 0 } };
    const receiver: SocketModeReceiver = new bolt.SocketModeReceiver({ appToken: this.options.appToken!, logger, autoReconnectEnabled: false, installerOptions: { clientOptions } });
    const app: App = new bolt.App({
      receiver,
      token: this.options.botToken,
      botUserId: this.identity.userId,
      ...(this.identity.botId ? { botId: this.identity.botId } : {}),
      tokenVerificationEnabled: false,
      logger,
      clientOptions,
    });
    app.event('message', async ({ event }) => void (await this.inbound(event as unknown as SlackMessageEvent)));
    app.event('app_mention', async ({ event }) => void (await this.inbound(event as unknown as SlackMessageEvent)));
    app.error(async (error) => this.log.error({ err: errorMessage(error) }, 'Slack event handling failed'));
    const lost = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));
    try {
      await app.start();
      connected(`as <@${this.identity.userId}>${this.identity.team ? ` in ${this.identity.team}` : ''} (Socket Mode)`);
      await Promise.race([lost, aborted(signal)]);
    } finally {
      await app.stop().catch(() => undefined);
    }
  }

  private async inbound(event: SlackMessageEvent): Promise<void> {
    if (!WRITTEN.has(event.subtype) || !event.user || event.bot_id || event.user === this.identity?.userId) return;
    const dm = event.channel_type === 'im' || (event.channel_type === undefined && event.channel.startsWith('D'));
    const mention = this.identity ? `<@${this.identity.userId}>` : undefined;
    const raw = event.text ?? '';
    const mentioned = event.type === 'app_mention' || (mention !== undefined && raw.includes(mention));
    const text = (mention ? raw.split(mention).join(' ') : raw).replace(/\s+/g, ' ').trim();
    const envelope: InboundEnvelope = {
      channel: this.id,
      account: 'default',
      messageId: `${event.channel}:${event.ts}`,
      chat: dm ? { id: event.user, type: 'dm' } : { id: event.channel, type: 'group' },
      sender: { id: event.user },
      text: text || raw,
      mentionsBot: mentioned,
      ...(event.thread_ts && event.thread_ts !== event.ts ? { replyTo: event.thread_ts } : {}),
      timestamp: new Date(Number(event.ts) * 1000).toISOString(),
    };
    const inBotThread = event.thread_ts !== undefined && this.threads.has(`${event.channel}:${event.thread_ts}`);
    if ((await this.bot.handle(envelope, inBotThread)) === 'later') {
      await this.bot.reply(envelope, 'The gateway is restarting. Send this again in a minute.');
    }
  }

  /** One message into the conversation of the envelope: in a channel, in the thread of the message answered. */
  protected async post(envelope: InboundEnvelope, markdown: string): Promise<void> {
    const [channel, ts] = (envelope.messageId ?? '').split(':');
    const thread = envelope.chat.type === 'group' ? (envelope.replyTo ?? ts) : envelope.replyTo;
    const web = await this.client();
    await web.chat.postMessage({ channel, text: toSlackMrkdwn(markdown), mrkdwn: true, unfurl_links: false, ...(thread ? { thread_ts: thread } : {}) });
    if (thread) this.threads.add(`${channel}:${thread}`);
  }

  /** Bolt's logger, into the channel's log: its chatter dropped, its warnings and errors kept. */
  private boltLogger() {
    let level = 'info' as never;
    return {
      debug: () => undefined,
      info: () => undefined,
      warn: (...parts: unknown[]) => this.log.warn({}, `slack: ${parts.map(String).join(' ')}`),
      error: (...parts: unknown[]) => this.log.warn({}, `slack: ${parts.map(String).join(' ')}`),
      setLevel: (value: never) => void (level = value),
      getLevel: () => level,
      setName: () => undefined,
    };
  }
}
