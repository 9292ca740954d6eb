import { Chalk } from 'chalk';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { createElement as h, type ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalAnswer, ApprovalRequest } from '../../src/agent/loop.js';
import { commandsMatching } from '../../src/tui/commands.js';
import { ApprovalPrompt, approvalHeight } from '../../src/tui/components/approval.js';
import { ReplyTail, RunningTools, ThinkingTail } from '../../src/tui/components/live.js';
import { SessionPicker } from '../../src/tui/components/picker.js';
import { CompletionList } from '../../src/tui/components/prompt.js';
import { StatusLine } from '../../src/tui/components/status.js';
import { ThemeContext } from '../../src/tui/components/theme-context.js';
import { Proposal, ToolResult } from '../../src/tui/components/transcript.js';
import { diffRows } from '../../src/tui/diff.js';
import { ReplyStream } from '../../src/tui/reply-stream.js';
import type { SessionMeta } from '../../src/store/sessions.js';
import { plainTheme, type Theme } from '../../src/tui/theme.js';

const theme = plainTheme();
const colourTheme: Theme = { ink: {}, color: new Chalk({ level: 1 }), style: new Chalk({ level: 1 }) };
const views: Array<{ unmount: () => void }> = [];

function show(element: ReactElement) {
  const view = render(h(ThemeContext.Provider, { value: theme }, element));
  views.push(view);
  return view;
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  for (const view of views.splice(0)) view.unmount();
});

describe('streaming view', () => {
  it('shows the end of the answer being written, rendered as Markdown', () => {
    const stream = new ReplyStream(theme);
    stream.append('Intro paragraph.\n\n- item one\n- item tw');
    const { commit, live } = stream.take(80, 10);
    expect(commit).toEqual(['', 'Intro paragraph.']);
    expect(show(h(ReplyTail, { rows: live })).lastFrame()).toBe('\n• item one\n• item tw');
  });

  it('shows the end of the thinking dimmed and marked', () => {
    const frame = show(h(ThinkingTail, { rows: ['weighing options', 'picking one'] })).lastFrame();
    expect(frame).toBe('✻ weighing options\n  picking one');
  });
});

describe('tool call view', () => {
  it('shows a running call with its name and key argument', () => {
    const frame = show(h(RunningTools, { tools: [{ id: 'c1', name: 'shell', target: 'npm test', since: Date.now() }], width: 80 })).lastFrame();
    expect(frame).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] shell npm test 0s$/);
  });

  it('counts the calls beyond the ones it has room for', () => {
    const tools = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: 'read', target: `${id}.txt`, since: Date.now() }));
    expect(show(h(RunningTools, { tools, width: 80 })).lastFrame()).toContain('… and 2 more');
  });

  it('shows a finished call with a one-line summary', () => {
    const block = { kind: 'tool' as const, id: 1, name: 'shell', target: 'npm test', ok: true, summary: 'npm test → exit code 0 (1.2s)', denied: false };
    expect(show(h(ToolResult, { block })).lastFrame()).toBe('\n● shell npm test\n  ⎿ npm test → exit code 0 (1.2s)');
  });

  it('marks a denied call', () => {
    const block = { kind: 'tool' as const, id: 1, name: 'shell', target: 'rm -rf /', ok: false, summary: 'denied: denied by rule shell(rm *)', denied: true };
    expect(show(h(ToolResult, { block })).lastFrame()).toContain('⊘ shell rm -rf /');
  });
});

