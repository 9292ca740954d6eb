import { errorMessage } from '../errors.js';
import type { ChannelHealth, ChannelLog } from './types.js';

export interface RetryTiming {
  /** First wait after a failure; doubled per consecutive failure. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryTiming = { baseMs: 1_000, maxMs: 60_000 };

/**
 * One connection attempt: resolves or throws when the connection ends (it failed to come up, or
 * it was lost), calling `connected` once it is up. `signal` aborts on stop.
 */
export type Connect = (connected: (detail: string) => void, signal: AbortSignal) => Promise<void>;

type State = 'starting' | 'connected' | 'retrying' | 'misconfigured' | 'stopped';

/**
 * Keeps a channel's connection to its chat service up, and says how it is doing. A failure to
 * connect, or a lost connection, is logged as an error and retried with exponential backoff,
 * forever: a chat service being down never takes the gateway down, and the channel comes back
 * by itself. `health()` is what `openclaw channels status` and `serve status` show.
 */
export class ConnectionSupervisor {
  private state: State = 'starting';
  private detail = '';
  private failures = 0;
  private lastError: { message: string; at: string } | undefined;
  private lastInbound: string | undefined;
  private connectedSince: string | undefined;
  private retryAt: number | undefined;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly channel: string,
    private readonly log: ChannelLog,
    private readonly timing: RetryTiming = DEFAULT_RETRY,
  ) {}

  /** Starts connecting in the background; never throws. */
  start(connect: Connect): void {
    this.loop ??= this.run(connect);
  }

  /** A configuration problem no retry can fix: reported, not retried. */
  misconfigured(problem: string): void {
    this.state = 'misconfigured';
    this.lastError = { message: problem, at: new Date().toISOString() };
    this.log.error({ channel: this.channel }, `${this.channel} is not started: ${problem}`);
  }

  /** A message arrived from the chat service. */
  inbound(): void {
    this.lastInbound = new Date().toISOString();
  }

  /** Something went wrong that does not end the connection (a reply that could not be sent). */
  error(error: unknown): void {
    this.lastError = { message: errorMessage(error), at: new Date().toISOString() };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async stop(): Promise<void> {
    if (this.state !== 'misconfigured') this.state = 'stopped';
    this.controller.abort();
    await this.loop;
  }

  health(): ChannelHealth {
    const ok = this.state === 'connected';
    const parts: string[] = [];
    if (this.state === 'connected') parts.push(`connected${this.detail ? ` ${this.detail}` : ''}`);
    else if (this.state === 'retrying') parts.push(`disconnected, retrying in ${Math.max(0, Math.ceil(((this.retryAt ?? Date.now()) - Date.now()) / 1000))} s (${this.failures} failure${this.failures === 1 ? '' : 's'} in a row)`);
    else parts.push(this.state);
    if (this.lastInbound) parts.push(`last inbound ${this.lastInbound}`);
    if (this.lastError && !ok) parts.push(`last error: ${this.lastError.message}`);
    return {
      ok,
      detail: parts.join('; '),
      state: this.state,
      connected: ok,
      ...(this.connectedSince && ok ? { connectedSince: this.connectedSince } : {}),
      ...(this.lastInbound ? { lastInboundAt: this.lastInbound } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.state === 'retrying' && this.retryAt ? { retryAt: new Date(this.retryAt).toISOString() } : {}),
    };
  }

  private async run(connect: Connect): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      let wasConnected = false;
      try {
        await connect((detail) => {
          wasConnected = true;
          const recovered = this.failures > 0;
          this.failures = 0;
          this.state = 'connected';
          this.detail = detail;
          this.connectedSince = new Date().toISOString();
          this.log.info({ channel: this.channel, detail }, recovered ? `${this.channel} reconnected` : `${this.channel} connected`);
        }, signal);
        if (signal.aborted) break;
        throw new Error('the connection ended');
      } catch (error) {
        if (signal.aborted) break;
        this.failures++;
        const delay = Math.min(this.timing.maxMs, this.timing.baseMs * 2 ** (this.failures - 1));
        this.lastError = { message: errorMessage(error), at: new Date().toISOString() };
        this.state = 'retrying';
        this.retryAt = Date.now() + delay;
        this.log.error(
          { channel: this.channel, err: this.lastError.message, failures: this.failures, retryInMs: delay },
          `${this.channel} ${wasConnected ? 'lost its connection' : 'could not connect'}: ${this.lastError.message}; retrying in ${Math.round(delay / 100) / 10} s`,
        );
        await sleep(delay, signal);
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Resolves once `signal` aborts: a connection that stays up until the channel stops. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
