import { removeSkill } from '../../skills/installed.js';
import { displayPath } from './skill-view.js';

export default async function skillRemove(name: string): Promise<void> {
  const dir = await removeSkill(name);
  process.stdout.write(`removed ${name} (${displayPath(dir)})\n`);
}
