import { describe, expect, it } from 'vitest';
import { entryId, formatListItem, parseEntries } from '../../src/memory/markdown.js';

const texts = (source: string) => parseEntries(source).map((entry) => entry.text);

describe('memory entries in Markdown', () => {
  it('makes one entry per list item and per paragraph', () => {
    const source = '- first fact\n* second fact\n1. third fact\n\nA paragraph\nover two lines.\n\n+ fourth fact\n';
    expect(texts(source)).toEqual(['first fact', 'second fact', 'third fact', 'A paragraph\nover two lines.', 'fourth fact']);
  });

  it('keeps continuation lines and nested lists inside their item', () => {
    const source = '- parent item\n  continued here\n  - nested child\n- next item\n';
    expect(texts(source)).toEqual(['parent item\ncontinued here\n- nested child', 'next item']);
  });

  it('continues an item across a blank line only when the next text is indented under it', () => {
    const source = '- item one\n\n  second paragraph of item one\n\nnot indented: a paragraph\n';
    expect(texts(source)).toEqual(['item one\n\nsecond paragraph of item one', 'not indented: a paragraph']);
  });

  it('records the 1-based line and the number of lines of each entry', () => {
    const entries = parseEntries('# Title\n\n- one\n  more\n\n- two\n');
    expect(entries.map((entry) => [entry.line, entry.lines])).toEqual([
      [3, 2],
      [6, 1],
    ]);
  });

  it('uses the nearest heading as section, but not the title heading that opens the file', () => {
    const entries = parseEntries('# Memory\n\n- untitled fact\n\n## Preferences\n\n- likes pnpm\n\n# Work\n\n- uses Postgres\n');
    expect(entries.map((entry) => entry.section)).toEqual([undefined, 'Preferences', 'Work']);
  });

  it('keeps a closed code fence inside its entry, blank lines included', () => {
    const source = '- run the deploy:\n  ```sh\n  make deploy\n\n  make verify\n  ```\n- next\n';
    expect(texts(source)).toEqual(['run the deploy:\n```sh\nmake deploy\n\nmake verify\n```', 'next']);
  });

  it('reads an unclosed fence as text instead of swallowing the rest of the file', () => {
    const source = '- before\n```\n- after the stray fence\n\nlast paragraph\n';
    expect(texts(source)).toEqual(['before\n```', 'after the stray fence', 'last paragraph']);
  });

  it('skips front matter, thematic breaks and comment-only blocks', () => {
    const source = '---\ntitle: notes\n---\n<!-- written by hand -->\n\n- kept\n\n***\n\nalso kept\n';
    expect(texts(source)).toEqual(['kept', 'also kept']);
  });

  it('reads CRLF files like LF files', () => {
    expect(texts('- one\r\n- two\r\n\r\npara\r\n')).toEqual(['one', 'two', 'para']);
  });

  it('never throws on malformed input, and keeps its words', () => {
    const source = '<!-- never closed\n- item with \u0000 a NUL\n#######not a heading\n>>> quote\n|a|b\n|-|\n- [ ] task\n```\n';
    const entries = parseEntries(source);
    expect(entries.length).toBeGreaterThan(0);
    const all = entries.map((entry) => entry.text).join('\n');
    for (const word of ['NUL', 'not a heading', 'quote', 'task']) expect(all).toContain(word);
  });
});

describe('entry ids', () => {
  it('depend on the text only: not on the marker, the whitespace or the position', () => {
    const [a] = parseEntries('- The deploy script lives in ops/deploy.sh\n');
    const [, b] = parseEntries('other\n\n*   The deploy script\n    lives in   ops/deploy.sh\n');
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(b.id).toBe(a.id);
    expect(entryId('The deploy script lives in ops/deploy.sh')).toBe(a.id);
  });

  it('change when the words change', () => {
    expect(entryId('the cat is called Mimi')).not.toBe(entryId('the cat is called Momo'));
  });

  it('survive the text being written as a list item and read back', () => {
    const text = 'Release steps:\n1. tag\n\n```sh\nnpm publish\n```\n# not a heading here';
    const parsed = parseEntries(`# 2026-11-22\n\n- earlier\n${formatListItem(text)}\n`);
    expect(parsed.map((entry) => entry.id)).toEqual([entryId('earlier'), entryId(text)]);
  });
});
