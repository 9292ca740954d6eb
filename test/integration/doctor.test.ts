import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir, type CliOptions } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let user: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-doctor-home-');
  user = tempDir('openclaw-doctor-user-');
  work = tempDir('openclaw-doctor-work-');
  writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 } }), { mode: 0o600 });
  chmodSync(home.path, 0o700);
});
afterEach(() => {
  home.cleanup();
  user.cleanup();
  work.cleanup();
});

/** The environment of a user whose home, shell and provider the test controls. */
function openclaw(args: string[], options: CliOptions = {}) {
  return runCli(args, {
    cwd: work.path,
    ...options,
    env: { OPENCLAW_HOME: home.path, HOME: user.path, SHELL: '/bin/bash', XDG_DATA_HOME: '', XDG_CONFIG_HOME: '', OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-doctor', ...options.env },
  });
}

interface Report {
  ok: boolean;
  checks: Array<{ id: string; status: string; message: string; fix?: string; details?: string[]; fixed?: string[] }>;
  changes: string[];
}

async function doctorJson(args: string[] = [], options: CliOptions = {}): Promise<{ code: number | null; report: Report }> {
  const result = await openclaw(['doctor', '--json', ...args], options);
  expect(result.stderr).toBe('');
  return { code: result.code, report: JSON.parse(result.stdout) };
}

function check(report: Report, id: string) {
  const found = report.checks.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no check ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`);
  return found;
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** Sessions made by real runs, in the order they were made (ids alone do not order sessions made within one second). */
async function createSessions(count: number): Promise<string[]> {
  const transcripts = () => readdirSync(join(home.path, 'sessions')).filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -6));
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    fake.script({ text: `answer ${index}` });
    expect((await openclaw(['chat', '-p', `question ${index}`])).code).toBe(0);
    ids.push(...transcripts().filter((id) => !ids.includes(id)));
  }
  return ids;
}

describe('openclaw doctor', () => {
  it('runs every check, each with an id, a status and a message', async () => {
    const { code, report } = await doctorJson();
    expect(report.checks.map((c) => c.id)).toEqual(['node', 'store', 'permissions', 'config', 'provider', 'sessions', 'skills', 'mcp', 'gateway', 'channels', 'sandbox', 'completions']);
    for (const c of report.checks) expect(['ok', 'warn', 'fail', 'skip']).toContain(c.status);
    expect(check(report, 'node').status).toBe('ok');
    expect(check(report, 'provider')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^openai \(openai at http:\/\/127\.0\.0\.1:\d+\/v1\), model gpt-5\.4-mini: reachable, 1 model\(s\) listed$/) });
    expect(check(report, 'completions')).toMatchObject({ status: 'warn', message: 'bash completions are not installed', fix: expect.stringContaining('openclaw completion bash >') });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('prints one line per check, and exits 1 when one fails', async () => {
    const result = await openclaw(['doctor'], { env: { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✓ node +Node \d+\.\d+\.\d+$/m);
    expect(result.stdout).toMatch(/^✗ provider +no model provider is configured\n {4}fix: openclaw init$/m);
    expect(result.stdout).toMatch(/\d+ ok, .*1 failed/);
  });

  it('reports a provider that does not answer', async () => {
    const { code, report } = await doctorJson([], { env: { OPENAI_BASE_URL: 'http://127.0.0.1:59999/v1' } });
    expect(check(report, 'provider')).toMatchObject({ status: 'fail', message: expect.stringContaining('unreachable (ECONNREFUSED)'), fix: 'Is the server at http://127.0.0.1:59999/v1 running?' });
    expect(code).toBe(1);
  });

  it('finds a broken store, and --fix repairs modes and the index, saying what it changed', async () => {
    const ids = await createSessions(2);
    // The damage: a store readable by others, a transcript too, a corrupt index, an unknown key.
    chmodSync(home.path, 0o755);
    chmodSync(join(home.path, 'config.json'), 0o644);
    chmodSync(join(home.path, 'sessions', `${ids[0]}.jsonl`), 0o644);
    writeFileSync(join(home.path, 'sessions', 'index.json'), '{"version":1,"sessions":{"x":');
    const config = JSON.parse(readFileSync(join(home.path, 'config.json'), 'utf8'));
    writeFileSync(join(home.path, 'config.json'), JSON.stringify({ ...config, colour: 'blue', tools: { shell: { timeoutMs: 5000, shellType: 'zsh' } } }));

    const before = await doctorJson();
    expect(before.code).toBe(1);
    expect(check(before.report, 'permissions')).toMatchObject({ status: 'fail', message: '3 store file(s) can be read by others on this machine' });
    expect(check(before.report, 'permissions').details).toEqual(
      expect.arrayContaining([`${home.path} is 0755 (should be 0700)`, `${join(home.path, 'config.json')} is 0644 (should be 0600)`, `${join(home.path, 'sessions', `${ids[0]}.jsonl`)} is 0644 (should be 0600)`]),
    );
    expect(check(before.report, 'sessions')).toMatchObject({ status: 'fail', message: expect.stringContaining('index.json is not valid JSON') });
    expect(check(before.report, 'config')).toMatchObject({ status: 'warn', message: 'unknown key(s), ignored: colour, tools.shell.shellType', fix: 'openclaw config unset colour; openclaw config unset tools.shell.shellType' });
    // Looking changed nothing.
    expect(mode(home.path)).toBe(0o755);

    const fixed = await openclaw(['doctor', '--fix']);
    expect(fixed.stdout).toContain(`fixed: chmod 700 ${home.path}`);
    expect(fixed.stdout).toContain(`fixed: chmod 600 ${join(home.path, 'config.json')}`);
    expect(fixed.stdout).toContain(`fixed: rebuilt ${join(home.path, 'sessions', 'index.json')} from 2 transcript(s)`);
    expect(fixed.stdout).toMatch(/4 change\(s\) made/);
    // Unknown keys may belong to a newer version: they are listed, never removed unasked.
    expect(fixed.stdout).toMatch(/^! config +unknown key\(s\), ignored: colour, tools\.shell\.shellType$/m);
    expect(fixed.code).toBe(0);

    expect(mode(home.path)).toBe(0o700);
    expect(mode(join(home.path, 'config.json'))).toBe(0o600);
    expect(mode(join(home.path, 'sessions', `${ids[0]}.jsonl`))).toBe(0o600);
    const index = JSON.parse(readFileSync(join(home.path, 'sessions', 'index.json'), 'utf8'));
    expect(Object.keys(index.sessions).sort()).toEqual([...ids].sort());
    expect(index.sessions[ids[0]]).toMatchObject({ id: ids[0], title: 'question 0' });
    expect(JSON.parse(readFileSync(join(home.path, 'config.json'), 'utf8')).colour).toBe('blue');

    const after = await doctorJson();
    expect(check(after.report, 'permissions').status).toBe('ok');
    expect(check(after.report, 'sessions')).toMatchObject({ status: 'ok', message: '2 session(s), index consistent with the transcripts' });
    expect(after.code).toBe(0);
  });

  it('finds an index that lists a session whose transcript is gone, and rebuilds it', async () => {
    const ids = await createSessions(2);
    rmSync(join(home.path, 'sessions', `${ids[1]}.jsonl`));
    const { report } = await doctorJson();
    expect(check(report, 'sessions')).toMatchObject({ status: 'warn', details: [`${ids[1]}: in the index, no transcript`] });
    const { report: fixed } = await doctorJson(['--fix']);
    expect(check(fixed, 'sessions')).toMatchObject({ status: 'ok', fixed: [expect.stringMatching(/^rebuilt .* from 1 transcript\(s\)$/)] });
    expect(fixed.changes).toEqual([expect.stringMatching(/^rebuilt /)]);
    expect(Object.keys(JSON.parse(readFileSync(join(home.path, 'sessions', 'index.json'), 'utf8')).sessions)).toEqual([ids[0]]);
  });

  it('lists skills whose SKILL.md cannot be read', async () => {
    mkdirSync(join(work.path, '.openclaw', 'skills', 'broken'), { recursive: true });
    writeFileSync(join(work.path, '.openclaw', 'skills', 'broken', 'SKILL.md'), '---\nname: broken\n---\nNo description.\n');
    const { report } = await doctorJson();
    expect(check(report, 'skills')).toMatchObject({ status: 'warn', message: expect.stringMatching(/^1 SKILL\.md file\(s\) skipped/) });
    expect(check(report, 'skills').details?.[0]).toContain(join(work.path, '.openclaw', 'skills', 'broken', 'SKILL.md'));
  });

  it('warns about an MCP server whose command is not installed', async () => {
    expect((await openclaw(['mcp', 'add', 'ghost', '--', 'openclaw-no-such-server', '--stdio'])).code).toBe(0);
    const { report } = await doctorJson();
    expect(check(report, 'mcp')).toMatchObject({ status: 'warn', details: ['ghost: openclaw-no-such-server is not found on PATH (openclaw-no-such-server --stdio)'] });
  });

  it('sees completions installed for the user shell, and --fix rewrites an outdated copy', async () => {
    const installed = join(user.path, '.local', 'share', 'bash-completion', 'completions', 'openclaw');
    mkdirSync(join(installed, '..'), { recursive: true });
    writeFileSync(installed, '# an older openclaw completion\ncomplete -F _old openclaw\n');
    const { report } = await doctorJson();
    expect(check(report, 'completions')).toMatchObject({ status: 'warn', message: `${installed} is from another version of openclaw` });
    const { report: fixed } = await doctorJson(['--fix']);
    expect(check(fixed, 'completions')).toMatchObject({ status: 'ok', message: `bash: ${installed}`, fixed: [expect.stringContaining(`rewrote ${installed}`)] });
    expect(readFileSync(installed, 'utf8')).toBe(readFileSync(join(ROOT, 'completions', 'openclaw.bash'), 'utf8'));
  });

  it('counts completions loaded from the shell rc file as installed', async () => {
    writeFileSync(join(user.path, '.zshrc'), 'source <(openclaw completion zsh)\n');
    const { report } = await doctorJson([], { env: { SHELL: '/usr/bin/zsh' } });
    expect(check(report, 'completions')).toMatchObject({ status: 'ok', message: `zsh: loaded by ${join(user.path, '.zshrc')}` });
  });

  describe('gateway', () => {
    let gateway: Server;
    let url: string;
    beforeAll(async () => {
      gateway = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      await new Promise<void>((resolveListen) => gateway.listen(0, '127.0.0.1', resolveListen));
      url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolveClose) => gateway.close(resolveClose));
    });

    it('reads the pid file: running and answering', async () => {
      mkdirSync(join(home.path, 'gateway'), { mode: 0o700 });
      // This test's own process stands in for the gateway: a live pid with a live URL.
      writeFileSync(join(home.path, 'gateway', 'gateway.pid'), JSON.stringify({ pid: process.pid, started: new Date().toISOString(), version: '0.1.0', url }), { mode: 0o600 });
      const { report } = await doctorJson();
      expect(check(report, 'gateway')).toMatchObject({ status: 'ok', message: `running (pid ${process.pid}, ${url})` });
    });

    it('says a pid file whose process is gone is stale, not running', async () => {
      mkdirSync(join(home.path, 'gateway'), { mode: 0o700 });
      writeFileSync(join(home.path, 'gateway', 'gateway.pid'), JSON.stringify({ pid: 2 ** 22 + 12345, started: '2026-01-01T00:00:00Z', version: '0.1.0' }), { mode: 0o600 });
      const { report } = await doctorJson();
      expect(check(report, 'gateway')).toMatchObject({ status: 'ok', message: 'not running (a stale pid file is taken over at the next start)' });
    });

    it('tolerates a pid file that is not JSON', async () => {
      mkdirSync(join(home.path, 'gateway'), { mode: 0o700 });
      writeFileSync(join(home.path, 'gateway', 'gateway.pid'), 'garbage', { mode: 0o600 });
      const { report } = await doctorJson();
      expect(check(report, 'gateway').status).toBe('ok');
    });
  });
});
