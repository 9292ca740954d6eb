import { existsSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (packages chromium, chromium-driver), driven by playwright-core: never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Says why a browser test file is skipped where Chromium is absent. */
export function noteMissingChromium(file: string): void {
  if (!haveChromium) console.warn(`${file}: SKIPPED, Chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium chromium-driver; CI's .ci/run installs it)`);
}

/** Headless Chromium with a fresh profile in `profileDir` (playwright passes it as --user-data-dir). */
export async function launchChromium(profileDir: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Opens the WebChat page at `url` and submits the login form with `token`. */
export async function logInToWebChat(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#login-form button[type=submit]');
}
