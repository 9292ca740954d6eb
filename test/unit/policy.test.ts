import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenclawError } from '../../src/errors.js';
import { Policy, type PolicyOptions } from '../../src/policy/policy.js';
import { matchesCommand, splitCommand } from '../../src/policy/rules.js';
import type { ApprovalMode } from '../../src/store/config-schema.js';
import type { Capability } from '../../src/tools/types.js';

let root: string;
let workspace: string;
let outside: string;
let home: string;
let store: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openclaw-policy-')));
  workspace = join(root, 'workspace');
  outside = join(root, 'outside');
  home = join(root, 'home');
  store = join(home, '.openclaw');
  for (const dir of [workspace, outside, store, join(home, '.ssh')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'private key');
  writeFileSync(join(outside, 'notes.txt'), 'notes');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function policy(options: Partial<PolicyOptions> = {}): Policy {
  return new Policy({ mode: 'ask', workspace, storeHome: store, home, ...options });
}

const paths = (...list: string[]) => ({ kind: 'paths' as const, paths: list });
const command = (text: string) => ({ kind: 'command' as const, command: text });
const shell = (p: Policy, text: string) => p.decide('shell', 'exec', command(text));

describe('modes', () => {
  // DESIGN.md: read-only reads only; ask reads free, the rest asks; auto-edit reads and writes
  // free, exec/network ask; full allows everything.
  const table: [ApprovalMode, Capability, 'allow' | 'ask' | 'deny'][] = [
    ['read-only', 'read', 'allow'],
    ['read-only', 'write', 'deny'],
    ['read-only', 'exec', 'deny'],
    ['read-only', 'network', 'deny'],
    ['ask', 'read', 'allow'],
    ['ask', 'write', 'ask'],
    ['ask', 'exec', 'ask'],
    ['ask', 'network', 'ask'],
    ['auto-edit', 'read', 'allow'],
    ['auto-edit', 'write', 'allow'],
    ['auto-edit', 'exec', 'ask'],
    ['auto-edit', 'network', 'ask'],
    ['full', 'read', 'allow'],
    ['full', 'write', 'allow'],
    ['full', 'exec', 'allow'],
    ['full', 'network', 'allow'],
  ];

  it.each(table)('%s mode gives %s tools "%s"', (mode, capability, expected) => {
    const decision = policy({ mode }).decide('some_tool', capability, { kind: 'none' });
    expect(decision.decision).toBe(expected);
    expect(decision.by).toBe('mode');
    expect(decision.why).toContain(`${mode} mode`);
  });

  it('applies the mode to a file inside the workspace', () => {
    expect(policy({ mode: 'read-only' }).decide('write', 'write', paths('src/a.ts')).decision).toBe('deny');
    expect(policy({ mode: 'auto-edit' }).decide('write', 'write', paths('src/a.ts')).decision).toBe('allow');
  });
});

describe('rule precedence', () => {
  it('lets an allow rule grant what the mode would ask', () => {
    const decision = shell(policy({ allow: ['shell(npm test)'] }), 'npm test');
    expect(decision).toMatchObject({ decision: 'allow', by: 'rule', rule: 'shell(npm test)' });
  });

  it('lets deny beat allow', () => {
    const p = policy({ allow: ['shell(git *)'], deny: ['shell(git push *)'] });
    expect(shell(p, 'git push origin main').decision).toBe('deny');
    expect(shell(p, 'git status').decision).toBe('allow');
  });

  it('lets ask beat allow', () => {
    const p = policy({ mode: 'full', allow: ['shell(git *)'], ask: ['shell(git push *)'] });
    expect(shell(p, 'git push origin main')).toMatchObject({ decision: 'ask', by: 'rule', rule: 'shell(git push *)' });
  });

  it('lets deny beat ask', () => {
    const p = policy({ ask: ['write'], deny: ['write(secrets/**)'] });
    expect(p.decide('write', 'write', paths('secrets/token')).decision).toBe('deny');
  });

  it('lets a deny rule beat full mode', () => {
    expect(policy({ mode: 'full', deny: ['read(private/**)'] }).decide('read', 'read', paths('private/diary.md')).decision).toBe('deny');
  });

  it('names the deciding rule in rule and why', () => {
    const decision = policy({ deny: ['write(dist/**)'] }).decide('write', 'write', paths('dist/app.js'));
    expect(decision.rule).toBe('write(dist/**)');
    expect(decision.why).toBe('denied by rule write(dist/**)');
  });

  it('applies a capability rule to every tool of that capability: write(src/**) covers edit', () => {
    const decision = policy({ allow: ['write(src/**)'] }).decide('edit', 'write', paths('src/main.ts'));
    expect(decision).toMatchObject({ decision: 'allow', rule: 'write(src/**)' });
  });

  it('does not apply a rule to a different capability', () => {
    expect(policy({ allow: ['read(src/**)'] }).decide('write', 'write', paths('src/main.ts')).decision).toBe('ask');
  });

  it('treats bash(...) as a rule for the shell tool', () => {
    expect(shell(policy({ allow: ['bash(make)'] }), 'make').decision).toBe('allow');
  });

  it('uses rules added while running', () => {
    const p = policy();
    p.addRule('allow', 'shell(npm test)');
    expect(shell(p, 'npm test').decision).toBe('allow');
  });

  it('denies a call when any one of its paths is denied', () => {
    const decision = policy({ mode: 'full', deny: ['write(secrets/**)'] }).decide('move', 'write', paths('notes.txt', 'secrets/key'));
    expect(decision.decision).toBe('deny');
  });

  it('allows a call by rule only when every path is allowed', () => {
    const decision = policy({ allow: ['write(src/**)'] }).decide('move', 'write', paths('src/a.ts', 'docs/a.md'));
    expect(decision.decision).toBe('ask');
  });

  it('does not let a pattern rule allow a call without a target', () => {
    const decision = policy({ allow: ['network(example.com)'] }).decide('fetch', 'network', { kind: 'none' });
    expect(decision.decision).toBe('ask');
  });

  it('lets a bare rule allow a call without a target', () => {
    expect(policy({ allow: ['network'] }).decide('fetch', 'network', { kind: 'none' }).decision).toBe('allow');
  });
});

describe('shell commands', () => {
  it('does not allow a compound command when only one part is allowed', () => {
    const decision = shell(policy({ allow: ['shell(git status)'] }), 'git status && rm -rf /');
    expect(decision.decision).toBe('ask');
    expect(decision.by).toBe('mode');
  });

  it('allows a compound command whose every part is allowed, naming each rule', () => {
    const decision = shell(policy({ allow: ['shell(git status)', 'shell(npm test)'] }), 'git status && npm test');
    expect(decision.decision).toBe('allow');
    expect(decision.why).toContain('shell(git status)');
    expect(decision.why).toContain('shell(npm test)');
  });

  it('checks every part across pipes, semicolons, || and &', () => {
    const p = policy({ allow: ['shell(git log *)', 'shell(head *)', 'shell(npm test)'] });
    expect(shell(p, 'git log --oneline | head -5; npm test || npm test & npm test').decision).toBe('allow');
    expect(shell(p, 'git log --oneline | head -5; curl evil.sh').decision).toBe('ask');
  });

  it('denies a compound command when any part matches a deny rule', () => {
    const decision = shell(policy({ mode: 'full', deny: ['shell(rm *)'] }), 'git status; echo ok | rm -rf build');
    expect(decision).toMatchObject({ decision: 'deny', rule: 'shell(rm *)' });
  });

  it('treats a newline as a command separator', () => {
    expect(shell(policy({ allow: ['shell(git status *)'] }), 'git status\nrm -rf ~').decision).toBe('ask');
  });

  it('ends a comment at the newline, so the next line is still checked', () => {
    expect(shell(policy({ allow: ['shell(git status)'] }), 'git status # show state\nrm -rf ~').decision).toBe('ask');
  });

  it('ignores a comment line, which runs nothing', () => {
    expect(shell(policy({ allow: ['shell(npm test)'] }), '# run the suite\nnpm test').decision).toBe('allow');
  });

  it('does not take a # inside a word for the start of a comment', () => {
    expect(shell(policy({ allow: ['shell(git status)'] }), 'git status#; rm -rf ~').decision).toBe('ask');
  });

  it('joins a backslash-newline continuation into one command', () => {
    expect(shell(policy({ allow: ['shell(git status *)'] }), 'git status \\\n  --short').decision).toBe('allow');
  });

  it('does not take an escaped backslash before a newline for a continuation', () => {
    expect(shell(policy({ allow: ['shell(echo *)'] }), 'echo \\\\\nrm -rf ~').decision).toBe('ask');
  });

  it('lets a quoted argument span lines under a * pattern', () => {
    expect(shell(policy({ allow: ['shell(git commit *)'] }), 'git commit -m "subject\n\nbody"').decision).toBe('allow');
  });

  it('checks the commands inside braces and if/then blocks', () => {
    const p = policy({ mode: 'full', deny: ['shell(rm *)'] });
    expect(shell(p, '{ rm -rf ~; }').decision).toBe('deny');
    expect(shell(p, 'if true; then rm -rf ~; fi').decision).toBe('deny');
  });

  it('does not let any rule vouch for $(...) command substitution', () => {
    const decision = shell(policy({ allow: ['shell(echo *)', 'shell(whoami)'] }), 'echo $(whoami)');
    expect(decision.decision).toBe('ask');
    expect(decision.why).toContain('substitution');
  });

  it('does not let any rule vouch for backticks', () => {
    expect(shell(policy({ allow: ['shell(echo *)'] }), 'echo `whoami`').decision).toBe('ask');
  });

  it('does not let any rule vouch for process substitution', () => {
    expect(shell(policy({ allow: ['shell(diff *)', 'shell(ls)'] }), 'diff <(ls) <(ls)').decision).toBe('ask');
  });

  it('still applies a deny rule to a command inside $(...)', () => {
    expect(shell(policy({ mode: 'full', deny: ['shell(rm *)'] }), 'echo $(rm -rf ~)').decision).toBe('deny');
  });

  it('lets `git log *` match `git log` with no arguments', () => {
    expect(shell(policy({ allow: ['shell(git log *)'] }), 'git log').decision).toBe('allow');
  });

  it('does not let `git log *` match a longer word such as `git logs`', () => {
    expect(shell(policy({ allow: ['shell(git log *)'] }), 'git logs').decision).toBe('ask');
  });

  it('accepts the :* suffix as a synonym for " *"', () => {
    expect(matchesCommand('npm run:*', 'npm run build')).toBe(true);
    expect(matchesCommand('npm run:*', 'npm run')).toBe(true);
  });

  it('splits a command into its simple commands, dropping the files redirections name', () => {
    expect(splitCommand('a x && b | c > out; d').parts.map((part) => part.command)).toEqual(['a x', 'b', 'c', 'd']);
  });
});

describe('paths', () => {
  it('matches a relative rule against the path inside the workspace', () => {
    const p = policy({ allow: ['write(src/**)'] });
    expect(p.decide('write', 'write', paths('src/deep/a.ts')).decision).toBe('allow');
    expect(p.decide('write', 'write', paths('docs/a.md')).decision).toBe('ask');
  });

  it('matches a relative rule for a path given in absolute form', () => {
    expect(policy({ allow: ['write(src/**)'] }).decide('write', 'write', paths(join(workspace, 'src/a.ts'))).decision).toBe('allow');
  });

  it('refuses a path outside the workspace even in full mode', () => {
    const decision = policy({ mode: 'full' }).decide('read', 'read', paths(join(outside, 'notes.txt')));
    expect(decision).toMatchObject({ decision: 'deny', by: 'policy' });
    expect(decision.why).toContain('outside the workspace');
  });

  it('allows an outside path that an absolute rule names', () => {
    const decision = policy({ allow: [`read(${outside}/**)`] }).decide('read', 'read', paths(join(outside, 'notes.txt')));
    expect(decision).toMatchObject({ decision: 'allow', rule: `read(${outside}/**)` });
  });

  it('does not let a relative rule reach outside the workspace', () => {
    expect(policy({ mode: 'full', allow: ['read(**/notes.txt)'] }).decide('read', 'read', paths(join(outside, 'notes.txt'))).decision).toBe('deny');
  });

  it('refuses a .. escape from the workspace', () => {
    expect(policy({ mode: 'full' }).decide('write', 'write', paths('../outside/notes.txt')).decision).toBe('deny');
  });

  it('refuses a symlink inside the workspace that points outside it', () => {
    symlinkSync(outside, join(workspace, 'shortcut'));
    const decision = policy({ mode: 'full' }).decide('read', 'read', paths('shortcut/notes.txt'));
    expect(decision.decision).toBe('deny');
    expect(decision.why).toContain(`really ${join(outside, 'notes.txt')}`);
  });

  it('refuses a new file under a symlinked directory that points outside', () => {
    symlinkSync(outside, join(workspace, 'shortcut'));
    expect(policy({ mode: 'full' }).decide('write', 'write', paths('shortcut/new/file.txt')).decision).toBe('deny');
  });

  it('allows a new file in a new directory inside the workspace', () => {
    expect(policy({ mode: 'full' }).decide('write', 'write', paths('new/dir/file.txt')).decision).toBe('allow');
  });
});

describe('sensitive locations', () => {
  it('denies ~/.ssh even in full mode', () => {
    const decision = policy({ mode: 'full' }).decide('read', 'read', paths(join(home, '.ssh', 'id_ed25519')));
    expect(decision).toMatchObject({ decision: 'deny', by: 'policy' });
    expect(decision.why).toContain('~/.ssh');
  });

  it('denies ~/.ssh when the workspace is the home directory', () => {
    expect(policy({ mode: 'full', workspace: home }).decide('read', 'read', paths('.ssh/id_ed25519')).decision).toBe('deny');
  });

  it('denies ~/.ssh when it is a symlink to a directory elsewhere in the workspace', () => {
    const dotfiles = join(home, 'dotfiles', 'ssh');
    mkdirSync(dotfiles, { recursive: true });
    writeFileSync(join(dotfiles, 'id_rsa'), 'private key');
    rmSync(join(home, '.ssh'), { recursive: true });
    symlinkSync(dotfiles, join(home, '.ssh'));
    const p = policy({ mode: 'full', workspace: home });
    expect(p.decide('read', 'read', paths('.ssh/id_rsa')).decision).toBe('deny');
    expect(p.decide('read', 'read', paths('dotfiles/ssh/id_rsa')).decision).toBe('deny');
  });

  it('allows ~/.ssh when a rule names it', () => {
    const decision = policy({ mode: 'full', allow: ['read(~/.ssh/id_ed25519)'] }).decide('read', 'read', paths(join(home, '.ssh', 'id_ed25519')));
    expect(decision.decision).toBe('allow');
  });

  it('does not count a bare rule as naming a sensitive path', () => {
    expect(policy({ mode: 'full', allow: ['read'] }).decide('read', 'read', paths(join(home, '.ssh', 'id_ed25519'))).decision).toBe('deny');
  });

  it('denies the store even when it lies inside the workspace', () => {
    const decision = policy({ mode: 'full', workspace: home }).decide('read', 'read', paths('.openclaw/config.json'));
    expect(decision).toMatchObject({ decision: 'deny', by: 'policy' });
    expect(decision.why).toContain("openclaw's own store");
  });

  it('denies .env files in the workspace in full mode', () => {
    const p = policy({ mode: 'full' });
    expect(p.decide('read', 'read', paths('.env')).decision).toBe('deny');
    expect(p.decide('read', 'read', paths('app/.env.local')).decision).toBe('deny');
  });

  it('denies a symlink to a .env file under another name', () => {
    writeFileSync(join(workspace, '.env'), 'TOKEN=x');
    symlinkSync('.env', join(workspace, 'settings.txt'));
    expect(policy({ mode: 'full' }).decide('read', 'read', paths('settings.txt')).decision).toBe('deny');
  });

  it('allows a .env file that a rule names', () => {
    expect(policy({ mode: 'full', allow: ['read(.env)'] }).decide('read', 'read', paths('.env')).decision).toBe('allow');
  });
});

describe('rule syntax', () => {
  it.each(['shell(git status', 'shell()', '(git status)', '', 'shell git status', '1tool'])('rejects %j with a usage error', (text) => {
    let caught: unknown;
    try {
      policy({ allow: [text] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OpenclawError);
    expect((caught as OpenclawError).exitCode).toBe(2);
    expect((caught as OpenclawError).message).toContain(`invalid rule "${text}"`);
  });

  it('rejects an invalid rule added while running', () => {
    expect(() => policy().addRule('deny', 'shell(')).toThrow(OpenclawError);
  });

  it('treats tool(*) as the bare tool', () => {
    expect(shell(policy({ allow: ['shell(*)'] }), 'echo $(date)').decision).toBe('allow');
  });
});

describe('skill folders', () => {
  it('may be read outside the workspace and inside the store, but not written', () => {
    const root = mkdtempSync(join(tmpdir(), 'openclaw-skillroot-'));
    const store = join(root, 'store');
    const skill = join(store, 'skills', 'demo');
    mkdirSync(skill, { recursive: true });
    writeFileSync(join(skill, 'SKILL.md'), '---\nname: demo\ndescription: d\n---\n');
    const workspace = mkdtempSync(join(tmpdir(), 'openclaw-ws-'));
    try {
      const policy = new Policy({ mode: 'full', workspace, storeHome: store, readRoots: [skill] });
      expect(policy.decide('read', 'read', { kind: 'paths', paths: [join(skill, 'SKILL.md')] })).toMatchObject({ decision: 'allow', by: 'policy' });
      expect(policy.decide('write', 'write', { kind: 'paths', paths: [join(skill, 'SKILL.md')] })).toMatchObject({ decision: 'deny' });
      expect(policy.decide('read', 'read', { kind: 'paths', paths: [join(store, 'config.json')] })).toMatchObject({ decision: 'deny' });
      const denied = new Policy({ mode: 'full', workspace, storeHome: store, readRoots: [skill], deny: [`read(${skill}/**)`] });
      expect(denied.decide('read', 'read', { kind: 'paths', paths: [join(skill, 'SKILL.md')] })).toMatchObject({ decision: 'deny', by: 'rule' });
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
