import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Policy } from '../../src/policy/policy.js';
import { webFetchTool } from '../../src/tools/web-fetch.js';
import type { ToolContext } from '../../src/tools/types.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>T</title><script>var hidden = 1;</script></head><body><h1>Release notes</h1><p>Version <b>2.4</b> fixes the <a href="/bug">rounding bug</a>.</p></body></html>');
    } else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`START${'x'.repeat(200_000)}END`);
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/page' });
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such page');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const context: ToolContext = { cwd: '/tmp', signal: new AbortController().signal, limits: { shellTimeoutMs: 1000, shellMaxOutputBytes: 1000 }, env: {} };

describe('web_fetch', () => {
  it('returns an HTML page as readable text, without scripts', async () => {
    const result = await webFetchTool.run({ url: `${base}/page` }, context);
    expect(result.ok).toBe(true);
    expect(result.content).toContain('HTTP 200');
    expect(result.content).toMatch(/RELEASE NOTES/i);
    expect(result.content).toContain('Version 2.4 fixes the rounding bug');
    expect(result.content).not.toContain('var hidden');
  });

  it('keeps head and tail of a long body within max_bytes', async () => {
    const result = await webFetchTool.run({ url: `${base}/big`, max_bytes: 2000 }, context);
    expect(result.content).toContain('START');
    expect(result.content).toContain('END');
    expect(Buffer.byteLength(result.content)).toBeLessThan(2500);
  });

  it('follows redirects and says so', async () => {
    const result = await webFetchTool.run({ url: `${base}/moved` }, context);
    expect(result.content).toContain('[redirected to');
    expect(result.content).toContain('rounding bug');
  });

  it('reports a 404 as a failed result with the body', async () => {
    const result = await webFetchTool.run({ url: `${base}/nothing` }, context);
    expect(result.ok).toBe(false);
    expect(result.content).toContain('HTTP 404');
  });

  it('refuses other schemes and reports an unreachable host', async () => {
    expect((await webFetchTool.run({ url: 'file:///etc/passwd' }, context)).content).toContain('Only http and https');
    const closed = await webFetchTool.run({ url: 'http://127.0.0.1:1/' }, context);
    expect(closed.ok).toBe(false);
    expect(closed.content).toContain('Could not fetch');
  });
});

describe('network rules', () => {
  const decide = (allow: string[], deny: string[], url: string, mode: 'ask' | 'full' = 'ask') =>
    new Policy({ mode, workspace: '/tmp', storeHome: '/nonexistent', allow, deny }).decide('web_fetch', 'network', { kind: 'url', url });

  it('asks in ask mode, allows in full mode', () => {
    expect(decide([], [], 'https://example.com/').decision).toBe('ask');
    expect(decide([], [], 'https://example.com/', 'full').decision).toBe('allow');
  });

  it('matches hosts, host wildcards and whole-URL patterns', () => {
    expect(decide(['network(docs.python.org)'], [], 'https://docs.python.org/3/').decision).toBe('allow');
    expect(decide(['web_fetch(*.github.com)'], [], 'https://api.github.com/repos').decision).toBe('allow');
    expect(decide(['web_fetch(*.github.com)'], [], 'https://github.com/').decision).toBe('allow');
    expect(decide(['web_fetch(*.github.com)'], [], 'https://evilgithub.com/').decision).toBe('ask');
    expect(decide(['web_fetch(https://example.com/docs/*)'], [], 'https://example.com/docs/a').decision).toBe('allow');
    expect(decide(['web_fetch(https://example.com/docs/*)'], [], 'https://example.com/admin').decision).toBe('ask');
  });

  it('a deny rule beats an allow rule, also in full mode', () => {
    expect(decide(['network'], ['network(*.internal)'], 'http://db.internal/', 'full')).toMatchObject({ decision: 'deny', rule: 'network(*.internal)' });
  });

  it('an approval for a URL is offered as a rule for its host', () => {
    const policy = new Policy({ mode: 'ask', workspace: '/tmp', storeHome: '/nonexistent' });
    expect(policy.suggestRules('web_fetch', 'network', { kind: 'url', url: 'https://docs.rs/tokio/latest' })).toEqual(['web_fetch(docs.rs)']);
  });
});
