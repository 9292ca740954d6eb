import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, OpenclawError, errorMessage, usageError } from '../errors.js';
import { formatPath, validate } from '../schema.js';
import { closestMatch } from '../suggest.js';
import { configSchema, type Config } from './config-schema.js';
import { withFileLock } from './lock.js';
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
  const { value, warnings } = readJsonObject(paths.config);
  if (!value) return { config: {}, warnings };
  return sanitize(value);
}

/** A JSON object from a file: undefined (with a warning unless the file is missing) when there is none. */
function readJsonObject(path: string): { value?: Record<string, unknown>; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { warnings: [] };
    return { warnings: [`cannot read ${path}: ${errorMessage(error)}; using defaults`] };
  }
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { warnings: [`${path} is not valid JSON (${errorMessage(error)}); using defaults. Fix it with \`openclaw config edit\`.`] };
  }
  if (!isObject(raw)) return { warnings: [`${path} must hold a JSON object; using defaults`] };
  return { value: raw, warnings: [] };
}

export interface ProjectSettings {
  permissions: { allow: string[]; ask: string[]; deny: string[] };
}

const projectSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { permissions: configSchema.properties.permissions },
} as const;

/**
 * `<cwd>/.openclaw/settings.json`: permission rules a repository brings along. Its deny and ask
 * rules always apply; its allow rules cannot undo the user's own deny rules, because deny beats
 * allow. Anything else in the file is reported and ignored.
 */
export function loadProjectSettings(cwd: string): { settings: ProjectSettings; path: string; warnings: string[] } {
  const path = join(cwd, '.openclaw', 'settings.json');
  const { value, warnings } = readJsonObject(path);
  const settings: ProjectSettings = { permissions: { allow: [], ask: [], deny: [] } };
  if (!value) return { settings, path, warnings };
  const clean = structuredClone(value);
  const issues = validate(projectSchema, clean);
  for (const issue of issues) warnings.push(`${path}: "${formatPath(issue.path)}" ${issue.kind === 'unknown_key' ? 'is not a project setting' : `is invalid (${issue.message})`} and is ignored`);
  for (const issue of [...issues].reverse()) deletePath(clean, issue.path);
  const permissions = (clean.permissions ?? {}) as Partial<ProjectSettings['permissions']>;
  settings.permissions = { allow: permissions.allow ?? [], ask: permissions.ask ?? [], deny: permissions.deny ?? [] };
  return { settings, path, warnings };
}

/** Drops every unknown or invalid value, with a warning naming its key. */
export function sanitize(raw: Record<string, unknown>): LoadedConfig {
  if (Object.keys(raw).length === 0) return { config: {}, warnings: [] };
  const config = structuredClone(raw);
  const warnings: string[] = [];
  const issues = validate(configSchema, config);
  for (const issue of issues) {
    const key = formatPath(issue.path);
    warnings.push(
      issue.kind === 'unknown_key'
        ? `config: unknown key "${key}" is ignored (remove it with \`openclaw config unset ${key}\`)`
        : `config: "${key}" is invalid (${issue.message}) and is ignored`,
    );
  }
  // Last issue first, so removing an item of a list never shifts an item still to be removed.
  for (const issue of [...issues].reverse()) deletePath(config, issue.path);
  return { config: config as Config, warnings };
}

/** Never part of a settable key: `providers.__proto__.type` would write to Object.prototype. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Resolves a dotted key against the schema. Map keys may themselves hold dots (model ids such as
 * `gpt-4.1`), so `providers.openai.models.gpt-4.1.contextWindow` resolves to
 * `["providers", "openai", "models", "gpt-4.1", "contextWindow"]`.
 */
export function resolveKey(key: string): string[] {
  return resolved(key).path;
}

/** The key's path, and the schema of the value it names. */
function resolved(key: string): { path: string[]; node: SchemaNode } {
  // `model` holds the model id; issue 5 names the window `model.contextWindow`, so that spelling
  // is accepted for the top-level `contextWindow`.
  const segments = key === 'model.contextWindow' ? ['contextWindow'] : key.split('.');
  if (key === '' || segments.some((segment) => segment === '')) throw usageError(`invalid config key "${key}"`);
  const found = segments.some((segment) => RESERVED_KEYS.has(segment)) ? null : walk(configSchema, segments);
  if (!found) {
    const hint = suggestKey(key);
    throw new OpenclawError('config_unknown_key', `unknown config key "${key}"`, {
      exitCode: ExitCode.usage,
      hint: hint ? `Did you mean "${hint}"? See \`openclaw config list --keys\`.` : 'See `openclaw config list --keys`.',
    });
  }
  return found;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  description?: string;
  type?: string;
  enum?: readonly string[];
}

