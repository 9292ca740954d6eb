import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider, toAnthropicMessages } from '../../src/providers/anthropic.js';
import type { ProviderConnection } from '../../src/providers/connection.js';
import { classifyFailure, ProviderError } from '../../src/providers/failure.js';
import { chatRequest, OpenAIChatProvider } from '../../src/providers/openai-chat.js';
import { OpenAIResponsesProvider } from '../../src/providers/openai-responses.js';
import { retryDelay, streamWithRetry, type RetryPolicy } from '../../src/providers/retry.js';
import { emptyUsage, type AssistantMessage, type Message, type ModelRequest, type ModelStreamEvent, type Provider, type ToolSpec } from '../../src/providers/types.js';
import { useFakeProvider } from '../helpers/fake.js';

const wire = (name: string) => readFileSync(new URL(`../fixtures/wire/${name}`, import.meta.url), 'utf8');

const fake = useFakeProvider();
beforeEach(() => {
  fake.reset();
});

function connection(type: ProviderConnection['type'], api: ProviderConnection['api'] = 'chat'): ProviderConnection {
  return {
    id: type,
    type,
    api,
    model: 'test-model',
    baseUrl: type === 'anthropic' ? fake.anthropicBaseUrl : fake.openaiBaseUrl,
    apiKey: 'sk-test-key',
    settings: {},
  };
}

const providers = {
  chat: () => new OpenAIChatProvider(connection('openai')),
  responses: () => new OpenAIResponsesProvider(connection('openai', 'responses')),
  anthropic: () => new AnthropicProvider(connection('anthropic')),
};

