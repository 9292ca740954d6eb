import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { tempDir } from '../helpers/cli.js';
import { TmuxPane } from './tmux.js';

/**
 * `openclaw chat` in a real pseudo-terminal (tmux), against the loopback fake provider: what a
 * person at a terminal does, end to end.
 */
const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
const panes: TmuxPane[] = [];

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-e2e-home-');
  work = tempDir('openclaw-e2e-work-');
  writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 } }));
});
afterEach(async () => {
  for (const pane of panes.splice(0)) await pane.close();
  home.cleanup();
  work.cleanup();
});

async function openclaw(args: string[], env: Record<string, string> = {}): Promise<TmuxPane> {
  const pane = await TmuxPane.start({
    args,
    cwd: work.path,
    columns: 100,
    rows: 30,
    env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-e2e-0123456789', ...env },
  });
  panes.push(pane);
  await pane.waitForKeyboard();
  return pane;
}

function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.filter((message: any) => message.role === 'tool').map((message: any) => message.content);
}

describe('openclaw chat in a terminal', () => {
  it('streams the answer to a typed prompt, and a reply taller than the screen stays in the scrollback without a clear', async () => {
    const code = Array.from({ length: 70 }, (_, index) => `row ${index + 1} of the listing`).join('\n');
    const answer = `${Array.from({ length: 20 }, (_, index) => `Point ${index + 1} of the explanation.`).join('\n\n')}\n\n\`\`\`\n${code}\n\`\`\`\n\nAll done.`;
    fake.script({ text: answer, chunks: 400, chunkDelayMs: 4 });
    const pane = await openclaw(['chat']);
    await pane.type('explain it at length');
    await pane.press('Enter');
    await pane.waitFor('All done.');

    const everything = (await pane.capture(true)).split('\n');
    for (let index = 1; index <= 20; index++) expect(everything.filter((row) => row === `Point ${index} of the explanation.`)).toHaveLength(1);
    for (let index = 1; index <= 70; index++) expect(everything.filter((row) => row === `  row ${index} of the listing`)).toHaveLength(1);
    const raw = pane.raw();
    expect(raw).not.toContain('\u001b[2J');
    expect(raw).not.toContain('\u001b[3J');
    expect(raw).toContain('\u001b[?2026h');
  });

  it('approves one shell call and denies another with a reason', async () => {
    fake.script(
      { toolCalls: [{ name: 'shell', args: { command: 'echo e2e-approved' } }] },
      { text: 'The first command ran.' },
      { toolCalls: [{ name: 'shell', args: { command: 'touch e2e-denied' } }] },
      { text: 'I will not touch it.' },
    );
    const pane = await openclaw(['chat', 'run the first command']);
    await pane.waitFor('Allow shell: echo e2e-approved?');
    await pane.type('y');
    await pane.waitFor('The first command ran.');
    expect(toolResults(fake.requests[1])[0]).toContain('e2e-approved');

    await pane.type('now the second');
    await pane.press('Enter');
    await pane.waitFor('Allow shell: touch e2e-denied?');
    await pane.type('n');
    await pane.waitFor('Why not?');
    await pane.type('no new files');
    await pane.press('Enter');
    await pane.waitFor('I will not touch it.');
    expect(toolResults(fake.requests[3]).at(-1)).toContain('denied by the user: no new files');
  });

  it('interrupts a slow turn, exits with the resume command, and resumes with the conversation in view', async () => {
    fake.script({ kind: 'hang', text: 'A partial answer that never finishes' });
    const pane = await openclaw(['chat', 'a slow question']);
    await pane.waitFor('A partial answer that never finishes');
    await pane.press('Escape');
    await pane.waitFor('Interrupted.');
    await pane.press('C-d');
    const goodbye = await pane.waitFor(/openclaw chat -r (\S+)/);
    const id = /openclaw chat -r (\S+)/.exec(goodbye)![1];
    const stopped = readFileSync(join(home.path, 'sessions', `${id}.jsonl`), 'utf8');
    expect(stopped).toContain('"stopReason":"aborted"');

    fake.script({ text: 'Picking up where we left off.' });
    const resumed = await openclaw(['chat', '-r', id]);
    const screen = await resumed.waitFor('A partial answer that never finishes');
    expect(screen).toContain('› a slow question');
    await resumed.type('continue');
    await resumed.press('Enter');
    await resumed.waitFor('Picking up where we left off.');
    const messages = fake.requests[1].body.messages.map((message: any) => message.role);
    expect(messages).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('writes no colour with NO_COLOR set', async () => {
    fake.script({ text: 'Use `npm test` and **read** the [docs](https://example.com).' });
    const pane = await openclaw(['chat', 'how do I test?'], { NO_COLOR: '1' });
    await pane.waitFor('read the docs');
    expect(pane.raw()).not.toMatch(/\u001b\[(3[0-7]|9[0-7]|38;[25];[\d;]+)m/);
  });
});
