import WebSocket from 'ws';
import type { AgentEvent, DoneEvent } from '../agent/events.js';
import type { Receipt } from '../channels/types.js';
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
  /** Runs followed by `chat`, by the gateway's message id. */
  private readonly runs = new Map<string, { event: (event: AgentEvent) => void; fail: (error: Error) => void }>();
  private closed: OpenclawError | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: ResponseFrame | EventFrame;
      try {
        frame = JSON.parse(data.toString()) as ResponseFrame | EventFrame;
      } catch {
        return;
      }
      if (frame.type === 'event') {
        const payload = frame.payload as (AgentEvent & { key: string; messageId: string }) | null;
        const run = typeof payload?.messageId === 'string' ? this.runs.get(payload.messageId) : undefined;
        if (run) {
          const { key: _key, messageId: _id, ...event } = payload!;
          run.event(event as AgentEvent);
        }
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
      this.closed = error;
      for (const run of this.runs.values()) run.fail(error);
      this.runs.clear();
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
    return this.call(method, params, (payload) => payload as T);
  }

  /**
   * Sends a message (`chat.send`) and follows its run: `onEvent` gets each of the run's events
   * (without the key and message id their frames carry), and `done` resolves with its `done`
   * event. The gateway acknowledges a message before its run's first event, and this client
   * learns the run's id while reading the acknowledgement, before the next frame: so no event is
   * missed, however the frames arrive batched (awaiting `receipt` and then filtering events by its
   * id would miss those read in the same chunk). A duplicate message id has no run to follow, and
   * a closed connection ends the run for this client: `done` rejects then (the run goes on at the
   * gateway, and its reply stays in the session).
   */
  chat(params: { key?: string; text: string; messageId?: string }, onEvent: (event: AgentEvent) => void = () => undefined): { receipt: Promise<Receipt>; done: Promise<DoneEvent> } {
    let settle!: { resolve: (done: DoneEvent) => void; reject: (error: Error) => void };
    const done = new Promise<DoneEvent>((resolve, reject) => (settle = { resolve, reject }));
    done.catch(() => undefined); // a caller that only wants the receipt need not handle it
    const receipt = this.call('chat.send', params, (payload) => {
      const receipt = payload as Receipt;
      if (receipt.status !== 'accepted') {
        settle.reject(new OpenclawError('duplicate', `message ${params.messageId ?? ''} was sent before (${receipt.status === 'duplicate' ? receipt.state : receipt.status}): it is not run again`));
        return receipt;
      }
      const id = receipt.messageId;
      this.runs.set(id, {
        event: (event) => {
          onEvent(event);
          if (event.type !== 'done') return;
          this.runs.delete(id);
          settle.resolve(event);
        },
        fail: settle.reject,
      });
      return receipt;
    });
    receipt.catch((error: Error) => settle.reject(error));
    return { receipt, done };
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

  /** A request whose response payload `accept` sees as soon as its frame is read. */
  private call<T>(method: string, params: Record<string, unknown>, accept: (payload: unknown) => T): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (payload) => resolve(accept(payload)), reject });
      this.socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }
}
