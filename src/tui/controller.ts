import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AgentEvent } from '../agent/events.js';
import type { ApprovalAnswer, ApprovalRequest } from '../agent/loop.js';
import { Agent, type AgentOptions } from '../agent/runtime.js';
import { errorMessage } from '../errors.js';
import { APPROVAL_MODES } from '../policy/policy.js';
import { modelInfo } from '../providers/models.js';
import type { Usage } from '../providers/types.js';
import type { ApprovalMode } from '../store/config-schema.js';
import { SessionStore, type SessionMeta } from '../store/sessions.js';
import type { TranscriptEntry } from '../store/transcript.js';
import { toolTarget, type NewBlock, type NoticeTone } from './blocks.js';
import { KEY_HELP, SLASH_COMMANDS, findCommand, parseSlash, suggestCommand, type SlashCommand } from './commands.js';
import { ConversationView, type RunningTool, type Transcript } from './conversation.js';
import type { PromptHistory } from './input/history.js';
import { attachMentions } from './input/mentions.js';
import { conversationBlocks } from './resume-view.js';
import type { SkillCommands } from './skills.js';
import { plural, sanitize } from './text.js';
import type { Theme } from './theme.js';

/** At most this many frames a second reach React; deltas in between only accumulate. */
const FRAME_MS = 33;
const CTRL_C_HINT = 'Press Ctrl+C again to exit';

export interface PendingApproval {
  request: ApprovalRequest;
  target: string;
}

export interface StatusView {
  provider: string;
  model: string;
  session: string | null;
  mode: ApprovalMode;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  /** Share of the model's context window the last request used; undefined before any. */
  contextPercent: number | undefined;
}

export interface LiveView {
  busy: boolean;
  /** When the running turn started. */
  since: number | undefined;
  /** What is happening when it is not the model: "interrupting", "$ ls". */
  activity: string | undefined;
  thinking: string[];
  reply: string[];
  tools: RunningTool[];
  approval: PendingApproval | undefined;
  queue: string[];
}

/** Everything the screen shows, as one immutable snapshot per frame. */
export interface ChatView {
  transcript: Transcript;
  live: LiveView;
  status: StatusView;
  /** A passing hint under the prompt ("Press Ctrl+C again to exit"). */
  hint: string | undefined;
  picker: SessionMeta[] | undefined;
}

export interface Viewport {
  columns: number;
  /** Rows the streaming reply may take in the live region. */
  replyRows: number;
}

export interface ChatControllerOptions {
  agent: Agent;
  /** Opens a new session, or the one to resume; the current one is closed first. */
  openAgent: (target: { resume?: string }) => Promise<Agent>;
  listSessions: () => Promise<SessionMeta[]>;
  /** A session as Markdown, for /export. */
  exportMarkdown: (meta: SessionMeta, entries: TranscriptEntry[]) => Promise<string>;
  /** User-invocable skills, run as `/name`. */
  skills: SkillCommands;
  history: PromptHistory;
  theme: Theme;
  version: string;
  viewport: Viewport;
}

/**
 * The interactive session without the terminal: it sends inputs to the agent, answers
 * approvals, runs slash commands and `!commands`, queues what is typed while a turn runs, and
 * publishes a snapshot of the screen at most once a frame. React renders the snapshots; nothing
 * here knows about Ink.
 */
export class ChatController {
  private agent: Agent;
  private readonly conversation: ConversationView;
  private view: ChatView;
  private readonly listeners = new Set<() => void>();
  private frameTimer: NodeJS.Timeout | undefined;
  private lastFrame = 0;

  private approval: (PendingApproval & { answer: (answer: ApprovalAnswer) => void }) | undefined;
  private readonly queue: string[] = [];
  private running = false;
  private since: number | undefined;
  private activity: string | undefined;
  private abort: AbortController | undefined;
  private turnDone: Promise<void> = Promise.resolve();
  private hint: string | undefined;
  private hintTimer: NodeJS.Timeout | undefined;
  private picker: SessionMeta[] | undefined;
  private status: StatusView;
  /** Rules granted "for this session": kept when /model or /approval rebuild the agent. */
  private readonly sessionRules: string[] = [];
  /** Output of `!commands`, given to the model with the next message. */
  private shellContext: string[] = [];

