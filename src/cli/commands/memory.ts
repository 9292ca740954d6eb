import { usageError } from '../../errors.js';
import { MemoryStore } from '../../memory/store.js';
import type { MemoryEntry } from '../../memory/types.js';
import { printJson, table, warn } from '../output.js';

const TEXT_COLUMN = 72;

function openStore(): MemoryStore {
  return new MemoryStore({ warn });
}

export async function add(words: string[], options: { durable?: boolean; json?: boolean }): Promise<void> {
  const entry = await openStore().add(words.join(' '), { durable: options.durable });
  if (options.json) {
    printJson(entry);
    return;
  }
  const where = `${entry.file}:${entry.line}`;
  process.stdout.write(entry.created ? `remembered ${entry.id} in ${where}\n` : `already remembered as ${entry.id} (${where})\n`);
}

export async function search(words: string[], options: { json?: boolean; limit?: string }): Promise<void> {
  const query = words.join(' ').trim();
  if (query === '') throw usageError('the search query is empty', 'Example: openclaw memory search deploy script');
  const limit = options.limit === undefined ? 10 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit must be a positive whole number, not "${options.limit}"`);
  const hits = await openStore().search(query, { limit });
  if (options.json) {
    printJson(hits);
    return;
  }
  if (hits.length === 0) {
    process.stdout.write(`No memories match "${query}".\n`);
    return;
  }
  const rows = hits.map((hit) => [hit.id, hit.score.toFixed(2), where(hit), hit.snippet]);
  process.stdout.write(`${table(rows, ['ID', 'SCORE', 'WHERE', 'TEXT'])}\n`);
}

export async function list(options: { json?: boolean }): Promise<void> {
  const store = openStore();
  const entries = await store.list();
  if (options.json) {
    printJson(entries);
    return;
  }
  if (entries.length === 0) {
    process.stdout.write(`No memories yet. Add one with \`openclaw memory add <text>\`, or write Markdown in ${store.dir}.\n`);
    return;
  }
  const rows = entries.map((entry) => [entry.id, entry.durable ? 'durable' : (entry.date ?? '-'), where(entry), oneLine(entry.text)]);
  process.stdout.write(`${table(rows, ['ID', 'DATE', 'WHERE', 'TEXT'])}\n`);
}

export async function rm(id: string): Promise<void> {
  const entry = await openStore().remove(id);
  process.stdout.write(`forgot ${entry.id}: ${oneLine(entry.text)}\n`);
}

export async function reindex(): Promise<void> {
  const store = openStore();
  const report = await store.reindex();
  const files = `${report.files} file${report.files === 1 ? '' : 's'}`;
  process.stdout.write(`indexed ${report.entries} entries (${report.durable} durable) from ${files} in ${store.dir} in ${Math.round(report.ms)} ms\n`);
}

function where(entry: MemoryEntry): string {
  return `${entry.file}:${entry.line}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= TEXT_COLUMN ? flat : `${flat.slice(0, TEXT_COLUMN - 1)}…`;
}
