import { Lexer, type Token, type Tokens } from 'marked';

/**
 * The agent answers in Markdown; chat apps each accept their own subset. A dialect says how to
 * write each construct; one walk over marked's tokens serves them all, so a reply looks the same
 * on every surface as far as the surface allows.
 */
interface Dialect {
  escape(text: string): string;
  bold(inner: string): string;
  italic(inner: string): string;
  strike(inner: string): string;
  code(text: string): string;
  codeBlock(text: string, lang: string | undefined): string;
  link(href: string, inner: string): string;
  quote(inner: string): string;
}

/** Telegram's HTML parse mode: the one whose escaping is simple and whose errors are rare. */
const telegramHtml: Dialect = {
  escape: (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  bold: (inner) => `<b>${inner}</b>`,
  italic: (inner) => `<i>${inner}</i>`,
  strike: (inner) => `<s>${inner}</s>`,
  code: (text) => `<code>${telegramHtml.escape(text)}</code>`,
  codeBlock: (text, lang) =>
    lang && /^[\w#+.-]+$/.test(lang) ? `<pre><code class="language-${lang}">${telegramHtml.escape(text)}</code></pre>` : `<pre>${telegramHtml.escape(text)}</pre>`,
  link: (href, inner) => `<a href="${telegramHtml.escape(href).replace(/"/g, '&quot;')}">${inner}</a>`,
  quote: (inner) => `<blockquote>${inner}</blockquote>`,
};

/** Slack's mrkdwn: single-character emphasis, `<url|text>` links, and only &, < and > escaped. */
const slackMrkdwn: Dialect = {
  escape: (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  bold: (inner) => `*${inner}*`,
  italic: (inner) => `_${inner}_`,
  strike: (inner) => `~${inner}~`,
  code: (text) => `\`${slackMrkdwn.escape(text.replace(/`/g, 'ʼ'))}\``,
  codeBlock: (text) => `\`\`\`\n${slackMrkdwn.escape(text)}\n\`\`\``,
  link: (href, inner) => {
    const url = href.replace(/[<>|]/g, encodeURIComponent).replace(/&/g, '&amp;');
    return inner === slackMrkdwn.escape(href) ? `<${url}>` : `<${url}|${inner}>`;
  },
  quote: (inner) =>
    inner
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
};

/** Markdown as Telegram HTML (`parse_mode: 'HTML'`). */
export function toTelegramHtml(markdown: string): string {
  return render(markdown, telegramHtml);
}

/** Markdown as Slack mrkdwn. */
export function toSlackMrkdwn(markdown: string): string {
  return render(markdown, slackMrkdwn);
}

function render(markdown: string, dialect: Dialect): string {
  return blocks(new Lexer({ gfm: true }).lex(markdown), dialect).trim();
}

function blocks(tokens: Token[], dialect: Dialect): string {
  const out: string[] = [];
  for (const token of tokens) {
    const text = block(token, dialect);
    if (text !== '') out.push(text);
  }
  return out.join('\n\n');
}

function block(token: Token, dialect: Dialect): string {
  switch (token.type) {
    case 'space':
      return '';
    case 'heading':
      return dialect.bold(inline((token as Tokens.Heading).tokens, dialect));
    case 'paragraph':
      return inline((token as Tokens.Paragraph).tokens, dialect);
    case 'code': {
      const code = token as Tokens.Code;
      return dialect.codeBlock(code.text, code.lang?.trim().split(/\s+/)[0] || undefined);
    }
    case 'blockquote':
      return dialect.quote(blocks((token as Tokens.Blockquote).tokens, dialect));
    case 'list':
      return list(token as Tokens.List, dialect, 0);
    case 'hr':
      return '──────────';
    case 'table':
      // No chat app here draws tables: the Markdown source, monospaced, keeps the columns.
      return dialect.codeBlock(token.raw.trimEnd(), undefined);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, dialect) : dialect.escape(text.text);
    }
    default:
      return dialect.escape(token.raw.trim());
  }
}

function list(token: Tokens.List, dialect: Dialect, depth: number): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  const indent = '   '.repeat(depth);
  return token.items
    .map((item, index) => {
      const marker = item.task ? (item.checked ? '☑' : '☐') : token.ordered ? `${start + index}.` : '•';
      const parts: string[] = [];
      for (const child of item.tokens) {
        if (child.type === 'list') parts.push(`\n${list(child as Tokens.List, dialect, depth + 1)}`);
        else if (child.type === 'checkbox') continue;
        else {
          const text = block(child, dialect);
          if (text !== '') parts.push(parts.length > 0 ? `\n${indent}   ${text}` : text);
        }
      }
      return `${indent}${marker} ${parts.join('')}`;
    })
    .join('\n');
}

function inline(tokens: Token[] | undefined, dialect: Dialect): string {
  let out = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        out += dialect.bold(inline((token as Tokens.Strong).tokens, dialect));
        break;
      case 'em':
        out += dialect.italic(inline((token as Tokens.Em).tokens, dialect));
        break;
      case 'del':
        out += dialect.strike(inline((token as Tokens.Del).tokens, dialect));
        break;
      case 'codespan':
        out += dialect.code((token as Tokens.Codespan).text);
        break;
      case 'link': {
        const link = token as Tokens.Link;
        out += dialect.link(link.href, inline(link.tokens, dialect));
        break;
      }
      case 'image': {
        const image = token as Tokens.Image;
        out += dialect.link(image.href, dialect.escape(image.text || image.href));
        break;
      }
      case 'br':
        out += '\n';
        break;
      case 'text': {
        const text = token as Tokens.Text;
        out += text.tokens ? inline(text.tokens, dialect) : dialect.escape(text.text);
        break;
      }
      case 'escape':
        out += dialect.escape((token as Tokens.Escape).text);
        break;
      default:
        out += dialect.escape(token.raw);
    }
  }
  return out;
}
