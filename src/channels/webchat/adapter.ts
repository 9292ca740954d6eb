import { readFile } from 'node:fs/promises';
import type { AgentEvent } from '../../agent/events.js';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { OpenclawError } from '../../errors.js';
import { formatPath, validate } from '../../schema.js';
import {
  normalizeSessionKey,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelHealth,
  type ChannelTarget,
  type OutboundMessage,
  type Receipt,
  type WsClient,
} from '../types.js';
import { WEBCHAT_CSS, WEBCHAT_HTML, WEBCHAT_JS } from './page.js';

const chatSendSchema = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    /** `<channel>:<dm|group>:<chat id>`, or a bare name for `webchat:dm:<name>`; default `webchat:dm:main`. */
    key: { type: 'string', minLength: 1, maxLength: 256 },
    text: { type: 'string', minLength: 1 },
    /** The client's id for the message: a retry with the same id is not run twice. */
    messageId: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const chatAbortSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', minLength: 1, maxLength: 256 }, messageId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const chatSubscribeSchema = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * WebChat: chat over the gateway's WebSocket. Its clients are the browser page served at `/`,
 * `openclaw chat --remote`, and any program speaking the protocol. It adds `chat.send`,
 * `chat.abort` and `chat.subscribe`; a run's events stream to the connection that sent the
 * message, and replies that could not stream (a run resumed after a restart) go as `message`
 * events to every connection that sent to or subscribed to that session.
 */
export class WebChatAdapter implements ChannelAdapter {
  readonly id = 'webchat';
  readonly limits = {};
  private readonly watchers = new Map<string, Set<WsClient>>();
  private readonly clients = new Set<WsClient>();
  private markedSource: Promise<string> | undefined;

  async start(context: ChannelContext): Promise<void> {
    const asset = (type: string, body: () => string | Promise<string>) => async (_request: unknown, response: ServerResponse) => {
      const text = await body();
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(text), ...PAGE_HEADERS });
      response.end(text);
    };
    context.http.add('GET', '/', asset('text/html', () => WEBCHAT_HTML), { public: true });
    context.http.add('GET', '/webchat/app.css', asset('text/css', () => WEBCHAT_CSS), { public: true });
    context.http.add('GET', '/webchat/app.js', asset('text/javascript', () => WEBCHAT_JS), { public: true });
    context.http.add('GET', '/webchat/marked.js', asset('text/javascript', () => this.marked()), { public: true });

    context.ws.add('chat.send', async (params, client, requestId) => {
      check('chat.send', chatSendSchema, params);
      const { text, messageId } = params as { text: string; messageId?: string };
      const key = parseKey(params.key as string | undefined);
      this.watch(key, client);
      const [, type, chatId] = /^[^:]+:(dm|group):(.*)$/.exec(key)!;
      // The acknowledgement goes out before the run's first event; anything earlier waits for it.
      let receipt: Receipt | undefined;
      let acknowledged = false;
      const early: AgentEvent[] = [];
      const forward = (event: AgentEvent) => client.push(event.type, { ...event, key, messageId: (receipt as { messageId: string }).messageId });
      receipt = await context.receive(
        {
          channel: this.id,
          account: 'default',
          ...(messageId ? { messageId } : {}),
          chat: { id: chatId, type: type as 'dm' | 'group' },
          sender: { id: 'owner', name: 'owner' },
          text,
          mentionsBot: true,
          timestamp: new Date().toISOString(),
          sessionKey: key,
        },
        {
          requestId,
          listener: {
            event: (event) => (acknowledged ? forward(event) : early.push(event)),
            get connected() {
              return client.open;
            },
          },
        },
      );
      // Right after the acknowledgement, which is written when this returns: the two leave in
      // the same write (see Connection.cork) instead of a loop turn apart.
      process.nextTick(() => {
        acknowledged = true;
        early.splice(0).forEach(forward);
      });
      return accepted(receipt);
    });

    context.ws.add('chat.subscribe', (params, client) => {
      check('chat.subscribe', chatSubscribeSchema, params);
      const key = parseKey(params.key as string);
      this.watch(key, client);
      return { key };
    });

    context.ws.add('chat.abort', (params) => {
      check('chat.abort', chatAbortSchema, params);
      return { aborted: context.abort(parseKey(params.key as string), params.messageId as string | undefined) };
    });
  }

  async stop(): Promise<void> {
    this.watchers.clear();
  }

  async send(target: ChannelTarget, message: OutboundMessage): Promise<boolean> {
    let delivered = false;
    for (const client of this.watchers.get(target.sessionKey) ?? []) {
      if (!client.open) continue;
      client.push('message', { key: target.sessionKey, replyTo: target.replyTo, text: message.text });
      delivered = true;
    }
    return delivered;
  }

  health(): ChannelHealth {
    return { ok: true, detail: `${this.clients.size} connected client(s)` };
  }

  /** A connection that sent to or subscribed to a session hears that session's undelivered replies. */
  private watch(key: string, client: WsClient): void {
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    if (set.has(client)) return;
    set.add(client);
    if (!this.clients.has(client)) {
      this.clients.add(client);
      client.onClose(() => {
        this.clients.delete(client);
        for (const [watched, watching] of this.watchers) {
          watching.delete(client);
          if (watching.size === 0) this.watchers.delete(watched);
        }
      });
    }
  }

  /** marked's browser build, straight from node_modules. */
  private marked(): Promise<string> {
    this.markedSource ??= readFile(fileURLToPath(import.meta.resolve('marked')), 'utf8');
    return this.markedSource;
  }
}

/** The response to `chat.send`: the receipt, or an error that says what to do. */
function accepted(receipt: Receipt): Receipt {
  if (receipt.status === 'busy') {
    throw new OpenclawError('busy', `session ${receipt.sessionKey} is busy: ${receipt.waiting} messages are already waiting`, {
      hint: `Try again in ${receipt.retryAfterSeconds} s, or raise gateway.maxQueuePerSession.`,
    });
  }
  if (receipt.status === 'closing') throw new OpenclawError('shutting_down', 'the gateway is shutting down and takes no new messages; send it again once it is back');
  return receipt;
}

function parseKey(key: string | undefined): string {
  if (key === undefined) return 'webchat:dm:main';
  const full = normalizeSessionKey(key);
  if (!full) throw new OpenclawError('invalid_params', `"${key}" is not a session key`, { hint: 'Use <channel>:<dm|group>:<chat id>, e.g. webchat:dm:ana, or a bare name.' });
  return full;
}

function check(method: string, schema: object, params: Record<string, unknown>): void {
  const issues = validate(schema, params);
  if (issues.length === 0) return;
  const issue = issues[0];
  throw new OpenclawError('invalid_params', `${method}: ${issue.kind === 'unknown_key' ? `unknown parameter "${formatPath(issue.path)}"` : `${formatPath(issue.path)} ${issue.message}`}`);
}
