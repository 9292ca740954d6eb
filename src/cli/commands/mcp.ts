import { ExitCode, OpenclawError, usageError } from '../../errors.js';
import { checkServerName, describeServer, parsePairs, transportOf } from '../../mcp/settings.js';
import { Redactor } from '../../policy/redaction.js';
import { ConfigWriter, loadConfig } from '../../store/config.js';
import type { McpServerSettings } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { printJson, table, warn } from '../output.js';

export interface AddOptions {
  env?: string[];
  url?: string;
  header?: string[];
  capability?: McpServerSettings['capability'];
  force?: boolean;
}

export async function add(name: string, command: string[], options: AddOptions): Promise<void> {
  checkServerName(name);
  const settings: McpServerSettings = {};
  if (options.url) {
    if (command.length > 0) throw usageError('give either --url or a command after --, not both');
    if (options.env?.length) throw usageError('--env is for stdio servers (a command); an HTTP server takes --header');
    settings.url = options.url;
    if (options.header?.length) settings.headers = parsePairs(options.header, '--header');
  } else {
    if (command.length === 0) {
      throw usageError(
        `no command or --url for MCP server "${name}"`,
        `Give its command after --: openclaw mcp add ${name} -- npx -y @modelcontextprotocol/server-filesystem ~/notes\nor its URL: openclaw mcp add ${name} --url https://example.com/mcp`,
      );
    }
    if (options.header?.length) throw usageError('--header is for HTTP servers (--url); a stdio server takes --env');
    [settings.command] = command;
    if (command.length > 1) settings.args = command.slice(1);
    if (options.env?.length) settings.env = parsePairs(options.env, '--env');
  }
  if (options.capability) settings.capability = options.capability;

  const writer = await ConfigWriter.open(storePaths());
  if (writer.get(`mcp.servers.${name}`) !== undefined && !options.force) {
    throw new OpenclawError('mcp_exists', `an MCP server named "${name}" already exists`, {
      exitCode: ExitCode.usage,
      hint: `Replace it with \`openclaw mcp add ${name} --force ...\`, or remove it with \`openclaw mcp remove ${name}\`.`,
    });
  }
  await writer.set(`mcp.servers.${name}`, settings);

  const values = JSON.stringify({ ...settings.env, ...settings.headers });
  if (new Redactor().redact(values) !== values) {
    warn(`config.json now holds what looks like a secret for "${name}"; prefer a reference such as --env TOKEN='\${TOKEN}', read from your environment when the server starts`);
  }
  const capability = settings.capability ?? 'exec';
  process.stdout.write(`added MCP server ${name} (${transportOf(settings)}: ${describeServer(settings)})\n`);
  process.stdout.write(`Its tools reach the agent as ${name}__<tool>, as ${capability} tools: allow them with --allow 'mcp(${name}__*)' or one at a time.\n`);
}

export async function list(options: { json?: boolean }): Promise<void> {
  const { config, warnings } = loadConfig(storePaths());
  for (const warning of warnings) warn(warning);
  const redactor = new Redactor();
  const servers = Object.entries(config.mcp?.servers ?? {}).map(([name, settings]) => ({
    name,
    transport: transportOf(settings) ?? null,
    enabled: settings.enabled !== false,
    capability: settings.capability ?? 'exec',
    ...redactor.redactValue(settings),
  }));
  if (options.json) {
    printJson(servers);
    return;
  }
  if (servers.length === 0) {
    process.stdout.write('No MCP servers. Add one with `openclaw mcp add <name> -- <command> [args...]` or `openclaw mcp add <name> --url <url>`.\n');
    return;
  }
  const rows = servers.map((server) => [server.name, server.transport ?? '?', server.enabled ? 'yes' : 'no', server.capability, describeServer(server)]);
  process.stdout.write(`${table(rows, ['NAME', 'TRANSPORT', 'ENABLED', 'CAPABILITY', 'COMMAND OR URL'])}\n`);
}

export async function remove(name: string): Promise<void> {
  const writer = await ConfigWriter.open(storePaths());
  if (!(await writer.unset(`mcp.servers.${name}`))) {
    throw new OpenclawError('mcp_not_found', `no MCP server named "${name}"`, { exitCode: ExitCode.usage, hint: 'List them with `openclaw mcp list`.' });
  }
  process.stdout.write(`removed MCP server ${name}\n`);
}
