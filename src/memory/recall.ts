import type { MemoryEntry } from './types.js';

/**
 * Recall turns the best search hits for a new input into one block of text for the model's
 * context. It must cost nothing when nothing is relevant, and never more than its budget.
 */
const OPEN = '<memory>\nFrom long-term memory (saved in earlier sessions; may be out of date):\n';
const CLOSE = '</memory>';
const MAX_ENTRY_CHARS = 600;
const MIN_USEFUL_CHARS = 60;

/**
 * Minimum score a hit needs once there are enough entries for scores to mean something: about
 * one exact match, in the text, of a word found in at most half of the entries (BM25 with
 * minisearch's defaults and the text field's boost of 2: 3 × ln 2 ≈ 2.1). With fewer entries
 * every shared meaningful word counts: a store holding one fact must still recall it.
 */
export const RECALL_MIN_SCORE = 2;
export const RECALL_MIN_SCORE_ENTRIES = 10;
/** Hits scoring under this fraction of the best hit are the tail of an OR query: left out. */
export const RECALL_RELATIVE_SCORE = 0.3;
/** Long inputs (pasted logs, code) are cut to their first distinct meaningful words. */
export const RECALL_MAX_TERMS = 32;

/** The entries as one `<memory>` block of at most `maxChars` characters; undefined when none fit. */
export function recallBlock(entries: MemoryEntry[], maxChars: number): string | undefined {
  let budget = maxChars - OPEN.length - CLOSE.length;
  const lines: string[] = [];
  for (const entry of entries) {
    const label = entry.durable ? 'durable' : (entry.date ?? entry.file);
    const prefix = `- [${label}] `;
    const room = Math.min(MAX_ENTRY_CHARS, budget - prefix.length - 1);
    if (room < MIN_USEFUL_CHARS) break;
    const line = `${prefix}${truncate(collapse(entry.text), room)}`;
    lines.push(line);
    budget -= line.length + 1;
  }
  if (lines.length === 0) return undefined;
  return `${OPEN}${lines.join('\n')}\n${CLOSE}`;
}

/** About `width` characters of the text around the first of the terms it contains. */
export function snippet(text: string, terms: string[], width = 160): string {
  const flat = collapse(text);
  if (flat.length <= width) return flat;
  const lower = flat.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const found = lower.search(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term.toLowerCase())}`, 'u'));
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(width / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space >= 0 && space < at) start = space + 1;
  }
  start = Math.min(start, Math.max(0, flat.length - width));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
