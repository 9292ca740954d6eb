import { createRequire } from 'node:module';
import { usageError } from '../errors.js';

// Loaded on first use: most runs never match a path rule or split a command.
const require = createRequire(import.meta.url);
let picomatchModule: typeof import('picomatch') | undefined;
let shellQuoteModule: typeof import('shell-quote') | undefined;
const picomatch = (...args: Parameters<typeof import('picomatch')>) => (picomatchModule ??= require('picomatch') as typeof import('picomatch'))(...args);
const parseShell = (...args: Parameters<typeof import('shell-quote').parse>) => (shellQuoteModule ??= require('shell-quote') as typeof import('shell-quote')).parse(...args);

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
  if (rule.tool === 'mcp') return namesMcpTool(rule, toolName);
  return rule.tool === toolName || rule.tool === capability || (rule.tool === 'bash' && toolName === 'shell');
}

/**
 * MCP tools are offered as `<server>__<tool>`; no built-in tool has `__` in its name. A rule
 * `mcp(<pattern>)` matches that name as a glob (`mcp(github__*)` is every tool of one server),
 * a bare `mcp` every MCP tool.
 */
export const MCP_TOOL_SEPARATOR = '__';

export function isMcpToolName(toolName: string): boolean {
  return toolName.indexOf(MCP_TOOL_SEPARATOR) > 0;
}

