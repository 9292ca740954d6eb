import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type MiniSearch from 'minisearch';
import type { AsPlainObject, Options, SearchResult } from 'minisearch';
import { errorMessage } from '../errors.js';
import { parseEntries, type ParsedEntry } from './markdown.js';
import { processTerm, tokenize } from './terms.js';
import type { MemoryEntry, SyncReport } from './types.js';

/**
 * The search index over the memory files: a cache, never the truth. It records, per Markdown
 * file, the stat (size, mtime, ctime) and content hash it was built from, plus that file's
 * entries; `sync` re-reads only files whose stat changed and re-indexes only those whose hash
 * changed. Saved as one JSON document (`memory/.index.json`, temp file + rename); an index that
 * cannot be read is rebuilt from the files.
 *
 * Saving costs time in proportion to the whole index, catching up in proportion to what changed,
 * so a save waits until the entries re-indexed since the last one reach 1/20 of the index: a
 * stale saved index only means the next process re-reads those few files.
 *
 * The same text in two files is one memory (one id): the first location wins, MEMORY.md before
 * the notes, and removing the memory removes every copy.
 */
export const DURABLE_FILE = 'MEMORY.md';
const FORMAT = 'openclaw-memory-index';
const VERSION = 1;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 8;
const DURABLE_BOOST = 1.25;
const SAVE_FRACTION = 20;
const DATED = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)/;

interface FileRecord {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  sha256: string;
  entries: ParsedEntry[];
}

interface IndexDocument {
  format: typeof FORMAT;
  version: number;
  files: Record<string, FileRecord>;
  search: AsPlainObject;
}

interface SearchDocument {
  id: string;
  text: string;
  section: string;
}

export interface QueryOptions {
  /** Match query words of 4+ letters as prefixes ("deploy" finds "deployment"). Default true. */
  prefix?: boolean;
  /** Allow typos in query words of 6+ letters. Default true. */
  fuzzy?: boolean;
}

let miniSearch: typeof MiniSearch | undefined;

/** minisearch is loaded on first use: a store without a memory directory never pays for it. */
async function loadMiniSearch(): Promise<typeof MiniSearch> {
  miniSearch ??= (await import('minisearch')).default;
  return miniSearch;
}

const SEARCH_OPTIONS: Options<SearchDocument> = {
  fields: ['text', 'section'],
  storeFields: [],
  tokenize,
  processTerm,
  searchOptions: { boost: { text: 2, section: 1 }, combineWith: 'OR' },
};

export class MemoryIndex {
  private readonly files = new Map<string, FileRecord>();
  private byId = new Map<string, MemoryEntry>();
  /** Entries (re)indexed since the saved index was written: what a fresh process would redo. */
  private unsaved = 0;

  private constructor(
    private readonly dir: string,
    private readonly path: string,
    private readonly search: MiniSearch<SearchDocument>,
    private readonly warn: (message: string) => void,
  ) {}

  /** Reads the saved index; a missing one starts empty, a damaged one starts empty with a warning. */
  static async load(dir: string, path: string, warn: (message: string) => void): Promise<MemoryIndex> {
    const MiniSearchClass = await loadMiniSearch();
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch {
      return MemoryIndex.empty(MiniSearchClass, dir, path, warn);
    }
    try {
      const document = JSON.parse(raw) as IndexDocument;
      if (document?.format !== FORMAT || document.version !== VERSION) {
        if (document?.format === FORMAT) return MemoryIndex.empty(MiniSearchClass, dir, path, warn);
        throw new Error('not an openclaw memory index');
      }
      const index = new MemoryIndex(dir, path, MiniSearchClass.loadJS(document.search, SEARCH_OPTIONS), warn);
      for (const [file, record] of Object.entries(document.files ?? {})) index.files.set(file, checkRecord(record));
      index.rebuildEntryMap();
      const consistent = index.search.documentCount === index.byId.size && [...index.byId.keys()].every((id) => index.search.has(id));
      if (!consistent) throw new Error('its entries and its search data disagree');
      return index;
    } catch (error) {
      warn(`the memory index ${path} is damaged (${errorMessage(error)}); rebuilding it from the Markdown files`);
      return MemoryIndex.empty(MiniSearchClass, dir, path, warn);
    }
  }

