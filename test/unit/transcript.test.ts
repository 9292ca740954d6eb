import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssistantMessage, Message } from '../../src/providers/types.js';
import {
  contextMessages,
  INTERRUPTED_RESULT,
  readTranscript,
  TranscriptError,
  TranscriptWriter,
  type MessageEntry,
  type TranscriptEntry,
  type TranscriptHeader,
} from '../../src/store/transcript.js';
import { tempDir } from '../helpers/cli.js';

const header: TranscriptHeader = { type: 'session', version: 1, id: 's1', created: '2026-01-01T00:00:00.000Z', cwd: '/work' };
const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };

let dir: { path: string; cleanup: () => void };
let file: string;

beforeEach(() => {
  dir = tempDir('openclaw-transcript-');
  file = join(dir.path, 's1.jsonl');
});

afterEach(() => dir.cleanup());

let counter = 0;
function entry(message: Message): MessageEntry {
  counter++;
  return { id: `e${counter}`, parentId: null, ts: `2026-01-01T00:00:${String(counter % 60).padStart(2, '0')}.000Z`, type: 'message', message };
}
const user = (text: string) => entry({ role: 'user', text });
const answer = (text: string) => entry({ role: 'assistant', parts: [{ type: 'text', text }], stopReason: 'stop', provider: 'openai', model: 'm', usage });
const calls = (...ids: string[]) =>
  entry({
    role: 'assistant',
    parts: ids.map((id) => ({ type: 'tool_call' as const, id, name: 'read', argsText: '{"path":"a"}' })),
    stopReason: 'tool_use',
    provider: 'openai',
    model: 'm',
    usage,
  });
const result = (id: string) => entry({ role: 'tool', toolCallId: id, toolName: 'read', content: `result of ${id}`, isError: false });

function lines(...items: unknown[]): string {
  return items.map((item) => `${typeof item === 'string' ? item : JSON.stringify(item)}\n`).join('');
}

/** Every tool call of the history paired with its results, as [call id, number of results]. */
function resultCounts(entries: TranscriptEntry[]): Array<[string, number]> {
  const messages = contextMessages(entries);
  const callIds = messages.flatMap((message) =>
    message.role === 'assistant' ? (message as AssistantMessage).parts.flatMap((part) => (part.type === 'tool_call' ? [part.id] : [])) : [],
  );
  return callIds.map((id) => [id, messages.filter((message) => message.role === 'tool' && message.toolCallId === id).length]);
}

/** A compact picture of the order of messages: `user`, `assistant`, `tool:<call id>`. */
function shape(entries: TranscriptEntry[]): string[] {
  return contextMessages(entries).map((message) => (message.role === 'tool' ? `tool:${message.toolCallId}` : message.role));
}

