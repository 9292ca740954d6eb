import { homedir } from 'node:os';
import { relative, sep } from 'node:path';
import type { SkillProblem } from '../../skills/manifest.js';

/** A path as short as it can be while still unambiguous: relative under the cwd, `~` under home. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  if (path === cwd || path.startsWith(cwd + sep)) return relative(cwd, path) || '.';
  const home = homedir();
  if (path.startsWith(home + sep)) return `~${path.slice(home.length)}`;
  return path;
}

export function shorten(text: string, limit: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 1).trimEnd()}…`;
}

export function formatProblem(problem: SkillProblem): string {
  return `${displayPath(problem.file)}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}