function request(messages: Message[] = [{ role: 'user', text: 'hi' }]): ModelRequest {
  return {
    model: 'test-model',
    system: 'be brief',
    messages,
    tools: [{ name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  };
}

async function collect(provider: Provider, req: ModelRequest = request()): Promise<{ events: ModelStreamEvent[]; message: AssistantMessage }> {
  const events: ModelStreamEvent[] = [];
  for await (const event of provider.stream(req)) events.push(event);
  const done = events.find((event) => event.type === 'done');
  if (!done || done.type !== 'done') throw new Error('no done event');
  return { events, message: done.message };
}

async function failureOf(provider: Provider): Promise<ProviderError> {
  try {
    await collect(provider);
  } catch (error) {
    return classifyFailure(provider.id, error);
  }
  throw new Error('expected the stream to fail');
}

describe('recorded streams', () => {
  it('OpenAI chat: parallel tool calls keyed by index become two complete calls', async () => {
    fake.script({ kind: 'raw', body: wire('openai-chat_tool-calls-parallel.sse') });
    const { message } = await collect(providers.chat());
    const calls = message.parts.filter((part) => part.type === 'tool_call');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.type === 'tool_call' && call.id).toMatch(/^call_/);
      expect(() => JSON.parse(call.type === 'tool_call' ? call.argsText : '')).not.toThrow();
    }
    expect(message.stopReason).toBe('tool_use');
    expect(message.usage.input + message.usage.output).toBeGreaterThan(0);
  });

  it('OpenAI chat: finish_reason "length" is reported as a length stop', async () => {
    fake.script({ kind: 'raw', body: wire('openai-chat_max-tokens-length.sse') });
    const { message } = await collect(providers.chat());
    expect(message.stopReason).toBe('length');
  });

  it('Anthropic: text, ping and a tool_use block with streamed JSON input', async () => {
    fake.script({ kind: 'raw', body: wire('anthropic_tool-use.sse') });
    const { events, message } = await collect(providers.anthropic());
    const text = events.filter((event) => event.type === 'text_delta').map((event) => (event.type === 'text_delta' ? event.text : '')).join('');
    expect(text).toContain('weather in Paris');
    const call = message.parts.find((part) => part.type === 'tool_call');
    expect(call?.type === 'tool_call' && call.name).toBe('get_weather');
    expect(JSON.parse(call?.type === 'tool_call' ? call.argsText : '{}')).toHaveProperty('location');
    expect(message.stopReason).toBe('tool_use');
    expect(message.usage.input).toBe(377);
  });

  it('Anthropic: a tool call cut by max_tokens is a length stop with incomplete arguments', async () => {
    fake.script({ kind: 'raw', body: wire('anthropic_max-tokens-partial-tool-json.sse') });
    const { message } = await collect(providers.anthropic());
    expect(message.stopReason).toBe('length');
    const call = message.parts.find((part) => part.type === 'tool_call');
    expect(() => JSON.parse(call?.type === 'tool_call' ? call.argsText : '')).toThrow();
  });

  it('Anthropic: extended thinking keeps its signature for the next request', async () => {
    fake.script({ kind: 'raw', body: wire('anthropic_prism-extended-thinking.sse') });
    const { message } = await collect(providers.anthropic());
    const thinking = message.parts.find((part) => part.type === 'thinking');
    expect(thinking?.type === 'thinking' && thinking.text.length).toBeGreaterThan(0);
    expect(thinking?.type === 'thinking' && thinking.signature).toBeTruthy();
    expect(message.parts.some((part) => part.type === 'text')).toBe(true);
  });

  it('Anthropic: a mid-stream overloaded_error is a retryable overload', async () => {
    fake.script({ kind: 'raw', body: wire('anthropic_error-overloaded.sse') });
    const failure = await failureOf(providers.anthropic());
    expect(failure.kind).toBe('overloaded');
    expect(failure.retryable).toBe(true);
  });

  it('Responses: parallel function calls carry their call ids and arguments', async () => {
    fake.script({ kind: 'raw', body: wire('openai-responses_parallel-function-calls.sse') });
    const { message } = await collect(providers.responses());
    const calls = message.parts.filter((part) => part.type === 'tool_call');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.type === 'tool_call' && call.id).toMatch(/^call_/);
      expect(JSON.parse(call.type === 'tool_call' ? call.argsText : '')).toBeTypeOf('object');
    }
    expect(message.stopReason).toBe('tool_use');
    expect(message.usage.output).toBeGreaterThan(0);
  });

  it('Responses: a function call after a reasoning item is found', async () => {
    fake.script({ kind: 'raw', body: wire('openai-responses_reasoning-then-function-call.sse') });
    const { message } = await collect(providers.responses());
    expect(message.parts.filter((part) => part.type === 'tool_call')).toHaveLength(1);
  });

  it('Responses: an error event (rate limit) is a retryable rate limit', async () => {
    fake.script({ kind: 'raw', body: wire('openai-responses_error-rate-limited.sse') });
    const failure = await failureOf(providers.responses());
    expect(failure.kind).toBe('rate_limit');
    expect(failure.retryable).toBe(true);
  });
});

describe.each(Object.entries(providers))('%s adapter', (api, make) => {
  it('streams text deltas that add up to the final text', async () => {
    fake.script({ text: 'Hello from the fake provider.' });
    const { events, message } = await collect(make());
    const streamed = events.map((event) => (event.type === 'text_delta' ? event.text : '')).join('');
    expect(streamed).toBe('Hello from the fake provider.');
    expect(message.parts).toEqual([{ type: 'text', text: 'Hello from the fake provider.' }]);
    expect(message.stopReason).toBe('stop');
  });

  it('reports a stream that ends before its terminator as a cut stream', async () => {
    fake.script({ kind: 'cut', text: 'partial answer', how: 'end' });
    const failure = await failureOf(make());
    expect(failure.kind).toBe('stream_cut');
    expect(failure.retryable).toBe(true);
  });

  it('reports a connection reset mid-answer as retryable', async () => {
    fake.script({ kind: 'cut', text: 'partial answer', how: 'reset' });
    const failure = await failureOf(make());
    expect(failure.retryable).toBe(true);
  });

  it('classifies 401 as an authentication failure that is not retried', async () => {
    fake.script({ kind: 'http_error', status: 401, message: 'invalid x-api-key' });
    const failure = await failureOf(make());
    expect(failure.kind).toBe('auth');
    expect(failure.retryable).toBe(false);
    expect(failure.exitCode).toBe(3);
    expect(failure.hint).toBeTruthy();
  });

  it('sends the tool schemas and the conversation in its own wire format', async () => {
    fake.script({ text: 'done' });
    const history: Message[] = [
      { role: 'user', text: 'weather?' },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', argsText: '{"city":"Paris"}' }], stopReason: 'tool_use', provider: 'x', model: 'm', usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } },
      { role: 'tool', toolCallId: 'call_1', toolName: 'get_weather', content: 'sunny', isError: false },
    ];
    await collect(make(), request(history));
    const body = fake.requests[0].body;
    const serialized = JSON.stringify(body);
    expect(serialized).toContain('get_weather');
    expect(serialized).toContain('sunny');
    expect(serialized).toContain('call_1');
    expect(serialized).toContain('be brief');
    expect(body.stream).toBe(true);
    expect(fake.requests[0].api).toBe(api === 'chat' ? 'chat' : api === 'responses' ? 'responses' : 'anthropic');
  });
});

