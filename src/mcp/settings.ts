import { usageError } from '../errors.js';
import { MCP_TOOL_SEPARATOR } from '../policy/rules.js';
import type { McpServerSettings } from '../store/config-schema.js';

/**
 * What `mcp.servers.<name>` in the config means. A server is a command speaking MCP on stdio or
 * a streamable HTTP URL; its tools reach the model as `<name>__<tool>`, so a name is short,
 * plain, and never holds the separator itself.
 */
export type McpTransport = 'stdio' | 'http';

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export function checkServerName(name: string): string {
  if (!SERVER_NAME.test(name) || name.includes(MCP_TOOL_SEPARATOR) || name.endsWith('_')) {
    throw usageError(
      `invalid MCP server name "${name}"`,
      'Use up to 32 letters, digits, "-" and single "_" (its tools are named <server>__<tool>), e.g. "github" or "fs".',
    );
  }
  return name;
}

export function transportOf(settings: McpServerSettings): McpTransport | undefined {
  if (settings.url) return 'http';
  if (settings.command) return 'stdio';
  return undefined;
}

/** One line for `mcp list` and doctor: the command line or the URL. */
export function describeServer(settings: McpServerSettings): string {
  if (settings.url) return settings.url;
  return [settings.command ?? '(no command or url)', ...(settings.args ?? [])].map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--env K=V` and `--header K=V` pairs (`--header 'K: V'` too, as curl writes it). */
export function parsePairs(pairs: string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const match = /^([^=:\s]+)\s*(?:=|:\s*)(.*)$/s.exec(pair);
    if (!match) throw usageError(`${flag} "${pair}" is not NAME=VALUE`, `e.g. ${flag} GITHUB_TOKEN='\${GITHUB_TOKEN}' (taken from your environment when the server starts)`);
    result[match[1]] = match[2];
  }
  return result;
}

/**
 * `${NAME}` in an env value or header is read from openclaw's environment when the server starts,
 * so a token can stay out of config.json. An unset variable is an error naming it.
 */
export function expandVariables(values: Record<string, string> | undefined, env: NodeJS.ProcessEnv): { values: Record<string, string>; missing: string[] } {
  const missing: string[] = [];
  const expanded: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    expanded[key] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) missing.push(name);
      return found ?? '';
    });
  }
  return { values: expanded, missing };
}
