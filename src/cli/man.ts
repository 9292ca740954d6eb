import { writeFileSync } from 'node:fs';
import { allCommands, commandSpec, type CommandSpec, type OptionSpec } from './completion.js';

/**
 * man/openclaw.1: the synopsis, global options and every command generated from the same
 * commander tree as --help and the completions, between hand-written sections. `npm run build`
 * writes it; a test fails when the committed page drifts from the tree.
 */
export const MAN_PAGE = new URL('../../man/openclaw.1', import.meta.url);

/** When the hand-written text below last changed: bump it with the text. */
const REVISED = '2026-11-22';

/** A block of hand-written text. In text, `code` is set in bold and <placeholder> in italics. */
type Block = { p: string } | { tp: [string, string] } | { ex: string[] };

const DESCRIPTION: Block[] = [
  {
    p: 'openclaw is a personal AI agent runtime. It takes a task, calls tools (read, write, edit, list, grep, shell, memory, skills and the tools of MCP servers), keeps the conversation as a session on disk, and keeps working until the task is done: in an interactive terminal session, in shell pipelines, and behind chat channels through a long-lived gateway.',
  },
  {
    p: '`openclaw chat` on a terminal opens the interactive session. With `-p`, or when standard input is not a terminal, it runs one task and prints the answer: standard output carries only the answer (text), one JSON document (`--output-format json`) or one JSON event per line (`--output-format stream-json`); progress, tool activity and warnings go to standard error. Piped input is appended to the prompt.',
  },
  {
    p: 'Every tool call passes one deterministic policy before it runs: the approval mode, allow, ask and deny rules, confinement of file tools to the working directory, and, when bubblewrap is installed, a sandbox for shell commands. In print mode nobody can approve a call, so a call that would need approval is denied unless `--approval` or an `--allow` rule permits it, and the model is told why.',
  },
];

const POLICY: Block[] = [
  { p: 'Approval modes (`--approval`, config key `approval`, default ask):' },
  { tp: ['read-only', 'reading tools only; writes, commands and network tools are denied.'] },
  { tp: ['ask', 'reading is free; everything else asks (and is denied where nobody can answer).'] },
  { tp: ['auto-edit', 'reading and writing inside the working directory are free; commands and network tools ask.'] },
  { tp: ['full', 'everything runs without asking, still inside confinement and the sandbox.'] },
  {
    p: 'Rules are written `tool(pattern)`: `shell(git status)`, `shell(npm run *)`, `write(src/**)`, `read(~/notes/**)`, `mcp(github__create_issue)`, `mcp(fs__*)`, or a bare tool or capability name (`read`, `write`, `exec`, `network`). A deny rule beats an allow rule; a compound shell command (`a && b | c`) is allowed only when every part is. Rules come from `--allow` and `--deny`, from the config (`permissions.allow`, `permissions.ask`, `permissions.deny`), from a project\'s .openclaw/settings.json, and from "always" answers in the terminal session (see `openclaw approvals`).',
  },
];

const FILES: Block[] = [
  { tp: ['$OPENCLAW_HOME/config.json', 'settings (mode 0600). Unknown keys are warned about and ignored, never fatal; see `openclaw config list --keys`.'] },
  { tp: ['$OPENCLAW_HOME/sessions/', 'one append-only transcript per session (<id>.jsonl) and index.json, a cache of their metadata that `openclaw doctor --fix` rebuilds.'] },
  { tp: ['$OPENCLAW_HOME/memory/', 'long-term memory as Markdown (MEMORY.md, notes/YYYY-MM-DD.md) and its rebuildable search index.'] },
  { tp: ['$OPENCLAW_HOME/skills/', 'installed skills; lock.json records where each came from and its sha256.'] },
  { tp: ['$OPENCLAW_HOME/approvals.json', '"always" approvals, as rules.'] },
  { tp: ['$OPENCLAW_HOME/gateway/', 'the gateway\'s pid, port and token (0600), pairing and approval records, inbound queue.'] },
  { tp: ['$OPENCLAW_HOME/workspace/', 'the working directory of gateway sessions.'] },
  { tp: ['$OPENCLAW_HOME/logs/', 'JSON-lines logs.'] },
  { tp: ['./AGENTS.md', 'instructions for the agent in this directory, added to its context.'] },
  { tp: ['./.openclaw/settings.json', 'permission rules a project brings along; its deny and ask rules always apply.'] },
  { tp: ['./.openclaw/skills/, ./.agents/skills/', 'project skills, found before installed and bundled ones.'] },
];

