import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileChange } from './diff.js';
import { sanitize } from './text.js';

/**
 * What the conversation shows, one finished piece at a time. Blocks go to Ink's `<Static>`: each
 * is written once into the terminal's scrollback and never redrawn.
 */
export type Block =
  | { kind: 'welcome'; id: number; version: string; model: string; cwd: string; session: string | null; resumed: boolean }
  | { kind: 'user'; id: number; text: string }
  /** Rendered rows of an answer (Markdown) or of a diff. */
  | { kind: 'rows'; id: number; rows: string[] }
  | { kind: 'thinking'; id: number; text: string; expanded: boolean }
  | { kind: 'tool'; id: number; name: string; target: string; ok: boolean; summary: string; denied: boolean }
  /** What a tool call will do, shown while its approval is asked. */
  | { kind: 'proposal'; id: number; title: string; rows: string[] }
  /** Command output; `clipped` shows only its first rows (Ctrl+O shows it all). */
  | { kind: 'output'; id: number; title: string; text: string; clipped: boolean }
  | { kind: 'notice'; id: number; tone: NoticeTone; text: string };

export type NoticeTone = 'info' | 'muted' | 'warning' | 'error' | 'success';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A block before it gets its id. */
export type NewBlock = WithoutId<Block>;

/** The argument that says what a tool call is about: the command, the path, the pattern. */
export function toolTarget(args: unknown): string {
  if (typeof args === 'string') return sanitize(args).split('\n')[0];
  if (typeof args !== 'object' || args === null) return '';
  const record = args as Record<string, unknown>;
  const value = record.command ?? record.path ?? record.pattern ?? record.url ?? record.query ?? Object.values(record).find((item) => typeof item === 'string');
  return typeof value === 'string' ? sanitize(value).split('\n')[0] : '';
}

const PREVIEW_LIMIT = 1024 * 1024;

/** The change an edit or write call proposes, to show as a diff; undefined for other tools. */
export function proposedChange(tool: string, args: unknown, cwd: string): FileChange | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const record = args as Record<string, unknown>;
  if (typeof record.path !== 'string') return undefined;
  if (tool === 'edit' && typeof record.old_string === 'string' && typeof record.new_string === 'string') {
    return { path: record.path, before: record.old_string, after: record.new_string };
  }
  if (tool === 'write' && typeof record.content === 'string') {
    return { path: record.path, before: currentContent(resolve(cwd, record.path)), after: record.content };
  }
  return undefined;
}

function currentContent(path: string): string {
  try {
    if (statSync(path).size > PREVIEW_LIMIT) return '';
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
