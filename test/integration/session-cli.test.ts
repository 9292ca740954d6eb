import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

/**
 * `openclaw session ...` as a user runs it. One real session is made once with `chat -p` against
 * the fake provider; every test works on its own copy of that store.
 */

let fake: FakeProvider;
let template: { path: string; cleanup: () => void };
let sessionId: string;
let home: { path: string; cleanup: () => void };

const sessionsDir = () => join(home.path, 'sessions');
const transcript = (id: string) => join(sessionsDir(), `${id}.jsonl`);

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { OPENCLAW_HOME: home.path }, cwd: home.path });
}

function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('unexpected error');
}

function transcriptIds(): string[] {
  return readdirSync(sessionsDir())
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => name.slice(0, -'.jsonl'.length));
}

/** A session written straight to disk; the index is dropped so the CLI rebuilds it from the transcripts. */
function writeSession(id: string, lines: unknown[]): void {
  const header = { type: 'session', version: 1, id, created: '2026-03-01T10:00:00.000Z', cwd: home.path };
  writeFileSync(transcript(id), [header, ...lines].map((line) => `${JSON.stringify(line)}\n`).join(''), { mode: 0o600 });
  rmSync(join(sessionsDir(), 'index.json'), { force: true });
}

beforeAll(async () => {
  fake = await FakeProvider.start();
  fake.script({ text: 'hi there, how can I help?' });
  template = tempDir('openclaw-session-template-');
  const result = await runCli(['chat', '-p', 'hello agent'], {
    env: { OPENCLAW_HOME: template.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test' },
    cwd: template.path,
  });
  expect(result.code, result.stderr).toBe(0);
  const [file] = readdirSync(join(template.path, 'sessions')).filter((name) => name.endsWith('.jsonl'));
  sessionId = file.slice(0, -'.jsonl'.length);
});

afterAll(async () => {
  await fake.close();
  template.cleanup();
});

beforeEach(() => {
  home = tempDir('openclaw-session-cli-');
  cpSync(template.path, home.path, { recursive: true });
});

afterEach(() => home.cleanup());

describe('openclaw session list', () => {
  it('shows the session in a table with its id, message count, model and title', async () => {
    const result = await cli(['session', 'list']);
    expect(result.code).toBe(0);
    const [heading, row, ...rest] = result.stdout.trimEnd().split('\n');
    expect(heading).toMatch(/^ID\s+UPDATED\s+MSGS\s+TOKENS IN\/OUT\s+COST\s+MODEL\s+TITLE$/);
    expect(rest).toEqual([]);
    expect(row.startsWith(sessionId)).toBe(true);
    expect(row).toMatch(/\s2\s/);
    expect(row).toContain('gpt-5.4-mini');
    expect(row).toMatch(/hello agent$/);
  });

  it('prints the sessions as a JSON array with --json', async () => {
    const result = await cli(['session', 'list', '--json']);
    expect(result.code).toBe(0);
    const sessions = JSON.parse(result.stdout);
    expect(sessions).toEqual([
      expect.objectContaining({ id: sessionId, title: 'hello agent', provider: 'openai', model: 'gpt-5.4-mini', messages: 2, cwd: template.path }),
    ]);
    expect(sessions[0].tokens.output).toBeGreaterThan(0);
  });

  it('says how to start a session when there are none', async () => {
    rmSync(sessionsDir(), { recursive: true });
    const result = await cli(['session', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No sessions yet');
    expect(result.stdout).toContain('openclaw chat -p');
  });

  it('prints an empty JSON array with --json when there are no sessions', async () => {
    rmSync(sessionsDir(), { recursive: true });
    const result = await cli(['session', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('lists only the sessions started in the current directory with --here', async () => {
    const there = await runCli(['session', 'list', '--here', '--json'], { env: { OPENCLAW_HOME: home.path }, cwd: template.path });
    expect(JSON.parse(there.stdout).map((meta: { id: string }) => meta.id)).toEqual([sessionId]);
    const elsewhere = await cli(['session', 'list', '--here']);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toContain(`No sessions in ${home.path}`);
  });

  it('still lists the sessions when index.json is corrupt', async () => {
    writeFileSync(join(sessionsDir(), 'index.json'), '{"version":1,"sess');
    const result = await cli(['session', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).map((meta: { id: string }) => meta.id)).toEqual([sessionId]);
  });
});

describe('openclaw session show', () => {
  it('prints the conversation as Markdown', async () => {
    const result = await cli(['session', 'show', sessionId]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`- session: ${sessionId}`);
    expect(result.stdout).toMatch(/## User\n\nhello agent\n/);
    expect(result.stdout).toMatch(/## Assistant\n\nhi there, how can I help\?\n/);
  });

  it('finds the session by a unique prefix of its id', async () => {
    const result = await cli(['session', 'show', sessionId.slice(0, 10)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`- session: ${sessionId}`);
  });

  it('prints the header and then one entry per line with --json, as stored', async () => {
    const result = await cli(['session', 'show', sessionId, '--json']);
    expect(result.code).toBe(0);
    const printed = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    const stored = readFileSync(transcript(sessionId), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(printed).toEqual(stored);
    expect(printed[0]).toMatchObject({ type: 'session', id: sessionId });
  });

  it('shows an interrupted tool call with a synthetic result and a note on stderr', async () => {
    writeSession('crashed', [
      { id: 'u1', parentId: null, ts: '2026-03-01T10:00:01.000Z', type: 'message', message: { role: 'user', text: 'list files' } },
      {
        id: 'a1',
        parentId: 'u1',
        ts: '2026-03-01T10:00:02.000Z',
        type: 'message',
        message: { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'list', argsText: '{}' }], stopReason: 'tool_use', provider: 'openai', model: 'm', usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 } },
      },
    ]);
    const result = await cli(['session', 'show', 'crashed', '--json']);
    expect(result.code).toBe(0);
    const last = JSON.parse(result.stdout.trimEnd().split('\n').at(-1) as string);
    expect(last.message).toMatchObject({ role: 'tool', toolCallId: 'call_1', isError: true });
    expect(last.message.content).toContain('Interrupted');
    expect(result.stderr).toContain('note: 1 tool call(s) without a result were marked interrupted');
  });

  it('refuses an unknown id with exit 2 and a hint, without a stack trace', async () => {
    const result = await cli(['session', 'show', 'no-such-session']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no session "no-such-session"');
    expect(result.stderr).toContain('hint: List sessions with `openclaw session list`');
    expectNoStack(result);
  });

  it('refuses an ambiguous prefix with exit 2, naming the candidates', async () => {
    writeSession('2026-dup-a', []);
    writeSession('2026-dup-b', []);
    const result = await cli(['session', 'show', '2026-dup']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ambiguous');
    expect(result.stderr).toContain('2026-dup-a');
    expect(result.stderr).toContain('2026-dup-b');
    expectNoStack(result);
  });
});

describe('openclaw session export / rm / import', () => {
  it('exports the transcript byte for byte with --format jsonl', async () => {
    const result = await cli(['session', 'export', sessionId, '--format', 'jsonl']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(transcript(sessionId), 'utf8'));
  });

  it('round-trips export, rm and import to a byte-identical transcript', async () => {
    const original = readFileSync(transcript(sessionId));
    const file = join(home.path, 'exported.jsonl');
    expect((await cli(['session', 'export', sessionId, '--format', 'jsonl', '-o', file])).code).toBe(0);

    const removed = await cli(['session', 'rm', sessionId]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`removed session ${sessionId}\n`);
    expect(existsSync(transcript(sessionId))).toBe(false);

    const imported = await cli(['session', 'import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(`imported session ${sessionId} (2 messages)\n`);
    expect(readFileSync(transcript(sessionId))).toEqual(original);
    expect(statSync(transcript(sessionId)).mode & 0o777).toBe(0o600);
    const listed = JSON.parse((await cli(['session', 'list', '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: sessionId, title: 'hello agent', messages: 2 })]);
  });

  it('exports Markdown with --format md', async () => {
    const result = await cli(['session', 'export', sessionId, '--format', 'md']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('# hello agent\n')).toBe(true);
    expect(result.stdout).toMatch(/## User\n\nhello agent\n\n## Assistant\n\nhi there, how can I help\?\n$/);
  });

  it('writes the Markdown export to a private file with -o', async () => {
    const file = join(home.path, 'session.md');
    const result = await cli(['session', 'export', sessionId, '--format', 'md', '-o', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('## Assistant');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reports an output file it cannot write, without a stack trace', async () => {
    const result = await cli(['session', 'export', sessionId, '--format', 'jsonl', '-o', join(home.path, 'missing-dir', 'x.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot write');
    expectNoStack(result);
  });

  it('reports a session whose transcript is gone, with a hint, without a stack trace', async () => {
    rmSync(transcript(sessionId));
    const result = await cli(['session', 'export', sessionId, '--format', 'jsonl']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is missing');
    expect(result.stderr).toContain(`openclaw session rm ${sessionId}`);
    expectNoStack(result);
  });

  it('refuses to rm an unknown id with exit 2 and a hint, removing nothing', async () => {
    const result = await cli(['session', 'rm', 'no-such-session']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no session "no-such-session"');
    expect(result.stderr).toContain('hint:');
    expectNoStack(result);
    expect(transcriptIds()).toEqual([sessionId]);
  });

  it('refuses to rm a session another process is writing, without a stack trace', async () => {
    const sessions = resolve(import.meta.dirname, '../../dist/store/sessions.js');
    const paths = resolve(import.meta.dirname, '../../dist/store/paths.js');
    const script = `
      const { SessionStore } = await import(${JSON.stringify(sessions)});
      const { storePaths } = await import(${JSON.stringify(paths)});
      const session = await new SessionStore(storePaths(process.env.OPENCLAW_HOME)).open(${JSON.stringify(sessionId)});
      process.stdout.write('ready\\n');
      process.stdin.resume();
      process.stdin.on('end', () => { session.close(); process.exit(0); });
    `;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, OPENCLAW_HOME: home.path } });
    try {
      await new Promise<void>((resolvePromise, reject) => {
        holder.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolvePromise());
        holder.on('exit', (code) => reject(new Error(`the session holder exited early with ${code}`)));
      });
      const result = await cli(['session', 'rm', sessionId]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('in use by another openclaw process');
      expect(result.stderr).toContain(`pid ${holder.pid}`);
      expectNoStack(result);
      expect(existsSync(transcript(sessionId))).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('refuses to import a session that already exists, with exit 2', async () => {
    const file = join(home.path, 'exported.jsonl');
    cpSync(transcript(sessionId), file);
    const result = await cli(['session', 'import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already exists');
    expectNoStack(result);
  });

  it('refuses to import a file that is not a transcript, with exit 2', async () => {
    const file = join(home.path, 'notes.txt');
    writeFileSync(file, 'just some notes\n');
    const result = await cli(['session', 'import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not start with a session header');
    expectNoStack(result);
    expect(transcriptIds()).toEqual([sessionId]);
  });

  it('refuses to import a file that does not exist, with exit 2', async () => {
    const result = await cli(['session', 'import', join(home.path, 'nope.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such file');
    expectNoStack(result);
  });
});

describe('openclaw session fork', () => {
  it('copies the session under a new id and says how to continue it', async () => {
    const result = await cli(['session', 'fork', sessionId]);
    expect(result.code).toBe(0);
    const forkId = /forked into session (\S+);/.exec(result.stdout)?.[1] as string;
    expect(forkId).toBeDefined();
    expect(forkId).not.toBe(sessionId);
    expect(result.stdout).toContain(`openclaw chat -r ${forkId}`);
    expect(transcriptIds().sort()).toEqual([sessionId, forkId].sort());
  });

  it('gives the fork the same conversation and a header naming its parent', async () => {
    const result = await cli(['session', 'fork', sessionId, '--json']);
    expect(result.code).toBe(0);
    const fork = JSON.parse(result.stdout);
    const [header, ...entries] = readFileSync(transcript(fork.id), 'utf8').trimEnd().split('\n');
    const [, ...originalEntries] = readFileSync(transcript(sessionId), 'utf8').trimEnd().split('\n');
    expect(JSON.parse(header)).toMatchObject({ type: 'session', id: fork.id, parentSession: sessionId });
    expect(entries).toEqual(originalEntries);
    expect(fork).toMatchObject({ title: 'hello agent', messages: 2 });
  });

  it('refuses to fork an unknown id with exit 2', async () => {
    const result = await cli(['session', 'fork', 'no-such-session']);
    expect(result.code).toBe(2);
    expectNoStack(result);
    expect(transcriptIds()).toEqual([sessionId]);
  });
});
