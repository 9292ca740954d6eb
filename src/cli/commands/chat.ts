import { buildSystemPrompt } from '../../agent/context.js';
import type { AgentEvent, DoneEvent } from '../../agent/events.js';
import { runAgent } from '../../agent/loop.js';
import { ExitCode, OpenclawError, usageError } from '../../errors.js';
import { Policy } from '../../policy/policy.js';
import { createProvider, resolveConnection } from '../../providers/connection.js';
import { modelInfo } from '../../providers/models.js';
import { defaultRetryPolicy } from '../../providers/retry.js';
import { loadConfig } from '../../store/config.js';
import type { ApprovalMode, Config } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { SessionStore, titleFrom, type OpenSession } from '../../store/sessions.js';
import { contextMessages } from '../../store/transcript.js';
import { ToolRegistry, builtinTools } from '../../tools/registry.js';
import { paint, warn } from '../output.js';

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
}

const DEFAULT_MAX_TURNS = 100;

export default async function chat(promptWords: string[], options: ChatOptions): Promise<void> {
  const interactive = !options.print && process.stdin.isTTY && process.stdout.isTTY;
  if (interactive) {
    throw new OpenclawError('tui_unavailable', 'the interactive session (TUI) is not available in this version yet', {
      exitCode: ExitCode.usage,
      hint: 'Run one task with `openclaw chat -p "your task"`.',
    });
  }
  const maxTurns = parseMaxTurns(options.maxTurns);
  if (!options.session && (options.continue || options.resume)) {
    throw usageError('--no-session cannot be combined with --continue or --resume');
  }
  if (options.continue && options.resume) throw usageError('use either --continue or --resume, not both');

  const stdinText = process.stdin.isTTY ? '' : await readStdin();
  const prompt = [promptWords.join(' ').trim(), stdinText.trim() ? stdinText.replace(/\s+$/, '') : '']
    .filter(Boolean)
    .join('\n\n');
  if (!prompt) throw usageError('no prompt given', 'Pass the task as arguments (`openclaw chat -p "..."`) or pipe it on stdin.');

  const paths = storePaths();
  const { config, warnings } = loadConfig(paths);
  for (const warning of warnings) warn(warning);

  const connection = resolveConnection(config, { provider: options.provider, model: options.model });
  const mode = options.approval ?? config.approval ?? 'ask';
  const cwd = process.cwd();
  const policy = new Policy({
    mode,
    workspace: cwd,
    storeHome: paths.home,
    allow: [...(config.permissions?.allow ?? []), ...(options.allow ?? [])],
    deny: [...(config.permissions?.deny ?? []), ...(options.deny ?? [])],
  });
  if (options.sandbox === 'bwrap') warn('--sandbox bwrap is not available in this version yet; shell commands run unsandboxed');

  const sessions = new SessionStore(paths);
  let session: OpenSession | undefined;
  let resumed = false;
  if (options.session) {
    if (options.continue) {
      const latest = await sessions.latest(cwd);
      if (!latest) throw usageError(`no session to continue in ${cwd}`, 'Start one with `openclaw chat -p "..."`, or pick one with --resume <id>.');
      session = await sessions.open(latest.id);
      resumed = true;
    } else if (options.resume) {
      session = await sessions.open(options.resume);
      resumed = true;
    } else {
      session = await sessions.create({ cwd, provider: connection.id, model: connection.model, title: titleFrom(prompt) });
    }
    for (const repair of session.repairs) warn(`session ${session.id}: ${repair}`);
  }

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
    const provider = await createProvider(connection);
    const tools = new ToolRegistry(builtinTools());
    const output = createOutput(options.outputFormat);
    output({ type: 'session', id: session?.id ?? null, provider: connection.id, model: connection.model, cwd, resumed });
    const events = runAgent({
      provider,
      model: connection.model,
      modelInfo: modelInfo(connection.model, connection.settings.models?.[connection.model]),
      system: buildSystemPrompt({ cwd, toolNames: tools.names(), approvalMode: mode }),
      history: session ? contextMessages(session.entries) : [],
      input: prompt,
      tools,
      policy,
      session,
      maxTurns,
      maxOutputTokens: connection.settings.models?.[connection.model]?.maxOutputTokens ?? config.maxOutputTokens,
      retry: { ...defaultRetryPolicy, ...config.retry },
      noApproverHint: `To allow it, rerun with --approval ${mode === 'ask' || mode === 'read-only' ? 'auto-edit or full' : 'full'}, or --allow '<tool>(<pattern>)'`,
      toolContext: {
        cwd,
        limits: {
          shellTimeoutMs: config.tools?.shell?.timeoutMs ?? 120_000,
          shellMaxOutputBytes: config.tools?.shell?.maxOutputBytes ?? 30_000,
        },
        env: toolEnvironment(config, connection.settings.apiKeyEnv),
      },
      secrets: [connection.apiKey],
      signal: controller.signal,
    });
    for await (const event of events) {
      output(event);
      if (event.type === 'done') done = event;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    session?.close();
  }
  process.exitCode = done?.exitCode ?? ExitCode.runtime;
}

function parseMaxTurns(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_TURNS;
  const turns = Number(value);
  if (!Number.isInteger(turns) || turns < 1) throw usageError(`--max-turns must be a positive whole number, not "${value}"`);
  return turns;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The user's environment for tools, minus the API keys openclaw uses. */
function toolEnvironment(config: Config, apiKeyEnv: string | undefined): NodeJS.ProcessEnv {
  const hidden = new Set(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENCLAW_GATEWAY_TOKEN']);
  if (apiKeyEnv) hidden.add(apiKeyEnv);
  for (const provider of Object.values(config.providers ?? {})) if (provider.apiKeyEnv) hidden.add(provider.apiKeyEnv);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}

/**
 * Print mode's three outputs. stdout carries only the result; everything a person watching
 * wants to know (tool activity, retries, errors) goes to stderr.
 */
function createOutput(format: ChatOptions['outputFormat']): (event: AgentEvent) => void {
  const err = process.stderr;
  const progress = (event: AgentEvent) => {
    switch (event.type) {
      case 'tool_call':
        err.write(`${paint(err, 'cyan', '→')} ${event.name} ${paint(err, 'dim', keyArgument(event.args))}\n`);
        break;
      case 'tool_result':
        err.write(`  ${event.ok ? paint(err, 'green', '✓') : paint(err, 'red', '✗')} ${event.summary}\n`);
        break;
      case 'error':
        if (event.retryable) warn(event.message);
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
