import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { runCli, tempDir } from '../helpers/cli.js';

const HOOK = pathToFileURL(resolve(import.meta.dirname, 'fixtures/record-modules.mjs')).href;
const TUI_MODULES = /\/node_modules\/(ink|react|react-reconciler|yoga-layout|marked|emphasize|lowlight|highlight\.js)\/|\/dist\/tui\//;

let fake: FakeProvider;
let home: ReturnType<typeof tempDir>;

beforeAll(async () => {
  fake = await FakeProvider.start();
  home = tempDir('openclaw-lazy-');
  writeFileSync(join(home.path, 'config.json'), '{}');
});
afterAll(async () => {
  await fake.close();
  home.cleanup();
});

/** Runs the CLI and returns the modules it loaded. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = join(home.path, `modules-${args.join('-').replace(/\W+/g, '_')}.log`);
  writeFileSync(log, '');
  const result = await runCli(args, {
    cwd: home.path,
    env: { NODE_OPTIONS: `--import=${HOOK}`, OPENCLAW_TEST_MODULE_LOG: log, OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test' },
  });
  expect(result.code).toBe(0);
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe('the TUI is loaded only for interactive chats', () => {
  it.each([[['--version']], [['--help']], [['chat', '--help']], [['chat', '-p', 'hello', '--no-session']]])('openclaw %j loads neither Ink, React nor the TUI', async (args) => {
    const modules = await modulesLoadedBy(args);
    expect(modules.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(modules.filter((url) => TUI_MODULES.test(url))).toEqual([]);
  });

  it('print mode does load what it needs (the check sees node_modules)', async () => {
    const modules = await modulesLoadedBy(['chat', '-p', 'hello', '--no-session']);
    expect(modules.some((url) => url.includes('/node_modules/openai/'))).toBe(true);
  });
});
