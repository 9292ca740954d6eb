import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir } from '../helpers/cli.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-features-home-');
  work = tempDir('openclaw-features-work-');
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

const env = () => ({ OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test' });
const chat = (args: string[]) => runCli(['chat', '-p', ...args], { cwd: work.path, env: env() });
const cli = (args: string[]) => runCli(args, { cwd: work.path, env: env() });

function systemPrompt(request: RecordedRequest): string {
  return request.body.messages.find((message: { role: string }) => message.role === 'system').content;
}

function lastUserText(request: RecordedRequest): string {
  return request.body.messages.filter((message: { role: string }) => message.role === 'user').at(-1).content;
}

function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.filter((message: { role: string }) => message.role === 'tool').map((message: { content: string }) => message.content);
}

function everyFileUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...everyFileUnder(path));
    else files.push(path);
  }
  return files;
}

describe('long-term memory in chats', () => {
  it('recalls a remembered fact into the request, marked as memory', async () => {
    expect((await cli(['memory', 'add', '--durable', "The user's cat is called Mochi and eats salmon"])).code).toBe(0);
    fake.script({ text: 'Mochi.' });
    expect((await chat(["what is my cat's name?"])).code).toBe(0);
    const user = lastUserText(fake.requests[0]);
    expect(user).toContain('<memory>');
    expect(user).toContain('Mochi');
    expect(user.trim().endsWith("what is my cat's name?")).toBe(true);
  });

  it('recalls nothing for input that has nothing to do with memory', async () => {
    await cli(['memory', 'add', "The user's cat is called Mochi"]);
    fake.script({ text: 'Hello.' });
    await chat(['hello there']);
    expect(lastUserText(fake.requests[0])).toBe('hello there');
  });

  it('a fact the agent writes with memory_write is known in a later session', async () => {
    fake.script({ toolCalls: [{ name: 'memory_write', args: { text: 'Deploys go through the staging cluster kestrel-2 first', durable: true } }] }, { text: 'Saved.' });
    expect((await chat(['remember that deploys go through kestrel-2 first', '--approval', 'auto-edit'])).code).toBe(0);
    expect(readFileSync(join(home.path, 'memory', 'MEMORY.md'), 'utf8')).toContain('kestrel-2');
    fake.script({ text: 'kestrel-2' });
    await chat(['which staging cluster do deploys use?']);
    expect(lastUserText(fake.requests.at(-1)!)).toContain('kestrel-2');
  });
});

