import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/**
 * The `fetch` the provider SDKs are given: `node:http(s)` underneath instead of Node's built-in
 * fetch (undici).
 *
 * Why: undici's fetch reaches each request's objects (its body, headers, streams) through a
 * WeakRef held from a FinalizationRegistry, and V8's young-generation collector treats WeakRef
 * targets as live. So every finished request survives each scavenge until a full collection. In
 * the gateway at ~600 requests a second that promoted ~7 MB per scavenge, scavenges took 10-30 ms
 * and the old generation swelled to 300-400 MB between full collections (bench/gateway.ts,
 * --trace-gc). Here a finished request is garbage at once.
 *
 * It does what the SDKs ask of fetch: a URL, a method, headers, a string or bytes body, an abort
 * signal (and the caller's, see callerSignal), redirects followed; it returns a real `Response`
 * whose body streams. Failures look as they do from undici (`TypeError: fetch failed` before the
 * response, `TypeError: terminated` when the body is cut, the signal's reason when aborted), so
 * the SDKs and classifyFailure read them the same way. Anything else (a Request object, a
 * streamed or form body, another scheme) and any proxy set in the environment go to the built-in
 * fetch.
 */
export const httpFetch: typeof fetch = async (input, init) => {
  const caller = (init as CallerSignalInit | undefined)?.[CALLER_SIGNAL];
  const body = init?.body ?? undefined;
  const plainBody = body === undefined || typeof body === 'string' || body instanceof Uint8Array;
  const url = typeof input === 'string' || input instanceof URL ? new URL(input) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !plainBody || proxyConfigured()) {
    const signal = caller && init?.signal ? AbortSignal.any([init.signal, caller]) : (caller ?? init?.signal);
    return fetch(input, { ...init, signal });
  }
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
  const signals = [init?.signal, caller].filter((signal): signal is AbortSignal => Boolean(signal));
  return send({ url, method: (init?.method ?? 'GET').toUpperCase(), headers, body, signals, redirects: 0 });
};

/**
 * The caller's abort signal, for an SDK request: `{ fetchOptions: callerSignal(signal) }` instead of
 * `{ signal }`. Given `signal`, the OpenAI SDK ties it to its own with AbortSignal.any (the
 * Anthropic SDK with a FinalizationRegistry): WeakRef bookkeeping per request again, which keeps
 * what it reaches alive through scavenges (in one heap sample of the gateway bench, the Set,
 * WeakRef and registry allocations of AbortSignal.any were ~19% of what survived a scavenge).
 * The SDKs pass fetchOptions through to fetch, where httpFetch listens to both signals with plain
 * listeners and removes them when the request is over.
 */
export function callerSignal(signal: AbortSignal | undefined): Omit<RequestInit, 'body' | 'headers' | 'method' | 'signal'> {
  const options: { [CALLER_SIGNAL]?: AbortSignal } = signal ? { [CALLER_SIGNAL]: signal } : {};
  return options as Omit<RequestInit, 'body' | 'headers' | 'method' | 'signal'>;
}

/**
 * Request options that send `body`, JSON already serialized, as it is. Given the params object,
 * the OpenAI SDK serializes it with a replacer function that visits every value (to spot the
 * `stream` flag): in a long conversation that cost more than anything else in a request, 15% of
 * the gateway's CPU in a profile of bench/gateway.ts. The SDK still takes `stream` from the params.
 */
export function jsonBody<Body extends string | Uint8Array>(body: Body): { body: Body; headers: { 'content-type': string } } {
  return { body, headers: { 'content-type': 'application/json' } };
}

/**
 * Calls `listener` once httpFetch is done with `body`: its request was answered (redirects
 * followed) or failed. Then its owner may write the next request into the same memory instead of
 * allocating a body per request. A body that never reaches httpFetch (the built-in fetch took the
 * request, or it was never sent) never calls it: its memory stays the request's.
 */
export function onBodyReleased(body: Uint8Array, listener: () => void): void {
  releaseListeners.set(body, listener);
}

const releaseListeners = new WeakMap<Uint8Array, () => void>();

const CALLER_SIGNAL: unique symbol = Symbol('openclaw.callerSignal');
type CallerSignalInit = RequestInit & { [CALLER_SIGNAL]?: AbortSignal };

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  /** Any of them aborting aborts the request, its body included. */
  signals: AbortSignal[];
  redirects: number;
  /** Sent again on a new connection after a kept-alive one turned out closed (at most once). */
  resent?: boolean;
}

