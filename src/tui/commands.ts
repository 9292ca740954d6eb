import { closestMatch } from '../suggest.js';

/** Slash commands: typed at the prompt as `/name [argument]`. */
export interface SlashCommand {
  name: string;
  argument?: string;
  description: string;
  /** A user-invocable skill rather than a command of the TUI. */
  skill?: boolean;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'help', description: 'commands and keys' },
  { name: 'new', description: 'start a new session' },
  { name: 'clear', description: 'start a new session; the scrollback stays' },
  { name: 'resume', argument: '[id]', description: 'continue another session (a picker without an id)' },
  { name: 'model', argument: '[id]', description: 'show or switch the model' },
  { name: 'approval', argument: '[mode]', description: 'show or set the approval mode: read-only, ask, auto-edit, full' },
  { name: 'compact', argument: '[focus]', description: 'summarise the older part of the session now (the transcript keeps it all)' },
  { name: 'memory', argument: '[words]', description: 'what long-term memory holds, or the entries matching words' },
  { name: 'skills', description: 'the skills you can run as /name' },
  { name: 'cost', description: 'tokens and cost of this session' },
  { name: 'export', argument: '[file]', description: 'write this session as Markdown' },
  { name: 'exit', description: 'leave (also Ctrl+D)' },
];

export const KEY_HELP: ReadonlyArray<[string, string]> = [
  ['Enter', 'send (queued while a turn runs)'],
  ['Shift+Enter, Ctrl+J, \\ Enter', 'new line'],
  ['Up / Down', 'history'],
  ['Ctrl+R', 'search history'],
  ['Tab', 'complete a /command or @file'],
  ['@path', 'attach a file'],
  ['!command', 'run a shell command (the approval policy applies)'],
  ['Esc, Ctrl+C', 'interrupt the running turn'],
  ['Ctrl+O', 'show the last tool output or thinking in full'],
  ['Ctrl+T', 'show or hide thinking'],
  ['Ctrl+C twice, Ctrl+D', 'exit'],
];

export interface SlashInput {
  name: string;
  argument: string;
}

export function parseSlash(text: string): SlashInput | undefined {
  const match = /^\/([A-Za-z0-9][\w-]*)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { name: match[1].toLowerCase(), argument: (match[2] ?? '').trim() } : undefined;
}

export function findCommand(name: string): SlashCommand | undefined {
  return SLASH_COMMANDS.find((command) => command.name === name);
}

/** Commands (and skills) whose name starts with what was typed after the slash. */
export function commandsMatching(prefix: string, skills: readonly SlashCommand[] = []): SlashCommand[] {
  const lower = prefix.toLowerCase();
  return [...SLASH_COMMANDS, ...skills].filter((command) => command.name.startsWith(lower));
}

/** The known command (or skill) closest to a mistyped one, if any is close. */
export function suggestCommand(name: string, skills: readonly SlashCommand[] = []): string | undefined {
  const known = [...SLASH_COMMANDS, ...skills];
  const prefixed = commandsMatching(name, skills)[0] ?? known.find((command) => name.startsWith(command.name));
  if (prefixed) return prefixed.name;
  return closestMatch(
    name,
    known.map((command) => command.name),
    (candidate) => Math.max(1, Math.floor(candidate.length / 2)),
  );
}

