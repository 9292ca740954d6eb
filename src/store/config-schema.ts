/**
 * The settings file's schema, as JSON Schema so one validator serves config, tool arguments and
 * (later) MCP tools. Keys not described here are reported and ignored, never fatal.
 */

const providerModel = {
  type: 'object',
  additionalProperties: false,
  properties: {
    contextWindow: { type: 'integer', minimum: 1, description: 'context window in tokens' },
    maxOutputTokens: { type: 'integer', minimum: 1, description: 'output-token limit per response' },
    inputPrice: { type: 'number', minimum: 0, description: 'USD per million input tokens' },
    outputPrice: { type: 'number', minimum: 0, description: 'USD per million output tokens' },
  },
} as const;

const providerEntry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { enum: ['openai', 'anthropic', 'openai-compatible'], description: 'wire protocol of this provider' },
    baseUrl: { type: 'string', pattern: '^https?://', description: 'API base URL, e.g. http://localhost:11434/v1' },
    apiKeyEnv: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: 'name of the environment variable holding the API key (keys are never stored)',
    },
    api: { enum: ['chat', 'responses'], description: 'OpenAI API flavour: chat (Chat Completions) or responses' },
    model: { type: 'string', minLength: 1, description: 'default model of this provider' },
    timeoutMs: { type: 'integer', minimum: 1000, description: 'request timeout' },
    models: { type: 'object', additionalProperties: providerModel },
  },
} as const;

/** One MCP server: a command to run (stdio) or a URL (streamable HTTP). */
const mcpServerEntry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    command: { type: 'string', minLength: 1, description: 'stdio server: the program to run' },
    args: { type: 'array', items: { type: 'string' }, description: 'stdio server: its arguments' },
    env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'stdio server: extra environment variables; ${NAME} is taken from your environment',
    },
    url: { type: 'string', pattern: '^https?://', description: 'streamable HTTP server: its URL' },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'streamable HTTP server: extra request headers; ${NAME} is taken from your environment',
    },
    capability: { enum: ['read', 'write', 'exec', 'network'], description: 'what the policy treats its tools as (default exec)' },
    enabled: { type: 'boolean', description: 'offer this server to the agent (default true)' },
    timeoutMs: { type: 'integer', minimum: 1000, description: 'longest wait for a tool call (default 120000)' },
  },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    provider: { type: 'string', minLength: 1, description: 'default provider id (openai, anthropic, or a providers.<id> entry)' },
    model: { type: 'string', minLength: 1, description: 'default model id' },
    approval: { enum: ['read-only', 'ask', 'auto-edit', 'full'], description: 'default approval mode' },
    sandbox: { enum: ['off', 'bwrap', 'auto'], description: 'shell sandbox' },
    maxTurns: { type: 'integer', minimum: 1, description: 'model turns per run before stopping (exit 4)' },
    maxOutputTokens: { type: 'integer', minimum: 1, description: 'output-token limit per response' },
    contextWindow: {
      type: 'integer',
      minimum: 1000,
      description: 'context window in tokens of the models used (also settable as model.contextWindow); overrides the built-in table',
    },
    compaction: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'compact automatically when the context fills up (default true)' },
        threshold: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'fraction of the window at which to compact (default 0.8)' },
        reserveTokens: { type: 'integer', minimum: 0, description: 'tokens kept free for the answer (default 8192)' },
        keepRecentTokens: { type: 'integer', minimum: 100, description: 'recent tokens kept verbatim (default 20000)' },
      },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'long-term memory tools and recall (default true)' },
        recallTokens: { type: 'integer', minimum: 0, description: 'most tokens of memory recalled per turn (default 1500; 0 turns recall off)' },
      },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxRetries: { type: 'integer', minimum: 0, maximum: 20, description: 'retries of a failed model request' },
        baseDelayMs: { type: 'integer', minimum: 0, description: 'first backoff delay, doubled per retry' },
        maxDelayMs: { type: 'integer', minimum: 0, description: 'longest backoff delay' },
      },
    },
    permissions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allow: { type: 'array', items: { type: 'string' }, description: "rules like 'shell(git status)'" },
        ask: { type: 'array', items: { type: 'string' }, description: "rules that always ask first, like 'shell(git push *)'" },
        deny: { type: 'array', items: { type: 'string' }, description: "rules like 'write(.env*)'" },
      },
    },
    tools: {
      type: 'object',
      additionalProperties: false,
      properties: {
        shell: {
          type: 'object',
          additionalProperties: false,
          properties: {
            timeoutMs: { type: 'integer', minimum: 100, description: 'default shell command timeout' },
            maxOutputBytes: { type: 'integer', minimum: 1024, description: 'shell output kept for the model (head and tail)' },
          },
        },
      },
    },
    providers: { type: 'object', additionalProperties: providerEntry },
    gateway: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, description: 'address `openclaw serve` binds (default 127.0.0.1; beyond loopback needs allowRemote)' },
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'port of the gateway (default 18789; 0 picks a free one)' },
        allowRemote: { type: 'boolean', description: 'allow binding a non-loopback address (token auth stays on)' },
        maxConcurrent: { type: 'integer', minimum: 1, maximum: 1024, description: 'agent runs at once across all sessions (default 4)' },
        maxQueuePerSession: { type: 'integer', minimum: 1, maximum: 10000, description: 'messages waiting per session before the gateway answers "busy" (default 20)' },
        approval: { enum: ['read-only', 'ask', 'auto-edit', 'full'], description: 'approval mode of gateway sessions; nobody can approve, so "ask" means deny (default auto-edit)' },
        sessionIdleSeconds: { type: 'integer', minimum: 1, description: 'close a session held by the gateway after this long without messages (default 600)' },
        maxBodyBytes: { type: 'integer', minimum: 1024, description: 'largest HTTP body or WebSocket frame accepted after auth (default 1048576)' },
        allowedOrigins: { type: 'array', items: { type: 'string', pattern: '^https?://' }, description: "extra browser origins allowed to open the WebSocket (the gateway's own always is)" },
      },
    },
    mcp: {
      type: 'object',
      additionalProperties: false,
      properties: { servers: { type: 'object', additionalProperties: mcpServerEntry } },
    },
  },
} as const;

