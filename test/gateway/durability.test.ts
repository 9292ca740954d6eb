import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../src/gateway/client.js';
import { useFakeProvider } from '../helpers/fake.js';
import { tempDir } from '../helpers/cli.js';
import { assistantText, connect, echo, inboundLog, send, sessionsByKey, spawnServe, startGateway, TOKEN, waitFor, writeConfig, type ServeProcess } from './helpers.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
const running: ServeProcess[] = [];

beforeEach(() => {
  fake.reset();
  echo(fake);
  home = tempDir('openclaw-gw-durable-');
  writeConfig(home.path, {});
});
afterEach(async () => {
  for (const serve of running.splice(0)) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve.exited;
  }
  home.cleanup();
});

async function serve(): Promise<ServeProcess> {
  const started = await spawnServe(home.path, fake);
  running.push(started);
  return started;
}

describe('durability', () => {
  it('finishes a message exactly once after a kill -9 during its run', async () => {
    const first = await serve();
    fake.script({ text: 'this answer is cut off by the crash', chunks: 20, chunkDelayMs: 100 });
    const client = await connect(first.url);
    const sent = await send(client, { key: 'ana', text: 'survive this', messageId: 'msg-1' });
    await waitFor(() => sent.events.some((event) => event.type === 'text_delta'));
    first.child.kill('SIGKILL');
    await first.exited;

    // The store loads, and the message is unfinished in the log.
    const records = inboundLog(home.path).filter((record) => record.id === sent.receipt.messageId);
    expect(records.map((record) => record.op)).toEqual(['received', 'running']);

    fake.script({ text: 'finished after the restart' });
    const second = await serve();
    const done = await waitFor(() => inboundLog(home.path).find((record) => record.op === 'done' && record.id === sent.receipt.messageId), 15_000);
    expect(done.status).toBe('ok');
    const session = sessionsByKey(home.path).get('webchat:dm:ana')!;
    expect(session.messages.map((message) => [message.role, message.text ?? assistantText(message)])).toEqual([
      ['user', 'survive this'],
      ['assistant', 'finished after the restart'],
    ]);
    expect(fake.requests).toHaveLength(2);

    // A retry of the same client message id is not run again.
    const retryClient = await connect(second.url);
    expect(await retryClient.request('chat.send', { key: 'ana', text: 'survive this', messageId: 'msg-1' })).toMatchObject({ status: 'duplicate', state: 'done' });
    retryClient.close();

    // Nor is it resumed by another restart.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const third = await serve();
    const status = await (await fetch(`${third.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(status.queue.unfinished).toBe(0);
    expect(fake.requests).toHaveLength(2);
  });

  it('resumes messages acknowledged but not started before a kill -9', async () => {
    const first = await serve();
    fake.script({ text: 'slow first', chunks: 10, chunkDelayMs: 200 });
    const client = await connect(first.url);
    const one = await send(client, { key: 'bob', text: 'one' });
    const two = await send(client, { key: 'bob', text: 'two' });
    expect(two.receipt.position).toBe(1);
    await waitFor(() => one.events.some((event) => event.type === 'text_delta'));
    first.child.kill('SIGKILL');
    await first.exited;

    await serve();
    await waitFor(() => inboundLog(home.path).filter((record) => record.op === 'done').length === 2, 15_000);
    const texts = sessionsByKey(home.path)
      .get('webchat:dm:bob')!
      .messages.map((message) => message.text ?? assistantText(message));
    expect(texts).toEqual(['one', 'reply to one', 'two', 'reply to two']);
  });

  it('drains on SIGTERM: the running turn finishes, new work is refused, exit 0 within 10 s', async () => {
    const gateway = await serve();
    fake.script({ text: 'finishing during the drain', chunks: 25, chunkDelayMs: 100 });
    const client = await connect(gateway.url);
    const sent = await send(client, { key: 'cy', text: 'start' });
    await waitFor(() => sent.events.some((event) => event.type === 'text_delta'));
    const stopping = Date.now();
    gateway.child.kill('SIGTERM');
    // Not ready once it stops taking work (a keep-alive connection may still reach it meanwhile).
    await waitFor(async () => {
      const ready = await fetch(`${gateway.url}/readyz`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => undefined);
      return ready === undefined || (ready.status === 503 && (await ready.json()).checks.accepting === false);
    });
    await expect(client.request('chat.send', { key: 'cy', text: 'too late' }), gateway.output()).rejects.toMatchObject({ code: 'shutting_down' });
    expect(await sent.done).toMatchObject({ status: 'ok', text: 'finishing during the drain' });
    expect((await gateway.exited).code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(inboundLog(home.path).filter((record) => record.op === 'done')).toHaveLength(1);
  });

  it('checkpoints a turn that outlives the drain, and continues it on the next start', async () => {
    fake.script({ kind: 'hang', text: 'stuck' });
    let gateway = await startGateway(home.path, fake);
    const client = await connect(gateway.url);
    const sent = await send(client, { key: 'dee', text: 'long task' });
    await waitFor(() => sent.events.some((event) => event.type === 'text_delta'));
    await gateway.stop({ drainMs: 100 });
    expect((await sent.done).status).toBe('interrupted');
    expect(inboundLog(home.path).map((record) => record.op)).toEqual(['received', 'running']);

    fake.script({ text: 'continued' });
    gateway = await startGateway(home.path, fake);
    try {
      await waitFor(() => inboundLog(home.path).some((record) => record.op === 'done'), 10_000);
      const messages = sessionsByKey(home.path).get('webchat:dm:dee')!.messages;
      expect(messages.filter((message) => message.role === 'user').map((message) => message.text)).toEqual(['long task']);
      expect(assistantText(messages.at(-1)!)).toBe('continued');
    } finally {
      await gateway.stop({ drainMs: 0 });
    }
  });

  it('refuses a second gateway on the same store', async () => {
    const gateway = await startGateway(home.path, fake);
    try {
      await expect(startGateway(home.path, fake)).rejects.toMatchObject({ code: 'gateway_running', message: expect.stringContaining('already running') });
      const other = await spawnServe(home.path, fake).catch((error: Error) => error);
      expect(other).toBeInstanceOf(Error);
      expect((other as Error).message).toMatch(/already running on this store/);
    } finally {
      await gateway.stop({ drainMs: 0 });
    }
  });

  it('keeps a gateway session loadable by the CLI once the gateway let go of it', async () => {
    const gateway = await startGateway(home.path, fake, { gateway: { sessionIdleSeconds: 1 } });
    const client: GatewayClient = await connect(gateway.url);
    try {
      await (await send(client, { key: 'eve', text: 'remember me' })).done;
      await waitFor(() => gateway.status().sessions.open === 0, 5_000);
      const { SessionStore } = await import('../../src/store/sessions.js');
      const { storePaths } = await import('../../src/store/paths.js');
      const session = await new SessionStore(storePaths(home.path)).open(sessionsByKey(home.path).get('webchat:dm:eve')!.id);
      expect(session.entries.filter((entry) => entry.type === 'message')).toHaveLength(2);
      session.close();
    } finally {
      client.close();
      await gateway.stop({ drainMs: 0 });
    }
  });
});
