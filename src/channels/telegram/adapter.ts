import { createHash, timingSafeEqual } from 'node:crypto';
import { Api, GrammyError, HttpError as TelegramHttpError } from 'grammy';
import { errorMessage } from '../../errors.js';
import type { Config, TelegramSettings } from '../../store/config-schema.js';
import { ChatChannel } from '../chat-channel.js';
import { HttpError, readJsonBody, sendJson } from '../http.js';
import { toTelegramHtml } from '../markdown.js';
import { aborted, sleep, type RetryTiming } from '../supervisor.js';
import type { ChannelContext, ChannelTarget, InboundEnvelope } from '../types.js';

/** The parts of a Bot API update this adapter reads. */
interface TelegramUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  username?: string;
}

interface TelegramMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: 'private' | 'group' | 'supergroup' | 'channel' };
  from?: TelegramUser;
  text?: string;
  caption?: string;
  entities?: Array<{ type: string; offset: number; length: number; user?: TelegramUser }>;
  caption_entities?: Array<{ type: string; offset: number; length: number; user?: TelegramUser }>;
  reply_to_message?: { message_id: number; from?: TelegramUser };
}

interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
}

export interface TelegramAdapterOptions {
  config: Config;
  settings: TelegramSettings;
  token: string | undefined;
  /** Why the channel cannot start (no token): reported in its health instead of connecting. */
  problem?: string;
  gatewayDir: string;
  retry?: RetryTiming;
}

/** Telegram's limit on one message's text. */
export const TELEGRAM_MAX_MESSAGE = 4096;
/** A typing indicator lasts about 5 s on Telegram. */
const TYPING_REFRESH_MS = 4_000;
const LONG_POLL_SECONDS = 30;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const WEBHOOK_PATH = '/telegram/webhook';

/**
 * Telegram, through grammY's Bot API client: long polling by default (a webhook when
 * `webhookUrl` is set), direct messages and groups, replies threaded to the message they answer,
 * a typing indicator while the agent works, Markdown sent as Telegram HTML (plain text when
 * Telegram refuses the formatting), and long answers split at 4,096 characters.
 *
 * An update's offset is confirmed to Telegram only once its message is in the gateway's inbound
 * log, so a crash redelivers it, and the log's message-id check answers it once.
 */
export class TelegramAdapter extends ChatChannel {
  readonly limits = { maxMessageLength: TELEGRAM_MAX_MESSAGE, typingRefreshMs: TYPING_REFRESH_MS };
  private readonly api: Api | undefined;
  private me: TelegramUser | undefined;
  private typingFailed = false;

  constructor(private readonly options: TelegramAdapterOptions) {
    super('telegram', TELEGRAM_MAX_MESSAGE, { ...options, secrets: [options.token], botName: () => this.me?.username });
    const { settings, token } = options;
    this.api = token ? new Api(token, { ...(settings.apiRoot ? { apiRoot: settings.apiRoot.replace(/\/+$/, '') } : {}), timeoutSeconds: LONG_POLL_SECONDS + 30 }) : undefined;
  }

  protected problem(): string | undefined {
    return this.api ? undefined : (this.options.problem ?? 'no bot token');
  }

  protected canPost(): boolean {
    return Boolean(this.api);
  }

  protected connect(context: ChannelContext): void {
    const api = this.api!;
    if (this.options.settings.webhookUrl) {
      context.http.add('POST', WEBHOOK_PATH, (request, response) => this.webhook(request, response), { public: true });
      this.supervisor.start((connected, signal) => this.useWebhook(api, connected, signal));
    } else {
      this.supervisor.start((connected, signal) => this.poll(api, connected, signal));
    }
  }

  async typing(target: ChannelTarget): Promise<void> {
    if (!this.api) return;
    try {
      await this.api.sendChatAction(target.envelope.chat.id, 'typing');
    } catch (error) {
      // Cosmetic: a Bot API server without chat actions (a test emulator) still gets answers.
      if (!this.typingFailed) this.log.info({ err: errorMessage(error) }, 'typing indicator not shown (sendChatAction failed); carrying on without it');
      this.typingFailed = true;
    }
  }

  private async poll(api: Api, connected: (detail: string) => void, signal: AbortSignal): Promise<void> {
    await this.identify(api, signal);
    await api.deleteWebhook({}, signal as never);
    connected(`as @${this.me?.username ?? '?'} (long polling)`);
    const interval = this.options.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    let offset: number | undefined;
    while (!signal.aborted) {
      const started = Date.now();
      const updates = (await api.getUpdates({ ...(offset !== undefined ? { offset } : {}), timeout: LONG_POLL_SECONDS, allowed_updates: ['message'] }, signal as never)) as TelegramUpdate[];
      for (const update of updates) {
        // Not confirmed to Telegram (by the next offset) until it is taken: a stopping gateway
        // leaves it, and what follows it, for the next start.
        if ((await this.handle(update)) === 'later') {
          await aborted(signal);
          return;
        }
        offset = update.update_id + 1;
      }
      // A server that answers at once (a test emulator) is not polled in a tight loop.
      if (updates.length === 0) await sleep(interval - (Date.now() - started), signal);
    }
  }

