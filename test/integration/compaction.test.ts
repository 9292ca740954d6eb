import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir } from '../helpers/cli.js';

type Provider = 'openai' | 'anthropic';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-compact-home-');
  work = tempDir('openclaw-compact-work-');
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

/** A small window: the limit is 0.8 × 6000 − 500 = 4300 tokens, the fake counts 4 bytes a token. */
function smallWindow(extra: Record<string, unknown> = {}) {
  writeFileSync(
    join(home.path, 'config.json'),
    JSON.stringify({ contextWindow: 6000, compaction: { reserveTokens: 500, keepRecentTokens: 600 }, memory: { enabled: false }, retry: { baseDelayMs: 0, maxDelayMs: 0 }, ...extra }),
  );
}

function env(provider: Provider): Record<string, string> {
  return provider === 'openai'
    ? { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test' }
    : { OPENCLAW_HOME: home.path, ANTHROPIC_BASE_URL: fake.anthropicBaseUrl, ANTHROPIC_API_KEY: 'sk-ant-test' };
}

const chat = (provider: Provider, args: string[]) => runCli(['chat', '-p', ...args], { cwd: work.path, env: env(provider) });

function transcriptEntries(): Array<Record<string, any>> {
  const dir = join(home.path, 'sessions');
  const [file] = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  return readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

/** Every tool result in a request answers a tool call made earlier in that same request. */
function pairingProblems(request: RecordedRequest): string[] {
  const calls = new Set<string>();
  const problems: string[] = [];
  if (request.api === 'anthropic') {
    for (const message of request.body.messages) {
      for (const block of Array.isArray(message.content) ? message.content : []) {
        if (block.type === 'tool_use') calls.add(block.id);
        if (block.type === 'tool_result' && !calls.has(block.tool_use_id)) problems.push(block.tool_use_id);
      }
    }
    if (request.body.messages[0]?.role !== 'user') problems.push('first message is not from the user');
  } else {
    for (const message of request.body.messages) {
      for (const call of message.tool_calls ?? []) calls.add(call.id);
      if (message.role === 'tool' && !calls.has(message.tool_call_id)) problems.push(message.tool_call_id);
    }
  }
  return problems;
}

const filler = (label: string) => `${label}: ${'lorem ipsum dolor sit amet '.repeat(120)}`;

describe.each<Provider>(['openai', 'anthropic'])('compaction with %s', (provider) => {
  it('summarises the older part when the context passes the limit, and the identifiers survive', async () => {
    smallWindow();
    fake.script({ text: 'Noted: the project id is ZX-4471 and the file is src/ledger/rounding.ts.' });
    expect((await chat(provider, ['Remember: project id ZX-4471, the bug is in src/ledger/rounding.ts'])).code).toBe(0);
    for (let turn = 1; turn <= 4; turn++) {
      fake.script({ toolCalls: [{ name: 'list', args: {} }] }, { text: filler(`answer ${turn}`) });
      const result = await chat(provider, ['--continue', filler(`question ${turn}`)]);
      expect(result.code).toBe(0);
    }
    const summaryRequest = fake.requests.find((request) => JSON.stringify(request.body).includes('Summarise this conversation'));
    expect(summaryRequest, 'a summary request was made').toBeDefined();
    expect(JSON.stringify(summaryRequest!.body)).toContain('ZX-4471');

    // The scripted summary keeps the identifiers; the next request starts from it.
    fake.fallback = () => ({ text: 'ok' });
    const before = fake.requests.length;
    fake.script({ text: 'The project id is ZX-4471.' });
    expect((await chat(provider, ['--continue', 'what is the project id?'])).code).toBe(0);
    const next = fake.requests.slice(before).find((request) => !JSON.stringify(request.body).includes('Summarise this conversation'))!;
    expect(JSON.stringify(next.body)).toContain('Summary of the earlier conversation');
    expect(pairingProblems(next)).toEqual([]);
    for (const request of fake.requests) expect(pairingProblems(request)).toEqual([]);

    const entries = transcriptEntries();
    const compaction = entries.find((entry) => entry.type === 'compaction');
    expect(compaction).toBeDefined();
    expect(entries.some((entry) => entry.id === compaction!.firstKeptId)).toBe(true);
    // the full history stays on disk
    expect(entries.filter((entry) => entry.message?.role === 'user').map((entry) => entry.message.text)[0]).toContain('ZX-4471');
  });
});

describe('compaction', () => {
  it('retries once after the provider says the context is too long', async () => {
    smallWindow({ contextWindow: 1_000_000 });
    fake.script({ text: 'first' }, { text: 'second' });
    await chat('openai', ['one ZX-9 is the id']);
    await chat('openai', ['--continue', 'two']);
    fake.script(
      { kind: 'http_error', status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens" },
      { text: '## Goal\n- id ZX-9' },
      { text: 'answered after compacting' },
    );
    const result = await chat('openai', ['--continue', 'three']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('answered after compacting\n');
    expect(result.stderr).toMatch(/compacting and retrying/);
    expect(transcriptEntries().filter((entry) => entry.type === 'compaction')).toHaveLength(1);
  });

  it('a second overflow in the same turn is a provider error (exit 3)', async () => {
    smallWindow({ contextWindow: 1_000_000 });
    fake.script({ text: 'first' });
    await chat('openai', ['one']);
    const overflow = { kind: 'http_error' as const, status: 400, code: 'context_length_exceeded', message: 'maximum context length exceeded' };
    fake.script(overflow, { text: '## Goal\n- x' }, overflow);
    const result = await chat('openai', ['--continue', 'two']);
    expect(result.code).toBe(3);
  });

  it('leaves the session unchanged and says so when the summary fails', async () => {
    smallWindow({ retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 } });
    fake.script({ text: filler('a') });
    await chat('openai', [filler('q')]);
    fake.script({ text: filler('b') });
    await chat('openai', ['--continue', filler('r')]);
    fake.script({ kind: 'http_error', status: 500, message: 'summariser down' }, { text: 'still answering' });
    const result = await chat('openai', ['--continue', filler('s')]);
    expect(result.stderr).toContain('compaction failed, the session is unchanged');
    expect(result.stdout).toBe('still answering\n');
    expect(transcriptEntries().some((entry) => entry.type === 'compaction')).toBe(false);
  });

  it('session compact <id> compacts a stored session on demand', async () => {
    smallWindow({ contextWindow: 1_000_000 });
    fake.script({ text: 'first answer' }, { text: 'second answer' });
    await chat('openai', ['first question']);
    await chat('openai', ['--continue', 'second question']);
    const id = transcriptEntries()[0].id;
    fake.script({ text: '## Goal\n- first question answered' });
    const result = await runCli(['session', 'compact', id, '--focus', 'the first question'], { cwd: work.path, env: env('openai') });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/summarised/);
    expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('Pay particular attention to: the first question');
    expect(transcriptEntries().filter((entry) => entry.type === 'compaction')).toHaveLength(1);

    const current = await runCli(['session', 'show', id], { cwd: work.path, env: env('openai') });
    expect(current.stdout).toContain('first question answered');
    expect(current.stdout).not.toContain('## User\n\nfirst question');
    expect(current.stdout).toContain('second question');
    expect(current.stderr).toContain('--all shows the full history');
    const all = await runCli(['session', 'show', id, '--all'], { cwd: work.path, env: env('openai') });
    expect(all.stdout).toContain('## User\n\nfirst question');
  });
});
