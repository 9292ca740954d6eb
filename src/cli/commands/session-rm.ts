import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';

export default async function sessionRm(id: string): Promise<void> {
  const meta = await new SessionStore(storePaths()).remove(id);
  process.stdout.write(`removed session ${meta.id}\n`);
}
