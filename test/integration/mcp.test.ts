import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../fixtures/fake-provider.js';
import { useFakeProvider } from '../helpers/fake.js';
import { runCli, tempDir, type CliOptions } from '../helpers/cli.js';

/** A real MCP server from npm, run over stdio with `node` as any user would configure it. */
const FILESYSTEM_SERVER = resolve(import.meta.dirname, '../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

const fake = useFakeProvider();
let home: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;

beforeEach(() => {
  fake.reset();
  home = tempDir('openclaw-home-');
  work = tempDir('openclaw-work-');
  writeFileSync(join(home.path, 'config.json'), JSON.stringify({ retry: { baseDelayMs: 0, maxDelayMs: 0 } }));
  writeFileSync(join(work.path, 'notes.txt'), 'The launch code word is heliotrope.\n');
});
afterEach(() => {
  home.cleanup();
  work.cleanup();
});

function openclaw(args: string[], options: CliOptions = {}) {
  return runCli(args, { cwd: work.path, ...options, env: { OPENCLAW_HOME: home.path, OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-mcp', ...options.env } });
}

function config(): any {
  return JSON.parse(readFileSync(join(home.path, 'config.json'), 'utf8'));
}

function toolNames(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name);
}

function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.filter((message: any) => message.role === 'tool').map((message: any) => message.content);
}

function transcriptEntries(): any[] {
  const [id] = readFileSync(join(home.path, 'sessions', 'index.json'), 'utf8').match(/"id":\s*"([^"]+)"/)!.slice(1);
  return readFileSync(join(home.path, 'sessions', `${id}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

async function addFilesystemServer(name = 'fs', directory = work.path) {
  const result = await openclaw(['mcp', 'add', name, '--', process.execPath, FILESYSTEM_SERVER, directory]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

const readNotes = () => ({ toolCalls: [{ name: 'fs__read_text_file', args: { path: join(work.path, 'notes.txt') } }] });

describe('openclaw mcp add | list | remove', () => {
  it('stores a stdio server in the config and lists it', async () => {
    await addFilesystemServer();
    expect(config().mcp.servers.fs).toEqual({ command: process.execPath, args: [FILESYSTEM_SERVER, work.path] });
    const listed = await openclaw(['mcp', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'fs', transport: 'stdio', enabled: true, capability: 'exec', command: process.execPath })]);
    const table = await openclaw(['mcp', 'list']);
    expect(table.stdout).toMatch(/^fs\s+stdio\s+yes\s+exec\s+/m);
  });

  it('stores an HTTP server with headers, environment references left unexpanded', async () => {
    const result = await openclaw(['mcp', 'add', 'docs', '--url', 'http://127.0.0.1:1/mcp', '--header', 'Authorization=Bearer ${DOCS_TOKEN}', '--capability', 'read']);
    expect(result.code).toBe(0);
    expect(config().mcp.servers.docs).toEqual({ url: 'http://127.0.0.1:1/mcp', headers: { Authorization: 'Bearer ${DOCS_TOKEN}' }, capability: 'read' });
  });

  it('refuses a name that would make tool names ambiguous, and a second server of the same name', async () => {
    const bad = await openclaw(['mcp', 'add', 'my__fs', '--', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid MCP server name "my__fs"\nhint: /);
    await addFilesystemServer();
    const again = await openclaw(['mcp', 'add', 'fs', '--', 'other']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(config().mcp.servers.fs.args).toEqual([FILESYSTEM_SERVER, work.path]);
  });

  it('removes a server, and says when there is none to remove', async () => {
    await addFilesystemServer();
    expect((await openclaw(['mcp', 'remove', 'fs'])).code).toBe(0);
    expect(config().mcp).toBeUndefined();
    const missing = await openclaw(['mcp', 'remove', 'fs']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no MCP server named "fs"');
  });
});

describe('MCP tools in a chat', () => {
  it('offers the server tools to the model as <server>__<tool>', async () => {
    await addFilesystemServer();
    fake.script({ text: 'ok' });
    const result = await openclaw(['chat', '-p', 'what tools do you have?']);
    expect(result.code).toBe(0);
    const names = toolNames(fake.requests[0]);
    expect(names).toEqual(expect.arrayContaining(['read', 'shell', 'fs__read_text_file', 'fs__list_directory']));
    const tool = fake.requests[0].body.tools.find((candidate: any) => candidate.function.name === 'fs__read_text_file').function;
    expect(tool.description).toMatch(/^\[MCP fs\] /);
    expect(tool.parameters).toMatchObject({ type: 'object', properties: { path: { type: 'string' } } });
  });

  it('denies an MCP tool in print mode when no rule allows it, and tells the model why', async () => {
    await addFilesystemServer();
    fake.script(readNotes(), { text: 'I was not allowed.' });
    const result = await openclaw(['chat', '-p', 'read my notes']);
    expect(result.code).toBe(0);
    const [content] = toolResults(fake.requests[1]);
    expect(content).toMatch(/^Denied: ask mode asks before exec tools, and nobody can approve it here/);
    expect(content).not.toContain('heliotrope');
    const recorded = transcriptEntries().find((entry) => entry.message?.role === 'tool');
    expect(recorded.audit.decision).toMatchObject({ decision: 'deny', by: 'mode' });
  });

  it("runs the tool through the server when --allow 'mcp(server__tool)' permits it", async () => {
    await addFilesystemServer();
    fake.script(readNotes(), { text: 'The code word is heliotrope.' });
    const result = await openclaw(['chat', '-p', '--allow', 'mcp(fs__read_text_file)', 'read my notes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The code word is heliotrope.\n');
    expect(toolResults(fake.requests[1])).toEqual(['The launch code word is heliotrope.\n']);
    expect(result.stderr).toContain('fs__read_text_file');
    const entry = transcriptEntries().find((candidate) => candidate.message?.role === 'tool');
    expect(entry.audit).toMatchObject({ decision: { decision: 'allow', by: 'rule', rule: 'mcp(fs__read_text_file)' }, touched: ['mcp:fs/read_text_file'] });
  });

  it("lets a deny rule win over the mode: mcp(fs__*) denies every tool of the server even in full mode", async () => {
    await addFilesystemServer();
    fake.script(readNotes(), { text: 'denied' });
    const result = await openclaw(['chat', '-p', '--approval', 'full', '--deny', 'mcp(fs__*)', 'read my notes']);
    expect(result.code).toBe(0);
    expect(toolResults(fake.requests[1])[0]).toBe('Denied: denied by rule mcp(fs__*)');
  });

  it('warns with the server stderr when a server fails to start, and the chat goes on', async () => {
    await addFilesystemServer('broken', join(work.path, 'does-not-exist'));
    await addFilesystemServer('fs');
    fake.script(readNotes(), { text: 'Read it.' });
    const result = await openclaw(['chat', '-p', '--allow', 'mcp(fs__*)', 'read my notes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Read it.\n');
    expect(result.stderr).toMatch(/warning: mcp: server "broken" did not start, its tools are not available: /);
    expect(result.stderr).toContain('None of the specified directories are accessible');
    expect(toolNames(fake.requests[0]).some((name) => name.startsWith('broken__'))).toBe(false);
    expect(toolResults(fake.requests[1])).toEqual(['The launch code word is heliotrope.\n']);
  });

  it('warns about a command that does not exist', async () => {
    expect((await openclaw(['mcp', 'add', 'ghost', '--', 'openclaw-no-such-mcp-server'])).code).toBe(0);
    fake.script({ text: 'fine' });
    const result = await openclaw(['chat', '-p', 'hello']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/mcp: server "ghost" did not start.*not found/);
  });

  it('keeps servers switched off with enabled=false out of the chat', async () => {
    await addFilesystemServer();
    expect((await openclaw(['config', 'set', 'mcp.servers.fs.enabled', 'false'])).code).toBe(0);
    fake.script({ text: 'ok' });
    await openclaw(['chat', '-p', 'hello']);
    expect(toolNames(fake.requests[0]).filter((name) => name.includes('__'))).toEqual([]);
  });
});

describe('a streamable HTTP server', () => {
  let server: Server;
  let url: string;
  const seenHeaders: string[] = [];

  beforeAll(async () => {
    const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const { z } = await import('zod');
    server = createServer(async (req, res) => {
      seenHeaders.push(String(req.headers.authorization ?? ''));
      // Stateless: a fresh server and transport per request, as the SDK's examples do.
      const mcp = new McpServer({ name: 'echo', version: '1.0.0' });
      mcp.registerTool('shout', { description: 'Upper-cases the text.', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      await transport.handleRequest(req, res, chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
    });
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await new Promise((resolveClose) => server.close(resolveClose));
  });

  it('calls its tools over HTTP, with headers taken from the environment', async () => {
    expect((await openclaw(['mcp', 'add', 'echo', '--url', url, '--header', 'Authorization=Bearer ${ECHO_TOKEN}'])).code).toBe(0);
    fake.script({ toolCalls: [{ name: 'echo__shout', args: { text: 'quiet please' } }] }, { text: 'done' });
    const result = await openclaw(['chat', '-p', '--approval', 'full', 'shout'], { env: { ECHO_TOKEN: 'token-123' } });
    expect(result.stderr).not.toContain('warning');
    expect(result.code).toBe(0);
    expect(toolResults(fake.requests[1])).toEqual(['QUIET PLEASE']);
    expect(seenHeaders).toContain('Bearer token-123');
    expect(JSON.stringify(config())).not.toContain('token-123');
  });
});
