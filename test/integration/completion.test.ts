import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_FILES, SHELLS } from '../../src/cli/completion-files.js';
import { commandSpec, completionScript } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/program.js';
import { version } from '../../src/cli/version.js';
import { runCli, tempDir } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SESSION_IDS = ['20261121-000000-def456', '20261122-010101-abc123'];

function run(file: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { env: { ...process.env, ...env }, cwd, encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A store with two sessions and one installed skill, for the dynamic values. */
let store: ReturnType<typeof tempDir>;
beforeAll(() => {
  store = tempDir('openclaw-completion-');
  mkdirSync(join(store.path, 'sessions'));
  for (const id of SESSION_IDS) writeFileSync(join(store.path, 'sessions', `${id}.jsonl`), '');
  mkdirSync(join(store.path, 'skills', 'release-notes'), { recursive: true });
});
afterAll(() => store.cleanup());

describe('the committed completion scripts', () => {
  const spec = commandSpec(buildProgram(version()));

  it.each(SHELLS)('completions/%s matches the command tree (run `npm run build` after changing commands)', (shell) => {
    expect(readFileSync(join(ROOT, COMPLETION_FILES[shell]), 'utf8')).toBe(completionScript(shell, spec));
  });

  it.each(SHELLS)('`openclaw completion %s` prints the committed script', async (shell) => {
    const result = await runCli(['completion', shell]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(ROOT, COMPLETION_FILES[shell]), 'utf8'));
  });

  it('`openclaw completion bash` starts like --version: no commander, no config schema, no SDK', async () => {
    const log = join(store.path, 'modules.log');
    writeFileSync(log, '');
    const hook = pathToFileURL(join(ROOT, 'test', 'tui', 'fixtures', 'record-modules.mjs')).href;
    const result = await runCli(['completion', 'bash'], { env: { NODE_OPTIONS: `--import=${hook}`, OPENCLAW_TEST_MODULE_LOG: log } });
    expect(result.code).toBe(0);
    const modules = readFileSync(log, 'utf8').trim().split('\n');
    expect(modules.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(modules.filter((url) => url.includes('/node_modules/') || /\/dist\/(cli\/program\.js|cli\/completion\.js|store\/|skills\/)/.test(url))).toEqual([]);
  });

  it('refuses a shell it has no script for, with a hint', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are bash, zsh, fish\.\nhint: see `openclaw completion --help`\n$/);
  });
});

