import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentEvent } from '../../src/agent/events.js';
import { GatewayClient } from '../../src/gateway/client.js';

// A stand-in gateway speaking the protocol, which can send a whole run's frames in one TCP write,
// as a busy gateway (or a client that was slow to read) makes them arrive.
let server: WebSocketServer | undefined;

async function gateway(onRequest: (socket: WebSocket, frame: { id: number; method: string; params: any }) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server!.once('listening', resolve));
  server.on('connection', (socket) => socket.on('message', (data) => onRequest(socket, JSON.parse(data.toString()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends the frames in one write: the client reads them in one chunk. */
function batched(socket: WebSocket, frames: object[]): void {
  const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
  raw.cork();
  for (const frame of frames) socket.send(JSON.stringify(frame));
  process.nextTick(() => raw.uncork());
}

function runFrames(id: number, messageId: string, key: string, text: string): object[] {
  const event = (payload: AgentEvent, seq: number) => ({ type: 'event', event: payload.type, payload: { ...payload, key, messageId }, seq });
  return [
    { type: 'res', id, ok: true, payload: { status: 'accepted', messageId, sessionKey: key, position: 0 } },
    event({ type: 'text_delta', text }, 1),
    event({ type: 'done', text, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, cost: 0, turns: 1, status: 'ok', exitCode: 0, sessionId: 's1' } as AgentEvent, 2),
  ];
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('GatewayClient.chat', () => {
  it('follows a run whose acknowledgement and events arrive in one chunk', async () => {
    const url = await gateway((socket, frame) => batched(socket, runFrames(frame.id, 'm_1', frame.params.key, `echo: ${frame.params.text}`)));
    const client = await GatewayClient.connect(url, 'token');
    try {
      const events: AgentEvent[] = [];
      const run = client.chat({ key: 'cli:dm:a', text: 'hi' }, (event) => events.push(event));
      expect(await run.receipt).toMatchObject({ status: 'accepted', messageId: 'm_1' });
      expect((await run.done).text).toBe('echo: hi');
      expect(events.map((event) => event.type)).toEqual(['text_delta', 'done']);
      expect(events[0]).not.toHaveProperty('messageId');
    } finally {
      client.close();
    }
  });

  it('keeps two runs on one connection apart', async () => {
    let next = 0;
    const url = await gateway((socket, frame) => batched(socket, runFrames(frame.id, `m_${++next}`, frame.params.key, frame.params.text)));
    const client = await GatewayClient.connect(url, 'token');
    try {
      const first = client.chat({ key: 'cli:dm:a', text: 'one' });
      const second = client.chat({ key: 'cli:dm:b', text: 'two' });
      expect([(await first.done).text, (await second.done).text]).toEqual(['one', 'two']);
    } finally {
      client.close();
    }
  });

  it('rejects done for a duplicate message id, and when the connection closes mid-run', async () => {
    const url = await gateway((socket, frame) => {
      if (frame.params.messageId === 'seen') {
        socket.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { status: 'duplicate', messageId: 'm_0', sessionKey: frame.params.key, state: 'done' } }));
      } else {
        socket.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { status: 'accepted', messageId: 'm_9', sessionKey: frame.params.key, position: 0 } }));
        setTimeout(() => socket.terminate(), 20);
      }
    });
    const client = await GatewayClient.connect(url, 'token');
    const duplicate = client.chat({ key: 'cli:dm:a', text: 'again', messageId: 'seen' });
    expect(await duplicate.receipt).toMatchObject({ status: 'duplicate' });
    await expect(duplicate.done).rejects.toThrow(/not run again/);
    const cut = client.chat({ key: 'cli:dm:a', text: 'hello' });
    await expect(cut.done).rejects.toMatchObject({ code: 'gateway_disconnected' });
    await expect(client.chat({ key: 'cli:dm:a', text: 'later' }).receipt).rejects.toMatchObject({ code: 'gateway_disconnected' });
  });
});