  private exitRequested = false;
  private resolveExit!: () => void;
  /** Settles when the person has asked to leave and the running turn (if any) has ended. */
  readonly exited: Promise<void>;

  constructor(private readonly options: ChatControllerOptions) {
    this.agent = options.agent;
    const { columns, replyRows } = options.viewport;
    this.conversation = new ConversationView(options.theme, () => this.cwd, columns, replyRows);
    this.status = statusOf(this.agent);
    this.exited = new Promise((resolvePromise) => (this.resolveExit = resolvePromise));
    this.view = this.snapshot();
    this.welcome();
  }

  get sessionId(): string | null {
    return this.agent.sessionId;
  }

  /** Whether a turn (or a `!command`) is running. */
  get busy(): boolean {
    return this.running;
  }

  get history(): PromptHistory {
    return this.options.history;
  }

  /** Skills offered as slash commands, for completion. */
  get skillCommands(): SlashCommand[] {
    return this.options.skills.commands;
  }

  get cwd(): string {
    return this.agent.options.cwd;
  }

  /** The agent in use now (it changes with /new, /resume, /model, /approval). */
  currentAgent(): Agent {
    return this.agent;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): ChatView => this.view;

  setViewport({ columns, replyRows }: Viewport): void {
    this.options.viewport = { columns, replyRows };
    this.conversation.resize(columns, replyRows);
    this.scheduleFrame();
  }

  /** What the person typed and sent. While a turn runs it waits in the queue. */
  submit(text: string): void {
    if (!text.trim() || this.exitRequested) return;
    this.options.history.add(text, this.cwd);
    const slash = parseSlash(text);
    if (slash?.name === 'exit' || slash?.name === 'quit') {
      void this.exit();
    } else if (this.running || this.picker) {
      this.queue.push(text);
      this.scheduleFrame(true);
    } else {
      void this.dispatch(text);
    }
  }

  /** Esc or Ctrl+C during a turn: stops it; what was answered so far stays. */
  interrupt(): void {
    if (!this.running || !this.abort) return;
    this.approval?.answer({ decision: 'deny', reason: 'the user interrupted the run' });
    this.abort.abort(new Error('interrupted'));
    this.activity = 'interrupting';
    this.scheduleFrame(true);
  }

  answerApproval(answer: ApprovalAnswer): void {
    this.approval?.answer(answer);
  }

  /** The first Ctrl+C on an empty prompt arms exiting; the second (within 2 s) exits. */
  armExit(): boolean {
    if (this.hint === CTRL_C_HINT) return true;
    this.showHint(CTRL_C_HINT, 2000);
    return false;
  }

  /** Ctrl+O: the last tool output or thinking, in full, into the scrollback. */
  expandLast(): void {
    const target = this.conversation.expandable;
    if (!target) {
      this.showHint('Nothing to expand yet', 1500);
      return;
    }
    const text = 'text' in target ? target.text : this.toolOutput(target.toolCallId);
    this.show({ kind: 'output', title: target.title, text: sanitize(text ?? '(the output was not kept: this run is not saved as a session)'), clipped: false });
  }

  /** Ctrl+T: thinking shown in full from now on, or collapsed to one line. */
  toggleThinking(): void {
    this.conversation.showThinking = !this.conversation.showThinking;
    this.showHint(this.conversation.showThinking ? 'Thinking: shown' : 'Thinking: collapsed (Ctrl+O shows the last)', 2000);
  }

  /** The /resume picker's choice (undefined when it was cancelled). */
  async pickSession(id: string | undefined): Promise<void> {
    this.picker = undefined;
    this.scheduleFrame(true);
    try {
      if (id) await this.switchSession({ resume: id });
    } catch (error) {
      this.notice('error', errorMessage(error));
    }
    this.drainQueue();
  }

  /** Leaves: interrupts a running turn and waits for it to end so the session is complete. */
  async exit(): Promise<void> {
    if (this.exitRequested) return;
    this.exitRequested = true;
    this.queue.length = 0;
    this.interrupt();
    await this.turnDone;
    this.flush();
    this.resolveExit();
  }

  // ------------------------------------------------------------------------------------------
  // Inputs

  private async dispatch(text: string): Promise<void> {
    const slash = parseSlash(text);
    try {
      if (slash) await this.runCommand(slash.name, slash.argument, text);
      else if (text.startsWith('!') && text.slice(1).trim()) await this.runShell(text.slice(1).trim());
      else await this.runTurn(text);
    } catch (error) {
      this.notice('error', errorMessage(error));
    }
    this.drainQueue();
  }

