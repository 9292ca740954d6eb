import { join, resolve } from 'node:path';
import { scaffoldSkill } from '../../skills/scaffold.js';
import { displayPath } from './skill-view.js';

/** `skill new <name>`: a valid skill to edit, by default in this project's .openclaw/skills. */
export default async function skillNew(name: string, options: { dir?: string }): Promise<void> {
  const parent = options.dir ? resolve(options.dir) : join(process.cwd(), '.openclaw', 'skills');
  const dir = scaffoldSkill(name, parent);
  process.stdout.write(
    `created ${displayPath(join(dir, 'SKILL.md'))}\nWrite its description (what it does and when to use it) and its steps; \`openclaw skill info ${name}\` shows how it loads.\n`,
  );
}
