import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../../src/policy/sandbox.js';
import { shellTool } from '../../src/tools/shell.js';
import type { ToolContext } from '../../src/tools/types.js';
import { tempDir } from '../helpers/cli.js';

// These tests run real bubblewrap (Debian package `bubblewrap`, installed by .ci/run).

let work: ReturnType<typeof tempDir>;
let outside: ReturnType<typeof tempDir>;
let home: ReturnType<typeof tempDir>;
let store: string;

beforeEach(() => {
  work = tempDir('openclaw-sandbox-work-');
  // Not under /tmp: the sandbox's private /tmp would hide it anyway and prove nothing.
  const path = mkdtempSync('/var/tmp/openclaw-sandbox-outside-');
  outside = { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
  home = tempDir('openclaw-sandbox-home-');
  store = join(home.path, '.openclaw');
  mkdirSync(store);
  writeFileSync(join(store, 'config.json'), '{"secret":"store"}');
  mkdirSync(join(home.path, '.ssh'));
  writeFileSync(join(home.path, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
});
afterEach(() => {
  work.cleanup();
  outside.cleanup();
  home.cleanup();
});

function context(options: { network?: boolean; mode?: 'auto' | 'bwrap'; notify?: (message: string) => void } = {}): ToolContext {
  return {
    cwd: work.path,
    signal: new AbortController().signal,
    limits: { shellTimeoutMs: 10_000, shellMaxOutputBytes: 20_000 },
    env: { PATH: process.env.PATH, HOME: home.path },
    sandbox: new BubblewrapSandbox({
      mode: options.mode ?? 'bwrap',
      workspace: work.path,
      storeHome: store,
      network: options.network ?? false,
      notify: options.notify,
      home: home.path,
    }),
  };
}

const run = (command: string, ctx = context()) => shellTool.run({ command }, ctx);

describe('bubblewrap sandbox', () => {
  it('lets a command write inside the workspace', async () => {
    const result = await run('echo made > inside.txt && cat inside.txt');
    expect(result.ok).toBe(true);
    expect(result.sandboxed).toBe(true);
    expect(readFileSync(join(work.path, 'inside.txt'), 'utf8')).toBe('made\n');
  });

  it('refuses writes outside the workspace', async () => {
    const target = join(outside.path, 'escaped.txt');
    const result = await run(`echo x > ${target}`);
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/Read-only file system/);
    expect(existsSync(target)).toBe(false);
  });

  it('gives the command a private /tmp', async () => {
    const marker = `/tmp/openclaw-sandbox-marker-${process.pid}`;
    const result = await run(`echo hidden > ${marker} && cat ${marker}`);
    expect(result.ok).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot open a socket to a server on the host', async () => {
    const server: Server = createServer((socket) => socket.end('hello from the host\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await run(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`);
      expect(result.ok).toBe(false);
      expect(result.content).not.toContain('hello from the host');
      const allowed = await run(`exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`, context({ network: true }));
      expect(allowed.content).toContain('hello from the host');
    } finally {
      server.close();
    }
  });

  it('hides the store and credentials, even from reads', async () => {
    const result = await run(`cat ${join(store, 'config.json')}; cat ${join(home.path, '.ssh', 'id_ed25519')}; ls -A ${store} | wc -l`);
    expect(result.content).not.toContain('"secret"');
    expect(result.content).not.toContain('PRIVATE KEY');
    expect(result.content.trim().split('\n').at(-1)).toBe('0');
  });

  it('still applies the timeout inside the sandbox', async () => {
    const result = await shellTool.run({ command: 'sleep 20', timeout_ms: 500 }, context());
    expect(result.ok).toBe(false);
    expect(result.content).toContain('timed out');
  });

  it('in auto mode, runs unsandboxed and says so once when bwrap is missing', async () => {
    const notices: string[] = [];
    // openclaw looks for bwrap on its own PATH; the command still finds bash on its own.
    const ctx = { ...context({ mode: 'auto', notify: (message) => notices.push(message) }), env: { PATH: '/usr/bin:/bin', HOME: home.path } };
    const previous = process.env.PATH;
    process.env.PATH = join(work.path, 'no-bin-here');
    try {
      const first = await shellTool.run({ command: '/bin/echo one' }, ctx);
      const second = await shellTool.run({ command: '/bin/echo two' }, ctx);
      expect(first.ok && second.ok).toBe(true);
      expect(first.sandboxed).toBeUndefined();
    } finally {
      process.env.PATH = previous;
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('unsandboxed');
  });

  it('in bwrap mode, refuses to run a command without the sandbox', async () => {
    const previous = process.env.PATH;
    process.env.PATH = join(work.path, 'no-bin-here');
    try {
      await expect(shellTool.run({ command: '/bin/echo one' }, context({ mode: 'bwrap' }))).rejects.toThrow(/bwrap/);
    } finally {
      process.env.PATH = previous;
    }
  });
});
