import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { Message, ToolCallPart, ToolResultMessage } from '../providers/types.js';
import { randomHex } from './ids.js';

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
  /** What the session started with; later `meta` entries and messages say what changed. */
  title?: string;
  provider?: string;
  model?: string;
  /** Routing key of a gateway session (`telegram:dm:42`). */
  key?: string;
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
  /** The command ran inside the sandbox. */
  sandboxed?: boolean;
}

export interface MessageEntry extends EntryBase {
  type: 'message';
  message: Message;
  /** Present on tool results. */
  audit?: ToolAudit;
  /** Long-term memory that was shown to the model with this user message. */
  recalled?: string;
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
  return randomHex(4);
}

/**
 * Reads a transcript and repairs what a crash can leave: a torn last line is dropped; a line in
 * the middle that does not parse is skipped with a note; a tool call without a result is listed
 * in `orphanedCalls`, and `entries` already carries a synthetic "interrupted" result for it; a
 * result that answers no call is left out. So the history is always valid to send to a provider.
 */
export function readTranscript(path: string, options: { fromLastCompaction?: boolean } = {}): LoadedTranscript {
  // Measured in bytes: a torn line can end inside a multi-byte character.
  const bytes = readFileSync(path);
  const notes: string[] = [];
  const complete = bytes.lastIndexOf(0x0a) + 1;
  let text = bytes.subarray(0, complete).toString('utf8');
  let validLength = complete;
  const tail = bytes.subarray(complete).toString('utf8');
  if (tail.trim() !== '') {
    if (parses(tail)) {
      text += tail;
      validLength = bytes.length;
    } else {
      notes.push('dropped a torn last line (the previous run was cut off while writing)');
    }
  }
  const firstNewline = text.indexOf('\n');
  const header = parseHeader(firstNewline === -1 ? text : text.slice(0, firstNewline), path);
  // Resuming needs only the last compaction and what it kept: older lines are not even parsed.
  const start = options.fromLastCompaction ? lastCompactionStart(text) : undefined;
  const skippedLines = start === undefined ? 0 : countNewlines(text, start);
  const body = (start === undefined ? text.slice(firstNewline + 1) : text.slice(start)).split('\n');
  const entries: TranscriptEntry[] = [];
  body.forEach((line, offset) => {
    const index = offset + Math.max(0, skippedLines - 1);
    if (line.trim() === '') return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (isEntry(entry)) entries.push(entry);
    else notes.push(`skipped unreadable line ${index + 2}`);
  });
  const repair = pairToolResults(entries);
  if (repair.orphanedCalls.length > 0) notes.push(`${repair.orphanedCalls.length} tool call(s) without a result were marked interrupted`);
  if (repair.strayResults > 0) notes.push(`${repair.strayResults} tool result(s) that answer no tool call were left out`);
  return { header, entries: repair.entries, notes, validLength, orphanedCalls: repair.orphanedCalls };
}

/**
 * Where the lines the conversation continues from begin: the first entry kept by the last
 * compaction. Undefined (read everything) when there is no compaction or it cannot be placed.
 */
function lastCompactionStart(text: string): number | undefined {
  const marker = text.lastIndexOf('"type":"compaction"');
  if (marker === -1) return undefined;
  const lineStart = text.lastIndexOf('\n', marker) + 1;
  const lineEnd = text.indexOf('\n', marker);
  let firstKeptId: unknown;
  try {
    firstKeptId = (JSON.parse(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd)) as { firstKeptId?: unknown }).firstKeptId;
  } catch {
    return undefined;
  }
  if (typeof firstKeptId !== 'string') return undefined;
  const kept = text.lastIndexOf(`{"id":${JSON.stringify(firstKeptId)},`, lineStart);
  if (kept <= 0 || text[kept - 1] !== '\n') return undefined;
  return kept;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) count++;
  return count;
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

