import WebSocket from 'ws';
import { ExitCode, OpenclawError } from '../errors.js';
import type { EventFrame, ResponseFrame } from './protocol.js';

/**
 * A client of the gateway's WebSocket protocol: `openclaw chat --remote` uses it, and so can
 * any script. Authenticates with the Authorization header.
 */
export class GatewayClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (payload: unknown) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(event: string, payload: any) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: ResponseFrame | EventFrame;
      try {
        frame = JSON.parse(data.toString()) as ResponseFrame | EventFrame;
      } catch {
        return;
      }
      if (frame.type === 'event') {
        for (const listener of this.listeners) listener(frame.event, frame.payload);
        return;
      }
      const waiter = typeof frame.id === 'number' ? this.waiting.get(frame.id) : undefined;
      if (!waiter) return;
      this.waiting.delete(frame.id as number);
      if (frame.ok) waiter.resolve(frame.payload);
      else waiter.reject(new OpenclawError(frame.error.code, frame.error.message, { hint: frame.error.hint }));
    });
    socket.on('close', (code, reason) => {
      const error = new OpenclawError('gateway_disconnected', `the gateway closed the connection (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  /** Connects to `http(s)://host:port` (or a ws URL), presenting the token. */
  static connect(url: string, token: string, options: { timeoutMs?: number } = {}): Promise<GatewayClient> {
    const target = new URL(url);
    target.protocol = target.protocol === 'https:' || target.protocol === 'wss:' ? 'wss:' : 'ws:';
    if (target.pathname === '/' || target.pathname === '') target.pathname = '/ws';
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(target, { headers: { authorization: `Bearer ${token}` }, handshakeTimeout: options.timeoutMs ?? 10_000 });
      socket.once('open', () => resolve(new GatewayClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        socket.terminate();
        reject(
          new OpenclawError('gateway_refused', `the gateway at ${url} refused the connection (HTTP ${status})`, {
            exitCode: ExitCode.usage,
            hint: status === 401 ? 'The token is wrong: set OPENCLAW_GATEWAY_TOKEN to the one in $OPENCLAW_HOME/gateway/token on the gateway machine.' : undefined,
          }),
        );
      });
      socket.once('error', (error) =>
        reject(
          new OpenclawError('gateway_unreachable', `cannot reach the gateway at ${url}: ${error.message}`, {
            hint: 'Start it with `openclaw serve start`, or pass its address: --remote http://host:18789.',
          }),
        ),
      );
    });
  }

  request<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (payload: unknown) => void, reject });
      this.socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  onEvent(listener: (event: string, payload: any) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: () => void): void {
    this.socket.on('close', listener);
  }

  close(): void {
    this.socket.close();
  }
}