/** An `mcp(...)` rule's pattern is the tool name, already matched: it needs no target. */
export function namesMcpTool(rule: Rule, toolName: string): boolean {
  return rule.tool === 'mcp' && isMcpToolName(toolName) && (!rule.pattern || picomatch(rule.pattern)(toolName));
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
 * command is allowed by rules only if every part is. Wrappers are seen through: in
 * `timeout 5 env X=1 bash -c 'npm test'` the part that runs is `npm test`.
 */
export interface CommandPart {
  /** What actually runs, wrappers and variable assignments removed. */
  command: string;
  /** The simple command as written. */
  written: string;
  /** Runs with raised privileges (sudo, doas): only a rule naming the wrapper allows it. */
  elevated: boolean;
}

export interface ParsedCommand {
  parts: CommandPart[];
  /**
   * Some of what runs cannot be known from the text: command substitution, `eval`, a shell
   * reading its script from stdin. Deny rules still see what can be seen (the inside of
   * `$(...)` is split too); no allow rule vouches for an opaque command.
   */
  opaque: boolean;
}

const MAX_DEPTH = 4;

export function splitCommand(command: string, depth = 0): ParsedCommand {
  const parts: CommandPart[] = [];
  let opaque = false;
  const { text, bodies } = extractSubstitutions(command);
  if (bodies.length > 0) opaque = true;
  for (const body of bodies) {
    if (depth >= MAX_DEPTH) break;
    parts.push(...splitCommand(body, depth + 1).parts);
  }
  let words: string[] = [];
  let redirectTarget = false;
  const flush = () => {
    while (words.length > 0 && RESERVED.has(words[0])) words.shift();
    if (words.length > 0) {
      const unwrapped = unwrap(words, depth);
      parts.push(...unwrapped.parts);
      opaque ||= unwrapped.opaque;
    }
    words = [];
  };
  for (const token of parseShell(asBashReadsIt(text), (name) => `$${name}`)) {
    if (typeof token === 'string' || ('op' in token && token.op === 'glob')) {
      // The file a redirection names is not an argument of the command: `c > out` runs `c`.
      if (!redirectTarget) words.push(typeof token === 'string' ? token : (token as { pattern: string }).pattern);
      redirectTarget = false;
    } else if ('op' in token) {
      if (SEPARATORS.has(token.op)) flush();
      redirectTarget = REDIRECTIONS.has(token.op);
    }
  }
  flush();
  return { parts, opaque };
}

const SEPARATORS = new Set(['&&', '||', ';', '|', '&', '|&', ';;', '(', ')']);
const REDIRECTIONS = new Set(['>', '>>', '<', '<<', '<<<', '>&', '<&', '&>', '&>>', '>|', '<>']);

/** Words that open or close a compound command (`if`, `{`, `do`...) rather than run anything. */
const RESERVED = new Set(['!', '{', '}', 'if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', 'time']);

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish']);
/** Wrappers that run the rest of their words as a command, with the options each takes an argument for. */
const WRAPPERS: Record<string, { withArgument: Set<string>; leading?: 'duration' }> = {
  env: { withArgument: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']) },
  nice: { withArgument: new Set(['-n', '--adjustment']) },
  nohup: { withArgument: new Set() },
  command: { withArgument: new Set() },
  exec: { withArgument: new Set(['-a']) },
  builtin: { withArgument: new Set() },
  stdbuf: { withArgument: new Set(['-i', '-o', '-e']) },
  timeout: { withArgument: new Set(['-s', '--signal', '-k', '--kill-after']), leading: 'duration' },
  xargs: { withArgument: new Set(['-I', '-n', '-P', '-d', '-L', '-s', '-a', '-E', '--max-args', '--max-procs', '--delimiter', '--arg-file']) },
  sudo: { withArgument: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir', '--host', '--prompt']) },
  doas: { withArgument: new Set(['-u', '-C']) },
};
const ELEVATING = new Set(['sudo', 'doas']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Strips assignments and wrappers off a simple command; a shell's `-c` script is split in turn. */
function unwrap(words: string[], depth: number): ParsedCommand {
  const written = words.join(' ');
  let elevated = false;
  let index = 0;
  for (;;) {
    while (index < words.length && ASSIGNMENT.test(words[index])) index++;
    const word = words[index];
    const wrapper = word === undefined ? undefined : WRAPPERS[word];
    if (wrapper) {
      elevated ||= ELEVATING.has(word);
      index++;
      while (index < words.length && (words[index].startsWith('-') || (word === 'env' && ASSIGNMENT.test(words[index])))) {
        if (words[index] === '--') {
          index++;
          break;
        }
        index += wrapper.withArgument.has(words[index]) ? 2 : 1;
      }
      if (wrapper.leading === 'duration') index++;
      continue;
    }
    if (word !== undefined && SHELLS.has(word.split('/').pop()!)) {
      const flag = words.slice(index + 1).findIndex((arg) => /^-[a-z]*c[a-z]*$/.test(arg));
      if (flag >= 0) {
        const script = words[index + 2 + flag];
        if (script === undefined || depth >= MAX_DEPTH) return { parts: [{ command: words.slice(index).join(' '), written, elevated }], opaque: true };
        const inner = splitCommand(script, depth + 1);
        return { parts: inner.parts.map((part) => ({ ...part, written, elevated: part.elevated || elevated })), opaque: inner.opaque };
      }
      const script = words.slice(index + 1).find((arg) => !arg.startsWith('-'));
      // Without -c and without a script file, the shell runs whatever arrives on stdin.
      return { parts: [{ command: words.slice(index).join(' '), written, elevated }], opaque: script === undefined };
    }
    if (word === 'eval' || word === 'source' || word === '.') {
      const inner = word === 'eval' && depth < MAX_DEPTH ? splitCommand(words.slice(index + 1).join(' '), depth + 1).parts : [];
      return { parts: [{ command: words.slice(index).join(' '), written, elevated }, ...inner], opaque: true };
    }
    break;
  }
  if (index >= words.length) return { parts: [{ command: written, written, elevated }], opaque: false };
  return { parts: [{ command: words.slice(index).join(' '), written, elevated }], opaque: false };
}

/**
 * Takes out each `$(...)`, backtick pair and process substitution `<(...)`, outside single
 * quotes: their bodies are split as commands of their own, and the text keeps a placeholder word.
 */
function extractSubstitutions(command: string): { text: string; bodies: string[] } {
  const bodies: string[] = [];
  let text = '';
  let quote: string | undefined;
  for (let index = 0; index < command.length; index++) {
    const char = command[index];
    const opensParen = command[index + 1] === '(' && (char === '$' || (quote === undefined && (char === '<' || char === '>')));
    if (char === '\\' && quote !== "'") {
      text += command.slice(index, index + 2);
      index++;
    } else if (quote === "'") {
      if (char === "'") quote = undefined;
      text += char;
    } else if (char === "'" && quote === undefined) {
      quote = "'";
      text += char;
    } else if (char === '"') {
      quote = quote === '"' ? undefined : '"';
      text += char;
    } else if (opensParen) {
      let level = 1;
      let end = index + 2;
      while (end < command.length && level > 0) {
        if (command[end] === '(') level++;
        else if (command[end] === ')') level--;
        end++;
      }
      bodies.push(command.slice(index + 2, level === 0 ? end - 1 : end));
      text += SUBSTITUTED;
      index = end - 1;
    } else if (char === '`') {
      const end = command.indexOf('`', index + 1);
      bodies.push(command.slice(index + 1, end === -1 ? command.length : end));
      text += SUBSTITUTED;
      index = end === -1 ? command.length : end;
    } else {
      text += char;
    }
  }
  return { text, bodies };
}

/** Stands where a substitution was: a word no rule pattern is likely to name by accident. */
const SUBSTITUTED = '⟨substitution⟩';

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
    } else if (wordStart && /^\d+[<>]/.test(command.slice(index, index + 12))) {
      // A file descriptor before a redirection (`2>&1`) is not a word of the command.
      while (/\d/.test(command[index + 1])) index++;
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

/**
 * Matches a URL. A pattern with `://` is matched against the whole URL; otherwise against the
 * host, so `network(github.com)` and `web_fetch(*.github.com)` read naturally. `*` is anything.
 */
export function matchesUrl(pattern: string | undefined, url: string): boolean {
  if (!pattern) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const subject = pattern.includes('://') ? parsed.href : parsed.host;
  const source = pattern
    .split('*')
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(subject) || (!pattern.includes('://') && pattern.startsWith('*.') && subject === pattern.slice(2));
}