  private drainQueue(): void {
    if (this.running || this.picker || this.exitRequested) return;
    const next = this.queue.shift();
    if (next !== undefined) void this.dispatch(next);
  }

  /** Sends what was typed (or, for a skill's `/name`, the message that runs it) to the agent. */
  private async runTurn(typed: string, expanded?: string): Promise<void> {
    const agent = this.agent;
    this.show({ kind: 'user', text: sanitize(typed) });
    const message = expanded ?? this.withAttachments(typed);
    const input = [...this.shellContext, message].join('\n\n');
    this.shellContext = [];
    await this.whileBusy(async (signal) => {
      for await (const event of agent.send(input, { signal, approve: (request) => this.askApproval(request, signal) })) this.onEvent(event);
    });
  }

  /** The message with the files it mentions as `@path` attached, as far as the policy allows reading them. */
  private withAttachments(text: string): string {
    const { policy } = this.agent;
    const { message, attached, skipped } = attachMentions(text, this.cwd, (path) => {
      const verdict = policy.decide('read', 'read', { kind: 'paths', paths: [path] });
      return verdict.decision === 'allow' ? undefined : verdict.why;
    });
    for (const file of attached) this.notice('muted', `attached ${file.path} (${plural(file.lines, 'line')})`);
    for (const file of skipped) this.notice('warning', `not attached ${file.path}: ${file.why}`);
    return message;
  }

  private async runShell(command: string): Promise<void> {
    const agent = this.agent;
    this.show({ kind: 'user', text: `!${sanitize(command)}` });
    this.activity = `$ ${command}`;
    await this.whileBusy(async (signal) => {
      const result = await agent.runUserCommand(command, signal);
      if (!result.ran) {
        this.notice('warning', `Not run: ${result.why}`);
        return;
      }
      const { summary, content } = result.output;
      this.show({ kind: 'output', title: sanitize(summary), text: sanitize(content), clipped: true });
      this.conversation.expandable = { title: summary, text: content };
      this.shellContext.push(`I ran \`${command}\` in the shell:\n\`\`\`\n${content.trimEnd()}\n\`\`\``);
    });
  }

  /** Runs work as "the turn": busy, interruptible, never throwing at the person. */
  private async whileBusy(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const abort = new AbortController();
    let finished!: () => void;
    this.turnDone = new Promise((resolvePromise) => (finished = resolvePromise));
    this.abort = abort;
    this.running = true;
    this.since = Date.now();
    this.scheduleFrame(true);
    try {
      await work(abort.signal);
    } catch (error) {
      if (!abort.signal.aborted) this.notice('error', errorMessage(error));
    } finally {
      this.conversation.endTurn();
      if (abort.signal.aborted && this.activity === 'interrupting') this.notice('muted', 'Interrupted. What was answered so far is kept; send a message to continue.');
      this.running = false;
      this.since = undefined;
      this.activity = undefined;
      this.abort = undefined;
      this.scheduleFrame(true);
      finished();
    }
  }

  private onEvent(event: AgentEvent): void {
    if (event.type === 'session') {
      this.status = { ...this.status, session: event.id, provider: event.provider, model: event.model };
    } else if (event.type === 'usage') {
      const { connection } = this.agent.options;
      const window = modelInfo(this.status.model, connection.settings.models?.[this.status.model]).contextWindow;
      this.status = {
        ...this.status,
        tokensIn: this.status.tokensIn + event.input + event.cacheRead + event.cacheWrite,
        tokensOut: this.status.tokensOut + event.output,
        cost: this.status.cost + event.cost,
        contextPercent: contextShare(event, window),
      };
    }
    this.scheduleFrame(this.conversation.apply(event));
  }

