import type { Key } from 'ink';
import * as edit from './draft.js';
import type { Draft } from './draft.js';

/** Shift+Enter, Alt+Enter, Ctrl+J (a line feed) and `\` then Enter insert a new line. */
export function isNewline(input: string, key: Key, draft: Draft): boolean {
  if (key.return && (key.shift || key.meta)) return true;
  if (input === '\n' && !key.return) return true;
  if (key.ctrl && input === 'j') return true;
  return key.return && edit.continuesLine(draft);
}

export function isSubmit(input: string, key: Key, draft: Draft): boolean {
  return key.return && !isNewline(input, key, draft);
}

/**
 * Ink's input split into single keys. Keys typed faster than the program reads them (or sent by
 * a script) reach `useInput` as one chunk of text, where a carriage return is the Enter key;
 * pastes come through bracketed paste, separately. A chunk that is one key stays as it is.
 */
export function keystrokes(input: string, key: Key): Array<[string, Key]> {
  const characters = [...input];
  if (characters.length <= 1 || key.ctrl || key.meta || key.escape) return [[input, key]];
  const plain: Key = { ...key, return: false };
  return characters.map((character) => (character === '\r' ? ['', { ...plain, return: true }] : [character, plain]));
}

/**
 * The editing keys every text field shares (typing, deleting, moving within a line, the
 * readline shortcuts). Returns undefined for keys it does not handle.
 */
export function editDraft(draft: Draft, input: string, key: Key): Draft | undefined {
  if (isNewline(input, key, draft)) {
    return key.return && edit.continuesLine(draft) ? edit.insert(edit.backspace(draft), '\n') : edit.insert(draft, '\n');
  }
  if (key.backspace) return key.meta || key.ctrl ? edit.deleteWordBack(draft) : edit.backspace(draft);
  if (key.delete) return edit.deleteForward(draft);
  if (key.leftArrow) return key.ctrl || key.meta ? edit.wordLeft(draft) : edit.moveLeft(draft);
  if (key.rightArrow) return key.ctrl || key.meta ? edit.wordRight(draft) : edit.moveRight(draft);
  if (key.home) return edit.lineStart(draft);
  if (key.end) return edit.lineEnd(draft);
  if (key.ctrl) {
    switch (input) {
      case 'a':
        return edit.lineStart(draft);
      case 'e':
        return edit.lineEnd(draft);
      case 'b':
        return edit.moveLeft(draft);
      case 'f':
        return edit.moveRight(draft);
      case 'u':
        return edit.deleteToLineStart(draft);
      case 'k':
        return edit.deleteToLineEnd(draft);
      case 'w':
        return edit.deleteWordBack(draft);
      case 'h':
        return edit.backspace(draft);
      default:
        return undefined;
    }
  }
  if (key.meta && input === 'b') return edit.wordLeft(draft);
  if (key.meta && input === 'f') return edit.wordRight(draft);
  if (key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.meta) return undefined;
  if (!input) return undefined;
  return edit.insert(draft, input.replace(/\r\n?/g, '\n'));
}
