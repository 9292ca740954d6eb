import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../errors.js';
import type { McpServerSettings } from '../store/config-schema.js';
import { describeServer, expandVariables } from './settings.js';

/** What a server says about one of its tools. */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export interface ConnectOptions {
  /** Where a stdio server runs: the agent's workspace. */
  cwd: string;
  /** For `${NAME}` in env values and headers. */
  env: NodeJS.ProcessEnv;
  /** Longest wait for the server to start and list its tools. */
  startupTimeoutMs: number;
}

/** A server that did not start: the reason, and the end of what it wrote to stderr. */
export class McpStartError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'McpStartError';
  }
}

/** The last few kilobytes a server wrote to stderr: enough to explain a failure, bounded. */
class StderrTail {
  private text = '';
  constructor(private readonly limit = 4096) {}
  attach(stream: Readable | null): void {
    // Always read it: a server whose stderr pipe fills up would block.
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      this.text = (this.text + chunk).slice(-this.limit);
    });
  }
  toString(): string {
    return this.text.trim();
  }
}

/**
 * One running MCP server, through the official SDK: started, initialised and asked for its tools
 * by `connect`, closed by `close` (a stdio server gets its stdin closed, then SIGTERM).
 */
export class McpConnection {
  private constructor(
    readonly name: string,
    private readonly client: Client,
    readonly tools: McpToolInfo[],
    private readonly stderr: StderrTail,
  ) {}

  static async connect(name: string, settings: McpServerSettings, options: ConnectOptions): Promise<McpConnection> {
    const stderr = new StderrTail();
    const transport = createTransport(settings, options, stderr);
    const client = new Client({ name: 'openclaw', version: packageVersion() });
    try {
      await client.connect(transport, { timeout: options.startupTimeoutMs });
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: options.startupTimeoutMs });
        for (const tool of page.tools) tools.push({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema as Record<string, unknown> });
        cursor = page.nextCursor;
      } while (cursor);
      return new McpConnection(name, client, tools, stderr);
    } catch (error) {
      await client.close().catch(() => undefined);
      // Give a dying process a moment to flush its last words to stderr.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new McpStartError(`${describeServer(settings)}: ${startFailure(error)}`, stderr.toString());
    }
  }

  async call(tool: string, args: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<CallToolResult> {
    try {
      return (await this.client.callTool({ name: tool, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeoutMs,
        resetTimeoutOnProgress: true,
      })) as CallToolResult;
    } catch (error) {
      const stderr = this.stderr.toString();
      throw new Error(`${errorMessage(error)}${stderr ? `\nserver stderr:\n${stderr}` : ''}`);
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

function createTransport(settings: McpServerSettings, options: ConnectOptions, stderr: StderrTail): Transport {
  if (settings.url) {
    const headers = resolved(settings.headers, options.env, 'header');
    return new StreamableHTTPClientTransport(new URL(settings.url), { requestInit: { headers } });
  }
  const transport = new StdioClientTransport({
    command: settings.command!,
    args: settings.args ?? [],
    // Added to the SDK's safe default (PATH, HOME, USER, SHELL, TERM...): API keys openclaw holds stay out.
    env: resolved(settings.env, options.env, 'environment variable'),
    cwd: options.cwd,
    stderr: 'pipe',
  });
  stderr.attach(transport.stderr as Readable | null);
  return transport;
}

function resolved(values: Record<string, string> | undefined, env: NodeJS.ProcessEnv, what: string): Record<string, string> {
  const { values: expanded, missing } = expandVariables(values, env);
  if (missing.length > 0) throw new McpStartError(`the ${what} value names ${missing.map((name) => `$${name}`).join(', ')}, which is not set`, '');
  return expanded;
}

function startFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the command was not found (is it installed and on PATH?)';
  if (code === 'EACCES') return 'the command is not executable';
  const message = errorMessage(error);
  return /connection closed/i.test(message) ? 'the server exited before it answered' : message;
}

/** Told to servers in the MCP handshake. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
