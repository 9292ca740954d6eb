import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, OpenclawError, usageError } from '../errors.js';
import { nameProblem } from './manifest.js';

/**
 * A new skill folder that is valid as written: `SKILL.md` with the required fields and a body
 * laid out the way the spec recommends, plus an empty `scripts/`. Returns the folder.
 */
export function scaffoldSkill(name: string, parent: string): string {
  const problem = nameProblem(name);
  if (problem) throw usageError(`"${name}" is not a valid skill name: it ${problem}`, 'For example: `openclaw skill new release-notes`.');
  const dir = join(parent, name);
  if (existsSync(dir)) {
    throw new OpenclawError('skill_exists', `${dir} already exists`, { exitCode: ExitCode.usage, hint: 'Choose another name, or edit the existing skill.' });
  }
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'SKILL.md'), template(name));
  return dir;
}

function template(name: string): string {
  const title = name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
  return `---
name: ${name}
description: Describe what this skill does and when to use it, in one or two sentences. The model reads only this line to decide whether the skill fits a task.
# Optional fields:
# license: MIT
# compatibility: Needs git and network access
# allowed-tools: Read Grep Bash(git:*)
# metadata:
#   openclaw:
#     requires:
#       bins: [git]
---

# ${title}

## When to use
The situations this skill is for, and the ones it is not for.

## Steps
1. The first thing to do.
2. The next. Refer to bundled files by relative path, e.g. \`scripts/check.sh\` or \`references/guide.md\`.

## Checks
How to tell the task is done correctly.
`;
}
