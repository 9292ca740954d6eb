import { closeSync, fdatasync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InboundEnvelope } from '../channels/types.js';
import { LineBatch } from './line-batch.js';

/**
 * The gateway's inbound log, `$OPENCLAW_HOME/gateway/inbound.jsonl`: every message the gateway
 * accepts, and what became of it. Append-only JSON lines, written in order (the records of one
 * turn of the event loop in one `write()`, and always before a sync), so a kill -9 leaves at most
 * one torn line at the end:
 *
 *   {"op":"received","id":"m_…","key":"webchat:dm:ana","envelope":{…},"ts":"…"}
 *   {"op":"running","id":"m_…","session":"<session id>","after":"<last entry id before the run>","ts":"…"}
 *   {"op":"done","id":"m_…","status":"ok","ts":"…"}
 *   {"op":"seen","id":"m_…","dedupe":"webchat:<channel message id>"}   (written by compaction)
 *
 * `received` and `running` are on disk (fdatasync) before the message is acknowledged or its run
 * starts; concurrent appends share one sync. `done` is synced lazily: losing it only means the
 * transcript is checked again on the next start. On open, the log is rewritten with just the
 * messages not done and the channel ids recently seen, and the rewrite repeats as it grows.
 */
export type InboundRecord =
  | { op: 'received'; id: string; key: string; envelope: InboundEnvelope; ts: string }
  | { op: 'running'; id: string; session: string; after: string | null; ts: string }
  | { op: 'done'; id: string; status: string; ts: string }
  | { op: 'seen'; id: string; dedupe: string };

export type MessageState = 'received' | 'running' | 'done';

/** A message accepted but not done: what a restart resumes. */
export interface PendingMessage {
  id: string;
  key: string;
  envelope: InboundEnvelope;
  received: string;
  /** Set once its run started: the session and the transcript entry the run began after. */
  running?: { session: string; after: string | null };
}

/** Channel message ids remembered after their message is done, for at-most-once processing. */
const DEDUPE_MEMORY = 10_000;
/** Appends between two rewrites of the file. */
const COMPACT_EVERY = 50_000;
const LAZY_SYNC_MS = 1_000;

export class InboundLog {
  private fd: number;
  private readonly pending = new Map<string, PendingMessage>();
  /** Channel message id → gateway message id, for every message not done. */
  private readonly pendingDedupe = new Map<string, string>();
  /** The same for done messages, oldest first, at most DEDUPE_MEMORY. */
  private readonly doneDedupe = new Map<string, string>();
  private appends = 0;
  private written = 0;
  private synced = 0;
  /** An fdatasync is in flight. */
  private syncing = false;
  /** One is due at the end of this loop turn. */
  private syncScheduled = false;
  private readonly waiters: Array<{ upTo: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  private lazySync: NodeJS.Timeout | undefined;
  private closed = false;
  /** Records appended and not yet written: written at the end of the loop turn, or by `sync`. */
  private readonly lines = new LineBatch(() => this.fd, { keepOnError: true });

  private constructor(private readonly path: string) {
    this.fd = -1;
  }

  /** Reads the log (repairing a torn tail), rewrites it compactly, and opens it for appending. */
  static open(path: string): { log: InboundLog; pending: PendingMessage[] } {
    const log = new InboundLog(path);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let record: InboundRecord;
      try {
        record = JSON.parse(line) as InboundRecord;
      } catch {
        continue; // a torn last line: the message it began was never acknowledged
      }
      log.apply(record);
    }
    log.compact();
    return { log, pending: [...log.pending.values()] };
  }

  /** The state of a channel message id already seen, if it was. */
  lookup(channel: string, messageId: string | undefined): { id: string; state: MessageState } | undefined {
    if (messageId === undefined) return undefined;
    const dedupe = dedupeKey(channel, messageId);
    const pendingId = this.pendingDedupe.get(dedupe);
    if (pendingId) return { id: pendingId, state: this.pending.get(pendingId)?.running ? 'running' : 'received' };
    const doneId = this.doneDedupe.get(dedupe);
    return doneId ? { id: doneId, state: 'done' } : undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Records a new message; resolves once it is on disk. */
  received(id: string, key: string, envelope: InboundEnvelope): Promise<void> {
    this.append({ op: 'received', id, key, envelope, ts: new Date().toISOString() });
    return this.sync();
  }

  /** Records that a message's run starts; resolves once it is on disk. */
  running(id: string, session: string, after: string | null): Promise<void> {
    this.append({ op: 'running', id, session, after, ts: new Date().toISOString() });
    return this.sync();
  }

  done(id: string, status: string): void {
    this.append({ op: 'done', id, status, ts: new Date().toISOString() });
    this.lazySync ??= setTimeout(() => {
      this.lazySync = undefined;
      this.sync().catch(() => undefined);
    }, LAZY_SYNC_MS).unref();
    if (this.appends >= COMPACT_EVERY && !this.syncing) this.compact();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.lazySync);
    await this.sync().catch(() => undefined);
    this.closed = true;
    closeSync(this.fd);
  }

