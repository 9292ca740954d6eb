import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { streamCut } from './failure.js';
import { callerSignal, httpFetch, jsonBody, onBodyReleased } from './http-transport.js';
import type { ProviderConnection } from './connection.js';
import {
  startMessage,
  type Message,
  type ModelRequest,
  type ModelStreamEvent,
  type Provider,
  type StopReason,
  type ToolCallPart,
  type ToolSpec,
} from './types.js';

/**
 * OpenAI Chat Completions: the API nearly every local and hosted server speaks (Ollama, vLLM,
 * LM Studio, llama.cpp), so it is the default for `openai` and `openai-compatible` providers.
 */
export class OpenAIChatProvider implements Provider {
  readonly id: string;
  private readonly client: OpenAI;
  private tools?: { specs: ToolSpec[]; params: ChatCompletionTool[]; json: string };

  constructor(connection: ProviderConnection) {
    this.id = connection.id;
    this.client = new OpenAI({
      apiKey: connection.apiKey,
      baseURL: connection.baseUrl,
      maxRetries: 0,
      timeout: connection.timeoutMs,
      fetch: httpFetch,
    });
  }

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    const options: Omit<ChatCompletionCreateParamsStreaming, 'messages'> = {
      model: request.model,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.maxOutputTokens) options.max_completion_tokens = request.maxOutputTokens;
    const tools = request.tools.length > 0 ? this.toolList(request.tools) : undefined;
    // The body goes as serialized here (see jsonBody). The params say the same: the SDK takes
    // `stream` from them, and they are what it would send if it ever ignored `body`.
    const fields = JSON.stringify(options);
    const { params: messages, body } = chatRequest(request.system, request.messages, tools ? `${fields.slice(0, -1)},"tools":${tools.json}}` : fields);
    const params = { ...options, ...(tools ? { tools: tools.params } : {}), messages };
    const stream = await this.client.chat.completions.create(params, { ...jsonBody(body), fetchOptions: callerSignal(request.signal) });
    const message = startMessage(this.id, request.model);
    const calls = new Map<number, ToolCallPart>();
    let text = '';
    let thinking = '';
    let finish: string | null = null;

    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      if (chunk.model) message.model = chunk.model;
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
        message.usage = {
          input: chunk.usage.prompt_tokens - cached,
          output: chunk.usage.completion_tokens,
          cacheRead: cached,
          cacheWrite: 0,
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string; reasoning?: string };
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) {
        thinking += reasoning;
        yield { type: 'thinking_delta', text: reasoning };
      }
      const content = delta.content ?? delta.refusal;
      if (content) {
        text += content;
        yield { type: 'text_delta', text: content };
      }
      for (const call of delta.tool_calls ?? []) {
        let part = calls.get(call.index);
        if (!part) {
          part = { type: 'tool_call', id: call.id ?? `call_${call.index}`, name: call.function?.name ?? '', argsText: '' };
          calls.set(call.index, part);
          yield { type: 'tool_call_start', id: part.id, name: part.name };
        } else if (call.function?.name && !part.name) {
          part.name = call.function.name;
        }
        part.argsText += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (finish === null) throw streamCut(this.id);

    if (thinking) message.parts.push({ type: 'thinking', text: thinking });
    if (text) message.parts.push({ type: 'text', text });
    message.parts.push(...[...calls.entries()].sort(([a], [b]) => a - b).map(([, part]) => part));
    message.stopReason = stopReason(finish, calls.size > 0);
    yield { type: 'done', message };
  }

  /**
   * The tools as the request gives them, and as JSON: a few kilobytes of schemas that are the same
   * request after request, so made again only when the tools change.
   */
  private toolList(specs: ToolSpec[]): { specs: ToolSpec[]; params: ChatCompletionTool[]; json: string } {
    const kept = this.tools;
    if (kept && kept.specs.length === specs.length && kept.specs.every((spec, index) => sameSpec(spec, specs[index]))) return kept;
    const params = specs.map((tool): ChatCompletionTool => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    this.tools = { specs, params, json: JSON.stringify(params) };
    return this.tools;
  }
}

function stopReason(finish: string, hasCalls: boolean): StopReason {
  if (finish === 'length') return 'length';
  if (finish === 'content_filter') return 'refusal';
  if (finish === 'tool_calls' || finish === 'function_call' || hasCalls) return 'tool_use';
  return 'stop';
}

