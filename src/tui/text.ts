import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_])/g;

/**
 * Text from outside (the model, tools, files) may carry escape sequences: one `ESC[2J` in an
 * answer would wipe the user's screen. For display: escape sequences go, other control
 * characters become visible, tabs become spaces; only newlines stay.
 */
export function sanitize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g, (char) => (char.charCodeAt(0) < 0x20 ? `^${String.fromCharCode(char.charCodeAt(0) + 64)}` : ''));
}

/** Pasted text as the person meant it, for the model: no escape sequences, tabs and newlines kept. */
export function pastedText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g, '');
}

/** Terminal rows of a (possibly styled) text at a width: every row fits, long words are cut. */
export function wrapRows(text: string, width: number): string[] {
  const columns = Math.max(1, width);
  return wrapAnsi(text, columns, { hard: true, trim: false, wordWrap: true }).split('\n');
}

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** One row: cut to a width with an ellipsis. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  if (stringWidth(flat) <= width) return flat;
  let out = '';
  let used = 0;
  for (const char of flat) {
    used += stringWidth(char);
    if (used > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** 1234 → 1.2k, 1234567 → 1.2M. */
export function compactNumber(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}
