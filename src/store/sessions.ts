import { chmodSync, copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, OpenclawError, usageError } from '../errors.js';
import { costOf, modelInfo } from '../providers/models.js';
import { addUsage, emptyUsage, type Usage } from '../providers/types.js';
import { withFileLock, SessionWriterLock } from './lock.js';
import { ensureDir, type StorePaths } from './paths.js';
import { randomHex } from './ids.js';
import {
  readTranscript,
  TranscriptError,
  TranscriptWriter,
  type LoadedTranscript,
  type NewEntry,
  type TranscriptEntry,
  type TranscriptHeader,
} from './transcript.js';

/** One line of `sessions/index.json`: what `session list` shows without opening transcripts. */
export interface SessionMeta {
  id: string;
  title: string;
  /** Routing key for gateway sessions (`telegram:dm:42`); absent for CLI sessions. */
  key?: string;
  cwd: string;
  provider: string;
  model: string;
  created: string;
  updated: string;
  messages: number;
  tokens: Usage;
  cost: number;
}

export interface IndexData {
  version: 1;
  sessions: Record<string, SessionMeta>;
}

export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomHex(3)}`;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The sessions part of the store. Transcripts are the truth; the index is a cache of their
 * metadata, rebuilt from the transcripts when it is missing or unreadable.
 */
export class SessionStore {
  /** The index write in progress, and the batch of lines waiting for the one after it. */
  private putting: Promise<void> = Promise.resolve();
  private nextPut: { batch: Map<string, SessionMeta>; write: Promise<void> } | undefined;

  constructor(private readonly paths: StorePaths) {}

  transcriptPath(id: string): string {
    return join(this.paths.sessions, `${id}.jsonl`);
  }

  private lockPath(id: string): string {
    return join(this.paths.sessions, `${id}.lock`);
  }

  async list(): Promise<SessionMeta[]> {
    const data = await this.readIndex();
    // Transcripts the index does not know: a session that has not finished its first turn, or
    // whose process died before it could record one.
    if (existsSync(this.paths.sessions)) {
      for (const name of readdirSync(this.paths.sessions)) {
        if (!name.endsWith('.jsonl') || data.sessions[name.slice(0, -6)]) continue;
        const path = join(this.paths.sessions, name);
        try {
          const meta = metaFromTranscript(readTranscript(path), path);
          if (`${meta.id}.jsonl` === name) data.sessions[meta.id] = meta;
        } catch {
          // not a transcript
        }
      }
    }
    return Object.values(data.sessions).sort((a, b) => byText(b.updated, a.updated));
  }

  /** A session by id or unique id prefix. */
  async find(idOrPrefix: string): Promise<SessionMeta> {
    if (idOrPrefix.trim() === '') throw usageError('no session id given', 'List sessions with `openclaw session list`.');
    const sessions = await this.list();
    const exact = sessions.find((session) => session.id === idOrPrefix);
    if (exact) return exact;
    const matches = sessions.filter((session) => session.id.startsWith(idOrPrefix));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw usageError(
        `session id "${idOrPrefix}" is ambiguous: ${matches.slice(0, 5).map((s) => s.id).join(', ')}${matches.length > 5 ? ', ...' : ''}`,
        'Give more characters of the id.',
      );
    }
    throw new OpenclawError('session_not_found', `no session "${idOrPrefix}"`, {
      exitCode: ExitCode.usage,
      hint: 'List sessions with `openclaw session list`.',
    });
  }

  async latest(cwd?: string): Promise<SessionMeta | undefined> {
    const sessions = await this.list();
    return sessions.find((session) => cwd === undefined || session.cwd === cwd);
  }

  /** The transcript file of a listed session, refusing one whose file is gone. */
  existingTranscriptPath(id: string): string {
    const path = this.transcriptPath(id);
    if (!existsSync(path)) throw transcriptMissing(id);
    return path;
  }

  /** The whole transcript, or with `fromLastCompaction` only what the conversation continues from. */
  read(id: string, options: { fromLastCompaction?: boolean } = {}): LoadedTranscript {
    try {
      return readTranscript(this.transcriptPath(id), options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw transcriptMissing(id);
      if (error instanceof TranscriptError) throw new OpenclawError('session_corrupt', error.message);
      throw error;
    }
  }

  async create(options: { cwd: string; provider: string; model: string; title?: string; key?: string; id?: string }): Promise<OpenSession> {
    ensureDir(this.paths.sessions);
    const id = options.id ?? newSessionId();
    const now = new Date().toISOString();
    const header: TranscriptHeader = {
      type: 'session',
      version: 1,
      id,
      created: now,
      cwd: options.cwd,
      ...(options.title ? { title: options.title } : {}),
      provider: options.provider,
      model: options.model,
      ...(options.key ? { key: options.key } : {}),
    };
    const meta: SessionMeta = {
      id,
      title: options.title ?? '',
      ...(options.key ? { key: options.key } : {}),
      cwd: options.cwd,
      provider: options.provider,
      model: options.model,
      created: now,
      updated: now,
      messages: 0,
      tokens: emptyUsage(),
      cost: 0,
    };
    // A new id cannot be contended, and the transcript is created exclusively ('wx'): no store lock
    // is needed. The index learns of the session at the end of its first turn (and `list` finds a
    // transcript the index does not know yet), so starting a run costs no index write.
    if (existsSync(this.transcriptPath(id))) throw sessionExists(id);
    const lock = SessionWriterLock.acquire(this.lockPath(id), id);
    try {
      const writer = TranscriptWriter.create(this.transcriptPath(id), header);
      return new OpenSession(this, meta, header, [], [], writer, lock);
    } catch (error) {
      lock.release();
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw sessionExists(id);
      throw error;
    }
  }

  /** Opens a session for writing: takes its writer lock, then loads and repairs the transcript. */
  async open(idOrPrefix: string): Promise<OpenSession> {
    const meta = await this.find(idOrPrefix);
    return withFileLock(this.paths.sessions, async () => {
      const lock = SessionWriterLock.acquire(this.lockPath(meta.id), meta.id);
      try {
        const loaded = this.read(meta.id, { fromLastCompaction: true });
        const writer = TranscriptWriter.resume(this.transcriptPath(meta.id), loaded);
        return new OpenSession(this, meta, loaded.header, loaded.entries, loaded.notes, writer, lock);
      } catch (error) {
        lock.release();
        throw error;
      }
    });
  }

  async update(id: string, change: (meta: SessionMeta) => void): Promise<void> {
    await this.mutateIndex((data) => {
      const meta = data.sessions[id];
      if (meta) change(meta);
    });
  }

  /**
   * Writes a session's index line as its one writer knows it. Lines put while an index write is
   * under way go together in the next one: a gateway finishing many turns at once takes the store
   * lock once per batch, not once per turn.
   */
  put(meta: SessionMeta): Promise<void> {
    if (!this.nextPut) {
      const batch = new Map<string, SessionMeta>();
      const write = this.putting.then(() => {
        this.nextPut = undefined;
        return this.mutateIndex((data) => {
          for (const [id, line] of batch) data.sessions[id] = line;
        });
      });
      this.nextPut = { batch, write };
      this.putting = write.catch(() => undefined);
    }
    this.nextPut.batch.set(meta.id, structuredClone(meta));
    return this.nextPut.write;
  }

  async remove(idOrPrefix: string): Promise<SessionMeta> {
    const meta = await this.find(idOrPrefix);
    await withFileLock(this.paths.sessions, async () => {
      const lock = SessionWriterLock.acquire(this.lockPath(meta.id), meta.id);
      try {
        rmSync(this.transcriptPath(meta.id), { force: true });
        await this.mutateIndex((data) => {
          delete data.sessions[meta.id];
        }, false);
      } finally {
        lock.release();
      }
    });
    return meta;
  }

  /**
   * Adds a transcript written elsewhere (an export, another machine). Its lines are kept as they
   * are, so an exported JSONL imports back unchanged; the id is kept unless it is already taken.
   */
  async importTranscript(source: string): Promise<SessionMeta> {
    let loaded: LoadedTranscript;
    try {
      loaded = readTranscript(source);
    } catch (error) {
      throw usageError(`cannot import ${source}: ${unreadableReason(error)}`, 'Import a file written by `openclaw session export --format jsonl`.');
    }
    const { header } = loaded;
    if (!SESSION_ID.test(header.id)) throw usageError(`cannot import ${source}: invalid session id "${header.id}" in its header`);
    ensureDir(this.paths.sessions);
    return withFileLock(this.paths.sessions, async () => {
      const data = await this.readIndex();
      if (data.sessions[header.id] || existsSync(this.transcriptPath(header.id))) throw sessionExists(header.id);
      const temporary = `${this.transcriptPath(header.id)}.importing`;
      copyFileSync(source, temporary);
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.transcriptPath(header.id));
      const meta = metaFromTranscript(loaded, this.transcriptPath(header.id));
      await this.mutateIndex((index) => {
        index.sessions[meta.id] = meta;
      }, false);
      return meta;
    });
  }

  /** A copy of a session under a new id, remembering where it came from. The original is untouched. */
  async fork(idOrPrefix: string): Promise<SessionMeta> {
    const source = await this.find(idOrPrefix);
    const loaded = this.read(source.id);
    const id = newSessionId();
    const { key: _key, ...inherited } = loaded.header;
    const header: TranscriptHeader = { ...inherited, id, created: new Date().toISOString(), parentSession: source.id };
    const lines = [header, ...loaded.entries.filter((entry) => !entry.id.startsWith('repair-'))].map((line) => `${JSON.stringify(line)}\n`);
    return withFileLock(this.paths.sessions, async () => {
      writeFileSync(this.transcriptPath(id), lines.join(''), { mode: 0o600, flag: 'wx' });
      // The routing key stays with the original: a chat must not be routed to two sessions.
      const { key: _routingKey, ...copied } = source;
      const meta: SessionMeta = { ...copied, id, created: header.created, updated: header.created };
      await this.mutateIndex((data) => {
        data.sessions[id] = meta;
      }, false);
      return meta;
    });
  }

  /** Rebuilds the index from the transcripts on disk. */
  async rebuildIndex(): Promise<number> {
    ensureDir(this.paths.sessions);
    return withFileLock(this.paths.sessions, async () => {
      const sessions = this.scanTranscripts();
      await this.writeIndex({ version: 1, sessions });
      return Object.keys(sessions).length;
    });
  }

  private scanTranscripts(): Record<string, SessionMeta> {
    const sessions: Record<string, SessionMeta> = {};
    if (!existsSync(this.paths.sessions)) return sessions;
    for (const name of readdirSync(this.paths.sessions)) {
      if (!name.endsWith('.jsonl')) continue;
      const path = join(this.paths.sessions, name);
      try {
        const meta = metaFromTranscript(readTranscript(path), path);
        // A session is found by its file name: a header naming another id is not one of ours.
        if (`${meta.id}.jsonl` === name) sessions[meta.id] = meta;
      } catch {
        // not a transcript; left alone
      }
    }
    return sessions;
  }

  private async readIndex(): Promise<IndexData> {
    const { JSONFile } = await import('lowdb/node');
    const file = new JSONFile<IndexData>(this.paths.sessionIndex);
    try {
      const data = await file.read();
      if (isIndex(data)) return data;
    } catch {
      // unreadable: rebuilt from the transcripts below
    }
    // Missing or damaged: the transcripts are the truth.
    return { version: 1, sessions: this.scanTranscripts() };
  }

  private async writeIndex(data: IndexData): Promise<void> {
    ensureDir(this.paths.sessions);
    const { JSONFile } = await import('lowdb/node');
    await new JSONFile<IndexData>(this.paths.sessionIndex).write(data);
  }

  /** Read-modify-write of the index under the store lock (taken here unless the caller holds it). */
  private async mutateIndex(change: (data: IndexData) => void, lock = true): Promise<void> {
    const run = async () => {
      const data = await this.readIndex();
      change(data);
      await this.writeIndex(data);
    };
    if (lock) await withFileLock(this.paths.sessions, run);
    else await run();
  }
}

export function isIndex(data: unknown): data is IndexData {
  if (typeof data !== 'object' || data === null) return false;
  const sessions = (data as Partial<IndexData>).sessions;
  if (typeof sessions !== 'object' || sessions === null || Array.isArray(sessions)) return false;
  return Object.entries(sessions).every(
    ([id, meta]) => typeof meta === 'object' && meta !== null && meta.id === id && typeof meta.updated === 'string' && typeof meta.tokens === 'object' && meta.tokens !== null,
  );
}

function unreadableReason(error: unknown): string {
  if (error instanceof TranscriptError) return 'it does not start with a session header';
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  return (error as Error).message;
}

function transcriptMissing(id: string): OpenclawError {
  return new OpenclawError('session_missing', `the transcript of session ${id} is missing`, {
    hint: `Remove the session with \`openclaw session rm ${id}\`.`,
  });
}

