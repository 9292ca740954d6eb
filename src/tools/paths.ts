import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** A path as the model wrote it, made absolute against the workspace (`~/` is the home directory). */
export function absolutePath(cwd: string, path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** Keeps the head and the tail of a long text: errors tend to be at the end, context at the start. */
export function headAndTail(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text) <= maxBytes) return { text, truncated: false };
  const half = Math.floor(maxBytes / 2);
  const buffer = Buffer.from(text);
  const head = buffer.subarray(0, half).toString('utf8').replace(/\uFFFD$/, '');
  const tail = buffer.subarray(buffer.length - half).toString('utf8').replace(/^\uFFFD/, '');
  const omitted = buffer.length - 2 * half;
  return { text: `${head}\n[... ${omitted} bytes omitted ...]\n${tail}`, truncated: true };
}

/** `.env`, `.env.local`...: files that hold secrets by convention, kept from tools unless named. */
export const ENV_FILE = /^\.env(\..*)?$/;

export function looksBinary(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, 8000);
  return sample.includes(0);
}
