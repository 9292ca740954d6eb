import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { tempDir } from '../helpers/cli.js';
import { ESC, startTui, type TuiOptions, type TuiSession } from './harness.js';

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
let tui: TuiSession | undefined;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-tui-home-');
  work = tempDir('openclaw-tui-work-');
});
afterEach(async () => {
  await tui?.close();
  tui = undefined;
  home.cleanup();
  work.cleanup();
});

function start(options: Partial<TuiOptions> = {}): Promise<TuiSession> {
  return startTui({ home: home.path, cwd: work.path, fake, ...options }).then((session) => (tui = session));
}

async function send(session: TuiSession, text: string): Promise<void> {
  await session.type(text);
  await session.press('enter');
}

function lastUserText(request: RecordedRequest): string {
  const messages = request.body.messages.filter((message: any) => message.role === 'user');
  const content = messages[messages.length - 1].content;
  return typeof content === 'string' ? content : content.map((part: any) => part.text).join('');
}

function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.filter((message: any) => message.role === 'tool').map((message: any) => message.content);
}

function transcript(id: string): Array<Record<string, any>> {
  return readFileSync(join(home.path, 'sessions', `${id}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** Paragraphs (many small blocks) and one code block taller than the screen (a single block). */
const longAnswer = [
  ...Array.from({ length: 30 }, (_, index) => `Paragraph ${index + 1} of the answer.`),
  ['```', ...Array.from({ length: 60 }, (_, index) => `code line ${index + 1}`), '```'].join('\n'),
  'The end.',
].join('\n\n');

describe('the session screen', () => {
  it('streams a reply taller than the screen into the scrollback, each line once, without clearing', async () => {
    fake.script({ text: longAnswer, chunks: 300, chunkDelayMs: 2 });
    const session = await start({ rows: 24 });
    await send(session, 'tell me everything');
    await session.waitFor('The end.');
    await session.waitFor(/ask mode/);

    const rows = await session.terminal.allRows();
    for (let index = 1; index <= 30; index++) expect(rows.filter((row) => row === `Paragraph ${index} of the answer.`)).toHaveLength(1);
    for (let index = 1; index <= 60; index++) expect(rows.filter((row) => row === `  code line ${index}`)).toHaveLength(1);
    const { bytes } = session.terminal;
    expect(bytes).not.toContain(`${ESC}[2J`);
    expect(bytes).not.toContain(`${ESC}[3J`);
    // Ink's full redraw (home, erase down) happens only when the live region fills the screen.
    expect(bytes).not.toMatch(/\u001b\[1;1H|\u001b\[H/);
  });

  it('renders the answer as Markdown', async () => {
    fake.script({ text: '# Plan\n\nUse `npm test`:\n\n- first\n- second\n\n```js\nconsole.log(1);\n```\n' });
    const session = await start();
    await send(session, 'plan it');
    const screen = (await session.waitFor('console.log(1);')).join('\n');
    expect(screen).toContain('Plan');
    expect(screen).not.toContain('# Plan');
    expect(screen).toContain('• first');
    expect(screen).toContain('  console.log(1);');
    expect(screen).not.toContain('```');
  });
});

describe('approvals', () => {
  it('shows the command, runs it once approved with y, and reports the result', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'echo approved-run' } }] }, { text: 'It printed approved-run.' });
    const session = await start();
    await send(session, 'run it');
    const asking = (await session.waitFor('Allow shell: echo approved-run?')).join('\n');
    expect(asking).toContain('$ echo approved-run');
    expect(asking).toContain('session/always allow: shell(echo approved-run)');
    await session.type('y');
    await session.waitFor('It printed approved-run.');
    expect(toolResults(fake.requests[1])[0]).toContain('approved-run');
    expect((await session.terminal.allRows()).join('\n')).toContain('⎿ echo approved-run → exit code 0');
  });

  it('denies with n and sends the typed reason to the model', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'rm -rf build' } }] }, { text: 'Understood.' });
    const session = await start();
    await send(session, 'clean up');
    await session.waitFor('Allow shell: rm -rf build?');
    await session.type('n');
    await session.waitFor('Why not?');
    await send(session, 'keep the build');
    await session.waitFor('Understood.');
    expect(toolResults(fake.requests[1])[0]).toContain('denied by the user: keep the build');
    expect(existsSync(join(work.path, 'build'))).toBe(false);
  });

  it('denies with Esc', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'touch made-by-tool' } }] }, { text: 'Fine.' });
    const session = await start();
    await send(session, 'make a file');
    await session.waitFor('Allow shell');
    await session.press('escape');
    await session.waitFor('Fine.');
    expect(toolResults(fake.requests[1])[0]).toContain('denied by the user');
    expect(existsSync(join(work.path, 'made-by-tool'))).toBe(false);
  });

  it('allows for the session with s: the same command does not ask again', async () => {
    fake.script(
      { toolCalls: [{ name: 'shell', args: { command: 'echo again' } }] },
      { toolCalls: [{ name: 'shell', args: { command: 'echo again' } }] },
      { text: 'Ran it twice.' },
    );
    const session = await start();
    await send(session, 'twice');
    await session.waitFor('Allow shell: echo again?');
    await session.type('s');
    await session.waitFor('Ran it twice.');
    expect(toolResults(fake.requests[2])).toHaveLength(2);
    expect((await session.terminal.allRows()).filter((row) => row.includes('Allow shell'))).toHaveLength(0);
  });

  it('shows the rule before saving an "always" approval', async () => {
    fake.script({ toolCalls: [{ name: 'shell', args: { command: 'git status' } }] }, { text: 'Clean.' });
    const session = await start();
    await send(session, 'status');
    await session.waitFor('Allow shell: git status?');
    await session.type('a');
    await session.waitFor('Save rule shell(git status *) for this directory?');
    expect(existsSync(join(home.path, 'approvals.json'))).toBe(false);
    await session.press('enter');
    await session.waitFor('Clean.');
    const saved = JSON.parse(readFileSync(join(home.path, 'approvals.json'), 'utf8'));
    expect(saved.approvals.map((approval: any) => approval.rule)).toEqual(['shell(git status *)']);
  });

  it('shows an edit as a diff before approving it', async () => {
    writeFileSync(join(work.path, 'app.txt'), 'alpha\nbeta\ngamma\n');
    fake.script({ toolCalls: [{ name: 'edit', args: { path: 'app.txt', old_string: 'beta', new_string: 'BETA' } }] }, { text: 'Edited.' });
    const session = await start();
    await send(session, 'shout beta');
    const screen = (await session.waitFor('Allow edit: app.txt?')).join('\n');
    expect(screen).toContain('◆ edit app.txt');
    expect(screen).toContain('- beta');
    expect(screen).toContain('+ BETA');
    await session.type('y');
    await session.waitFor('Edited.');
    expect(readFileSync(join(work.path, 'app.txt'), 'utf8')).toBe('alpha\nBETA\ngamma\n');
  });
});

