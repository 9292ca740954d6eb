import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { classifyFailure } from '../../src/providers/failure.js';
import { AnthropicProvider } from '../../src/providers/anthropic.js';
import type { ProviderConnection } from '../../src/providers/connection.js';
import { callerSignal, httpFetch, onBodyReleased } from '../../src/providers/http-transport.js';
import { OpenAIChatProvider } from '../../src/providers/openai-chat.js';
import { OpenAIResponsesProvider } from '../../src/providers/openai-responses.js';

/** A loopback server whose handler each test sets; it counts the connections it accepted. */
let server: Server;
let base: string;
let handler: (request: IncomingMessage, body: string, response: ServerResponse) => void;
let connections = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler(request, body, response));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const decoder = new TextDecoder();

describe('httpFetch', () => {
  it('sends the method, headers and body, and returns status, headers and body as fetch does', async () => {
    handler = (request, body, response) => {
      response.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-request-id': 'req_1', 'set-cookie': ['a=1', 'b=2'] });
      response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization, type: request.headers['content-type'], length: request.headers['content-length'], body }));
    };
    const response = await httpFetch(`${base}/v1/things`, {
      method: 'post',
      headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: '{"née":1}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${base}/v1/things`);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ method: 'POST', auth: 'Bearer k', type: 'application/json', length: String(Buffer.byteLength('{"née":1}')), body: '{"née":1}' });
  });

  it('streams the body: the first chunk is readable before the server sends the next', async () => {
    let sendSecond!: () => void;
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      sendSecond = () => response.end('data: two\n\n');
    };
    const response = await httpFetch(`${base}/stream`);
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('data: one\n\n');
    sendSecond();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: two\n\n');
  });

  it('keeps the connection open for the next request', async () => {
    handler = (_request, _body, response) => response.end('ok');
    await (await httpFetch(`${base}/a`)).text();
    const before = connections;
    await (await httpFetch(`${base}/b`)).text();
    await (await httpFetch(`${base}/c`)).text();
    expect(connections).toBe(before);
  });

  it('gives a body-less status a null body', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(204);
      response.end();
    };
    const response = await httpFetch(`${base}/nothing`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('decompresses a gzip body the server sent anyway', async () => {
    handler = (request, _body, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip', 'x-asked': String(request.headers['accept-encoding'] ?? 'nothing') });
      response.end(gzipSync('hello, compressed'));
    };
    const response = await httpFetch(`${base}/gz`);
    expect(response.headers.get('x-asked')).toBe('nothing');
    expect(await response.text()).toBe('hello, compressed');
  });

  it('fails a refused connection as fetch does: TypeError "fetch failed" with the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await httpFetch(`http://127.0.0.1:${port}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('rejects (does not throw) for a URL it cannot parse, as fetch does', async () => {
    const pending = httpFetch('::not a url');
    await expect(pending).rejects.toBeInstanceOf(TypeError);
  });

  it('fails a body cut short with TypeError "terminated"', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('only part of it');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const response = await httpFetch(`${base}/cut`);
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('terminated');
  });

  it('rejects with the abort reason when aborted before the response, and errors the body when aborted during it', async () => {
    handler = () => undefined; // never answers
    const early = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: early.signal });
    setTimeout(() => early.abort(), 20);
    expect(await pending.catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');

    handler = (_request, _body, response) => {
      response.writeHead(200);
      response.write('start');
    };
    const late = new AbortController();
    const response = await httpFetch(`${base}/slow-body`, { signal: late.signal });
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('start');
    late.abort();
    expect(await reader.read().catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');

    const already = AbortSignal.abort();
    expect(await httpFetch(`${base}/x`, { signal: already }).catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');
  });

  it('follows redirects as fetch does: 307 keeps the POST, 303 turns it into a GET, credentials stay on their origin', async () => {
    const other = createServer((request, response) => response.end(JSON.stringify({ auth: request.headers.authorization ?? null })));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
    try {
      handler = (request, body, response) => {
        if (request.url === '/307') return response.writeHead(307, { location: '/echo' }).end();
        if (request.url === '/303') return response.writeHead(303, { location: `${base}/echo` }).end();
        if (request.url === '/away') return response.writeHead(302, { location: `${otherBase}/` }).end();
        response.end(JSON.stringify({ method: request.method, body, auth: request.headers.authorization ?? null }));
      };
      const init = { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'text/plain' }, body: 'payload' };
      const kept = await httpFetch(`${base}/307`, init);
      expect(await kept.json()).toEqual({ method: 'POST', body: 'payload', auth: 'Bearer k' });
      expect(kept.url).toBe(`${base}/echo`);
      expect(await (await httpFetch(`${base}/303`, init)).json()).toEqual({ method: 'GET', body: '', auth: 'Bearer k' });
      expect(await (await httpFetch(`${base}/away`, init)).json()).toEqual({ auth: null });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('sends a request again, once, when the kept-alive connection it went out on turns out closed', async () => {
    const seen: string[] = [];
    handler = (request, body, response) => {
      seen.push(`${request.url} ${body}`);
      // As a server closing an idle connection just as a request arrives on it: no answer.
      if (request.url === '/always' || seen.length === 2) return void request.socket.destroy();
      response.end(`got ${body}`);
    };
    const body = new TextEncoder().encode('two');
    let given = 0;
    onBodyReleased(body, () => given++);
    expect(await (await httpFetch(`${base}/first`, { method: 'POST', body: 'one' })).text()).toBe('got one');
    expect(await (await httpFetch(`${base}/second`, { method: 'POST', body })).text()).toBe('got two');
    expect(seen).toEqual(['/first one', '/second two', '/second two']);
    await vi.waitFor(() => expect(given).toBe(1));

    // Once only, even with more kept-alive connections to try: a second failure fails the request.
    await Promise.all(['a', 'b', 'c'].map(async (name) => (await httpFetch(`${base}/${name}`, { method: 'POST', body: name })).text()));
    const failure = await httpFetch(`${base}/always`, { method: 'POST', body: 'x' }).catch((error: unknown) => error as TypeError);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe('fetch failed');
    expect(seen.filter((line) => line.startsWith('/always'))).toHaveLength(2);
  });

  it('gives a body back to its owner once the exchange is over, redirects followed, and not before', async () => {
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    handler = (request, body, response) => {
      if (request.url === '/307') return response.writeHead(307, { location: '/slow' }).end();
      // The answer waits until the test has seen that the body is still held.
      void answered.then(() => response.end(`got ${body}`));
    };
    const body = new TextEncoder().encode('the body');
    let given = 0;
    onBodyReleased(body, () => given++);
    const pending = httpFetch(`${base}/307`, { method: 'POST', body });
    await vi.waitFor(() => expect(connections).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(given).toBe(0);
    release();
    expect(await (await pending).text()).toBe('got the body');
    await vi.waitFor(() => expect(given).toBe(1));

    // A body nobody registered, or sent a second time, calls nothing.
    expect(await (await httpFetch(`${base}/x`, { method: 'POST', body })).text()).toBe('got the body');
    expect(given).toBe(1);
  });

  it('leaves a Request object, a streamed body and a proxied environment to the built-in fetch', async () => {
    handler = (_request, body, response) => response.end(`got ${body}`);
    const builtin = vi.spyOn(globalThis, 'fetch');
    await (await httpFetch(`${base}/plain`, { method: 'POST', body: 'a' })).text();
    expect(builtin).not.toHaveBeenCalled();

    expect(await (await httpFetch(new Request(`${base}/req`, { method: 'POST', body: 'b' }))).text()).toBe('got b');
    expect(builtin).toHaveBeenCalledTimes(1);
    const stream = new Blob(['c']).stream();
    expect(await (await httpFetch(`${base}/stream`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)).text()).toBe('got c');
    expect(builtin).toHaveBeenCalledTimes(2);
    vi.stubEnv('HTTPS_PROXY', 'http://127.0.0.1:9');
    try {
      expect(await (await httpFetch(`${base}/proxied`, { method: 'POST', body: 'd' })).text()).toBe('got d');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(builtin).toHaveBeenCalledTimes(3);
  });

  it('is what the SDK uses: a refused connection is a retryable connection failure, a cut stream is retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const builtin = vi.spyOn(globalThis, 'fetch');
    const failure = async (baseUrl: string) => {
      const provider = new OpenAIChatProvider({ id: 'openai', type: 'openai', api: 'chat', model: 'm', baseUrl, apiKey: 'k', settings: {} });
      try {
        for await (const _event of provider.stream({ model: 'm', system: 's', messages: [{ role: 'user', text: 'hi' }], tools: [] })) {
          // drain
        }
      } catch (error) {
        return classifyFailure('openai', error);
      }
      throw new Error('expected a failure');
    };
    const refused = await failure(`http://127.0.0.1:${port}/v1`);
    expect(refused.kind).toBe('connection');
    expect(refused.retryable).toBe(true);

    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"par"}}]}\n\n');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const cut = await failure(`${base}/v1`);
    expect(cut.retryable).toBe(true);
    expect(['connection', 'stream_cut']).toContain(cut.kind);
    expect(builtin).not.toHaveBeenCalled();
  });

  it('aborts on the caller signal given through fetchOptions, before the response and during its body', async () => {
    handler = (request, _body, response) => {
      if (request.url === '/late') {
        response.writeHead(200);
        response.write('start');
      } // '/early': never answers
    };
    const closed: string[] = [];
    server.once('request', (request: IncomingMessage) => request.socket.once('close', () => closed.push(request.url!)));
    const early = new AbortController();
    const pending = httpFetch(`${base}/early`, { ...callerSignal(early.signal) });
    setTimeout(() => early.abort(), 20);
    expect(await pending.catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');
    await vi.waitFor(() => expect(closed).toEqual(['/early']));

    const late = new AbortController();
    const own = new AbortController(); // the SDK's own signal, also honoured
    const response = await httpFetch(`${base}/late`, { signal: own.signal, ...callerSignal(late.signal) });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    expect(await reader.read().catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');
  });
});