describe('approval view', () => {
  const request = (suggestedRules: string[]): ApprovalRequest => ({
    id: 'call-1',
    tool: 'shell',
    capability: 'exec',
    args: { command: 'npm test' },
    target: { kind: 'command', command: 'npm test' },
    why: 'ask mode asks before exec tools',
    suggestedRules,
  });

  function ask(suggestedRules = ['shell(npm test *)']) {
    const answers: ApprovalAnswer[] = [];
    const view = show(h(ApprovalPrompt, { approval: { request: request(suggestedRules), target: 'npm test' }, onAnswer: (answer: ApprovalAnswer) => answers.push(answer), width: 100 }));
    return { view, answers };
  }

  it('shows what will run, why it asks, the keys and the rule', () => {
    const frame = ask().view.lastFrame();
    expect(frame).toContain('◆ Allow shell: npm test?');
    expect(frame).toContain('ask mode asks before exec tools');
    expect(frame).toContain('[y] yes [s] this session [a] always [n] no, say why [Esc] no');
    expect(frame).toContain('session/always allow: shell(npm test *)');
  });

  it('y allows once, s for the session', async () => {
    const once = ask();
    once.view.stdin.write('y');
    await tick();
    expect(once.answers).toEqual([{ decision: 'allow', scope: 'once' }]);
    const session = ask();
    session.view.stdin.write('s');
    await tick();
    expect(session.answers).toEqual([{ decision: 'allow', scope: 'session' }]);
  });

  it('a shows the rule and saves it only on Enter', async () => {
    const { view, answers } = ask();
    view.stdin.write('a');
    await tick();
    expect(view.lastFrame()).toContain('Save rule shell(npm test *) for this directory?');
    expect(answers).toEqual([]);
    view.stdin.write('\r');
    await tick();
    expect(answers).toEqual([{ decision: 'allow', scope: 'always' }]);
  });

  it('n asks for a reason and denies with it', async () => {
    const { view, answers } = ask();
    view.stdin.write('n');
    await tick();
    expect(view.lastFrame()).toContain('Why not?');
    for (const character of 'use pnpm') {
      view.stdin.write(character);
      await tick(5);
    }
    view.stdin.write('\r');
    await tick();
    expect(answers).toEqual([{ decision: 'deny', reason: 'use pnpm' }]);
  });

  it('takes keys typed faster than they were read, Enter included, as if typed one by one', async () => {
    const { view, answers } = ask();
    view.stdin.write('nuse pnpm\r');
    await tick();
    expect(answers).toEqual([{ decision: 'deny', reason: 'use pnpm' }]);
    const slow = ask();
    slow.view.stdin.write('n');
    await tick();
    slow.view.stdin.write('not now\r');
    await tick();
    expect(slow.answers).toEqual([{ decision: 'deny', reason: 'not now' }]);
  });

  it('Esc denies', async () => {
    const { view, answers } = ask();
    view.stdin.write('\u001b');
    await tick(150);
    expect(answers).toEqual([{ decision: 'deny' }]);
  });

  it('Enter alone does not approve', async () => {
    const { view, answers } = ask();
    view.stdin.write('\r');
    await tick();
    expect(answers).toEqual([]);
  });

  it('wraps the choices on a narrow screen, as tall as it says it is', () => {
    const approval = { request: request(['shell(npm test *)']), target: 'npm test' };
    const frame = show(h(Box, { width: 30 }, h(ApprovalPrompt, { approval, onAnswer: () => undefined, width: 30 }))).lastFrame()!;
    expect(frame.replace(/\s+/g, ' ')).toContain('[n] no, say why [Esc] no');
    expect(frame.split('\n')).toHaveLength(approvalHeight(approval, 30));
  });

  it('offers only "once" when no rule can cover the call', async () => {
    const { view, answers } = ask([]);
    expect(view.lastFrame()).toContain('only once');
    expect(view.lastFrame()).not.toContain('[s]');
    view.stdin.write('s');
    view.stdin.write('a');
    await tick();
    expect(answers).toEqual([]);
  });
});