const ENVIRONMENT: Block[] = [
  { tp: ['OPENCLAW_HOME', 'the store (default ~/.openclaw).'] },
  { tp: ['OPENAI_API_KEY, OPENAI_BASE_URL', 'the OpenAI provider; a base URL makes any compatible server work (Ollama, vLLM, LM Studio, llama.cpp).'] },
  { tp: ['ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL', 'the Anthropic provider.'] },
  { tp: ['OPENCLAW_PROVIDER, OPENCLAW_MODEL', 'the provider and model of a run, over the config.'] },
  { tp: ['OPENCLAW_GATEWAY_TOKEN', 'the gateway\'s bearer token, for clients.'] },
  { tp: ['NO_COLOR', 'when set and not empty, no colour (as `--no-color`).'] },
  { tp: ['FORCE_COLOR', 'colour even when the output is not a terminal (0 does not force it).'] },
  { tp: ['VISUAL, EDITOR', 'the editor of `openclaw config edit`.'] },
  { tp: ['OPENCLAW_DEBUG', 'stack traces with errors (as `--verbose`).'] },
];

const EXIT_STATUS: Block[] = [
  { tp: ['0', 'done.'] },
  { tp: ['1', 'runtime error (and `openclaw doctor` or `openclaw security audit` found a failing check).'] },
  { tp: ['2', 'usage or configuration error, e.g. no provider configured.'] },
  { tp: ['3', 'provider error after retries: authentication, unreachable, overloaded.'] },
  { tp: ['4', 'turn or budget limit reached (`--max-turns`).'] },
  { tp: ['130', 'interrupted.'] },
];

const EXAMPLES: Block[] = [
  { p: 'Set up a provider, check everything, and install completions for bash:' },
  { ex: ['openclaw init', 'openclaw doctor', 'openclaw completion bash > ~/.local/share/bash-completion/completions/openclaw'] },
  { p: 'Use a local model served by Ollama:' },
  { ex: ['export OPENAI_BASE_URL=http://localhost:11434/v1 OPENCLAW_MODEL=llama3.2', 'openclaw chat -p "summarise README.md"'] },
  { p: 'Review a diff from a pipe, and continue in the same session:' },
  { ex: ['git diff | openclaw chat -p "review this"', 'openclaw chat -c -p "now write the commit message"'] },
  { p: 'Let a script run the tests but nothing else, and read events as JSON lines:' },
  { ex: ["openclaw chat -p --allow 'shell(npm test *)' --output-format stream-json \"fix the failing test\""] },
  { p: 'Give the agent the tools of an MCP server, and allow one of them without asking:' },
  { ex: ['openclaw mcp add fs -- npx -y @modelcontextprotocol/server-filesystem ~/notes', "openclaw chat -p --allow 'mcp(fs__read_text_file)' \"what is in ~/notes/todo.md?\""] },
];

const SECURITY: Block[] = [
  {
    p: 'API keys are read from the environment and never written to the config, transcripts or logs; values that look like keys or tokens are redacted from what is recorded. The store is private to its owner (directories 0700, files 0600): `openclaw doctor --fix` restores the modes, `openclaw security audit` reports broad rules, secrets in config files and a missing sandbox.',
  },
  {
    p: 'File tools stay inside the working directory unless a rule names another path; symbolic links that leave it are followed to their real paths and judged there. The store, ~/.ssh, ~/.aws, ~/.gnupg and similar places, and .env files are refused unless a rule names them.',
  },
  {
    p: 'With bubblewrap installed (`--sandbox auto`, the default, or `bwrap`), shell commands run with a read-only root, a writable working directory, a private /tmp, no network unless `network` is allowed, and the store and credentials hidden.',
  },
  {
    p: 'MCP servers run as you, outside the sandbox, with a minimal environment (PATH, HOME, USER, SHELL, TERM and what `--env` gives them; openclaw\'s API keys are not passed). Their tools count as exec tools unless the server is added with `--capability`, so ask and auto-edit mode ask before each call. Add only servers you trust.',
  },
  {
    p: '`openclaw skill install` never runs code from a skill; it refuses path traversal, links that leave the skill, device files and oversize content. The gateway binds 127.0.0.1 by default and always requires its token.',
  },
];

