import { Lexer, type Token, type Tokens } from 'marked';
import { highlightCode } from './highlight.js';
import { displayWidth, wrapRows } from './text.js';
import type { Theme } from './theme.js';

/**
 * Markdown as terminal rows: headings, lists, code blocks (highlighted), inline code, emphasis,
 * links, quotes and tables. Every row fits the width, so a row count is a height on screen; the
 * source must already be sanitized.
 */
export function renderMarkdown(source: string, width: number, theme: Theme): string[] {
  const tokens = new Lexer({ gfm: true }).lex(source);
  return blockRows(tokens, Math.max(10, width), theme, true);
}

function blockRows(tokens: Token[], width: number, theme: Theme, gaps: boolean): string[] {
  const rows: string[] = [];
  for (const token of tokens) {
    const block = renderBlock(token, width, theme);
    if (block.length === 0) continue;
    if (gaps && rows.length > 0) rows.push('');
    rows.push(...block);
  }
  return rows;
}

function renderBlock(token: Token, width: number, theme: Theme): string[] {
  const { color, style } = theme;
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'heading': {
      const text = inline(token.tokens ?? [], theme);
      const styled = token.depth === 1 ? style.bold.underline(color.cyan(text)) : token.depth === 2 ? style.bold(color.cyan(text)) : style.bold(text);
      return wrapRows(styled, width);
    }
    case 'paragraph':
      return wrapRows(inline(token.tokens ?? [], theme), width);
    case 'text':
      return wrapRows(token.tokens ? inline(token.tokens, theme) : token.text, width);
    case 'code':
      return codeRows(token as Tokens.Code, width, theme);
    case 'blockquote':
      return blockRows(token.tokens ?? [], width - 2, theme, true).map((row) => `${style.dim('│')} ${style.italic(row)}`);
    case 'list':
      return listRows(token as Tokens.List, width, theme);
    case 'hr':
      return [style.dim('─'.repeat(Math.min(width, 40)))];
    case 'table':
      return tableRows(token as Tokens.Table, width, theme);
    case 'html':
      return wrapRows(style.dim(token.raw.trimEnd()), width);
    default:
      return wrapRows(token.raw.trimEnd(), width);
  }
}

function codeRows(token: Tokens.Code, width: number, theme: Theme): string[] {
  const code = token.text.replace(/\n$/, '');
  const lines = highlightCode(code, token.lang, theme).split('\n');
  return lines.flatMap((line) => wrapRows(line, width - 2).map((row) => `  ${row}`));
}

function listRows(list: Tokens.List, width: number, theme: Theme): string[] {
  const start = typeof list.start === 'number' ? list.start : 1;
  const markers = list.items.map((item, index) => {
    const bullet = list.ordered ? `${start + index}.` : '•';
    return item.task ? `${bullet} ${item.checked ? '☑' : '☐'}` : bullet;
  });
  const markerWidth = Math.max(...markers.map((marker) => displayWidth(marker))) + 1;
  const rows: string[] = [];
  list.items.forEach((item, index) => {
    if (list.loose && index > 0) rows.push('');
    const content = blockRows(item.tokens.filter((token) => token.type !== 'checkbox'), width - markerWidth, theme, item.loose);
    if (content.length === 0) content.push('');
    content.forEach((row, rowIndex) => {
      const lead = rowIndex === 0 ? theme.color.cyan(markers[index]) + ' '.repeat(markerWidth - displayWidth(markers[index])) : ' '.repeat(markerWidth);
      rows.push(lead + row);
    });
  });
  return rows;
}

function tableRows(table: Tokens.Table, width: number, theme: Theme): string[] {
  const header = table.header.map((cell) => inline(cell.tokens, theme));
  const body = table.rows.map((row) => row.map((cell) => inline(cell.tokens, theme)));
  const columns = header.map((_, column) => Math.max(displayWidth(header[column]), ...body.map((row) => displayWidth(row[column] ?? ''))));
  const separator = theme.style.dim(' │ ');
  const pad = (text: string, column: number) => {
    const space = ' '.repeat(Math.max(0, columns[column] - displayWidth(text)));
    return table.align[column] === 'right' ? space + text : text + space;
  };
  const line = (cells: string[]) => cells.map((cell, column) => pad(cell, column)).join(separator).trimEnd();
  const total = columns.reduce((sum, columnWidth) => sum + columnWidth, 0) + 3 * (columns.length - 1);
  const rule = theme.style.dim(columns.map((columnWidth) => '─'.repeat(columnWidth)).join('─┼─'));
  const lines = [theme.style.bold(line(header)), rule, ...body.map(line)];
  // Too wide to align: each row wraps on its own.
  return total <= width ? lines : lines.flatMap((row) => wrapRows(row, width));
}

function inline(tokens: Token[], theme: Theme): string {
  const { color, style } = theme;
  return tokens
    .map((token): string => {
      switch (token.type) {
        case 'text':
          return token.tokens ? inline(token.tokens, theme) : token.text;
        case 'escape':
          return token.text;
        case 'strong':
          return style.bold(inline(token.tokens ?? [], theme));
        case 'em':
          return style.italic(inline(token.tokens ?? [], theme));
        case 'del':
          return style.strikethrough(inline(token.tokens ?? [], theme));
        case 'codespan':
          return color.level === 0 ? `\`${token.text}\`` : color.cyan(token.text);
        case 'link': {
          const text = inline(token.tokens ?? [], theme);
          const shown = style.underline(color.blue(text));
          return token.href && token.href !== token.text && !token.href.startsWith('mailto:') ? `${shown} ${style.dim(`(${token.href})`)}` : shown;
        }
        case 'image':
          return style.dim(`[image: ${token.text || token.href}]`);
        case 'br':
          return '\n';
        case 'checkbox':
          return '';
        default:
          return token.raw;
      }
    })
    .join('');
}
