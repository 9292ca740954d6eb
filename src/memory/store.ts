import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OpenclawError, errorMessage, usageError } from '../errors.js';
import { withFileLock } from '../store/lock.js';
import { ensureDir, openclawHome } from '../store/paths.js';
import { entryId, formatListItem, parseEntries } from './markdown.js';
import {
  RECALL_MAX_TERMS,
  RECALL_MIN_SCORE,
  RECALL_MIN_SCORE_ENTRIES,
  RECALL_RELATIVE_SCORE,
  recallBlock,
  snippet,
} from './recall.js';
import { DURABLE_FILE, MemoryIndex } from './search-index.js';
import { meaningfulTerms } from './terms.js';
import type { AddedEntry, MemoryEntry, MemoryHit, ReindexReport, SyncReport } from './types.js';

/** Longer text is a document, not a memory: recall could not show it whole. */
export const MAX_ENTRY_CHARS = 2000;
const MIN_ID_PREFIX = 4;
const INDEX_FILE = '.index.json';

export interface MemoryStoreOptions {
  /** The store root; the memory lives in `<home>/memory`. Default `$OPENCLAW_HOME` (`~/.openclaw`). */
  home?: string;
  /** Where a damaged index or an unreadable file is reported. Default: a line on stderr. */
  warn?: (message: string) => void;
  /** The clock that names today's notes file (local date). */
  now?: () => Date;
}

/** `$OPENCLAW_HOME/memory`. */
export function memoryDir(home: string = openclawHome()): string {
  return join(home, 'memory');
}

/**
 * Long-term memory: Markdown files a person can read and edit, and a search index over them.
 *
 * - `MEMORY.md` holds durable facts; `notes/YYYY-MM-DD.md` the day's notes. Any other `*.md`
 *   file under the directory is memory too.
 * - Every call first brings the index up to date with the files (a stat per file; only changed
 *   files are read), so hand edits and other processes' writes are always seen.
 * - Writes change one Markdown file by temp file + rename, inside a cross-process lock held for
 *   the read-modify-write only. The CLI and a gateway can share the store.
 */
export class MemoryStore {
  readonly dir: string;
  readonly indexPath: string;
  private readonly warn: (message: string) => void;
  private readonly now: () => Date;
  private index?: Promise<MemoryIndex>;

