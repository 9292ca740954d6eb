import { structuredPatch } from 'diff';
import { sanitize, wrapRows } from './text.js';
import type { Theme } from './theme.js';

/** The change a file tool makes (or proposes): the text before and after. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}

/**
 * A change as coloured diff rows: removed lines red with `-`, added lines green with `+`, three
 * lines of context, hunks separated by a dim `⋯`. At most `maxRows` rows; the rest is counted.
 */
export function diffRows(change: FileChange, width: number, theme: Theme, maxRows = 200): string[] {
  const patch = structuredPatch(change.path, change.path, sanitize(change.before), sanitize(change.after), undefined, undefined, { context: 3 });
  const rows: string[] = [];
  let added = 0;
  let removed = 0;
  patch.hunks.forEach((hunk, index) => {
    if (index > 0) rows.push(theme.style.dim('  ⋯'));
    for (const line of hunk.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === '\\') continue;
      const paint = mark === '+' ? theme.color.green : mark === '-' ? theme.color.red : theme.style.dim;
      if (mark === '+') added++;
      if (mark === '-') removed++;
      for (const row of wrapRows(`${mark === ' ' ? ' ' : mark} ${text}`, width)) rows.push(paint(row));
    }
  });
  if (rows.length === 0) return [theme.style.dim('  (no changes)')];
  const summary = theme.style.dim(`  ${added} line${added === 1 ? '' : 's'} added, ${removed} removed`);
  if (rows.length > maxRows) return [...rows.slice(0, maxRows), theme.style.dim(`  … ${rows.length - maxRows} more rows`), summary];
  return [...rows, summary];
}
