import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { WsClient, WsMethodHandler, WsMethods } from '../channels/types.js';
import { OpenclawError, errorMessage } from '../errors.js';
import { validate } from '../schema.js';
import { randomHex } from '../store/ids.js';
import type { FailedAuthLimiter, TokenCheck } from './auth.js';
import { clientAddress } from '../channels/http.js';
import type { GatewayLogger } from './logger.js';
import { frameSchema, PROTOCOL_VERSION, type RequestFrame, type ResponseFrame } from './protocol.js';

export interface WsEndpointOptions {
  tokens: TokenCheck;
  limiter: FailedAuthLimiter;
  /** Whether a browser page of this origin may connect (the gateway's own origin always may). */
  originAllowed: (origin: string, request: IncomingMessage) => boolean;
  maxFrameBytes: number;
  /** How long a connection without the Authorization header has to send its `connect` frame. */
  connectTimeoutMs: number;
  logger: GatewayLogger;
  /** What `connect` answers with, besides the protocol version and the method names. */
  hello: () => Record<string, unknown>;
}

/** Frames larger than this before authentication close the connection. */
const PRE_AUTH_MAX_BYTES = 16 * 1024;
/** A client this far behind on events is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const MAX_UNAUTHENTICATED = 256;

/**
 * The gateway's WebSocket endpoint: checks `Origin` and any `Authorization` header before the
 * upgrade, then speaks the request/response/event protocol of docs/gateway.md. Methods are
 * added by the gateway (sessions, health, status) and by channel adapters (chat).
 */
export class WsEndpoint implements WsMethods {
  private readonly methods = new Map<string, WsMethodHandler>();
  private readonly server: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private unauthenticated = 0;

