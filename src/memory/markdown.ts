import { createHash } from 'node:crypto';

/**
 * What counts as one memory in a Markdown file. People edit these files by hand, so the parser
 * never rejects anything: whatever text is in the file ends up in some entry.
 *
 * - An entry is a list item (`-`, `*`, `+`, `1.`) with its indented continuation lines and any
 *   nested lists, or else a paragraph (consecutive non-blank lines).
 * - Headings are not entries; the nearest one above an entry is its `section`, except a level-1
 *   heading that opens the file: that is the file's title (`# Memory`, `# 2026-11-22`).
 * - Fenced code belongs to the entry it is in; a fence that is never closed is plain text, so a
 *   stray ``` cannot swallow the rest of the file.
 * - YAML front matter, thematic breaks and HTML comments carry no memory.
 *
 * An entry's id is derived from its text (whitespace-insensitive), not from its position: moving
 * an entry, reordering a file, changing a list marker or editing other entries keeps every id;
 * editing the entry's own words makes it a new entry with a new id.
 */
export interface ParsedEntry {
  id: string;
  /** The entry's Markdown without its list marker, continuation lines dedented. */
  text: string;
  /** 1-based line of the entry's first line. */
  line: number;
  /** How many lines the entry spans (continuations and blank lines inside it included). */
  lines: number;
  section?: string;
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const INDENTED = /^(?: {2,}|\t)/;

export function parseEntries(source: string): ParsedEntry[] {
  const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const entries: ParsedEntry[] = [];
  let section: string | undefined;
  let block: { start: number; kind: 'item' | 'paragraph'; lines: string[] } | undefined;
  let fence: { marker: string } | undefined;
  let seenHeading = false;

  const flush = () => {
    if (!block) return;
    while (block.lines.length > 0 && block.lines[block.lines.length - 1].trim() === '') block.lines.pop();
    const text = block.lines.join('\n').trim();
    const id = text === '' ? '' : entryId(text);
    if (id) entries.push({ id, text, line: block.start + 1, lines: block.lines.length, ...(section ? { section } : {}) });
    block = undefined;
  };

  let index = frontMatterEnd(lines);
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (fence) {
      block!.lines.push(dedent(line, block!.kind));
      if (closesFence(line, fence.marker)) fence = undefined;
      continue;
    }
    if (line.trim() === '') {
      if (block?.kind === 'item' && continuesAfterBlank(lines, index)) block.lines.push('');
      else flush();
      continue;
    }
    const fenceOpen = FENCE.exec(line);
    if (fenceOpen && hasClosingFence(lines, index, fenceOpen[1])) {
      block ??= { start: index, kind: 'paragraph', lines: [] };
      block.lines.push(dedent(line, block.kind));
      fence = { marker: fenceOpen[1] };
      continue;
    }
    if (block?.kind === 'item' && INDENTED.test(line)) {
      block.lines.push(dedent(line, 'item'));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const isTitle = heading[1] === '#' && !seenHeading && entries.length === 0;
      seenHeading = true;
      if (!isTitle) section = (heading[2] ?? '').replace(/[ \t]+#+$/, '').trim() || undefined;
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      block = { start: index, kind: 'item', lines: [line.slice(item[0].length)] };
      continue;
    }
    if (!block) block = { start: index, kind: 'paragraph', lines: [] };
    block.lines.push(dedent(line, block.kind));
  }
  flush();
  return entries;
}

/** The text an id is computed from and the search index sees: comments dropped, whitespace collapsed. */
export function normalizeEntryText(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 12 hex digits of the SHA-256 of the normalized text; '' for text with nothing in it. */
export function entryId(text: string): string {
  const normalized = normalizeEntryText(text);
  return normalized === '' ? '' : createHash('sha256').update(normalized).digest('hex').slice(0, 12);
}

/** New text as a list item: continuation lines indented so the item stays one entry. */
export function formatListItem(text: string): string {
  const [first, ...rest] = text.trim().replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').split('\n');
  return [`- ${first}`, ...rest.map((line) => (line.trim() === '' ? '' : `  ${line}`))].join('\n');
}

function frontMatterEnd(lines: string[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  for (let index = 1; index < Math.min(lines.length, 200); index++) {
    const line = lines[index].trim();
    if (line === '---' || line === '...') return index + 1;
  }
  return 0;
}

function dedent(line: string, kind: 'item' | 'paragraph'): string {
  return kind === 'item' ? line.replace(/^(?: {1,4}|\t)/, '') : line.trimEnd();
}

/** A blank line inside a list item continues it only when the next text is indented under it. */
function continuesAfterBlank(lines: string[], blank: number): boolean {
  for (let index = blank + 1; index < lines.length; index++) {
    if (lines[index].trim() === '') continue;
    return INDENTED.test(lines[index]);
  }
  return false;
}

function hasClosingFence(lines: string[], open: number, marker: string): boolean {
  for (let index = open + 1; index < lines.length; index++) if (closesFence(lines[index], marker)) return true;
  return false;
}

function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed[0] === marker[0] && /^(`+|~+)$/.test(trimmed);
}
