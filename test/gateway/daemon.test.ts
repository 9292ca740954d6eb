import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stillRunning } from '../../src/store/owner.js';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { API_KEY, echo, killDaemon, spawnServe, startGateway, TOKEN, writeConfig } from './helpers.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  echo(fake);
  home = tempDir('openclaw-gw-daemon-');
  writeConfig(home.path, {});
});
afterEach(() => {
  killDaemon(home.path);
  home.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY, ...env }, timeoutMs: 30_000 });
}

describe('serve start | status | stop | logs', () => {
  it('runs the gateway in the background and reports on it', async () => {
    const started = await cli(['serve', 'start', '--port', '0']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const [, pid, url] = /gateway started: pid (\d+), (http:\/\/\S+)/.exec(started.stdout)!;
    expect(started.stdout).toContain(join(home.path, 'logs', 'gateway.log'));

    const again = await cli(['serve', 'start', '--port', '0']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a gateway is already running on this store (pid ${pid}`);

    const status = await cli(['serve', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`running (pid ${pid}`);
    expect(status.stdout).toContain(`address: ${url}`);
    expect(status.stdout).toMatch(/queue: 0 running, 0 waiting \(at most 4 at once\)/);
    expect(status.stdout).toMatch(/channels: webchat ok .*, http ok/);

    const remote = await cli(['chat', '-p', '--remote', 'hello through the daemon']);
    expect(remote.stderr).toBe('');
    expect(remote.stdout).toBe('reply to hello through the daemon\n');
    expect(remote.code).toBe(0);

    const json = JSON.parse((await cli(['serve', 'status', '--json'])).stdout);
    expect(json).toMatchObject({ running: true, pid: Number(pid), url, sessions: { open: 1 }, queue: { running: 0, unfinished: 0, maxConcurrent: 4 } });
    expect(json.channels.webchat.ok).toBe(true);
    expect(json.memory.heapTotalBytes).toBeGreaterThan(json.memory.heapUsedBytes);
    expect(json.eventLoopDelayMs.max).toBeGreaterThanOrEqual(json.eventLoopDelayMs.p50);

    const logs = await cli(['serve', 'logs', '--json']);
    const lines = logs.stdout.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines.some((line) => line.msg === 'gateway listening')).toBe(true);
    const received = lines.find((line) => line.msg === 'message received');
    expect(received.reqId).toBeTruthy();
    expect(lines.filter((line) => line.reqId === received.reqId).map((line) => line.msg)).toEqual(expect.arrayContaining(['message received', 'run started', 'run done']));
    expect((await cli(['serve', 'logs', '-n', '3'])).stdout.trim().split('\n')).toHaveLength(3);

    const stopped = await cli(['serve', 'stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toBe(`gateway stopped (pid ${pid})\n`);
    expect(stillRunning({ pid: Number(pid) })).toBe(false);
    const after = await cli(['serve', 'status']);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe('no gateway is running\n');
    expect(JSON.parse((await cli(['serve', 'status', '--json'])).stdout)).toEqual({ running: false });
  });

  it('stops with nothing running', async () => {
    const result = await cli(['serve', 'stop']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no gateway is running\n');
  });

  it('refuses a non-loopback address without --allow-remote', async () => {
    const result = await cli(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('would expose the gateway beyond this machine');
    expect(result.stderr).toContain('--allow-remote');
  });

  it('binds beyond loopback with --allow-remote, warning, and still asks for the token', async () => {
    const serve = await spawnServe(home.path, fake, ['--host', '0.0.0.0', '--allow-remote']);
    try {
      expect(serve.output()).toMatch(/warning: the gateway listens on 0\.0\.0\.0/);
      expect((await fetch(`${serve.url}/v1/models`)).status).toBe(401);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('serve install', () => {
  it('prints the systemd unit with --dry-run, writing nothing', async () => {
    const config = tempDir('openclaw-xdg-');
    try {
      const result = await cli(['serve', 'install', '--dry-run', '--port', '18800'], { XDG_CONFIG_HOME: config.path });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`# ${join(config.path, 'systemd', 'user', 'openclaw-gateway.service')}`);
      expect(result.stdout).toMatch(/ExecStart=\S+node\S* \S+bin\/openclaw serve --port 18800/);
      expect(result.stdout).toContain(`Environment=OPENCLAW_HOME=${home.path}`);
      expect(result.stdout).toContain('WantedBy=default.target');
      expect(result.stdout).not.toContain(API_KEY);
      expect(existsSync(join(config.path, 'systemd'))).toBe(false);
    } finally {
      config.cleanup();
    }
  });

  it('writes the unit and enables it with systemctl --user', async () => {
    const config = tempDir('openclaw-xdg-');
    const bin = join(config.path, 'bin');
    mkdirSync(bin);
    const calls = join(config.path, 'calls');
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> ${calls}\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);
    try {
      const result = await cli(['serve', 'install'], { XDG_CONFIG_HOME: config.path, PATH: `${bin}:${process.env.PATH}` });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const unit = readFileSync(join(config.path, 'systemd', 'user', 'openclaw-gateway.service'), 'utf8');
      expect(unit).toContain('Restart=on-failure');
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['--user daemon-reload', '--user enable --now openclaw-gateway.service']);
      expect(result.stdout).toContain('ran systemctl --user enable --now openclaw-gateway.service');
    } finally {
      config.cleanup();
    }
  });
});

describe('chat --remote', () => {
  it('sends through a gateway given by URL, streaming events as stream-json', async () => {
    const gateway = await startGateway(home.path, fake);
    const elsewhere = tempDir('openclaw-client-');
    try {
      const result = await runCli(['chat', '-p', '--remote', gateway.url, '--output-format', 'stream-json', 'hi'], {
        env: { OPENCLAW_HOME: elsewhere.path, OPENCLAW_GATEWAY_TOKEN: TOKEN },
      });
      expect(result.code).toBe(0);
      const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(events[0].type).toBe('session');
      expect(events.at(-1)).toMatchObject({ type: 'done', status: 'ok', text: 'reply to hi' });
      expect(events.every((event) => event.key === undefined && event.messageId === undefined)).toBe(true);
    } finally {
      await gateway.stop({ drainMs: 0 });
      elsewhere.cleanup();
    }
  });

  it('continues a gateway session with -r <key>', async () => {
    const gateway = await startGateway(home.path, fake);
    try {
      const env = { OPENCLAW_GATEWAY_TOKEN: TOKEN };
      await runCli(['chat', '-p', '--remote', gateway.url, '-r', 'notes', 'first'], { env });
      const second = await runCli(['chat', '-p', '--remote', gateway.url, '-r', 'notes', 'second'], { env });
      expect(second.stdout).toBe('reply to second\n');
      expect(fake.requests.at(-1)!.body.messages.filter((message: { role: string }) => message.role === 'user').map((message: { content: string }) => message.content)).toEqual([
        'first',
        'second',
      ]);
    } finally {
      await gateway.stop({ drainMs: 0 });
    }
  });

  it('says so when the token is wrong', async () => {
    const gateway = await startGateway(home.path, fake);
    try {
      const result = await runCli(['chat', '-p', '--remote', gateway.url, 'hi'], { env: { OPENCLAW_GATEWAY_TOKEN: 'wrong' } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('refused the connection (HTTP 401)');
      expect(result.stderr).toContain('OPENCLAW_GATEWAY_TOKEN');
    } finally {
      await gateway.stop({ drainMs: 0 });
    }
  });

  it('refuses local-only flags', async () => {
    const result = await runCli(['chat', '-p', '--remote', 'http://127.0.0.1:1', '--model', 'x', 'hi'], { env: { OPENCLAW_GATEWAY_TOKEN: TOKEN } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--model does not apply with --remote');
  });
});
