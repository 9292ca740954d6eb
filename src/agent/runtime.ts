import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { McpServers } from '../mcp/servers.js';
import type { MemoryStore } from '../memory/store.js';
import { memoryTools } from '../memory/tools.js';
import { ApprovalStore } from '../policy/approvals.js';
import { Policy } from '../policy/policy.js';
import { Redactor } from '../policy/redaction.js';
import { BubblewrapSandbox } from '../policy/sandbox.js';
import { createProvider, type ProviderConnection } from '../providers/connection.js';
import { modelInfo, type ModelInfo } from '../providers/models.js';
import { defaultRetryPolicy, type RetryPolicy } from '../providers/retry.js';
import type { Message, Provider } from '../providers/types.js';
import { allowedToolRules } from '../skills/allowed-tools.js';
import type { Skill } from '../skills/discovery.js';
import { expandSkillInvocation } from '../skills/invocation.js';
import { loadSessionSkills, skillForFile, type SessionSkills } from '../skills/session.js';
import { loadProjectSettings } from '../store/config.js';
import type { ApprovalMode, Config, SandboxMode } from '../store/config-schema.js';
import type { StorePaths } from '../store/paths.js';
import type { OpenSession } from '../store/sessions.js';
import { contextMessages } from '../store/transcript.js';
import { absolutePath } from '../tools/paths.js';
import { ToolRegistry, builtinTools } from '../tools/registry.js';
import type { ToolContext, ToolOutput } from '../tools/types.js';
import { compactConversation, compactionLimit, defaultCompaction, flushToMemory } from './compaction.js';
import { buildSystemPrompt } from './context.js';
import type { AgentEvent, CompactionEvent } from './events.js';
import { runAgent, type ApprovalAnswer, type ApprovalRequest } from './loop.js';
import { TokenCounter } from './tokens.js';

export interface AgentOptions {
  paths: StorePaths;
  config: Config;
  connection: ProviderConnection;
  cwd: string;
  mode: ApprovalMode;
  /** Rules from flags, added to the config's and the project's. */
  allow?: string[];
  deny?: string[];
  /** `--sandbox`; the config's `sandbox`, else `auto`, when absent. */
  sandbox?: SandboxMode;
  /** Absent for a run that is not persisted. */
  session?: OpenSession;
  /** The conversation so far of a run that is not persisted (the messages of an OpenAI-style request). */
  history?: Message[];
  maxTurns: number;
}

export interface SendOptions {
  signal: AbortSignal;
  /** Absent when nobody can approve (print mode, channels): such calls are denied. */
  approve?: (request: ApprovalRequest) => Promise<ApprovalAnswer>;
  /**
   * The input is already the session's last user message: a run cut off by a crash, which the
   * gateway resumes without recording the input twice.
   */
  resume?: boolean;
  /** The input is already on disk (the gateway's inbound log): the transcript need not sync it again. */
  inputDurable?: boolean;
}

const DEFAULT_SHELL_TIMEOUT_MS = 120_000;
const DEFAULT_SHELL_OUTPUT_BYTES = 30_000;
const DEFAULT_RECALL_TOKENS = 1_500;

/** Rules too broad to grant just because a skill's allowed-tools asks: every command, every file. */
const TOO_BROAD_FOR_A_SKILL = new Set(['shell', 'bash', 'exec', 'write', 'network']);

/**
 * A conversation with the agent, held by a front end: print mode sends once, the TUI and the
 * gateway send many times. It owns what every run shares (provider, tools, policy, session,
 * skills, memory, the history in memory) so front ends only turn events into output.
 */
export class Agent {
  readonly policy: Policy;
  readonly tools: ToolRegistry;
  readonly approvals: ApprovalStore;
  readonly skills: SessionSkills;
  /** Problems found while setting up (project settings, skills): for the front end to show. */
  readonly warnings: string[] = [];
  private readonly history: Message[];
  /** Rules from approvals.json: their use is recorded as `lastUsed`. */
  private readonly savedRules: Set<string>;
  private readonly redactor: Redactor;
  private readonly sandbox: BubblewrapSandbox | undefined;
  private memory: Promise<MemoryStore> | undefined;
  private readonly memoryEnabled: boolean;
  private readonly counter = new TokenCounter();
  private readonly activeSkills = new Set<string>();
  private prompt: { key: string; text: string } | undefined;
  private tooling: Omit<ToolContext, 'signal'> | undefined;
  /** Things to tell the person, raised outside a run's event stream (the sandbox's notice). */
  private readonly notices: string[] = [];
  /** Configured MCP servers: started at the first message, their tools registered then. */
  private readonly mcp: McpServers | undefined;
  private mcpTools: Promise<void> | undefined;

