import { streamWithRetry, type RetryPolicy } from '../providers/retry.js';
import { validate } from '../schema.js';
import type { OpenSession } from '../store/sessions.js';
import type { AnyTool, ToolContext } from '../tools/types.js';
import type { CompactionEvent } from './events.js';
import { messageText, type AssistantMessage, type Message, type Provider, type ToolResultMessage, type UserMessage, type Usage } from '../providers/types.js';
import { SUMMARY_PREFIX } from '../store/transcript.js';
import { messageChars, requestChars, type TokenCounter } from './tokens.js';

/** When and how much to compact (config `compaction.*`). */
export interface CompactionSettings {
  /** Fraction of the context window at which compaction starts, before the answer reserve. */
  threshold: number;
  /** Tokens kept free for the answer. */
  reserveTokens: number;
  /** Tokens of recent conversation kept verbatim. */
  keepRecentTokens: number;
}

export const defaultCompaction: CompactionSettings = { threshold: 0.8, reserveTokens: 8_192, keepRecentTokens: 20_000 };

/** The context size above which a request triggers compaction. */
export function compactionLimit(contextWindow: number, settings: CompactionSettings): number {
  return Math.max(1_000, Math.floor(contextWindow * settings.threshold) - settings.reserveTokens);
}

export interface CompactionPlan {
  /** Messages to summarise (they may start with an earlier summary). */
  older: Message[];
  /** Messages kept verbatim, from a turn boundary: never a tool result without its call. */
  kept: Message[];
}

/**
 * Where to cut: the recent part keeps at least `keepTokens` (at least the last turn), starting at
 * a user message, or at an assistant message inside a long tool loop; never at a tool result, so
 * a call and its result stay together. Undefined when there is nothing older to summarise.
 */
export function planCompaction(messages: Message[], keepTokens: number, counter: TokenCounter): CompactionPlan | undefined {
  let suffix = 0;
  let cut: number | undefined;
  let lastUser: number | undefined;
  let assistantCut: number | undefined;
  for (let index = messages.length - 1; index > 0; index--) {
    suffix += counter.estimate(messageChars(messages[index]));
    const role = messages[index].role;
    if (role === 'user') lastUser ??= index;
    if (role === 'tool' || suffix < keepTokens) continue;
    if (role === 'user') {
      cut = index;
      break;
    }
    assistantCut ??= index;
    // A long tool loop without a user message: do not keep far more than asked for.
    if (suffix > Math.max(keepTokens * 2, 2_000)) break;
  }
  cut ??= assistantCut ?? lastUser;
  if (cut === undefined) return undefined;
  const older = messages.slice(0, cut);
  if (older.length === 1 && isSummary(older[0])) return undefined;
  return { older, kept: messages.slice(cut) };
}

export function isSummary(message: Message): boolean {
  return message.role === 'user' && message.text.startsWith(SUMMARY_PREFIX);
}

const SUMMARY_SYSTEM = `You compact a conversation between a user and an AI agent that works with tools in a terminal.
Write a summary that lets the agent continue the work as if it remembered everything that matters.
Use exactly these sections, as Markdown headings, each with short bullet points (write "none" if empty):
## Goal
## Decisions
## Progress (what was done, what the tools showed)
## Open tasks
## Constraints and preferences
## Pending user requests
## Exact identifiers (file paths, ids, numbers, names, commands, URLs: copy them exactly)
Keep every identifier verbatim. Do not invent anything. Do not address the user.`;

const MAX_TRANSCRIPT_CHARS = 400_000;
const MAX_RESULT_CHARS = 2_000;

/** The older part as plain text for the summariser: tool calls and (trimmed) results included. */
export function transcriptText(messages: Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      lines.push(isSummary(message) ? `[Earlier summary]\n${message.text.slice(SUMMARY_PREFIX.length).trim()}` : `[User]\n${message.text}`);
    } else if (message.role === 'tool') {
      lines.push(`[Tool result: ${message.toolName}${message.isError ? ', error' : ''}]\n${trimMiddle(message.content, MAX_RESULT_CHARS)}`);
    } else {
      for (const part of message.parts) {
        if (part.type === 'text' && part.text) lines.push(`[Agent]\n${part.text}`);
        if (part.type === 'tool_call') lines.push(`[Agent called ${part.name}] ${trimMiddle(part.argsText, MAX_RESULT_CHARS)}`);
      }
    }
  }
  const text = lines.join('\n\n');
  return text.length > MAX_TRANSCRIPT_CHARS ? trimMiddle(text, MAX_TRANSCRIPT_CHARS) : text;
}