describe('turns', () => {
  it('interrupts a running turn with Esc, keeps the partial answer, and goes on', async () => {
    fake.script({ kind: 'hang', text: 'partial words so far' }, { text: 'Fresh answer.' });
    const session = await start();
    await send(session, 'start slowly');
    await session.waitFor('partial words so far');
    await session.press('escape');
    await session.waitFor('Interrupted.');
    const id = session.controller.sessionId!;
    const assistant = transcript(id).find((entry) => entry.message?.role === 'assistant');
    expect(assistant?.message.stopReason).toBe('aborted');
    expect(assistant?.message.parts[0].text).toContain('partial words so far');
    await send(session, 'go on');
    await session.waitFor('Fresh answer.');
    expect(lastUserText(fake.requests[1])).toBe('go on');
  });

  it('queues messages typed while a turn runs and sends them after it', async () => {
    fake.script({ text: 'First answer, streamed slowly.', chunks: 30, chunkDelayMs: 40 }, { text: 'Second answer.' });
    const session = await start();
    await send(session, 'first');
    await session.waitFor('Working');
    await send(session, 'second message');
    await session.waitFor('queued: second message');
    await session.waitFor('Second answer.');
    expect(fake.requests.map(lastUserText)).toEqual(['first', 'second message']);
  });

  it('attaches an @mentioned file to the message', async () => {
    writeFileSync(join(work.path, 'notes.txt'), 'the secret number is 42\n');
    fake.script({ text: 'It says 42.' });
    const session = await start();
    await send(session, 'what does @notes.txt say?');
    await session.waitFor('It says 42.');
    expect(lastUserText(fake.requests[0])).toContain('<file path="notes.txt">\nthe secret number is 42\n</file>');
    expect((await session.terminal.allRows()).join('\n')).toContain('attached notes.txt (2 lines)');
  });

  it('runs a !command through the policy and gives its output to the next message', async () => {
    fake.script({ text: 'Seen.' });
    const session = await start();
    await send(session, '!echo from-the-shell');
    await session.waitFor('exit code 0');
    expect((await session.terminal.allRows()).join('\n')).toContain('from-the-shell');
    await send(session, 'what did it print?');
    await session.waitFor('Seen.');
    expect(lastUserText(fake.requests[0])).toContain('I ran `echo from-the-shell` in the shell');
  });

  it('refuses a !command the approval mode does not allow', async () => {
    const session = await start({ mode: 'read-only' });
    await send(session, '!touch nope');
    await session.waitFor('Not run: read-only mode does not allow exec tools');
    expect(existsSync(join(work.path, 'nope'))).toBe(false);
  });
});

