import { createRequire } from 'node:module';
import type { Message, ToolSpec, Usage } from '../providers/types.js';

/**
 * How big a request is, in tokens. The provider's reported usage is the truth: the input tokens
 * of the last response measure everything up to it exactly, so only what was added since is
 * estimated. Estimates use characters per token, calibrated by that same usage; a real
 * tokenizer (o200k, loaded on demand: it costs ~0.4 s) settles the cases close to a threshold.
 */
export class TokenCounter {
  private charsPerToken = DEFAULT_CHARS_PER_TOKEN;
  private responses = 0;

  /**
   * Whether the next response should calibrate the ratio: the first few, then every 20th.
   * Measuring a request costs time in proportion to the history; the ratio hardly moves.
   */
  wantsCalibration(): boolean {
    return this.responses++ < 3 || this.responses % 20 === 0;
  }

  /** Learns the ratio of characters to tokens from a request whose size the provider reported. */
  calibrate(chars: number, tokens: number): void {
    if (tokens < 200 || chars <= 0) return;
    this.charsPerToken = Math.min(6, Math.max(2, chars / tokens));
  }

  estimate(chars: number): number {
    return Math.ceil(chars / this.charsPerToken);
  }

  /** Exact for OpenAI's current models, close for others. */
  count(text: string): number {
    return tokenizer().countTokens(text);
  }
}

const DEFAULT_CHARS_PER_TOKEN = 4;

const require = createRequire(import.meta.url);
let encoding: { countTokens(text: string): number } | undefined;
function tokenizer(): { countTokens(text: string): number } {
  return (encoding ??= require('gpt-tokenizer/encoding/o200k_base') as { countTokens(text: string): number });
}

/** The characters a message puts on the wire, roughly: its text, arguments and results. */
export function messageChars(message: Message): number {
  if (message.role === 'user') return message.text.length + 8;
  if (message.role === 'tool') return message.content.length + 24;
  let chars = 8;
  for (const part of message.parts) {
    if (part.type === 'text' || part.type === 'thinking') chars += part.text.length;
    else chars += part.argsText.length + part.name.length + 24;
  }
  return chars;
}

/** A request as text, close enough to what is tokenized: for counting with the tokenizer. */
export function requestText(system: string, tools: ToolSpec[], messages: Message[]): string {
  const parts = [system, JSON.stringify(tools)];
  for (const message of messages) {
    if (message.role === 'user') parts.push(message.text);
    else if (message.role === 'tool') parts.push(message.content);
    else for (const part of message.parts) parts.push(part.type === 'tool_call' ? `${part.name} ${part.argsText}` : part.text);
  }
  return parts.join('\n');
}

export function requestChars(system: string, tools: ToolSpec[], messages: Message[]): number {
  let chars = system.length + JSON.stringify(tools).length;
  for (const message of messages) chars += messageChars(message);
  return chars;
}

/** Everything the provider counted for a request: fresh input plus cached input. */
export function inputTokens(usage: Usage): number {
  return usage.input + usage.cacheRead + usage.cacheWrite;
}

export interface ContextSize {
  tokens: number;
  /** True when part of the figure is an estimate rather than reported usage. */
  estimated: boolean;
}

/**
 * The size of the next request: the last response's reported input and output, plus an estimate
 * of the messages after it. Without any reported usage (a resumed session, the first turn) the
 * whole request is estimated.
 */
export function contextSize(counter: TokenCounter, system: string, tools: ToolSpec[], messages: Message[]): ContextSize {
  let anchor = -1;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message.role === 'assistant' && inputTokens(message.usage) > 0) {
      anchor = index;
      break;
    }
  }
  if (anchor < 0) return { tokens: counter.estimate(requestChars(system, tools, messages)), estimated: true };
  const reported = messages[anchor];
  if (reported.role !== 'assistant') throw new Error('unreachable');
  let added = 0;
  for (const message of messages.slice(anchor + 1)) added += messageChars(message);
  return { tokens: inputTokens(reported.usage) + reported.usage.output + counter.estimate(added), estimated: added > 0 };
}

/**
 * Whether a request passes a limit. Reported usage makes the figure exact; an estimate close to
 * the limit (within 15%) is settled by counting with the tokenizer.
 */
export function exceedsLimit(counter: TokenCounter, system: string, tools: ToolSpec[], messages: Message[], limit: number): boolean {
  const size = contextSize(counter, system, tools, messages);
  if (!size.estimated || Math.abs(size.tokens - limit) > limit * 0.15) return size.tokens > limit;
  return counter.count(requestText(system, tools, messages)) > limit;
}
