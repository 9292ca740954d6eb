import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const KEEP = 1000;
/** The file is trimmed to KEEP entries when it grows past this many bytes. */
const TRIM_BYTES = 2 * 1024 * 1024;

/**
 * Prompts the user sent, across sessions and directories: `$OPENCLAW_HOME/history.jsonl`, one
 * `{ts, cwd, text}` per line, newest last. Up/Down walk it; Ctrl+R searches it.
 */
export class PromptHistory {
  private constructor(
    private readonly path: string | undefined,
    readonly entries: string[],
  ) {}

  static load(home: string): PromptHistory {
    const path = join(home, 'history.jsonl');
    return new PromptHistory(path, readEntries(path));
  }

  /** A history that is not saved (tests, `--no-session`). */
  static inMemory(entries: string[] = []): PromptHistory {
    return new PromptHistory(undefined, [...entries]);
  }

  add(text: string, cwd: string): void {
    if (!text.trim() || this.entries[this.entries.length - 1] === text) return;
    this.entries.push(text);
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, `${JSON.stringify({ ts: new Date().toISOString(), cwd, text })}\n`, { mode: 0o600 });
      if (statSync(this.path).size > TRIM_BYTES) this.rewrite();
    } catch {
      // History is a convenience: a read-only home must not break the session.
    }
  }

  /** The newest entry before `before` (an index) that contains `query`, for Ctrl+R. */
  search(query: string, before = this.entries.length): { index: number; text: string } | undefined {
    const lower = query.toLowerCase();
    for (let index = Math.min(before, this.entries.length) - 1; index >= 0; index--) {
      if (this.entries[index].toLowerCase().includes(lower)) return { index, text: this.entries[index] };
    }
    return undefined;
  }

  private rewrite(): void {
    const lines = this.entries.map((text) => JSON.stringify({ ts: new Date().toISOString(), text }));
    writeFileSync(this.path!, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
}

function readEntries(path: string): string[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const entries: string[] = [];
  for (const line of content.split('\n').slice(-KEEP - 1)) {
    try {
      const entry = JSON.parse(line) as { text?: unknown };
      if (typeof entry.text === 'string' && entry.text !== entries[entries.length - 1]) entries.push(entry.text);
    } catch {
      // a torn or foreign line
    }
  }
  return entries;
}
