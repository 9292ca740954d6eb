import { ExitCode, OpenclawError } from '../errors.js';
import { readSkillBody, type Skill } from './discovery.js';

export interface SkillInvocation {
  skill: Skill;
  args: string;
  /** The user message to send in place of `/name args`. */
  message: string;
}

const COMMAND = /^\/([a-z0-9][a-z0-9_-]*)(?:\s+([\s\S]*))?$/i;

/**
 * `/name args` typed by the user, when `name` is a user-invocable skill: the message that runs
 * it (the skill's instructions, `{baseDir}` resolved, then the arguments; `$ARGUMENTS` in the
 * body is replaced instead, as in Claude Code). Undefined when the input is not such a command,
 * so the caller can treat it as its own command or as plain text. A skill whose requirements are
 * missing here is an error that says which.
 */
export function expandSkillInvocation(input: string, skills: readonly Skill[]): SkillInvocation | undefined {
  const match = COMMAND.exec(input.trim());
  if (!match) return undefined;
  const skill = skills.find((candidate) => candidate.name === match[1] && candidate.manifest.userInvocable);
  if (!skill) return undefined;
  if (!skill.availability.available) {
    throw new OpenclawError('skill_unavailable', `skill ${skill.name} cannot run here: ${skill.availability.missing.join('; ')}`, {
      exitCode: ExitCode.usage,
      hint: '`openclaw skill check` lists what each skill needs.',
    });
  }
  const args = (match[2] ?? '').trim();
  let body = readSkillBody(skill).trim();
  const takesArguments = body.includes('$ARGUMENTS');
  if (takesArguments) body = body.replaceAll('$ARGUMENTS', args);
  const parts = [`Use the skill "${skill.name}" now. Its instructions (from ${skill.file}; its folder is ${skill.dir}):`, body];
  if (args && !takesArguments) parts.push(`Request: ${args}`);
  return { skill, args, message: parts.join('\n\n') };
}
