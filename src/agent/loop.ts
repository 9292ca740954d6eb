import { ExitCode, errorMessage } from '../errors.js';
import type { Policy } from '../policy/policy.js';
import type { Redactor } from '../policy/redaction.js';
import { costOf, type ModelInfo } from '../providers/models.js';
import { streamWithRetry, type RetryPolicy } from '../providers/retry.js';
import { ProviderError } from '../providers/failure.js';
import {
  addUsage,
  emptyUsage,
  messageText,
  toolCalls,
  type AssistantMessage,
  type Message,
  type Provider,
  type TextPart,
  type ToolCallPart,
  type ToolResultMessage,
  type UserMessage,
} from '../providers/types.js';
import { validate, formatPath } from '../schema.js';
import { titleFrom, type OpenSession } from '../store/sessions.js';
import type { ToolAudit, ToolDecision } from '../store/transcript.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { AnyTool, ToolContext, ToolTarget } from '../tools/types.js';
import { compactConversation, pruneToolResults } from './compaction.js';
import type { AgentEvent, CompactionEvent, RunStatus } from './events.js';
import { exceedsLimit, inputTokens, requestChars, TokenCounter } from './tokens.js';

/** A tool call the policy wants a person to confirm. */
export interface ApprovalRequest {
  id: string;
  tool: string;
  capability: string;
  args: unknown;
  target: ToolTarget;
  why: string;
  /** Rules that would allow such calls from now on; empty when no rule can (command substitution). */
  suggestedRules: string[];
}

export interface ApprovalAnswer {
  decision: 'allow' | 'deny';
  /** How long an "allow" lasts: this call, this session (rules added in memory), or always (saved). */
  scope?: 'once' | 'session' | 'always';
  /** Free text for the model when denied. */
  reason?: string;
}

export interface AgentRun {
  provider: Provider;
  model: string;
  modelInfo: ModelInfo;
  system: string;
  /**
   * The conversation so far (already repaired). The run appends to this array as it goes, so the
   * caller holds the whole conversation afterwards without reloading it.
   */
  history: Message[];
  input: string;
  /** `input` is already the last user message of `history` (a resumed run): it is not appended again. */
  resumeInput?: boolean;
  /** `input` is already on disk elsewhere (the gateway's inbound log): its transcript line is not synced. */
  inputDurable?: boolean;
  tools: ToolRegistry;
  policy: Policy;
  /** Where entries go as the run progresses; absent for `--no-session`. */
  session?: OpenSession;
  maxTurns: number;
  maxOutputTokens?: number;
  retry: RetryPolicy;
  /** Asks a person. Absent when nobody can answer (print mode, a channel): such calls are denied. */
  approve?: (request: ApprovalRequest) => Promise<ApprovalAnswer>;
  /** Called with the rules of an "always" approval, to save them. */
  onAlwaysAllow?: (rules: string[]) => Promise<void>;
  /** Shown to the model when a call needs approval and nobody can give it. */
  noApproverHint?: string;
  toolContext: Omit<ToolContext, 'signal'>;
  /** Keeps secrets out of the transcript and out of tool results the model sees. */
  redactor: Redactor;
  signal: AbortSignal;
  /** Sizes requests; calibrated by the usage providers report. */
  counter?: TokenCounter;
  /** Compaction when the context passes `limit` tokens; absent: never compact automatically. */
  compaction?: { limit: number; keepRecentTokens: number };
  /** Long-term memory relevant to the input, added to this run's requests (not to the history). */
  recall?: (input: string) => Promise<string | undefined>;
  /** The silent turn before a compaction, in which the agent may save durable facts. */
  beforeCompaction?: (messages: Message[]) => Promise<void>;
}

/**
 * One run of the agent: the user's input, then model turns and tool calls until the model
 * stops, the turn limit is reached, or the run is interrupted. Everything it does is an event;
 * everything it learns is appended to the session as it happens, the input first.
 */
