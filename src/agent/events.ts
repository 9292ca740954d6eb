import type { Usage } from '../providers/types.js';

/**
 * The agent's event stream: the one thing every front end consumes (print mode, stream-json,
 * the TUI, the gateway). One JSON object per event; `type` tells which. The schema is in the README.
 */
export type AgentEvent =
  | SessionEvent
  | UserEvent
  | TextDeltaEvent
  | ThinkingDeltaEvent
  | ToolCallEvent
  | ApprovalEvent
  | ToolResultEvent
  | UsageEvent
  | CompactionEvent
  | NoticeEvent
  | ErrorEvent
  | DoneEvent;

export interface SessionEvent {
  type: 'session';
  /** Null when the run is not persisted (`--no-session`). */
  id: string | null;
  provider: string;
  model: string;
  cwd: string;
  resumed: boolean;
}

export interface UserEvent {
  type: 'user';
  text: string;
}

export interface TextDeltaEvent {
  type: 'text_delta';
  text: string;
}

export interface ThinkingDeltaEvent {
  type: 'thinking_delta';
  text: string;
}

export interface ToolCallEvent {
  type: 'tool_call';
  id: string;
  name: string;
  /** Parsed arguments, or the raw text when they were not valid JSON. */
  args: unknown;
}

export interface ApprovalEvent {
  type: 'approval';
  id: string;
  decision: 'allow' | 'deny';
  /** mode | rule | user | policy | validation | limit */
  by: string;
  rule?: string;
  why: string;
}

export interface ToolResultEvent {
  type: 'tool_result';
  id: string;
  name: string;
  ok: boolean;
  summary: string;
  durationMs: number;
}

export interface UsageEvent extends Usage {
  type: 'usage';
  turn: number;
  /** USD for this model response; 0 when the price is unknown. */
  cost: number;
}

/** The older part of the conversation was replaced by a summary (the transcript keeps it all). */
export interface CompactionEvent {
  type: 'compaction';
  /** threshold: the context passed its limit; overflow: the provider refused it; manual: /compact. */
  reason: 'threshold' | 'overflow' | 'manual';
  /** Messages summarised and kept verbatim. */
  summarized: number;
  kept: number;
  /** Estimated context before and after. */
  tokensBefore: number;
  tokensAfter: number;
  /** What the summary request cost. */
  summaryUsage: Usage;
}

/** Something the person should know that is not an error (the sandbox is unavailable, an index was rebuilt). */
export interface NoticeEvent {
  type: 'notice';
  message: string;
}

export interface ErrorEvent {
  type: 'error';
  code: string;
  message: string;
  /** True when the agent will retry: text streamed since the last turn began is void. */
  retryable: boolean;
}

export type RunStatus = 'ok' | 'max_turns' | 'error' | 'interrupted';

export interface DoneEvent {
  type: 'done';
  /** The final answer: the text of the last assistant message. */
  text: string;
  usage: Usage;
  cost: number;
  /** Model responses in this run. */
  turns: number;
  status: RunStatus;
  exitCode: number;
  sessionId: string | null;
}
