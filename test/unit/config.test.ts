import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenclawError } from '../../src/errors.js';
import { ConfigWriter, loadConfig, loadProjectSettings, parseValue, parseValueFor, resolveKey } from '../../src/store/config.js';
import { storePaths, type StorePaths } from '../../src/store/paths.js';
import { tempDir } from '../helpers/cli.js';

let home: { path: string; cleanup: () => void };
let paths: StorePaths;

beforeEach(() => {
  home = tempDir('openclaw-config-');
  paths = storePaths(home.path);
});

afterEach(() => home.cleanup());

function writeConfig(value: unknown): void {
  writeFileSync(paths.config, typeof value === 'string' ? value : JSON.stringify(value));
}

function readConfigFile(): unknown {
  return JSON.parse(readFileSync(paths.config, 'utf8'));
}

/** Runs `work`, expecting an OpenclawError, and returns it. */
function caught(work: () => unknown): OpenclawError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenclawError);
    return error as OpenclawError;
  }
  throw new Error('expected an OpenclawError, nothing was thrown');
}

/** Awaits a promise that must reject with an OpenclawError, and returns that error. */
async function rejection(promise: Promise<unknown>): Promise<OpenclawError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(OpenclawError);
  return error as OpenclawError;
}

describe('loadConfig', () => {
  it('gives an empty config and no warnings when config.json is missing', () => {
    expect(loadConfig(paths)).toEqual({ config: {}, warnings: [] });
  });

  it('treats an empty config.json as an empty config', () => {
    writeConfig('  \n');
    expect(loadConfig(paths)).toEqual({ config: {}, warnings: [] });
  });

  it('warns instead of throwing when config.json is not valid JSON', () => {
    writeConfig('{"provider": "openai",');
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(paths.config);
    expect(warnings[0]).toContain('not valid JSON');
    expect(warnings[0]).toContain('openclaw config edit');
  });

  it('warns when config.json holds something other than an object', () => {
    writeConfig('["provider"]');
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({});
    expect(warnings[0]).toContain('must hold a JSON object');
  });

  it('keeps every valid value', () => {
    const valid = {
      provider: 'local',
      model: 'qwen3',
      approval: 'auto-edit',
      sandbox: 'auto',
      maxTurns: 12,
      retry: { maxRetries: 3 },
      permissions: { allow: ['shell(git status)'], deny: ['write(.env*)'] },
      providers: {
        local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', models: { 'gpt-4.1': { contextWindow: 128000 } } },
      },
    };
    writeConfig(valid);
    expect(loadConfig(paths)).toEqual({ config: valid, warnings: [] });
  });

  it('warns about an unknown top-level key, naming it, and drops only that key', () => {
    writeConfig({ provider: 'openai', colour: 'blue' });
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({ provider: 'openai' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('unknown key "colour"');
    expect(warnings[0]).toContain('openclaw config unset colour');
  });

  it('warns about an unknown key inside a provider entry and keeps the rest of the entry', () => {
    writeConfig({ providers: { local: { type: 'openai-compatible', tls: false } } });
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({ providers: { local: { type: 'openai-compatible' } } });
    expect(warnings).toEqual([expect.stringContaining('unknown key "providers.local.tls"')]);
  });

  it('warns about an invalid enum value, naming the key, and drops it', () => {
    writeConfig({ approval: 'sometimes', sandbox: 'off' });
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({ sandbox: 'off' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"approval" is invalid');
    expect(warnings[0]).toContain('read-only');
  });

  it('drops a value of the wrong type inside a model entry whose id contains dots', () => {
    writeConfig({ providers: { openai: { models: { 'gpt-4.1': { contextWindow: 'big', maxOutputTokens: 4096 } } } } });
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({ providers: { openai: { models: { 'gpt-4.1': { maxOutputTokens: 4096 } } } } });
    expect(warnings).toEqual([expect.stringContaining('"providers.openai.models.gpt-4.1.contextWindow" is invalid')]);
  });

  it('drops invalid items of a list and keeps the valid ones', () => {
    writeConfig({ permissions: { allow: [1, 'shell(ls)', true, 'read(**)'] } });
    const { config, warnings } = loadConfig(paths);
    expect(config).toEqual({ permissions: { allow: ['shell(ls)', 'read(**)'] } });
    expect(warnings).toHaveLength(2);
  });
});

describe('resolveKey', () => {
  it('splits a plain dotted key into its segments', () => {
    expect(resolveKey('retry.maxRetries')).toEqual(['retry', 'maxRetries']);
  });

  it('keeps a model id containing dots as one map key', () => {
    expect(resolveKey('providers.openai.models.gpt-4.1.contextWindow')).toEqual(['providers', 'openai', 'models', 'gpt-4.1', 'contextWindow']);
  });

  it('keeps a provider id containing dots as one map key', () => {
    expect(resolveKey('providers.my.local.baseUrl')).toEqual(['providers', 'my.local', 'baseUrl']);
  });

  it('resolves a whole map entry', () => {
    expect(resolveKey('providers.local')).toEqual(['providers', 'local']);
    expect(resolveKey('providers.openai.models.gpt-4.1')).toEqual(['providers', 'openai', 'models', 'gpt-4.1']);
  });

  it('refuses an unknown key with exit 2 and suggests the closest key', () => {
    const error = caught(() => resolveKey('aproval'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('unknown config key "aproval"');
    expect(error.hint).toContain('Did you mean "approval"?');
  });

  it('points to the key list when no key is close', () => {
    const error = caught(() => resolveKey('zzzzzzzzzzzzzzzzzzzz'));
    expect(error.exitCode).toBe(2);
    expect(error.hint).not.toContain('Did you mean');
    expect(error.hint).toContain('openclaw config list --keys');
  });

  it('refuses a key below a value that is not an object', () => {
    expect(caught(() => resolveKey('provider.name')).exitCode).toBe(2);
  });

  it('refuses a key with an empty segment', () => {
    for (const key of ['', 'retry.', '.retry', 'providers..baseUrl']) expect(caught(() => resolveKey(key)).exitCode).toBe(2);
  });

  it('refuses names inherited from Object.prototype', () => {
    for (const key of ['constructor', 'toString', 'retry.hasOwnProperty', 'providers.__proto__.type', 'providers.constructor.type']) {
      expect(caught(() => resolveKey(key)).exitCode).toBe(2);
    }
  });
});

describe('parseValueFor', () => {
  it('makes a bare or comma-separated value a list for a list key', () => {
    expect(parseValueFor('channels.telegram.allowFrom', '42')).toEqual([42]);
    expect(parseValueFor('channels.telegram.allowFrom', '42, 43')).toEqual([42, 43]);
    expect(parseValueFor('channels.telegram.groups', '-100123,*')).toEqual([-100123, '*']);
    expect(parseValueFor('channels.slack.allowFrom', 'U0ANA')).toEqual(['U0ANA']);
    expect(parseValueFor('channels.slack.allowFrom', '["U0ANA","U0BOB"]')).toEqual(['U0ANA', 'U0BOB']);
  });

  it('leaves other keys as parseValue reads them', () => {
    expect(parseValueFor('model', 'gpt-4o,mini')).toBe('gpt-4o,mini');
    expect(parseValueFor('channels.telegram.pollIntervalMs', '50')).toBe(50);
    expect(parseValueFor('providers.local.baseUrl', 'http://127.0.0.1:1/v1')).toBe('http://127.0.0.1:1/v1');
  });
});

describe('parseValue', () => {
  it('reads numbers, booleans, null, arrays and objects as JSON', () => {
    expect(parseValue('42')).toBe(42);
    expect(parseValue('-1.5')).toBe(-1.5);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('false')).toBe(false);
    expect(parseValue('null')).toBeNull();
    expect(parseValue('["a", "b"]')).toEqual(['a', 'b']);
    expect(parseValue('{"type":"openai"}')).toEqual({ type: 'openai' });
  });

  it('unquotes a JSON string', () => {
    expect(parseValue('"42"')).toBe('42');
  });

  it('keeps a word as text', () => {
    expect(parseValue('openai')).toBe('openai');
    expect(parseValue('gpt-4.1')).toBe('gpt-4.1');
    expect(parseValue('trueish')).toBe('trueish');
  });

  it('keeps text that only starts like JSON as text', () => {
    expect(parseValue('3.5-turbo')).toBe('3.5-turbo');
    expect(parseValue('{not json')).toBe('{not json');
  });
});

describe('ConfigWriter', () => {
  it('creates config.json with mode 0600 on the first set', async () => {
    const writer = await ConfigWriter.open(paths);
    await writer.set('provider', 'openai');
    expect(statSync(paths.config).mode & 0o777).toBe(0o600);
    expect(readConfigFile()).toEqual({ provider: 'openai' });
  });

  it('makes a group-readable config.json private again when writing it', async () => {
    writeConfig({ provider: 'openai' });
    chmodSync(paths.config, 0o644);
    const writer = await ConfigWriter.open(paths);
    await writer.set('model', 'gpt-5.4-mini');
    expect(statSync(paths.config).mode & 0o777).toBe(0o600);
  });

  it('stores a setting of a model whose id contains dots under that id', async () => {
    const writer = await ConfigWriter.open(paths);
    await writer.set('providers.openai.models.gpt-4.1.contextWindow', 1_000_000);
    expect(readConfigFile()).toEqual({ providers: { openai: { models: { 'gpt-4.1': { contextWindow: 1_000_000 } } } } });
    expect(writer.get('providers.openai.models.gpt-4.1.contextWindow')).toBe(1_000_000);
  });

  it('refuses an invalid enum value with exit 2 and leaves the file as it was', async () => {
    writeConfig({ approval: 'ask' });
    const before = readFileSync(paths.config, 'utf8');
    const writer = await ConfigWriter.open(paths);
    const error = await rejection(writer.set('approval', 'bogus'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('cannot set "approval"');
    expect(readFileSync(paths.config, 'utf8')).toBe(before);
  });

  it('refuses a value of the wrong type with exit 2', async () => {
    const writer = await ConfigWriter.open(paths);
    expect((await rejection(writer.set('maxTurns', 'many'))).exitCode).toBe(2);
    expect((await rejection(writer.set('maxTurns', 0))).exitCode).toBe(2);
  });

  it('refuses a provider entry with an invalid field inside it', async () => {
    const writer = await ConfigWriter.open(paths);
    const error = await rejection(writer.set('providers.local', { type: 'openai-compatible', baseUrl: 'localhost:8080' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('providers.local.baseUrl');
  });

  it('refuses an unknown key with exit 2', async () => {
    const writer = await ConfigWriter.open(paths);
    expect((await rejection(writer.set('providers.openai.apiKey', 'sk-x'))).exitCode).toBe(2);
  });

  it('sets a key while the file holds an unknown key elsewhere, keeping that key', async () => {
    writeConfig({ legacyOption: 1 });
    const writer = await ConfigWriter.open(paths);
    await writer.set('provider', 'anthropic');
    expect(readConfigFile()).toEqual({ legacyOption: 1, provider: 'anthropic' });
  });

  it('unsets a key and removes the objects it leaves empty', async () => {
    writeConfig({ provider: 'local', providers: { local: { baseUrl: 'http://127.0.0.1:1/v1' } } });
    const writer = await ConfigWriter.open(paths);
    expect(await writer.unset('providers.local.baseUrl')).toBe(true);
    expect(readConfigFile()).toEqual({ provider: 'local' });
  });

  it('reports that a key was not set when unsetting it', async () => {
    writeConfig({ provider: 'openai' });
    const writer = await ConfigWriter.open(paths);
    expect(await writer.unset('model')).toBe(false);
    expect(readConfigFile()).toEqual({ provider: 'openai' });
  });

  it('unsets an unknown key, as the load warning advises', async () => {
    writeConfig({ provider: 'openai', colour: 'blue' });
    const writer = await ConfigWriter.open(paths);
    expect(await writer.unset('colour')).toBe(true);
    expect(loadConfig(paths)).toEqual({ config: { provider: 'openai' }, warnings: [] });
  });

  it('unsets an unknown key below a model id containing dots, as the load warning advises', async () => {
    writeConfig({ providers: { openai: { models: { 'gpt-4.1': { contextWindow: 8, speed: 'fast' } } } } });
    const [warning] = loadConfig(paths).warnings;
    const advised = /config unset (\S+)`/.exec(warning)?.[1];
    expect(advised).toBe('providers.openai.models.gpt-4.1.speed');
    const writer = await ConfigWriter.open(paths);
    expect(await writer.unset(advised as string)).toBe(true);
    expect(loadConfig(paths).warnings).toEqual([]);
  });

  it('refuses to open a config.json that is not valid JSON, with exit 2, leaving it untouched', async () => {
    writeConfig('{"provider": ');
    const error = await rejection(ConfigWriter.open(paths));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain('openclaw config edit');
    expect(readFileSync(paths.config, 'utf8')).toBe('{"provider": ');
  });
});

describe('loadProjectSettings', () => {
  it('reads permission rules from <cwd>/.openclaw/settings.json', () => {
    const dir = tempDir('openclaw-project-');
    try {
      mkdirSync(join(dir.path, '.openclaw'));
      writeFileSync(join(dir.path, '.openclaw', 'settings.json'), JSON.stringify({ permissions: { allow: ['shell(npm test *)'], deny: ['write(dist/**)'] } }));
      const { settings, warnings } = loadProjectSettings(dir.path);
      expect(settings.permissions).toEqual({ allow: ['shell(npm test *)'], ask: [], deny: ['write(dist/**)'] });
      expect(warnings).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });

  it('ignores, with a warning, settings a project may not make (approval mode, providers)', () => {
    const dir = tempDir('openclaw-project-');
    try {
      mkdirSync(join(dir.path, '.openclaw'));
      writeFileSync(join(dir.path, '.openclaw', 'settings.json'), JSON.stringify({ approval: 'full', providers: { x: { type: 'openai' } }, permissions: { ask: ['shell(git push *)'] } }));
      const { settings, warnings } = loadProjectSettings(dir.path);
      expect(settings.permissions.ask).toEqual(['shell(git push *)']);
      expect(warnings.join('\n')).toMatch(/"approval" is not a project setting/);
      expect(warnings.join('\n')).toMatch(/"providers" is not a project setting/);
    } finally {
      dir.cleanup();
    }
  });

  it('is empty without a file, and warns on a file that does not parse', () => {
    const dir = tempDir('openclaw-project-');
    try {
      expect(loadProjectSettings(dir.path)).toMatchObject({ settings: { permissions: { allow: [], ask: [], deny: [] } }, warnings: [] });
      mkdirSync(join(dir.path, '.openclaw'));
      writeFileSync(join(dir.path, '.openclaw', 'settings.json'), '{ nope');
      expect(loadProjectSettings(dir.path).warnings[0]).toMatch(/not valid JSON/);
    } finally {
      dir.cleanup();
    }
  });
});
