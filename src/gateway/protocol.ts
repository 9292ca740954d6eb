import { OpenclawError } from '../errors.js';
import { formatPath, validate } from '../schema.js';

/**
 * The gateway's WebSocket protocol (docs/gateway.md): JSON text frames.
 *
 *   client → server  {type:"req", id, method, params}
 *   server → client  {type:"res", id, ok:true, payload} | {type:"res", id, ok:false, error:{code, message}}
 *   server → client  {type:"event", event, payload, seq}
 *
 * The first frame of a connection without an `Authorization` header is `connect` with the token.
 * `chat.send` is acknowledged once the message is on disk; the run's agent events follow as
 * events named by their type (`text_delta`, `tool_call`, ..., `done`), their payload the agent
 * event plus `key` and `messageId`.
 */
export const PROTOCOL_VERSION = 1;

export interface RequestFrame {
  type: 'req';
  id: string | number;
  method: string;
  params?: Record<string, unknown>;
}

export type ResponseFrame =
  | { type: 'res'; id: string | number | null; ok: true; payload: unknown }
  | { type: 'res'; id: string | number | null; ok: false; error: { code: string; message: string; hint?: string; retryAfter?: number } };

export interface EventFrame {
  type: 'event';
  event: string;
  payload: unknown;
  /** Counts the events of one connection from 1: a gap means events were lost. */
  seq: number;
}

export const frameSchema = {
  type: 'object',
  required: ['type', 'id', 'method'],
  properties: {
    type: { const: 'req' },
    id: { type: ['string', 'number'] },
    method: { type: 'string', minLength: 1, maxLength: 100 },
    params: { type: 'object' },
  },
} as const;

/** Parameters of the gateway's own methods (chat methods belong to the WebChat adapter). */
export const paramSchemas = {
  'sessions.list': {
    type: 'object',
    additionalProperties: false,
    properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
  'sessions.history': {
    type: 'object',
    required: ['key'],
    additionalProperties: false,
    properties: { key: { type: 'string', minLength: 1, maxLength: 256 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
} as const;

/** Checks parameters against a schema: an `invalid_params` error names the first problem. */
export function checkParams(method: string, schema: object, params: Record<string, unknown>): void {
  const issues = validate(schema, params);
  if (issues.length === 0) return;
  const issue = issues[0];
  throw new OpenclawError('invalid_params', `${method}: ${issue.kind === 'unknown_key' ? `unknown parameter "${formatPath(issue.path)}"` : `${formatPath(issue.path)} ${issue.message}`}`);
}
