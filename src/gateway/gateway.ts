import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Agent } from '../agent/runtime.js';
import { clientAddress, HttpError, sendError, sendJson } from '../channels/http.js';
import { OpenAIHttpAdapter } from '../channels/openai-http.js';
import { chatChannelAdapters } from '../channels/registry.js';
import type { RetryTiming } from '../channels/supervisor.js';
import { normalizeSessionKey, type ChannelAdapter, type ChannelContext } from '../channels/types.js';
import { WebChatAdapter } from '../channels/webchat/adapter.js';
import { ExitCode, OpenclawError, errorMessage } from '../errors.js';
import { gatewayProfile, type ToolProfile } from '../policy/profiles.js';
import { inputTokens } from '../agent/tokens.js';
import { resolveConnection, type ProviderConnection } from '../providers/connection.js';
import { messageText, toolCalls, type Message } from '../providers/types.js';
import type { Config } from '../store/config-schema.js';
import { ensureDir, type StorePaths } from '../store/paths.js';
import type { OpenSession } from '../store/sessions.js';
import { FailedAuthLimiter, loadToken, TokenCheck } from './auth.js';
import { InboundLog } from './inbound-log.js';
import { ConcurrencyLimit } from './lanes.js';
import { silentLogger, type GatewayLogger } from './logger.js';
import { GatewayPidFile, gatewayPaths, type GatewayPaths } from './pidfile.js';
import { checkParams, paramSchemas } from './protocol.js';
import { RouteTable } from './routes.js';
import { Router } from './router.js';
import { SessionPool, WriteBehindSessionStore } from './sessions.js';
import { WsEndpoint } from './ws.js';

export interface GatewayOptions {
  paths: StorePaths;
  config: Config;
  host: string;
  /** 0 picks a free port. */
  port: number;
  version: string;
  logger?: GatewayLogger;
  env?: NodeJS.ProcessEnv;
  /** How long a WebSocket without the Authorization header has to send `connect` (default 5 s). */
  connectTimeoutMs?: number;
  /** Failed authentications per address before it is blocked (default 10 a minute, blocked a minute). */
  authLimit?: { max: number; windowMs: number; blockMs: number };
  /** How chat channels (Telegram, Slack) back off after a failed or lost connection (default 1 s doubling to 60 s). */
  channelRetry?: RetryTiming;
}

const DEFAULT_MAX_CONCURRENT = 4;
const DEFAULT_QUEUE_PER_SESSION = 20;
const DEFAULT_IDLE_SECONDS = 600;
const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_TURNS = 100;
/** SIGTERM must end the process within 10 s: running turns get this long to finish. */
export const DRAIN_MS = 8_000;

/**
 * The gateway: one process that takes work from every channel at once over one port (HTTP and
 * WebSocket), authenticates it, routes each message to its session's lane, keeps it durable
 * until done, and survives restarts. See docs/gateway.md.
 */
export class Gateway {
  readonly startedAt = new Date();
  /** How late the event loop runs its callbacks: a stall here is added latency for every message. */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private stopping: Promise<void> | undefined;
  private readonly warned = new Set<string>();

  private constructor(
    private readonly options: GatewayOptions,
    private readonly files: GatewayPaths,
    private readonly pidFile: GatewayPidFile,
    private readonly log: InboundLog,
    private readonly store: WriteBehindSessionStore,
    private readonly pool: SessionPool,
    private readonly limit: ConcurrencyLimit,
    private readonly router: Router,
    private readonly adapters: Map<string, ChannelAdapter>,
    private readonly ws: WsEndpoint,
    private readonly server: Server,
    private readonly logger: GatewayLogger,
    readonly tokenSource: 'env' | 'file',
  ) {}