/** A parsed line is kept only if it has the fields the rest of openclaw reads without checking. */
function isEntry(value: unknown): value is TranscriptEntry {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.ts !== 'string') return false;
  switch (value.type) {
    case 'message':
      return isMessage(value.message);
    case 'meta':
      return true;
    case 'compaction':
      return typeof value.summary === 'string' && typeof value.firstKeptId === 'string';
    default:
      return false;
  }
}

function isMessage(value: unknown): value is Message {
  if (!isRecord(value)) return false;
  switch (value.role) {
    case 'user':
      return typeof value.text === 'string';
    case 'assistant':
      return Array.isArray(value.parts) && value.parts.every((part) => isRecord(part) && typeof part.type === 'string');
    case 'tool':
      return typeof value.toolCallId === 'string' && typeof value.content === 'string';
    default:
      return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Pairs each assistant turn's tool calls with the results that follow it, before the next user or
 * assistant message. A call left without a result gets a synthetic "interrupted" one right after
 * the results its turn did get; a result that answers no open call is left out. Pairing is by
 * position, not by id alone, because some servers reuse ids such as `call_0` in every response.
 */
function pairToolResults(entries: TranscriptEntry[]): {
  entries: TranscriptEntry[];
  orphanedCalls: Array<{ id: string; name: string }>;
  strayResults: number;
} {
  const paired: TranscriptEntry[] = [];
  const orphanedCalls: Array<{ id: string; name: string }> = [];
  let strayResults = 0;
  let open: ToolCallPart[] = [];
  let insertAt = 0;
  const closeTurn = () => {
    if (open.length === 0) return;
    paired.splice(insertAt, 0, ...open.map((call) => interruptedEntry(call.id, call.name)));
    orphanedCalls.push(...open.map(({ id, name }) => ({ id, name })));
    open = [];
  };
  for (const entry of entries) {
    if (entry.type === 'message' && entry.message.role === 'tool') {
      const { toolCallId } = entry.message;
      const index = open.findIndex((call) => call.id === toolCallId);
      if (index < 0) {
        strayResults++;
        continue;
      }
      open.splice(index, 1);
      paired.push(entry);
      insertAt = paired.length;
      continue;
    }
    if (entry.type === 'message') {
      closeTurn();
      if (entry.message.role === 'assistant') {
        open = entry.message.parts.filter((part): part is ToolCallPart => part.type === 'tool_call');
        insertAt = paired.length + 1;
      }
    }
    paired.push(entry);
  }
  closeTurn();
  return { entries: paired, orphanedCalls, strayResults };
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
    try {
      if (fstatSync(fd).size !== loaded.validLength) ftruncateSync(fd, loaded.validLength);
      // A complete last line written without its newline: end it, or the next entry would join it.
      const last = Buffer.alloc(1);
      if (loaded.validLength > 0 && readSync(fd, last, 0, 1, loaded.validLength - 1) === 1 && last[0] !== 0x0a) {
        writeSync(fd, '\n', loaded.validLength);
      }
    } finally {
      closeSync(fd);
    }
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

/** Opens the user message that carries a compaction summary. */
export const SUMMARY_PREFIX = '[Summary of the earlier conversation, written when it was compacted]';

/**
 * The conversation a provider should see: the summary of the last compaction, then the messages
 * it kept and everything after. The full history stays in the file (`session show --all`).
 */
export function contextMessages(entries: TranscriptEntry[]): Message[] {
  const { compaction, kept } = sinceLastCompaction(entries);
  const messages: Message[] = compaction ? [{ role: 'user', text: `${SUMMARY_PREFIX}\n${compaction.summary}` }] : [];
  for (const entry of kept) if (entry.type === 'message') messages.push(entry.message);
  return messages;
}

/** The last compaction (if any) and the entries the conversation continues with after it. */
export function sinceLastCompaction(entries: TranscriptEntry[]): { compaction?: CompactionEntry; kept: TranscriptEntry[] } {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.type !== 'compaction') continue;
    const first = entries.findIndex((candidate) => candidate.id === entry.firstKeptId);
    const start = first >= 0 && first < index ? first : index + 1;
    return { compaction: entry, kept: entries.slice(start).filter((candidate) => candidate !== entry) };
  }
  return { kept: entries };
}