  static async create(dir: string, path: string, warn: (message: string) => void): Promise<MemoryIndex> {
    return MemoryIndex.empty(await loadMiniSearch(), dir, path, warn);
  }

  private static empty(MiniSearchClass: typeof MiniSearch, dir: string, path: string, warn: (message: string) => void): MemoryIndex {
    return new MemoryIndex(dir, path, new MiniSearchClass<SearchDocument>(SEARCH_OPTIONS), warn);
  }

  get size(): number {
    return this.byId.size;
  }

  get fileCount(): number {
    return this.files.size;
  }

  entries(): MemoryEntry[] {
    return [...this.byId.values()];
  }

  get(id: string): MemoryEntry | undefined {
    return this.byId.get(id);
  }

  /** Every file that holds a copy of the entry. */
  filesContaining(id: string): string[] {
    return [...this.files].filter(([, record]) => record.entries.some((entry) => entry.id === id)).map(([file]) => file);
  }

  /** Brings the index up to date with the files on disk. */
  sync(): SyncReport {
    const scanned = scanMarkdown(this.dir);
    const changes = new Map<string, FileRecord | undefined>();
    let reread = 0;
    for (const file of scanned) {
      const previous = this.files.get(file.path);
      if (previous && previous.size === file.size && previous.mtimeMs === file.mtimeMs && previous.ctimeMs === file.ctimeMs) continue;
      reread++;
      const record = this.readFile(file);
      if (previous && previous.sha256 === record.sha256) {
        this.files.set(file.path, { ...previous, size: record.size, mtimeMs: record.mtimeMs, ctimeMs: record.ctimeMs });
        this.unsaved += 1;
      } else {
        changes.set(file.path, record);
      }
    }
    const present = new Set(scanned.map((file) => file.path));
    for (const file of this.files.keys()) if (!present.has(file)) changes.set(file, undefined);
    if (changes.size > 0) this.apply(changes);
    return { files: this.files.size, entries: this.byId.size, reread, changed: changes.size };
  }

  /** Ranked matches; an empty array when nothing matches. */
  query(text: string, options: QueryOptions = {}): SearchResult[] {
    if (this.byId.size === 0) return [];
    return this.search.search(text, {
      prefix: options.prefix === false ? false : (term) => term.length >= 4,
      fuzzy: options.fuzzy === false ? false : (term) => (term.length >= 6 ? 0.2 : false),
      boostDocument: (id) => (this.byId.get(id)?.durable ? DURABLE_BOOST : 1),
    });
  }

