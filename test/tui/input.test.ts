import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Key } from 'ink';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSlash, suggestCommand } from '../../src/tui/commands.js';
import * as edit from '../../src/tui/input/draft.js';
import { draftOf, EMPTY_DRAFT, type Draft } from '../../src/tui/input/draft.js';
import { PromptHistory } from '../../src/tui/input/history.js';
import { editDraft, isSubmit } from '../../src/tui/input/keys.js';
import { draftRows } from '../../src/tui/input/layout.js';
import { attachMentions, FileIndex } from '../../src/tui/input/mentions.js';
import { plainTheme } from '../../src/tui/theme.js';
import { Chalk } from 'chalk';
import { tempDir } from '../helpers/cli.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const key = (pressed: Partial<Key>): Key => ({ ...NO_KEY, ...pressed });
const at = (text: string, cursor: number): Draft => ({ text, cursor });

describe('editing the draft', () => {
  it('inserts and deletes at the cursor', () => {
    expect(edit.insert(at('helo', 3), 'l')).toEqual(at('hello', 4));
    expect(edit.backspace(at('hello', 5))).toEqual(at('hell', 4));
    expect(edit.deleteForward(at('hello', 0))).toEqual(at('ello', 0));
  });

  it('treats a surrogate pair as one character', () => {
    expect(edit.backspace(at('a😀', 3))).toEqual(at('a', 1));
    expect(edit.moveLeft(at('a😀', 3))).toEqual(at('a😀', 1));
  });

  it('has the readline shortcuts', () => {
    const text = 'git commit -m message';
    expect(editDraft(at(text, text.length), 'w', key({ ctrl: true }))).toEqual(at('git commit -m ', 14));
    expect(editDraft(at(text, 4), 'k', key({ ctrl: true }))).toEqual(at('git ', 4));
    expect(editDraft(at(text, 4), 'u', key({ ctrl: true }))).toEqual(at('commit -m message', 0));
    expect(editDraft(at(text, 5), 'a', key({ ctrl: true }))?.cursor).toBe(0);
    expect(editDraft(at(text, 5), 'e', key({ ctrl: true }))?.cursor).toBe(text.length);
  });

  it('moves between lines keeping the column, and says when there is no line to move to', () => {
    const draft = at('first line\nsecond', 14);
    expect(edit.lineUp(draft)).toEqual(at('first line\nsecond', 3));
    expect(edit.lineDown(at('first line\nsecond', 9))).toEqual(at('first line\nsecond', 17));
    expect(edit.lineUp(at('one line', 3))).toBeUndefined();
    expect(edit.lineDown(at('one line', 3))).toBeUndefined();
  });

  it('finds the word at the cursor for completion', () => {
    expect(edit.wordAtCursor(at('explain @src/ma', 15))).toEqual({ word: '@src/ma', start: 8 });
    expect(edit.replaceWord(at('explain @src/ma', 15), 8, 7, '@src/main.ts ')).toEqual(at('explain @src/main.ts ', 21));
  });
});

describe('Enter and new lines', () => {
  it('sends on Enter', () => {
    expect(isSubmit('\r', key({ return: true }), draftOf('hi'))).toBe(true);
  });

  it('inserts a new line on Shift+Enter, Alt+Enter and Ctrl+J', () => {
    expect(editDraft(draftOf('a'), '\r', key({ return: true, shift: true }))).toEqual(draftOf('a\n'));
    expect(editDraft(draftOf('a'), '\r', key({ return: true, meta: true }))).toEqual(draftOf('a\n'));
    expect(editDraft(draftOf('a'), '\n', NO_KEY)).toEqual(draftOf('a\n'));
    expect(isSubmit('\r', key({ return: true, shift: true }), draftOf('a'))).toBe(false);
  });

  it('turns a backslash before Enter into a new line', () => {
    expect(isSubmit('\r', key({ return: true }), draftOf('a\\'))).toBe(false);
    expect(editDraft(draftOf('a\\'), '\r', key({ return: true }))).toEqual(draftOf('a\n'));
  });
});

