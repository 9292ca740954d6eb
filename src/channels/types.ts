import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentEvent } from '../agent/events.js';
import type { ToolProfile } from '../policy/profiles.js';
import type { Message } from '../providers/types.js';

/**
 * The channel adapter interface: how a chat surface (WebChat, the OpenAI-compatible HTTP API,
 * later Telegram, Slack, Discord, IRC) plugs into the gateway. An adapter turns what arrives on
 * its surface into `InboundEnvelope`s and hands them to `ChannelContext.receive`; the router
 * knows a message's surface only by the envelope's `channel` and calls back through `send`.
 */
export interface ChannelAdapter {
  /** Stable id, the first part of session keys: `webchat`, `http`, `telegram`. */
  readonly id: string;
  readonly limits: ChannelLimits;
  start(context: ChannelContext): Promise<void>;
  /** Stops taking messages; runs already accepted are the router's to finish. */
  stop(): Promise<void>;
  /**
   * Delivers a reply that was not streamed to its sender: the answer to a message resumed after
   * a restart, or to one whose sender went away mid-run. Returns false when there is nobody to
   * deliver it to; the reply stays in the session either way.
   */
  send(target: ChannelTarget, message: OutboundMessage): Promise<boolean>;
  /** Shows that the agent is working, where the surface has such a thing. */
  typing?(target: ChannelTarget): Promise<void>;
  health(): ChannelHealth;
  /** The tool policy of the sessions this channel opens; absent: `gateway.approval` and no extra rules. */
  readonly toolProfile?: ToolProfile;
}

export interface ChannelLimits {
  /** Longest message the surface accepts; longer replies are split, never inside a code fence. */
  maxMessageLength?: number;
  /** How long the surface shows a typing indicator: the router repeats `typing` this often while a run goes on. */
  typingRefreshMs?: number;
}

export interface ChannelHealth {
  ok: boolean;
  /** One line for `serve status`: connected clients, the last error, ... */
  detail: string;
  /** Channels that hold a connection to a chat service say more, for `openclaw channels status`. */
  state?: string;
  connected?: boolean;
  connectedSince?: string;
  lastInboundAt?: string;
  lastError?: { message: string; at: string };
  /** When the next connection attempt is due, while retrying. */
  retryAt?: string;
}

/** One inbound message, whatever surface it came from. */
export interface InboundEnvelope {
  channel: string;
  /** The bot account on the channel (several bots may share one channel); `default` for one. */
  account: string;
  /**
   * The channel's own id for the message, when it has one: a given id is processed at most
   * once, so a client's retry is not answered twice.
   */
  messageId?: string;
  chat: { id: string; type: 'dm' | 'group' };
  sender: { id: string; name?: string };
  text: string;
  /** In groups the bot answers only when mentioned. */
  mentionsBot: boolean;
  replyTo?: string;
  /** ISO time the channel says the message was sent. */
  timestamp: string;
  /**
   * The session, when the surface names it itself (the WebSocket protocol's `chat.send` takes a
   * key); otherwise `<channel>:<dm|group>:<chat id>`.
   */
  sessionKey?: string;
}

/** Where a reply goes: the chat a message came from. */
export interface ChannelTarget {
  sessionKey: string;
  chat: InboundEnvelope['chat'];
  /** The gateway's id of the message answered. */
  replyTo: string;
  /** The message answered, as it came in: chat apps thread the reply to it. */
  envelope: InboundEnvelope;
}

export interface OutboundMessage {
  text: string;
}

/** Follows one run: every agent event of it, as it happens. */
export interface RunListener {
  event(event: AgentEvent): void;
  /** False once the sender went away: the run goes on, and its reply is delivered with `send`. */
  readonly connected: boolean;
}

export type Receipt =
  | { status: 'accepted'; messageId: string; sessionKey: string; position: number }
  /** The channel's message id was seen before: it is not run again. */
  | { status: 'duplicate'; messageId: string; sessionKey: string; state: 'received' | 'running' | 'done' }
  /** The session's queue is full. */
  | { status: 'busy'; sessionKey: string; waiting: number; retryAfterSeconds: number }
  /** The gateway is shutting down and takes no new messages. */
  | { status: 'closing'; sessionKey: string };

/** A run with no session and nothing kept: the OpenAI-compatible endpoint without a `user`. */
export interface UnsavedRun {
  channel: string;
  /** The conversation the request carried, before its last user message. */
  history: Message[];
  text: string;
}

/** What the gateway lends an adapter when it starts. */
export interface ChannelContext {
  /**
   * Persists the message durably, queues it in its session's lane and returns the receipt to
   * acknowledge it with. The listener, if any, sees the run's events; the first of them may come
   * before this resolves (a run that can start at once does), so an adapter that acknowledges
   * holds them until it has.
   */
  receive(envelope: InboundEnvelope, options?: { listener?: RunListener; requestId?: string }): Promise<Receipt>;
  /** Runs an unsaved conversation under the same concurrency limit; not durable. */
  runUnsaved(run: UnsavedRun, options: { listener: RunListener; requestId?: string }): Receipt;
  /** Stops a session's running message and drops its waiting ones (or just `messageId`). */
  abort(sessionKey: string, messageId?: string): number;
  /**
   * Starts a new session for a key (a chat's `/new`), after the messages already queued for it;
   * the old session stays in the store.
   */
  newSession(sessionKey: string): Promise<void>;
  /** What the store knows of a key's session, for a chat's `/status`. */
  sessionInfo(sessionKey: string): Promise<SessionInfo | undefined>;
  /** Routes on the gateway's HTTP server, for surfaces reached over HTTP. */
  http: HttpRoutes;
  /** Methods of the gateway's WebSocket protocol, for surfaces that speak it. */
  ws: WsMethods;
  log: ChannelLog;
}

export interface SessionInfo {
  id: string;
  title: string;
  model: string;
  messages: number;
  tokens: number;
  cost: number;
  created: string;
  updated: string;
}

export interface HttpRoutes {
  /**
   * Adds a route. `public` routes skip the bearer token: only for pages and assets that carry no
   * data (the WebChat page asks for the token and presents it on the WebSocket).
   */
  add(method: 'GET' | 'POST', path: string, handler: HttpHandler, options?: { public?: boolean }): void;
}

export type HttpHandler = (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<void> | void;

export interface WsMethods {
  add(method: string, handler: WsMethodHandler): void;
}

/** Returns the response payload; a thrown OpenclawError becomes an error response with its code. */
export type WsMethodHandler = (params: Record<string, unknown>, client: WsClient, requestId: string) => Promise<unknown> | unknown;

/** One authenticated WebSocket connection. */
export interface WsClient {
  readonly id: string;
  readonly open: boolean;
  /** Sends `{type:"event", event, payload, seq}`. */
  push(event: string, payload: unknown): void;
  onClose(listener: () => void): void;
}

export interface ChannelLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** The session key of an envelope: its own when the surface named one, else from the chat. */
export function sessionKeyOf(envelope: InboundEnvelope): string {
  return envelope.sessionKey ?? `${envelope.channel}:${envelope.chat.type}:${envelope.chat.id}`;
}

/** `<channel>:<dm|group>:<chat id>`: what a session key looks like. */
export const SESSION_KEY = /^[a-z][a-z0-9_-]{0,31}:(dm|group):[^\s\u0000-\u001f]{1,200}$/;

/** A session key as a client writes it: a bare name means the WebChat conversation of that name. Undefined when invalid. */
export function normalizeSessionKey(key: string): string | undefined {
  const full = key.includes(':') ? key : `webchat:dm:${key}`;
  return SESSION_KEY.test(full) ? full : undefined;
}
