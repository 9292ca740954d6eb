import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { TmuxPane } from '../tui/tmux.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
const panes: TmuxPane[] = [];

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-init-home-');
  work = tempDir('openclaw-init-work-');
});
afterEach(async () => {
  for (const pane of panes.splice(0)) await pane.close();
  home.cleanup();
  work.cleanup();
});

const config = () => JSON.parse(readFileSync(join(home.path, 'config.json'), 'utf8'));

async function terminal(args: string[], env: Record<string, string> = {}): Promise<TmuxPane> {
  const pane = await TmuxPane.start({ args, cwd: work.path, columns: 120, rows: 40, env: { OPENCLAW_HOME: home.path, ...env } });
  panes.push(pane);
  return pane;
}

async function answer(pane: TmuxPane, prompt: string | RegExp, text: string): Promise<void> {
  await pane.waitFor(prompt);
  if (text) await pane.type(text);
  await pane.press('Enter');
}

describe('openclaw init', () => {
  it('prints plain instructions when not on a terminal, and writes nothing', async () => {
    const result = await runCli(['init'], { env: { OPENCLAW_HOME: home.path } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export OPENAI_API_KEY=sk-...');
    expect(result.stdout).toContain('openclaw config set provider local');
    expect(result.stdout).toContain('`openclaw init` asks these questions');
    expect(existsSync(join(home.path, 'config.json'))).toBe(false);
  });

  it('on a terminal, sets up a local OpenAI-compatible server: asks, lists its models, writes the config, checks it', async () => {
    const pane = await terminal(['init']);
    await answer(pane, 'Choice [3]: ', '3');
    await answer(pane, 'Provider name [local]: ', '');
    await answer(pane, 'Base URL [http://localhost:11434/v1]: ', fake.openaiBaseUrl);
    await answer(pane, 'Environment variable holding the API key (empty if the server needs none): ', '');
    await pane.waitFor('Models offered there: fake-model');
    await answer(pane, 'Model [fake-model]: ', '');
    const screen = await pane.waitFor('openclaw doctor` checks the whole set-up');
    expect(screen).toContain(`Saved to ${join(home.path, 'config.json')}: provider local, model fake-model.`);
    expect(screen).toContain('✓ local is reachable.');
    expect(config()).toEqual({ providers: { local: { type: 'openai-compatible', baseUrl: fake.openaiBaseUrl } }, provider: 'local', model: 'fake-model' });
    expect(statSync(join(home.path, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('never stores a key: it names the variable and says to export it', async () => {
    const pane = await terminal(['init'], { OPENAI_API_KEY: '' });
    await answer(pane, /Choice \[\d\]: /, '1');
    await answer(pane, 'Base URL (empty for the OpenAI API): ', '');
    await answer(pane, 'Environment variable holding the API key [OPENAI_API_KEY]: ', 'WORK_OPENAI_KEY');
    await answer(pane, 'Model [gpt-5.4-mini]: ', 'gpt-5.4');
    const screen = await pane.waitFor('export WORK_OPENAI_KEY=...');
    expect(screen).toContain('openclaw never stores it');
    expect(config()).toEqual({ providers: { openai: { apiKeyEnv: 'WORK_OPENAI_KEY' } }, provider: 'openai', model: 'gpt-5.4' });
  });

  it('asks again on a bad answer instead of failing', async () => {
    const pane = await terminal(['init']);
    await answer(pane, 'Choice [3]: ', '7');
    await pane.waitFor('Type a number from 1 to 3.');
    await answer(pane, /Choice \[3\]: $/m, '3');
    await answer(pane, 'Provider name [local]: ', 'my box');
    await answer(pane, /does not look right; try again\.\nProvider name \[local\]: $/m, 'box');
    await answer(pane, 'Base URL [http://localhost:11434/v1]: ', fake.openaiBaseUrl);
    await answer(pane, 'needs none): ', '');
    await answer(pane, 'Model [fake-model]: ', '');
    await pane.waitFor('box is reachable');
    expect(config().provider).toBe('box');
  });

  it('a first `openclaw chat` on a terminal with no provider starts the guided set-up, then the chat', async () => {
    const pane = await terminal(['chat']);
    await pane.waitFor('No model provider is set up yet');
    await answer(pane, 'Choice [3]: ', '3');
    await answer(pane, 'Provider name [local]: ', '');
    await answer(pane, 'Base URL [http://localhost:11434/v1]: ', fake.openaiBaseUrl);
    await answer(pane, 'needs none): ', '');
    await answer(pane, 'Model [fake-model]: ', '');
    await pane.waitForKeyboard();
    fake.script({ text: 'Hello from the fake model.' });
    await pane.type('hi');
    await pane.press('Enter');
    await pane.waitFor('Hello from the fake model.');
    expect(fake.requests.at(-1)?.body.model).toBe('fake-model');
  });
});
