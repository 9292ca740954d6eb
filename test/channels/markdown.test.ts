import { describe, expect, it } from 'vitest';
import { toSlackMrkdwn, toTelegramHtml } from '../../src/channels/markdown.js';

describe('Markdown for Telegram (HTML parse mode)', () => {
  it('renders emphasis, code, links and escapes what Telegram would parse', () => {
    expect(toTelegramHtml('**bold** _it_ ~~del~~ `a<b>&c` [site](https://x.org/?a=1&b="2") 1 < 2 & 3 > 2')).toBe(
      '<b>bold</b> <i>it</i> <s>del</s> <code>a&lt;b&gt;&amp;c</code> <a href="https://x.org/?a=1&amp;b=&quot;2&quot;">site</a> 1 &lt; 2 &amp; 3 &gt; 2',
    );
  });

  it('renders headings bold, lists with bullets, quotes and fenced code with its language', () => {
    const html = toTelegramHtml('# Title\n\n- one\n- two\n  1. nested\n\n> quoted\n\n```py\nif a < b:\n    pass\n```');
    expect(html).toBe('<b>Title</b>\n\n• one\n• two\n   1. nested\n\n<blockquote>quoted</blockquote>\n\n<pre><code class="language-py">if a &lt; b:\n    pass</code></pre>');
  });

  it('keeps raw HTML from the model as text', () => {
    expect(toTelegramHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows tables as monospaced source', () => {
    expect(toTelegramHtml('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('<pre>| a | b |\n|---|---|\n| 1 | 2 |</pre>');
  });
});

describe('Markdown for Slack (mrkdwn)', () => {
  it('uses single-character emphasis, angle-bracket links and escapes control characters', () => {
    expect(toSlackMrkdwn('**bold** *it* ~~del~~ `x` [docs](https://d.io/a?b=1&c=2) <@U1> & co')).toBe('*bold* _it_ ~del~ `x` <https://d.io/a?b=1&amp;c=2|docs> &lt;@U1&gt; &amp; co');
  });

  it('writes a bare link once, and code blocks without a language', () => {
    expect(toSlackMrkdwn('see https://example.com\n\n```js\nlet a = 1;\n```')).toBe('see <https://example.com>\n\n```\nlet a = 1;\n```');
  });

  it('quotes every line of a block quote', () => {
    expect(toSlackMrkdwn('> line one\n> line two')).toBe('> line one\n> line two');
  });
});
