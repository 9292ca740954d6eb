import { displayWidth } from '../text.js';
import type { Theme } from '../theme.js';
import type { Draft } from './draft.js';

interface Row {
  start: number;
  end: number;
}

/**
 * The draft as terminal rows: hard-wrapped at the width after a two-column prompt, the cursor
 * drawn in inverse video, and, when the draft is taller than `maxRows`, only the rows around the
 * cursor.
 */
export function draftRows(draft: Draft, width: number, maxRows: number, theme: Theme, prompt = '› '): string[] {
  // One column stays free for the cursor at the end of a full row.
  const inner = Math.max(4, width - displayWidth(prompt) - 1);
  const rows = wrapOffsets(draft.text, inner);
  let cursorRow = rows.findIndex((row, index) => draft.cursor >= row.start && (draft.cursor < row.end || (draft.cursor === row.end && (index === rows.length - 1 || rows[index + 1].start > row.end))));
  if (cursorRow === -1) cursorRow = rows.length - 1;
  const first = Math.min(Math.max(0, cursorRow - maxRows + 1), Math.max(0, rows.length - maxRows));
  const visible = rows.slice(first, first + maxRows);
  return visible.map((row, index) => {
    const absolute = first + index;
    const lead = absolute === 0 ? prompt : ' '.repeat(displayWidth(prompt));
    const text = draft.text.slice(row.start, row.end);
    if (absolute !== cursorRow) return lead + text;
    const at = draft.cursor - row.start;
    const characters = [...text.slice(at)];
    const under = characters[0] ?? ' ';
    return lead + text.slice(0, at) + theme.style.inverse(under) + characters.slice(1).join('');
  });
}

function wrapOffsets(text: string, width: number): Row[] {
  const rows: Row[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    let start = offset;
    let used = 0;
    let position = offset;
    for (const character of line) {
      const columns = displayWidth(character);
      if (used + columns > width) {
        rows.push({ start, end: position });
        start = position;
        used = 0;
      }
      used += columns;
      position += character.length;
    }
    rows.push({ start, end: offset + line.length });
    offset += line.length + 1;
  }
  return rows;
}
