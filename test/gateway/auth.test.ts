import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadToken } from '../../src/gateway/auth.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { tempDir } from '../helpers/cli.js';
import { connect, echo, startGateway, TOKEN } from './helpers.js';

let fake: FakeProvider;
let home: ReturnType<typeof tempDir>;
let gateway: Gateway;

beforeAll(async () => {
  fake = await FakeProvider.start();
  echo(fake);
  home = tempDir('openclaw-gw-auth-');
  // Many failures on purpose here: the limit itself is tested on a gateway of its own.
  gateway = await startGateway(home.path, fake, {}, { connectTimeoutMs: 300, authLimit: { max: 1000, windowMs: 60_000, blockMs: 60_000 } });
});
afterAll(async () => {
  await gateway?.stop({ drainMs: 0 });
  await fake.close();
  home.cleanup();
});

const bearer = { authorization: `Bearer ${TOKEN}` };

/** Opens a raw WebSocket; resolves with how it ended or the first frames. */
function rawSocket(options: { headers?: Record<string, string>; path?: string } = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}${options.path ?? '/ws'}`, { headers: options.headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({}));
  });
}

function frames(ws: WebSocket): { next: () => Promise<any>; closed: Promise<{ code: number; reason: string }> } {
  const queue: any[] = [];
  const waiters: Array<(frame: any) => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve))), closed };
}

describe('authentication', () => {
  it('answers /healthz without a token', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it.each([
    ['GET', '/readyz'],
    ['GET', '/status'],
    ['GET', '/v1/models'],
    ['POST', '/v1/chat/completions'],
    ['GET', '/no-such-route'],
  ])('refuses %s %s without the token, and with a wrong one', async (method, path) => {
    const body = method === 'POST' ? JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) : undefined;
    const none = await fetch(`${gateway.url}${path}`, { method, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await none.json()).error.code).toBe('unauthorized');
    const wrong = await fetch(`${gateway.url}${path}`, { method, body, headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
  });

  it('serves the API with the token', async () => {
    const models = await fetch(`${gateway.url}/v1/models`, { headers: bearer });
    expect(models.status).toBe(200);
    expect((await models.json()).data[0].id).toBe('openclaw');
    const ready = await fetch(`${gateway.url}/readyz`, { headers: bearer });
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks.provider.ok).toBe(true);
  });

  it('serves the WebChat page itself without a token, and no data with it', async () => {
    const page = await fetch(`${gateway.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('id="login-form"');
  });

  it('generates a token file with mode 0600 on first start', () => {
    const path = join(home.path, 'gateway', 'token-probe');
    const { token, created } = loadToken(path, {});
    expect(created).toBe(true);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(loadToken(path, {}).token).toBe(token);
  });

  it('refuses a WebSocket upgrade with a wrong token before upgrading', async () => {
    expect((await rawSocket({ headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('accepts a WebSocket with the Authorization header', async () => {
    const client = await connect(gateway.url);
    expect((await client.request('health')).ok).toBe(true);
    client.close();
  });

  it('accepts a connect frame with the token as the first frame', async () => {
    const { ws } = await rawSocket();
    const { next } = frames(ws!);
    ws!.send(JSON.stringify({ type: 'req', id: 1, method: 'connect', params: { token: TOKEN } }));
    const hello = await next();
    expect(hello).toMatchObject({ type: 'res', id: 1, ok: true, payload: { protocol: 1 } });
    expect(hello.payload.methods).toEqual(expect.arrayContaining(['chat.send', 'chat.abort', 'sessions.list', 'sessions.history', 'health', 'status']));
    ws!.send(JSON.stringify({ type: 'req', id: 2, method: 'status' }));
    expect(await next()).toMatchObject({ id: 2, ok: true, payload: { queue: { maxConcurrent: 4 } } });
    ws!.close();
  });

  it('closes a connection whose connect frame has a wrong token', async () => {
    const { ws } = await rawSocket();
    const { next, closed } = frames(ws!);
    ws!.send(JSON.stringify({ type: 'req', id: 1, method: 'connect', params: { token: 'wrong' } }));
    expect(await next()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await closed).code).toBe(1008);
  });

  it('closes a connection that sends a method before connect', async () => {
    const { ws } = await rawSocket();
    const { next, closed } = frames(ws!);
    ws!.send(JSON.stringify({ type: 'req', id: 1, method: 'sessions.list' }));
    expect(await next()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await closed).code).toBe(1008);
  });

  it('closes a connection that does not authenticate in time', async () => {
    const { ws } = await rawSocket();
    const { closed } = frames(ws!);
    expect(await closed).toMatchObject({ code: 1008, reason: expect.stringContaining('timed out') });
  });

  it('caps frames before authentication', async () => {
    const { ws } = await rawSocket();
    const { closed } = frames(ws!);
    ws!.send(JSON.stringify({ type: 'req', id: 1, method: 'connect', params: { token: 'x'.repeat(64 * 1024) } }));
    expect((await closed).code).toBe(1009);
  });
});

describe('origin', () => {
  it("refuses a WebSocket from another site's page before upgrading", async () => {
    expect((await rawSocket({ headers: { ...bearer, origin: 'https://evil.example' } })).status).toBe(403);
  });

  it("accepts the gateway's own origin", async () => {
    const { ws } = await rawSocket({ headers: { ...bearer, origin: gateway.url } });
    expect(ws).toBeDefined();
    ws!.close();
  });

  it('refuses a Host that is not this machine (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/v1/models`, { headers: { ...bearer, host: 'evil.example:18789' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('bad input', () => {
  it('answers malformed frames with error frames and keeps the connection', async () => {
    const { ws } = await rawSocket({ headers: bearer });
    const { next } = frames(ws!);
    ws!.send('{not json');
    expect(await next()).toMatchObject({ type: 'res', id: null, ok: false, error: { code: 'bad_frame' } });
    ws!.send(JSON.stringify({ type: 'req', method: 'health' }));
    expect(await next()).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    ws!.send(Buffer.from([0xff, 0x00]), { binary: true });
    expect(await next()).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    ws!.send(JSON.stringify({ type: 'req', id: 'a', method: 'no.such.method' }));
    expect(await next()).toMatchObject({ id: 'a', ok: false, error: { code: 'unknown_method' } });
    ws!.send(JSON.stringify({ type: 'req', id: 'b', method: 'chat.send', params: { text: 42 } }));
    expect(await next()).toMatchObject({ id: 'b', ok: false, error: { code: 'invalid_params' } });
    ws!.send(JSON.stringify({ type: 'req', id: 'c', method: 'chat.send', params: { key: 'has spaces: x', text: 'hi' } }));
    expect(await next()).toMatchObject({ id: 'c', ok: false, error: { code: 'invalid_params' } });
    // Each refused by the schema, whether or not the common-case check looks at it first.
    for (const frame of [{ type: 'req', id: 'e', method: 'health', params: [] }, { type: 'req', id: 'f', method: 'health', params: null }, { type: 'req', id: 'g', method: '' }, { type: 'res', id: 'h', method: 'health' }, { type: 'req', id: true, method: 'health' }]) {
      ws!.send(JSON.stringify(frame));
      expect(await next()).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    }
    for (const params of [{ text: '' }, { text: 'hi', extra: 1 }, { text: 'hi', messageId: '' }, { text: 'hi', key: 'k'.repeat(257) }]) {
      ws!.send(JSON.stringify({ type: 'req', id: 'p', method: 'chat.send', params }));
      expect(await next()).toMatchObject({ id: 'p', ok: false, error: { code: 'invalid_params' } });
    }
    ws!.send(JSON.stringify({ type: 'req', id: 'd', method: 'health' }));
    expect(await next()).toMatchObject({ id: 'd', ok: true });
    ws!.close();
  });

  it('closes a connection whose frame is over the size limit, and stays up', async () => {
    const { ws } = await rawSocket({ headers: bearer });
    const { closed } = frames(ws!);
    ws!.send(JSON.stringify({ type: 'req', id: 1, method: 'chat.send', params: { text: 'x'.repeat(2 * 1024 * 1024) } }));
    expect((await closed).code).toBe(1009);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"messages": [', 400, 'invalid_json'],
    ['an empty body', '', 400, 'invalid_json'],
    ['no messages', '{}', 400, 'invalid_request'],
    ['a last message that is not the user’s', JSON.stringify({ messages: [{ role: 'assistant', content: 'hi' }] }), 400, 'invalid_request'],
    ['a bad role', JSON.stringify({ messages: [{ role: 'wizard', content: 'hi' }] }), 400, 'invalid_request'],
  ])('answers %s with a 4xx', async (_name, body, status, code) => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  });

  it('refuses an oversized body with 413', async () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: bearer, body }).catch((error: Error) => error);
    // Either the 413 arrives, or the gateway closed the connection while the body was still coming.
    if (response instanceof Error) expect(response.message).toMatch(/fetch failed|closed|reset/i);
    else expect(response.status).toBe(413);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('answers a wrong method on a known path with 405', async () => {
    const response = await fetch(`${gateway.url}/v1/models`, { method: 'POST', headers: bearer, body: '{}' });
    expect(response.status).toBe(405);
  });
});

describe('rate limiting', () => {
  it('blocks an address after repeated failed authentication, right token or not', async () => {
    const fresh = tempDir('openclaw-gw-limit-');
    const other = await startGateway(fresh.path, fake);
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 11; attempt++) {
        statuses.push((await fetch(`${other.url}/v1/models`, { headers: { authorization: `Bearer guess-${attempt}` } })).status);
      }
      expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      const right = await fetch(`${other.url}/v1/models`, { headers: bearer });
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
    } finally {
      await other.stop({ drainMs: 0 });
      fresh.cleanup();
    }
  });
});