export type ApprovalMode = 'read-only' | 'ask' | 'auto-edit' | 'full';
export type SandboxMode = 'off' | 'bwrap' | 'auto';
export type ProviderType = 'openai' | 'anthropic' | 'openai-compatible';

export interface ProviderModelSettings {
  contextWindow?: number;
  maxOutputTokens?: number;
  inputPrice?: number;
  outputPrice?: number;
}

export interface ProviderSettings {
  type?: ProviderType;
  baseUrl?: string;
  apiKeyEnv?: string;
  api?: 'chat' | 'responses';
  model?: string;
  timeoutMs?: number;
  models?: Record<string, ProviderModelSettings>;
}

/** `mcp.servers.<name>`: either `command` (stdio) or `url` (streamable HTTP). */
export interface McpServerSettings {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
  capability?: 'read' | 'write' | 'exec' | 'network';
  enabled?: boolean;
  timeoutMs?: number;
}

export interface Config {
  provider?: string;
  model?: string;
  approval?: ApprovalMode;
  sandbox?: SandboxMode;
  maxTurns?: number;
  maxOutputTokens?: number;
  contextWindow?: number;
  compaction?: { enabled?: boolean; threshold?: number; reserveTokens?: number; keepRecentTokens?: number };
  memory?: { enabled?: boolean; recallTokens?: number };
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  permissions?: { allow?: string[]; ask?: string[]; deny?: string[] };
  tools?: { shell?: { timeoutMs?: number; maxOutputBytes?: number } };
  providers?: Record<string, ProviderSettings>;
  gateway?: GatewaySettings;
  mcp?: { servers?: Record<string, McpServerSettings> };
}

/** `gateway.*`: how `openclaw serve` listens, admits and schedules work. */
export interface GatewaySettings {
  host?: string;
  port?: number;
  allowRemote?: boolean;
  maxConcurrent?: number;
  maxQueuePerSession?: number;
  approval?: ApprovalMode;
  sessionIdleSeconds?: number;
  maxBodyBytes?: number;
  allowedOrigins?: string[];
}
