import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentEvent, DoneEvent } from '../agent/events.js';
import { emptyUsage, type Message, type Usage } from '../providers/types.js';
import { formatPath, validate } from '../schema.js';
import { HttpError, readJsonBody, sendError, sendJson } from './http.js';
import type { ChannelAdapter, ChannelContext, ChannelHealth, Receipt, RunListener } from './types.js';

/** What `POST /v1/chat/completions` reads; other OpenAI parameters (temperature, ...) are accepted and ignored. */
const requestSchema = {
  type: 'object',
  required: ['messages'],
  properties: {
    model: { type: 'string' },
    stream: { type: ['boolean', 'null'] },
    stream_options: { type: ['object', 'null'], properties: { include_usage: { type: ['boolean', 'null'] } } },
    user: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\s\\u0000-\\u001f]+$' },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
          content: {
            anyOf: [
              { type: 'string' },
              { type: 'null' },
              { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, text: { type: 'string' } } } },
            ],
          },
        },
      },
    },
  },
} as const;

interface CompletionRequest {
  model?: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  user?: string;
  messages: Array<{ role: string; content?: string | null | Array<{ type: string; text?: string }> }>;
}

const SESSION_HEADER = 'x-openclaw-session';
const MODEL_ID = 'openclaw';

/**
 * The OpenAI-compatible HTTP API: `POST /v1/chat/completions` (streamed as SSE or not, with
 * usage) and `GET /v1/models`, so any OpenAI client library talks to the agent unchanged.
 *
 * A request naming a `user` (or the `X-OpenClaw-Session` header) continues the persistent session
 * `http:dm:<user>` with its last user message; the gateway holds the history. Without one, the
 * request's messages are the whole conversation, run once and not kept.
 */
export class OpenAIHttpAdapter implements ChannelAdapter {
  readonly id = 'http';
  readonly limits = {};
  private inFlight = 0;
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(private readonly options: { maxBodyBytes: number }) {}

  async start(context: ChannelContext): Promise<void> {
    context.http.add('GET', '/v1/models', (_request, response) => {
      sendJson(response, 200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', created: this.created, owned_by: 'openclaw' }] });
    });
    context.http.add('POST', '/v1/chat/completions', (request, response, requestId) => this.completions(context, request, response, requestId));
  }

  async stop(): Promise<void> {}

  /** Nobody to push to: an HTTP client that went away finds the reply in its session. */
  async send(): Promise<boolean> {
    return false;
  }

  health(): ChannelHealth {
    return { ok: true, detail: `${this.inFlight} request(s) in flight` };
  }

  private async completions(context: ChannelContext, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const body = (await readJsonBody(request, this.options.maxBodyBytes)) as CompletionRequest;
    const issues = validate(requestSchema, body);
    if (issues.length > 0) throw new HttpError(400, 'invalid_request', `${formatPath(issues[0].path)}: ${issues[0].message}`);
    const last = body.messages[body.messages.length - 1];
    if (last.role !== 'user') throw new HttpError(400, 'invalid_request', 'the last message must be a user message: it is what the agent answers');
    const text = contentText(last.content);
    if (text.trim() === '') throw new HttpError(400, 'invalid_request', 'the last user message is empty');
    const user = headerValue(request.headers[SESSION_HEADER]) ?? body.user;
    if (user !== undefined && !/^[^\s\u0000-\u001f]{1,128}$/.test(user)) throw new HttpError(400, 'invalid_request', `${SESSION_HEADER} must be 1-128 characters without spaces`);

    const reply = new CompletionReply(response, { id: `chatcmpl-${requestId}`, model: body.model ?? MODEL_ID, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true });
    let receipt: Receipt;
    this.inFlight++;
    try {
      if (user !== undefined) {
        const messageId = headerValue(request.headers['idempotency-key']) ?? headerValue(request.headers['x-openclaw-message-id']);
        receipt = await context.receive(
          {
            channel: this.id,
            account: 'default',
            ...(messageId ? { messageId } : {}),
            chat: { id: user, type: 'dm' },
            sender: { id: user },
            text,
            mentionsBot: true,
            timestamp: new Date().toISOString(),
          },
          { listener: reply, requestId },
        );
      } else {
        receipt = context.runUnsaved({ channel: this.id, history: toHistory(body.messages.slice(0, -1)), text }, { listener: reply, requestId });
      }
      if (receipt.status === 'busy') throw new HttpError(429, 'busy', `session ${receipt.sessionKey} is busy: ${receipt.waiting} messages are already waiting`, { 'retry-after': String(receipt.retryAfterSeconds) });
      if (receipt.status === 'closing') throw new HttpError(503, 'shutting_down', 'the gateway is shutting down; try again shortly', { 'retry-after': '10' });
      if (receipt.status === 'duplicate') throw new HttpError(409, 'duplicate', `message ${receipt.messageId} with this idempotency key was already received (${receipt.state})`);
      response.setHeader('x-openclaw-session', receipt.sessionKey);
      reply.begin();
      await reply.finished;
    } finally {
      this.inFlight--;
    }
  }
}

/** Turns one run's events into a Chat Completions response, streamed (SSE) or whole. */
class CompletionReply implements RunListener {
  readonly finished: Promise<void>;
  private resolve!: () => void;
  private started = false;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly buffered: AgentEvent[] = [];
  private lastError: string | undefined;
  /** The reply reached the client: the run's result needs no other delivery. */
  private answered = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly options: { id: string; model: string; stream: boolean; includeUsage: boolean },
  ) {
    this.finished = new Promise((resolve) => (this.resolve = resolve));
    response.on('close', () => this.resolve());
  }