export function trimMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters trimmed ...]\n${text.slice(-half)}`;
}

export interface SummaryRequest {
  provider: Provider;
  model: string;
  retry: RetryPolicy;
  signal: AbortSignal;
  maxOutputTokens?: number;
  /** What the user wants the summary to keep in focus (`/compact focus`). */
  focus?: string;
}

/** One model request that turns the older part into a structured summary. Throws on failure. */
export async function summarize(older: Message[], request: SummaryRequest): Promise<{ summary: string; usage: Usage }> {
  const focus = request.focus ? `\n\nPay particular attention to: ${request.focus}` : '';
  const input: UserMessage = {
    role: 'user',
    text: `Summarise this conversation for the agent that will continue it.${focus}\n\n<conversation>\n${transcriptText(older)}\n</conversation>`,
  };
  let message: AssistantMessage | undefined;
  for await (const event of streamWithRetry(
    request.provider,
    { model: request.model, system: SUMMARY_SYSTEM, messages: [input], tools: [], maxOutputTokens: request.maxOutputTokens ?? 4_096, signal: request.signal },
    request.retry,
  )) {
    if (event.type === 'done') message = event.message;
  }
  const summary = message ? messageText(message).trim() : '';
  if (!message || !summary) throw new Error('the summary came back empty');
  return { summary, usage: message.usage };
}

export function summaryMessage(summary: string): UserMessage {
  return { role: 'user', text: `${SUMMARY_PREFIX}\n${summary}` };
}

export interface CompactionRun extends SummaryRequest {
  /** The conversation; replaced in place by the summary and the kept messages. */
  messages: Message[];
  session?: OpenSession;
  counter: TokenCounter;
  keepTokens: number;
  reason: CompactionEvent['reason'];
}

/**
 * Compacts a conversation: summarises the older part, appends a `compaction` entry (the full
 * history stays on disk), and leaves `messages` holding the summary and the kept messages.
 * Undefined when there is nothing to compact; throws, changing nothing, when the summary fails.
 */
export async function compactConversation(run: CompactionRun): Promise<CompactionEvent | undefined> {
  const plan = planCompaction(run.messages, run.keepTokens, run.counter);
  if (!plan) return undefined;
  const before = run.counter.estimate(requestChars('', [], run.messages));
  const { summary, usage } = await summarize(plan.older, run);
  if (run.session) {
    const firstKeptId = run.session.messageIdFromEnd(plan.kept.length);
    if (!firstKeptId) throw new Error('the kept messages are not in the transcript');
    run.session.append({ type: 'compaction', summary, firstKeptId }, { sync: true });
  }
  run.messages.splice(0, run.messages.length, summaryMessage(summary), ...plan.kept);
  const after = run.counter.estimate(requestChars('', [], run.messages));
  return {
    type: 'compaction',
    reason: run.reason,
    summarized: plan.older.length,
    kept: plan.kept.length,
    tokensBefore: before,
    tokensAfter: after,
    summaryUsage: usage,
  };
}

const PRUNE_KEEP_TURNS = 3;
const PRUNE_ABOVE_CHARS = 4_000;
const PRUNE_KEEP_CHARS = 1_500;

/**
 * Old bulky tool results, trimmed for the request (head and tail kept): a file read twenty turns
 * ago need not be paid for on every request. The history and the transcript keep them whole.
 */
export function pruneToolResults(messages: Message[]): Message[] {
  let assistants = 0;
  let boundary = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index].role === 'assistant' && ++assistants === PRUNE_KEEP_TURNS) {
      boundary = index;
      break;
    }
  }
  let out: Message[] | undefined;
  for (let index = 0; index < boundary; index++) {
    const message = messages[index];
    if (message.role !== 'tool' || message.content.length <= PRUNE_ABOVE_CHARS) continue;
    out ??= messages.slice();
    out[index] = prunedCopy(message);
  }
  // Nothing to trim (a conversation without bulky results): the same array, nothing copied.
  return out ?? messages;
}

/**
 * A trimmed result is made once and then reused: the request of every later turn holds the very
 * same message object, so what providers derive from a message (its serialized form) stays valid.
 */
const pruned = new WeakMap<ToolResultMessage, ToolResultMessage>();

function prunedCopy(message: ToolResultMessage): ToolResultMessage {
  let copy = pruned.get(message);
  if (!copy) {
    const half = Math.floor(PRUNE_KEEP_CHARS / 2);
    const trimmed = message.content.length - 2 * half;
    copy = { ...message, content: `${message.content.slice(0, half)}\n[... ${trimmed} characters of this older result trimmed from the request; call the tool again if you need them ...]\n${message.content.slice(-half)}` };
    pruned.set(message, copy);
  }
  return copy;
}

const FLUSH_PROMPT = `[openclaw] The conversation above is about to be compacted: older messages will be replaced by a summary. Save anything worth remembering in later sessions (the user's preferences, decisions, facts about their projects, identifiers) with memory_write now, one fact per call, durable: true for lasting facts. Do not save what is only about this moment. Then reply DONE.`;

export interface MemoryFlush extends SummaryRequest {
  system: string;
  /** The memory_write tool: the only one offered in the silent turn. */
  tool: AnyTool;
  context: Omit<ToolContext, 'signal'>;
}

/**
 * The silent turn before a compaction: the agent may save durable facts to memory. Nothing of it
 * enters the history; it returns how many facts were written.
 */
export async function flushToMemory(messages: Message[], flush: MemoryFlush): Promise<number> {
  let message: AssistantMessage | undefined;
  for await (const event of streamWithRetry(
    flush.provider,
    {
      model: flush.model,
      system: flush.system,
      messages: [...messages, { role: 'user', text: FLUSH_PROMPT }],
      tools: [{ name: flush.tool.name, description: flush.tool.description, parameters: flush.tool.parameters }],
      maxOutputTokens: flush.maxOutputTokens ?? 2_048,
      signal: flush.signal,
    },
    flush.retry,
  )) {
    if (event.type === 'done') message = event.message;
  }
  let written = 0;
  for (const call of message?.parts ?? []) {
    if (call.type !== 'tool_call' || call.name !== flush.tool.name) continue;
    let args: unknown;
    try {
      args = JSON.parse(call.argsText);
    } catch {
      continue;
    }
    if (validate(flush.tool.parameters, args).length > 0) continue;
    const output = await flush.tool.run(args as Record<string, unknown>, { ...flush.context, signal: flush.signal });
    if (output.ok) written++;
  }
  return written;
}