/** fetch's limit. */
const MAX_REDIRECTS = 20;
/** How a write to a connection the other side has just closed fails. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

async function send(outgoing: Outgoing): Promise<Response> {
  const { url, method, headers, body, signals } = outgoing;
  const secure = url.protocol === 'https:' ? await https() : undefined;
  const abortedBy = () => signals.find((signal) => signal.aborted);
  if (abortedBy()) throw abortReason(abortedBy()!);
  return new Promise<Response>((resolve, reject) => {
    let bodyReleased = body instanceof Uint8Array ? releaseListeners.get(body) : undefined;
    if (bodyReleased) releaseListeners.delete(body as Uint8Array);
    const requestHeaders: OutgoingHttpHeaders = { ...headers };
    if (body !== undefined) requestHeaders['content-length'] = Buffer.byteLength(body);
    const agent = secure ? (httpsAgent ??= new secure.Agent({ keepAlive: true })) : (httpAgent ??= new HttpAgent({ keepAlive: true }));
    /** The body goes out again in another exchange, which releases it instead. */
    const handOnBody = () => {
      if (bodyReleased) releaseListeners.set(body as Uint8Array, bodyReleased);
      bodyReleased = undefined;
    };
    let answered = false;
    const request = (secure?.request ?? httpRequest)(url, { method, headers: requestHeaders, agent }, (incoming) => {
      answered = true;
      const location = incoming.headers.location;
      if (location !== undefined && isRedirect(incoming.statusCode)) {
        handOnBody();
        release();
        incoming.resume();
        redirect({ ...outgoing, resent: false }, incoming.statusCode!, location).then(resolve, reject);
        return;
      }
      resolve(toResponse(incoming, url, abortedBy, release));
    });
    // Plain listeners, removed when the request is over: nothing is left for a GC to find.
    const onAbort = () => request.destroy(abortReason(abortedBy()!) as Error);
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
    const release = () => {
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
    };
    request.once('error', (error) => {
      release();
      const aborted = abortedBy();
      // A kept-alive connection the server closed as this request went out (its idle timeout):
      // the server never saw the request, so it goes again once, on a new connection. Node's
      // documentation of request.reusedSocket describes this race and this remedy.
      if (!aborted && !answered && request.reusedSocket && !outgoing.resent && STALE_CONNECTION.has((error as NodeJS.ErrnoException).code ?? '')) {
        handOnBody();
        send({ ...outgoing, resent: true }).then(resolve, reject);
        return;
      }
      reject(aborted ? abortReason(aborted) : new TypeError('fetch failed', { cause: error }));
    });
    // Once this exchange is over (answered or failed), nothing reads the body, unless a redirect
    // sends it again: then the next exchange releases it.
    if (bodyReleased) request.once('close', () => bodyReleased?.());
    request.end(body);
  });
}

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** As fetch follows one: 303 (and 301/302 after a POST) turn into a body-less GET; credentials stay on their origin. */
function redirect(outgoing: Outgoing, status: number, location: string): Promise<Response> {
  if (outgoing.redirects >= MAX_REDIRECTS) return Promise.reject(new TypeError('fetch failed', { cause: new Error('redirect count exceeded') }));
  const url = new URL(location, outgoing.url);
  const headers = { ...outgoing.headers };
  let { method, body } = outgoing;
  if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
    method = 'GET';
    body = undefined;
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete headers[name];
  }
  if (url.origin !== outgoing.url.origin) delete headers.authorization;
  return send({ ...outgoing, url, method, headers, body, redirects: outgoing.redirects + 1 });
}

function toResponse(incoming: IncomingMessage, url: URL, abortedBy: () => AbortSignal | undefined, release: () => void): Response {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const status = incoming.statusCode ?? 0;
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY_STATUS.has(status)) {
    release();
    incoming.resume();
  } else {
    body = readable(decoded(incoming, headers.get('content-encoding')), incoming, abortedBy);
    incoming.once('close', release);
  }
  const response = new Response(body, { status, statusText: incoming.statusMessage ?? '', headers });
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}

/** The body, decompressed when the server compressed it anyway (nothing here asks it to). */
function decoded(incoming: IncomingMessage, encoding: string | null): Readable {
  const decoder = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress }[encoding?.trim().toLowerCase() ?? ''];
  if (!decoder) return incoming;
  const stream = decoder();
  incoming.once('error', (error) => stream.destroy(error));
  return incoming.pipe(stream);
}

/**
 * A byte stream over the body, pulling as its reader reads. A body cut short (the connection
 * closed before its end) fails the stream with undici's `TypeError: terminated`.
 */
function readable(source: Readable, incoming: IncomingMessage, abortedBy: () => AbortSignal | undefined): ReadableStream<Uint8Array> {
  let settled = false;
  const underlying: UnderlyingDefaultSource<Uint8Array> = {
    start(controller) {
      const fail = (cause: unknown) => {
        if (settled) return;
        settled = true;
        const aborted = abortedBy();
        controller.error(aborted ? abortReason(aborted) : new TypeError('terminated', { cause }));
      };
      source.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) source.pause();
      });
      source.once('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      source.once('error', fail);
      incoming.once('close', () => {
        if (!incoming.complete) fail(new Error('other side closed'));
      });
    },
    pull() {
      source.resume();
    },
    cancel() {
      settled = true;
      incoming.destroy();
    },
  };
  // Up to 64 KiB read ahead: pausing the socket after every chunk would cost more than it saves.
  return new ReadableStream(underlying, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A proxy in the environment is the built-in fetch's to honour (Node's NODE_USE_ENV_PROXY), not ours. */
function proxyConfigured(): boolean {
  const env = process.env;
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** Connections are kept open between requests, as fetch keeps them (idle ones do not hold the process). */
let httpAgent: HttpAgent | undefined;
let httpsAgent: HttpsAgent | undefined;

let httpsModule: Promise<typeof import('node:https')> | undefined;

/** Loaded only for an https URL: TLS costs start-up time that a local model does not need. */
function https(): Promise<typeof import('node:https')> {
  return (httpsModule ??= import('node:https'));
}
