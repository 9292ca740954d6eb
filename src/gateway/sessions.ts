import type { Agent } from '../agent/runtime.js';
import { SessionStore, type OpenSession, type SessionMeta } from '../store/sessions.js';
import type { StorePaths } from '../store/paths.js';

/**
 * The gateway's view of the store: session index lines are written behind the turns, at most
 * once a second, all changed lines in one write. The index is a cache of the transcripts (rebuilt
 * from them when lost), so a reply need not wait for the store lock, and a busy gateway does not
 * rewrite the index for every turn. `flush` writes what is pending, before the gateway exits.
 */
export class WriteBehindSessionStore extends SessionStore {
  private readonly pending = new Map<string, SessionMeta>();
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(
    paths: StorePaths,
    private readonly onError: (error: unknown) => void,
  ) {
    super(paths);
  }

  override put(meta: SessionMeta): Promise<void> {
    // The caller's own object, not a copy: the session goes on changing it turn by turn, and the
    // index should get its state when the line is written (SessionStore.put copies it then).
    this.pending.set(meta.id, meta);
    this.timer ??= setTimeout(() => this.write(), WRITE_BEHIND_MS);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    this.write();
    return this.last;
  }

  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Lines put in one tick go to the index in one write.
    for (const meta of this.pending.values()) this.last = super.put(meta).catch(this.onError);
    this.pending.clear();
  }
}

const WRITE_BEHIND_MS = 1_000;

/** A session the gateway holds open for writing, with the one Agent that serves it. */
export interface HeldSession {
  key: string;
  session: OpenSession;
  agent: Agent;
  busy: boolean;
  /** When it was last given back, on the monotonic clock: a wall-clock jump must not close or keep it. */
  lastUsed: number;
}

export interface SessionPoolOptions {
  store: SessionStore;
  /** Opens (or, without an id, creates) the session of a key, with its Agent. */
  open: (key: string, sessionId: string | undefined) => Promise<{ session: OpenSession; agent: Agent }>;
  /** Sessions unused this long are closed: their writer lock released, their history dropped. */
  idleMs: number;
}

/**
 * The sessions the gateway serves, by session key. A session is opened on its first message and
 * closed after `idleMs` without one, so the gateway's memory holds only the conversations in use,
 * and the CLI can open a gateway session again once it is idle. Callers are the lanes: one run
 * per key at a time, so a key is never taken twice at once.
 */
export class SessionPool {
  private readonly held = new Map<string, HeldSession>();
  /** Session key → session id, of every session in the store that has a key. */
  private keys: Promise<Map<string, string>> | undefined;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionPoolOptions) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(options.idleMs, 30_000)).unref();
  }

  get openCount(): number {
    return this.held.size;
  }

  async sessionIdFor(key: string): Promise<string | undefined> {
    return (await this.keyIndex()).get(key);
  }

  /** The held session of a key, opened or created if need be, marked busy. */
  async take(key: string): Promise<HeldSession> {
    let held = this.held.get(key);
    if (!held) {
      const keys = await this.keyIndex();
      const opened = await this.options.open(key, keys.get(key));
      keys.set(key, opened.session.id);
      held = { key, ...opened, busy: false, lastUsed: performance.now() };
      this.held.set(key, held);
    }
    held.busy = true;
    return held;
  }

  /** Starts a new session for a key and holds it; the key's old session stays in the store. */
  async renew(key: string): Promise<string> {
    const old = this.held.get(key);
    if (old) this.discard(old);
    const keys = await this.keyIndex();
    const opened = await this.options.open(key, undefined);
    keys.set(key, opened.session.id);
    this.held.set(key, { key, ...opened, busy: false, lastUsed: performance.now() });
    return opened.session.id;
  }

  /** The held session of a key, if it is open. */
  peek(key: string): HeldSession | undefined {
    return this.held.get(key);
  }

  give(held: HeldSession): void {
    held.busy = false;
    held.lastUsed = performance.now();
  }

  /** Forgets a held session (idle, or after a failure that may have left its Agent unusable). */
  discard(held: HeldSession): void {
    this.held.delete(held.key);
    held.agent.close().catch(() => undefined);
  }

  closeIdle(now = performance.now()): void {
    for (const held of this.held.values()) {
      if (!held.busy && now - held.lastUsed >= this.options.idleMs) this.discard(held);
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const closing = [...this.held.values()].map((held) => held.agent.close().catch(() => undefined));
    this.held.clear();
    await Promise.all(closing);
  }

  private keyIndex(): Promise<Map<string, string>> {
    this.keys ??= this.options.store.list().then((sessions) => {
      const keys = new Map<string, string>();
      // Most recent first: should two sessions carry one key, the newer one continues.
      for (const meta of sessions) if (meta.key && !keys.has(meta.key)) keys.set(meta.key, meta.id);
      return keys;
    });
    this.keys.catch(() => {
      this.keys = undefined;
    });
    return this.keys;
  }
}
