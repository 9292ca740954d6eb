import { discoverSkills } from '../skills/discovery.js';
import { expandSkillInvocation } from '../skills/invocation.js';
import type { SlashCommand } from './commands.js';
import { findCommand } from './commands.js';

/** Skills a person can run as `/name [request]`. */
export interface SkillCommands {
  commands: SlashCommand[];
  /** The message that runs `/name args`; undefined when `name` is not such a skill. */
  expand: (input: string) => string | undefined;
}

const NO_SKILLS: SkillCommands = { commands: [], expand: () => undefined };

/** The user-invocable skills found from `cwd`; a TUI command of the same name wins. */
export function skillCommands(cwd: string, home: string): SkillCommands {
  const skills = discoverSkills({ cwd, home }).skills.filter((skill) => skill.manifest.userInvocable && !findCommand(skill.name));
  if (skills.length === 0) return NO_SKILLS;
  return {
    commands: skills.map((skill) => ({ name: skill.name, argument: '[request]', description: skill.description, skill: true })),
    expand: (input) => expandSkillInvocation(input, skills)?.message,
  };
}
