import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir, type CliOptions } from '../helpers/cli.js';
import { TmuxPane } from '../tui/tmux.js';

const ESC = '\u001b[';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-conventions-');
  work = tempDir('openclaw-conventions-work-');
  writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 }, colour: 'blue' }), { mode: 0o600 });
  writeFileSync(join(work.path, 'a.txt'), 'alpha\n');
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

function openclaw(args: string[], options: CliOptions = {}) {
  return runCli(args, { cwd: work.path, ...options, env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-conventions', SHELL: '/bin/sh', ...options.env } });
}

describe('colour', () => {
  it('is off when the output is not a terminal', async () => {
    const result = await openclaw(['config', 'list']);
    expect(result.stderr).toContain('warning: config: unknown key "colour"');
    expect(result.stderr).not.toContain(ESC);
  });

  it('FORCE_COLOR turns it on, on stdout and stderr', async () => {
    const doctor = await openclaw(['doctor'], { env: { FORCE_COLOR: '1' } });
    expect(doctor.stdout).toContain(`${ESC}32m✓`);
    const list = await openclaw(['config', 'list'], { env: { FORCE_COLOR: '1' } });
    expect(list.stderr).toContain(`${ESC}33mwarning:`);
  });

  it('NO_COLOR wins over FORCE_COLOR', async () => {
    const result = await openclaw(['doctor'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(result.stdout).toMatch(/^✓ node/m);
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  it('--no-color turns it off, before or after the command', async () => {
    for (const args of [['--no-color', 'doctor'], ['doctor', '--no-color'], ['config', 'list', '--no-color']]) {
      const result = await openclaw(args, { env: { FORCE_COLOR: '1' } });
      expect(result.stdout + result.stderr).not.toContain(ESC);
    }
  });
});

describe('--quiet and --verbose', () => {
  const scriptListCall = () => fake.script({ toolCalls: [{ name: 'list', args: { path: '.' } }] }, { text: 'There is a.txt.' });

  it('print mode shows tool activity on stderr by default', async () => {
    scriptListCall();
    const result = await openclaw(['chat', '-p', 'what is here?']);
    expect(result.stdout).toBe('There is a.txt.\n');
    expect(result.stderr).toMatch(/^→ list \.$/m);
  });

  it('-q drops the progress, keeps the answer and the warnings', async () => {
    scriptListCall();
    const result = await openclaw(['chat', '-q', '-p', 'what is here?']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('There is a.txt.\n');
    expect(result.stderr).not.toContain('→');
    expect(result.stderr).not.toContain('✓');
    expect(result.stderr).toContain('warning: config: unknown key "colour"');
  });

  it('-v adds the session, each approval decision and the usage', async () => {
    scriptListCall();
    const result = await openclaw(['--verbose', 'chat', '-p', 'what is here?']);
    expect(result.stdout).toBe('There is a.txt.\n');
    expect(result.stderr).toMatch(/^session \S+ · openai gpt-5\.4-mini · /m);
    expect(result.stderr).toMatch(/^ {2}allow by mode: ask mode allows read tools$/m);
    expect(result.stderr).toMatch(/^2 turn\(s\) · \d+ tokens in, \d+ out/m);
  });

  it('-v shows where an error came from; without it, one line of cause and a hint', async () => {
    const plain = await openclaw(['session', 'show', 'nope']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe('openclaw: no session "nope"\nhint: List sessions with `openclaw session list`.\n');
    const verbose = await openclaw(['session', 'show', 'nope', '-v']);
    expect(verbose.stderr).toMatch(/^openclaw: no session "nope"\nhint: .*\nOpenclawError: no session "nope"\n\s+at /);
  });
});

describe('errors', () => {
  it('a usage mistake is one line of cause and a hint naming the help to read', async () => {
    const missing = await openclaw(['session', 'show']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: missing required argument 'id'\nhint: see `openclaw session show --help`\n");
    const unknown = await openclaw(['-q', 'chat', '--resum', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--resum'\n\(Did you mean --resume\?\)\nhint: see `openclaw chat --help`\n$/);
  });
});

describe('--json', () => {
  /** Commands that list or report state; each must offer --json for scripts. */
  const REPORTING = /^(list|status|check|verify|audit|doctor|info|show|search|get)$/;

  it('is offered by every list and status command', () => {
    const missing: string[] = [];
    const visit = (command: Command, path: string[]) => {
      for (const child of command.commands) {
        const here = [...path, child.name()];
        if (REPORTING.test(child.name()) && !child.options.some((option) => option.long === '--json')) missing.push(here.join(' '));
        visit(child, here);
      }
    };
    visit(buildProgram('0.0.0'), []);
    expect(missing).toEqual([]);
  });
});

describe('spinners', () => {
  let slow: Server;
  let url: string;
  beforeAll(async () => {
    // A provider that takes 1.5 s to list its models: long enough for a spinner.
    slow = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [] }));
      }, 1_500);
    });
    await new Promise<void>((resolveListen) => slow.listen(0, '127.0.0.1', resolveListen));
    url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((resolveClose) => slow.close(resolveClose));
  });

  it('shows one on a terminal while slow work runs, and clears it', async () => {
    const pane = await TmuxPane.start({ args: ['doctor'], cwd: work.path, env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-test' } });
    try {
      await pane.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] checking/);
      const screen = await pane.waitFor(/\d+ ok/);
      expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] checking/);
      expect(screen).toMatch(/^✓ provider +openai .*reachable, 0 model\(s\) listed$/m);
    } finally {
      await pane.close();
    }
  });

  it('never writes spinner frames into a pipe', async () => {
    const result = await openclaw(['doctor'], { env: { OPENAI_BASE_URL: url } });
    expect(result.stdout).toMatch(/^✓ provider/m);
    expect(result.stderr).toBe('');
  });
});
