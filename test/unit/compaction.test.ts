import { describe, expect, it } from 'vitest';
import { compactionLimit, planCompaction, pruneToolResults, transcriptText } from '../../src/agent/compaction.js';
import { contextSize, exceedsLimit, TokenCounter } from '../../src/agent/tokens.js';
import type { AssistantMessage, Message } from '../../src/providers/types.js';
import { contextMessages, SUMMARY_PREFIX, type TranscriptEntry } from '../../src/store/transcript.js';

const usage = (input = 0, output = 0) => ({ input, output, cacheRead: 0, cacheWrite: 0 });
const user = (text: string): Message => ({ role: 'user', text });
const answer = (text: string, input = 0): AssistantMessage => ({ role: 'assistant', parts: [{ type: 'text', text }], stopReason: 'stop', provider: 'p', model: 'm', usage: usage(input, 10) });
const call = (id: string): Message => ({ role: 'assistant', parts: [{ type: 'tool_call', id, name: 'read', argsText: '{"path":"a"}' }], stopReason: 'tool_use', provider: 'p', model: 'm', usage: usage() });
const result = (id: string, content = 'x'): Message => ({ role: 'tool', toolCallId: id, toolName: 'read', content, isError: false });
const words = (n: number) => 'word '.repeat(n);

describe('planCompaction', () => {
  const counter = new TokenCounter();

  it('keeps at least the asked-for tokens, starting at a user message', () => {
    const messages = [user(words(400)), answer(words(400)), user(words(400)), answer(words(400)), user('latest'), answer('reply')];
    const plan = planCompaction(messages, 300, counter)!;
    expect(plan.kept[0].role).toBe('user');
    expect(plan.older.length + plan.kept.length).toBe(messages.length);
    expect(plan.kept).toContain(messages[4]);
  });

  it('never starts the kept part with a tool result, so calls keep their results', () => {
    const messages = [user(words(300)), call('a'), result('a', words(2000)), call('b'), result('b', words(2000)), answer('done')];
    const plan = planCompaction(messages, 600, counter)!;
    expect(plan.kept[0].role).not.toBe('tool');
    const keptCalls = plan.kept.flatMap((message) => (message.role === 'assistant' ? message.parts.filter((part) => part.type === 'tool_call').map((part) => part.type === 'tool_call' && part.id) : []));
    const keptResults = plan.kept.flatMap((message) => (message.role === 'tool' ? [message.toolCallId] : []));
    for (const id of keptResults) expect(keptCalls).toContain(id);
  });

  it('has nothing to do for a conversation of one message, or one already summarised', () => {
    expect(planCompaction([user('only')], 10, counter)).toBeUndefined();
    expect(planCompaction([user(`${SUMMARY_PREFIX}\nsummary`), user('next'), answer('ok')], 1, counter)).toBeUndefined();
  });
});

describe('the compaction limit', () => {
  it('is the threshold of the window minus the answer reserve', () => {
    expect(compactionLimit(200_000, { threshold: 0.8, reserveTokens: 8_192, keepRecentTokens: 20_000 })).toBe(151_808);
  });
});

describe('tool-result pruning', () => {
  it('trims old bulky results in the request and leaves recent ones whole', () => {
    const big = 'A'.repeat(3000) + 'MIDDLE' + 'Z'.repeat(3000);
    const messages = [user('q'), call('old'), result('old', big), call('b'), result('b'), call('c'), result('c'), call('recent'), result('recent', big)];
    const pruned = pruneToolResults(messages);
    const old = pruned[2];
    expect(old.role === 'tool' && old.content).toContain('trimmed from the request');
    expect(old.role === 'tool' && old.content).not.toContain('MIDDLE');
    expect(pruned[8]).toBe(messages[8]);
    expect(messages[2].role === 'tool' && messages[2].content).toBe(big);
  });

  it('trims a result once: the next turn\'s request holds the same trimmed message, and a history with nothing to trim is not copied', () => {
    const big = `${'head '.repeat(500)}${'tail '.repeat(500)}`;
    const messages: Message[] = [user('read it'), call('c1'), result('c1', big), answer('done'), user('a'), answer('b'), user('c'), answer('d')];
    const first = pruneToolResults(messages);
    messages.push(user('e'), answer('f'));
    const second = pruneToolResults(messages);
    expect(second[2]).not.toBe(messages[2]);
    expect(second[2]).toBe(first[2]);
    const plain: Message[] = [user('a'), answer('b'), user('c'), answer('d'), user('e'), answer('f'), user('g')];
    expect(pruneToolResults(plain)).toBe(plain);
  });
});

describe('context size', () => {
  it('trusts the provider-reported input of the last answer and estimates what came after', () => {
    const counter = new TokenCounter();
    const messages = [user('x'), answer('y', 5000), user('z'.repeat(400))];
    const size = contextSize(counter, '', [], messages);
    expect(size.tokens).toBeGreaterThanOrEqual(5000 + 10 + 100);
    expect(size.tokens).toBeLessThan(5000 + 10 + 120);
    expect(size.estimated).toBe(true);
  });

  it('calibrates characters per token from reported usage', () => {
    const counter = new TokenCounter();
    counter.calibrate(3000, 1000);
    expect(counter.estimate(3000)).toBe(1000);
  });
});

describe('contextMessages after a compaction', () => {
  it('starts with the summary, then the kept messages and everything after', () => {
    const entry = (id: string, message: Message): TranscriptEntry => ({ type: 'message', id, parentId: null, ts: '', message });
    const entries: TranscriptEntry[] = [
      entry('1', user('old question')),
      entry('2', answer('old answer')),
      entry('3', user('kept question')),
      entry('4', answer('kept answer')),
      { type: 'compaction', id: 'c', parentId: '4', ts: '', summary: 'the summary', firstKeptId: '3' },
      entry('5', user('new question')),
    ];
    const messages = contextMessages(entries);
    expect(messages.map((message) => (message.role === 'user' ? message.text : 'assistant'))).toEqual([`${SUMMARY_PREFIX}\nthe summary`, 'kept question', 'assistant', 'new question']);
  });
});

describe('the summariser input', () => {
  it('includes tool calls and trimmed results and earlier summaries', () => {
    const text = transcriptText([user(`${SUMMARY_PREFIX}\nearlier`), call('a'), result('a', 'R'.repeat(5000))]);
    expect(text).toContain('[Earlier summary]\nearlier');
    expect(text).toContain('[Agent called read] {"path":"a"}');
    expect(text).toContain('characters trimmed');
  });
});

describe('the tokenizer', () => {
  it('settles an estimate too close to the limit by counting real tokens', () => {
    const counter = new TokenCounter();
    // "a a a ..." is about one token per two characters, not the estimate's four.
    const messages = [user('a '.repeat(2000))];
    expect(counter.estimate(4000)).toBe(1000);
    expect(counter.count('a '.repeat(2000))).toBeGreaterThan(1500);
    expect(exceedsLimit(counter, '', [], messages, 1100)).toBe(true);
    // far from the limit, the estimate decides without the tokenizer
    expect(exceedsLimit(counter, '', [], messages, 5000)).toBe(false);
  });
});