function walk(schema: SchemaNode, segments: string[]): { path: string[]; node: SchemaNode } | null {
  if (segments.length === 0) return { path: [], node: schema };
  const [head, ...rest] = segments;
  const child = schema.properties && Object.hasOwn(schema.properties, head) ? schema.properties[head] : undefined;
  if (child) {
    const tail = walk(child, rest);
    if (tail) return { path: [head, ...tail.path], node: tail.node };
  }
  const map = schema.additionalProperties;
  if (map && typeof map === 'object') {
    // Shortest map key first: `providers.openai.models` is provider `openai`, not one named `openai.models`.
    for (let take = 1; take <= segments.length; take++) {
      const id = segments.slice(0, take).join('.');
      const tail = walk(map, segments.slice(take));
      if (tail) return { path: [id, ...tail.path], node: tail.node };
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
  const lower = key.toLowerCase();
  const byLower = new Map(configKeys().map(({ key: candidate }) => [candidate.toLowerCase(), candidate]));
  const match = closestMatch(lower, byLower.keys(), () => Math.max(2, Math.floor(key.length / 3)));
  return match === undefined ? undefined : byLower.get(match);
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

/**
 * A value from the command line for `key`: as `parseValue`, and for a list key a bare value or a
 * comma-separated one is a list (`allowFrom 42` and `allowFrom 42,43` mean `[42]` and `[42,43]`).
 */
export function parseValueFor(key: string, raw: string): unknown {
  const parsed = parseValue(raw);
  if (Array.isArray(parsed) || resolved(key).node.type !== 'array') return parsed;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(parseValue);
}

/** The value at a path; steps into lists too, since schema issues name list items by index. */
export function getPath(object: unknown, path: string[]): unknown {
  let current: unknown = object;
  for (const segment of path) {
    if (!(isObject(current) || Array.isArray(current)) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
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

/** Removes the value at a path, and the objects it leaves empty; false when there was none. */
export function deletePath(object: Record<string, unknown>, path: string[]): boolean {
  if (path.length === 0) return false;
  const parent = getPath(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) return false;
    parent.splice(index, 1);
    return true;
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  for (let depth = path.length - 1; depth > 0; depth--) {
    const node = getPath(object, path.slice(0, depth));
    if (isObject(node) && Object.keys(node).length === 0) deletePath(object, path.slice(0, depth));
    else break;
  }
  return true;
}

/**
 * The path of a key as the file stores it, whether or not the schema knows it: a dotted key is
 * matched against the stored keys, so `a.b.gpt-4.1.c` finds the stored key `gpt-4.1`.
 */
function storedPath(node: unknown, segments: string[]): string[] | null {
  if (segments.length === 0) return [];
  if (!isObject(node)) return null;
  for (let take = 1; take <= segments.length; take++) {
    const key = segments.slice(0, take).join('.');
    if (!Object.hasOwn(node, key)) continue;
    const tail = storedPath(node[key], segments.slice(take));
    if (tail) return [key, ...tail];
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes go through `conf`: atomic replace, mode 0600. The whole document is validated before it
 * is written, so `config set` can refuse a bad value instead of storing it. Each write is a
 * read-modify-write under a file lock, so two processes setting different keys keep both.
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

  async set(key: string, value: unknown): Promise<void> {
    const path = resolveKey(key);
    await this.update((next) => {
      setPath(next, path, value);
      const problems = validate(configSchema, next).filter((issue) => startsWith(issue.path, path) || startsWith(path, issue.path));
      if (problems.length > 0) {
        const issue = problems[0];
        throw new OpenclawError('config_invalid_value', `cannot set "${key}": ${formatPath(issue.path)} ${issue.message}`, {
          exitCode: ExitCode.usage,
          hint: `See \`openclaw config list --keys\` for what ${key.split('.')[0]} accepts.`,
        });
      }
      return true;
    });
  }

  /** Removes a key; returns false when it was not set. Unknown keys can be removed too. */
  async unset(key: string): Promise<boolean> {
    return this.update((next) => {
      const path = storedPath(next, key.split('.'));
      return path !== null && deletePath(next, path);
    });
  }

  /** Applies `change` to a fresh copy of the file's contents and writes it when `change` returns true. */
  private async update(change: (next: Record<string, unknown>) => boolean): Promise<boolean> {
    return withFileLock(this.paths.config, () => {
      const next = structuredClone(this.conf.store);
      if (!change(next)) return false;
      this.conf.store = next;
      return true;
    });
  }

  get path(): string {
    return this.paths.config;
  }
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.every((segment, index) => path[index] === segment);
}