  constructor(private readonly options: WsEndpointOptions) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  }

  add(method: string, handler: WsMethodHandler): void {
    this.methods.set(method, handler);
  }

  get clientCount(): number {
    return this.connections.size;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { limiter, tokens, logger } = this.options;
    const address = clientAddress(request);
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '/ws') return refuse(socket, 404, 'no WebSocket endpoint here; connect to /ws');
    const origin = request.headers.origin;
    if (origin !== undefined && !this.options.originAllowed(origin, request)) {
      logger.warn({ address, origin }, 'WebSocket refused: foreign origin');
      return refuse(socket, 403, `origin ${origin} may not open the gateway's WebSocket`);
    }
    const retryAfter = limiter.retryAfter(address);
    if (retryAfter > 0) return refuse(socket, 429, 'too many failed authentication attempts; try again later', { 'retry-after': String(retryAfter) });
    let authenticated = false;
    if (request.headers.authorization !== undefined) {
      if (!tokens.matchesHeader(request.headers.authorization)) {
        limiter.fail(address);
        logger.warn({ address }, 'WebSocket refused: wrong token');
        return refuse(socket, 401, 'wrong token', { 'www-authenticate': 'Bearer' });
      }
      authenticated = true;
    } else if (this.unauthenticated >= MAX_UNAUTHENTICATED) {
      return refuse(socket, 503, 'too many connections waiting to authenticate');
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, address, authenticated));
  }

  /** Closes every connection (the gateway is stopping). */
  closeAll(code = 1001, reason = 'the gateway is shutting down'): void {
    for (const connection of this.connections) connection.ws.close(code, reason);
  }

  /** Drops connections that did not go away after `closeAll`. */
  terminateAll(): void {
    for (const connection of this.connections) connection.ws.terminate();
    this.server.close();
  }

  private accept(ws: WebSocket, address: string, authenticated: boolean): void {
    const connection = new Connection(ws, `c${randomHex(4)}`, authenticated);
    this.connections.add(connection);
    const { logger } = this.options;
    let timer: NodeJS.Timeout | undefined;
    if (!authenticated) {
      this.unauthenticated++;
      timer = setTimeout(() => ws.close(1008, 'authentication timed out: send a connect frame with the token first'), this.options.connectTimeoutMs);
    }
    const authenticate = () => {
      if (connection.authenticated) return;
      connection.authenticated = true;
      this.unauthenticated--;
      clearTimeout(timer);
    };
    ws.on('message', (data, isBinary) => {
      if (!connection.authenticated && byteLength(data) > PRE_AUTH_MAX_BYTES) {
        ws.close(1009, 'frame too large before authentication');
        return;
      }
      this.onFrame(connection, data, isBinary, address, authenticate).catch((error: unknown) => {
        logger.error({ conn: connection.id, err: errorMessage(error) }, 'WebSocket frame failed');
      });
    });
    ws.on('error', (error) => logger.warn({ conn: connection.id, err: errorMessage(error) }, 'WebSocket error'));
    ws.on('close', () => {
      clearTimeout(timer);
      if (!connection.authenticated) this.unauthenticated--;
      this.connections.delete(connection);
      connection.closed();
    });
  }

  private async onFrame(connection: Connection, data: RawData, isBinary: boolean, address: string, authenticate: () => void): Promise<void> {
    const { logger, limiter, tokens } = this.options;
    let frame: RequestFrame;
    try {
      if (isBinary) throw new OpenclawError('bad_frame', 'frames are JSON text, not binary');
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawText(data));
      } catch {
        throw new OpenclawError('bad_frame', 'the frame is not valid JSON');
      }
      const issues = validate(frameSchema, parsed);
      if (issues.length > 0) throw new OpenclawError('bad_frame', `not a request frame: ${issues[0].path.join('.') || 'frame'} ${issues[0].message}; send {"type":"req","id":…,"method":…,"params":{…}}`);
      frame = parsed as RequestFrame;
    } catch (error) {
      connection.respond({ type: 'res', id: null, ok: false, error: errorBody(error) });
      if (!connection.authenticated) connection.ws.close(1008, 'the first frame must be a connect request');
      return;
    }

    if (frame.method === 'connect') {
      if (!connection.authenticated) {
        const retryAfter = limiter.retryAfter(address);
        const token = frame.params?.token;
        if (retryAfter > 0 || !tokens.matches(typeof token === 'string' ? token : undefined)) {
          if (retryAfter === 0) limiter.fail(address);
          const error = retryAfter > 0 ? { code: 'rate_limited', message: 'too many failed authentication attempts; try again later', retryAfter } : { code: 'unauthorized', message: 'wrong or missing token' };
          logger.warn({ conn: connection.id, address }, 'WebSocket connect refused');
          connection.respond({ type: 'res', id: frame.id, ok: false, error });
          connection.ws.close(1008, error.message);
          return;
        }
        authenticate();
      }
      connection.respond({ type: 'res', id: frame.id, ok: true, payload: { protocol: PROTOCOL_VERSION, methods: ['connect', ...this.methods.keys()], ...this.options.hello() } });
      return;
    }
    if (!connection.authenticated) {
      connection.respond({ type: 'res', id: frame.id, ok: false, error: { code: 'unauthorized', message: 'send a connect frame with the token first' } });
      connection.ws.close(1008, 'the first frame must be a connect request');
      return;
    }
    const handler = this.methods.get(frame.method);
    if (!handler) {
      connection.respond({ type: 'res', id: frame.id, ok: false, error: { code: 'unknown_method', message: `unknown method "${frame.method}"; known: ${['connect', ...this.methods.keys()].join(', ')}` } });
      return;
    }
    const requestId = `${connection.id}-${randomHex(3)}`;
    try {
      const payload = await handler(frame.params ?? {}, connection, requestId);
      connection.respond({ type: 'res', id: frame.id, ok: true, payload: payload ?? {} });
    } catch (error) {
      if (!(error instanceof OpenclawError)) logger.error({ reqId: requestId, method: frame.method, err: errorMessage(error) }, 'WebSocket method failed');
      connection.respond({ type: 'res', id: frame.id, ok: false, error: errorBody(error) });
    }
  }
}

class Connection implements WsClient {
  private seq = 0;
  private corked = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly ws: WebSocket,
    readonly id: string,
    public authenticated: boolean,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  push(event: string, payload: unknown): void {
    this.send({ type: 'event', event, payload, seq: ++this.seq });
  }

  respond(frame: ResponseFrame): void {
    this.send(frame);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  closed(): void {
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private send(frame: unknown): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.cork();
    this.ws.send(JSON.stringify(frame));
  }

  /**
   * A run's events come in bursts (a delta, usage, done): the frames of one tick leave in one
   * write instead of one system call each. (`_socket` is ws's own socket; without it, no batching.)
   */
  private cork(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }
}

function errorBody(error: unknown): { code: string; message: string; hint?: string } {
  if (error instanceof OpenclawError) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'internal', message: 'internal error; see the gateway log' };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}

/** Answers an upgrade request with a plain HTTP error: the WebSocket is never opened. */
function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const reasons: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
