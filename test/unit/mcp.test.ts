import { afterAll, describe, expect, it } from 'vitest';
import { checkServerName, describeServer, expandVariables, parsePairs } from '../../src/mcp/settings.js';
import { mcpToolName } from '../../src/mcp/tools.js';
import { Policy } from '../../src/policy/policy.js';
import { tempDir } from '../helpers/cli.js';

const work = tempDir('openclaw-mcp-policy-');
afterAll(() => work.cleanup());

function policy(options: { mode?: 'read-only' | 'ask' | 'auto-edit' | 'full'; allow?: string[]; deny?: string[]; ask?: string[] } = {}) {
  return new Policy({ mode: options.mode ?? 'ask', workspace: work.path, storeHome: `${work.path}/.store`, allow: options.allow, deny: options.deny, ask: options.ask });
}

const none = { kind: 'none' } as const;

describe('mcp(...) rules', () => {
  it('leave an MCP tool to the mode when no rule names it: exec asks in ask mode', () => {
    expect(policy().decide('github__create_issue', 'exec', none)).toMatchObject({ decision: 'ask', by: 'mode' });
    expect(policy({ mode: 'read-only' }).decide('github__create_issue', 'exec', none)).toMatchObject({ decision: 'deny', by: 'mode' });
  });

  it('allow the tool they name, and only that tool', () => {
    const p = policy({ allow: ['mcp(github__create_issue)'] });
    expect(p.decide('github__create_issue', 'exec', none)).toMatchObject({ decision: 'allow', by: 'rule', rule: 'mcp(github__create_issue)' });
    expect(p.decide('github__delete_repo', 'exec', none).decision).toBe('ask');
  });

  it('match tool names as globs: mcp(server__*) is every tool of one server', () => {
    const p = policy({ allow: ['mcp(fs__*)'] });
    expect(p.decide('fs__read_text_file', 'exec', none).decision).toBe('allow');
    expect(p.decide('fs__write_file', 'exec', none).decision).toBe('allow');
    expect(p.decide('github__create_issue', 'exec', none).decision).toBe('ask');
  });

  it('a bare mcp rule covers every MCP tool but no built-in tool', () => {
    const p = policy({ allow: ['mcp'] });
    expect(p.decide('fs__read_text_file', 'exec', none).decision).toBe('allow');
    expect(p.decide('shell', 'exec', { kind: 'command', command: 'ls' }).decision).toBe('ask');
  });

  it('never apply to built-in tools, even one whose name the pattern would match', () => {
    const p = policy({ mode: 'full', deny: ['mcp(*)'] });
    expect(p.decide('shell', 'exec', { kind: 'command', command: 'ls' }).decision).toBe('allow');
    expect(p.decide('fs__read_text_file', 'exec', none)).toMatchObject({ decision: 'deny', by: 'rule', rule: 'mcp(*)' });
  });

  it('lose to a deny rule, and an ask rule still asks', () => {
    expect(policy({ allow: ['mcp(fs__*)'], deny: ['mcp(fs__write_file)'] }).decide('fs__write_file', 'exec', none)).toMatchObject({ decision: 'deny', rule: 'mcp(fs__write_file)' });
    expect(policy({ mode: 'full', ask: ['mcp(fs__write_*)'] }).decide('fs__write_file', 'exec', none)).toMatchObject({ decision: 'ask', rule: 'mcp(fs__write_*)' });
  });

  it('sit beside capability rules: exec covers MCP tools treated as exec', () => {
    expect(policy({ allow: ['exec'] }).decide('fs__read_text_file', 'exec', none).decision).toBe('allow');
    expect(policy({ allow: ['exec'] }).decide('docs__search', 'read', none).decision).toBe('allow');
  });

  it('are what an "always" approval of an MCP tool saves', () => {
    expect(policy().suggestRules('fs__read_text_file', 'exec', none)).toEqual(['mcp(fs__read_text_file)']);
    expect(policy().suggestRules('memory_search', 'read', none)).toEqual(['memory_search']);
  });
});

describe('MCP settings', () => {
  it('accepts plain server names and refuses ones that would blur <server>__<tool>', () => {
    expect(checkServerName('github')).toBe('github');
    expect(checkServerName('my_fs-2')).toBe('my_fs-2');
    for (const bad of ['my__fs', 'fs_', '-fs', 'a b', 'a.b', '', 'x'.repeat(33)]) expect(() => checkServerName(bad)).toThrow(/invalid MCP server name/);
  });

  it('parses --env and --header pairs, curl-style headers too', () => {
    expect(parsePairs(['A=1', 'B=x=y', 'EMPTY='], '--env')).toEqual({ A: '1', B: 'x=y', EMPTY: '' });
    expect(parsePairs(['Authorization: Bearer abc'], '--header')).toEqual({ Authorization: 'Bearer abc' });
    expect(() => parsePairs(['novalue'], '--env')).toThrow(/--env "novalue" is not NAME=VALUE/);
  });

  it('expands ${NAME} from the environment and names what is missing', () => {
    expect(expandVariables({ TOKEN: '${GH}', URL: 'https://${HOST}/x', PLAIN: '$HOME' }, { GH: 'ghp_1', HOST: 'h' })).toEqual({ values: { TOKEN: 'ghp_1', URL: 'https://h/x', PLAIN: '$HOME' }, missing: [] });
    expect(expandVariables({ TOKEN: '${NOPE}' }, {}).missing).toEqual(['NOPE']);
  });

  it('describes a server by its command line or URL', () => {
    expect(describeServer({ command: 'npx', args: ['-y', '@scope/server', 'my dir'] })).toBe("npx -y @scope/server 'my dir'");
    expect(describeServer({ url: 'https://example.com/mcp' })).toBe('https://example.com/mcp');
  });

  it('names tools <server>__<tool> within what providers accept', () => {
    expect(mcpToolName('fs', 'read_text_file')).toBe('fs__read_text_file');
    expect(mcpToolName('docs', 'search.v2/all')).toBe('docs__search_v2_all');
    expect(mcpToolName('s', 'x'.repeat(100))).toHaveLength(64);
  });
});
