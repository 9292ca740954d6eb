import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AssistantMessage, Message, ToolResultMessage, Usage } from '../providers/types.js';

/**
 * A session transcript: `sessions/<id>.jsonl`, a header line, then one entry per line, only ever
 * appended to. It is the session's memory and its audit trail: what the agent saw, decided and
 * touched.
 */
export interface TranscriptHeader {
  type: 'session';
  version: 1;
  id: string;
  created: string;
  cwd: string;
  /** Set when the session was forked or imported. */
  parentSession?: string;
}

interface EntryBase {
  id: string;
  parentId: string | null;
  ts: string;
}

/** Who decided a tool call, and why: recorded with its result for the audit trail. */
export interface ToolDecision {
  decision: 'allow' | 'deny';
  by: 'mode' | 'rule' | 'user' | 'policy' | 'validation' | 'limit';
  rule?: string;
  why: string;
}

export interface ToolAudit {
  decision: ToolDecision;
  durationMs?: number;
  /** Paths read or written, commands run. */
  touched?: string[];
  exitCode?: number;
}

export interface MessageEntry extends EntryBase {
  type: 'message';
  message: Message;
  /** Present on tool results. */
  audit?: ToolAudit;
}

export interface MetaEntry extends EntryBase {
  type: 'meta';
  title?: string;
  provider?: string;
  model?: string;
  /** Repairs made on load, such as synthetic results for interrupted tool calls. */
  note?: string;
}

export interface CompactionEntry extends EntryBase {
  type: 'compaction';
  summary: string;
  firstKeptId: string;
}

export type TranscriptEntry = MessageEntry | MetaEntry | CompactionEntry;

export type NewEntry =
  | Omit<MessageEntry, 'id' | 'parentId' | 'ts'>
  | Omit<MetaEntry, 'id' | 'parentId' | 'ts'>
  | Omit<CompactionEntry, 'id' | 'parentId' | 'ts'>;

export interface LoadedTranscript {
  header: TranscriptHeader;
  entries: TranscriptEntry[];
  /** What load repaired or skipped, for the user to see. */
  notes: string[];
  /** Byte length of the file's valid prefix; a torn tail beyond it is cut before appending. */
  validLength: number;
  /** Tool calls that had no result on disk: they get a synthetic "interrupted" result. */
  orphanedCalls: Array<{ id: string; name: string }>;
}

export class TranscriptError extends Error {}

export const INTERRUPTED_RESULT = 'Interrupted: this tool call did not complete (the run ended before it returned a result).';

export function newEntryId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Reads a transcript and repairs what a crash can leave: a torn last line is dropped; a line in
 * the middle that does not parse is skipped with a note; a tool call without a result is listed
 * in `orphanedCalls`, and `entries` already carries a synthetic "interrupted" result for it, so
 * the history is always valid to send to a provider.
 */
export function readTranscript(path: string): LoadedTranscript {
  const text = readFileSync(path, 'utf8');
  const notes: string[] = [];
  let validLength = text.length;
  const lines = text.split('\n');
  if (!text.endsWith('\n')) {
    const torn = lines.pop() ?? '';
    validLength = Buffer.byteLength(text) - Buffer.byteLength(torn);
    if (torn.trim() !== '' && !parses(torn)) notes.push('dropped a torn last line (the previous run was cut off while writing)');
    else if (torn.trim() !== '') {
      lines.push(torn);
      validLength = Buffer.byteLength(text);
    }
  } else {
    validLength = Buffer.byteLength(text);
  }
  const [headerLine, ...body] = lines;
  const header = parseHeader(headerLine, path);
  const entries: TranscriptEntry[] = [];
  body.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const entry = JSON.parse(line) as TranscriptEntry;
      if (typeof entry !== 'object' || entry === null || typeof entry.type !== 'string') throw new Error('not an entry');
      entries.push(entry);
    } catch {
      notes.push(`skipped unreadable line ${index + 2}`);
    }
  });
  const orphanedCalls = findOrphanedCalls(entries);
  if (orphanedCalls.length > 0) {
    notes.push(`${orphanedCalls.length} tool call(s) without a result were marked interrupted`);
    insertInterruptedResults(entries, orphanedCalls);
  }
  return { header, entries, notes, validLength, orphanedCalls };
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function parseHeader(line: string | undefined, path: string): TranscriptHeader {
  try {
    const header = JSON.parse(line ?? '') as TranscriptHeader;
    if (header.type === 'session' && typeof header.id === 'string') return header;
  } catch {
    // reported below
  }
  throw new TranscriptError(`${path} does not start with a session header`);
}

