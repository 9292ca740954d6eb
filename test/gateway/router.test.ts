import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../src/gateway/client.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { useFakeProvider } from '../helpers/fake.js';
import { tempDir } from '../helpers/cli.js';
import { assistantText, connect, echo, send, sessionsByKey, startGateway, userTexts, waitFor } from './helpers.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let gateway: Gateway;
let client: GatewayClient;

beforeEach(() => {
  fake.reset();
  echo(fake);
  home = tempDir('openclaw-gw-router-');
});
afterEach(async () => {
  client?.close();
  await gateway?.stop({ drainMs: 0 });
  home.cleanup();
});

async function open(config: Parameters<typeof startGateway>[2] = {}): Promise<void> {
  gateway = await startGateway(home.path, fake, config);
  client = await connect(gateway.url);
}

describe('chat.send over the WebSocket', () => {
  it('acknowledges, then streams the agent events of the run', async () => {
    await open();
    fake.script({ text: 'Hello **there**', chunks: 4 });
    const sent = await send(client, { key: 'webchat:dm:ana', text: 'hi' });
    expect(sent.receipt).toMatchObject({ status: 'accepted', sessionKey: 'webchat:dm:ana', position: 0 });
    const done = await sent.done;
    expect(done).toMatchObject({ status: 'ok', text: 'Hello **there**' });
    const types = sent.events.map((event) => event.type);
    expect(types[0]).toBe('session');
    expect(types.filter((type) => type === 'text_delta').length).toBeGreaterThan(1);
    expect(types.at(-1)).toBe('done');
    expect(sent.events.filter((event) => event.type === 'text_delta').map((event) => (event as { text: string }).text).join('')).toBe('Hello **there**');
  });

  it('streams tool activity, under the gateway policy (reads allowed, shell denied)', async () => {
    await open();
    fake.script(
      { toolCalls: [{ name: 'list', args: { path: '.' } }, { name: 'shell', args: { command: 'echo hi' } }] },
      { text: 'done listing' },
    );
    const sent = await send(client, { key: 'tools', text: 'look around' });
    await sent.done;
    const results = sent.events.filter((event) => event.type === 'tool_result') as Array<{ name: string; ok: boolean }>;
    expect(results.map((result) => [result.name, result.ok])).toEqual([
      ['list', true],
      ['shell', false],
    ]);
    expect(sent.receipt.sessionKey).toBe('webchat:dm:tools');
  });

  it('runs gateway sessions in $OPENCLAW_HOME/workspace', async () => {
    await open();
    const sent = await send(client, { text: 'where are you?' });
    const session = (await sent.done, sent.events.find((event) => event.type === 'session')) as { cwd: string };
    expect(session.cwd).toBe(`${home.path}/workspace`);
  });

  it('answers sessions.list and sessions.history', async () => {
    await open();
    await (await send(client, { key: 'webchat:dm:ana', text: 'first' })).done;
    await (await send(client, { key: 'webchat:dm:ana', text: 'second' })).done;
    const list = await client.request('sessions.list');
    expect(list.sessions.map((session: { key: string }) => session.key)).toEqual(['webchat:dm:ana']);
    const history = await client.request('sessions.history', { key: 'ana' });
    expect(history.messages.map((message: { role: string; text: string }) => [message.role, message.text])).toEqual([
      ['user', 'first'],
      ['assistant', 'reply to first'],
      ['user', 'second'],
      ['assistant', 'reply to second'],
    ]);
    expect((await client.request('sessions.history', { key: 'nobody' })).messages).toEqual([]);
  });

  it('runs a retried message id only once', async () => {
    await open();
    const first = await send(client, { key: 'ana', text: 'pay the bill', messageId: 'client-42' });
    await first.done;
    const retry = await client.request('chat.send', { key: 'ana', text: 'pay the bill', messageId: 'client-42' });
    expect(retry).toMatchObject({ status: 'duplicate', messageId: first.receipt.messageId, state: 'done' });
    expect(fake.requests).toHaveLength(1);
  });

  it('aborts the running message with chat.abort', async () => {
    await open();
    fake.script({ kind: 'hang', text: 'partial' });
    const sent = await send(client, { key: 'ana', text: 'never ends' });
    await waitFor(() => sent.events.some((event) => event.type === 'text_delta'));
    expect((await client.request('chat.abort', { key: 'ana' })).aborted).toBe(1);
    expect((await sent.done).status).toBe('interrupted');
  });

  it('drops a waiting message with chat.abort, leaving the running one', async () => {
    await open();
    fake.script({ text: 'first, slowly', delayMs: 300 });
    const running = await send(client, { key: 'ana', text: 'one' });
    const waiting = await send(client, { key: 'ana', text: 'two' });
    expect((await client.request('chat.abort', { key: 'ana', messageId: waiting.receipt.messageId })).aborted).toBe(1);
    expect(await waiting.done).toMatchObject({ status: 'interrupted' });
    expect(await running.done).toMatchObject({ status: 'ok', text: 'first, slowly' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('lanes', () => {
  it('keeps 50 parallel sessions apart, each in its own order', async () => {
    await open({ gateway: { maxConcurrent: 8 } });
    echo(fake, 5);
    const sessions = Array.from({ length: 50 }, (_, index) => `webchat:dm:s${index}`);
    const clients = await Promise.all(Array.from({ length: 5 }, () => connect(gateway.url)));
    try {
      // Three messages per session, sent at once: the lane must run them in order.
      const runs = await Promise.all(
        sessions.flatMap((key, index) => [1, 2, 3].map((n) => send(clients[index % clients.length], { key, text: `${key.slice(11)}-m${n}` }))),
      );
      const dones = await Promise.all(runs.map((run) => run.done));
      expect(dones.every((done) => done.status === 'ok')).toBe(true);
      for (const [index, run] of runs.entries()) {
        const key = sessions[Math.floor(index / 3)];
        expect(dones[index].text).toBe(`reply to ${key.slice(11)}-m${(index % 3) + 1}`);
        expect(run.receipt.sessionKey).toBe(key);
      }
      // No request ever carried another session's messages, and each saw its session's history in order.
      expect(fake.requests).toHaveLength(150);
      for (const request of fake.requests) {
        const texts = userTexts(request.body);
        const owner = texts[0].split('-')[0];
        expect(texts).toEqual(texts.map((_, n) => `${owner}-m${n + 1}`));
      }
      const stored = sessionsByKey(home.path);
      expect(stored.size).toBe(50);
      for (const key of sessions) {
        const name = key.slice(11);
        const messages = stored.get(key)!.messages.map((message) => message.text ?? assistantText(message));
        expect(messages).toEqual([1, 2, 3].flatMap((n) => [`${name}-m${n}`, `reply to ${name}-m${n}`]));
      }
    } finally {
      for (const other of clients) other.close();
    }
  });

  it('bounds the runs across sessions with gateway.maxConcurrent', async () => {
    await open({ gateway: { maxConcurrent: 2 } });
    echo(fake, 80);
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, gateway.status().queue.running)), 5);
    try {
      const runs = await Promise.all(Array.from({ length: 6 }, (_, index) => send(client, { key: `c${index}`, text: 'go' })));
      await Promise.all(runs.map((run) => run.done));
    } finally {
      clearInterval(timer);
    }
    expect(peak).toBe(2);
  });

  it('answers "busy" when a session\'s queue is full', async () => {
    await open({ gateway: { maxQueuePerSession: 2 } });
    fake.script({ text: 'slow', delayMs: 300 });
    const running = await send(client, { key: 'ana', text: 'one' });
    await waitFor(() => fake.requests.length === 1);
    const queued = [await send(client, { key: 'ana', text: 'two' }), await send(client, { key: 'ana', text: 'three' })];
    expect(queued.map((run) => run.receipt.position)).toEqual([1, 2]);
    await expect(client.request('chat.send', { key: 'ana', text: 'four' })).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining('busy') });
    // Other sessions are not affected.
    await expect((await send(client, { key: 'bob', text: 'hello' })).done).resolves.toMatchObject({ status: 'ok' });
    await Promise.all([running.done, ...queued.map((run) => run.done)]);
  });
});