export async function* runAgent(run: AgentRun): AsyncGenerator<AgentEvent> {
  const messages = run.history;
  const counter = run.counter ?? new TokenCounter();
  let added = 0;
  const append = (message: Message, audit?: ToolAudit, sync = false, extra: { recalled?: string } = {}) => {
    messages.push(message);
    added++;
    run.session?.append(run.redactor.redactValue({ type: 'message', message, ...(audit ? { audit } : {}), ...extra }), { sync });
  };

  let usage = emptyUsage();
  let cost = 0;
  let turns = 0;
  let finalText = '';
  let status: RunStatus = 'ok';
  let exitCode: number = ExitCode.ok;

  yield { type: 'user', text: run.input };
  const recalled = await run.recall?.(run.input).catch(() => undefined);
  const resumed = run.resumeInput ? messages.findLast((message): message is UserMessage => message.role === 'user') : undefined;
  const input: UserMessage = resumed ?? { role: 'user', text: run.input };
  if (!resumed) append(input, undefined, !run.inputDurable, recalled ? { recalled } : {});

  /** What is sent: old bulky tool results trimmed, and this run's recalled memory before the input. */
  const request = (): Message[] => {
    const out = pruneToolResults(messages);
    if (!recalled) return out;
    return out.map((message) => (message === input ? { role: 'user', text: `${recalled}\n\n${input.text}` } : message));
  };

  let compactedThisRun = false;
  const compact = async function* (reason: CompactionEvent['reason']): AsyncGenerator<AgentEvent, boolean> {
    if (!run.compaction) return false;
    try {
      if (run.beforeCompaction && !compactedThisRun) await run.beforeCompaction(messages);
      const event = await compactConversation({
        messages,
        session: run.session,
        counter,
        keepTokens: run.compaction.keepRecentTokens,
        reason,
        provider: run.provider,
        model: run.model,
        retry: run.retry,
        signal: run.signal,
      });
      if (!event) return false;
      compactedThisRun = true;
      usage = addUsage(usage, event.summaryUsage);
      cost += costOf(run.modelInfo, event.summaryUsage);
      yield event;
      return true;
    } catch (error) {
      if (run.signal.aborted) throw error;
      yield { type: 'error', code: 'compaction_failed', message: `compaction failed, the session is unchanged: ${errorMessage(error)}`, retryable: false };
      return false;
    }
  };

  try {
    let overflowRetried = false;
    while (true) {
      if (turns >= run.maxTurns) {
        status = 'max_turns';
        exitCode = ExitCode.limit;
        yield { type: 'error', code: 'max_turns', message: `stopped after ${run.maxTurns} model turns (--max-turns)`, retryable: false };
        break;
      }
      const specs = run.tools.specs();
      if (run.compaction && exceedsLimit(counter, run.system, specs, request(), run.compaction.limit)) yield* compact('threshold');
      turns++;
      let assistant: AssistantMessage | undefined;
      let partial = '';
      const sent = request();
      try {
        for await (const event of streamWithRetry(
          run.provider,
          { model: run.model, system: run.system, messages: sent, tools: specs, maxOutputTokens: run.maxOutputTokens, signal: run.signal },
          run.retry,
        )) {
          if (event.type === 'text_delta') {
            partial += event.text;
            yield event;
          } else if (event.type === 'thinking_delta') {
            yield event;
          } else if (event.type === 'retry') {
            partial = '';
            yield {
              type: 'error',
              code: event.error.code,
              message: `${event.error.message}; retrying in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt + 1} of ${run.retry.maxRetries + 1})`,
              retryable: true,
            };
          } else if (event.type === 'done') {
            assistant = event.message;
          }
        }
      } catch (error) {
        if (run.signal.aborted && partial) append(interruptedAnswer(run, partial));
        // The provider says the context is too long: compact and try this turn once more.
        if (error instanceof ProviderError && error.kind === 'context_overflow' && !overflowRetried && run.compaction) {
          overflowRetried = true;
          turns--;
          yield { type: 'error', code: error.code, message: `${error.message}; compacting and retrying`, retryable: true };
          if (yield* compact('overflow')) continue;
        }
        throw error;
      }
      if (!assistant) throw new ProviderError('stream_cut', `${run.provider.id}: the response ended without a message`);
      if (counter.wantsCalibration()) counter.calibrate(requestChars(run.system, specs, sent), inputTokens(assistant.usage));

      const turnCost = costOf(run.modelInfo, assistant.usage);
      usage = addUsage(usage, assistant.usage);
      cost += turnCost;
      append(assistant);
      yield { type: 'usage', turn: turns, ...assistant.usage, cost: turnCost };
      finalText = messageText(assistant) || finalText;

      const calls = toolCalls(assistant);
      if (calls.length === 0) break;

      if (assistant.stopReason === 'length') {
        // The arguments may be cut mid-way: running them could write half a file or a wrong command.
        for (const call of calls) {
          yield* skipCall(call, 'limit', 'Not run: the response hit the output-token limit, so these arguments may be incomplete. Make the call again with less content (for a large file, write it in parts).', append);
        }
        continue;
      }
      if (turns >= run.maxTurns) {
        for (const call of calls) {
          yield* skipCall(call, 'limit', `Not run: the turn limit (${run.maxTurns}) was reached before this call could run.`, append);
        }
        continue;
      }
      for (const call of calls) {
        if (run.signal.aborted) {
          yield* skipCall(call, 'limit', 'Not run: the user interrupted the run.', append);
          continue;
        }
        yield* executeCall(run, call, append);
      }
      if (run.signal.aborted) throw new ProviderError('aborted', 'interrupted');
    }
  } catch (error) {
    if (run.signal.aborted || (error instanceof ProviderError && error.kind === 'aborted')) {
      status = 'interrupted';
      exitCode = ExitCode.interrupted;
      yield { type: 'error', code: 'interrupted', message: 'interrupted', retryable: false };
    } else {
      status = 'error';
      exitCode = error instanceof ProviderError ? ExitCode.provider : ExitCode.runtime;
      const code = error instanceof ProviderError ? error.code : 'runtime';
      const hint = error instanceof ProviderError && error.hint ? ` (${error.hint})` : '';
      yield { type: 'error', code, message: errorMessage(error) + hint, retryable: false };
    }
  }

  if (run.session) {
    await run.session.recordTurn({
      messages: added,
      usage,
      cost,
      provider: run.provider.id,
      model: run.model,
      // Sessions opened without a prompt (the TUI) get their title from the first input.
      title: titleFrom(run.input),
    });
  }
  yield { type: 'done', text: finalText, usage, cost, turns, status, exitCode, sessionId: run.session?.id ?? null };
}

