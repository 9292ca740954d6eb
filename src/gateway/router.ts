import type { AgentEvent, DoneEvent } from '../agent/events.js';
import type { Agent } from '../agent/runtime.js';
import { splitMessage } from '../channels/split.js';
import { sessionKeyOf, type ChannelAdapter, type ChannelTarget, type InboundEnvelope, type Receipt, type RunListener, type UnsavedRun } from '../channels/types.js';
import { ExitCode, OpenclawError, errorMessage } from '../errors.js';
import { emptyUsage, messageText, toolCalls, type Message } from '../providers/types.js';
import { randomHex } from '../store/ids.js';
import type { TranscriptEntry } from '../store/transcript.js';
import type { InboundLog, PendingMessage } from './inbound-log.js';
import { ConcurrencyLimit, SessionLane } from './lanes.js';
import type { GatewayLogger } from './logger.js';
import type { HeldSession, SessionPool } from './sessions.js';

/** A message in a lane: durable (or deliberately not), waiting for or holding its turn. */
interface LaneMessage {
  id: string;
  key: string;
  envelope: InboundEnvelope;
  listener?: RunListener;
  requestId: string;
  /** On disk: resolves once the `received` record is synced. */
  durable: Promise<void>;
  /** Resumed after a restart that found its run started: where that run began. */
  resumeFrom?: { session: string; after: string | null };
  /** A run with no session and no log entry. */
  unsaved?: UnsavedRun;
  controller?: AbortController;
  aborted?: boolean;
}

/** Not a message: work on the session that must wait for the messages before it (`/new`). */
interface LaneControl {
  kind: 'control';
  id: string;
  run(): Promise<void>;
  /** The work will not be done (the gateway is shutting down). */
  cancel(reason: Error): void;
}

type LaneItem = LaneMessage | LaneControl;

function isControl(item: LaneItem): item is LaneControl {
  return (item as LaneControl).kind === 'control';
}

export interface RouterOptions {
  log: InboundLog;
  sessions: SessionPool;
  limit: ConcurrencyLimit;
  maxQueuePerSession: number;
  adapters: Map<string, ChannelAdapter>;
  /** An Agent with no session, for unsaved runs. */
  unsavedAgent: (history: Message[]) => Promise<Agent>;
  logger: GatewayLogger;
}

/**
 * Routes inbound messages to sessions. Every message maps to a session key; each key has a FIFO
 * lane that runs one message at a time; a global limit bounds the runs across lanes. A message is
 * in the inbound log before it is acknowledged, and marked done when its run ends, so a restart
 * resumes exactly what was left unfinished.
 */