describe.each([
  ['OpenAI chat', (connection: ProviderConnection) => new OpenAIChatProvider(connection)],
  ['OpenAI responses', (connection: ProviderConnection) => new OpenAIResponsesProvider({ ...connection, api: 'responses' })],
  ['Anthropic', (connection: ProviderConnection) => new AnthropicProvider({ ...connection, type: 'anthropic' })],
] as const)('%s through httpFetch', (_name, make) => {
  it('stops the request when the run is aborted, waiting for the answer or in the middle of it', async () => {
    for (const when of ['before headers', 'mid-stream']) {
      let opened!: () => void;
      const requestOpen = new Promise<void>((resolve) => (opened = resolve));
      let connectionClosed = false;
      handler = (request, _body, response) => {
        request.socket.once('close', () => (connectionClosed = true));
        if (when === 'mid-stream') {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write(': keep-alive\n\n');
        }
        opened(); // and never finishes
      };
      const provider = make({ id: 'p', type: 'openai', api: 'chat', model: 'm', baseUrl: `${base}/v1`, apiKey: 'k', settings: {} });
      const controller = new AbortController();
      const run = (async () => {
        try {
          for await (const _event of provider.stream({ model: 'm', system: 's', messages: [{ role: 'user', text: 'hi' }], tools: [], signal: controller.signal })) {
            // nothing comes
          }
          return 'ended';
        } catch (error) {
          return classifyFailure('p', error, controller.signal).kind;
        }
      })();
      await requestOpen;
      controller.abort();
      expect(await run).toBe('aborted');
      await vi.waitFor(() => expect(connectionClosed).toBe(true));
    }
  });
});