export function manPage(spec: CommandSpec, version: string): string {
  // The root's options but --version are accepted everywhere: documented once, under OPTIONS.
  const global = new Set(spec.options.filter((option) => option.long !== '--version').map((option) => option.long));
  const own = (command: CommandSpec) => command.options.filter((option) => !global.has(option.long));
  const usage = (command: CommandSpec): string => {
    if (command.commands.length > 0) return '\\fIcommand\\fR ...';
    const args = command.arguments.map((argument) => {
      const name = `\\fI${text(argument.name)}\\fR${argument.variadic ? ' ...' : ''}`;
      return argument.required ? name : `[${name}]`;
    });
    return [own(command).length > 0 ? '[\\fIoptions\\fR]' : '', ...args].filter(Boolean).join(' ');
  };
  const visible = (command: CommandSpec) => command.commands.filter((child) => child.name !== 'help');
  const section = (command: CommandSpec): string[] => [
    `.SS "openclaw ${[...command.path.map(text), usage(command)].join(' ').trim()}"`,
    text(sentence(command.description)),
    ...command.arguments
      .filter((argument) => argument.description || argument.choices)
      .flatMap((argument) => ['.TP', `\\fI${text(argument.name)}\\fR`, text(sentence([argument.description, argument.choices ? `one of ${argument.choices.join(', ')}` : ''].filter(Boolean).join('; ')))]),
    ...own(command).flatMap(optionItem),
  ];

  const out: string[] = [
    '.\\" Generated from the command tree and src/cli/man.ts by `npm run build`: do not edit.',
    `.TH OPENCLAW 1 ${REVISED} "openclaw ${version}" "User Commands"`,
    // Ragged right and no hyphenation: option names and paths stay whole, as in --help.
    '.ad l',
    '.nh',
    '.SH NAME',
    `openclaw \\- ${text(spec.description.replace(/^A /, 'a ').replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.B openclaw',
    '.RI [ options ]',
    '.I command',
    '.RI [ arguments ]',
    ...visible(spec).flatMap((command) => ['.br', `\\fBopenclaw ${text(command.name)}\\fR ${usage(command)}`.trimEnd()]),
    '.SH DESCRIPTION',
    ...blocks(DESCRIPTION),
    '.SH OPTIONS',
    'These options are accepted by every command, before or after its name.',
    ...spec.options.flatMap(optionItem),
    '.SH COMMANDS',
    ...allCommands(spec)
      .filter((command) => command.path.length > 0 && command.name !== 'help')
      .flatMap(section),
    '.SH "APPROVAL MODES AND RULES"',
    ...blocks(POLICY),
    '.SH FILES',
    ...blocks(FILES),
    '.SH ENVIRONMENT',
    ...blocks(ENVIRONMENT),
    '.SH "EXIT STATUS"',
    ...blocks(EXIT_STATUS),
    '.SH EXAMPLES',
    ...blocks(EXAMPLES),
    '.SH SECURITY',
    ...blocks(SECURITY),
    '.SH "SEE ALSO"',
    '.BR bwrap (1),',
    '.BR git (1),',
    inline('`openclaw <command> --help`, and the README of the openclaw package.'),
  ];
  return `${tidy(out).join('\n')}\n`;
}

/**
 * What linters ask of roff source: no paragraph macro straight after a heading, and text lines
 * of at most 80 bytes (roff joins them again when it fills; no-fill blocks are left alone).
 */
function tidy(lines: string[]): string[] {
  const result: string[] = [];
  let fill = true;
  for (const line of lines) {
    if (line === '.PP' && /^\.S[HS]/.test(result[result.length - 1] ?? '')) continue;
    if (line === '.nf') fill = false;
    if (line === '.fi') fill = true;
    if (!fill || line.startsWith('.') || line.length <= 80) {
      result.push(line);
      continue;
    }
    let rest = line;
    while (rest.length > 80) {
      const cut = rest.lastIndexOf(' ', 80);
      if (cut <= 0) break;
      result.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1).replace(/^([.'])/, '\\&$1');
    }
    result.push(rest);
  }
  return result;
}

function optionItem(option: OptionSpec): string[] {
  const flags = [option.short, option.long].filter(Boolean).map((flag) => `\\fB${text(flag!)}\\fR`).join(', ');
  const name = option.value ? `\\fI${text(option.value.name)}\\fR` : '';
  const value = option.value ? ` ${option.value.optional ? `[${name}]` : name}` : '';
  const notes = [option.value?.choices ? `One of: ${option.value.choices.join(', ')}.` : '', option.value?.default !== undefined ? `Default: ${option.value.default}.` : ''];
  return ['.TP', `${flags}${value}`, text([sentence(option.description), ...notes].filter(Boolean).join(' '))];
}

/** Descriptions read as in --help: as written, ending in a full stop. */
function sentence(value: string): string {
  const trimmed = value.trim();
  return trimmed && !/[.!?]$/.test(trimmed) ? `${trimmed}.` : trimmed;
}

function blocks(list: Block[]): string[] {
  return list.flatMap((block) => {
    if ('p' in block) return ['.PP', inline(block.p)];
    if ('tp' in block) return ['.TP', `\\fB${text(block.tp[0])}\\fR`, inline(block.tp[1])];
    return ['.PP', '.RS 4', '.nf', ...block.ex.map((line) => `\\f(CR${text(line)}\\fR`), '.fi', '.RE'];
  });
}

/** `code` in bold, <placeholder> in italics, the rest as text. */
function inline(value: string): string {
  return value
    .split(/(`[^`]+`|<[a-z][a-z-]*>)/)
    .map((part) => (part.startsWith('`') ? `\\fB${text(part.slice(1, -1))}\\fR` : /^<[a-z][a-z-]*>$/.test(part) ? `\\fI${text(part.slice(1, -1))}\\fR` : text(part)))
    .join('');
}

/** Text as roff reads it: backslashes and hyphens escaped, a leading dot or quote defused, non-ASCII by code point. */
function text(value: string): string {
  return value
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\x20-\x7e\n]/gu, (char) => `\\[u${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/^([.'])/gm, '\\&$1');
}

/** Run by `npm run build`. */
export async function writeManPage(): Promise<void> {
  const { buildProgram } = await import('./program.js');
  const { version } = await import('./version.js');
  writeFileSync(MAN_PAGE, manPage(commandSpec(buildProgram(version())), version()));
}