export class Router {
  private readonly lanes = new Map<string, SessionLane<LaneItem>>();
  private readonly active = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: RouterOptions) {}

  get accepting(): boolean {
    return !this.closing;
  }

  async receive(envelope: InboundEnvelope, options: { listener?: RunListener; requestId?: string } = {}): Promise<Receipt> {
    const key = sessionKeyOf(envelope);
    if (this.closing) return { status: 'closing', sessionKey: key };
    const seen = this.options.log.lookup(envelope.channel, envelope.messageId);
    if (seen) return { status: 'duplicate', messageId: seen.id, sessionKey: key, state: seen.state };
    const lane = this.lane(key);
    if (lane.waiting.length >= this.options.maxQueuePerSession) {
      return { status: 'busy', sessionKey: key, waiting: lane.waiting.length, retryAfterSeconds: 5 };
    }
    const id = newMessageId();
    const requestId = options.requestId ?? id;
    // Written before anything else can happen; synced before the acknowledgement below.
    const durable = this.options.log.received(id, key, envelope);
    const message: LaneMessage = { id, key, envelope, listener: options.listener, requestId, durable };
    const position = lane.waiting.length + (lane.current ? 1 : 0);
    lane.waiting.push(message);
    this.options.logger.info({ reqId: requestId, messageId: id, key, channel: envelope.channel, position }, 'message received');
    this.pump(lane);
    await durable;
    return { status: 'accepted', messageId: id, sessionKey: key, position };
  }

  runUnsaved(run: UnsavedRun, options: { listener: RunListener; requestId?: string }): Receipt {
    const id = newMessageId();
    const key = `${run.channel}:unsaved:${id}`;
    if (this.closing) return { status: 'closing', sessionKey: key };
    const envelope: InboundEnvelope = {
      channel: run.channel,
      account: 'default',
      chat: { id, type: 'dm' },
      sender: { id: 'unsaved' },
      text: run.text,
      mentionsBot: true,
      timestamp: new Date().toISOString(),
      sessionKey: key,
    };
    const lane = this.lane(key);
    lane.waiting.push({ id, key, envelope, listener: options.listener, requestId: options.requestId ?? id, durable: Promise.resolve(), unsaved: run });
    this.pump(lane);
    return { status: 'accepted', messageId: id, sessionKey: key, position: 0 };
  }

  /** Queues what the inbound log says was left unfinished, in the order it arrived. */
  resume(pending: PendingMessage[]): void {
    for (const message of pending) {
      const lane = this.lane(message.key);
      lane.waiting.push({
        id: message.id,
        key: message.key,
        envelope: message.envelope,
        requestId: message.id,
        durable: Promise.resolve(),
        resumeFrom: message.running,
      });
      this.options.logger.info({ reqId: message.id, messageId: message.id, key: message.key, started: Boolean(message.running) }, 'message resumed');
      this.pump(lane);
    }
  }

  /**
   * Starts a new session for a key once the messages already in its lane are done, so a chat's
   * `/new` never cuts into the answer to what was sent before it.
   */
  newSession(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const lane = this.lane(key);
      lane.waiting.push({ kind: 'control', id: newMessageId(), run: () => this.options.sessions.renew(key).then(() => resolve(), reject), cancel: reject });
      this.pump(lane);
    });
  }

  /** Stops a session's running message and drops its waiting ones; or only `messageId`. */
  abort(key: string, messageId?: string): number {
    const lane = this.lanes.get(key);
    if (!lane) return 0;
    let count = 0;
    for (const message of [...lane.waiting]) {
      if (isControl(message) || (messageId !== undefined && message.id !== messageId)) continue;
      lane.waiting.splice(lane.waiting.indexOf(message), 1);
      message.aborted = true;
      this.endUnrun(message);
      count++;
    }
    const current = lane.current;
    if (current && !isControl(current) && !current.aborted && (messageId === undefined || current.id === messageId)) {
      current.aborted = true;
      current.controller?.abort(new Error('aborted'));
      count++;
    }
    if (lane.idle) this.lanes.delete(key);
    return count;
  }

  stats(): { lanes: number; running: number; waitingForSlot: number; queued: number; pending: number } {
    let queued = 0;
    for (const lane of this.lanes.values()) queued += lane.waiting.length;
    return {
      lanes: this.lanes.size,
      running: this.options.limit.running,
      waitingForSlot: this.options.limit.waiting,
      queued,
      pending: this.options.log.pendingCount,
    };
  }

  /**
   * Stops taking messages and lets running turns finish until `deadline` (on the monotonic
   * `performance.now()` clock, which a wall-clock change cannot move); turns still running
   * then are interrupted and stay `running` in the log, so the next start continues them.
   * Waiting messages stay `received`: they are durable and run after the restart.
   */
  async drain(deadline: number): Promise<void> {
    this.closing = true;
    for (const lane of this.lanes.values()) {
      for (const item of lane.waiting.splice(0)) {
        if (isControl(item)) item.cancel(new Error('the gateway is restarting'));
        else emit(item, { type: 'notice', message: 'the gateway is restarting: this message runs when it is back' });
      }
    }
    const all = () => Promise.allSettled([...this.active]);
    const timeLeft = deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all().then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeLeft)))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const { current } of this.lanes.values()) if (current && !isControl(current)) current.controller?.abort(new Error('the gateway is shutting down'));
      await all();
    }
  }

  private lane(key: string): SessionLane<LaneItem> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new SessionLane(key);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private pump(lane: SessionLane<LaneItem>): void {
    if (lane.current || lane.waiting.length === 0) return;
    const message = lane.waiting.shift()!;
    lane.current = message;
    // Started at once: a run that can begin now records its start in the same loop turn as the
    // message itself, so one sync of the inbound log covers both. Its events may reach the
    // listener before `receive` resolves; adapters hold them until they have acknowledged.
    const run: Promise<void> = this.execute(message)
      .catch((error: unknown) => this.options.logger.error({ reqId: isControl(message) ? message.id : message.requestId, messageId: message.id, err: errorMessage(error) }, 'run failed'))
      .finally(() => {
        lane.current = undefined;
        this.active.delete(run);
        if (lane.idle) {
          if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
        } else if (!this.closing) {
          this.pump(lane);
        }
      });
    this.active.add(run);
  }

  private async execute(message: LaneItem): Promise<void> {
    if (isControl(message)) {
      await message.run();
      return;
    }
    const release = await this.options.limit.acquire();
    try {
      // Not started before the shutdown: it stays `received` and runs after the restart.
      if (this.closing) return;
      if (message.aborted) {
        this.endUnrun(message);
        return;
      }
      if (message.unsaved) await this.runWithoutSession(message, message.unsaved);
      else await this.runInSession(message);
    } finally {
      release();
    }
  }

  private async runInSession(message: LaneMessage): Promise<void> {
    const { logger, sessions } = this.options;
    const log = logger.child({ reqId: message.requestId, messageId: message.id, key: message.key });
    let held: HeldSession;
    try {
      held = await sessions.take(message.key);
    } catch (error) {
      await message.durable;
      log.error({ err: errorMessage(error) }, 'cannot open the session');
      this.fail(message, error);
      return;
    }
    let healthy = true;
    try {
      const start = resumePoint(held.session.entries, held.session.id === message.resumeFrom?.session ? message.resumeFrom : undefined, message.envelope.text);
      if (start.kind === 'finished') {
        // The run had finished before the crash; only its `done` record was lost.
        log.info({}, 'message had already been answered');
        this.finish(message, doneEvent('ok', start.text));
        return;
      }
      const after = lastEntryId(held.session.entries);
      // Appended before the message's own record is synced, so that one sync covers both.
      const started = this.options.log.running(message.id, held.session.id, start.kind === 'continue' ? (message.resumeFrom?.after ?? null) : after);
      await Promise.all([message.durable, started]);
      log.info({ session: held.session.id, resumed: start.kind === 'continue' }, 'run started');
      const done = await this.stream(message, held.agent, start.kind === 'continue');
      log.info({ status: done.status, turns: done.turns }, 'run done');
      this.finish(message, done);
    } catch (error) {
      healthy = false;
      log.error({ err: errorMessage(error) }, 'run failed');
      this.fail(message, error);
    } finally {
      if (healthy) sessions.give(held);
      else sessions.discard(held);
    }
  }

  private async runWithoutSession(message: LaneMessage, run: UnsavedRun): Promise<void> {
    let agent: Agent;
    try {
      agent = await this.options.unsavedAgent(run.history);
    } catch (error) {
      this.fail(message, error);
      return;
    }
    try {
      this.finish(message, await this.stream(message, agent, false));
    } catch (error) {
      this.fail(message, error);
    } finally {
      await agent.close().catch(() => undefined);
    }
  }

  private async stream(message: LaneMessage, agent: Agent, resume: boolean): Promise<DoneEvent> {
    const controller = new AbortController();
    message.controller = controller;
    const adapter = this.options.adapters.get(message.envelope.channel);
    const typing = () => void adapter?.typing?.(target(message)).catch(() => undefined);
    typing();
    // A surface's typing indicator fades by itself: it is shown again until the run ends.
    const refresh = adapter?.typing && adapter.limits.typingRefreshMs ? setInterval(typing, adapter.limits.typingRefreshMs) : undefined;
    let done: DoneEvent | undefined;
    try {
      // The inbound log has the text on disk already: the transcript's copy need not be synced too.
      for await (const event of agent.send(message.envelope.text, { signal: controller.signal, resume, inputDurable: true })) {
        emit(message, event);
        if (event.type === 'done') done = event;
      }
    } finally {
      clearInterval(refresh);
    }
    return done ?? doneEvent('error', '');
  }

  /** Records the end of a run and delivers its reply to a sender that did not see it stream. */
  private finish(message: LaneMessage, done: DoneEvent): void {
    if (message.unsaved) return;
    // Interrupted by the shutdown: left `running`, so the next start continues it.
    if (this.closing && done.status === 'interrupted' && !message.aborted) {
      this.options.logger.info({ reqId: message.requestId, messageId: message.id }, 'run checkpointed for the restart');
      return;
    }
    this.options.log.done(message.id, message.aborted ? 'aborted' : done.status);
    if (done.text && !message.listener?.connected) void this.deliver(message, done.text);
  }

  /** A message aborted before its run began: its sender hears so, and the log marks it done. */
  private endUnrun(message: LaneMessage): void {
    const done = doneEvent('interrupted', '');
    emit(message, { type: 'error', code: 'aborted', message: 'aborted before it ran', retryable: false });
    emit(message, done);
    this.finish(message, done);
  }

  private fail(message: LaneMessage, error: unknown): void {
    const code = error instanceof OpenclawError ? error.code : 'runtime';
    const hint = error instanceof OpenclawError && error.hint ? ` (${error.hint})` : '';
    emit(message, { type: 'error', code, message: errorMessage(error) + hint, retryable: false });
    const done = doneEvent('error', '');
    emit(message, done);
    this.finish(message, done);
  }

  private async deliver(message: LaneMessage, text: string): Promise<void> {
    const adapter = this.options.adapters.get(message.envelope.channel);
    if (!adapter) return;
    try {
      const limit = adapter.limits.maxMessageLength;
      let delivered = true;
      for (const part of limit ? splitMessage(text, limit) : [text]) delivered = (await adapter.send(target(message), { text: part })) && delivered;
      this.options.logger.info({ reqId: message.requestId, messageId: message.id, delivered }, delivered ? 'reply delivered' : 'reply kept in the session (nobody to deliver it to)');
    } catch (error) {
      this.options.logger.warn({ reqId: message.requestId, messageId: message.id, err: errorMessage(error) }, 'reply delivery failed; it stays in the session');
    }
  }
}