  private async useWebhook(api: Api, connected: (detail: string) => void, signal: AbortSignal): Promise<void> {
    await this.identify(api, signal);
    await api.setWebhook(this.options.settings.webhookUrl!, { secret_token: this.webhookSecret(), allowed_updates: ['message'] }, signal as never);
    connected(`as @${this.me?.username ?? '?'} (webhook)`);
    await aborted(signal);
  }

  private async identify(api: Api, signal: AbortSignal): Promise<void> {
    this.me = (await api.getMe(signal as never)) as TelegramUser;
  }

  private webhookSecret(): string {
    return this.options.settings.webhookSecret ?? createHash('sha256').update(`openclaw-telegram-webhook:${this.options.token}`).digest('hex').slice(0, 48);
  }

  private async webhook(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const given = Buffer.from(String(request.headers['x-telegram-bot-api-secret-token'] ?? ''));
    const expected = Buffer.from(this.webhookSecret());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'unauthorized', 'wrong or missing X-Telegram-Bot-Api-Secret-Token');
    const update = (await readJsonBody(request, 1024 * 1024)) as TelegramUpdate;
    if (typeof update?.update_id !== 'number') throw new HttpError(400, 'invalid_update', 'not a Telegram update');
    // Telegram delivers again what is not answered with 2xx: a stopping gateway gets it after the restart.
    if ((await this.handle(update)) === 'later') throw new HttpError(503, 'shutting_down', 'the gateway is restarting', { 'retry-after': '10' });
    sendJson(response, 200, { ok: true });
  }

  private async handle(update: TelegramUpdate): Promise<'handled' | 'later'> {
    const message = update.message;
    if (!message?.from || message.from.is_bot || message.chat.type === 'channel') return 'handled';
    const text = message.text ?? message.caption;
    const envelope = this.envelope(message, text ?? '');
    if (text === undefined || text.trim() === '') {
      this.supervisor.inbound();
      this.log.info({ messageId: envelope.messageId, chat: envelope.chat.id }, 'message without text ignored');
      if (envelope.chat.type === 'dm' && (this.access.allows(envelope.sender.id) || this.access.dmPolicy === 'open')) await this.bot.reply(envelope, 'I can only read text messages for now.');
      return 'handled';
    }
    return this.bot.handle(envelope, message.reply_to_message?.from?.id !== undefined && message.reply_to_message.from.id === this.me?.id);
  }

  private envelope(message: TelegramMessage, text: string): InboundEnvelope {
    const dm = message.chat.type === 'private';
    const from = message.from!;
    const entities = message.entities ?? message.caption_entities ?? [];
    const name = this.me?.username?.toLowerCase();
    const mentioned = entities.some((entity) => {
      if (entity.type === 'text_mention') return entity.user?.id === this.me?.id;
      if (entity.type !== 'mention' && entity.type !== 'bot_command') return false;
      const written = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
      return name !== undefined && (written === `@${name}` || written.endsWith(`@${name}`));
    });
    const mention = name ? new RegExp(`(^|\\s)@${name}\\b`, 'gi') : undefined;
    // Telegram marks a mention with an entity; a Bot API server that sends none (an emulator, a
    // bridge) still has the @name in the text, and that is as much a mention.
    const writtenMention = mention !== undefined && new RegExp(mention.source, 'i').test(text);
    const cleaned = mention && !text.startsWith('/') ? text.replace(mention, '$1').trim() : text;
    return {
      channel: this.id,
      account: 'default',
      messageId: `${message.chat.id}:${message.message_id}`,
      chat: { id: String(message.chat.id), type: dm ? 'dm' : 'group' },
      sender: { id: String(from.id), ...(from.username || from.first_name ? { name: from.username ?? from.first_name } : {}) },
      text: cleaned || text,
      mentionsBot: mentioned || writtenMention,
      ...(message.reply_to_message ? { replyTo: String(message.reply_to_message.message_id) } : {}),
      timestamp: new Date(message.date * 1000).toISOString(),
    };
  }

  /** One message: Telegram HTML, or the Markdown as plain text when Telegram refuses the HTML. */
  protected async post(envelope: InboundEnvelope, markdown: string, index: number): Promise<void> {
    const api = this.api!;
    const chat = envelope.chat.id;
    const messageId = Number(envelope.messageId?.split(':').pop());
    const thread = index === 0 && Number.isInteger(messageId) ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } } : {};
    const common = { ...thread, link_preview_options: { is_disabled: true } };
    try {
      await withRetry(() => api.sendMessage(chat, toTelegramHtml(markdown), { ...common, parse_mode: 'HTML' }));
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      this.log.warn({ chat, err: error.description }, 'Telegram refused the formatted reply; sent as plain text');
      await withRetry(() => api.sendMessage(chat, markdown, common));
    }
  }
}

/** Retries what Telegram asks to be retried (429 with retry_after) and network failures, a few times. */
async function withRetry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3) throw error;
      if (error instanceof GrammyError && error.error_code === 429) await sleep(Math.min(30, error.parameters.retry_after ?? 1) * 1000);
      else if (error instanceof TelegramHttpError) await sleep(attempt * 1000);
      else throw error;
    }
  }
}