  /** Takes the store's gateway lock, recovers the inbound log, listens, and resumes unfinished work. */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const { paths, config } = options;
    const settings = config.gateway ?? {};
    const logger = options.logger ?? silentLogger;
    const files = gatewayPaths(paths);
    ensureDir(files.dir);
    ensureDir(files.workspace);
    const pidFile = await GatewayPidFile.acquire(files.pidFile, options.version);
    let log: InboundLog | undefined;
    try {
      const token = loadToken(files.token, options.env);
      if (token.created) logger.info({ path: files.token }, 'generated a gateway token');
      const opened = InboundLog.open(files.inbound);
      log = opened.log;
      const store = new WriteBehindSessionStore(paths, (error) => logger.warn({ err: errorMessage(error) }, 'session index write failed; `openclaw session list` rebuilds it'));
      const maxBody = settings.maxBodyBytes ?? DEFAULT_MAX_BODY;
      const adapters = new Map<string, ChannelAdapter>();
      for (const adapter of [new WebChatAdapter(), new OpenAIHttpAdapter({ maxBodyBytes: maxBody })]) adapters.set(adapter.id, adapter);
      const env = options.env ?? process.env;
      for (const adapter of await chatChannelAdapters({ config, env, gatewayDir: files.dir, retry: options.channelRetry })) adapters.set(adapter.id, adapter);

      // The pieces refer to one another through the gateway, built last.
      let gateway: Gateway | undefined;
      const pool = new SessionPool({
        store,
        idleMs: (settings.sessionIdleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000,
        open: (key, id) => gateway!.openSession(key, id),
      });
      const limit = new ConcurrencyLimit(settings.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
      const router = new Router({
        log: opened.log,
        sessions: pool,
        limit,
        maxQueuePerSession: settings.maxQueuePerSession ?? DEFAULT_QUEUE_PER_SESSION,
        adapters,
        unsavedAgent: (history) => gateway!.createAgent(gateway!.connection(), undefined, history),
        logger,
      });
      const tokens = new TokenCheck(token.token);
      const limiter = new FailedAuthLimiter(options.authLimit);
      const ws = new WsEndpoint({
        tokens,
        limiter,
        originAllowed: (origin, request) => sameOrigin(origin, request) || (settings.allowedOrigins ?? []).includes(origin),
        maxFrameBytes: maxBody,
        connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
        logger,
        hello: () => ({ server: { name: 'openclaw', version: options.version }, events: EVENT_NAMES }),
      });
      const routes = new RouteTable();
      const server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000 });
      gateway = new Gateway(options, files, pidFile, opened.log, store, pool, limit, router, adapters, ws, server, logger, token.source);
      gateway.addRoutes(routes);
      for (const adapter of adapters.values()) {
        const context: ChannelContext = {
          receive: (envelope, receiveOptions) => router.receive(envelope, receiveOptions),
          runUnsaved: (run, runOptions) => router.runUnsaved(run, runOptions),
          abort: (key, messageId) => router.abort(key, messageId),
          newSession: (key) => router.newSession(key),
          sessionInfo: (key) => gateway!.sessionInfo(key),
          http: routes,
          ws,
          log: logger.child({ channel: adapter.id }),
        };
        await adapter.start(context);
      }
      const loopbackOnly = isLoopback(options.host);
      server.on('request', (request, response) => void gateway!.handle(routes, tokens, limiter, loopbackOnly, request, response));
      server.on('upgrade', (request, socket, head) => {
        socket.on('error', () => undefined);
        if (loopbackOnly && !loopbackHost(request)) {
          socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        ws.handleUpgrade(request, socket, head);
      });
      server.on('clientError', (_error, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
      await listen(server, options.host, options.port);
      const address = gateway.address;
      pidFile.listening({ url: gateway.url, host: address.host, port: address.port });
      logger.info({ url: gateway.url, host: address.host, port: address.port, resumed: opened.pending.length }, 'gateway listening');
      gateway.loopDelay.enable();
      router.resume(opened.pending);
      return gateway;
    } catch (error) {
      await log?.close();
      pidFile.release();
      throw error;
    }
  }

  get address(): { host: string; port: number } {
    const address = this.server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Where a client on this machine reaches the gateway. */
  get url(): string {
    const { host, port } = this.address;
    const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  }

  /** Event-loop delay since the previous status request (or the start), in ms. */
  private eventLoopDelay() {
    const histogram = this.loopDelay;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const numbers = histogram.count > 0 ? { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) } : { p50: 0, p99: 0, max: 0 };
    histogram.reset();
    return numbers;
  }

  status() {
    const stats = this.router.stats();
    const channels: Record<string, { ok: boolean; detail: string }> = {};
    for (const [id, adapter] of this.adapters) channels[id] = adapter.health();
    return {
      pid: process.pid,
      version: this.options.version,
      url: this.url,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      sessions: { open: this.pool.openCount, active: stats.lanes },
      queue: { running: stats.running, waiting: stats.waitingForSlot + stats.queued, unfinished: stats.pending, maxConcurrent: this.limit.max },
      clients: this.ws.clientCount,
      memory: memoryNumbers(),
      eventLoopDelayMs: this.eventLoopDelay(),
      channels,
    };
  }

  /**
   * Stops: takes no new work, lets running turns finish within `drainMs` (the rest is
   * checkpointed for the next start), then closes connections, sessions and the log.
   */
  stop(options: { drainMs?: number } = {}): Promise<void> {
    this.stopping ??= (async () => {
      const drainMs = options.drainMs ?? DRAIN_MS;
      this.logger.info({ drainMs }, 'gateway stopping');
      this.loopDelay.disable();
      this.server.close();
      await this.router.drain(performance.now() + drainMs);
      for (const adapter of this.adapters.values()) await adapter.stop().catch(() => undefined);
      this.ws.closeAll();
      this.server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, 50));
      this.ws.terminateAll();
      this.server.closeAllConnections();
      await this.pool.closeAll();
      await this.store.flush();
      await this.log.close();
      this.pidFile.release();
      this.logger.info({}, 'gateway stopped');
    })();
    return this.stopping;
  }

