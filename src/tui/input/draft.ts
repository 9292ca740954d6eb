/**
 * The prompt being typed: text and a cursor (an offset into the text). Pure functions, so the
 * editing rules are tested without a terminal.
 */
export interface Draft {
  text: string;
  cursor: number;
}

export const EMPTY_DRAFT: Draft = { text: '', cursor: 0 };

export function draftOf(text: string): Draft {
  return { text, cursor: text.length };
}

export function insert(draft: Draft, value: string): Draft {
  const text = draft.text.slice(0, draft.cursor) + value + draft.text.slice(draft.cursor);
  return { text, cursor: draft.cursor + value.length };
}

export function backspace(draft: Draft): Draft {
  if (draft.cursor === 0) return draft;
  const start = previousCharacter(draft.text, draft.cursor);
  return { text: draft.text.slice(0, start) + draft.text.slice(draft.cursor), cursor: start };
}

export function deleteForward(draft: Draft): Draft {
  if (draft.cursor >= draft.text.length) return draft;
  const end = nextCharacter(draft.text, draft.cursor);
  return { text: draft.text.slice(0, draft.cursor) + draft.text.slice(end), cursor: draft.cursor };
}

export function moveLeft(draft: Draft): Draft {
  return { ...draft, cursor: previousCharacter(draft.text, draft.cursor) };
}

export function moveRight(draft: Draft): Draft {
  return { ...draft, cursor: nextCharacter(draft.text, draft.cursor) };
}

export function wordLeft(draft: Draft): Draft {
  const before = draft.text.slice(0, draft.cursor);
  const match = /\S+\s*$/.exec(before);
  return { ...draft, cursor: match ? match.index : 0 };
}

export function wordRight(draft: Draft): Draft {
  const match = /^\s*\S+/.exec(draft.text.slice(draft.cursor));
  return { ...draft, cursor: match ? draft.cursor + match[0].length : draft.text.length };
}

export function lineStart(draft: Draft): Draft {
  return { ...draft, cursor: draft.text.lastIndexOf('\n', draft.cursor - 1) + 1 };
}

export function lineEnd(draft: Draft): Draft {
  const end = draft.text.indexOf('\n', draft.cursor);
  return { ...draft, cursor: end === -1 ? draft.text.length : end };
}

/** Ctrl+U: deletes from the start of the line to the cursor. */
export function deleteToLineStart(draft: Draft): Draft {
  const start = lineStart(draft).cursor;
  return { text: draft.text.slice(0, start) + draft.text.slice(draft.cursor), cursor: start };
}

/** Ctrl+K: deletes from the cursor to the end of the line. */
export function deleteToLineEnd(draft: Draft): Draft {
  const end = lineEnd(draft).cursor;
  return { text: draft.text.slice(0, draft.cursor) + draft.text.slice(end === draft.cursor ? end + 1 : end), cursor: draft.cursor };
}

/** Ctrl+W: deletes the word before the cursor. */
export function deleteWordBack(draft: Draft): Draft {
  const start = wordLeft(draft).cursor;
  return { text: draft.text.slice(0, start) + draft.text.slice(draft.cursor), cursor: start };
}

/** The cursor one line up, at the same column as far as it goes; undefined on the first line. */
export function lineUp(draft: Draft): Draft | undefined {
  const start = lineStart(draft).cursor;
  if (start === 0) return undefined;
  const column = draft.cursor - start;
  const previousStart = draft.text.lastIndexOf('\n', start - 2) + 1;
  return { ...draft, cursor: Math.min(previousStart + column, start - 1) };
}

/** The cursor one line down; undefined on the last line. */
export function lineDown(draft: Draft): Draft | undefined {
  const end = draft.text.indexOf('\n', draft.cursor);
  if (end === -1) return undefined;
  const column = draft.cursor - lineStart(draft).cursor;
  const nextEnd = draft.text.indexOf('\n', end + 1);
  return { ...draft, cursor: Math.min(end + 1 + column, nextEnd === -1 ? draft.text.length : nextEnd) };
}

/** A `\` right before the cursor asks for a new line instead of sending. */
export function continuesLine(draft: Draft): boolean {
  return draft.cursor > 0 && draft.text[draft.cursor - 1] === '\\';
}

/** The `@path` or `/command` word the cursor is in, with where it starts. */
export function wordAtCursor(draft: Draft): { word: string; start: number } {
  const before = draft.text.slice(0, draft.cursor);
  const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n')) + 1;
  const after = /^\S*/.exec(draft.text.slice(draft.cursor))?.[0] ?? '';
  return { word: draft.text.slice(start, draft.cursor + after.length), start };
}

/** Replaces the word at the cursor (a completion), leaving the cursor after it. */
export function replaceWord(draft: Draft, start: number, length: number, value: string): Draft {
  const text = draft.text.slice(0, start) + value + draft.text.slice(start + length);
  return { text, cursor: start + value.length };
}

function previousCharacter(text: string, offset: number): number {
  if (offset <= 0) return 0;
  const code = text.charCodeAt(offset - 1);
  return code >= 0xdc00 && code <= 0xdfff && offset >= 2 ? offset - 2 : offset - 1;
}

function nextCharacter(text: string, offset: number): number {
  if (offset >= text.length) return text.length;
  const code = text.charCodeAt(offset);
  return code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? offset + 2 : offset + 1;
}
