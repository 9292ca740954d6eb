import { Chalk } from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHighlighter } from '../../src/tui/highlight.js';
import { renderMarkdown } from '../../src/tui/markdown.js';
import { ReplyStream } from '../../src/tui/reply-stream.js';
import { displayWidth, sanitize } from '../../src/tui/text.js';
import { plainTheme, type Theme } from '../../src/tui/theme.js';

const plain = plainTheme();
const colour: Theme = { ink: {}, color: new Chalk({ level: 1 }), style: new Chalk({ level: 1 }) };
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

beforeAll(async () => {
  await loadHighlighter();
});

describe('renderMarkdown', () => {
  it('renders headings, lists, quotes and rules without their markup', () => {
    const rows = renderMarkdown('# Title\n\nSome *emphasis* and **bold**.\n\n1. first\n2. second\n   - nested\n\n> quoted\n\n---', 80, plain);
    expect(rows).toEqual(['Title', '', 'Some emphasis and bold.', '', '1. first', '2. second', '   • nested', '', '│ quoted', '', '─'.repeat(40)]);
  });

  it('keeps inline code visible without colours and colours it with them', () => {
    expect(renderMarkdown('run `npm test` now', 80, plain)).toEqual(['run `npm test` now']);
    expect(renderMarkdown('run `npm test` now', 80, colour)[0]).toBe('run \u001b[36mnpm test\u001b[39m now');
  });

  it('indents code blocks and highlights a known language', () => {
    const rows = renderMarkdown('```js\nconst answer = 42;\n```', 80, colour);
    expect(stripAnsi(rows[0])).toBe('  const answer = 42;');
    expect(rows[0]).toContain('\u001b[35mconst\u001b[39m');
    expect(renderMarkdown('```\nplain text\n```', 80, plain)).toEqual(['  plain text']);
  });

  it('shows task lists, links and tables', () => {
    expect(renderMarkdown('- [x] done\n- [ ] todo', 80, plain)).toEqual(['• ☑ done', '• ☐ todo']);
    expect(renderMarkdown('see [the docs](https://example.com)', 80, plain)).toEqual(['see the docs (https://example.com)']);
    expect(renderMarkdown('| a | bb |\n|---|---:|\n| 1 | 2 |', 80, plain)).toEqual(['a │ bb', '──┼───', '1 │  2']);
  });

  it('wraps every row to the width, also in narrow terminals', () => {
    const text = `A paragraph ${'with many words '.repeat(20)}\n\n- a list item ${'that goes on '.repeat(10)}\n\n\`\`\`\n${'x'.repeat(100)}\n\`\`\``;
    for (const width of [10, 20, 37, 80]) {
      const rows = renderMarkdown(text, width, colour);
      for (const row of rows) expect(displayWidth(stripAnsi(row))).toBeLessThanOrEqual(Math.max(10, width));
    }
  });
});

describe('sanitize', () => {
  it('removes escape sequences a model or a tool could use to clear the screen', () => {
    expect(sanitize('a\u001b[2J\u001b[3Jb\u001b]0;title\u0007c')).toBe('abc');
  });

  it('shows other control characters and keeps newlines', () => {
    expect(sanitize('bell\u0007 cr\r\nline\ttab')).toBe('bell^G cr\nline    tab');
  });
});

describe('ReplyStream', () => {
  const answer = [
    '# Heading',
    '',
    'A first paragraph that is long enough to wrap over more than one row at forty columns.',
    '',
    '```ts',
    ...Array.from({ length: 30 }, (_, index) => `const line${index} = ${index};`),
    '```',
    '',
    '- one',
    '- two',
    '',
    'The end.',
  ].join('\n');

  /** Streams the answer in pieces of `size`, taking a frame after each; returns every row written. */
  function stream(size: number, liveRows: number): { written: string[]; maxLive: number } {
    const reply = new ReplyStream(colour);
    const written: string[] = [];
    let maxLive = 0;
    for (let index = 0; index < answer.length; index += size) {
      reply.append(answer.slice(index, index + size));
      const { commit, live } = reply.take(40, liveRows);
      written.push(...commit);
      maxLive = Math.max(maxLive, live.length);
    }
    written.push(...reply.finish(40));
    return { written, maxLive };
  }

  it('writes the same rows as rendering the whole answer at once, whatever the pieces', () => {
    const whole = ['', ...renderMarkdown(answer, 40, colour)];
    for (const size of [1, 3, 17, 200]) {
      expect(stream(size, 8).written).toEqual(whole);
    }
  });

  it('cuts a long code block into pieces that read as one block', () => {
    const code = ['Before.', '', '```', ...Array.from({ length: 130 }, (_, index) => `line ${index + 1}`), '```', '', 'After.'].join('\n');
    const reply = new ReplyStream(plain);
    const written: string[] = [];
    let longestLive = 0;
    for (let index = 0; index < code.length; index += 7) {
      reply.append(code.slice(index, index + 7));
      const { commit, live } = reply.take(40, 200);
      written.push(...commit);
      longestLive = Math.max(longestLive, live.length);
    }
    written.push(...reply.finish(40));
    expect(written).toEqual(['', ...renderMarkdown(code, 40, plain)]);
    // Even with room for 200 live rows, no more than a piece of the block is ever rendered live.
    expect(longestLive).toBeLessThanOrEqual(42);
  });

  it('never keeps more rows live than it is given', () => {
    expect(stream(5, 6).maxLive).toBeLessThanOrEqual(6);
    expect(stream(5, 1).maxLive).toBeLessThanOrEqual(1);
  });

  it('keeps an unfinished block live and commits it once finished', () => {
    const reply = new ReplyStream(plain);
    reply.append('First.\n\nSecond, still being');
    expect(reply.take(80, 10)).toEqual({ commit: ['', 'First.'], live: ['', 'Second, still being'] });
    reply.append(' written.\n\n');
    expect(reply.take(80, 10)).toEqual({ commit: ['', 'Second, still being written.'], live: [] });
  });

  it('forgets what was not committed when the provider retries', () => {
    const reply = new ReplyStream(plain);
    reply.append('half an ans');
    reply.discard();
    reply.append('A new answer.');
    expect(reply.finish(80)).toEqual(['', 'A new answer.']);
  });
});
