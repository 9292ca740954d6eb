import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';
import { renderMarkdown } from './session-export.js';

export default async function sessionShow(id: string, options: { json?: boolean; all?: boolean }): Promise<void> {
  const store = new SessionStore(storePaths());
  const meta = await store.find(id);
  const loaded = store.read(meta.id);
  for (const note of loaded.notes) process.stderr.write(`note: ${note}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(loaded.header)}\n`);
    for (const entry of loaded.entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
    return;
  }
  process.stdout.write(renderMarkdown(meta, loaded.entries));
}