/** A tool's schema is a constant of its module: the same object when the tool is the same. */
function sameSpec(a: ToolSpec, b: ToolSpec): boolean {
  return a.name === b.name && a.description === b.description && a.parameters === b.parameters;
}

/**
 * A conversation's messages as Chat Completions wants them, and as the JSON bytes of the request,
 * kept from one request to the next: a history only grows at its end (or is rewritten from some
 * point on, by compaction or a repair), and a long session would otherwise convert, serialize,
 * join and encode every earlier message again for each request. Found by the conversation's first
 * message; the messages kept are compared by identity, and whatever differs is made again from
 * there.
 */
class SerializedHistory {
  /** The messages serialized so far, their request params, and where each one's bytes end. */
  private readonly messages: Message[] = [];
  readonly params: ChatCompletionMessageParam[] = [];
  private readonly ends: number[] = [];
  /** Each message's JSON after a comma, one after another. */
  bytes = Buffer.allocUnsafeSlow(0);
  length = 0;
  private system?: { text: string; bytes: Buffer };
  /** The last request body's buffer, once sent: the next body is written into it. */
  private spare?: Buffer;

  /**
   * A buffer for a request body of `size` bytes: the one the last request used, once the
   * transport is done with it (a body in flight is never written over), or a new one.
   */
  bodyBuffer(size: number): Buffer {
    const spare = this.spare;
    this.spare = undefined;
    return spare && spare.length >= size ? spare : Buffer.allocUnsafeSlow(Math.ceil(size * 1.25));
  }

  giveBack(buffer: Buffer): void {
    if (!this.spare || this.spare.length < buffer.length) this.spare = buffer;
  }

  /** The system message's JSON, kept while the prompt stays the same. */
  systemBytes(text: string): Buffer {
    if (this.system?.text !== text) this.system = { text, bytes: Buffer.from(JSON.stringify({ role: 'system', content: text })) };
    return this.system.bytes;
  }

  /** Brings the bytes up to `messages`. */
  follow(messages: Message[]): void {
    let kept = 0;
    const common = Math.min(this.messages.length, messages.length);
    while (kept < common && this.messages[kept] === messages[kept]) kept++;
    if (kept < this.messages.length) {
      this.messages.length = kept;
      this.params.length = kept;
      this.ends.length = kept;
      this.length = kept > 0 ? this.ends[kept - 1] : 0;
    }
    for (let index = kept; index < messages.length; index++) {
      const param = toChatMessage(messages[index]);
      const json = `,${JSON.stringify(param)}`;
      const size = Buffer.byteLength(json);
      if (this.length + size > this.bytes.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(4096, Math.ceil((this.length + size) * 1.5)));
        this.bytes.copy(grown, 0, 0, this.length);
        this.bytes = grown;
      }
      this.length += this.bytes.write(json, this.length);
      this.messages.push(messages[index]);
      this.params.push(param);
      this.ends.push(this.length);
    }
  }
}

const histories = new WeakMap<Message, SerializedHistory>();
const REQUEST_START = Buffer.from('{"messages":[');

/**
 * The request for `system` and `messages`: its messages as params, and its body as JSON bytes,
 * whose other fields are `fields` (a JSON object without `messages`).
 */
export function chatRequest(system: string, messages: Message[], fields: string): { params: ChatCompletionMessageParam[]; body: Buffer } {
  let history = messages.length > 0 ? histories.get(messages[0]) : undefined;
  if (!history) {
    history = new SerializedHistory();
    if (messages.length > 0) histories.set(messages[0], history);
  }
  history.follow(messages);
  const first = history.systemBytes(system);
  const end = `],${fields.slice(1)}`;
  const size = REQUEST_START.length + first.length + history.length + Buffer.byteLength(end);
  const buffer = history.bodyBuffer(size);
  let at = REQUEST_START.copy(buffer, 0);
  at += first.copy(buffer, at);
  at += history.bytes.copy(buffer, at, 0, history.length);
  buffer.write(end, at);
  const body = buffer.subarray(0, size);
  const owner = history;
  onBodyReleased(body, () => owner.giveBack(buffer));
  return { params: [{ role: 'system', content: system }, ...history.params], body };
}

function toChatMessage(message: Message): ChatCompletionMessageParam {
  if (message.role === 'user') return { role: 'user', content: message.text };
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  const text = message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const calls = message.parts.filter((part): part is ToolCallPart => part.type === 'tool_call');
  return {
    role: 'assistant',
    content: text || null,
    ...(calls.length > 0
      ? {
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.argsText || '{}' },
          })),
        }
      : {}),
  };
}