  private constructor(
    readonly options: AgentOptions,
    private readonly provider: Provider,
  ) {
    const { config, cwd, paths } = options;
    const project = loadProjectSettings(cwd);
    this.warnings.push(...project.warnings);
    this.skills = loadSessionSkills({ cwd, home: paths.home });
    for (const problem of this.skills.catalog.problems) this.warnings.push(`skill ${problem.file}${problem.line ? `:${problem.line}` : ''} skipped: ${problem.message}`);
    this.approvals = new ApprovalStore(paths.home);
    this.savedRules = new Set(this.approvals.rulesFor(cwd));
    this.policy = new Policy({
      mode: options.mode,
      workspace: cwd,
      storeHome: paths.home,
      allow: [...(config.permissions?.allow ?? []), ...project.settings.permissions.allow, ...this.savedRules, ...(options.allow ?? [])],
      ask: [...(config.permissions?.ask ?? []), ...project.settings.permissions.ask],
      deny: [...(config.permissions?.deny ?? []), ...project.settings.permissions.deny, ...(options.deny ?? [])],
      readRoots: this.skills.readRoots,
    });
    this.redactor = new Redactor([options.connection.apiKey, process.env.OPENCLAW_GATEWAY_TOKEN]);
    const sandboxMode = options.sandbox ?? config.sandbox ?? 'auto';
    if (sandboxMode === 'bwrap') BubblewrapSandbox.assertInstalled();
    this.sandbox =
      sandboxMode === 'off'
        ? undefined
        : new BubblewrapSandbox({
            mode: sandboxMode,
            workspace: cwd,
            storeHome: paths.home,
            network: this.policy.allowsNetwork(),
            notify: (message) => this.notices.push(message),
          });
    this.tools = new ToolRegistry(builtinTools());
    this.memoryEnabled = config.memory?.enabled !== false;
    if (this.memoryEnabled) for (const tool of memoryTools(() => this.memoryStore() as Promise<MemoryStore>)) this.tools.register(tool);
    const mcpServers = new McpServers(config.mcp?.servers ?? {}, { cwd, env: process.env, warn: (message) => this.notices.push(message) });
    this.mcp = mcpServers.configured ? mcpServers : undefined;
    this.history = options.session ? contextMessages(options.session.entries) : [...(options.history ?? [])];
  }

  /** Loads the provider's SDK (only the one in use). */
  static async create(options: AgentOptions): Promise<Agent> {
    return new Agent(options, await createProvider(options.connection));
  }

  get sessionId(): string | null {
    return this.options.session?.id ?? null;
  }

  /** Long-term memory, loaded on first use; undefined when turned off. */
  memoryStore(): Promise<MemoryStore> | undefined {
    if (!this.memoryEnabled) return undefined;
    return (this.memory ??= import('../memory/store.js').then(
      ({ MemoryStore }) => new MemoryStore({ home: this.options.paths.home, warn: (message) => this.notices.push(message) }),
    ));
  }

  get modelInfo(): ModelInfo {
    const { config, connection } = this.options;
    return modelInfo(connection.model, { contextWindow: config.contextWindow, ...connection.settings.models?.[connection.model] });
  }