describe('diff view', () => {
  const change = { path: 'src/app.ts', before: 'one\ntwo\nthree\n', after: 'one\nTWO\nthree\nfour\n' };

  it('shows removed and added lines with context and a count', () => {
    const frame = show(h(Proposal, { title: 'edit src/app.ts', rows: diffRows(change, 78, theme) })).lastFrame();
    expect(frame).toBe(['', '◆ edit src/app.ts', '    one', '  - two', '  + TWO', '    three', '  + four', '    2 lines added, 1 removed'].join('\n'));
  });

  it('colours removals red and additions green', () => {
    const rows = diffRows(change, 78, colourTheme);
    expect(rows).toContain('\u001b[31m- two\u001b[39m');
    expect(rows).toContain('\u001b[32m+ TWO\u001b[39m');
  });

  it('wraps long lines to the width', () => {
    const rows = diffRows({ path: 'a', before: '', after: `${'x'.repeat(50)}\n` }, 20, theme);
    expect(rows.slice(0, 3)).toEqual([`+ ${'x'.repeat(18)}`, 'x'.repeat(20), 'x'.repeat(12)]);
  });
});

describe('slash command list', () => {
  it('lists every command with its description, the first selected', () => {
    const items = commandsMatching('').map((command) => ({ value: `/${command.name}`, label: `/${command.name}`, description: command.description }));
    const frame = show(h(CompletionList, { completion: { kind: 'command', items, start: 0, length: 1 }, selected: 0, width: 100 })).lastFrame()!;
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/^› \/help +commands and keys$/);
    expect(lines[1]).toMatch(/^ {2}\/new +start a new session$/);
    expect(lines).toHaveLength(6);
  });

  it('keeps the selected command in view when it is beyond the first rows', () => {
    const items = commandsMatching('').map((command) => ({ value: `/${command.name}`, label: `/${command.name}` }));
    const frame = show(h(CompletionList, { completion: { kind: 'command', items, start: 0, length: 1 }, selected: items.length - 1, width: 100 })).lastFrame()!;
    const lines = frame.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/^› \/exit/);
    expect(frame).not.toContain('/help');
  });

  it('narrows to what was typed', () => {
    expect(commandsMatching('re').map((command) => command.name)).toEqual(['resume']);
    expect(commandsMatching('c').map((command) => command.name)).toEqual(['clear', 'compact', 'cost']);
  });
});

describe('status line', () => {
  it('shows model, session, tokens, cost, context and mode', () => {
    const status = { provider: 'openai', model: 'gpt-5', session: 'abc', mode: 'ask' as const, tokensIn: 12_345, tokensOut: 678, cost: 0.0123, contextPercent: 7 };
    expect(show(h(StatusLine, { status, width: 120 })).lastFrame()).toBe('openai/gpt-5 · abc · ↑12k ↓678 · $0.0123 · ctx 7% · ask mode');
  });

  it('fits a narrow terminal', () => {
    const status = { provider: 'openai', model: 'gpt-5', session: '20260101-000000-abcdef', mode: 'full' as const, tokensIn: 1, tokensOut: 1, cost: 0, contextPercent: undefined };
    const frame = show(h(StatusLine, { status, width: 30 })).lastFrame()!;
    expect(frame.length).toBeLessThanOrEqual(30);
    expect(frame).toContain('full mode');
  });
});

describe('session picker', () => {
  const sessions = ['fix the build', 'write the docs', 'fix flaky tests'].map(
    (title, index) => ({ id: `20261204-10000${index}-abcdef`, title, updated: `2026-12-04T10:00:0${index}.000Z` }) as SessionMeta,
  );

  function pick() {
    const picked: Array<string | undefined> = [];
    const view = show(h(SessionPicker, { sessions, onPick: (id: string | undefined) => picked.push(id), width: 100 }));
    return { view, picked };
  }

  it('filters as you type and opens the chosen one on Enter', async () => {
    const { view, picked } = pick();
    for (const key of ['f', 'l', 'a']) {
      view.stdin.write(key);
      await tick(5);
    }
    expect(view.lastFrame()).toContain('matching "fla"');
    view.stdin.write('\r');
    await tick();
    expect(picked).toEqual([sessions[2].id]);
  });

  it('takes a filter typed faster than it was read, its Enter included', async () => {
    const { view, picked } = pick();
    view.stdin.write('docs\r');
    await tick();
    expect(picked).toEqual([sessions[1].id]);
  });
});