  /**
   * Writes the index (temp file + rename) when enough changed since the last save, or whenever
   * something changed with `force`.
   */
  save(options: { force?: boolean } = {}): void {
    if (this.unsaved === 0) return;
    if (!options.force && this.unsaved * SAVE_FRACTION < this.byId.size) return;
    const document: IndexDocument = {
      format: FORMAT,
      version: VERSION,
      files: Object.fromEntries(this.files),
      search: this.search.toJSON(),
    };
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(document), { mode: 0o600 });
      renameSync(temporary, this.path);
      this.unsaved = 0;
    } catch (error) {
      rmSync(temporary, { force: true });
      this.warn(`could not save the memory index ${this.path}: ${errorMessage(error)} (searches still read the Markdown files)`);
    }
  }

  private readFile(file: ScannedFile): FileRecord {
    const stat = { size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs };
    if (file.size > MAX_FILE_BYTES) {
      this.warn(`memory file ${file.absolute} is ${file.size} bytes, over the ${MAX_FILE_BYTES}-byte limit; it is not indexed`);
      return { ...stat, sha256: `size:${file.size}`, entries: [] };
    }
    let content: Buffer;
    try {
      content = readFileSync(file.absolute);
    } catch (error) {
      this.warn(`cannot read memory file ${file.absolute}: ${errorMessage(error)}`);
      return { ...stat, sha256: 'unreadable', entries: [] };
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    return { ...stat, sha256, entries: parseEntries(content.toString('utf8')) };
  }

  /**
   * Applies changed files: the entry map is rebuilt (cheap), and only the search documents whose
   * id appeared, disappeared or whose first location changed are touched.
   */
  private apply(changes: Map<string, FileRecord | undefined>): void {
    const affected = new Set<string>();
    for (const [file, record] of changes) {
      const previous = this.files.get(file)?.entries ?? [];
      for (const entry of previous) affected.add(entry.id);
      for (const entry of record?.entries ?? []) affected.add(entry.id);
      this.unsaved += Math.max(1, previous.length, record?.entries.length ?? 0);
      if (record) this.files.set(file, record);
      else this.files.delete(file);
    }
    const before = new Map([...affected].map((id) => [id, this.byId.get(id)]));
    this.rebuildEntryMap();
    for (const id of affected) {
      const previous = before.get(id);
      const current = this.byId.get(id);
      if (!current) {
        if (this.search.has(id)) this.search.discard(id);
      } else if (!this.search.has(id)) {
        this.search.add(searchDocument(current));
      } else if (!previous || previous.text !== current.text || previous.section !== current.section) {
        this.search.replace(searchDocument(current));
      }
    }
  }

  private rebuildEntryMap(): void {
    const byId = new Map<string, MemoryEntry>();
    for (const file of [...this.files.keys()].sort(fileOrder)) {
      const durable = file === DURABLE_FILE;
      const date = DATED.exec(file.slice(file.lastIndexOf('/') + 1))?.[0];
      for (const entry of this.files.get(file)!.entries) {
        if (byId.has(entry.id)) continue;
        byId.set(entry.id, {
          id: entry.id,
          text: entry.text,
          file,
          line: entry.line,
          ...(date ? { date } : {}),
          durable,
          ...(entry.section ? { section: entry.section } : {}),
        });
      }
    }
    this.byId = byId;
  }
}

/** MEMORY.md first, then every other file by path (dated notes oldest first). */
export function fileOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === DURABLE_FILE) return -1;
  if (b === DURABLE_FILE) return 1;
  return a < b ? -1 : 1;
}

function searchDocument(entry: MemoryEntry): SearchDocument {
  return { id: entry.id, text: entry.text, section: entry.section ?? '' };
}

function checkRecord(record: FileRecord): FileRecord {
  const numbers = [record?.size, record?.mtimeMs, record?.ctimeMs];
  if (numbers.some((value) => typeof value !== 'number') || typeof record.sha256 !== 'string' || !Array.isArray(record.entries)) {
    throw new Error('a file record is malformed');
  }
  for (const entry of record.entries) {
    if (typeof entry?.id !== 'string' || typeof entry.text !== 'string' || typeof entry.line !== 'number' || typeof entry.lines !== 'number') {
      throw new Error('an entry record is malformed');
    }
  }
  return record;
}

interface ScannedFile {
  /** Relative to the memory directory, '/'-separated. */
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** Every `*.md` file under the memory directory; dot-files and dot-folders (the index, .git) are skipped. */
function scanMarkdown(dir: string): ScannedFile[] {
  const found: ScannedFile[] = [];
  const visit = (folder: string, prefix: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const absolute = join(folder, name);
      let stat;
      try {
        stat = statSync(absolute);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < MAX_DEPTH) visit(absolute, `${prefix}${name}/`, depth + 1);
      } else if (stat.isFile() && /\.(md|markdown)$/i.test(name)) {
        found.push({ path: `${prefix}${name}`, absolute, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });
      }
    }
  };
  visit(dir, '', 0);
  return found;
}
