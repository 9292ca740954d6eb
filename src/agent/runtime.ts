import { ApprovalStore } from '../policy/approvals.js';
import { Policy } from '../policy/policy.js';
import { createProvider, type ProviderConnection } from '../providers/connection.js';
import { modelInfo } from '../providers/models.js';
import { defaultRetryPolicy } from '../providers/retry.js';
import type { Message, Provider } from '../providers/types.js';
import type { ApprovalMode, Config } from '../store/config-schema.js';
import type { StorePaths } from '../store/paths.js';
import type { OpenSession } from '../store/sessions.js';
import { contextMessages } from '../store/transcript.js';
import { ToolRegistry, builtinTools } from '../tools/registry.js';
import type { ToolContext, ToolOutput } from '../tools/types.js';
import { buildSystemPrompt } from './context.js';
import type { AgentEvent } from './events.js';
import { redact, runAgent, type ApprovalAnswer, type ApprovalRequest } from './loop.js';

export interface AgentOptions {
  paths: StorePaths;
  config: Config;
  connection: ProviderConnection;
  cwd: string;
  mode: ApprovalMode;
  /** Rules from flags, added to the config's. */
  allow?: string[];
  deny?: string[];
  /** Absent for a run that is not persisted. */
  session?: OpenSession;
  maxTurns: number;
}

export interface SendOptions {
  signal: AbortSignal;
  /** Absent when nobody can approve (print mode, channels): such calls are denied. */
  approve?: (request: ApprovalRequest) => Promise<ApprovalAnswer>;
}

const DEFAULT_SHELL_TIMEOUT_MS = 120_000;
const DEFAULT_SHELL_OUTPUT_BYTES = 30_000;

/**
 * A conversation with the agent, held by a front end: print mode sends once, the TUI and the
 * gateway send many times. It owns what every run shares (provider, tools, policy, session,
 * the history in memory) so front ends only turn events into output.
 */
export class Agent {
  readonly policy: Policy;
  readonly tools: ToolRegistry;
  readonly approvals: ApprovalStore;
  private readonly history: Message[];
  /** Rules from approvals.json: their use is recorded as `lastUsed`. */
  private readonly savedRules: Set<string>;

  private constructor(
    readonly options: AgentOptions,
    private readonly provider: Provider,
  ) {
    const { config, cwd, paths } = options;
    this.approvals = new ApprovalStore(paths.home);
    this.savedRules = new Set(this.approvals.rulesFor(cwd));
    this.policy = new Policy({
      mode: options.mode,
      workspace: cwd,
      storeHome: paths.home,
      allow: [...(config.permissions?.allow ?? []), ...this.savedRules, ...(options.allow ?? [])],
      deny: [...(config.permissions?.deny ?? []), ...(options.deny ?? [])],
    });
    this.tools = new ToolRegistry(builtinTools());
    this.history = options.session ? contextMessages(options.session.entries) : [];
  }

  /** Loads the provider's SDK (only the one in use). */
  static async create(options: AgentOptions): Promise<Agent> {
    return new Agent(options, await createProvider(options.connection));
  }

  get sessionId(): string | null {
    return this.options.session?.id ?? null;
  }

  /** Runs the agent on one input; every event of the run, starting with `session`. */
  async *send(input: string, options: SendOptions): AsyncGenerator<AgentEvent> {
    const { config, connection, cwd, session } = this.options;
    yield { type: 'session', id: this.sessionId, provider: connection.id, model: connection.model, cwd, resumed: this.history.length > 0 };
    const modelSettings = connection.settings.models?.[connection.model];
    const events = runAgent({
      provider: this.provider,
      model: connection.model,
      modelInfo: modelInfo(connection.model, modelSettings),
      system: buildSystemPrompt({ cwd, toolNames: this.tools.names(), approvalMode: this.policy.mode }),
      history: this.history,
      input,
      tools: this.tools,
      policy: this.policy,
      session,
      maxTurns: this.options.maxTurns,
      maxOutputTokens: modelSettings?.maxOutputTokens ?? config.maxOutputTokens,
      retry: { ...defaultRetryPolicy, ...config.retry },
      approve: options.approve,
      onAlwaysAllow: async (rules) => {
        for (const rule of rules) {
          await this.approvals.add(rule, cwd);
          this.savedRules.add(rule);
        }
      },
      noApproverHint: `To allow it, rerun with --approval ${this.policy.mode === 'auto-edit' ? 'full' : 'auto-edit or full'}, or --allow '<tool>(<pattern>)'`,
      toolContext: this.toolContext(),
      secrets: [connection.apiKey],
      signal: options.signal,
    });
    for await (const event of events) {
      if (event.type === 'approval' && event.by === 'rule' && event.rule) {
        const used = event.rule.split(', ').filter((rule) => this.savedRules.has(rule));
        for (const rule of used) await this.approvals.touch(rule, cwd);
      }
      yield event;
    }
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
    const secrets = [this.options.connection.apiKey];
    return { ran: true, output: { ...output, content: redact(output.content, secrets), summary: redact(output.summary, secrets) } };
  }

  close(): void {
    this.options.session?.close();
  }

  private toolContext(): Omit<ToolContext, 'signal'> {
    const { config, connection, cwd } = this.options;
    return {
      cwd,
      limits: {
        shellTimeoutMs: config.tools?.shell?.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS,
        shellMaxOutputBytes: config.tools?.shell?.maxOutputBytes ?? DEFAULT_SHELL_OUTPUT_BYTES,
      },
      env: toolEnvironment(config, connection.settings.apiKeyEnv),
    };
  }
}

/** The user's environment for tools, minus the API keys openclaw uses. */
function toolEnvironment(config: Config, apiKeyEnv: string | undefined): NodeJS.ProcessEnv {
  const hidden = new Set(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENCLAW_GATEWAY_TOKEN']);
  if (apiKeyEnv) hidden.add(apiKeyEnv);
  for (const provider of Object.values(config.providers ?? {})) if (provider.apiKeyEnv) hidden.add(provider.apiKeyEnv);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}