  private async handle(routes: RouteTable, tokens: TokenCheck, limiter: FailedAuthLimiter, loopbackOnly: boolean, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    const method = request.method ?? 'GET';
    let path = '/';
    try {
      if (loopbackOnly && !loopbackHost(request)) throw new HttpError(403, 'forbidden_host', 'this gateway answers only to localhost names (DNS rebinding protection)');
      path = new URL(request.url ?? '/', 'http://gateway').pathname;
      const route = routes.find(method, path);
      if (route && 'handler' in route && route.public) {
        await route.handler(request, response, requestId);
        return;
      }
      const address = clientAddress(request);
      const retryAfter = limiter.retryAfter(address);
      if (retryAfter > 0) throw new HttpError(429, 'rate_limited', 'too many failed authentication attempts; try again later', { 'retry-after': String(retryAfter) });
      if (!tokens.matchesHeader(request.headers.authorization)) {
        limiter.fail(address);
        this.logger.warn({ reqId: requestId, address, method, path }, 'request refused: missing or wrong token');
        throw new HttpError(401, 'unauthorized', 'send the gateway token as `Authorization: Bearer <token>`', { 'www-authenticate': 'Bearer' });
      }
      if (!route) throw new HttpError(404, 'not_found', `no route ${method} ${path}`);
      if (!('handler' in route)) throw new HttpError(405, 'method_not_allowed', `${path} takes ${route.allowed.join(', ')}`, { allow: route.allowed.join(', ') });
      await route.handler(request, response, requestId);
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status >= 500) this.logger.warn({ reqId: requestId, method, path, status: error.status }, error.message);
        sendError(response, error);
      } else {
        this.logger.error({ reqId: requestId, method, path, err: errorMessage(error) }, 'request failed');
        sendError(response, new HttpError(500, 'internal', 'internal error; see the gateway log'));
      }
    }
  }

  private addRoutes(routes: RouteTable): void {
    routes.add('GET', '/healthz', (_request, response) => sendJson(response, 200, { ok: true }), { public: true });
    routes.add('GET', '/readyz', (_request, response) => {
      const checks = this.readiness();
      sendJson(response, checks.ready ? 200 : 503, checks);
    });
    routes.add('GET', '/status', (_request, response) => sendJson(response, 200, this.status()));

    this.ws.add('health', () => ({ ok: true, uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000), version: this.options.version }));
    this.ws.add('status', () => this.status());
    this.ws.add('sessions.list', async (params) => {
      checkParams('sessions.list', paramSchemas['sessions.list'], params);
      const limit = (params.limit as number | undefined) ?? 100;
      const sessions = (await this.store.list()).filter((meta) => meta.key);
      return {
        sessions: sessions.slice(0, limit).map((meta) => ({
          key: meta.key,
          id: meta.id,
          title: meta.title,
          created: meta.created,
          updated: meta.updated,
          messages: meta.messages,
          tokens: meta.tokens,
          cost: meta.cost,
        })),
      };
    });
    this.ws.add('sessions.history', async (params) => {
      checkParams('sessions.history', paramSchemas['sessions.history'], params);
      const key = normalizeSessionKey(params.key as string);
      if (!key) throw new OpenclawError('invalid_params', `"${params.key}" is not a session key`);
      const id = await this.pool.sessionIdFor(key);
      if (!id) return { key, sessionId: null, messages: [] };
      const { entries } = this.store.read(id);
      const messages = entries.flatMap((entry) => (entry.type === 'message' ? [historyItem(entry.message, entry.ts)] : []));
      return { key, sessionId: id, messages: messages.slice(-((params.limit as number | undefined) ?? 100)) };
    });
  }

  private readiness() {
    let store = { ok: true, detail: 'writable' };
    try {
      accessSync(this.files.dir, constants.W_OK);
      accessSync(this.options.paths.home, constants.W_OK);
    } catch (error) {
      store = { ok: false, detail: errorMessage(error) };
    }
    let provider = { ok: true, detail: '' };
    try {
      const connection = this.connection();
      provider.detail = `${connection.id} ${connection.model}`;
    } catch (error) {
      provider = { ok: false, detail: errorMessage(error) };
    }
    return { ready: store.ok && provider.ok && this.router.accepting, checks: { store, provider, accepting: this.router.accepting } };
  }

  private connection(): ProviderConnection {
    return resolveConnection(this.options.config, {}, this.options.env ?? process.env);
  }

  private async sessionInfo(key: string) {
    let meta = this.pool.peek(key)?.session.meta;
    if (!meta) {
      const id = await this.pool.sessionIdFor(key);
      meta = id ? (await this.store.list()).find((item) => item.id === id) : undefined;
    }
    if (!meta) return undefined;
    return { id: meta.id, title: meta.title, model: meta.model, messages: meta.messages, tokens: inputTokens(meta.tokens) + meta.tokens.output, cost: meta.cost, created: meta.created, updated: meta.updated };
  }

  /** The tool policy of a session: its channel's profile, else the gateway's approval mode. */
  private toolProfile(key: string): ToolProfile {
    return this.adapters.get(key.split(':')[0])?.toolProfile ?? gatewayProfile(this.options.config);
  }

  private async openSession(key: string, id: string | undefined): Promise<{ session: OpenSession; agent: Agent }> {
    const connection = this.connection();
    let session: OpenSession | undefined;
    if (id) {
      try {
        session = await this.store.open(id);
      } catch (error) {
        // Removed with `openclaw session rm` since: the key starts a new session.
        if (!(error instanceof OpenclawError && ['session_not_found', 'session_missing'].includes(error.code))) throw error;
      }
    }
    session ??= await this.store.create({ cwd: this.files.workspace, provider: connection.id, model: connection.model, key });
    for (const repair of session.repairs) this.logger.warn({ key, session: session.id }, `session repaired on load: ${repair}`);
    try {
      return { session, agent: await this.createAgent(connection, session, undefined, this.toolProfile(key)) };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  private async createAgent(connection: ProviderConnection, session?: OpenSession, history?: Message[], profile?: ToolProfile): Promise<Agent> {
    const { config, paths } = this.options;
    // Loaded with the first session, not at start: an idle gateway stays small.
    const { Agent } = await import('../agent/runtime.js');
    const agent = await Agent.create({
      paths,
      config,
      connection,
      cwd: this.files.workspace,
      mode: profile?.mode ?? config.gateway?.approval ?? 'auto-edit',
      allow: profile?.allow,
      deny: profile?.deny,
      session,
      history,
      maxTurns: config.maxTurns ?? DEFAULT_MAX_TURNS,
    });
    for (const warning of agent.warnings) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      this.logger.warn({}, warning);
    }
    return agent;
  }
}