  private askApproval(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    this.conversation.showProposal(request);
    return new Promise((resolvePromise) => {
      const answer = (value: ApprovalAnswer) => {
        if (this.approval?.request !== request) return;
        this.approval = undefined;
        signal.removeEventListener('abort', onAbort);
        const rules = request.suggestedRules;
        if (value.decision === 'allow' && rules.length > 0 && value.scope === 'session') {
          this.sessionRules.push(...rules);
          this.notice('success', `Allowed for this session: ${rules.join(', ')}`);
        } else if (value.decision === 'allow' && rules.length > 0 && value.scope === 'always') {
          this.notice('success', `Saved: ${rules.join(', ')} (manage with \`openclaw approvals\`)`);
        }
        this.scheduleFrame(true);
        resolvePromise(value);
      };
      const onAbort = () => answer({ decision: 'deny', reason: 'the user interrupted the run' });
      signal.addEventListener('abort', onAbort, { once: true });
      this.approval = { request, target: toolTarget(request.args), answer };
      this.scheduleFrame(true);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Slash commands

  private async runCommand(name: string, argument: string, typed: string): Promise<void> {
    const command = findCommand(name);
    if (!command) {
      const skill = this.options.skills.expand(typed);
      if (skill !== undefined) return this.runTurn(typed, typed);
    }
    this.show({ kind: 'user', text: sanitize(typed) });
    if (!command) {
      const suggestion = suggestCommand(name, this.options.skills.commands);
      this.notice('warning', `Unknown command /${name}.${suggestion ? ` Did you mean /${suggestion}?` : ''} /help lists the commands.`);
      return;
    }
    switch (command.name) {
      case 'help':
        return this.notice('info', helpText());
      case 'new':
      case 'clear':
        return this.switchSession({});
      case 'resume':
        return argument ? this.switchSession({ resume: argument }) : this.openPicker();
      case 'model':
        return this.changeModel(argument);
      case 'approval':
        return this.changeMode(argument);
      case 'cost':
        return this.notice('info', this.costText());
      case 'export':
        return this.exportSession(argument);
      case 'exit':
        return this.exit();
      case 'skills':
        return this.notice('info', this.skillsText());
      case 'compact':
        return this.compactNow(argument);
      case 'memory':
        return this.showMemory(argument);
      default:
        return this.notice('muted', `/${command.name} is not available in this version yet.`);
    }
  }

  private async compactNow(focus: string): Promise<void> {
    const agent = this.agent;
    this.activity = 'compacting';
    await this.whileBusy(async (signal) => {
      const event = await agent.compact(focus || undefined, signal);
      if (!event) this.notice('muted', 'Nothing to compact yet: the conversation is short.');
      else this.notice('success', `Compacted: ${event.summarized} older messages summarised, ${event.kept} kept (~${event.tokensBefore} → ~${event.tokensAfter} tokens). The full history stays in the transcript.`);
    });
  }

  /** `/memory` lists what is remembered; `/memory <words>` searches it. */
  private async showMemory(query: string): Promise<void> {
    const opening = this.agent.memoryStore();
    if (!opening) return this.notice('muted', 'Memory is turned off (config memory.enabled).');
    try {
      const memory = await opening;
      const entries = query ? await memory.search(query, { limit: 10 }) : (await memory.list()).slice(-15);
      if (entries.length === 0) return this.notice('muted', query ? `Nothing in memory matches "${query}".` : `Memory is empty. Facts the agent saves, or \`openclaw memory add\`, go to ${memory.dir}.`);
      const lines = entries.map((entry) => `  ${entry.id.slice(0, 8)}  ${entry.durable ? '[durable] ' : ''}${sanitize(entry.text.replace(/\s+/g, ' ')).slice(0, 100)}`);
      this.notice('info', [`${query ? `Memory matching "${query}"` : 'Memory (latest)'} — files in ${memory.dir}:`, ...lines].join('\n'));
    } catch (error) {
      this.notice('error', errorMessage(error));
    }
  }

  private async switchSession(target: { resume?: string }): Promise<void> {
    const previous = this.agent;
    if (target.resume && target.resume === previous.sessionId) {
      this.notice('muted', `Already in session ${target.resume}.`);
      return;
    }
    const kept = await closeSession(previous);
    try {
      this.agent = await this.options.openAgent(target);
    } catch (error) {
      this.notice('error', errorMessage(error));
      this.agent = await this.options.openAgent({ resume: kept });
    }
    this.sessionRules.length = 0;
    this.shellContext = [];
    this.conversation.forgetSession();
    this.status = statusOf(this.agent);
    if (target.resume) this.showEarlierConversation();
    this.notice('success', this.agent.sessionId ? `${target.resume ? 'Resumed' : 'New'} session ${this.agent.sessionId}` : 'New conversation (not saved)');
  }

  private async openPicker(): Promise<void> {
    const sessions = (await this.options.listSessions()).filter((meta) => meta.id !== this.agent.sessionId);
    if (sessions.length === 0) {
      this.notice('muted', 'No other sessions to resume.');
      return;
    }
    this.picker = sessions;
    this.scheduleFrame(true);
  }

  private async changeModel(model: string): Promise<void> {
    const { connection } = this.agent.options;
    if (!model) {
      const configured = Object.keys(connection.settings.models ?? {});
      this.notice('info', `Model: ${connection.id}/${connection.model}${configured.length ? `\nConfigured: ${configured.join(', ')}` : ''}\nSwitch with /model <id>.`);
      return;
    }
    if (!(await this.rebuildAgent({ connection: { ...connection, model } }))) return;
    this.status = { ...this.status, model, contextPercent: undefined };
    this.notice('success', `Model: ${connection.id}/${model}`);
  }

  private async changeMode(mode: string): Promise<void> {
    if (!mode) {
      this.notice('info', `Approval mode: ${this.agent.policy.mode}. Modes: ${APPROVAL_MODES.join(', ')}.`);
      return;
    }
    if (!APPROVAL_MODES.includes(mode as ApprovalMode)) {
      this.notice('warning', `Unknown approval mode "${mode}". Modes: ${APPROVAL_MODES.join(', ')}.`);
      return;
    }
    if (!(await this.rebuildAgent({ mode: mode as ApprovalMode }))) return;
    this.status = { ...this.status, mode: mode as ApprovalMode };
    this.notice('success', `Approval mode: ${mode}`);
  }

  /** Same session, new settings. A run that is not saved would lose its history: refused. */
  private async rebuildAgent(change: Partial<AgentOptions>): Promise<boolean> {
    const options = this.agent.options;
    if (!options.session) {
      this.notice('warning', 'This conversation is not saved (--no-session), so it cannot switch settings; restart with the option instead.');
      return false;
    }
    try {
      this.agent = await Agent.create({ ...options, allow: [...(options.allow ?? []), ...this.sessionRules], ...change });
      return true;
    } catch (error) {
      this.notice('error', errorMessage(error));
      return false;
    }
  }

  private async exportSession(argument: string): Promise<void> {
    const session = this.agent.options.session;
    if (!session) {
      this.notice('warning', 'This conversation is not saved (--no-session): nothing to export.');
      return;
    }
    const path = resolve(this.cwd, argument || `openclaw-${session.id}.md`);
    try {
      writeFileSync(path, await this.options.exportMarkdown(session.meta, session.entries), { mode: 0o600 });
      this.notice('success', `Wrote ${path}`);
    } catch (error) {
      this.notice('error', `Cannot write ${path}: ${errorMessage(error)}`);
    }
  }

  private skillsText(): string {
    const skills = this.options.skills.commands;
    if (skills.length === 0) return 'No skills to run here. `openclaw skill list` shows where skills are looked for.';
    const column = Math.max(...skills.map((skill) => skill.name.length)) + 3;
    return ['Skills (run one as /name, with a request after it):', ...skills.map((skill) => `  ${`/${skill.name}`.padEnd(column)}${skill.description}`)].join('\n');
  }

  private costText(): string {
    const { tokensIn, tokensOut, cost, contextPercent } = this.status;
    return [
      `Tokens: ${tokensIn.toLocaleString('en-US')} in, ${tokensOut.toLocaleString('en-US')} out`,
      `Cost: $${cost.toFixed(4)}${cost === 0 ? ' (no price known for this model)' : ''}`,
      contextPercent === undefined ? undefined : `Context: ${contextPercent}% of the window used by the last request`,
    ]
      .filter(Boolean)
      .join('\n');
  }

  // ------------------------------------------------------------------------------------------
  // The screen

  private welcome(): void {
    const { connection, session } = this.agent.options;
    this.show({
      kind: 'welcome',
      version: this.options.version,
      model: `${connection.id}/${connection.model}`,
      cwd: this.cwd,
      session: this.agent.sessionId,
      resumed: Boolean(session && session.entries.length > 0),
    });
    this.showEarlierConversation();
  }

  /** A resumed session shows its last exchanges, so the scrollback reads on from them. */
  private showEarlierConversation(): void {
    const session = this.agent.options.session;
    if (!session || session.entries.length === 0) return;
    for (const block of conversationBlocks(session, this.options.viewport.columns, this.options.theme)) this.conversation.push(block);
  }

  private show(block: NewBlock): void {
    this.conversation.push(block);
    this.scheduleFrame(true);
  }

  private notice(tone: NoticeTone, text: string): void {
    this.show({ kind: 'notice', tone, text });
  }

  private showHint(text: string, ms: number): void {
    clearTimeout(this.hintTimer);
    this.hint = text;
    this.hintTimer = setTimeout(() => {
      this.hint = undefined;
      this.scheduleFrame(true);
    }, ms);
    this.hintTimer.unref();
    this.scheduleFrame(true);
  }

  private toolOutput(toolCallId: string): string | undefined {
    const entries = this.agent.options.session?.entries ?? [];
    for (let index = entries.length - 1; index >= 0; index--) {
      const entry = entries[index];
      if (entry.type === 'message' && entry.message.role === 'tool' && entry.message.toolCallId === toolCallId) return entry.message.content;
    }
    return undefined;
  }

  /**
   * Frames are throttled: a stream of deltas costs one snapshot per FRAME_MS, not one per delta.
   * `urgent` (a key press, a tool starting) draws on the next tick.
   */
  private scheduleFrame(urgent = false): void {
    if (this.frameTimer && !urgent) return;
    clearTimeout(this.frameTimer);
    const wait = urgent ? 0 : Math.max(0, this.lastFrame + FRAME_MS - Date.now());
    this.frameTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    this.lastFrame = Date.now();
    this.view = this.snapshot();
    for (const listener of this.listeners) listener();
  }

  private snapshot(): ChatView {
    const frame = this.conversation.frame();
    return {
      transcript: frame.transcript,
      live: {
        busy: this.running,
        since: this.since,
        activity: this.activity,
        thinking: frame.thinking,
        reply: frame.reply,
        tools: frame.tools,
        approval: this.approval ? { request: this.approval.request, target: this.approval.target } : undefined,
        queue: [...this.queue],
      },
      status: this.status,
      hint: this.hint,
      picker: this.picker,
    };
  }
}

/**
 * Closes an agent's session. One nothing was said in is removed rather than left behind empty.
 * Returns the id of the session kept, if any.
 */
export async function closeSession(agent: Agent): Promise<string | undefined> {
  const session = agent.options.session;
  agent.close();
  if (!session) return undefined;
  if (session.entries.length > 0) return session.id;
  await new SessionStore(agent.options.paths).remove(session.id).catch(() => undefined);
  return undefined;
}

function statusOf(agent: Agent): StatusView {
  const { connection, session } = agent.options;
  const window = modelInfo(connection.model, connection.settings.models?.[connection.model]).contextWindow;
  const last = session ? lastUsage(session.entries) : undefined;
  const tokens = session?.meta.tokens;
  return {
    provider: connection.id,
    model: connection.model,
    session: agent.sessionId,
    mode: agent.policy.mode,
    tokensIn: tokens ? tokens.input + tokens.cacheRead + tokens.cacheWrite : 0,
    tokensOut: tokens?.output ?? 0,
    cost: session?.meta.cost ?? 0,
    contextPercent: last ? contextShare(last, window) : undefined,
  };
}

function helpText(): string {
  const commands: Array<[string, string]> = SLASH_COMMANDS.map((command) => [`/${command.name}${command.argument ? ` ${command.argument}` : ''}`, command.description]);
  const column = Math.max(...[...commands, ...KEY_HELP].map(([name]) => name.length)) + 2;
  const rows = (pairs: ReadonlyArray<[string, string]>) => pairs.map(([name, what]) => `  ${name.padEnd(column)}${what}`);
  return ['Commands:', ...rows(commands), '', 'Keys:', ...rows(KEY_HELP)].join('\n');
}

function contextShare(usage: Usage, window: number): number {
  return Math.min(100, Math.round(((usage.input + usage.cacheRead + usage.cacheWrite) / window) * 100));
}

function lastUsage(entries: TranscriptEntry[]): Usage | undefined {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.type === 'message' && entry.message.role === 'assistant' && entry.message.usage.input + entry.message.usage.cacheRead > 0) return entry.message.usage;
  }
  return undefined;
}