  /**
   * Runs the agent on one input; every event of the run, starting with `session`. An input
   * `/name args` naming a user-invocable skill runs that skill.
   */
  async *send(input: string, options: SendOptions): AsyncGenerator<AgentEvent> {
    const { config, connection, cwd, session } = this.options;
    yield { type: 'session', id: this.sessionId, provider: connection.id, model: connection.model, cwd, resumed: this.history.length > 0 };
    if (this.mcp) {
      await (this.mcpTools ??= this.mcp.start().then((tools) => tools.forEach((tool) => this.tools.register(tool))));
      yield* this.drainNotices();
    }
    const invocation = expandSkillInvocation(input, this.skills.catalog.skills);
    if (invocation) this.activate(invocation.skill);
    const info = this.modelInfo;
    const compaction = { ...defaultCompaction, ...config.compaction };
    const limit = compactionLimit(info.contextWindow, compaction);
    const recallTokens = config.memory?.recallTokens ?? DEFAULT_RECALL_TOKENS;
    // Nothing to recall from an empty memory: the store is not even loaded.
    const recall = this.memoryEnabled && recallTokens > 0 && existsSync(this.options.paths.memory);
    const events = runAgent({
      provider: this.provider,
      model: connection.model,
      modelInfo: info,
      system: this.systemPrompt(),
      history: this.history,
      input: invocation?.message ?? input,
      resumeInput: options.resume,
      inputDurable: options.inputDurable,
      tools: this.tools,
      policy: this.policy,
      session,
      maxTurns: this.options.maxTurns,
      maxOutputTokens: this.maxOutputTokens(),
      retry: this.retry(),
      approve: options.approve,
      onAlwaysAllow: async (rules) => {
        for (const rule of rules) {
          await this.approvals.add(rule, cwd);
          this.savedRules.add(rule);
        }
      },
      noApproverHint: `To allow it, rerun with --approval ${this.policy.mode === 'auto-edit' ? 'full' : 'auto-edit or full'}, or --allow '<tool>(<pattern>)'`,
      toolContext: this.toolContext(),
      redactor: this.redactor,
      signal: options.signal,
      counter: this.counter,
      compaction: compaction.enabled === false ? undefined : { limit, keepRecentTokens: Math.min(compaction.keepRecentTokens, Math.floor(limit / 2)) },
      recall: recall ? async (text) => (await this.memoryStore())?.recall(text, { maxTokens: recallTokens }) : undefined,
      beforeCompaction: this.memoryEnabled ? (messages) => this.flushMemory(messages, options.signal) : undefined,
    });
    const reading = new Map<string, string>();
    for await (const event of events) {
      if (event.type === 'approval' && event.by === 'rule' && event.rule) {
        const used = event.rule.split(', ').filter((rule) => this.savedRules.has(rule));
        for (const rule of used) await this.approvals.touch(rule, cwd);
      }
      // Reading a SKILL.md is how the model takes a skill up: its allowed-tools apply from then on.
      if (event.type === 'tool_call' && event.name === 'read' && typeof (event.args as { path?: unknown })?.path === 'string') {
        reading.set(event.id, (event.args as { path: string }).path);
      }
      if (event.type === 'tool_result' && event.ok && reading.has(event.id)) {
        const skill = skillForFile(this.skills.catalog.skills, absolutePath(cwd, reading.get(event.id)!));
        if (skill) this.activate(skill);
      }
      yield event;
      yield* this.drainNotices();
    }
  }

  /** `/compact [focus]` and `openclaw session compact`: summarise the older part now. */
  async compact(focus: string | undefined, signal: AbortSignal): Promise<CompactionEvent | undefined> {
    if (this.memoryEnabled) await this.flushMemory(this.history, signal);
    return compactConversation({
      messages: this.history,
      session: this.options.session,
      counter: this.counter,
      keepTokens: Math.min({ ...defaultCompaction, ...this.options.config.compaction }.keepRecentTokens, Math.floor(this.contextTokens() / 3)),
      reason: 'manual',
      provider: this.provider,
      model: this.options.connection.model,
      retry: this.retry(),
      signal,
      focus,
    });
  }

  /** A rough size of the conversation in tokens, for status lines. */
  contextTokens(): number {
    let chars = 0;
    for (const message of this.history) chars += JSON.stringify(message).length;
    return this.counter.estimate(chars);
  }

