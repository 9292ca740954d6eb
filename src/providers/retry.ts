import { classifyFailure, type ProviderError } from './failure.js';
import type { ModelRequest, ModelStreamEvent, Provider } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** A retry about to happen: the stream so far is void and a new attempt will start after `delayMs`. */
export interface RetryNotice {
  type: 'retry';
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

/**
 * Streams a model response, starting over on failures worth retrying: 429, 5xx, 529, Anthropic's
 * mid-stream `overloaded_error`, connection resets and streams cut before their end. Events
 * already yielded from a failed attempt are void; the `retry` notice tells consumers so.
 * The request is never half-applied: the caller appends nothing until `done` arrives.
 */
export async function* streamWithRetry(
  provider: Provider,
  request: ModelRequest,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): AsyncGenerator<ModelStreamEvent | RetryNotice> {
  for (let attempt = 0; ; attempt++) {
    try {
      yield* provider.stream(request);
      return;
    } catch (error) {
      const failure = classifyFailure(provider.id, error, request.signal);
      if (!failure.retryable || attempt >= policy.maxRetries) throw failure;
      const delayMs = retryDelay(attempt, failure.retryAfterMs, policy, random);
      yield { type: 'retry', attempt: attempt + 1, delayMs, error: failure };
      await sleep(delayMs, request.signal);
    }
  }
}

/** Exponential backoff with jitter; a server's `retry-after` wins when it asks for longer. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(exponential * (0.5 + random() / 2));
  if (retryAfterMs === undefined) return jittered;
  return Math.min(Math.max(retryAfterMs, 0), Math.max(policy.maxDelayMs, 60_000));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(classifyFailure('openclaw', signal.reason, signal));
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(classifyFailure('openclaw', signal?.reason, signal));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