describe('the prompt', () => {
  it('lists slash commands as they are typed and completes with Tab', async () => {
    const session = await start();
    await session.type('/');
    const all = (await session.waitFor('/resume [id]')).join('\n');
    expect(all).toContain('commands and keys');
    await session.type('mo');
    const filtered = (await session.waitFor('/model [id]')).join('\n');
    expect(filtered).not.toContain('commands and keys');
    await session.press('tab');
    await session.waitFor('› /model');
  });

  it('suggests the closest command for an unknown one', async () => {
    const session = await start();
    await send(session, '/hepl');
    await session.waitFor('Unknown command /hepl. Did you mean /help?');
  });

  it('inserts a new line with Ctrl+J and with a backslash before Enter', async () => {
    fake.script({ text: 'Got three lines.' });
    const session = await start();
    await session.type('one');
    await session.press('ctrlJ');
    await session.type('two\\');
    await session.press('enter');
    await send(session, 'three');
    await session.waitFor('Got three lines.');
    expect(lastUserText(fake.requests[0])).toBe('one\ntwo\nthree');
  });

  it('takes a chunk of keys typed faster than they were read as if typed one by one: Enter sends, a backslash before it starts a line', async () => {
    fake.script({ text: 'Got the two lines.' }, { text: 'Got the next one.' });
    const session = await start();
    session.keyboard.send('one \\\rtwo\rthree\r');
    await session.waitFor('Got the next one.');
    expect(fake.requests.map(lastUserText)).toEqual(['one \ntwo', 'three']);
  });

  it('keeps the history across sessions and recalls it with Up', async () => {
    fake.script({ text: 'One.' });
    const first = await start();
    await send(first, 'remember this prompt');
    await first.waitFor('One.');
    await first.close();
    tui = undefined;
    const second = await start();
    await second.press('up');
    await second.waitFor('› remember this prompt');
  });

  it('searches the history with Ctrl+R', async () => {
    writeFileSync(join(home.path, 'history.jsonl'), ['alpha one', 'beta two', 'gamma three'].map((text) => JSON.stringify({ text })).join('\n'));
    const session = await start();
    await session.press('ctrlR');
    await session.type('bet');
    await session.waitFor('(history search) bet: beta two');
    await session.press('enter');
    await session.waitFor('› beta two');
  });
});

