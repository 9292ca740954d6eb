import { dirname, join } from 'node:path';
import { installSkill } from '../../skills/install/install.js';
import { skillContents } from '../../skills/contents.js';
import { loadSkill } from '../../skills/discovery.js';
import { printJson, warn } from '../output.js';
import { displayPath } from './skill-view.js';

interface Options {
  name?: string;
  path?: string;
  ref?: string;
  force?: boolean;
  json?: boolean;
}

/** `skill install <source>`: fetch, check, copy and record one skill; a spinner on a terminal while it works. */
export default async function skillInstall(source: string, options: Options): Promise<void> {
  const spinner = process.stderr.isTTY && !options.json ? (await import('ora')).default({ stream: process.stderr }) : undefined;
  let result: Awaited<ReturnType<typeof installSkill>>;
  try {
    result = await installSkill(source, {
      name: options.name,
      path: options.path,
      ref: options.ref,
      force: options.force,
      onStep: (text) => spinner?.start(text),
    });
  } finally {
    spinner?.stop();
  }
  const { scripts } = skillContents(result.dir);
  const loaded = loadSkill(result.dir, 'user');
  const availability = 'skill' in loaded ? loaded.skill.availability : undefined;
  if (options.json) {
    printJson({ name: result.name, location: result.dir, replaced: result.replaced, warnings: result.warnings, scripts, available: availability?.available, missing: availability?.missing, ...result.entry });
    return;
  }
  for (const warning of result.warnings) warn(`${result.name}: ${warning}`);
  const count = Object.keys(result.entry.files).length;
  const lines = [
    `${result.replaced ? 'replaced' : 'installed'} ${result.name} from ${result.entry.source}${result.entry.commit ? ` (${result.entry.commit.slice(0, 12)})` : ''} in ${displayPath(result.dir)}`,
    `  ${count} file${count === 1 ? '' : 's'}, sha256 ${result.entry.sha256.slice(0, 16)}… recorded in ${displayPath(join(dirname(result.dir), 'lock.json'))}`,
  ];
  if (scripts.length > 0) lines.push(`  scripts it may ask to run: ${scripts.join(', ')}`);
  if (availability && !availability.available) lines.push(`  unavailable here: ${availability.missing.join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