describe('conversion to wire formats', () => {
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const history: Message[] = [
    { role: 'user', text: 'two things' },
    {
      role: 'assistant',
      parts: [
        { type: 'text', text: 'checking' },
        { type: 'tool_call', id: 'a', name: 'read', argsText: '{"path":"x"}' },
        { type: 'tool_call', id: 'b', name: 'read', argsText: 'not json' },
      ],
      stopReason: 'tool_use',
      provider: 'p',
      model: 'm',
      usage,
    },
    { role: 'tool', toolCallId: 'a', toolName: 'read', content: 'A', isError: false },
    { role: 'tool', toolCallId: 'b', toolName: 'read', content: 'bad args', isError: true },
    { role: 'user', text: 'thanks' },
  ];

  it('Anthropic: consecutive tool results and the next user text share one user message', () => {
    const messages = toAnthropicMessages(history);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    const last = messages[2].content as Array<{ type: string; is_error?: boolean }>;
    expect(last.map((block) => block.type)).toEqual(['tool_result', 'tool_result', 'text']);
    expect(last[1].is_error).toBe(true);
    const assistant = messages[1].content as Array<{ type: string; input?: unknown }>;
    expect(assistant[2].input).toEqual({});
  });

  it('OpenAI chat: the system prompt leads and tool results follow the call', () => {
    const messages = chatRequest('sys', history, '{}').params;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user']);
  });

  it('OpenAI chat: the serialized history follows a conversation that grows, changes in the middle, or shrinks', () => {
    // A deep copy has no cached form: what the conversation must serialize to.
    const fresh = (system: string, messages: Message[]) => chatRequest(system, structuredClone(messages), '{"model":"m"}');
    const conversation: Message[] = [...history];
    const long = 'é'.repeat(3000); // beyond the first buffer, in bytes more than in characters
    const steps: Array<(messages: Message[]) => void> = [
      (messages) => messages.push({ role: 'user', text: 'one more' }),
      (messages) => messages.push({ role: 'assistant', parts: [{ type: 'text', text: 'sure' }], stopReason: 'stop', provider: 'openai', model: 'm', usage: emptyUsage() }),
      (messages) => messages.push({ role: 'user', text: long }, { role: 'user', text: `${long}!` }),
      (messages) => (messages[1] = { ...(messages[1] as Message), parts: [{ type: 'text', text: 'edited' }] } as Message), // a trimmed result, a repair
      (messages) => messages.splice(2, 2), // compaction drops a stretch
      (messages) => messages.pop(),
      (messages) => messages.push({ role: 'user', text: 'ünïcode "quoted" \\ \n' }),
      (messages) => messages.splice(0, messages.length - 1, { role: 'user', text: 'summary of before' }), // a new first message
      (messages) => messages.splice(0), // nothing at all
    ];
    // No body is given back here (no transport sent them): none may be written over by a later request.
    const bodies: Array<[Buffer, string]> = [];
    for (const [index, step] of steps.entries()) {
      step(conversation);
      const system = `sys ${index % 2} ${'ß'.repeat(index)}`;
      const { params, body } = chatRequest(system, conversation, '{"model":"m"}');
      bodies.push([body, body.toString('utf8')]);
      const expected = fresh(system, conversation);
      const sent = JSON.parse(body.toString('utf8'));
      expect(sent, `step ${index}`).toEqual(JSON.parse(expected.body.toString('utf8')));
      expect(sent).toEqual({ model: 'm', messages: params });
      expect(params).toEqual(expected.params);
      expect(params.slice(1).map((param) => param.content)).toEqual(
        conversation.map((message) => (message.role === 'user' ? message.text : message.role === 'tool' ? message.content : expect.anything())),
      );
    }
    for (const [body, text] of bodies) expect(body.toString('utf8')).toBe(text);
  });

  it('OpenAI chat: the body serialized from kept JSON is the request the SDK would have sent, turn after turn, as the tools change', async () => {
    const conversation: Message[] = [...history];
    const provider = providers.chat();
    const weather = request().tools;
    const tools: ToolSpec[][] = [
      weather,
      weather,
      [{ ...weather[0], parameters: { type: 'object', properties: { town: { type: 'string' } } } }],
      [{ ...weather[0], description: 'the weather' }, { name: 'time', description: 'the time', parameters: { type: 'object' } }],
      [],
      weather,
    ];
    for (const [turn, toolList] of tools.entries()) {
      fake.reset();
      fake.script({ text: `reply ${turn}` });
      const req = { ...request(conversation), tools: toolList, maxOutputTokens: 64 };
      const { message } = await collect(provider, req);
      expect(fake.requests[0].body, `turn ${turn}`).toEqual({
        model: 'test-model',
        messages: chatRequest('be brief', conversation, '{}').params,
        stream: true,
        stream_options: { include_usage: true },
        ...(toolList.length > 0 ? { tools: toolList.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } })) } : {}),
        max_completion_tokens: 64,
      });
      conversation.push(message, { role: 'user', text: `after "reply ${turn}": "quotes", \\ and\nnew lines` });
    }
  });
});

