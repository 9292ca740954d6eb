import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PairingStore } from '../../src/channels/pairing.js';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { TELEGRAM_TOKEN, TelegramFixture } from '../fixtures/telegram.js';
import { API_KEY, echo, spawnServe, TOKEN, waitFor, type ServeProcess } from '../gateway/helpers.js';
import { runCli, tempDir } from '../helpers/cli.js';

let home: ReturnType<typeof tempDir>;
beforeEach(() => {
  home = tempDir('openclaw-channels-cli-');
  chmodSync(home.path, 0o700);
});
afterEach(() => home.cleanup());

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { env: { OPENCLAW_HOME: home.path, ...env } });
const writeConfig = (config: unknown) => writeFileSync(join(home.path, 'config.json'), JSON.stringify(config), { mode: 0o600 });
const pairing = () => new PairingStore(join(home.path, 'gateway'));

describe('openclaw channels list', () => {
  it('shows every chat channel as not configured on a fresh store', async () => {
    const result = await cli(['channels', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^telegram\s+not configured/m);
    expect(result.stdout).toMatch(/^slack\s+not configured/m);
    expect(result.stdout).toContain('openclaw config set channels.telegram.token');
  });

  it('shows where each token comes from and who may write, without the tokens', async () => {
    expect((await cli(['config', 'set', 'channels.telegram.token', TELEGRAM_TOKEN])).code).toBe(0);
    expect((await cli(['config', 'set', 'channels.telegram.allowFrom', '[42]'])).code).toBe(0);
    const result = await cli(['channels', 'list', '--json'], { SLACK_BOT_TOKEN: 'xoxb-from-env-000000' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(TELEGRAM_TOKEN);
    const [telegram, slack] = JSON.parse(result.stdout);
    expect(telegram).toMatchObject({ id: 'telegram', enabled: true, dmPolicy: 'pairing', allowFrom: ['42'], credentials: [{ key: 'channels.telegram.token', source: 'config' }] });
    expect(slack).toMatchObject({ id: 'slack', enabled: true, credentials: [{ source: 'env' }, { source: 'missing' }] });
    expect(slack.problem).toContain('SLACK_APP_TOKEN');
  });
});

describe('openclaw pairing', () => {
  it('lists pending codes and approved senders, approves and denies', async () => {
    const first = await pairing().request('telegram', { id: '42', name: 'ana' });
    const second = await pairing().request('telegram', { id: '43' });
    const code = first.status === 'created' ? first.request.code : '';
    const other = second.status === 'created' ? second.request.code : '';

    const listed = await cli(['pairing', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`telegram\\s+${code}\\s+42\\s+ana\\s+60 min`));

    const approved = await cli(['pairing', 'approve', 'telegram', code]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('approved telegram user 42 (ana)');
    expect(pairing().isApproved('telegram', '42')).toBe(true);

    const denied = await cli(['pairing', 'deny', 'telegram', other]);
    expect(denied.code).toBe(0);
    const json = JSON.parse((await cli(['pairing', 'list', '--json'])).stdout);
    expect(json.pending).toEqual([]);
    expect(json.approved).toMatchObject([{ channel: 'telegram', id: '42', name: 'ana' }]);

    expect((await cli(['pairing', 'deny', 'telegram', '42'])).stdout).toContain('removed telegram user 42');
    expect(pairing().isApproved('telegram', '42')).toBe(false);
  });

  it('refuses an unknown code or channel with exit 2 and a hint', async () => {
    const unknownCode = await cli(['pairing', 'approve', 'telegram', 'NOPE2345']);
    expect(unknownCode.code).toBe(2);
    expect(unknownCode.stderr).toContain('no pending pairing code "NOPE2345"');
    expect(unknownCode.stderr).toContain('openclaw pairing list');
    const unknownChannel = await cli(['pairing', 'approve', 'irc', 'ABCD2345']);
    expect(unknownChannel.code).toBe(2);
    expect(unknownChannel.stderr).toContain('unknown channel "irc"');
  });
});

describe('a Telegram bot behind the gateway', () => {
  let fake: FakeProvider;
  let telegram: TelegramFixture;
  let serve: ServeProcess | undefined;

  beforeAll(async () => {
    fake = await FakeProvider.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    echo(fake);
    telegram = await TelegramFixture.start();
  });
  afterEach(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    serve = undefined;
    await telegram.stop();
  });

  it('is down in `channels status` without a gateway (exit 1)', async () => {
    writeConfig({ channels: { telegram: { token: TELEGRAM_TOKEN } } });
    const result = await cli(['channels', 'status']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('openclaw serve start');
    expect(result.stdout).toMatch(/telegram\s+stopped/);
  });

  it('pairs a stranger with one command, then answers them; status shows the channel healthy', async () => {
    writeConfig({ retry: { maxRetries: 0 }, channels: { telegram: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot, pollIntervalMs: 50 } } });
    serve = await spawnServe(home.path, fake);
    const ana = { id: 2001, name: 'Ana' };
    await telegram.write(ana, '/start');
    const [pairingMessage] = await waitFor(() => telegram.sent(ana.id).length > 0 && telegram.sent(ana.id), 15_000);
    const command = /openclaw (pairing approve telegram [A-Z2-9]{8})/.exec(pairingMessage.text)![1];

    const approved = await cli(command.split(' '));
    expect(approved.code).toBe(0);
    await telegram.write(ana, 'hello from my phone');
    const [, answer] = await waitFor(() => telegram.sent(ana.id).length > 1 && telegram.sent(ana.id), 15_000);
    expect(answer.text).toBe('reply to hello from my phone');

    const status = await cli(['channels', 'status', '--json'], { OPENCLAW_GATEWAY_TOKEN: TOKEN });
    expect(status.code).toBe(0);
    const telegramHealth = JSON.parse(status.stdout).channels.find((channel: { id: string }) => channel.id === 'telegram');
    expect(telegramHealth).toMatchObject({ ok: true, connected: true, state: 'connected' });
    expect(telegramHealth.lastInboundAt).toBeDefined();
    const serveStatus = await cli(['serve', 'status'], { OPENCLAW_GATEWAY_TOKEN: TOKEN });
    expect(serveStatus.stdout).toMatch(/telegram ok \(connected as @TestNameBot/);
    expect(serve.output()).not.toContain(TELEGRAM_TOKEN);
  });

  describe('as the `openclaw serve start` daemon', () => {
    afterEach(async () => {
      await daemonCli(['serve', 'stop']);
    });

    // As a user would run it: the token from the environment, the gateway token from the store.
    const daemonCli = (args: string[]) =>
      runCli(args, { env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN }, timeoutMs: 30_000 });

    it('starts with the daemon, pairs its owner with one command, and answers them in a group too', async () => {
      expect((await daemonCli(['config', 'set', 'channels.telegram.apiRoot', telegram.apiRoot])).code).toBe(0);
      expect((await daemonCli(['config', 'set', 'channels.telegram.pollIntervalMs', '50'])).code).toBe(0);
      const started = await daemonCli(['serve', 'start', '--port', '0']);
      expect(started.code).toBe(0);

      const owner = { id: 3001, name: 'Owner' };
      const stranger = { id: 3002, name: 'Stranger' };
      await telegram.write(owner, 'hi bot');
      await telegram.write(stranger, 'let me in');
      const [ownerCode] = await waitFor(() => telegram.sent(owner.id).length > 0 && telegram.sent(owner.id), 15_000);
      const [strangerCode] = await waitFor(() => telegram.sent(stranger.id).length > 0 && telegram.sent(stranger.id), 15_000);
      expect(strangerCode.text).toContain('pairing code');
      const code = /pairing approve telegram ([A-Z2-9]{8})/.exec(ownerCode.text)![1];

      const listed = await daemonCli(['pairing', 'list', '--json']);
      expect(JSON.parse(listed.stdout).pending.map((request: { sender: { id: string } }) => request.sender.id).sort()).toEqual([String(owner.id), String(stranger.id)]);
      expect((await daemonCli(['pairing', 'approve', 'telegram', code])).code).toBe(0);

      await telegram.write(owner, 'now?');
      await telegram.write(stranger, 'and me?');
      const [, answer] = await waitFor(() => telegram.sent(owner.id).length > 1 && telegram.sent(owner.id), 15_000);
      expect(answer.text).toBe('reply to now?');
      await telegram.write(owner, 'in the group', { group: -3100, mention: true });
      const [groupAnswer] = await waitFor(() => telegram.sent(-3100).length > 0 && telegram.sent(-3100), 15_000);
      expect(groupAnswer.text).toBe('reply to in the group');
      // The stranger got their code and nothing else; the agent saw only the owner's messages.
      expect(telegram.sent(stranger.id)).toHaveLength(1);
      expect(fake.requests).toHaveLength(2);

      const status = await daemonCli(['channels', 'status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/telegram\s+ok/);
    });
  });
});

describe('security audit and doctor with a channel token in the config', () => {
  it('is a low finding of its own, not a leaked secret', async () => {
    writeConfig({ channels: { telegram: { token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1' } } });
    const result = await cli(['security', 'audit', '--json']);
    const report = JSON.parse(result.stdout);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'channel-token-in-config', severity: 'low' }));
    expect(report.findings.map((finding: { id: string }) => finding.id)).not.toContain('secret-in-config');
    expect(result.stdout).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1');
    const doctor = JSON.parse((await cli(['doctor', '--json'])).stdout);
    expect(doctor.checks.find((check: { id: string }) => check.id === 'channels')).toMatchObject({ status: 'ok' });
  });

  it('still flags a key pasted elsewhere in the file, even one equal to the channel token', async () => {
    const secret = 'sk-proj-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    writeConfig({ channels: { telegram: { token: secret } }, providers: { openai: { apiKey: secret } } });
    const report = JSON.parse((await cli(['security', 'audit', '--json'])).stdout);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'secret-in-config', severity: 'high' }));
  });
});
