import { renameSync, writeFileSync } from 'node:fs';
import { randomHex } from './ids.js';

/**
 * Writes a JSON document whole, mode 0600: to a temp file beside it, then renamed over it, so a
 * reader (another process included) sees the old document or the new one, never half of one.
 */
export function writeJsonFile(path: string, data: unknown): void {
  const temporary = `${path}.${randomHex(4)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
