import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';
import { printJson } from '../output.js';

export default async function sessionImport(file: string, options: { json?: boolean }): Promise<void> {
  const meta = await new SessionStore(storePaths()).importTranscript(file);
  if (options.json) printJson(meta);
  else process.stdout.write(`imported session ${meta.id} (${meta.messages} messages)\n`);
}
