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
    while (words.length > 0 && RESERVED.has(words[0])) words.shift();
    if (words.length > 0) parts.push(words.join(' '));
    words = [];
  };
  for (const token of parseShell(asBashReadsIt(command), (name) => `$${name}`)) {
    if (typeof token === 'string') {
      words.push(token);
    } else if ('op' in token) {
      if (token.op === 'glob') words.push((token as { pattern: string }).pattern);
      else if (['&&', '||', ';', '|', '&', '|&', ';;', '(', ')'].includes(token.op)) flush();
      // redirections (>, <, >>) keep the command they belong to
    }
  }
  flush();
  return { parts, opaque };
}

/** Words that open or close a compound command (`if`, `{`, `do`...) rather than run anything. */
const RESERVED = new Set(['!', '{', '}', 'if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', 'time']);

/**
 * Rewrites a command where shell-quote would read it otherwise than bash, which would let
 * `git status\nrm -rf ~` or `git status#; rm -rf ~` pass as `git status`. shell-quote reads a
 * newline as a space and starts a comment at any `#`, running it to the end of the text; bash ends
 * a command at a newline and starts a comment only at the start of a word, ending it at the newline.
 */
function asBashReadsIt(command: string): string {
  let text = '';
  let quote: string | undefined;
  let wordStart = true;
  for (let index = 0; index < command.length; index++) {
    const char = command[index];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      text += char;
    } else if (char === '\\') {
      // A backslash-newline vanishes, continuing the line; any other escaped character is part of a word.
      if (command[index + 1] !== '\n') {
        text += command.slice(index, index + 2);
        if (!quote) wordStart = false;
      }
      index++;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      text += char;
    } else if (char === '#' && !wordStart) {
      text += '\\#';
    } else if (char === '#') {
      // The comment ends at the newline, which still ends the command before it.
      const newline = command.indexOf('\n', index);
      index = newline === -1 ? command.length : newline - 1;
    } else {
      if (char === "'" || char === '"') quote = char;
      text += char === '\n' ? ';' : char;
      wordStart = /[\s;&|()<>]/.test(char);
    }
  }
  return text;
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
  // `s`: a quoted argument may span lines, and `*` covers it.
  const regex = new RegExp(`^${source}$`, 's');
  if (regex.test(part)) return true;
  return normalized.endsWith(' *') && part === normalized.slice(0, -2);
}
