import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const MAX_FILES = 20_000;
const MAX_ATTACHMENT_BYTES = 256 * 1024;
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/.next/**', '**/coverage/**'];

/**
 * The workspace's files, for `@path` completion: listed once in the background on the first
 * `@`, then ranked by fuzzy match.
 */
export class FileIndex {
  private files: string[] | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly cwd: string) {}

  /** Starts listing; `onReady` runs when the list is there. */
  load(onReady: () => void): void {
    if (this.files || this.loading) return;
    this.loading = (async () => {
      const { glob } = await import('tinyglobby');
      const files = await glob('**/*', { cwd: this.cwd, ignore: IGNORED, onlyFiles: true, dot: false, deep: 12, followSymbolicLinks: false });
      this.files = files.slice(0, MAX_FILES).sort();
      onReady();
    })().catch(() => {
      this.files = [];
    });
  }

  get ready(): boolean {
    return this.files !== undefined;
  }

  /** The best matches for what was typed after `@`. */
  async complete(query: string, limit = 6): Promise<string[]> {
    const files = this.files ?? [];
    if (!query) return files.filter((file) => !file.includes('/')).slice(0, limit);
    const fuzzysort = (await import('fuzzysort')).default;
    return fuzzysort.go(query, files, { limit, threshold: 0.2 }).map((result) => result.target);
  }
}

export interface Attachments {
  /** The message to send: the text as typed, then each attached file. */
  message: string;
  attached: Array<{ path: string; lines: number }>;
  /** Mentions that were not attached, with why. */
  skipped: Array<{ path: string; why: string }>;
}

/**
 * Attaches the files a message mentions as `@path`. `mayRead` asks the approval policy, so a
 * mention cannot reach what a read tool could not (`~/.ssh`, `.env`, outside the workspace).
 */
export function attachMentions(text: string, cwd: string, mayRead: (path: string) => string | undefined): Attachments {
  const attached: Attachments['attached'] = [];
  const skipped: Attachments['skipped'] = [];
  const sections: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/(?:^|\s)@([^\s@]+)/g)) {
    const path = existingPath(cwd, match[1]);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const refusal = mayRead(path);
    if (refusal) {
      skipped.push({ path, why: refusal });
      continue;
    }
    const content = readAttachment(resolve(cwd, path));
    if ('why' in content) {
      skipped.push({ path, why: content.why });
      continue;
    }
    attached.push({ path, lines: content.text.split('\n').length });
    sections.push(`<file path="${path}">\n${content.text.replace(/\n$/, '')}\n</file>`);
  }
  const message = sections.length > 0 ? `${text}\n\n${sections.join('\n\n')}` : text;
  return { message, attached, skipped };
}

/** The mentioned path, without trailing punctuation that is not part of it. */
function existingPath(cwd: string, mention: string): string | undefined {
  for (const candidate of [mention, mention.replace(/[.,;:!?)\]'"]+$/, '')]) {
    try {
      if (candidate && statSync(resolve(cwd, candidate)).isFile()) return candidate;
    } catch {
      // not a file
    }
  }
  return undefined;
}

function readAttachment(path: string): { text: string } | { why: string } {
  try {
    if (statSync(path).size > MAX_ATTACHMENT_BYTES) return { why: `larger than ${MAX_ATTACHMENT_BYTES / 1024} KB; ask the agent to read it` };
    const bytes = readFileSync(path);
    if (bytes.includes(0)) return { why: 'a binary file' };
    return { text: bytes.toString('utf8') };
  } catch (error) {
    return { why: (error as Error).message };
  }
}
