/**
 * Long-term memory as the rest of openclaw sees it. The Markdown files under
 * `$OPENCLAW_HOME/memory/` are the truth; everything here is read from them.
 */
export interface MemoryEntry {
  /** 12 hex digits derived from the entry's text (see markdown.ts); stable across reindexing. */
  id: string;
  /** The entry as written in the file, without its list marker. */
  text: string;
  /** Path relative to the memory directory, '/'-separated: `MEMORY.md`, `notes/2026-11-22.md`. */
  file: string;
  /** 1-based line of the entry in `file`. */
  line: number;
  /** YYYY-MM-DD for entries in a dated file (`notes/2026-11-22.md`); absent for MEMORY.md and undated files. */
  date?: string;
  /** In MEMORY.md: a fact meant to last, rather than a dated note. */
  durable: boolean;
  /** The nearest heading above the entry. */
  section?: string;
}

export interface MemoryHit extends MemoryEntry {
  /** BM25 relevance: higher is better; comparable only within one query. */
  score: number;
  /** Up to ~160 characters of the text around the first matching word, whitespace collapsed. */
  snippet: string;
}

export interface AddedEntry extends MemoryEntry {
  /** False when the same text was already remembered: nothing was written. */
  created: boolean;
}

export interface SyncReport {
  /** Markdown files under the memory directory. */
  files: number;
  entries: number;
  /** Files read again because their size, mtime or ctime changed. */
  reread: number;
  /** Files whose entries changed (content hash differs), were added, or were removed. */
  changed: number;
}

export interface ReindexReport {
  files: number;
  entries: number;
  durable: number;
  ms: number;
}
