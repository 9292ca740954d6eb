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

/** What every chat channel bot shares: who may talk to it, where, and under which tool policy. */
const channelAccess = {
  enabled: { type: 'boolean', description: 'run this channel when `openclaw serve` starts (default true once it has a token)' },
  dmPolicy: {
    enum: ['pairing', 'allowlist', 'open'],
    description: 'direct messages from senders not in allowFrom: pairing (a one-time code for `openclaw pairing approve`; the default), allowlist (ignored), open (answered)',
  },
  allowFrom: { type: 'array', items: { type: ['string', 'integer'] }, description: 'user ids allowed to talk to the bot (approved pairings are added to these)' },
  groups: { type: 'array', items: { type: ['string', 'integer'] }, description: 'group chats (or channels) the bot answers anyone in, by id; "*" for every one (default: none listed, and in any group only senders on the allowlist are answered)' },
  requireMention: { type: 'boolean', description: 'in groups, answer only messages that mention the bot or reply to it (default true)' },
  toolProfile: {
    enum: ['messaging', 'gateway'],
    description: 'tool policy of its sessions: messaging (no shell, writes only in the gateway workspace, web_fetch allowed; the default) or gateway (gateway.approval)',
  },
} as const;

/**
 * The keys that hold a secret on purpose: chat channel credentials, which `openclaw config set`
 * accepts (config.json is 0600), each with the variable that keeps it out of the file instead.
 * `config list` hides their values; `security audit` reports them as a low finding. Those with a
 * variable are the credentials a channel needs (src/channels/registry.ts reads them from here).
 */
export const SECRET_CONFIG_KEYS: Record<string, string> = {
  'channels.telegram.token': 'TELEGRAM_BOT_TOKEN',
  'channels.telegram.webhookSecret': '',
  'channels.slack.botToken': 'SLACK_BOT_TOKEN',
  'channels.slack.appToken': 'SLACK_APP_TOKEN',
};

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
    channels: {
      type: 'object',
      additionalProperties: false,
      properties: {
        telegram: {
          type: 'object',
          additionalProperties: false,
          properties: {
            token: { type: 'string', minLength: 1, description: 'bot token from @BotFather (or TELEGRAM_BOT_TOKEN, which keeps it out of this file)' },
            ...channelAccess,
            apiRoot: { type: 'string', pattern: '^https?://', description: 'Bot API server (default https://api.telegram.org; a self-hosted or test server)' },
            webhookUrl: { type: 'string', pattern: '^https://', description: 'receive updates by webhook at this public URL (proxied to the gateway\'s /telegram/webhook) instead of long polling' },
            webhookSecret: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,256}$', description: 'secret Telegram sends with each webhook call (default: derived from the token)' },
            pollIntervalMs: { type: 'integer', minimum: 0, description: 'shortest time between two getUpdates calls when the server answers at once (default 1000)' },
          },
        },
        slack: {
          type: 'object',
          additionalProperties: false,
          properties: {
            botToken: { type: 'string', minLength: 1, description: 'bot token, xoxb-... (or SLACK_BOT_TOKEN, which keeps it out of this file)' },
            appToken: { type: 'string', minLength: 1, description: 'app-level token for Socket Mode, xapp-... (or SLACK_APP_TOKEN)' },
            ...channelAccess,
            apiUrl: { type: 'string', pattern: '^https?://', description: 'Web API base URL (default https://slack.com/api/; for tests)' },
          },
        },
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
  channels?: { telegram?: TelegramSettings; slack?: SlackSettings };
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

/** `channels.<channel>.*` keys every chat channel has. */
export interface ChannelAccessSettings {
  enabled?: boolean;
  dmPolicy?: 'pairing' | 'allowlist' | 'open';
  allowFrom?: Array<string | number>;
  groups?: Array<string | number>;
  requireMention?: boolean;
  toolProfile?: 'messaging' | 'gateway';
}

/** `channels.telegram.*`. */
export interface TelegramSettings extends ChannelAccessSettings {
  token?: string;
  apiRoot?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  pollIntervalMs?: number;
}

/** `channels.slack.*`. */
export interface SlackSettings extends ChannelAccessSettings {
  botToken?: string;
  appToken?: string;
  apiUrl?: string;
}