describe('sessions', () => {
  it('/new starts another session and keeps the scrollback', async () => {
    fake.script({ text: 'Answer in the first session.' });
    const session = await start();
    await send(session, 'hello');
    await session.waitFor('Answer in the first session.');
    const first = session.controller.sessionId;
    await send(session, '/new');
    await session.waitFor(/New session \d/);
    expect(session.controller.sessionId).not.toBe(first);
    expect((await session.terminal.allRows()).join('\n')).toContain('Answer in the first session.');
  });

  it('resumes a session with its last exchanges in view', async () => {
    fake.script({ text: 'Remembered answer.' });
    const first = await start();
    await send(first, 'a question to remember');
    await first.waitFor('Remembered answer.');
    const id = first.controller.sessionId!;
    await first.close();
    tui = undefined;
    const second = await start({ resume: id });
    const screen = (await second.waitFor('Remembered answer.')).join('\n');
    expect(screen).toContain('› a question to remember');
    expect(screen).toContain(`session ${id} (resumed)`);
  });

  it('names a session after its first message', async () => {
    fake.script({ text: 'Sure.' });
    const session = await start();
    await send(session, 'refactor the parser please');
    await session.waitFor('Sure.');
    await session.idle();
    const index = JSON.parse(readFileSync(join(home.path, 'sessions', 'index.json'), 'utf8'));
    expect(index.sessions[session.controller.sessionId!].title).toBe('refactor the parser please');
  });

  it('leaves on Ctrl+D, and removes a session nothing was said in', async () => {
    const session = await start();
    const id = session.controller.sessionId!;
    await session.press('ctrlD');
    await session.controller.exited;
    await session.close();
    tui = undefined;
    expect(readdirSync(join(home.path, 'sessions')).filter((name) => name.startsWith(id))).toEqual([]);
  });

  it('asks for a second Ctrl+C on an empty prompt before leaving', async () => {
    const session = await start();
    await session.press('ctrlC');
    await session.waitFor('Press Ctrl+C again to exit');
    await session.press('ctrlC');
    await session.controller.exited;
  });
});

