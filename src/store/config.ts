import { readFileSync } from 'node:fs';
import { ExitCode, OpenclawError, errorMessage, usageError } from '../errors.js';
import { formatPath, validate } from '../schema.js';
import { configSchema, type Config } from './config-schema.js';
import { ensureDir, type StorePaths } from './paths.js';

export interface LoadedConfig {
  config: Config;
  /** One line per problem, naming the key: shown to the user, never fatal. */
  warnings: string[];
}

/**
 * Reads config.json for a run. A missing file is an empty config; a file that does not parse, an
 * unknown key or an invalid value is a warning and that value is ignored, so an upgrade or a typo
 * never stops openclaw from starting. (Reading does not need `conf`; writing goes through it.)
 */
export function loadConfig(paths: StorePaths): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(paths.config, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, warnings: [] };
    return { config: {}, warnings: [`cannot read ${paths.config}: ${errorMessage(error)}; using defaults`] };
  }
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return {
      config: {},
      warnings: [`${paths.config} is not valid JSON (${errorMessage(error)}); using defaults. Fix it with \`openclaw config edit\`.`],
    };
  }
  if (!isObject(raw)) return { config: {}, warnings: [`${paths.config} must hold a JSON object; using defaults`] };
  return sanitize(raw);
}

/** Drops every unknown or invalid value, with a warning naming its key. */
export function sanitize(raw: Record<string, unknown>): LoadedConfig {
  const config = structuredClone(raw);
  const warnings: string[] = [];
  for (const issue of validate(configSchema, config)) {
    const key = formatPath(issue.path);
    warnings.push(
      issue.kind === 'unknown_key'
        ? `config: unknown key "${key}" is ignored (remove it with \`openclaw config unset ${key}\`)`
        : `config: "${key}" is invalid (${issue.message}) and is ignored`,
    );
    deletePath(config, issue.path);
  }
  return { config: config as Config, warnings };
}

/**
 * Resolves a dotted key against the schema. Map keys may themselves hold dots (model ids such as
 * `gpt-4.1`), so `providers.openai.models.gpt-4.1.contextWindow` resolves to
 * `["providers", "openai", "models", "gpt-4.1", "contextWindow"]`.
 */
export function resolveKey(key: string): string[] {
  const segments = key.split('.');
  if (key === '' || segments.some((segment) => segment === '')) throw usageError(`invalid config key "${key}"`);
  const path = walk(configSchema, segments);
  if (!path) {
    const hint = suggestKey(key);
    throw new OpenclawError('config_unknown_key', `unknown config key "${key}"`, {
      exitCode: ExitCode.usage,
      hint: hint ? `Did you mean "${hint}"? See \`openclaw config list --keys\`.` : 'See `openclaw config list --keys`.',
    });
  }
  return path;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  description?: string;
  type?: string;
  enum?: readonly string[];
}

function walk(schema: SchemaNode, segments: string[]): string[] | null {
  if (segments.length === 0) return [];
  const [head, ...rest] = segments;
  const child = schema.properties?.[head];
  if (child) {
    const tail = walk(child, rest);
    if (tail) return [head, ...tail];
  }
  const map = schema.additionalProperties;
  if (map && typeof map === 'object') {
    for (let take = segments.length; take >= 1; take--) {
      const tail = walk(map, segments.slice(take));
      if (tail) return [segments.slice(0, take).join('.'), ...tail];
    }
  }
  return null;
}

/** Every settable leaf key, with map keys shown as `<id>`: for `config list --keys` and completions. */
export function configKeys(schema: SchemaNode = configSchema, prefix = ''): Array<{ key: string; description: string }> {
  const keys: Array<{ key: string; description: string }> = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const key = prefix + name;
    if (child.properties || (child.additionalProperties && typeof child.additionalProperties === 'object')) {
      keys.push(...configKeys(child, `${key}.`));
    } else {
      const values = child.enum ? ` (${child.enum.join(' | ')})` : '';
      keys.push({ key, description: `${child.description ?? child.type ?? ''}${values}` });
    }
  }
  const map = schema.additionalProperties;
  if (map && typeof map === 'object') keys.push(...configKeys(map, `${prefix}<id>.`));
  return keys;
}

function suggestKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const { key: candidate } of configKeys()) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * A value from the command line: JSON when it parses as JSON (numbers, booleans, arrays,
 * objects, quoted strings), otherwise the text itself.
 */
export function parseValue(raw: string): unknown {
  const trimmed = raw.trim();
  if (/^(-?\d|true$|false$|null$|\[|\{|")/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return raw;
    }
  }
  return raw;
}

export function getPath(object: unknown, path: string[]): unknown {
  let current: unknown = object;
  for (const segment of path) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function setPath(object: Record<string, unknown>, path: string[], value: unknown): void {
  let current = object;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(current[segment])) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}

function deletePath(object: Record<string, unknown>, path: string[]): boolean {
  if (path.length === 0) return false;
  const parent = getPath(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!isObject(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  for (let depth = path.length - 1; depth > 0; depth--) {
    const node = getPath(object, path.slice(0, depth));
    if (isObject(node) && Object.keys(node).length === 0) deletePath(object, path.slice(0, depth));
    else break;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes go through `conf`: atomic replace, mode 0600. The whole document is validated before it
 * is written, so `config set` can refuse a bad value instead of storing it.
 */
export class ConfigWriter {
  private constructor(
    private readonly paths: StorePaths,
    private readonly conf: { store: Record<string, unknown> },
  ) {}

  static async open(paths: StorePaths): Promise<ConfigWriter> {
    ensureDir(paths.home);
    const { default: Conf } = await import('conf');
    try {
      const conf = new Conf<Record<string, unknown>>({
        cwd: paths.home,
        configName: 'config',
        projectName: 'openclaw',
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
      });
      return new ConfigWriter(paths, conf);
    } catch (error) {
      throw new OpenclawError('config_unreadable', `cannot open ${paths.config}: ${errorMessage(error)}`, {
        exitCode: ExitCode.usage,
        hint: 'Fix the JSON with `openclaw config edit`, or move the file away to start fresh.',
      });
    }
  }

  get(key: string): unknown {
    return getPath(this.conf.store, resolveKey(key));
  }

  set(key: string, value: unknown): void {
    const path = resolveKey(key);
    const next = structuredClone(this.conf.store);
    setPath(next, path, value);
    const problems = validate(configSchema, next).filter((issue) => startsWith(issue.path, path) || startsWith(path, issue.path));
    if (problems.length > 0) {
      const issue = problems[0];
      throw new OpenclawError('config_invalid_value', `cannot set "${key}": ${formatPath(issue.path)} ${issue.message}`, {
        exitCode: ExitCode.usage,
        hint: `See \`openclaw config list --keys\` for what ${key.split('.')[0]} accepts.`,
      });
    }
    this.conf.store = next;
  }

  /** Removes a key; returns false when it was not set. Unknown keys can be removed too. */
  unset(key: string): boolean {
    const next = structuredClone(this.conf.store);
    const path = key.split('.');
    let removed = deletePath(next, path);
    if (!removed) {
      try {
        removed = deletePath(next, resolveKey(key));
      } catch {
        removed = false;
      }
    }
    if (removed) this.conf.store = next;
    return removed;
  }

  get path(): string {
    return this.paths.config;
  }
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.every((segment, index) => path[index] === segment);
}
