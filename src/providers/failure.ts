import { ExitCode, OpenclawError } from '../errors.js';

/**
 * What went wrong talking to a model, in terms the retry loop and the user care about. Both SDKs'
 * errors are recognised by shape (status, type, name) so this module never loads an SDK.
 */
export type FailureKind =
  | 'auth'
  | 'quota'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'connection'
  | 'stream_cut'
  | 'context_overflow'
  | 'request'
  | 'aborted';

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['rate_limit', 'overloaded', 'server', 'connection', 'stream_cut']);

export class ProviderError extends OpenclawError {
  readonly kind: FailureKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(
    kind: FailureKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; hint?: string; cause?: unknown } = {},
  ) {
    super(`provider_${kind}`, message, {
      hint: options.hint,
      exitCode: kind === 'aborted' ? ExitCode.interrupted : ExitCode.provider,
      cause: options.cause,
    });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status;
    this.retryable = RETRYABLE.has(kind);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Thrown by an adapter when a stream ends before the provider said it was complete. */
export function streamCut(provider: string): ProviderError {
  return new ProviderError('stream_cut', `${provider}: the response stream ended before it was complete`);
}

interface ErrorShape {
  name?: string;
  message?: string;
  status?: number;
  type?: string | null;
  code?: string | null;
  error?: { type?: string; code?: string; message?: string; error?: { type?: string; message?: string } };
  headers?: { get(name: string): string | null };
  cause?: unknown;
}

const CONTEXT_OVERFLOW =
  /context[_ ]length|context window|prompt is too long|maximum context|too many tokens|input is too long|exceeds the context/i;
const CONNECTION = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|other side closed|terminated|fetch failed|network/i;

export function classifyFailure(provider: string, error: unknown, signal?: AbortSignal): ProviderError {
  // An aborted request can surface as anything (a cut stream, a fetch error): the signal decides.
  if (signal?.aborted) return new ProviderError('aborted', `${provider}: request aborted`, { cause: error });
  if (error instanceof ProviderError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorShape;
  const message = apiMessage(e);
  const type = e.type ?? e.error?.type ?? e.error?.error?.type ?? undefined;
  const code = e.code ?? e.error?.code ?? undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfterMs = parseRetryAfter(e.headers);
  const make = (kind: FailureKind, text: string, hint?: string) =>
    new ProviderError(kind, `${provider}: ${text}`, { status, retryAfterMs, hint, cause: error });

  if (e.name === 'APIUserAbortError' || e.name === 'AbortError') return make('aborted', 'request aborted');
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return make('auth', `authentication failed (${status ?? type}): ${message}`, authHint(provider));
  }
  if (CONTEXT_OVERFLOW.test(message) || code === 'context_length_exceeded') return make('context_overflow', message);
  if (code === 'insufficient_quota') return make('quota', message, 'Check the plan and billing of this API key.');
  if (status === 429 || type === 'rate_limit_error' || code === 'rate_limit_exceeded') return make('rate_limit', `rate limited: ${message}`);
  if (status === 529 || type === 'overloaded_error') return make('overloaded', `overloaded: ${message}`);
  if (status !== undefined) {
    if (status === 408 || status === 409 || status >= 500) return make('server', `server error ${status}: ${message}`);
    return make('request', `request rejected (${status}): ${message}`);
  }
  if (type === 'api_error' || type === 'server_error') return make('server', `server error: ${message}`);
  if (e.name === 'APIConnectionError' || e.name === 'APIConnectionTimeoutError' || CONNECTION.test(`${message} ${causeText(e)}`)) {
    return make('connection', `connection failed: ${message}${causeSuffix(e)}`);
  }
  return make('request', message);
}

function apiMessage(e: ErrorShape): string {
  const nested = e.error?.error?.message ?? e.error?.message;
  return (nested ?? e.message ?? 'unknown error').replace(/\s+/g, ' ').trim();
}

function causeText(e: ErrorShape): string {
  const cause = e.cause as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  return [cause?.message, cause?.code, cause?.cause?.code, cause?.cause?.message].filter(Boolean).join(' ');
}

function causeSuffix(e: ErrorShape): string {
  const text = causeText(e);
  return text ? ` (${text})` : '';
}

function authHint(provider: string): string {
  if (provider === 'anthropic') return 'Check ANTHROPIC_API_KEY (or the apiKeyEnv of this provider in `openclaw config list`).';
  if (provider === 'openai') return 'Check OPENAI_API_KEY (or the apiKeyEnv of this provider in `openclaw config list`).';
  return `Check the key named by providers.${provider}.apiKeyEnv in \`openclaw config list\`.`;
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: ErrorShape['headers']): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
