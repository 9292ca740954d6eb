import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway/gateway.js';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { haveChromium, launchChromium, logInToWebChat, noteMissingChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/cli.js';
import { startGateway, TOKEN } from './helpers.js';

noteMissingChromium('webchat.test.ts');

let fake: FakeProvider;
let home: ReturnType<typeof tempDir>;
let profile: ReturnType<typeof tempDir>;
let gateway: Gateway;
let browser: BrowserContext;

beforeAll(async () => {
  if (!haveChromium) return;
  fake = await FakeProvider.start();
  home = tempDir('openclaw-gw-webchat-');
  profile = tempDir('openclaw-chromium-');
  gateway = await startGateway(home.path, fake);
  browser = await launchChromium(profile.path);
}, 60_000);
afterAll(async () => {
  if (!haveChromium) return;
  await browser?.close();
  await gateway?.stop({ drainMs: 0 });
  await fake?.close();
  home?.cleanup();
  profile?.cleanup();
});

function login(page: Page, token = TOKEN): Promise<void> {
  return logInToWebChat(page, gateway.url, token);
}

describe.skipIf(!haveChromium)('the WebChat page in headless Chromium', () => {
  it('refuses a wrong token and stays on the login form', async () => {
    const page = await browser.newPage();
    try {
      await login(page, 'wrong-token');
      await page.waitForSelector('#login-error:has-text("wrong or missing token")');
      expect(await page.isVisible('#chat')).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('logs in with the token, streams a reply, renders Markdown and shows tool activity', async () => {
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'list', args: { path: '.' } }] },
      { text: 'Here is **bold** and `code`:\n\n```js\nconsole.log(1)\n```\n\n<img src=x onerror="window.pwned=1">', chunks: 6, chunkDelayMs: 30 },
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await login(page);
      await page.waitForSelector('#chat:not([hidden])');
      await page.fill('#key', 'webchat:dm:browser');
      await page.fill('#input', 'show me');
      await page.press('#input', 'Enter');
      await page.waitForSelector('.message.user:has-text("show me")');
      await page.waitForSelector('.message.assistant strong:has-text("bold")');
      // The whole reply has arrived once the Stop button is off again.
      await page.waitForSelector('#stop:disabled');
      expect(await page.textContent('.message.assistant pre code')).toContain('console.log(1)');
      expect(await page.textContent('.message.assistant .tools li')).toContain('list');
      await page.waitForSelector('.message.assistant .tools li.ok');
      // Raw HTML in a reply is shown as text, never run.
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.textContent('.message.assistant .body')).toContain('<img src=x');
      expect(errors).toEqual([]);

      // A reload shows the conversation again from the session's history.
      await page.reload();
      await page.waitForSelector('.message.assistant strong:has-text("bold")');
      expect(await page.textContent('.message.user')).toBe('show me');
    } finally {
      await page.close();
    }
  });

  it('shows a reply delivered while the history loads after it, once: not again when the history has it, not hidden by an equal older reply', async () => {
    fake.reset();
    fake.script({ text: 'Same answer.' }, { text: 'Other answer.' });
    const page = await browser.newPage();
    // The gateway's own `message` frame for a reply delivered late, handed to the page just as it
    // asks for the history: the race a reconnect after a restart runs.
    let deliver: string | undefined;
    await page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message));
        if (deliver !== undefined && frame.method === 'sessions.history') {
          ws.send(JSON.stringify({ type: 'event', event: 'message', payload: { key: frame.params.key, text: deliver }, seq: 0 }));
          deliver = undefined;
        }
        server.send(message);
      });
    });
    const answers = (text: string) => page.locator('.message.assistant .body', { hasText: text }).count();
    const reloadHistory = async (delivered: string) => {
      deliver = delivered;
      await page.dispatchEvent('#key', 'change');
      // The history clears the list at once and fills it, early replies last, in one go.
      await page.waitForSelector('.message.assistant:has-text("Other answer.")');
    };
    try {
      await login(page);
      await page.waitForSelector('#chat:not([hidden])');
      await page.fill('#key', 'webchat:dm:repeat');
      for (const [text, reply] of [['one', 'Same answer.'], ['two', 'Other answer.']]) {
        await page.fill('#input', text);
        await page.press('#input', 'Enter');
        await page.waitForSelector(`.message.assistant:has-text("${reply}")`);
        await page.waitForSelector('#stop:disabled');
      }
      // The reply to the last message, already in the history: shown once.
      await reloadHistory('Other answer.');
      expect(await answers('Other answer.')).toBe(1);
      // A reply equal to an older one, not in the history: shown after it.
      await reloadHistory('Same answer.');
      await expect.poll(() => answers('Same answer.')).toBe(2);
    } finally {
      await page.close();
    }
  });
});