function interruptedAnswer(run: AgentRun, text: string): AssistantMessage {
  const part: TextPart = { type: 'text', text };
  return { role: 'assistant', parts: [part], stopReason: 'aborted', provider: run.provider.id, model: run.model, usage: emptyUsage() };
}

type Append = (message: Message, audit?: ToolAudit) => void;

function* skipCall(call: ToolCallPart, by: ToolDecision['by'], why: string, append: Append): Generator<AgentEvent> {
  yield { type: 'tool_call', id: call.id, name: call.name, args: parseArgs(call.argsText).value ?? call.argsText };
  yield { type: 'approval', id: call.id, decision: 'deny', by, why };
  append(toolResult(call, why, true), { decision: { decision: 'deny', by, why } });
  yield { type: 'tool_result', id: call.id, name: call.name, ok: false, summary: why, durationMs: 0 };
}

/** Validates, decides, runs, records: every call gets exactly one result, whatever happens. */
async function* executeCall(run: AgentRun, call: ToolCallPart, append: Append): AsyncGenerator<AgentEvent> {
  const parsed = parseArgs(call.argsText);
  yield { type: 'tool_call', id: call.id, name: call.name, args: parsed.value ?? call.argsText };

  const tool = run.tools.get(call.name);
  const invalid = !tool
    ? `Unknown tool "${call.name}". Available tools: ${run.tools.names().join(', ')}.`
    : parsed.error
      ? `Invalid arguments: ${parsed.error}. Send the arguments as one JSON object.`
      : argumentProblems(tool, parsed.value);
  if (invalid) {
    yield { type: 'approval', id: call.id, decision: 'deny', by: 'validation', why: invalid };
    append(toolResult(call, `Error: ${invalid}`, true), { decision: { decision: 'deny', by: 'validation', why: invalid } });
    yield { type: 'tool_result', id: call.id, name: call.name, ok: false, summary: invalid, durationMs: 0 };
    return;
  }
  const args = parsed.value as Record<string, unknown>;
  const target = tool!.target(args);
  let decision: ToolDecision;
  const verdict = run.policy.decide(tool!.name, tool!.capability, target);
  if (verdict.decision === 'ask') {
    if (run.approve) {
      const suggestedRules = run.policy.suggestRules(tool!.name, tool!.capability, target);
      const answer = await run.approve({ id: call.id, tool: tool!.name, capability: tool!.capability, args, target, why: verdict.why, suggestedRules });
      const scope = answer.scope ?? 'once';
      if (answer.decision === 'allow' && scope !== 'once' && suggestedRules.length > 0) {
        for (const rule of suggestedRules) run.policy.addRule('allow', rule);
        if (scope === 'always') await run.onAlwaysAllow?.(suggestedRules);
      }
      const lasting = scope === 'once' || suggestedRules.length === 0 ? '' : ` (${scope === 'always' ? 'always' : 'for this session'}: ${suggestedRules.join(', ')})`;
      decision =
        answer.decision === 'allow'
          ? { decision: 'allow', by: 'user', ...(lasting ? { rule: suggestedRules.join(', ') } : {}), why: `approved by the user${lasting}` }
          : { decision: 'deny', by: 'user', why: `denied by the user${answer.reason ? `: ${answer.reason}` : ''}` };
    } else {
      decision = { decision: 'deny', by: verdict.by, ...(verdict.rule ? { rule: verdict.rule } : {}), why: `${verdict.why}, and nobody can approve it here${run.noApproverHint ? `. ${run.noApproverHint}` : ''}` };
    }
  } else {
    decision = { decision: verdict.decision, by: verdict.by, ...(verdict.rule ? { rule: verdict.rule } : {}), why: verdict.why };
  }
  yield { type: 'approval', id: call.id, decision: decision.decision, by: decision.by, ...(decision.rule ? { rule: decision.rule } : {}), why: decision.why };
  if (decision.decision === 'deny') {
    append(toolResult(call, `Denied: ${decision.why}`, true), { decision });
    yield { type: 'tool_result', id: call.id, name: call.name, ok: false, summary: `denied: ${decision.why}`, durationMs: 0 };
    return;
  }

  const started = Date.now();
  let output;
  try {
    output = await tool!.run(args, { ...run.toolContext, signal: run.signal });
  } catch (error) {
    output = { ok: false, content: `Error: the ${tool!.name} tool failed: ${errorMessage(error)}`, summary: `failed: ${errorMessage(error)}` };
  }
  const durationMs = Date.now() - started;
  const content = run.redactor.redact(output.content);
  append(toolResult(call, content, !output.ok), {
    decision,
    durationMs,
    ...(output.touched ? { touched: output.touched.map((item) => run.redactor.redact(item)) } : {}),
    ...(output.exitCode !== undefined ? { exitCode: output.exitCode } : {}),
    ...(output.sandboxed ? { sandboxed: true } : {}),
  });
  yield { type: 'tool_result', id: call.id, name: call.name, ok: output.ok, summary: run.redactor.redact(output.summary), durationMs };
}

function toolResult(call: ToolCallPart, content: string, isError: boolean): ToolResultMessage {
  return { role: 'tool', toolCallId: call.id, toolName: call.name, content, isError };
}

function parseArgs(text: string): { value?: unknown; error?: string } {
  if (text.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `not valid JSON (${errorMessage(error)})` };
  }
}

function argumentProblems(tool: AnyTool, args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'Invalid arguments: expected a JSON object.';
  const issues = validate(tool.parameters, args);
  if (issues.length === 0) return undefined;
  const details = issues.map((issue) => `${formatPath(issue.path)}: ${issue.kind === 'unknown_key' ? 'unknown argument' : issue.message}`);
  return `Invalid arguments for ${tool.name}: ${details.join('; ')}. Expected: ${JSON.stringify(tool.parameters)}`;
}
