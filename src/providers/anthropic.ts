import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { streamCut } from './failure.js';
import { callerSignal, httpFetch } from './http-transport.js';
import type { ProviderConnection } from './connection.js';
import {
  startMessage,
  type Message,
  type ModelRequest,
  type ModelStreamEvent,
  type Provider,
  type StopReason,
  type TextPart,
  type ThinkingPart,
  type ToolCallPart,
} from './types.js';

const DEFAULT_MAX_TOKENS = 8192;

/** Anthropic Messages, streamed. The system prompt and the newest message carry cache breakpoints. */
export class AnthropicProvider implements Provider {
  readonly id: string;
  private readonly client: Anthropic;

  constructor(connection: ProviderConnection) {
    this.id = connection.id;
    this.client = new Anthropic({
      apiKey: connection.apiKey,
      baseURL: connection.baseUrl,
      maxRetries: 0,
      timeout: connection.timeoutMs,
      fetch: httpFetch,
    });
  }

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    const params: MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
      system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
      messages: toAnthropicMessages(request.messages),
      stream: true,
    };
    if (request.tools.length > 0) {
      params.tools = request.tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters as { type: 'object'; [key: string]: unknown },
      }));
    }

    const stream = await this.client.messages.create(params, { fetchOptions: callerSignal(request.signal) });
    const message = startMessage(this.id, request.model);
    const blocks = new Map<number, TextPart | ThinkingPart | ToolCallPart>();
    let stopped = false;

    for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
      switch (event.type) {
        case 'message_start': {
          const usage = event.message.usage;
          message.model = event.message.model || message.model;
          message.usage = {
            input: usage.input_tokens ?? 0,
            output: usage.output_tokens ?? 0,
            cacheRead: usage.cache_read_input_tokens ?? 0,
            cacheWrite: usage.cache_creation_input_tokens ?? 0,
          };
          break;
        }
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'text') {
            blocks.set(event.index, { type: 'text', text: block.text });
            if (block.text) yield { type: 'text_delta', text: block.text };
          } else if (block.type === 'thinking') {
            blocks.set(event.index, { type: 'thinking', text: block.thinking, signature: block.signature || undefined });
          } else if (block.type === 'tool_use') {
            blocks.set(event.index, { type: 'tool_call', id: block.id, name: block.name, argsText: '' });
            yield { type: 'tool_call_start', id: block.id, name: block.name };
          }
          break;
        }
        case 'content_block_delta': {
          const part = blocks.get(event.index);
          const delta = event.delta;
          if (delta.type === 'text_delta' && part?.type === 'text') {
            part.text += delta.text;
            yield { type: 'text_delta', text: delta.text };
          } else if (delta.type === 'thinking_delta' && part?.type === 'thinking') {
            part.text += delta.thinking;
            yield { type: 'thinking_delta', text: delta.thinking };
          } else if (delta.type === 'signature_delta' && part?.type === 'thinking') {
            part.signature = (part.signature ?? '') + delta.signature;
          } else if (delta.type === 'input_json_delta' && part?.type === 'tool_call') {
            part.argsText += delta.partial_json;
          }
          break;
        }
        case 'message_delta': {
          message.stopReason = stopReason(event.delta.stop_reason);
          const usage = event.usage;
          message.usage = {
            input: usage.input_tokens ?? message.usage.input,
            output: usage.output_tokens ?? message.usage.output,
            cacheRead: usage.cache_read_input_tokens ?? message.usage.cacheRead,
            cacheWrite: usage.cache_creation_input_tokens ?? message.usage.cacheWrite,
          };
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
    if (!stopped) throw streamCut(this.id);

    message.parts = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
    yield { type: 'done', message };
  }
}

function stopReason(reason: string | null): StopReason {
  switch (reason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'refusal';
    default:
      return 'stop';
  }
}

/**
 * Tool results travel as `tool_result` blocks in a user turn; consecutive results (and a user
 * text that follows them) share one user message, as the API expects.
 */
export function toAnthropicMessages(messages: Message[]): MessageParam[] {
  const out: MessageParam[] = [];
  const userBlocks = (): ContentBlockParam[] => {
    const last = out[out.length - 1];
    if (last?.role === 'user' && Array.isArray(last.content)) return last.content as ContentBlockParam[];
    const content: ContentBlockParam[] = [];
    out.push({ role: 'user', content });
    return content;
  };
  for (const message of messages) {
    if (message.role === 'user') {
      userBlocks().push({ type: 'text', text: message.text || ' ' });
    } else if (message.role === 'tool') {
      userBlocks().push({
        type: 'tool_result',
        tool_use_id: message.toolCallId,
        content: message.content,
        is_error: message.isError || undefined,
      });
    } else {
      const content: ContentBlockParam[] = [];
      for (const part of message.parts) {
        if (part.type === 'thinking' && part.signature) {
          content.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        } else if (part.type === 'text' && part.text) {
          content.push({ type: 'text', text: part.text });
        } else if (part.type === 'tool_call') {
          content.push({ type: 'tool_use', id: part.id, name: part.name, input: parseInput(part.argsText) });
        }
      }
      if (content.length === 0) content.push({ type: 'text', text: ' ' });
      out.push({ role: 'assistant', content });
    }
  }
  const last = out[out.length - 1];
  if (last && Array.isArray(last.content) && last.content.length > 0) {
    const block = last.content[last.content.length - 1] as ContentBlockParam & { cache_control?: unknown };
    if (block.type === 'text' || block.type === 'tool_result') block.cache_control = { type: 'ephemeral' };
  }
  return out;
}

function parseInput(argsText: string): Record<string, unknown> {
  try {
    const value = JSON.parse(argsText || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}
