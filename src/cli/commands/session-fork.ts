import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';
import { printJson } from '../output.js';

export default async function sessionFork(id: string, options: { json?: boolean }): Promise<void> {
  const meta = await new SessionStore(storePaths()).fork(id);
  if (options.json) printJson(meta);
  else process.stdout.write(`forked into session ${meta.id}; continue it with \`openclaw chat -r ${meta.id}\`\n`);
}