/**
 * Where a run cut off by a crash stands, from its session's transcript: its input never reached
 * the transcript (`fresh`), the run got part of the way (`continue`), or it had answered and only
 * the log missed it (`finished`).
 */
export function resumePoint(
  entries: TranscriptEntry[],
  started: { after: string | null } | undefined,
  text: string,
): { kind: 'fresh' } | { kind: 'continue' } | { kind: 'finished'; text: string } {
  if (!started) return { kind: 'fresh' };
  let from = started.after === null ? 0 : entries.findIndex((entry) => entry.id === started.after) + 1;
  if (from === 0 && started.after !== null) {
    // The entry it began after is gone (a repaired tail): fall back to the input's own text.
    const last = entries.findLastIndex((entry) => entry.type === 'message' && entry.message.role === 'user');
    from = last >= 0 && (entries[last] as { message: { text: string } }).message.text === text ? last : entries.length;
  }
  const later = entries.slice(from).filter((entry) => entry.type === 'message');
  if (!later.some((entry) => entry.message.role === 'user')) return { kind: 'fresh' };
  const last = later[later.length - 1].message;
  if (last.role === 'assistant' && toolCalls(last).length === 0 && last.stopReason !== 'aborted') return { kind: 'finished', text: messageText(last) };
  return { kind: 'continue' };
}

function lastEntryId(entries: TranscriptEntry[]): string | null {
  for (let index = entries.length - 1; index >= 0; index--) if (!entries[index].id.startsWith('repair-')) return entries[index].id;
  return null;
}

function target(message: LaneMessage): ChannelTarget {
  return { sessionKey: message.key, chat: message.envelope.chat, replyTo: message.id, envelope: message.envelope };
}

function emit(message: LaneMessage, event: AgentEvent): void {
  try {
    message.listener?.event(event);
  } catch {
    // a listener's failure is its own; the run goes on
  }
}

function doneEvent(status: DoneEvent['status'], text: string): DoneEvent {
  const exitCode = status === 'ok' ? ExitCode.ok : status === 'interrupted' ? ExitCode.interrupted : status === 'max_turns' ? ExitCode.limit : ExitCode.runtime;
  return { type: 'done', text, usage: emptyUsage(), cost: 0, turns: 0, status, exitCode, sessionId: null };
}

export function newMessageId(): string {
  return `m_${Date.now().toString(36)}${randomHex(5)}`;
}