describe('bash', () => {
  /** Runs the script in a real bash the way readline calls it: COMP_WORDS, COMP_CWORD, then the function. */
  async function complete(line: string): Promise<string[]> {
    const words = line.split(' ');
    const script = [
      `source ${JSON.stringify(join(ROOT, COMPLETION_FILES.bash))}`,
      `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      `COMP_LINE='${line}'`,
      `COMP_POINT=${line.length}`,
      '_openclaw',
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join('\n');
    const result = await run('bash', ['--norc', '--noprofile', '-c', script], { OPENCLAW_HOME: store.path }, store.path);
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('registers itself for the openclaw command', async () => {
    const result = await run('bash', ['--norc', '--noprofile', '-c', `source ${JSON.stringify(join(ROOT, COMPLETION_FILES.bash))}; complete -p openclaw`]);
    expect(result.stdout.trim()).toBe('complete -F _openclaw openclaw');
  });

  it('completes commands and subcommands', async () => {
    expect(await complete('openclaw ses')).toEqual(['session']);
    expect(await complete('openclaw session ')).toEqual(['list', 'show', 'export', 'import', 'rm', 'fork', 'compact', 'help']);
    expect(await complete('openclaw -q mcp ')).toEqual(['add', 'list', 'remove', 'help']);
  });

  it('completes flags of the command being typed, global ones included', async () => {
    expect(await complete('openclaw chat --res')).toEqual(['--resume']);
    expect(await complete('openclaw doctor --')).toEqual(['--fix', '--json', '--no-color', '--quiet', '--verbose', '--help']);
  });

  it('completes session ids from the store, as arguments and as option values', async () => {
    expect(await complete('openclaw session show ')).toEqual(SESSION_IDS);
    expect(await complete('openclaw chat --resume 20261122')).toEqual(['20261122-010101-abc123']);
    expect(await complete('openclaw chat -p -r ')).toEqual(SESSION_IDS);
  });

  it('completes choices, config keys and skill names', async () => {
    expect(await complete('openclaw chat --approval a')).toEqual(['ask', 'auto-edit']);
    expect(await complete('openclaw completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('openclaw config set compaction.t')).toEqual(['compaction.threshold']);
    expect(await complete('openclaw skill remove ')).toEqual(['release-notes']);
    expect(await complete('openclaw skill info re')).toEqual(['release-notes', 'review-diff']);
  });

  it('completes nothing for free text, and does not take a flag value for a command', async () => {
    expect(await complete('openclaw chat hello ')).toEqual([]);
    expect(await complete('openclaw chat --model session ')).toEqual([]);
  });
});

describe('fish', () => {
  async function complete(line: string): Promise<string[]> {
    const script = `source ${JSON.stringify(join(ROOT, COMPLETION_FILES.fish))}; complete -C ${JSON.stringify(line)}`;
    const result = await run('fish', ['--no-config', '-c', script], { OPENCLAW_HOME: store.path }, store.path);
    expect(result.stderr).toBe('');
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((row) => row.split('\t')[0]);
  }

  it('completes commands with their descriptions', async () => {
    const result = await run('fish', ['--no-config', '-c', `source ${JSON.stringify(join(ROOT, COMPLETION_FILES.fish))}; complete -C 'openclaw se'`]);
    expect(result.stdout).toContain('session\tlist, show, export, import and remove sessions');
    expect(result.stdout).toContain('serve\trun the gateway (HTTP + WebSocket) in the foreground');
    expect(result.stdout).toContain('security\tsecurity checks');
  });

  it('completes subcommands and flags', async () => {
    expect(await complete('openclaw session ')).toEqual(expect.arrayContaining(['list', 'show', 'rm']));
    expect(await complete('openclaw chat --res')).toEqual(['--resume']);
    expect(await complete('openclaw doctor --f')).toEqual(['--fix']);
  });

  it('completes session ids, choices and config keys', async () => {
    expect(await complete('openclaw session show ')).toEqual(SESSION_IDS);
    expect(await complete('openclaw chat -r 20261121')).toEqual(['20261121-000000-def456']);
    expect(await complete('openclaw chat --sandbox ')).toEqual(['auto', 'bwrap', 'off']);
    expect(await complete('openclaw config get memory.')).toEqual(['memory.enabled', 'memory.recallTokens']);
  });
});

/** An interactive zsh in tmux: zsh's completion system only runs in a line editor. */
class ZshPane {
  private constructor(private readonly socket: string) {}

  static async start(home: string): Promise<ZshPane> {
    const dir = mkdtempSync(join(tmpdir(), 'openclaw-zsh-'));
    const pane = new ZshPane(join(dir, 'tmux.sock'));
    const rc = join(dir, '.zshrc');
    writeFileSync(rc, `fpath=(${JSON.stringify(join(ROOT, 'completions'))} $fpath)\nautoload -Uz compinit\ncompinit -u -D\nPROMPT='zsh> '\n`);
    await pane.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'z', '-x', '150', '-y', '40', '-e', `ZDOTDIR=${dir}`, '-e', `OPENCLAW_HOME=${home}`, '-c', home, 'zsh', '-i');
    await pane.waitFor(/zsh> $/m);
    return pane;
  }

  tmux(...args: string[]): Promise<string> {
    return run('tmux', ['-S', this.socket, ...args]).then((result) => result.stdout);
  }

  /** Types a line and presses Tab; returns the screen once it shows `expected`. */
  async tab(line: string, expected: RegExp): Promise<string> {
    await this.tmux('send-keys', '-t', 'z', 'C-u', 'C-l');
    await this.waitFor(/^zsh> $/m);
    await this.tmux('send-keys', '-t', 'z', '-l', line);
    await this.tmux('send-keys', '-t', 'z', 'Tab');
    return this.waitFor(expected);
  }

  async waitFor(pattern: RegExp): Promise<string> {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const screen = await this.tmux('capture-pane', '-p', '-N', '-t', 'z');
      if (pattern.test(screen)) return screen;
      if (performance.now() > deadline) throw new Error(`zsh never showed ${pattern}; the screen:\n${screen}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
  }

  async close(): Promise<void> {
    await this.tmux('kill-server');
    rmSync(resolve(this.socket, '..'), { recursive: true, force: true });
  }
}

describe('zsh', () => {
  let zsh: ZshPane;
  beforeAll(async () => {
    zsh = await ZshPane.start(store.path);
  });
  afterAll(async () => {
    await zsh.close();
  });

  it('completes a command and a subcommand on the line', async () => {
    await zsh.tab('openclaw sess', /^zsh> openclaw session $/m);
    await zsh.tab('openclaw session sh', /^zsh> openclaw session show $/m);
  });

  it('lists commands with their descriptions', async () => {
    const screen = await zsh.tab('openclaw ', /doctor\s+-- check the installation/);
    expect(screen).toMatch(/session\s+-- list, show, export, import and remove sessions/);
  });

  it('completes flags, and lists them with their descriptions', async () => {
    await zsh.tab('openclaw chat --appr', /^zsh> openclaw chat --approval $/m);
    await zsh.tab('openclaw session show --js', /^zsh> openclaw session show --json $/m);
    const screen = await zsh.tab('openclaw doctor --', /--fix\s+-- repair what is safe to repair/);
    expect(screen).toMatch(/--json\s+-- JSON output/);
  });

  it('completes session ids and choices', async () => {
    await zsh.tab('openclaw session show 20261121', /^zsh> openclaw session show 20261121-000000-def456 $/m);
    await zsh.tab('openclaw chat -r 20261122', /^zsh> openclaw chat -r 20261122-010101-abc123 $/m);
    await zsh.tab('openclaw chat --approval aut', /^zsh> openclaw chat --approval auto-edit $/m);
    await zsh.tab('openclaw config get compaction.th', /^zsh> openclaw config get compaction\.threshold $/m);
  });
});
