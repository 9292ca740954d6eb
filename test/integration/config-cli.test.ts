import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

/** `openclaw config ...` as a user runs it, each test against its own OPENCLAW_HOME. */

let home: { path: string; cleanup: () => void };
let configFile: string;

beforeEach(() => {
  home = tempDir('openclaw-config-cli-');
  configFile = join(home.path, 'config.json');
});

afterEach(() => home.cleanup());

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, { env: { OPENCLAW_HOME: home.path } });
}

function stored(): unknown {
  return JSON.parse(readFileSync(configFile, 'utf8'));
}

function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('unexpected error');
}

describe('openclaw config set / get', () => {
  it('sets a value that get then prints', async () => {
    const set = await cli('config', 'set', 'provider', 'openai');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('');
    const get = await cli('config', 'get', 'provider');
    expect(get.code).toBe(0);
    expect(get.stdout).toBe('openai\n');
  });

  it('writes config.json with mode 0600', async () => {
    await cli('config', 'set', 'provider', 'openai');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
  });

  it('stores a value that parses as JSON as JSON', async () => {
    expect((await cli('config', 'set', 'maxTurns', '25')).code).toBe(0);
    expect(stored()).toEqual({ maxTurns: 25 });
  });

  it('refuses an invalid enum value with exit 2, a message naming the key and no stack trace', async () => {
    const result = await cli('config', 'set', 'approval', 'bogus');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot set "approval"');
    expect(result.stderr).toContain('hint:');
    expectNoStack(result);
    expect(existsSync(configFile)).toBe(false);
  });

  it('stores a whole provider entry given as JSON', async () => {
    const entry = { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' };
    const result = await cli('config', 'set', 'providers.local', JSON.stringify(entry));
    expect(result.code).toBe(0);
    expect(stored()).toEqual({ providers: { local: entry } });
    expect((await cli('config', 'get', 'providers.local.baseUrl')).stdout).toBe('http://127.0.0.1:1/v1\n');
  });

  it('prints an object value as JSON', async () => {
    await cli('config', 'set', 'providers.local', '{"type":"openai-compatible","baseUrl":"http://127.0.0.1:1/v1"}');
    const result = await cli('config', 'get', 'providers.local');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' });
  });

  it('stores a model setting under a model id that contains dots', async () => {
    const result = await cli('config', 'set', 'providers.openai.models.gpt-4.1.contextWindow', '1000000');
    expect(result.code).toBe(0);
    expect(stored()).toEqual({ providers: { openai: { models: { 'gpt-4.1': { contextWindow: 1000000 } } } } });
  });

  it('refuses to store an API key, with exit 2 and a hint to use apiKeyEnv', async () => {
    const result = await cli('config', 'set', 'providers.openai.apiKey', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('looks like a secret');
    expect(result.stderr).toContain('apiKeyEnv');
    expectNoStack(result);
    expect(existsSync(configFile)).toBe(false);
  });

  it('accepts the name of the environment variable holding a key', async () => {
    expect((await cli('config', 'set', 'providers.local.apiKeyEnv', 'LOCAL_KEY')).code).toBe(0);
    expect(stored()).toEqual({ providers: { local: { apiKeyEnv: 'LOCAL_KEY' } } });
  });

  it('refuses an unknown key with exit 2 and suggests the right one', async () => {
    const result = await cli('config', 'set', 'aproval', 'ask');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown config key "aproval"');
    expect(result.stderr).toContain('Did you mean "approval"?');
    expectNoStack(result);
  });

  it('exits 1 and prints nothing to get a key that is not set', async () => {
    const result = await cli('config', 'get', 'model');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });

  it('keeps every key when several processes set different keys at once', async () => {
    const settings: Array<[string, string]> = [
      ['provider', 'openai'],
      ['model', 'gpt-5.4-mini'],
      ['approval', 'ask'],
      ['sandbox', 'off'],
      ['maxTurns', '7'],
      ['providers.local.baseUrl', 'http://127.0.0.1:1/v1'],
    ];
    const results = await Promise.all(settings.map(([key, value]) => cli('config', 'set', key, value)));
    expect(results.map((result) => result.code)).toEqual(settings.map(() => 0));
    expect(stored()).toEqual({
      provider: 'openai',
      model: 'gpt-5.4-mini',
      approval: 'ask',
      sandbox: 'off',
      maxTurns: 7,
      providers: { local: { baseUrl: 'http://127.0.0.1:1/v1' } },
    });
  });

  it('refuses to write over a config.json that is not valid JSON, with exit 2 and a hint', async () => {
    writeFileSync(configFile, '{"provider": ');
    const result = await cli('config', 'set', 'provider', 'openai');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('openclaw config edit');
    expectNoStack(result);
    expect(readFileSync(configFile, 'utf8')).toBe('{"provider": ');
  });
});

describe('openclaw config with an unknown key in config.json', () => {
  beforeEach(() => {
    writeFileSync(configFile, JSON.stringify({ provider: 'anthropic', legacyFlag: true }));
  });

  it('warns on stderr, naming the key, and still answers get', async () => {
    const result = await cli('config', 'get', 'provider');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('anthropic\n');
    expect(result.stderr).toContain('unknown key "legacyFlag"');
  });

  it('leaves the unknown key out of list --json and keeps stdout pure JSON', async () => {
    const result = await cli('config', 'list', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ provider: 'anthropic' });
    expect(result.stderr).toContain('legacyFlag');
  });

  it('still sets other keys, keeping the unknown one in the file', async () => {
    expect((await cli('config', 'set', 'model', 'claude-sonnet-4-6')).code).toBe(0);
    expect(stored()).toEqual({ provider: 'anthropic', legacyFlag: true, model: 'claude-sonnet-4-6' });
  });

  it('removes the unknown key with the unset command the warning names', async () => {
    const warning = (await cli('config', 'list')).stderr;
    const advised = /`openclaw (config unset \S+)`/.exec(warning)?.[1].split(' ') as string[];
    expect(advised).toEqual(['config', 'unset', 'legacyFlag']);
    expect((await cli(...advised)).code).toBe(0);
    const after = await cli('config', 'list');
    expect(after.stderr).toBe('');
    expect(stored()).toEqual({ provider: 'anthropic' });
  });
});

describe('openclaw config list', () => {
  it('prints each setting as key = JSON value', async () => {
    await cli('config', 'set', 'provider', 'local');
    await cli('config', 'set', 'providers.local.baseUrl', 'http://127.0.0.1:1/v1');
    const result = await cli('config', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('provider = "local"\nproviders.local.baseUrl = "http://127.0.0.1:1/v1"\n');
  });

  it('says where the file is when nothing is set', async () => {
    const result = await cli('config', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`(no settings in ${configFile})\n`);
  });

  it('prints the settings as one JSON document with --json', async () => {
    await cli('config', 'set', 'approval', 'auto-edit');
    await cli('config', 'set', 'retry.maxRetries', '3');
    const result = await cli('config', 'list', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ approval: 'auto-edit', retry: { maxRetries: 3 } });
  });

  it('lists every settable key with its meaning with --keys', async () => {
    const result = await cli('config', 'list', '--keys');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+MEANING$/);
    expect(lines).toContainEqual(expect.stringMatching(/^approval\s+.*read-only \| ask \| auto-edit \| full/));
    expect(lines).toContainEqual(expect.stringMatching(/^providers\.<id>\.baseUrl\s+/));
    expect(lines).toContainEqual(expect.stringMatching(/^providers\.<id>\.models\.<id>\.contextWindow\s+/));
  });

  it('lists the keys as JSON with --keys --json', async () => {
    const result = await cli('config', 'list', '--keys', '--json');
    expect(result.code).toBe(0);
    const keys = JSON.parse(result.stdout) as Array<{ key: string; description: string }>;
    expect(keys.map((entry) => entry.key)).toContain('sandbox');
    expect(keys.every((entry) => typeof entry.description === 'string' && entry.description !== '')).toBe(true);
  });
});

