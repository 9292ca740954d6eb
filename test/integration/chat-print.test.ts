import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { BIN, runCli, tempDir, type CliOptions } from '../helpers/cli.js';

const API_KEY = 'sk-test-4f9a2c7e1b3d5f6a8c0e';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-home-');
  work = tempDir('openclaw-work-');
  writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 } }));
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

type Provider = 'openai' | 'anthropic';

function env(provider: Provider = 'openai'): Record<string, string> {
  return provider === 'openai'
    ? { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY }
    : { OPENCLAW_HOME: home.path, ANTHROPIC_BASE_URL: fake.anthropicBaseUrl, ANTHROPIC_API_KEY: API_KEY };
}

function chat(args: string[], options: CliOptions & { provider?: Provider } = {}) {
  return runCli(['chat', '-p', ...args], { cwd: work.path, ...options, env: { ...env(options.provider), ...options.env } });
}

function sessionIds(): string[] {
  const dir = join(home.path, 'sessions');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -6)) : [];
}

function transcript(id: string): Array<Record<string, any>> {
  return readFileSync(join(home.path, 'sessions', `${id}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** The tool results a request carried back to the model, whatever the wire format. */
function toolResultsIn(request: RecordedRequest): string[] {
  const body = request.body;
  if (request.api === 'chat') return body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
  if (request.api === 'responses') return body.input.filter((i: any) => i.type === 'function_call_output').map((i: any) => i.output);
  return body.messages
    .flatMap((m: any) => (Array.isArray(m.content) ? m.content : []))
    .filter((block: any) => block.type === 'tool_result')
    .map((block: any) => block.content);
}

describe.each<Provider>(['openai', 'anthropic'])('chat -p with %s', (provider) => {
  it('prints only the answer on stdout and saves the session', async () => {
    fake.script({ text: 'The answer is 42.' });
    const result = await chat(['what is the answer?'], { provider });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The answer is 42.\n');
    const [id] = sessionIds();
    const entries = transcript(id);
    expect(entries[0]).toMatchObject({ type: 'session', id, cwd: work.path });
    expect(entries[1].message).toEqual({ role: 'user', text: 'what is the answer?' });
    expect(entries[2].message.role).toBe('assistant');
    expect(entries[2].parentId).toBe(entries[1].id);
  });

  it('runs a tool, sends its result back, and answers', async () => {
    writeFileSync(join(work.path, 'notes.txt'), 'alpha\nbeta\n');
    fake.script({ toolCalls: [{ name: 'read', args: { path: 'notes.txt' } }] }, { text: 'The file has two lines.' });
    const result = await chat(['read notes.txt'], { provider });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The file has two lines.\n');
    expect(result.stderr).toContain('read');
    expect(fake.requests).toHaveLength(2);
    const [toolResult] = toolResultsIn(fake.requests[1]);
    expect(toolResult).toContain('1\talpha');
    expect(toolResult).toContain('2\tbeta');
  });

  it('denies a shell call in print mode and tells the model why', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'touch created-by-shell' } }] }, { text: 'Could not run it.' });
    const result = await chat(['make a file'], { provider });
    expect(result.code).toBe(0);
    expect(existsSync(join(work.path, 'created-by-shell'))).toBe(false);
    const [toolResult] = toolResultsIn(fake.requests[1]);
    expect(toolResult).toMatch(/^Denied: /);
    expect(toolResult).toContain('--allow');
    expect(result.stderr).toContain('denied');
  });

  it('retries a rate limit and answers', async () => {
    fake.script({ kind: 'http_error', status: 429, message: 'slow down' }, { text: 'after the retry' });
    const result = await chat(['hi'], { provider });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('after the retry\n');
    expect(result.stderr).toMatch(/rate limited.*retrying/);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a stream cut mid-answer, keeping the user message once', async () => {
    fake.script({ kind: 'cut', text: 'I was saying', how: 'reset' }, { text: 'Complete answer.' });
    const result = await chat(['tell me'], { provider });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Complete answer.\n');
    const entries = transcript(sessionIds()[0]);
    expect(entries.filter((entry) => entry.message?.role === 'user')).toHaveLength(1);
    expect(entries.filter((entry) => entry.message?.role === 'assistant')).toHaveLength(1);
  });

  it('exits 3 with a clear message when retries run out', async () => {
    writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 } }));
    fake.script({ kind: 'http_error', status: 503, message: 'down' }, { kind: 'http_error', status: 503, message: 'down' });
    const result = await chat(['hi'], { provider });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('server error 503');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('provider-specific recovery', () => {
  it('Anthropic 529 overloaded is retried', async () => {
    fake.script({ kind: 'http_error', status: 529 }, { text: 'fine now' });
    const result = await chat(['hi'], { provider: 'anthropic' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('fine now\n');
  });

  it("Anthropic's mid-stream overloaded_error (no HTTP status) is retried", async () => {
    fake.script({ kind: 'stream_error', text: 'Let me' }, { text: 'recovered' });
    const result = await chat(['hi'], { provider: 'anthropic' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('recovered\n');
    expect(result.stderr).toContain('overloaded');
  });

  it('a 401 is not retried and exits 3 with a hint about the key', async () => {
    fake.script({ kind: 'http_error', status: 401, message: 'Incorrect API key provided' });
    const result = await chat(['hi']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('authentication failed');
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(fake.requests).toHaveLength(1);
  });

  it('the Responses API works when a provider is configured for it', async () => {
    writeFileSync(join(home.path, 'config.json'), JSON.stringify({ providers: { openai: { api: 'responses' } } }));
    writeFileSync(join(work.path, 'a.txt'), 'content of a\n');
    fake.script({ toolCalls: [{ name: 'read', args: { path: 'a.txt' } }] }, { text: 'Read it.' });
    const result = await chat(['read a.txt']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Read it.\n');
    expect(fake.requests.map((request) => request.api)).toEqual(['responses', 'responses']);
    expect(toolResultsIn(fake.requests[1])[0]).toContain('content of a');
  });
});

describe('tool calls the model gets wrong', () => {
  it('invalid JSON arguments become an error result the model can correct', async () => {
    fake.script({ toolCalls: [{ name: 'read', args: '{"path": "x.txt"' }] }, { text: 'Sorry.' });
    const result = await chat(['go']);
    expect(result.code).toBe(0);
    expect(toolResultsIn(fake.requests[1])[0]).toMatch(/Invalid arguments: not valid JSON/);
  });

  it('arguments that do not match the schema become an error result naming the problem', async () => {
    fake.script({ toolCalls: [{ name: 'read', args: { file: 'x.txt' } }] }, { text: 'Sorry.' });
    const result = await chat(['go']);
    expect(result.code).toBe(0);
    const [message] = toolResultsIn(fake.requests[1]);
    expect(message).toContain('Invalid arguments for read');
    expect(message).toMatch(/path/);
  });

  it('an unknown tool becomes an error result listing the real tools', async () => {
    fake.script({ toolCalls: [{ name: 'teleport', args: {} }] }, { text: 'Sorry.' });
    const result = await chat(['go']);
    expect(result.code).toBe(0);
    expect(toolResultsIn(fake.requests[1])[0]).toMatch(/Unknown tool "teleport".*read, write, edit/);
  });

  it('tool calls of an answer cut by the output-token limit are not run', async () => {
    fake.script({ toolCalls: [{ name: 'write', args: { path: 'half.txt', content: 'partial' } }], stop: 'length' }, { text: 'Retrying smaller.' });
    const result = await chat(['write it', '--approval', 'full']);
    expect(result.code).toBe(0);
    expect(existsSync(join(work.path, 'half.txt'))).toBe(false);
    expect(toolResultsIn(fake.requests[1])[0]).toContain('output-token limit');
  });
});

describe('approval flags', () => {
  it('--allow lets a matching shell command run in print mode', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'echo hello > out.txt' } }] }, { text: 'Done.' });
    const result = await chat(['write out.txt', '--allow', 'shell(echo *)']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(work.path, 'out.txt'), 'utf8')).toBe('hello\n');
    const entries = transcript(sessionIds()[0]);
    const audit = entries.find((entry) => entry.message?.role === 'tool')?.audit;
    expect(audit.decision).toMatchObject({ decision: 'allow', by: 'rule', rule: 'shell(echo *)' });
    expect(audit.exitCode).toBe(0);
  });

  it('--deny beats --approval full', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'rm -f keep.txt' } }] }, { text: 'ok' });
    writeFileSync(join(work.path, 'keep.txt'), 'keep');
    const result = await chat(['clean up', '--approval', 'full', '--deny', 'shell(rm *)']);
    expect(result.code).toBe(0);
    expect(existsSync(join(work.path, 'keep.txt'))).toBe(true);
    expect(toolResultsIn(fake.requests[1])[0]).toContain('denied by rule shell(rm *)');
  });

  it('file tools stay inside the workspace', async () => {
    const outside = tempDir('openclaw-outside-');
    try {
      writeFileSync(join(outside.path, 'secret.txt'), 'do not read');
      fake.script({ toolCalls: [{ name: 'read', args: { path: join(outside.path, 'secret.txt') } }] }, { text: 'ok' });
      const result = await chat(['read it', '--approval', 'full']);
      expect(result.code).toBe(0);
      const [message] = toolResultsIn(fake.requests[1]);
      expect(message).toContain('outside the workspace');
      expect(message).not.toContain('do not read');
    } finally {
      outside.cleanup();
    }
  });

  it('session show --tools lists each call with its decision, exit code and what it touched', async () => {
    fake.script(
      { toolCalls: [{ name: 'shell', args: { command: 'echo audited' } }, { name: 'write', args: { path: 'blocked.txt', content: 'x' } }] },
      { text: 'done' },
    );
    expect((await chat(['do two things', '--allow', 'shell(echo *)'])).code).toBe(0);
    const [id] = sessionIds();
    const shown = await runCli(['session', 'show', id, '--tools', '--json'], { env: env() });
    expect(shown.code).toBe(0);
    const calls = JSON.parse(shown.stdout);
    expect(calls).toEqual([
      expect.objectContaining({ tool: 'shell', decision: 'allow', by: 'rule', rule: 'shell(echo *)', exitCode: 0, ok: true, touched: ['echo audited'] }),
      expect.objectContaining({ tool: 'write', decision: 'deny', by: 'mode', ok: false }),
    ]);
    expect(calls[0].durationMs).toBeTypeOf('number');
    const text = await runCli(['session', 'show', id, '--tools'], { env: env() });
    expect(text.stdout).toMatch(/shell\s+allow\s+rule shell\(echo \*\)\s+0\s+\d+\s+echo audited/);
    expect(text.stdout).toMatch(/write\s+deny\s+mode/);
  });

  it('rejects an invalid rule with exit 2 before calling the model', async () => {
    const result = await chat(['hi', '--allow', 'shell(']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid rule');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('input and output', () => {
  it('appends piped stdin to the prompt', async () => {
    fake.script({ text: 'Looks fine.' });
    const result = await chat(['review this'], { input: 'diff --git a/x b/x\n+added line\n' });
    expect(result.code).toBe(0);
    const user = fake.requests[0].body.messages.find((m: any) => m.role === 'user');
    expect(user.content).toBe('review this\n\ndiff --git a/x b/x\n+added line');
  });

  it('takes the whole prompt from stdin when no arguments are given', async () => {
    fake.script({ text: 'ok' });
    const result = await runCli(['chat'], { cwd: work.path, env: env(), input: 'just stdin' });
    expect(result.code).toBe(0);
    expect(fake.requests[0].body.messages.at(-1).content).toBe('just stdin');
  });

  it('exits 2 when there is no prompt at all', async () => {
    const result = await chat([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no prompt');
  });

  it('--output-format json prints one JSON document', async () => {
    fake.script({ text: 'json answer', usage: { input: 11, output: 7 } });
    const result = await chat(['hi', '--output-format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ type: 'result', status: 'ok', exitCode: 0, text: 'json answer', turns: 1, provider: 'openai' });
    expect(doc.usage).toMatchObject({ input: 11, output: 7 });
    expect(doc.sessionId).toBe(sessionIds()[0]);
  });

  it('--output-format stream-json prints one event per line, in order', async () => {
    fake.script({ toolCalls: [{ name: 'list', args: {} }] }, { text: 'two parts' });
    const result = await chat(['hi', '--output-format', 'stream-json']);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('session');
    expect(types[1]).toBe('user');
    expect(types).toEqual(expect.arrayContaining(['tool_call', 'approval', 'tool_result', 'usage', 'text_delta']));
    expect(types.indexOf('tool_call')).toBeLessThan(types.indexOf('tool_result'));
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'ok', text: 'two parts', turns: 2 });
    const text = events.filter((event) => event.type === 'text_delta').map((event) => event.text).join('');
    expect(text).toBe('two parts');
  });

  it('--no-session leaves no transcript', async () => {
    fake.script({ text: 'ephemeral' });
    const result = await chat(['hi', '--no-session']);
    expect(result.code).toBe(0);
    expect(sessionIds()).toEqual([]);
  });
});

describe('limits and configuration errors', () => {
  it('--max-turns stops a model that keeps calling tools, with exit 4', async () => {
    fake.fallback = () => ({ toolCalls: [{ name: 'list', args: {} }] });
    try {
      const result = await chat(['loop forever', '--max-turns', '2']);
      expect(result.code).toBe(4);
      expect(fake.requests).toHaveLength(2);
      expect(result.stderr).toContain('--max-turns');
      // the history stays valid: the last call got a result
      const entries = transcript(sessionIds()[0]);
      const calls = entries.filter((e) => e.message?.role === 'assistant').flatMap((e) => e.message.parts.filter((p: any) => p.type === 'tool_call'));
      const results = entries.filter((e) => e.message?.role === 'tool');
      expect(results).toHaveLength(calls.length);
    } finally {
      fake.fallback = () => ({ text: 'ok' });
    }
  });

  it('exits 2 and says how to configure a provider when none is set', async () => {
    const result = await runCli(['chat', '-p', 'hi'], { cwd: work.path, env: { OPENCLAW_HOME: home.path } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no model provider is configured');
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stderr).toContain('openclaw config set');
  });

  it('an unknown config key warns but does not stop the run', async () => {
    writeFileSync(join(home.path, 'config.json'), JSON.stringify({ colour: 'blue', approval: 'sometimes' }));
    fake.script({ text: 'still works' });
    const result = await chat(['hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('still works\n');
    expect(result.stderr).toContain('"colour"');
    expect(result.stderr).toContain('"approval"');
  });

  it('--max-turns must be a positive number', async () => {
    const result = await chat(['hi', '--max-turns', 'lots']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-turns');
  });

  it('never writes the API key to the store, even when a tool prints it', async () => {
    fake.script(
      { toolCalls: [{ name: 'shell', args: { command: 'echo "key=$OPENAI_API_KEY"; echo literal=' + API_KEY } }] },
      { text: `echoing ${'back'}` },
    );
    const result = await chat(['show env', '--allow', 'shell']);
    expect(result.code).toBe(0);
    const [toolResult] = toolResultsIn(fake.requests[1]);
    expect(toolResult).toContain('key=\n');
    expect(toolResult).toContain('literal=[REDACTED]');
    const stored = readdirSync(join(home.path, 'sessions')).map((name) => readFileSync(join(home.path, 'sessions', name), 'utf8')).join('');
    expect(stored).not.toContain(API_KEY);
  });
});

describe('sessions across runs', () => {
  it('--continue sends the earlier conversation of this directory', async () => {
    fake.script({ text: 'first answer' }, { text: 'second answer' });
    await chat(['first question']);
    const result = await chat(['second question', '--continue']);
    expect(result.code).toBe(0);
    expect(sessionIds()).toHaveLength(1);
    const contents = fake.requests[1].body.messages.map((m: any) => m.content);
    expect(contents).toEqual(expect.arrayContaining(['first question', 'first answer', 'second question']));
  });

  it('--resume <prefix> continues a given session', async () => {
    fake.script({ text: 'one' }, { text: 'two' }, { text: 'three' });
    await chat(['session A']);
    await chat(['session B']);
    const ids = sessionIds().sort();
    const first = transcript(ids[0])[1].message.text === 'session A' ? ids[0] : ids[1];
    const result = await chat(['back to A', '--resume', first.slice(0, 22)]);
    expect(result.code).toBe(0);
    const contents = fake.requests[2].body.messages.map((m: any) => m.content);
    expect(contents).toContain('session A');
    expect(contents).not.toContain('session B');
  });

  it('--continue with no session here exits 2', async () => {
    const result = await chat(['hi', '--continue']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no session to continue');
  });

  it('repairs a torn last line and an orphaned tool call before continuing', async () => {
    fake.script({ toolCalls: [{ name: 'list', args: {}, id: 'call_orphan' }] }, { text: 'listed' });
    await chat(['list files']);
    const [id] = sessionIds();
    const path = join(home.path, 'sessions', `${id}.jsonl`);
    // Simulate a crash mid-tool: drop everything after the assistant's tool call, then a torn write.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const callIndex = lines.findIndex((line) => line.includes('call_orphan'));
    writeFileSync(path, `${lines.slice(0, callIndex + 1).join('\n')}\n{"type":"message","id":"torn","parentI`);

    fake.script({ text: 'continuing fine' });
    const result = await chat(['go on', '--continue']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('continuing fine\n');
    expect(result.stderr).toContain('torn');
    const messages = fake.requests.at(-1)!.body.messages;
    const callAt = messages.findIndex((m: any) => m.tool_calls?.some((c: any) => c.id === 'call_orphan'));
    expect(messages[callAt + 1]).toMatchObject({ role: 'tool', tool_call_id: 'call_orphan' });
    expect(messages[callAt + 1].content).toMatch(/Interrupted/);
    // the file is clean again: every line parses
    for (const line of readFileSync(path, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('refuses a second process writing the same session', async () => {
    fake.script({ text: 'seed' });
    await chat(['seed']);
    const [id] = sessionIds();
    fake.script({ kind: 'hang', text: 'thinking...' });
    const first = spawn(process.execPath, [BIN, 'chat', '-p', 'slow one', '--resume', id], {
      cwd: work.path,
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitFor(() => fake.requests.length === 2);
      const second = await chat(['meanwhile', '--resume', id]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('in use by another openclaw process');
      const lines = readFileSync(join(home.path, 'sessions', `${id}.jsonl`), 'utf8').trim().split('\n');
      expect(lines.some((line) => line.includes('meanwhile'))).toBe(false);
    } finally {
      first.kill('SIGKILL');
    }
  });

  it('an interrupted run exits 130 and keeps the partial answer', async () => {
    fake.script({ kind: 'hang', text: 'partial words' });
    const child = spawn(process.execPath, [BIN, 'chat', '-p', 'long task'], {
      cwd: work.path,
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    await waitFor(() => fake.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    const entries = transcript(sessionIds()[0]);
    const last = entries.at(-1)!;
    expect(last.message).toMatchObject({ role: 'assistant', stopReason: 'aborted' });
    expect(last.message.parts[0].text).toBe('partial words');
    expect(stdout).toBe('');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

