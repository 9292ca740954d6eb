import picomatch from 'picomatch';
import { parse as parseShell } from 'shell-quote';
import { usageError } from '../errors.js';

/**
 * A permission rule: `tool(pattern)` or a bare `tool`. The tool part names a tool (`shell`,
 * `edit`) or a capability (`read`, `write`, `exec`, `network`), so `write(src/**)` covers both
 * the write and edit tools. Patterns are globs over paths, or words over a parsed command.
 */
export interface Rule {
  /** The rule as written, shown in decisions. */
  text: string;
  tool: string;
  /** Undefined for a bare `tool`: every call of it. */
  pattern?: string;
}

export type RuleEffect = 'allow' | 'ask' | 'deny';

const RULE = /^([a-z][a-z0-9_-]*)(?:\((.*)\))?$/i;

export function parseRule(text: string): Rule {
  const match = RULE.exec(text.trim());
  if (!match || (match[2] !== undefined && match[2].trim() === '')) {
    throw usageError(`invalid rule "${text}"`, "Rules look like 'shell(git status)', 'shell(npm run *)', 'write(src/**)' or 'read'.");
  }
  const pattern = match[2]?.trim();
  return { text: text.trim(), tool: match[1].toLowerCase(), pattern: pattern === '*' || pattern === '**' ? undefined : pattern };
}

export function ruleAppliesTo(rule: Rule, toolName: string, capability: string): boolean {
  return rule.tool === toolName || rule.tool === capability || (rule.tool === 'bash' && toolName === 'shell');
}

/** Does a path rule match? `path` is absolute; `relativePath` is set when it is inside the workspace. */
export function matchesPath(rule: Rule, absolute: string, relativePath: string | undefined, home: string): boolean {
  if (!rule.pattern) return true;
  let pattern = rule.pattern;
  if (pattern === '~' || pattern.startsWith('~/')) pattern = home + pattern.slice(1);
  const candidates = pattern.startsWith('/') ? [absolute] : relativePath !== undefined ? [relativePath] : [];
  const isMatch = picomatch(pattern, { dot: true });
  const isInside = picomatch(`${pattern.replace(/\/+$/, '')}/**`, { dot: true });
  return candidates.some((candidate) => isMatch(candidate) || isInside(candidate));
}

/**
 * A shell command split into the simple commands it runs. `a && b | c; d` is four parts; a
 * command is allowed by rules only if every part is. Command substitution and backticks cannot
 * be seen through here, so such a command is `opaque` and no allow rule matches it.
 */
export interface ParsedCommand {
  parts: string[];
  opaque: boolean;
}

export function splitCommand(command: string): ParsedCommand {
  const opaque = /\$\(|`|<\(|>\(/.test(command);
  const parts: string[] = [];
  let words: string[] = [];
  const flush = () => {
    if (words.length > 0) parts.push(words.join(' '));
    words = [];
  };
  for (const token of parseShell(command, (name) => `$${name}`)) {
    if (typeof token === 'string') {
      words.push(token);
    } else if ('op' in token) {
      if (token.op === 'glob') words.push((token as { pattern: string }).pattern);
      else if (['&&', '||', ';', '|', '&', '|&', ';;', '(', ')'].includes(token.op)) flush();
      // redirections (>, <, >>) keep the command they belong to
    } else if ('comment' in token) {
      flush();
    }
  }
  flush();
  return { parts, opaque };
}

/**
 * Matches one simple command against a pattern of words where `*` stands for anything. A pattern
 * ending in ` *` (or Claude Code's `:*`) also matches the bare command: `git log *` allows `git log`.
 */
export function matchesCommand(pattern: string | undefined, part: string): boolean {
  if (!pattern) return true;
  const normalized = pattern.replace(/:\*$/, ' *').replace(/\s+/g, ' ').trim();
  const source = normalized
    .split('*')
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  if (regex.test(part)) return true;
  return normalized.endsWith(' *') && part === normalized.slice(0, -2);
}