describe('openclaw config edit', () => {
  function editor(script: string): string {
    const path = join(home.path, 'editor.sh');
    writeFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return path;
  }

  it('opens config.json in $EDITOR and then warns about what it finds', async () => {
    const fake = editor(`printf '{"provider":"openai","colour":"blue"}' > "$1"`);
    const result = await runCli(['config', 'edit'], { env: { OPENCLAW_HOME: home.path, EDITOR: fake, VISUAL: undefined } });
    expect(result.code).toBe(0);
    expect(stored()).toEqual({ provider: 'openai', colour: 'blue' });
    expect(result.stderr).toContain('unknown key "colour"');
  });

  it('says the file is valid when the edit leaves it valid', async () => {
    const fake = editor(`printf '{"approval":"full"}' > "$1"`);
    const result = await runCli(['config', 'edit'], { env: { OPENCLAW_HOME: home.path, EDITOR: fake, VISUAL: undefined } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('config.json is valid\n');
  });

  it('reports an editor that fails, with exit 1 and no stack trace', async () => {
    const result = await runCli(['config', 'edit'], { env: { OPENCLAW_HOME: home.path, EDITOR: editor('exit 3'), VISUAL: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exited with status 3');
    expectNoStack(result);
  });
});

describe('openclaw config unset / path', () => {
  it('removes a key, after which get exits 1', async () => {
    await cli('config', 'set', 'provider', 'openai');
    await cli('config', 'set', 'model', 'gpt-5.4-mini');
    const result = await cli('config', 'unset', 'provider');
    expect(result.code).toBe(0);
    expect(stored()).toEqual({ model: 'gpt-5.4-mini' });
    expect((await cli('config', 'get', 'provider')).code).toBe(1);
  });

  it('exits 1 and says so when the key was not set', async () => {
    const result = await cli('config', 'unset', 'model');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"model" was not set');
  });

  it('refuses a misspelt key with exit 2 and a suggestion', async () => {
    const result = await cli('config', 'unset', 'modle');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean "model"?');
    expectNoStack(result);
  });

  it('prints the path of config.json inside OPENCLAW_HOME', async () => {
    const result = await cli('config', 'path');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${configFile}\n`);
  });
});