describe('drawing the draft', () => {
  const inverse = { ...plainTheme(), style: new Chalk({ level: 1 }) };

  it('draws the cursor in inverse video after a prompt', () => {
    expect(draftRows(at('hello', 1), 80, 5, inverse)).toEqual(['› h\u001b[7me\u001b[27mllo']);
    expect(draftRows(EMPTY_DRAFT, 80, 5, inverse)).toEqual(['› \u001b[7m \u001b[27m']);
  });

  it('wraps long lines and shows only the rows around the cursor', () => {
    const text = 'x'.repeat(50);
    expect(draftRows(draftOf(text), 20, 10, plainTheme())).toEqual(['› ' + 'x'.repeat(17), '  ' + 'x'.repeat(17), '  ' + 'x'.repeat(16) + ' ']);
    const lines = Array.from({ length: 10 }, (_, index) => `line ${index}`).join('\n');
    expect(draftRows(draftOf(lines), 40, 3, plainTheme())).toEqual(['  line 7', '  line 8', '  line 9 ']);
  });
});

describe('@file mentions', () => {
  let work: ReturnType<typeof tempDir>;
  beforeEach(() => {
    work = tempDir('openclaw-mentions-');
    mkdirSync(join(work.path, 'src'));
    writeFileSync(join(work.path, 'src', 'main.ts'), 'export const main = 1;\n');
    writeFileSync(join(work.path, 'image.bin'), Buffer.from([0, 1, 2]));
  });
  afterEach(() => work.cleanup());

  it('attaches a mentioned file after the text', () => {
    const result = attachMentions('look at @src/main.ts, please', work.path, () => undefined);
    expect(result.message).toBe('look at @src/main.ts, please\n\n<file path="src/main.ts">\nexport const main = 1;\n</file>');
    expect(result.attached).toEqual([{ path: 'src/main.ts', lines: 2 }]);
  });

  it('leaves out what the policy refuses, binary files, and mentions that are not files', () => {
    const result = attachMentions('@src/main.ts @image.bin @someone', work.path, (path) => (path === 'src/main.ts' ? 'denied by rule read(src/**)' : undefined));
    expect(result.message).toBe('@src/main.ts @image.bin @someone');
    expect(result.skipped).toEqual([
      { path: 'src/main.ts', why: 'denied by rule read(src/**)' },
      { path: 'image.bin', why: 'a binary file' },
    ]);
  });

  it('completes paths by fuzzy match', async () => {
    const index = new FileIndex(work.path);
    await new Promise<void>((resolve) => index.load(resolve));
    expect(await index.complete('mats')).toEqual(['src/main.ts']);
  });
});

describe('prompt history', () => {
  let home: ReturnType<typeof tempDir>;
  beforeEach(() => (home = tempDir('openclaw-history-')));
  afterEach(() => home.cleanup());

  it('is saved in $OPENCLAW_HOME/history.jsonl and read back', () => {
    const history = PromptHistory.load(home.path);
    history.add('first prompt', '/work');
    history.add('second\nprompt', '/work');
    const lines = readFileSync(join(home.path, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.text, line.cwd])).toEqual([
      ['first prompt', '/work'],
      ['second\nprompt', '/work'],
    ]);
    expect(PromptHistory.load(home.path).entries).toEqual(['first prompt', 'second\nprompt']);
  });

  it('skips a repeated prompt and unreadable lines', () => {
    writeFileSync(join(home.path, 'history.jsonl'), '{"text":"a"}\nnot json\n{"text":"a"}\n{"text":"b"}\n');
    const history = PromptHistory.load(home.path);
    history.add('b', '/');
    expect(history.entries).toEqual(['a', 'b']);
  });

  it('searches from the newest entry back', () => {
    const history = PromptHistory.inMemory(['npm test', 'git status', 'npm run build']);
    expect(history.search('npm')).toEqual({ index: 2, text: 'npm run build' });
    expect(history.search('npm', 2)).toEqual({ index: 0, text: 'npm test' });
    expect(history.search('nothing')).toBeUndefined();
  });
});

describe('slash commands', () => {
  it('parses the name and the argument', () => {
    expect(parseSlash('/model gpt-5')).toEqual({ name: 'model', argument: 'gpt-5' });
    expect(parseSlash('/HELP')).toEqual({ name: 'help', argument: '' });
    expect(parseSlash('not a command')).toBeUndefined();
    expect(parseSlash('/ nothing')).toBeUndefined();
  });

  it('suggests the closest known command', () => {
    expect(suggestCommand('hepl')).toBe('help');
    expect(suggestCommand('mod')).toBe('model');
    expect(suggestCommand('exitt')).toBe('exit');
    expect(suggestCommand('xyzzy')).toBeUndefined();
  });
});
