import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { streamCut } from './failure.js';
import { callerSignal, httpFetch, jsonBody } from './http-transport.js';
import type { ProviderConnection } from './connection.js';
import {
  startMessage,
  type Message,
  type ModelRequest,
  type ModelStreamEvent,
  type Provider,
  type StopReason,
  type ToolCallPart,
} from './types.js';

/**
 * OpenAI Chat Completions: the API nearly every local and hosted server speaks (Ollama, vLLM,
 * LM Studio, llama.cpp), so it is the default for `openai` and `openai-compatible` providers.
 */
export class OpenAIChatProvider implements Provider {
  readonly id: string;
  private readonly client: OpenAI;

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
    if (request.tools.length > 0) {
      options.tools = request.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
    }
    if (request.maxOutputTokens) options.max_completion_tokens = request.maxOutputTokens;

    // The body goes as serialized here (see jsonBody). The params say the same: the SDK takes
    // `stream` from them, and they are what it would send if it ever ignored `body`.
    const conversation = chatMessages(request.system, request.messages);
    const body = `{"messages":${conversation.json},${JSON.stringify(options).slice(1)}`;
    const params = { ...options, messages: conversation.params };
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
}

function stopReason(finish: string, hasCalls: boolean): StopReason {
  if (finish === 'length') return 'length';
  if (finish === 'content_filter') return 'refusal';
  if (finish === 'tool_calls' || finish === 'function_call' || hasCalls) return 'tool_use';
  return 'stop';
}

/**
 * Each history message as Chat Completions wants it, and as JSON text, made once: a message in the
 * history never changes, and a long session would otherwise convert and serialize every earlier
 * message again for each request.
 */
const converted = new WeakMap<Message, { param: ChatCompletionMessageParam; json: string }>();

/** The system prompt and the history as request messages, and the same as a JSON array. */
export function chatMessages(system: string, messages: Message[]): { params: ChatCompletionMessageParam[]; json: string } {
  const first: ChatCompletionMessageParam = { role: 'system', content: system };
  const params: ChatCompletionMessageParam[] = new Array(messages.length + 1);
  const pieces: string[] = new Array(messages.length + 1);
  params[0] = first;
  pieces[0] = JSON.stringify(first);
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    let entry = converted.get(message);
    if (!entry) {
      const param = toChatMessage(message);
      entry = { param, json: JSON.stringify(param) };
      converted.set(message, entry);
    }
    params[index + 1] = entry.param;
    pieces[index + 1] = entry.json;
  }
  // One flat string in one pass: joined piece by piece it would be a rope a message deep, walked
  // again when the body is written.
  return { params, json: `[${pieces.join(',')}]` };
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
