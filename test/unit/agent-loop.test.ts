import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import { runAgent, type AgentRun, type ApprovalAnswer, type ApprovalRequest } from '../../src/agent/loop.js';
import { ApprovalStore } from '../../src/policy/approvals.js';
import { Policy } from '../../src/policy/policy.js';
import { Redactor } from '../../src/policy/redaction.js';
import { modelInfo } from '../../src/providers/models.js';
import type { AssistantMessage, Message, ModelRequest, ModelStreamEvent, Provider } from '../../src/providers/types.js';
import { ToolRegistry, builtinTools } from '../../src/tools/registry.js';
import { tempDir } from '../helpers/cli.js';

/** A provider answering from a script, recording what it was sent: no HTTP, for loop logic. */
class ScriptedProvider implements Provider {
  readonly id = 'scripted';
  readonly requests: ModelRequest[] = [];
  constructor(private readonly replies: Array<Partial<AssistantMessage> & { calls?: Array<{ name: string; args: unknown }> }>) {}

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    this.requests.push({ ...request, messages: [...request.messages] });
    const reply = this.replies.shift() ?? { parts: [{ type: 'text', text: 'done' }] };
    const parts = [
      ...(reply.parts ?? []),
      ...(reply.calls ?? []).map((call, index) => ({ type: 'tool_call' as const, id: `call_${this.requests.length}_${index}`, name: call.name, argsText: JSON.stringify(call.args) })),
    ];
    yield {
      type: 'done',
      message: {
        role: 'assistant',
        parts,
        stopReason: reply.stopReason ?? (reply.calls?.length ? 'tool_use' : 'stop'),
        provider: this.id,
        model: 'm',
        usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 },
      },
    };
  }
}

let work: ReturnType<typeof tempDir>;
let home: ReturnType<typeof tempDir>;

beforeEach(() => {
  work = tempDir('openclaw-loop-work-');
  home = tempDir('openclaw-loop-home-');
});
afterEach(() => {
  work.cleanup();
  home.cleanup();
});

function runWith(provider: Provider, overrides: Partial<AgentRun> = {}): { run: AgentRun; history: Message[] } {
  const history: Message[] = [];
  const run: AgentRun = {
    provider,
    model: 'm',
    modelInfo: modelInfo('m'),
    system: 'sys',
    history,
    input: 'go',
    tools: new ToolRegistry(builtinTools()),
    policy: new Policy({ mode: 'ask', workspace: work.path, storeHome: home.path }),
    maxTurns: 10,
    retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 },
    toolContext: { cwd: work.path, limits: { shellTimeoutMs: 5000, shellMaxOutputBytes: 10_000 }, env: { PATH: process.env.PATH } },
    redactor: new Redactor(),
    signal: new AbortController().signal,
    ...overrides,
  };
  return { run, history };
}

async function events(run: AgentRun): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const event of runAgent(run)) out.push(event);
  return out;
}

function toolResults(history: Message[]): string[] {
  return history.flatMap((message) => (message.role === 'tool' ? [message.content] : []));
}

describe('approvals', () => {
  it('asks once per call when the answer is "once"', async () => {
    const provider = new ScriptedProvider([{ calls: [{ name: 'shell', args: { command: 'echo one' } }] }, { calls: [{ name: 'shell', args: { command: 'echo two' } }] }]);
    const asked: ApprovalRequest[] = [];
    const { run } = runWith(provider, { approve: async (request) => (asked.push(request), { decision: 'allow', scope: 'once' }) });
    await events(run);
    expect(asked.map((request) => (request.target.kind === 'command' ? request.target.command : ''))).toEqual(['echo one', 'echo two']);
  });

  it('a session approval allows the same kind of call without asking again', async () => {
    const provider = new ScriptedProvider([
      { calls: [{ name: 'shell', args: { command: 'git status' } }] },
      { calls: [{ name: 'shell', args: { command: 'git status --short' } }] },
    ]);
    const asked: ApprovalRequest[] = [];
    const { run } = runWith(provider, { approve: async (request) => (asked.push(request), { decision: 'allow', scope: 'session' }) });
    const all = await events(run);
    expect(asked).toHaveLength(1);
    expect(asked[0].suggestedRules).toEqual(['shell(git status *)']);
    const approvals = all.filter((event) => event.type === 'approval');
    expect(approvals[1]).toMatchObject({ decision: 'allow', by: 'rule', rule: 'shell(git status *)' });
  });

  it('an always approval is saved with where it was granted', async () => {
    const store = new ApprovalStore(home.path);
    const provider = new ScriptedProvider([{ calls: [{ name: 'shell', args: { command: 'npm test -- --watch=false' } }] }]);
    const { run } = runWith(provider, {
      approve: async () => ({ decision: 'allow', scope: 'always' }),
      onAlwaysAllow: async (rules) => {
        for (const rule of rules) await store.add(rule, work.path);
      },
    });
    await events(run);
    expect(store.list()).toEqual([expect.objectContaining({ rule: 'shell(npm test *)', where: work.path })]);
    expect(store.rulesFor(join(work.path, 'sub'))).toEqual(['shell(npm test *)']);
    expect(store.rulesFor(home.path)).toEqual([]);
  });

  it('a compound command is offered one rule per part, and substitution none', async () => {
    const policy = new Policy({ mode: 'ask', workspace: work.path, storeHome: home.path });
    expect(policy.suggestRules('shell', 'exec', { kind: 'command', command: 'git add -A && git commit -m x' })).toEqual(['shell(git add *)', 'shell(git commit *)']);
    expect(policy.suggestRules('shell', 'exec', { kind: 'command', command: 'rm -rf build' })).toEqual(['shell(rm -rf build)']);
    expect(policy.suggestRules('shell', 'exec', { kind: 'command', command: 'echo $(whoami)' })).toEqual([]);
    expect(policy.suggestRules('write', 'write', { kind: 'paths', paths: ['src/a.ts'] })).toEqual(['write(src/a.ts)']);
  });

  it('a denial with a reason reaches the model, and the command does not run', async () => {
    const provider = new ScriptedProvider([{ calls: [{ name: 'shell', args: { command: 'touch made' } }] }]);
    const { run, history } = runWith(provider, { approve: async (): Promise<ApprovalAnswer> => ({ decision: 'deny', reason: 'use the Makefile instead' }) });
    await events(run);
    expect(toolResults(history)[0]).toBe('Denied: denied by the user: use the Makefile instead');
    expect(existsSync(join(work.path, 'made'))).toBe(false);
  });
});