describe('readTranscript', () => {
  it('reads the header and the entries in order', () => {
    const entries = [user('hi'), answer('hello')];
    writeFileSync(file, lines(header, ...entries));
    const loaded = readTranscript(file);
    expect(loaded.header).toEqual(header);
    expect(loaded.entries).toEqual(entries);
    expect(loaded.notes).toEqual([]);
  });

  it('refuses a file whose first line is not a session header', () => {
    writeFileSync(file, lines(user('hi')));
    expect(() => readTranscript(file)).toThrow(TranscriptError);
    expect(() => readTranscript(file)).toThrow('does not start with a session header');
  });

  it('refuses an empty file', () => {
    writeFileSync(file, '');
    expect(() => readTranscript(file)).toThrow(TranscriptError);
  });

  it('drops a torn last line and notes it', () => {
    const kept = lines(header, user('hi'));
    writeFileSync(file, `${kept}{"id":"x","parentId":null,"type":"mess`);
    const loaded = readTranscript(file);
    expect(loaded.entries.map((e) => e.id)).toEqual([expect.any(String)]);
    expect(loaded.notes).toEqual([expect.stringContaining('torn last line')]);
    expect(loaded.validLength).toBe(Buffer.byteLength(kept));
  });

  it('measures the valid prefix in bytes, not characters', () => {
    const kept = lines(header, user('héllo wörld ✓'));
    writeFileSync(file, `${kept}{"torn`);
    expect(readTranscript(file).validLength).toBe(Buffer.byteLength(kept));
  });

  it('finds where a torn line starts when it was cut inside a multi-byte character', () => {
    const kept = lines(header, user('first'));
    const torn = Buffer.from(JSON.stringify(user('naïve café ✓')));
    const cut = torn.indexOf(Buffer.from('✓')) + 1;
    writeFileSync(file, Buffer.concat([Buffer.from(kept), torn.subarray(0, cut)]));
    const loaded = readTranscript(file);
    expect(loaded.validLength).toBe(Buffer.byteLength(kept));
    TranscriptWriter.resume(file, loaded).close();
    expect(readFileSync(file, 'utf8')).toBe(kept);
  });

  it('keeps a complete last line that has no trailing newline', () => {
    const last = answer('done');
    writeFileSync(file, `${lines(header, user('hi'))}${JSON.stringify(last)}`);
    const loaded = readTranscript(file);
    expect(loaded.entries.at(-1)).toEqual(last);
    expect(loaded.notes).toEqual([]);
  });

  it('skips an unreadable line in the middle, naming its line number, and keeps what follows', () => {
    const after = answer('still here');
    writeFileSync(file, lines(header, user('hi'), '{"id": garbage', after));
    const loaded = readTranscript(file);
    expect(loaded.entries.at(-1)).toEqual(after);
    expect(loaded.entries).toHaveLength(2);
    expect(loaded.notes).toEqual(['skipped unreadable line 3']);
  });

  it('skips lines that are JSON but not transcript entries', () => {
    writeFileSync(file, lines(header, '42', '{"type":"message"}', '{"id":"a","type":"message","message":null}', '{"type":"meta"}', user('hi')));
    const loaded = readTranscript(file);
    expect(shape(loaded.entries)).toEqual(['user']);
    expect(loaded.notes).toHaveLength(4);
  });

  it('gives a tool call without a result a synthetic interrupted result', () => {
    writeFileSync(file, lines(header, user('read a'), calls('c1')));
    const loaded = readTranscript(file);
    const synthetic = loaded.entries.at(-1) as MessageEntry;
    expect(synthetic.message).toEqual({ role: 'tool', toolCallId: 'c1', toolName: 'read', content: INTERRUPTED_RESULT, isError: true });
    expect(loaded.orphanedCalls).toEqual([{ id: 'c1', name: 'read' }]);
    expect(loaded.notes).toEqual([expect.stringContaining('marked interrupted')]);
  });

  it('places the synthetic result right after the results that turn did get', () => {
    writeFileSync(file, lines(header, user('go'), calls('c1', 'c2', 'c3'), result('c1'), result('c3'), user('what happened?'), answer('sorry')));
    const loaded = readTranscript(file);
    expect(shape(loaded.entries)).toEqual(['user', 'assistant', 'tool:c1', 'tool:c3', 'tool:c2', 'user', 'assistant']);
  });

  it('leaves every tool call with exactly one result, across several interrupted turns', () => {
    writeFileSync(
      file,
      lines(header, user('one'), calls('a1', 'a2'), result('a1'), user('two'), calls('b1'), result('b1'), answer('ok'), user('three'), calls('c1', 'c2')),
    );
    const loaded = readTranscript(file);
    expect(resultCounts(loaded.entries)).toEqual([
      ['a1', 1],
      ['a2', 1],
      ['b1', 1],
      ['c1', 1],
      ['c2', 1],
    ]);
    expect(loaded.orphanedCalls.map((call) => call.id)).toEqual(['a2', 'c1', 'c2']);
  });

  it('repairs a call whose id an earlier, answered call already used', () => {
    // Some local servers number tool calls per response, so ids repeat across turns.
    writeFileSync(file, lines(header, user('one'), calls('call_0'), result('call_0'), answer('ok'), user('two'), calls('call_0')));
    const loaded = readTranscript(file);
    expect(shape(loaded.entries)).toEqual(['user', 'assistant', 'tool:call_0', 'assistant', 'user', 'assistant', 'tool:call_0']);
  });

  it('leaves out a tool result that answers no tool call, and notes it', () => {
    writeFileSync(file, lines(header, user('go'), calls('c1'), result('c1'), result('c1'), answer('done'), result('zz')));
    const loaded = readTranscript(file);
    expect(shape(loaded.entries)).toEqual(['user', 'assistant', 'tool:c1', 'assistant']);
    expect(loaded.notes).toEqual([expect.stringContaining('2 tool result(s) that answer no tool call')]);
  });

  it('adds nothing to a transcript whose tool calls all have results', () => {
    const entries = [user('go'), calls('c1'), result('c1'), answer('done')];
    writeFileSync(file, lines(header, ...entries));
    const loaded = readTranscript(file);
    expect(loaded.entries).toEqual(entries);
    expect(loaded.orphanedCalls).toEqual([]);
    expect(loaded.notes).toEqual([]);
  });
});