  /**
   * Runs a command the person typed themselves (`!ls` in the TUI). The policy still decides: a
   * deny rule or read-only mode refuses it; where the mode would ask, typing it was the approval.
   */
  async runUserCommand(command: string, signal: AbortSignal): Promise<{ ran: false; why: string } | { ran: true; output: ToolOutput }> {
    const shell = this.tools.get('shell');
    if (!shell) return { ran: false, why: 'there is no shell tool' };
    const verdict = this.policy.decide(shell.name, shell.capability, { kind: 'command', command });
    if (verdict.decision === 'deny') return { ran: false, why: verdict.why };
    const output = await shell.run({ command }, { ...this.toolContext(), signal });
    return { ran: true, output: { ...output, content: this.redactor.redact(output.content), summary: this.redactor.redact(output.summary) } };
  }

  /** Notices raised since the last call (the sandbox falling back, a rebuilt memory index). */
  takeNotices(): string[] {
    return this.notices.splice(0);
  }

  /** Releases the session and stops the MCP servers (resolved once they have exited). */
  close(): Promise<void> {
    this.options.session?.close();
    return this.mcp?.close() ?? Promise.resolve();
  }

  private *drainNotices(): Generator<AgentEvent> {
    for (const message of this.takeNotices()) yield { type: 'notice', message };
  }

  /**
   * The system prompt, rebuilt only when what it says changes (the tools, the mode, AGENTS.md):
   * the same prefix on every request is also what lets providers cache it.
   */
  private systemPrompt(): string {
    const { cwd } = this.options;
    const key = `${this.policy.mode}|${this.tools.names().join(',')}|${agentsFileStamp(cwd)}`;
    if (this.prompt?.key !== key) {
      this.prompt = { key, text: buildSystemPrompt({ cwd, toolNames: this.tools.names(), approvalMode: this.policy.mode, skills: this.skills.index }) };
    }
    return this.prompt.text;
  }

  private maxOutputTokens(): number | undefined {
    const { config, connection } = this.options;
    return connection.settings.models?.[connection.model]?.maxOutputTokens ?? config.maxOutputTokens;
  }

  private retry(): RetryPolicy {
    return { ...defaultRetryPolicy, ...this.options.config.retry };
  }

  /** A skill in use: what its allowed-tools names is pre-approved, except rules that open everything. */
  private activate(skill: Skill): void {
    if (this.activeSkills.has(skill.name)) return;
    this.activeSkills.add(skill.name);
    for (const rule of allowedToolRules(skill.manifest.allowedTools).rules) {
      if (!TOO_BROAD_FOR_A_SKILL.has(rule)) this.policy.addRule('allow', rule);
    }
  }

  private async flushMemory(messages: Message[], signal: AbortSignal): Promise<void> {
    const tool = this.tools.get('memory_write');
    if (!tool || messages.length === 0) return;
    const written = await flushToMemory(messages, {
      provider: this.provider,
      model: this.options.connection.model,
      retry: this.retry(),
      signal,
      system: this.systemPrompt(),
      tool,
      context: this.toolContext(),
    }).catch(() => 0);
    if (written > 0) this.options.session?.append({ type: 'meta', note: `before compacting, ${written} fact(s) were saved to memory` });
  }

  private toolContext(): Omit<ToolContext, 'signal'> {
    const { config, connection, cwd } = this.options;
    return (this.tooling ??= {
      cwd,
      limits: {
        shellTimeoutMs: config.tools?.shell?.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS,
        shellMaxOutputBytes: config.tools?.shell?.maxOutputBytes ?? DEFAULT_SHELL_OUTPUT_BYTES,
      },
      env: toolEnvironment(config, connection.settings.apiKeyEnv),
      ...(this.sandbox ? { sandbox: this.sandbox } : {}),
    });
  }
}

function agentsFileStamp(cwd: string): string {
  // No exception for the common case of no AGENTS.md: building one costs more than the stat.
  const info = statSync(join(cwd, 'AGENTS.md'), { throwIfNoEntry: false });
  return info ? `${info.size}:${info.mtimeMs}` : '-';
}

/** The user's environment for tools, minus the API keys openclaw uses. */
function toolEnvironment(config: Config, apiKeyEnv: string | undefined): NodeJS.ProcessEnv {
  const hidden = new Set(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENCLAW_GATEWAY_TOKEN']);
  if (apiKeyEnv) hidden.add(apiKeyEnv);
  for (const provider of Object.values(config.providers ?? {})) if (provider.apiKeyEnv) hidden.add(provider.apiKeyEnv);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}