describe('the loop', () => {
  it('gives every tool call exactly one result, also when one call of a turn fails validation', async () => {
    writeFileSync(join(work.path, 'a.txt'), 'A');
    const provider = new ScriptedProvider([
      { calls: [{ name: 'read', args: { path: 'a.txt' } }, { name: 'read', args: { nope: 1 } }, { name: 'nosuch', args: {} }] },
    ]);
    const { run, history } = runWith(provider);
    await events(run);
    const calls = history.flatMap((message) => (message.role === 'assistant' ? message.parts.filter((part) => part.type === 'tool_call') : []));
    const results = history.filter((message) => message.role === 'tool');
    expect(results.map((result) => result.role === 'tool' && result.toolCallId)).toEqual(calls.map((call) => call.type === 'tool_call' && call.id));
    expect(results.map((result) => result.role === 'tool' && result.isError)).toEqual([false, true, true]);
  });

  it('sends the results of a turn to the next request in order', async () => {
    writeFileSync(join(work.path, 'a.txt'), 'first file');
    const provider = new ScriptedProvider([{ calls: [{ name: 'read', args: { path: 'a.txt' } }] }, { parts: [{ type: 'text', text: 'ok' }] }]);
    const { run } = runWith(provider);
    await events(run);
    const second = provider.requests[1].messages;
    expect(second.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(second[2].role === 'tool' && second[2].content).toContain('first file');
  });

  it('ends with done carrying the final text, usage summed over turns, and exit 0', async () => {
    const provider = new ScriptedProvider([{ calls: [{ name: 'list', args: {} }] }, { parts: [{ type: 'text', text: 'final words' }] }]);
    const { run } = runWith(provider);
    const done = (await events(run)).at(-1);
    expect(done).toMatchObject({ type: 'done', text: 'final words', turns: 2, status: 'ok', exitCode: 0, usage: { input: 20, output: 10 } });
  });

  it('stops at the turn limit with exit 4 and a valid history', async () => {
    const provider = new ScriptedProvider(Array.from({ length: 5 }, () => ({ calls: [{ name: 'list', args: {} }] })));
    const { run, history } = runWith(provider, { maxTurns: 3 });
    const done = (await events(run)).at(-1);
    expect(done).toMatchObject({ type: 'done', status: 'max_turns', exitCode: 4, turns: 3 });
    expect(provider.requests).toHaveLength(3);
    expect(history.at(-1)?.role).toBe('tool');
  });

  it('an interrupt during a tool call ends the run as interrupted (130) with the call answered', async () => {
    const controller = new AbortController();
    const provider = new ScriptedProvider([{ calls: [{ name: 'shell', args: { command: 'sleep 20' } }] }]);
    const { run, history } = runWith(provider, { policy: new Policy({ mode: 'full', workspace: work.path, storeHome: home.path }), signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const done = (await events(run)).at(-1);
    expect(done).toMatchObject({ type: 'done', status: 'interrupted', exitCode: 130 });
    expect(history.filter((message) => message.role === 'tool')).toHaveLength(1);
  });

  it('redacts secrets from tool results before the model or the store sees them', async () => {
    writeFileSync(join(work.path, 'leak.txt'), 'token=sk-secret-value-123456');
    const provider = new ScriptedProvider([{ calls: [{ name: 'read', args: { path: 'leak.txt' } }] }]);
    const { run, history } = runWith(provider, { redactor: new Redactor(['sk-secret-value-123456']) });
    await events(run);
    expect(toolResults(history)[0]).toContain('token=[REDACTED]');
    expect(JSON.stringify(history)).not.toContain('sk-secret-value-123456');
  });
});

// the approvals file is private: it lists what the agent may do unasked
describe('ApprovalStore', () => {
  it('writes approvals.json with mode 0600 and removes rules', async () => {
    const store = new ApprovalStore(home.path);
    await store.add('shell(make *)', work.path);
    await store.add('shell(make *)', work.path);
    expect(store.list()).toHaveLength(1);
    const { statSync } = await import('node:fs');
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(await store.remove('shell(make *)')).toBe(1);
    expect(JSON.parse(readFileSync(store.path, 'utf8')).approvals).toEqual([]);
  });

  it('records when a rule was last used', async () => {
    const store = new ApprovalStore(home.path);
    await store.add('shell(make *)', work.path);
    expect(store.list()[0].lastUsed).toBeUndefined();
    await store.touch('shell(make *)', join(work.path, 'deeper'));
    expect(store.list()[0].lastUsed).toMatch(/^\d{4}-/);
  });
});