  get connected(): boolean {
    return this.answered || this.open;
  }

  private get open(): boolean {
    return !this.response.destroyed && !this.response.writableEnded;
  }

  /** The message is accepted: headers go out, and events seen before now are replayed. */
  begin(): void {
    this.started = true;
    if (this.options.stream) {
      this.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      this.chunk({ role: 'assistant', content: '' }, null);
    }
    for (const event of this.buffered.splice(0)) this.event(event);
  }

  event(event: AgentEvent): void {
    if (!this.started) {
      this.buffered.push(event);
      return;
    }
    if (event.type === 'error' && !event.retryable) this.lastError = event.message;
    if (!this.open) return;
    if (event.type === 'text_delta' && this.options.stream) this.chunk({ content: event.text }, null);
    if (event.type === 'done') this.done(event);
  }

  private done(done: DoneEvent): void {
    const finish = done.status === 'max_turns' ? 'length' : 'stop';
    if (this.options.stream) {
      if (done.status === 'error' || (done.status === 'interrupted' && this.lastError)) {
        this.write({ error: { message: this.lastError ?? 'the run failed', type: 'server_error', code: done.status } });
      } else {
        this.chunk({}, finish);
        if (this.options.includeUsage) this.write({ ...this.base('chat.completion.chunk'), choices: [], usage: usage(done.usage) });
      }
      this.response.end('data: [DONE]\n\n');
    } else if (done.status === 'error') {
      sendError(this.response, new HttpError(502, 'run_failed', this.lastError ?? 'the run failed'));
    } else {
      sendJson(this.response, 200, {
        ...this.base('chat.completion'),
        choices: [{ index: 0, message: { role: 'assistant', content: done.text, refusal: null }, logprobs: null, finish_reason: finish }],
        usage: usage(done.usage),
      });
    }
    this.answered = true;
    this.resolve();
  }

  private base(object: string) {
    return { id: this.options.id, object, created: this.created, model: this.options.model, system_fingerprint: null };
  }

  private chunk(delta: Record<string, unknown>, finish: string | null): void {
    this.write({ ...this.base('chat.completion.chunk'), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  private write(payload: unknown): void {
    this.response.write(`data: ${JSON.stringify(payload)}\n\n`);
  }
}

function usage(value: Usage = emptyUsage()) {
  const prompt = value.input + value.cacheRead + value.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: value.output,
    total_tokens: prompt + value.output,
    prompt_tokens_details: { cached_tokens: value.cacheRead },
  };
}

function contentText(content: CompletionRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/**
 * The earlier messages of an unsaved request as the agent's history. System and developer
 * messages become one leading user message (the agent keeps its own system prompt); tool
 * messages are left out, since they answer tool calls the agent never made.
 */
function toHistory(messages: CompletionRequest['messages']): Message[] {
  const instructions = messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => contentText(message.content));
  const history: Message[] = instructions.length > 0 ? [{ role: 'user', text: `Instructions from the client application:\n${instructions.join('\n\n')}` }] : [];
  for (const message of messages) {
    const text = contentText(message.content);
    if (message.role === 'user') history.push({ role: 'user', text });
    else if (message.role === 'assistant' && text) {
      history.push({ role: 'assistant', parts: [{ type: 'text', text }], stopReason: 'stop', provider: 'client', model: 'client', usage: emptyUsage() });
    }
  }
  return history;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}