/** The agent events, plus `message`: a reply delivered to watchers when it could not stream. */
const EVENT_NAMES = ['session', 'user', 'text_delta', 'thinking_delta', 'tool_call', 'approval', 'tool_result', 'usage', 'compaction', 'notice', 'error', 'done', 'message'];

function historyItem(message: Message, ts: string) {
  if (message.role === 'user') return { role: 'user', text: message.text, ts };
  if (message.role === 'assistant') {
    return { role: 'assistant', text: messageText(message), tools: toolCalls(message).map((call) => ({ id: call.id, name: call.name })), ts };
  }
  return { role: 'tool', id: message.toolCallId, name: message.toolName, ok: !message.isError, ts };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The Host header names this machine: a page on another name that resolves here (DNS rebinding) is refused. */
function loopbackHost(request: IncomingMessage): boolean {
  const host = request.headers.host;
  if (!host) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return isLoopback(name.toLowerCase());
}

/** A browser page served by the gateway itself (http or https, as a proxy may add TLS). */
function sameOrigin(origin: string, request: IncomingMessage): boolean {
  const host = request.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new OpenclawError('port_in_use', `port ${port} on ${host} is already in use`, { exitCode: ExitCode.runtime, hint: 'Pick another with --port, or stop what is using it.' }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new OpenclawError('bad_host', `cannot listen on ${host}: no such local address`, { exitCode: ExitCode.usage, hint: 'Pass --host 127.0.0.1, or an address of this machine.' }));
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function memoryNumbers() {
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external, arrayBuffersBytes: usage.arrayBuffers };
}