  constructor(options: MemoryStoreOptions = {}) {
    this.dir = memoryDir(options.home);
    this.indexPath = join(this.dir, INDEX_FILE);
    this.warn = options.warn ?? ((message) => process.stderr.write(`warning: ${message}\n`));
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Remembers a text: in MEMORY.md when durable, else in today's notes file. Text that is
   * already remembered is not written twice (unless a note is now made durable).
   */
  async add(text: string, options: { durable?: boolean } = {}): Promise<AddedEntry> {
    const durable = options.durable ?? false;
    const item = checkedListItem(text);
    const id = entryId(text);
    ensureDir(this.dir);
    return withFileLock(this.dir, async () => {
      const index = await this.loaded();
      index.sync();
      const existing = index.get(id);
      if (existing && (existing.durable || !durable)) {
        index.save();
        return { ...existing, created: false };
      }
      const file = durable ? DURABLE_FILE : `notes/${localDate(this.now())}.md`;
      const path = join(this.dir, file);
      const before = readIfExists(path) ?? newFileHeader(file);
      const separated = before === '' || before.endsWith('\n') ? before : `${before}\n`;
      const line = separated.split('\n').length;
      this.write(path, `${separated}${item}\n`);
      index.sync();
      index.save();
      const entry = index.get(id) ?? { id, text: text.trim(), file, line, durable, ...(durable ? {} : { date: localDate(this.now()) }) };
      return { ...entry, created: true };
    });
  }

  /** Ranked entries matching any meaningful word of the query (prefixes and small typos allowed). */
  async search(query: string, options: { limit?: number } = {}): Promise<MemoryHit[]> {
    const terms = meaningfulTerms(query);
    if (terms.length === 0) return [];
    const index = await this.current();
    if (!index) return [];
    const limit = Math.max(0, options.limit ?? 10);
    return index
      .query(terms.join(' '))
      .slice(0, limit)
      .flatMap((result) => {
        const entry = index.get(result.id);
        return entry ? [{ ...entry, score: result.score, snippet: snippet(entry.text, result.terms) }] : [];
      });
  }

  /**
   * The memories relevant to a new input, as one `<memory>` block for the model's context, at
   * most `maxTokens` (estimated as characters / 4); undefined when nothing is relevant. Chat
   * filler ("hi", "thanks") has no meaningful words and recalls nothing.
   */
  async recall(input: string, options: { maxTokens?: number } = {}): Promise<string | undefined> {
    const terms = meaningfulTerms(input).slice(0, RECALL_MAX_TERMS);
    if (terms.length === 0) return undefined;
    const index = await this.current();
    if (!index || index.size === 0) return undefined;
    const results = index.query(terms.join(' '), { fuzzy: terms.length <= 8 });
    if (results.length === 0) return undefined;
    const floor = Math.max(
      results[0].score * RECALL_RELATIVE_SCORE,
      index.size >= RECALL_MIN_SCORE_ENTRIES ? RECALL_MIN_SCORE : 0,
    );
    const relevant = results.filter((result) => result.score >= floor).flatMap((result) => index.get(result.id) ?? []);
    return recallBlock(relevant, (options.maxTokens ?? 1500) * 4);
  }

  /** Every entry: MEMORY.md first, then the other files by path (notes oldest first), in file order. */
  async list(): Promise<MemoryEntry[]> {
    return (await this.current())?.entries() ?? [];
  }

  /** An entry by id or unique id prefix (at least 4 characters); a usage error (exit 2) otherwise. */
  async get(idOrPrefix: string): Promise<MemoryEntry> {
    const index = await this.current();
    return resolveEntry(index, idOrPrefix);
  }

  /** Forgets an entry: every copy of its text is removed from the Markdown files. */
  async remove(idOrPrefix: string): Promise<MemoryEntry> {
    if (!existsSync(this.dir)) return resolveEntry(undefined, idOrPrefix);
    return withFileLock(this.dir, async () => {
      const index = await this.loaded();
      index.sync();
      const entry = resolveEntry(index, idOrPrefix);
      for (const file of index.filesContaining(entry.id)) {
        const path = join(this.dir, file);
        const source = readIfExists(path);
        if (source !== undefined) this.write(path, withoutEntry(source, entry.id));
      }
      index.sync();
      index.save();
      return entry;
    });
  }

  /** Throws the index away and rebuilds it from the Markdown files. */
  async reindex(): Promise<ReindexReport> {
    const started = performance.now();
    if (!existsSync(this.dir)) return { files: 0, entries: 0, durable: 0, ms: 0 };
    const index = await MemoryIndex.create(this.dir, this.indexPath, this.warn);
    index.sync();
    index.save({ force: true });
    this.index = Promise.resolve(index);
    const entries = index.entries();
    return {
      files: index.fileCount,
      entries: entries.length,
      durable: entries.filter((entry) => entry.durable).length,
      ms: performance.now() - started,
    };
  }

  /** Brings the index up to date with the files now (every other call does this first anyway). */
  async sync(): Promise<SyncReport> {
    if (!existsSync(this.dir)) return { files: 0, entries: 0, reread: 0, changed: 0 };
    const index = await this.loaded();
    const report = index.sync();
    index.save();
    return report;
  }

  /** The absolute path of an entry's file. */
  pathOf(entry: MemoryEntry): string {
    return join(this.dir, entry.file);
  }

  /** The up-to-date index, or undefined when there is no memory directory (nothing loaded). */
  private async current(): Promise<MemoryIndex | undefined> {
    if (!existsSync(this.dir)) return undefined;
    return this.synced();
  }

  private async synced(): Promise<MemoryIndex> {
    const index = await this.loaded();
    index.sync();
    index.save();
    return index;
  }

  private loaded(): Promise<MemoryIndex> {
    this.index ??= MemoryIndex.load(this.dir, this.indexPath, this.warn);
    return this.index;
  }

  private write(path: string, content: string): void {
    const temporary = join(dirname(path), `.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, content, { mode: 0o600 });
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new OpenclawError('memory_write_failed', `cannot write ${path}: ${errorMessage(error)}`, {
        hint: `Check that ${this.dir} is writable.`,
        cause: error,
      });
    }
  }
}

function checkedListItem(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw usageError('nothing to remember: the text is empty');
  if (trimmed.length > MAX_ENTRY_CHARS) {
    throw usageError(`a memory entry is at most ${MAX_ENTRY_CHARS} characters (this one has ${trimmed.length})`, 'Keep one fact per entry: split it, or summarise it.');
  }
  const item = formatListItem(trimmed);
  const parsed = parseEntries(item);
  if (parsed.length !== 1 || parsed[0].id !== entryId(trimmed)) {
    throw usageError('this text cannot be stored as one Markdown list item', 'Rephrase it; a line made only of dashes or asterisks is read as a separator.');
  }
  return item;
}

function resolveEntry(index: MemoryIndex | undefined, idOrPrefix: string): MemoryEntry {
  const wanted = idOrPrefix.trim().toLowerCase();
  const exact = index?.get(wanted);
  if (exact) return exact;
  const matches = wanted.length >= MIN_ID_PREFIX ? (index?.entries() ?? []).filter((entry) => entry.id.startsWith(wanted)) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw usageError(`memory id prefix "${idOrPrefix}" matches ${matches.length} entries: ${matches.map((entry) => entry.id).join(', ')}`, 'Give more characters of the id.');
  }
  throw usageError(
    `no memory entry with id "${idOrPrefix}"`,
    'See the ids with `openclaw memory list` or `openclaw memory search <words>`.' +
      (wanted.length < MIN_ID_PREFIX && wanted.length > 0 ? ` An id prefix needs at least ${MIN_ID_PREFIX} characters.` : ''),
  );
}

/** The file without the entry's lines, and without the blank line it would leave doubled. */
function withoutEntry(source: string, id: string): string {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source.split(/\r\n|\r|\n/);
  const doomed = parseEntries(source).filter((entry) => entry.id === id);
  for (const entry of doomed.reverse()) {
    const start = entry.line - 1;
    const end = start + entry.lines;
    const blankBefore = start === 0 || lines[start - 1].trim() === '';
    const blankAfter = end < lines.length && lines[end].trim() === '' && end < lines.length - 1;
    lines.splice(start, entry.lines + (blankBefore && blankAfter ? 1 : 0));
  }
  return lines.join(eol);
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OpenclawError('memory_read_failed', `cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

function newFileHeader(file: string): string {
  if (file === DURABLE_FILE) {
    return '# Memory\n\n<!-- Durable facts openclaw keeps across sessions, one per list item. Edit freely: the index follows the file. -->\n\n';
  }
  return `# ${file.slice(file.lastIndexOf('/') + 1, -'.md'.length)}\n\n`;
}

function localDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