describe('TranscriptWriter', () => {
  it('creates a transcript holding the header, private to the user', () => {
    TranscriptWriter.create(file, header).close();
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(header)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to create over an existing transcript', () => {
    writeFileSync(file, lines(header, user('precious')));
    expect(() => TranscriptWriter.create(file, header)).toThrow();
    expect(readTranscript(file).entries).toHaveLength(1);
  });

  it('appends one line per entry, each pointing to the previous one', () => {
    const writer = TranscriptWriter.create(file, header);
    const first = writer.append({ type: 'message', message: { role: 'user', text: 'hi' } });
    const second = writer.append({ type: 'meta', title: 'greeting' });
    writer.close();
    expect(first.parentId).toBeNull();
    expect(second.parentId).toBe(first.id);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
    expect(readTranscript(file).entries).toEqual([first, second]);
  });

  it('cuts a torn last line on resume, so the next entry is a clean line', () => {
    writeFileSync(file, lines(header, user('hi')));
    const valid = readFileSync(file, 'utf8');
    appendFileSync(file, '{"id":"x","type":"mes');
    const writer = TranscriptWriter.resume(file, readTranscript(file));
    const added = writer.append({ type: 'message', message: { role: 'user', text: 'again' } });
    writer.close();
    expect(readFileSync(file, 'utf8')).toBe(`${valid}${JSON.stringify(added)}\n`);
    const reloaded = readTranscript(file);
    expect(reloaded.notes).toEqual([]);
    expect(reloaded.entries.at(-1)).toEqual(added);
  });

  it('starts a new line on resume when the last complete line has no newline', () => {
    const last = answer('done');
    writeFileSync(file, `${lines(header, user('hi'))}${JSON.stringify(last)}`);
    const writer = TranscriptWriter.resume(file, readTranscript(file));
    const added = writer.append({ type: 'message', message: { role: 'user', text: 'next' } });
    writer.close();
    const reloaded = readTranscript(file);
    expect(reloaded.notes).toEqual([]);
    expect(reloaded.entries.slice(-2)).toEqual([last, added]);
  });

  it('continues the parent chain from the last entry on disk, not from a synthetic result', () => {
    const call = calls('c1');
    writeFileSync(file, lines(header, user('go'), call));
    const writer = TranscriptWriter.resume(file, readTranscript(file));
    const added = writer.append({ type: 'message', message: { role: 'user', text: 'next' } });
    writer.close();
    expect(added.parentId).toBe(call.id);
  });

  it('does not write synthetic results to disk', () => {
    const original = lines(header, user('go'), calls('c1'));
    writeFileSync(file, original);
    TranscriptWriter.resume(file, readTranscript(file)).close();
    expect(readFileSync(file, 'utf8')).toBe(original);
  });
});

describe('contextMessages', () => {
  it('gives the messages of the entries, leaving out meta entries', () => {
    const entries: TranscriptEntry[] = [user('hi'), { id: 'm', parentId: null, ts: header.created, type: 'meta', title: 't' }, answer('hello')];
    expect(contextMessages(entries)).toEqual([(entries[0] as MessageEntry).message, (entries[2] as MessageEntry).message]);
  });
});

describe('reading from the last compaction', () => {
  it('parses only the kept entries and what follows, with the same context as a full read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openclaw-tail-'));
    try {
      const path = join(dir, 't.jsonl');
      const writer = TranscriptWriter.create(path, { type: 'session', version: 1, id: 't', created: '2026-01-01T00:00:00.000Z', cwd: '/' });
      for (let index = 0; index < 50; index++) writer.append({ type: 'message', message: { role: 'user', text: `old ${index}` } });
      const kept = writer.append({ type: 'message', message: { role: 'user', text: 'kept one' } });
      writer.append({ type: 'compaction', summary: 'the summary', firstKeptId: kept.id });
      writer.append({ type: 'message', message: { role: 'user', text: 'after' } });
      writer.append({ type: 'meta', note: 'not json' });
      writer.close();
      appendFileSync(path, '{broken line\n{"id":"x","parentId":null,"ts":"t","type":"message","message":{"role":"user","text":"last"}}\n');
      const full = readTranscript(path);
      const tail = readTranscript(path, { fromLastCompaction: true });
      expect(tail.entries.length).toBeLessThan(10);
      expect(contextMessages(tail.entries)).toEqual(contextMessages(full.entries));
      expect(tail.notes).toEqual(full.notes);
      expect(tail.validLength).toBe(full.validLength);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
