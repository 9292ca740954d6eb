/**
 * The one conversation model. Everything above the providers (agent, store, front ends) speaks
 * these types; a provider converts to and from its own wire format only inside `stream()`.
 */

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface TextPart {
  type: 'text';
  text: string;
}

/** Reasoning the model showed. `signature` must be sent back verbatim to providers that sign it. */
export interface ThinkingPart {
  type: 'thinking';
  text: string;
  signature?: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** Arguments exactly as the model produced them; parsing and validation happen in the agent. */
  argsText: string;
}

export interface UserMessage {
  role: 'user';
  text: string;
}

/**
 * Why the model stopped. `length` means the output-token limit cut the answer: its tool calls
 * may be truncated and must not run.
 */
export type StopReason = 'stop' | 'tool_use' | 'length' | 'refusal' | 'error' | 'aborted';

export interface AssistantMessage {
  role: 'assistant';
  parts: Array<TextPart | ThinkingPart | ToolCallPart>;
  stopReason: StopReason;
  provider: string;
  model: string;
  usage: Usage;
}

export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  toolName: string;
  content: string;
  isError: boolean;
}

export type Message = UserMessage | AssistantMessage | ToolResultMessage;

/** A tool as the model sees it: a name, a description and a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

/** What a provider yields while a response streams in; `done` carries the whole message. */
export type ModelStreamEvent =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; text: string }
  | { type: 'tool_call_start'; id: string; name: string }
  | { type: 'done'; message: AssistantMessage };

export interface Provider {
  /** The provider id from config (`openai`, `anthropic`, or a user-defined id). */
  readonly id: string;
  stream(request: ModelRequest): AsyncIterable<ModelStreamEvent>;
}

/** The message a response fills in as it streams. */
export function startMessage(provider: string, model: string): AssistantMessage {
  return { role: 'assistant', parts: [], stopReason: 'stop', provider, model, usage: emptyUsage() };
}

export function emptyUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

export function messageText(message: AssistantMessage): string {
  return message.parts
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('');
}

export function toolCalls(message: AssistantMessage): ToolCallPart[] {
  return message.parts.filter((part): part is ToolCallPart => part.type === 'tool_call');
}
