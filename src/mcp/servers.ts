import { errorMessage } from '../errors.js';
import type { McpServerSettings } from '../store/config-schema.js';
import type { AnyTool } from '../tools/types.js';
import type { McpConnection } from './connection.js';
import { transportOf } from './settings.js';

const STARTUP_TIMEOUT_MS = 30_000;
const DEFAULT_CALL_TIMEOUT_MS = 120_000;

export interface McpServersOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A server that could not start, or a tool that could not be offered: a warning, never fatal. */
  warn: (message: string) => void;
}

/**
 * The configured MCP servers of one agent. Nothing starts (and the SDK is not even loaded) until
 * the first message; then every enabled server starts at once, and the tools of those that came
 * up are offered. A server that fails is reported with what it wrote to stderr, and the chat goes
 * on without it.
 */
export class McpServers {
  private started: Promise<AnyTool[]> | undefined;
  private readonly connections: McpConnection[] = [];
  private closed = false;

  constructor(
    private readonly servers: Record<string, McpServerSettings>,
    private readonly options: McpServersOptions,
  ) {}

  /** Whether any server is configured and enabled. */
  get configured(): boolean {
    return Object.values(this.servers).some((settings) => settings.enabled !== false);
  }

  /** Starts the servers once; the tools of every server that started. */
  start(): Promise<AnyTool[]> {
    return (this.started ??= this.startAll());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.started?.catch(() => undefined);
    await Promise.all(this.connections.splice(0).map((connection) => connection.close()));
  }

  private async startAll(): Promise<AnyTool[]> {
    const enabled = Object.entries(this.servers).filter(([, settings]) => settings.enabled !== false);
    if (enabled.length === 0) return [];
    const [{ McpConnection, McpStartError }, { mcpTool }] = await Promise.all([import('./connection.js'), import('./tools.js')]);
    const results = await Promise.all(
      enabled.map(async ([name, settings]) => {
        if (!transportOf(settings)) {
          this.options.warn(`mcp: server "${name}" has neither a command nor a url; skipped (fix it with \`openclaw mcp add ${name} ...\`)`);
          return [];
        }
        try {
          const connection = await McpConnection.connect(name, settings, { cwd: this.options.cwd, env: this.options.env, startupTimeoutMs: STARTUP_TIMEOUT_MS });
          if (this.closed) {
            await connection.close();
            return [];
          }
          this.connections.push(connection);
          const options = { capability: settings.capability ?? 'exec', timeoutMs: settings.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS } as const;
          return connection.tools.map((info) => mcpTool(connection, info, options));
        } catch (error) {
          const stderr = error instanceof McpStartError && error.stderr ? `\n${indent(error.stderr)}` : '';
          this.options.warn(`mcp: server "${name}" did not start, its tools are not available: ${errorMessage(error)}${stderr}`);
          return [];
        }
      }),
    );
    const seen = new Set<string>();
    return results.flat().filter((tool) => {
      if (seen.has(tool.name)) {
        this.options.warn(`mcp: two tools are both named ${tool.name} once shortened; only the first is offered`);
        return false;
      }
      seen.add(tool.name);
      return true;
    });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
