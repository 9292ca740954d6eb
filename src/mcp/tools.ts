import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MCP_TOOL_SEPARATOR } from '../policy/rules.js';
import type { Capability, Tool, ToolOutput } from '../tools/types.js';
import type { McpConnection, McpToolInfo } from './connection.js';

/** Providers accept `^[A-Za-z0-9_-]{1,64}$` as a function name (OpenAI's limit is the tightest). */
const MAX_NAME = 64;
/** A server's own description can be long; the model needs the gist, and every byte is paid for. */
const MAX_DESCRIPTION = 1024;
/** What the model sees of one result, at most. */
const MAX_CONTENT = 50_000;

/** `github` + `create_issue` → `github__create_issue`; characters providers refuse become `_`. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}${MCP_TOOL_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX_NAME);
}

export interface McpToolOptions {
  capability: Capability;
  timeoutMs: number;
}

/**
 * An MCP server's tool as one of ours. The policy cannot see inside its arguments, so the target
 * is the tool itself: rules name it (`mcp(github__create_issue)`) and its capability (`exec`
 * unless the server's settings say otherwise) decides what each approval mode does with it.
 */
export function mcpTool(connection: McpConnection, info: McpToolInfo, options: McpToolOptions): Tool {
  const description = (info.description ?? '').trim() || `The ${info.name} tool of the ${connection.name} MCP server.`;
  return {
    name: mcpToolName(connection.name, info.name),
    description: `[MCP ${connection.name}] ${description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description}`,
    capability: options.capability,
    parameters: parametersOf(info.inputSchema),
    target: () => ({ kind: 'none' }),
    async run(args, context): Promise<ToolOutput> {
      try {
        const result = await connection.call(info.name, args, { signal: context.signal, timeoutMs: options.timeoutMs });
        return outputOf(result, `${connection.name} ${info.name}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, content: `Error: the MCP server ${connection.name} failed: ${message}`, summary: `failed: ${message.split('\n')[0]}`, touched: [`mcp:${connection.name}/${info.name}`] };
      }
    },
  };
}

/** The schema as providers want it: an object schema, without the `$schema` dialect marker. */
function parametersOf(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema ?? {};
  return { ...rest, type: 'object', properties: (rest.properties as object | undefined) ?? {} };
}

function outputOf(result: CallToolResult, what: string): ToolOutput {
  const parts: string[] = [];
  for (const block of result.content ?? []) {
    if (block.type === 'text') parts.push(block.text);
    else if (block.type === 'image' || block.type === 'audio') parts.push(`[${block.type} ${block.mimeType}, ${Math.round((block.data.length * 3) / 4)} bytes]`);
    else if (block.type === 'resource') parts.push('text' in block.resource ? String(block.resource.text) : `[resource ${block.resource.uri}]`);
    else if (block.type === 'resource_link') parts.push(`[resource ${block.uri}${block.name ? ` (${block.name})` : ''}]`);
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  let content = parts.join('\n');
  if (content.length > MAX_CONTENT) content = `${content.slice(0, MAX_CONTENT)}\n[… ${content.length - MAX_CONTENT} more characters cut]`;
  const ok = result.isError !== true;
  const firstLine = content.split('\n').find((line) => line.trim() !== '') ?? '';
  return {
    ok,
    content: ok ? content : `Error: ${content}`,
    summary: `${ok ? '' : 'failed: '}${firstLine.slice(0, 100) || `${what}: no output`}`,
    touched: [`mcp:${what.replace(' ', '/')}`],
  };
}
