import { spawnSync } from 'node:child_process';
import { ExitCode, OpenclawError } from '../../errors.js';
import { ConfigWriter, configKeys, getPath, loadConfig, parseValueFor, resolveKey } from '../../store/config.js';
import { REDACTED } from '../../policy/redaction.js';
import { SECRET_CONFIG_KEYS } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { printJson, table, warn } from '../output.js';

export async function get(key: string, options: { json?: boolean }): Promise<void> {
  const paths = storePaths();
  const { config, warnings } = loadConfig(paths);
  for (const warning of warnings) warn(warning);
  const value = getPath(config, resolveKey(key));
  if (value === undefined) {
    process.exitCode = ExitCode.runtime;
    if (options.json) printJson(null);
    return;
  }
  if (options.json || typeof value === 'object') printJson(value);
  else process.stdout.write(`${String(value)}\n`);
}

export async function set(key: string, value: string): Promise<void> {
  const deliberate = Object.hasOwn(SECRET_CONFIG_KEYS, key);
  if (/apikey$|api_key$|token$|secret$/i.test(key) && !deliberate) {
    throw new OpenclawError('config_secret', `"${key}" looks like a secret; openclaw does not store keys in config.json`, {
      exitCode: ExitCode.usage,
      hint: 'Keep the key in an environment variable and name it: openclaw config set providers.<id>.apiKeyEnv MY_KEY_VAR',
    });
  }
  const writer = await ConfigWriter.open(storePaths());
  await writer.set(key, deliberate ? value : parseValueFor(key, value));
  if (SECRET_CONFIG_KEYS[key]) process.stderr.write(`${key} is stored in ${writer.path} (mode 0600); ${SECRET_CONFIG_KEYS[key]} would keep it out of the file\n`);
}

export async function unset(key: string): Promise<void> {
  const writer = await ConfigWriter.open(storePaths());
  if (!(await writer.unset(key))) {
    resolveKey(key); // a key that is neither stored nor known is a typo: refuse it with a suggestion
    process.stderr.write(`openclaw: "${key}" was not set\n`);
    process.exitCode = ExitCode.runtime;
  }
}

export async function list(options: { json?: boolean; keys?: boolean }): Promise<void> {
  if (options.keys) {
    const keys = configKeys();
    if (options.json) printJson(keys);
    else process.stdout.write(`${table(keys.map(({ key, description }) => [key, description]), ['KEY', 'MEANING'])}\n`);
    return;
  }
  const paths = storePaths();
  const loaded = loadConfig(paths);
  for (const warning of loaded.warnings) warn(warning);
  // Shown, not stored: `config get <key>` prints a secret when asked for it by name.
  const config = structuredClone(loaded.config) as Record<string, unknown>;
  for (const key of Object.keys(SECRET_CONFIG_KEYS)) {
    const path = resolveKey(key);
    const parent = getPath(config, path.slice(0, -1)) as Record<string, unknown> | undefined;
    if (parent && typeof parent[path[path.length - 1]] === 'string') parent[path[path.length - 1]] = REDACTED;
  }
  if (options.json) {
    printJson(config);
    return;
  }
  const rows = flatten(config).map(([key, value]) => `${key} = ${JSON.stringify(value)}`);
  process.stdout.write(rows.length > 0 ? `${rows.join('\n')}\n` : `(no settings in ${paths.config})\n`);
}

export async function path(): Promise<void> {
  process.stdout.write(`${storePaths().config}\n`);
}

export async function edit(): Promise<void> {
  const writer = await ConfigWriter.open(storePaths());
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', writer.path], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new OpenclawError('editor_failed', `the editor (${editor}) exited with status ${result.status ?? result.signal}`);
  }
  const { warnings } = loadConfig(storePaths());
  for (const warning of warnings) warn(warning);
  if (warnings.length === 0) process.stderr.write('config.json is valid\n');
}

function flatten(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
}
