import OpenAI from 'openai';
import type {
  ResponseCreateParamsStreaming,
  ResponseInputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { ProviderError, streamCut } from './failure.js';
import { callerSignal, httpFetch, jsonBody } from './http-transport.js';
import type { ProviderConnection } from './connection.js';
import {
  startMessage,
  type Message,
  type ModelRequest,
  type ModelStreamEvent,
  type Provider,
  type ToolCallPart,
} from './types.js';

/**
 * OpenAI Responses API (`providers.<id>.api = "responses"`). Stateless: `store: false`, and the
 * whole conversation is sent each turn like with Chat Completions, so sessions stay ours.
 */
export class OpenAIResponsesProvider implements Provider {
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
    const params: ResponseCreateParamsStreaming = {
      model: request.model,
      instructions: request.system,
      input: toResponseInput(request.messages),
      stream: true,
      store: false,
    };
    if (request.tools.length > 0) {
      params.tools = request.tools.map((tool) => ({
        type: 'function',
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        strict: false,
      }));
    }
    if (request.maxOutputTokens) params.max_output_tokens = request.maxOutputTokens;

    const stream = await this.client.responses.create(params, { ...jsonBody(JSON.stringify(params)), fetchOptions: callerSignal(request.signal) });
    const message = startMessage(this.id, request.model);
    const calls = new Map<string, ToolCallPart>();
    let text = '';
    let thinking = '';
    let finished = false;

    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case 'response.output_text.delta':
          text += event.delta;
          yield { type: 'text_delta', text: event.delta };
          break;
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          thinking += event.delta;
          yield { type: 'thinking_delta', text: event.delta };
          break;
        case 'response.output_item.added':
          if (event.item.type === 'function_call') {
            const part: ToolCallPart = { type: 'tool_call', id: event.item.call_id, name: event.item.name, argsText: '' };
            calls.set(event.item.id ?? event.item.call_id, part);
            yield { type: 'tool_call_start', id: part.id, name: part.name };
          }
          break;
        case 'response.function_call_arguments.delta': {
          const part = calls.get(event.item_id);
          if (part) part.argsText += event.delta;
          break;
        }
        case 'response.output_item.done':
          if (event.item.type === 'function_call') {
            const part = calls.get(event.item.id ?? event.item.call_id);
            if (part) part.argsText = event.item.arguments;
          }
          break;
        case 'response.completed':
        case 'response.incomplete': {
          finished = true;
          const usage = event.response.usage;
          if (usage) {
            const cached = usage.input_tokens_details?.cached_tokens ?? 0;
            message.usage = { input: usage.input_tokens - cached, output: usage.output_tokens, cacheRead: cached, cacheWrite: 0 };
          }
          if (event.response.model) message.model = event.response.model;
          if (event.type === 'response.incomplete') {
            message.stopReason = event.response.incomplete_details?.reason === 'content_filter' ? 'refusal' : 'length';
          }
          break;
        }
        case 'response.failed': {
          const error = event.response.error;
          throw new ProviderError('server', `${this.id}: response failed: ${error?.message ?? 'unknown error'}`);
        }
        default:
          break;
      }
    }
    if (!finished) throw streamCut(this.id);

    if (thinking) message.parts.push({ type: 'thinking', text: thinking });
    if (text) message.parts.push({ type: 'text', text });
    message.parts.push(...calls.values());
    if (message.stopReason === 'stop' && calls.size > 0) message.stopReason = 'tool_use';
    yield { type: 'done', message };
  }
}

export function toResponseInput(messages: Message[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      items.push({ role: 'user', content: message.text });
    } else if (message.role === 'tool') {
      items.push({ type: 'function_call_output', call_id: message.toolCallId, output: message.content });
    } else {
      for (const part of message.parts) {
        if (part.type === 'text' && part.text) items.push({ role: 'assistant', content: part.text });
        if (part.type === 'tool_call') {
          items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.argsText || '{}' });
        }
      }
    }
  }
  return items;
}