  private append(record: InboundRecord): void {
    if (this.closed) throw new Error('the inbound log is closed');
    this.apply(record);
    this.lines.write(`${JSON.stringify(record)}\n`);
    this.appends++;
    this.written++;
  }

  /**
   * Resolves once everything appended so far is on disk. One fdatasync serves every record
   * appended before it starts, and it starts at the end of the loop turn rather than at once: a
   * message and the start of its run, appended in the same turn, share one sync (each sync is a
   * wait that a busy disk can stretch to tens of milliseconds).
   */
  private sync(): Promise<void> {
    const upTo = this.written;
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.scheduleSync();
    });
  }

  private scheduleSync(): void {
    if (this.syncing || this.syncScheduled) return;
    this.syncScheduled = true;
    setImmediate(() => {
      this.syncScheduled = false;
      this.startSync();
    });
  }

  private startSync(): void {
    if (this.syncing || this.waiters.length === 0) return;
    const upTo = this.written;
    try {
      this.lines.flushSync();
    } catch (error) {
      this.settle(error);
      return;
    }
    this.syncing = true;
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (!error) this.synced = Math.max(this.synced, upTo);
      this.settle(error ?? undefined);
      // Records appended meanwhile wait for the next one, which starts once the waiters just
      // released have had their turn to append (the starts of their runs).
      if (this.waiters.length > 0) this.scheduleSync();
    });
  }

  /** Releases the waiters the syncs so far cover; with an error, fails every waiter. */
  private settle(error?: unknown): void {
    if (error !== undefined) {
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      return;
    }
    let kept = 0;
    for (const waiter of this.waiters) {
      if (waiter.upTo <= this.synced) waiter.resolve();
      else this.waiters[kept++] = waiter;
    }
    this.waiters.length = kept;
  }

  private apply(record: InboundRecord): void {
    switch (record.op) {
      case 'received': {
        const message: PendingMessage = { id: record.id, key: record.key, envelope: record.envelope, received: record.ts };
        this.pending.set(record.id, message);
        if (record.envelope.messageId !== undefined) this.pendingDedupe.set(dedupeKey(record.envelope.channel, record.envelope.messageId), record.id);
        break;
      }
      case 'running': {
        const message = this.pending.get(record.id);
        if (message) message.running = { session: record.session, after: record.after };
        break;
      }
      case 'done': {
        const message = this.pending.get(record.id);
        if (!message) break;
        this.pending.delete(record.id);
        if (message.envelope.messageId !== undefined) {
          const dedupe = dedupeKey(message.envelope.channel, message.envelope.messageId);
          this.pendingDedupe.delete(dedupe);
          this.remember(dedupe, record.id);
        }
        break;
      }
      case 'seen':
        this.remember(record.dedupe, record.id);
        break;
    }
  }

  private remember(dedupe: string, id: string): void {
    this.doneDedupe.delete(dedupe);
    this.doneDedupe.set(dedupe, id);
    if (this.doneDedupe.size > DEDUPE_MEMORY) this.doneDedupe.delete(this.doneDedupe.keys().next().value!);
  }

  /** Rewrites the file with only what is still needed: temp file, fsync, rename, fsync the folder. */
  private compact(): void {
    const lines: string[] = [];
    for (const [dedupe, id] of this.doneDedupe) lines.push(JSON.stringify({ op: 'seen', id, dedupe } satisfies InboundRecord));
    for (const message of this.pending.values()) {
      lines.push(JSON.stringify({ op: 'received', id: message.id, key: message.key, envelope: message.envelope, ts: message.received } satisfies InboundRecord));
      if (message.running) {
        lines.push(JSON.stringify({ op: 'running', id: message.id, session: message.running.session, after: message.running.after, ts: message.received } satisfies InboundRecord));
      }
    }
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    syncFolder(dirname(this.path));
    // The rewrite holds every record appended so far, those not yet written too.
    this.lines.discard();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o600);
    this.appends = 0;
    this.synced = this.written;
    this.settle();
  }
}

function dedupeKey(channel: string, messageId: string): string {
  return `${channel}:${messageId}`;
}

/** Makes a rename durable. */
function syncFolder(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
