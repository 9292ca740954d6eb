import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stillRunning } from '../../src/store/owner.js';
import { haveChromium, launchChromium, logInToWebChat, noteMissingChromium } from '../helpers/chromium.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/fake.js';
import { API_KEY, assistantText, echo, inboundLog, killDaemon, sessionsByKey, waitFor, writeConfig } from './helpers.js';

// Issue 7's "done when", as a user would do it: the daemon started with `serve start`, a browser
// on the WebChat page, an OpenAI client and `chat --remote` all mid-reply at once, then the plug
// pulled (kill -9) and the daemon started again: every message is answered exactly once.

noteMissingChromium('acceptance.test.ts');

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let profile: ReturnType<typeof tempDir>;
let browser: BrowserContext;

beforeAll(async () => {
  if (!haveChromium) return;
  home = tempDir('openclaw-gw-accept-');
  profile = tempDir('openclaw-chromium-');
  writeConfig(home.path, {});
  browser = await launchChromium(profile.path);
}, 60_000);
afterAll(async () => {
  if (!haveChromium) return;
  await browser?.close();
  killDaemon(home.path);
  home?.cleanup();
  profile?.cleanup();
});

function cli(args: string[]) {
  return runCli(args, { env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: API_KEY }, timeoutMs: 30_000 });
}

/** A loopback port free now: the daemon comes back on the same one, as it would at 18789. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startDaemon(port: number): Promise<{ pid: number; url: string; token: string }> {
  const started = await cli(['serve', 'start', '--port', String(port)]);
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const [, pid, url] = /gateway started: pid (\d+), (http:\/\/\S+)/.exec(started.stdout)!;
  return { pid: Number(pid), url, token: readFileSync(join(home.path, 'gateway', 'token'), 'utf8').trim() };
}

async function openChat(page: Page, url: string, token: string, key: string): Promise<void> {
  await logInToWebChat(page, url, token);
  await page.waitForSelector('#chat:not([hidden])');
  await page.fill('#key', key);
  await page.dispatchEvent('#key', 'change');
}

describe.skipIf(!haveChromium)('a browser, an OpenAI client and the CLI on one daemon, and the plug pulled', () => {
  it('answers every message exactly once after a kill -9 mid-reply', async () => {
    // Slow replies: all three runs are streaming when the plug is pulled.
    fake.fallback = (request) => {
      const messages = request.body.messages as Array<{ role: string; content: unknown }>;
      const last = messages.filter((message) => message.role === 'user').at(-1);
      return { text: `cut short: reply to ${String(last?.content)}`, chunks: 30, chunkDelayMs: 200 };
    };
    const port = await freePort();
    let daemon = await startDaemon(port);

    const page = await browser.newPage();
    await openChat(page, daemon.url, daemon.token, 'webchat:dm:browser');
    await page.fill('#input', 'from the browser');
    await page.press('#input', 'Enter');

    const openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'openclaw', user: 'ana', stream: true, messages: [{ role: 'user', content: 'from the sdk' }] });
    const sdkChunks = stream[Symbol.asyncIterator]();
    const sdkDone = (async () => {
      try {
        while (!(await sdkChunks.next()).done) {
          // the stream is cut by the kill
        }
        return 'ended';
      } catch (error) {
        return `failed: ${(error as Error).message}`;
      }
    })();

    const remote = cli(['chat', '-p', '--remote', daemon.url, '-r', 'notes', 'from the cli']);

    // All three are mid-reply: each reached the provider, and the browser shows a partial answer.
    const texts = () => fake.requests.map((request) => (request.body.messages as Array<{ role: string; content: unknown }>).filter((message) => message.role === 'user').at(-1)?.content);
    await waitFor(() => ['from the browser', 'from the sdk', 'from the cli'].every((text) => texts().includes(text)), 15_000, () => `requests seen: ${JSON.stringify(texts())}`);
    await page.waitForSelector('.message.assistant:has-text("cut short")');
    expect(inboundLog(home.path).filter((record) => record.op === 'done')).toEqual([]);

    process.kill(daemon.pid, 'SIGKILL');
    await waitFor(() => !stillRunning({ pid: daemon.pid }), 5_000);
    expect(await sdkDone).toMatch(/^failed/);
    const cut = await remote;
    expect(cut.code).not.toBe(0);
    expect(cut.stderr).toContain('the gateway closed the connection before the answer was complete');

    // The daemon comes back on the same store and finishes what it had acknowledged.
    echo(fake);
    daemon = await startDaemon(port);
    await waitFor(() => inboundLog(home.path).filter((record) => record.op === 'done').length === 3, 15_000, () => `log: ${JSON.stringify(inboundLog(home.path))}`);
    const sessions = sessionsByKey(home.path);
    for (const [key, text] of [
      ['webchat:dm:browser', 'from the browser'],
      ['http:dm:ana', 'from the sdk'],
      ['cli:dm:notes', 'from the cli'],
    ]) {
      const messages = sessions.get(key)?.messages ?? [];
      expect(messages.map((message) => [message.role, message.text ?? assistantText(message)]), key).toEqual([
        ['user', text],
        ['assistant', `reply to ${text}`],
      ]);
    }
    expect(inboundLog(home.path).filter((record) => record.op === 'done').map((record) => record.status)).toEqual(['ok', 'ok', 'ok']);

    // Each client picks its conversation up again: the page reconnects by itself and shows the reply.
    await page.waitForSelector('.message.assistant:has-text("reply to from the browser")', { timeout: 15_000 });
    expect(await page.textContent('.message.user')).toBe('from the browser');
    expect(await page.locator('.message.assistant', { hasText: 'reply to from the browser' }).count()).toBe(1);
    expect(await page.isDisabled('#stop')).toBe(true);
    const sdk = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
    const next = await sdk.chat.completions.create({ model: 'openclaw', user: 'ana', messages: [{ role: 'user', content: 'and again' }] });
    expect(next.choices[0].message.content).toBe('reply to and again');
    const again = await cli(['chat', '-p', '--remote', daemon.url, '-r', 'notes', 'still there?']);
    expect(again.stdout).toBe('reply to still there?\n');
    expect(sessionsByKey(home.path).get('cli:dm:notes')!.messages).toHaveLength(4);
    await page.close();

    expect((await cli(['serve', 'stop'])).code).toBe(0);
  }, 90_000);
});