describe('commands and keys', () => {
  it('/approval changes the mode: an edit then runs without asking', async () => {
    writeFileSync(join(work.path, 'mode.txt'), 'before\n');
    fake.script({ toolCalls: [{ name: 'edit', args: { path: 'mode.txt', old_string: 'before', new_string: 'after' } }] }, { text: 'Edited without asking.' });
    const session = await start();
    await send(session, '/approval auto-edit');
    await session.waitFor('Approval mode: auto-edit');
    await session.waitFor('auto-edit mode');
    await send(session, 'change it');
    const screen = (await session.waitFor('Edited without asking.')).join('\n');
    expect(screen).not.toContain('Allow edit');
    expect(screen).toContain('+ after');
    expect(readFileSync(join(work.path, 'mode.txt'), 'utf8')).toBe('after\n');
  });

  it('/model switches the model of the next request, in the same session', async () => {
    fake.script({ text: 'From the other model.' });
    const session = await start();
    const id = session.controller.sessionId;
    await send(session, '/model gpt-5-mini');
    await session.waitFor('Model: openai/gpt-5-mini');
    await send(session, 'hi');
    await session.waitFor('From the other model.');
    expect(fake.requests[0].body.model).toBe('gpt-5-mini');
    expect(session.controller.sessionId).toBe(id);
  });

  it('/cost shows the tokens and cost so far, and /export writes the session', async () => {
    fake.script({ text: 'Counted.', usage: { input: 1200, output: 34 } });
    const session = await start();
    await send(session, 'count');
    await session.waitFor('Counted.');
    await send(session, '/cost');
    await session.waitFor('Tokens: 1,200 in, 34 out');
    await send(session, '/export notes.md');
    await session.waitFor(`Wrote ${join(work.path, 'notes.md')}`);
    expect(readFileSync(join(work.path, 'notes.md'), 'utf8')).toBe('# exported\n');
  });

  it('/compact summarises the older part, after a silent memory turn', async () => {
    fake.script({ text: 'first answer' }, { text: 'second answer' }, { text: 'DONE' }, { text: '## Goal\n- summarised' });
    const session = await start();
    await send(session, 'first question');
    await session.waitFor('first answer');
    await send(session, 'second question');
    await session.waitFor('second answer');
    await send(session, '/compact');
    await session.waitFor('Compacted: 2 older messages summarised');
    const [flush, summary] = fake.requests.slice(-2);
    expect(JSON.stringify(flush.body)).toContain('memory_write');
    expect(JSON.stringify(summary.body)).toContain('Summarise this conversation');
  });

  it('/memory says what memory holds and where its files are', async () => {
    const session = await start();
    await send(session, '/memory');
    await session.waitFor('Memory is empty');
  });

  it('shows the full output of the last tool with Ctrl+O', async () => {
    const lines = Array.from({ length: 30 }, (_, index) => `output line ${index + 1}`).join('\n');
    fake.script({ toolCalls: [{ name: 'shell', args: { command: `printf '${lines.replace(/\n/g, '\\n')}'` } }] }, { text: 'Printed.' });
    const session = await start({ mode: 'full' });
    await send(session, 'print');
    await session.waitFor('Printed.');
    expect((await session.terminal.allRows()).join('\n')).not.toContain('output line 30');
    keyboardPress(session, '\u000f');
    await session.waitFor('output line 30');
  });

  it('shows a long paste as one placeholder and sends it in full', async () => {
    fake.script({ text: 'Read your paste.' });
    const session = await start();
    const pasted = Array.from({ length: 20 }, (_, index) => `pasted line ${index + 1}`).join('\n');
    session.keyboard.send(`\u001b[200~${pasted}\u001b[201~`);
    await session.waitFor('[Pasted text #1, 20 lines]');
    await send(session, ' what is this?');
    await session.waitFor('Read your paste.');
    expect(lastUserText(fake.requests[0])).toBe(`${pasted} what is this?`);
  });

  it('wraps in a narrow terminal and keeps the live region on the screen', async () => {
    fake.script(
      { text: `A paragraph with a verylongwordthatdoesnotfitanywhere and more words to wrap.\n\n\`\`\`\n${'x'.repeat(70)}\n\`\`\`\n\nLast line.`, chunks: 40, chunkDelayMs: 5 },
      { toolCalls: [{ name: 'shell', args: { command: 'echo narrow' } }] },
      { text: 'Ran.' },
    );
    const session = await start({ columns: 30, rows: 14 });
    await send(session, 'go');
    await session.waitFor('Last line.');
    await send(session, 'run');
    await session.waitFor('Allow shell');
    await session.type('y');
    await session.waitFor('Ran.');
    expect(session.terminal.bytes).not.toMatch(/\u001b\[1;1H|\u001b\[H|\u001b\[2J|\u001b\[3J/);
  });
});

function keyboardPress(session: TuiSession, bytes: string): void {
  session.keyboard.send(bytes);
}

describe('skills', () => {
  beforeEach(() => {
    const dir = join(work.path, '.openclaw', 'skills', 'greet');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: greet\ndescription: Greets someone warmly\n---\nGreet $ARGUMENTS by name, in one line.\n');
  });

  it('offers a user-invocable skill as /name and runs it with the request', async () => {
    fake.script({ text: 'Hello, Ada!' });
    const session = await start();
    await session.type('/gr');
    await session.waitFor('/greet [request]');
    await session.press('tab');
    await send(session, 'Ada');
    await session.waitFor('Hello, Ada!');
    const sent = lastUserText(fake.requests[0]);
    expect(sent).toContain('Use the skill "greet" now');
    expect(sent).toContain('Greet Ada by name, in one line.');
    expect((await session.terminal.allRows()).join('\n')).toContain('› /greet Ada');
  });

  it('/skills lists them', async () => {
    const session = await start();
    await send(session, '/skills');
    await session.waitFor(/\/greet +Greets someone warmly/);
  });
});
