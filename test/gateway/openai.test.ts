import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { useFakeProvider } from '../helpers/fake.js';
import { tempDir } from '../helpers/cli.js';
import { assistantText, echo, inboundLog, sessionsByKey, startGateway, TOKEN, userTexts, waitFor } from './helpers.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let gateway: Gateway;
let client: OpenAI;

beforeEach(async () => {
  fake.reset();
  echo(fake);
  home = tempDir('openclaw-gw-openai-');
  gateway = await startGateway(home.path, fake);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
});
afterEach(async () => {
  await gateway.stop({ drainMs: 0 });
  home.cleanup();
});

function sessionFiles(): string[] {
  const dir = join(home.path, 'sessions');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.jsonl')) : [];
}

describe('the OpenAI-compatible endpoint, with the official openai package', () => {
  it('answers a completion with usage', async () => {
    const completion = await client.chat.completions.create({ model: 'openclaw', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: 'reply to hello' });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it('streams a completion, with usage when asked', async () => {
    fake.script({ text: 'streamed **answer**', chunks: 5 });
    const stream = await client.chat.completions.create({
      model: 'openclaw',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) {
        text += choice.delta.content;
        deltas++;
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(text).toBe('streamed **answer**');
    expect(deltas).toBeGreaterThan(1);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('lists the agent as a model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['openclaw']);
  });

  it('runs a request without `user` as a fresh session from its messages, and keeps nothing', async () => {
    const completion = await client.chat.completions.create({
      model: 'openclaw',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'second question' },
      ],
    });
    expect(completion.choices[0].message.content).toBe('reply to second question');
    const sent = fake.requests[0].body.messages as Array<{ role: string; content: unknown }>;
    const conversation = sent.filter((message) => message.role !== 'system').map((message) => [message.role, message.content]);
    expect(conversation).toEqual([
      ['user', 'Instructions from the client application:\nAnswer in French.'],
      ['user', 'first question'],
      ['assistant', 'first answer'],
      ['user', 'second question'],
    ]);
    expect(sessionFiles()).toEqual([]);
    expect(inboundLog(home.path)).toEqual([]);
  });

  it('continues the persistent session http:dm:<user> with only the last user message', async () => {
    await client.chat.completions.create({ model: 'openclaw', user: 'ana', messages: [{ role: 'user', content: 'my name is Ana' }] });
    const second = await client.chat.completions.create({
      model: 'openclaw',
      user: 'ana',
      messages: [
        { role: 'user', content: 'ignored: the gateway holds the history' },
        { role: 'user', content: 'what is my name?' },
      ],
    });
    expect(second.choices[0].message.content).toBe('reply to what is my name?');
    expect(userTexts(fake.requests[1].body)).toEqual(['my name is Ana', 'what is my name?']);
    const session = sessionsByKey(home.path).get('http:dm:ana')!;
    expect(session.messages.map((message) => message.text ?? assistantText(message))).toEqual([
      'my name is Ana',
      'reply to my name is Ana',
      'what is my name?',
      'reply to what is my name?',
    ]);
  });

  it('names the session with the X-OpenClaw-Session header too', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-openclaw-session': 'bob' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-openclaw-session')).toBe('http:dm:bob');
    expect(sessionsByKey(home.path).has('http:dm:bob')).toBe(true);
  });

  it('answers a repeated idempotency key with 409 instead of running it twice', async () => {
    const request = { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'retry-1' }, body: JSON.stringify({ user: 'cy', messages: [{ role: 'user', content: 'once' }] }) };
    expect((await fetch(`${gateway.url}/v1/chat/completions`, request)).status).toBe(200);
    const again = await fetch(`${gateway.url}/v1/chat/completions`, request);
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('duplicate');
    expect(fake.requests).toHaveLength(1);
  });

  it('finishes the turn when the client disconnects mid-stream, and keeps it in the session', async () => {
    fake.script({ text: 'a long answer that keeps coming', chunks: 10, chunkDelayMs: 60 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'openclaw', user: 'dee', stream: true, messages: [{ role: 'user', content: 'talk slowly' }] },
      { signal: controller.signal },
    );
    const reading = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) controller.abort();
    })();
    await reading.catch(() => undefined);
    const done = await waitFor(() => inboundLog(home.path).find((record) => record.op === 'done'), 10_000);
    expect(done.status).toBe('ok');
    const session = sessionsByKey(home.path).get('http:dm:dee')!;
    expect(assistantText(session.messages[1])).toBe('a long answer that keeps coming');
  });

  it('reports a failed run as an API error', async () => {
    fake.script({ kind: 'http_error', status: 400, message: 'bad request from the model' });
    await expect(client.chat.completions.create({ model: 'openclaw', messages: [{ role: 'user', content: 'fail' }] })).rejects.toMatchObject({ status: 502 });
  });
});