function findOrphanedCalls(entries: TranscriptEntry[]): Array<{ id: string; name: string }> {
  const answered = new Set<string>();
  for (const entry of entries) {
    if (entry.type === 'message' && entry.message.role === 'tool') answered.add(entry.message.toolCallId);
  }
  const orphaned: Array<{ id: string; name: string }> = [];
  for (const entry of entries) {
    if (entry.type !== 'message' || entry.message.role !== 'assistant') continue;
    for (const part of entry.message.parts) {
      if (part.type === 'tool_call' && !answered.has(part.id)) orphaned.push({ id: part.id, name: part.name });
    }
  }
  return orphaned;
}

/** Places each synthetic result right after the tool results of the turn that made the call. */
function insertInterruptedResults(entries: TranscriptEntry[], orphaned: Array<{ id: string; name: string }>): void {
  const pending = new Map(orphaned.map((call) => [call.id, call]));
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (entry.type !== 'message' || entry.message.role !== 'assistant') continue;
    const calls = entry.message.parts.filter((part) => part.type === 'tool_call' && pending.has(part.id));
    if (calls.length === 0) continue;
    let insertAt = index + 1;
    while (insertAt < entries.length) {
      const next = entries[insertAt];
      if (next.type === 'message' && next.message.role === 'tool') insertAt++;
      else break;
    }
    const synthetic = calls.map((part) => interruptedEntry(part.type === 'tool_call' ? part.id : '', part.type === 'tool_call' ? part.name : ''));
    entries.splice(insertAt, 0, ...synthetic);
    index = insertAt + synthetic.length - 1;
  }
}

function interruptedEntry(callId: string, name: string): MessageEntry {
  const message: ToolResultMessage = { role: 'tool', toolCallId: callId, toolName: name, content: INTERRUPTED_RESULT, isError: true };
  return {
    type: 'message',
    id: `repair-${callId}`,
    parentId: null,
    ts: new Date().toISOString(),
    message,
    audit: { decision: { decision: 'deny', by: 'policy', why: 'interrupted before completion' } },
  };
}

/**
 * The append side of a transcript. Each entry is one `write()` of one line, so a crash leaves at
 * most one torn line at the end; the user's input is also synced to disk before any work starts.
 */
export class TranscriptWriter {
  private fd: number;
  private lastId: string | null;

  private constructor(fd: number, lastId: string | null) {
    this.fd = fd;
    this.lastId = lastId;
  }

  static create(path: string, header: TranscriptHeader): TranscriptWriter {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${JSON.stringify(header)}\n`);
    fdatasyncSync(fd);
    return new TranscriptWriter(fd, null);
  }

  /** Opens for appending after `readTranscript`, cutting a torn tail first. */
  static resume(path: string, loaded: LoadedTranscript): TranscriptWriter {
    const fd = openSync(path, 'r+');
    if (fstatSync(fd).size !== loaded.validLength) ftruncateSync(fd, loaded.validLength);
    closeSync(fd);
    const last = [...loaded.entries].reverse().find((entry) => !entry.id.startsWith('repair-'));
    return new TranscriptWriter(openSync(path, 'a'), last?.id ?? null);
  }

  append(entry: NewEntry, options: { sync?: boolean } = {}): TranscriptEntry {
    const full = { id: newEntryId(), parentId: this.lastId, ts: new Date().toISOString(), ...entry } as TranscriptEntry;
    writeSync(this.fd, `${JSON.stringify(full)}\n`);
    if (options.sync) fdatasyncSync(this.fd);
    this.lastId = full.id;
    return full;
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** The conversation a provider should see: messages since the last compaction. */
export function contextMessages(entries: TranscriptEntry[]): Message[] {
  const messages: Message[] = [];
  for (const entry of entries) if (entry.type === 'message') messages.push(entry.message);
  return messages;
}

export function usageOf(message: Message): Usage | undefined {
  return message.role === 'assistant' ? (message as AssistantMessage).usage : undefined;
}