describe('retry', () => {
  const policy: RetryPolicy = { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 };

  it('retries a 429 and then succeeds, announcing the retry', async () => {
    fake.script({ kind: 'http_error', status: 429, headers: { 'retry-after': '0' } }, { text: 'second time lucky' });
    const events = [];
    for await (const event of streamWithRetry(providers.chat(), request(), policy)) events.push(event);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up after maxRetries with a provider error (exit 3)', async () => {
    fake.script(
      { kind: 'http_error', status: 529, type: 'overloaded_error' },
      { kind: 'http_error', status: 529, type: 'overloaded_error' },
      { kind: 'http_error', status: 529, type: 'overloaded_error' },
    );
    const run = async () => {
      for await (const _ of streamWithRetry(providers.anthropic(), request(), policy));
    };
    await expect(run()).rejects.toMatchObject({ kind: 'overloaded', exitCode: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a request the provider rejected', async () => {
    fake.script({ kind: 'http_error', status: 400, message: 'bad field' }, { text: 'never sent' });
    const run = async () => {
      for await (const _ of streamWithRetry(providers.chat(), request(), policy));
    };
    await expect(run()).rejects.toMatchObject({ kind: 'request' });
    expect(fake.requests).toHaveLength(1);
  });

  it('honours retry-after over the computed backoff', () => {
    const slow: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(0, 2500, slow, () => 0.5)).toBe(2500);
    const jittered = retryDelay(2, undefined, slow, () => 1);
    expect(jittered).toBe(400);
    expect(retryDelay(2, undefined, slow, () => 0)).toBe(200);
  });

  it('treats a context-length rejection as context overflow, not a plain bad request', () => {
    const failure = classifyFailure('openai', { status: 400, message: "This model's maximum context length is 128000 tokens", error: { code: 'context_length_exceeded' } });
    expect(failure.kind).toBe('context_overflow');
  });
});