function sessionExists(id: string): OpenclawError {
  return new OpenclawError('session_exists', `session ${id} already exists`, {
    exitCode: ExitCode.usage,
    hint: `Remove it first with \`openclaw session rm ${id}\`, or fork it.`,
  });
}

function metaFromTranscript(loaded: LoadedTranscript, path: string): SessionMeta {
  const { header, entries } = loaded;
  let title = header.title ?? '';
  let provider = header.provider ?? '';
  let model = header.model ?? '';
  let tokens = emptyUsage();
  let messages = 0;
  let cost = 0;
  let updated = header.created;
  for (const entry of entries) {
    if (entry.ts > updated) updated = entry.ts;
    if (entry.type === 'meta') {
      title = entry.title ?? title;
      provider = entry.provider ?? provider;
      model = entry.model ?? model;
    } else if (entry.type === 'message') {
      messages++;
      if (!title && entry.message.role === 'user') title = titleFrom(entry.message.text);
      if (entry.message.role === 'assistant') {
        if (entry.message.usage) {
          tokens = addUsage(tokens, entry.message.usage);
          // Built-in prices only: per-provider prices live in the config, not the transcript.
          cost += costOf(modelInfo(entry.message.model ?? ''), entry.message.usage);
        }
        provider = entry.message.provider || provider;
        model = entry.message.model || model;
      }
    }
  }
  if (updated === header.created) updated = statSync(path).mtime.toISOString();
  return {
    id: header.id,
    title,
    ...(header.key ? { key: header.key } : {}),
    cwd: header.cwd,
    provider,
    model,
    created: header.created,
    updated,
    messages,
    tokens,
    cost: Math.round(cost * 1e6) / 1e6,
  };
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/**
 * A session held for writing by this process. Appends go straight to the transcript; the index
 * is touched once per turn, not per entry.
 */
export class OpenSession {
  constructor(
    private readonly store: SessionStore,
    public meta: SessionMeta,
    readonly header: TranscriptHeader,
    readonly entries: TranscriptEntry[],
    /** Repairs made while loading, to show the user. */
    readonly repairs: string[],
    private readonly writer: TranscriptWriter,
    private readonly lock: SessionWriterLock,
  ) {}

  get id(): string {
    return this.meta.id;
  }

  /**
   * The id of the message entry `count` places from the end (1 = the last message), which is
   * where a compaction that keeps the last `count` messages starts.
   */
  messageIdFromEnd(count: number): string | undefined {
    let seen = 0;
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index];
      if (entry.type === 'message' && ++seen === count) return entry.id;
    }
    return undefined;
  }

  append(entry: NewEntry, options: { sync?: boolean } = {}): TranscriptEntry {
    const full = this.writer.append(entry, options);
    this.entries.push(full);
    return full;
  }

  /** Folds a finished turn into the index: counts, tokens, cost, title. */
  async recordTurn(change: { messages: number; usage: Usage; cost: number; title?: string; provider: string; model: string }): Promise<void> {
    const meta = this.meta;
    meta.messages += change.messages;
    meta.tokens = addUsage(meta.tokens, change.usage);
    meta.cost = Math.round((meta.cost + change.cost) * 1e6) / 1e6;
    meta.updated = new Date().toISOString();
    meta.provider = change.provider;
    meta.model = change.model;
    if (!meta.title && change.title) meta.title = change.title;
    // This process is the session's one writer, so its view of the metadata is the current one.
    await this.store.put(this.meta);
  }

  close(): void {
    this.writer.close();
    this.lock.release();
  }
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
