import type { AgentEvent, DoneEvent } from '../../agent/events.js';
import { Agent } from '../../agent/runtime.js';
import { ExitCode, usageError } from '../../errors.js';
import { resolveConnection } from '../../providers/connection.js';
import { loadConfig } from '../../store/config.js';
import type { ApprovalMode, SandboxMode } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { SessionStore, titleFrom, type OpenSession } from '../../store/sessions.js';
import { detail, isQuiet, paint, warn } from '../output.js';

export interface ChatOptions {
  print?: boolean;
  continue?: boolean;
  resume?: string;
  provider?: string;
  model?: string;
  approval?: ApprovalMode;
  allow?: string[];
  deny?: string[];
  sandbox?: string;
  maxTurns?: string;
  outputFormat: 'text' | 'json' | 'stream-json';
  session: boolean;
  /** `--remote [url]`: through a running gateway; true without a URL. */
  remote?: string | true;
}

const DEFAULT_MAX_TURNS = 100;

export default async function chat(promptWords: string[], options: ChatOptions): Promise<void> {
  if (typeof options.remote === 'string' && !/^(https?|wss?):\/\//.test(options.remote)) {
    // `--remote [url]` took the prompt's first word: a gateway URL has a scheme.
    promptWords = [options.remote, ...promptWords];
    options = { ...options, remote: true };
  }
  const interactive = !options.print && options.remote === undefined && process.stdin.isTTY && process.stdout.isTTY;
  const maxTurns = parseMaxTurns(options.maxTurns);
  if (!options.session && (options.continue || options.resume)) {
    throw usageError('--no-session cannot be combined with --continue or --resume');
  }
  if (options.continue && options.resume) throw usageError('use either --continue or --resume, not both');
  if (interactive) {
    await chatInteractive(promptWords.join(' ').trim(), options, maxTurns);
    return;
  }

  const stdinText = process.stdin.isTTY ? '' : await readStdin();
  const prompt = [promptWords.join(' ').trim(), stdinText.trim() ? stdinText.replace(/\s+$/, '') : '']
    .filter(Boolean)
    .join('\n\n');
  if (!prompt) throw usageError('no prompt given', 'Pass the task as arguments (`openclaw chat -p "..."`) or pipe it on stdin.');

  if (options.remote !== undefined) {
    // Through a running gateway (`openclaw serve`): it holds the session, the provider and the policy.
    const { chatRemote } = await import('./chat-remote.js');
    await chatRemote(prompt, options, createOutput(options.outputFormat));
    return;
  }

  const agent = await openAgent(options, maxTurns, titleFrom(prompt));
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let done: DoneEvent | undefined;
  try {
    const output = createOutput(options.outputFormat);
    for await (const event of agent.send(prompt, { signal: controller.signal })) {
      output(event);
      if (event.type === 'done') done = event;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    agent.close();
  }
  process.exitCode = done?.exitCode ?? ExitCode.runtime;
}

/** The TUI: Ink and React are loaded here, never for print mode. */
async function chatInteractive(prompt: string, options: ChatOptions, maxTurns: number | undefined): Promise<void> {
  // A first run with no provider: the guided set-up, then the chat.
  const { firstRunSetup } = await import('./init.js');
  if (!(await firstRunSetup({ provider: options.provider, model: options.model }))) return;
  const { runInteractive } = await import('../../tui/index.js');
  const { version } = await import('../version.js');
  await runInteractive({
    agent: await openAgent(options, maxTurns, prompt ? titleFrom(prompt) : undefined),
    prompt,
    openAgent: (target) => openAgent({ ...options, continue: false, resume: target.resume }, maxTurns),
    exportMarkdown: async (meta, entries) => (await import('./session-export.js')).renderMarkdown(meta, entries),
    version: version(),
  });
}

/**
 * Everything a chat needs before the first input: config, provider, and the session (new,
 * continued or resumed). Shared by print mode and the TUI.
 */
export async function openAgent(options: ChatOptions, maxTurns: number | undefined, title?: string): Promise<Agent> {
  const paths = storePaths();
  const { config, warnings } = loadConfig(paths);
  for (const warning of warnings) warn(warning);

  const connection = resolveConnection(config, { provider: options.provider, model: options.model });
  const mode = options.approval ?? config.approval ?? 'ask';
  const cwd = process.cwd();
  if (options.sandbox === 'bwrap') {
    const { BubblewrapSandbox } = await import('../../policy/sandbox.js');
    BubblewrapSandbox.assertInstalled();
  }

  const sessions = new SessionStore(paths);
  let session: OpenSession | undefined;
  if (options.session) {
    if (options.continue) {
      const latest = await sessions.latest(cwd);
      if (!latest) throw usageError(`no session to continue in ${cwd}`, 'Start one with `openclaw chat -p "..."`, or pick one with --resume <id>.');
      session = await sessions.open(latest.id);
    } else if (options.resume) {
      session = await sessions.open(options.resume);
    } else {
      session = await sessions.create({ cwd, provider: connection.id, model: connection.model, title });
    }
    for (const repair of session.repairs) warn(`session ${session.id}: ${repair}`);
  }
  try {
    const agent = await Agent.create({
      paths,
      config,
      connection,
      cwd,
      mode,
      allow: options.allow,
      deny: options.deny,
      sandbox: options.sandbox as SandboxMode | undefined,
      session,
      maxTurns: maxTurns ?? config.maxTurns ?? DEFAULT_MAX_TURNS,
    });
    for (const warning of agent.warnings) warn(warning);
    return agent;
  } catch (error) {
    session?.close();
    throw error;
  }
}

function parseMaxTurns(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const turns = Number(value);
  if (!Number.isInteger(turns) || turns < 1) throw usageError(`--max-turns must be a positive whole number, not "${value}"`);
  return turns;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Print mode's three outputs. stdout carries only the result; everything a person watching
 * wants to know (tool activity, retries, errors) goes to stderr.
 */
export function createOutput(format: ChatOptions['outputFormat']): (event: AgentEvent) => void {
  const err = process.stderr;
  // Tool activity and compaction are progress (--quiet drops them); --verbose adds the session,
  // each approval decision and the usage.
  const progress = (event: AgentEvent) => {
    switch (event.type) {
      case 'session':
        detail(`session ${event.id ?? '(not saved)'} · ${event.provider} ${event.model} · ${event.cwd}`);
        break;
      case 'tool_call':
        if (!isQuiet()) err.write(`${paint(err, 'cyan', '→')} ${event.name} ${paint(err, 'dim', keyArgument(event.args))}\n`);
        break;
      case 'approval':
        detail(`  ${event.decision} by ${event.by}: ${event.why}`);
        break;
      case 'tool_result':
        if (!isQuiet()) err.write(`  ${event.ok ? paint(err, 'green', '✓') : paint(err, 'red', '✗')} ${event.summary}\n`);
        break;
      case 'done':
        detail(`${event.turns} turn(s) · ${event.usage.input + event.usage.cacheRead + event.usage.cacheWrite} tokens in, ${event.usage.output} out${event.cost > 0 ? ` · $${event.cost.toFixed(4)}` : ''}`);
        break;
      case 'error':
        if (event.retryable || event.code === 'compaction_failed') warn(event.message);
        break;
      case 'notice':
        warn(event.message);
        break;
      case 'compaction':
        if (!isQuiet()) err.write(`${paint(err, 'dim', `compacted: ${event.summarized} older messages summarised, ${event.kept} kept (~${event.tokensBefore} → ~${event.tokensAfter} tokens)`)}\n`);
        break;
      default:
        break;
    }
  };
  const failure = (done: DoneEvent, errors: string[]) => {
    if (done.status === 'ok') return;
    const message = errors[errors.length - 1] ?? done.status;
    err.write(`${paint(err, 'red', 'openclaw:')} ${message}\n`);
    if (done.sessionId && done.status !== 'error') err.write(`${paint(err, 'dim', 'hint:')} continue with \`openclaw chat -r ${done.sessionId}\`\n`);
  };
  const errors: string[] = [];

  if (format === 'stream-json') {
    return (event) => {
      process.stdout.write(`${JSON.stringify(event)}\n`);
      if (event.type === 'error' && !event.retryable) errors.push(event.message);
      if (event.type === 'done') failure(event, errors);
    };
  }
  let sessionEvent: Extract<AgentEvent, { type: 'session' }> | undefined;
  return (event) => {
    progress(event);
    if (event.type === 'session') sessionEvent = event;
    if (event.type === 'error' && !event.retryable) errors.push(event.message);
    if (event.type !== 'done') return;
    if (format === 'json') {
      const result = {
        type: 'result',
        status: event.status,
        exitCode: event.exitCode,
        text: event.text,
        sessionId: event.sessionId,
        provider: sessionEvent?.provider,
        model: sessionEvent?.model,
        turns: event.turns,
        usage: event.usage,
        cost: event.cost,
        errors,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else if (event.text) {
      process.stdout.write(event.text.endsWith('\n') ? event.text : `${event.text}\n`);
    }
    failure(event, errors);
  };
}

function keyArgument(args: unknown): string {
  if (typeof args !== 'object' || args === null) return String(args).slice(0, 80);
  const record = args as Record<string, unknown>;
  const value = record.command ?? record.path ?? record.pattern ?? Object.values(record)[0];
  return typeof value === 'string' ? value.split('\n')[0].slice(0, 100) : '';
}