describe('skills in chats', () => {
  function installSkill(name: string, frontmatter: string, body: string): string {
    const dir = join(home.path, 'skills', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SKILL.md'), `---\nname: ${name}\n${frontmatter}\n---\n${body}\n`);
    return dir;
  }

  it('lists available skills in the system prompt, and the model may read a SKILL.md in the store', async () => {
    const dir = installSkill('release-notes', 'description: Write release notes from the git log', 'Run git log and group the commits.');
    fake.script({ toolCalls: [{ name: 'read', args: { path: join(dir, 'SKILL.md') } }] }, { text: 'Following the skill.' });
    expect((await chat(['write release notes'])).code).toBe(0);
    expect(systemPrompt(fake.requests[0])).toMatch(/release-notes: Write release notes from the git log/);
    expect(toolResults(fake.requests[1])[0]).toContain('Run git log and group the commits.');
  });

  it('runs a user-invocable skill with chat -p "/name args", pre-approving its allowed tools', async () => {
    installSkill('greet', 'description: Greets someone\nallowed-tools: Bash(echo:*)', 'Greet {baseDir} politely.');
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'echo hello Ada > greeting.txt' } }] }, { text: 'Greeted.' });
    const result = await chat(['/greet Ada']);
    expect(result.code).toBe(0);
    const sent = lastUserText(fake.requests[0]);
    expect(sent).toContain(`Greet ${join(home.path, 'skills', 'greet')} politely.`);
    expect(sent).toContain('Ada');
    expect(readFileSync(join(work.path, 'greeting.txt'), 'utf8')).toBe('hello Ada\n');
  });

  it('an unavailable skill invoked by name is a clear usage error', async () => {
    installSkill('needs-tool', 'description: Needs a missing binary\nmetadata: {"openclaw": {"requires": {"bins": ["definitely-not-installed-xyz"]}}}', 'Body.');
    const result = await chat(['/needs-tool now']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('definitely-not-installed-xyz');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('control layer end to end', () => {
  it('with --sandbox bwrap a shell command cannot write outside the workspace', async () => {
    const outside = mkdtempSync('/var/tmp/openclaw-features-outside-');
    try {
      fake.script({ toolCalls: [{ name: 'shell', args: { command: `touch ${outside}/escaped; touch inside.txt` } }] }, { text: 'tried' });
      const result = await chat(['make files', '--sandbox', 'bwrap', '--approval', 'full']);
      expect(result.code).toBe(0);
      expect(existsSync(join(outside, 'escaped'))).toBe(false);
      expect(existsSync(join(work.path, 'inside.txt'))).toBe(true);
      const shown = JSON.parse((await cli(['session', 'show', readdirSync(join(home.path, 'sessions')).find((name) => name.endsWith('.jsonl'))!.slice(0, -6), '--tools', '--json'])).stdout);
      expect(shown[0]).toMatchObject({ tool: 'shell', sandboxed: true });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('compound-command bypass attempts are denied by a deny rule', async () => {
    fake.script(
      {
        toolCalls: [
          { name: 'shell', args: { command: 'git status; rm -f keep.txt' } },
          { name: 'shell', args: { command: 'FOO=1 bash -c "rm -f keep.txt"' } },
          { name: 'shell', args: { command: 'echo "$(rm -f keep.txt)"' } },
        ],
      },
      { text: 'blocked' },
    );
    writeFileSync(join(work.path, 'keep.txt'), 'keep');
    const result = await chat(['clean', '--approval', 'full', '--deny', 'shell(rm *)']);
    expect(result.code).toBe(0);
    expect(existsSync(join(work.path, 'keep.txt'))).toBe(true);
    expect(toolResults(fake.requests[1]).every((content) => content.startsWith('Denied: denied by rule shell(rm *)'))).toBe(true);
  });

  it('a symlink or .. escape from the workspace is refused', async () => {
    const outside = mkdtempSync('/var/tmp/openclaw-features-secret-');
    try {
      writeFileSync(join(outside, 'secret.txt'), 'top secret');
      const { symlinkSync } = await import('node:fs');
      symlinkSync(outside, join(work.path, 'link'));
      fake.script({ toolCalls: [{ name: 'read', args: { path: 'link/secret.txt' } }, { name: 'read', args: { path: `../${outside.split('/').pop()}/secret.txt` } }] }, { text: 'no' });
      const result = await chat(['read them', '--approval', 'full']);
      expect(result.code).toBe(0);
      for (const content of toolResults(fake.requests[1])) {
        expect(content).toMatch(/^Denied: .*outside the workspace/);
        expect(content).not.toContain('top secret');
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a secret read from a file appears in no file under OPENCLAW_HOME', async () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB';
    writeFileSync(join(work.path, 'deploy.sh'), `export GITHUB_TOKEN=${secret}\n`);
    fake.script({ toolCalls: [{ name: 'read', args: { path: 'deploy.sh' } }] }, { text: 'The script exports a token.' });
    expect((await chat(['what does deploy.sh do?'])).code).toBe(0);
    expect(toolResults(fake.requests[1])[0]).toContain('[REDACTED]');
    expect(toolResults(fake.requests[1])[0]).not.toContain(secret);
    for (const file of everyFileUnder(home.path)) expect(readFileSync(file, 'utf8')).not.toContain(secret);
  });

  it('a project settings file can deny, and cannot turn on full mode', async () => {
    mkdirSync(join(work.path, '.openclaw'));
    writeFileSync(join(work.path, '.openclaw', 'settings.json'), JSON.stringify({ approval: 'full', permissions: { deny: ['read(private/**)'] } }));
    mkdirSync(join(work.path, 'private'));
    writeFileSync(join(work.path, 'private', 'notes.txt'), 'private notes');
    fake.script({ toolCalls: [{ name: 'read', args: { path: 'private/notes.txt' } }, { name: 'write', args: { path: 'x.txt', content: 'x' } }] }, { text: 'ok' });
    const result = await chat(['go']);
    expect(result.stderr).toContain('"approval" is not a project setting');
    const [read, write] = toolResults(fake.requests[1]);
    expect(read).toContain('denied by rule read(private/**)');
    expect(write).toMatch(/^Denied: ask mode/);
  });
});
