import { createRequire } from 'node:module';
import { validate } from '../schema.js';

// yaml is loaded on first use: `openclaw --help` and most commands never read a SKILL.md.
const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yaml = () => (yamlModule ??= require('yaml') as typeof import('yaml'));

/**
 * What a SKILL.md says about its skill: the Agent Skills frontmatter, plus OpenClaw's
 * `metadata.openclaw` requirements. Parsed leniently, as the spec's client guide asks: a flaw an
 * author can live with becomes a warning; only a skill that cannot be described to the model
 * (no description, unreadable YAML) is skipped.
 */
export interface SkillManifest {
  name: string;
  description: string;
  license?: string;
  compatibility?: string;
  metadata: Record<string, unknown>;
  /** Tool names as written (`Read`, `Bash(git:*)`); see allowed-tools.ts for what they allow. */
  allowedTools: string[];
  /** `/name` invokes it (default true). */
  userInvocable: boolean;
  /** Kept out of the model's skill index; still invocable by the user (default false). */
  disableModelInvocation: boolean;
  requirements: SkillRequirements;
}

/** `metadata.openclaw` (or `metadata.clawdbot`): what must be present for the skill to work. */
export interface SkillRequirements {
  /** Every one on PATH. */
  bins: string[];
  /** At least one on PATH. */
  anyBins: string[];
  /** Every one set and non-empty. */
  env: string[];
  /** `process.platform` values; empty means any. */
  os: string[];
}

/** Why a SKILL.md was skipped: the file, the line when known, and what to fix. */
export interface SkillProblem {
  file: string;
  line?: number;
  message: string;
}

export type ParsedSkillFile =
  | { ok: true; manifest: SkillManifest; body: string; warnings: string[] }
  | { ok: false; problem: SkillProblem };

export const SKILL_FILE_NAMES = ['SKILL.md', 'skill.md'] as const;
export const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 1024;
const MAX_COMPATIBILITY_LENGTH = 500;

/** Types only: the spec's length and format limits are warnings, checked below. */
const FRONTMATTER_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: ['string', 'number'] },
    description: { type: 'string' },
    license: { type: 'string' },
    compatibility: { type: 'string' },
    metadata: { type: 'object' },
    'allowed-tools': { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    'user-invocable': { type: 'boolean' },
    'disable-model-invocation': { type: 'boolean' },
  },
};

/** Why a name is not a valid Agent Skills name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (!NAME_PATTERN.test(name)) return 'should use only lowercase letters, digits and single hyphens, not at the start or end';
  return undefined;
}

/**
 * Parses a SKILL.md. `folder` is the name of the folder that holds it: the spec wants the
 * skill's name to match it, and it stands in for a missing name.
 */
export function parseSkillFile(text: string, file: string, folder: string): ParsedSkillFile {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') {
    return fail(file, 1, 'has no YAML frontmatter: the file must start with a line `---`, then `name:` and `description:`, then `---`');
  }
  const end = lines.findIndex((line, index) => index > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (end === -1) return fail(file, 1, 'has a frontmatter that is never closed: add a line `---` after it');
  const source = lines.slice(1, end).join('\n');
  const warnings: string[] = [];

  let parsed = parseYaml(source);
  if ('error' in parsed) {
    // The most common authoring slip: `description: Use when: ...` with an unquoted colon.
    const quoted = quoteColonValues(source);
    const retry = quoted === source ? parsed : parseYaml(quoted);
    if ('error' in retry) return fail(file, parsed.line + 1, `has invalid YAML in its frontmatter: ${parsed.error}`);
    warnings.push('frontmatter has an unquoted value containing ": "; read it as text (quote the value to silence this)');
    parsed = retry;
  }
  const data = parsed.value;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return fail(file, 2, 'has a frontmatter that is not a mapping of `key: value` lines');
  }
  const fields = data as Record<string, unknown>;
  const invalid = new Set(validate(FRONTMATTER_SCHEMA, fields).map((issue) => issue.path[0]));
  const lineOf = (key: string) => {
    const index = lines.slice(1, end).findIndex((line) => line.startsWith(`${key}:`));
    return index === -1 ? 2 : index + 2;
  };

  if (typeof fields.description !== 'string' || fields.description.trim() === '') {
    const what = fields.description === undefined ? 'has no `description`' : 'has an empty or non-text `description`';
    return fail(file, fields.description === undefined ? 1 : lineOf('description'), `${what}: the model chooses a skill by its description, so it is required`);
  }
  const description = fields.description.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    warnings.push(`description is ${description.length} characters long (the spec allows ${MAX_DESCRIPTION_LENGTH}); it is shortened in the model's skill list`);
  }

  let name: string;
  if (fields.name === undefined || fields.name === null || String(fields.name).trim() === '') {
    name = folder;
    warnings.push(`has no \`name\`; using its folder name "${folder}"`);
  } else {
    name = String(fields.name).trim();
    const problem = nameProblem(name);
    if (problem) warnings.push(`name "${name}" ${problem}`);
    if (name !== folder) warnings.push(`name "${name}" does not match its folder "${folder}"`);
  }

  const optionalText = (key: 'license' | 'compatibility') => {
    if (fields[key] === undefined || fields[key] === null) return undefined;
    if (invalid.has(key)) {
      warnings.push(`\`${key}\` is not text; ignored`);
      return undefined;
    }
    return String(fields[key]);
  };
  const compatibility = optionalText('compatibility');
  if (compatibility && compatibility.length > MAX_COMPATIBILITY_LENGTH) {
    warnings.push(`compatibility is ${compatibility.length} characters long (the spec allows ${MAX_COMPATIBILITY_LENGTH})`);
  }
  const flag = (key: string, fallback: boolean) => {
    if (fields[key] === undefined || fields[key] === null) return fallback;
    if (invalid.has(key)) {
      warnings.push(`\`${key}\` should be true or false; using ${fallback}`);
      return fallback;
    }
    return fields[key] as boolean;
  };

  let metadata: Record<string, unknown> = {};
  if (fields.metadata !== undefined && fields.metadata !== null) {
    const value = typeof fields.metadata === 'string' ? parseJsonObject(fields.metadata) : fields.metadata;
    if (value && typeof value === 'object' && !Array.isArray(value)) metadata = value as Record<string, unknown>;
    else warnings.push('`metadata` is not a mapping; ignored');
  }

  let allowedTools: string[] = [];
  if (fields['allowed-tools'] !== undefined && fields['allowed-tools'] !== null) {
    if (invalid.has('allowed-tools')) warnings.push('`allowed-tools` should be a string or a list of strings; ignored');
    else allowedTools = splitAllowedTools(fields['allowed-tools'] as string | string[]);
  }

  const manifest: SkillManifest = {
    name,
    description,
    license: optionalText('license'),
    compatibility,
    metadata,
    allowedTools,
    userInvocable: flag('user-invocable', true),
    disableModelInvocation: flag('disable-model-invocation', false),
    requirements: readRequirements(metadata, warnings),
  };
  return { ok: true, manifest, body: lines.slice(end + 1).join('\n').replace(/^\n+/, ''), warnings };
}

function fail(file: string, line: number, message: string): ParsedSkillFile {
  return { ok: false, problem: { file, line, message } };
}

function parseYaml(source: string): { value: unknown } | { error: string; line: number } {
  const document = yaml().parseDocument(source, { prettyErrors: false, uniqueKeys: false });
  const error = document.errors[0];
  if (error) return { error: error.message.split('\n')[0], line: source.slice(0, error.pos[0]).split('\n').length };
  return { value: document.toJS({ maxAliasCount: 100 }) };
}

/** Top-level `key: value` lines whose plain value holds `: ` get the value single-quoted. */
function quoteColonValues(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      const match = /^([A-Za-z][\w-]*):[ \t]+(.*\S)\s*$/.exec(line);
      if (!match || !match[2].includes(': ') || /^["'[{|>&*!]/.test(match[2])) return line;
      return `${match[1]}: '${match[2].replace(/'/g, "''")}'`;
    })
    .join('\n');
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `allowed-tools` as a list: a YAML list, or a string separated by spaces or commas. Spaces
 * inside parentheses belong to the entry: `Bash(gh issue:*)` is one tool.
 */
export function splitAllowedTools(value: string | string[]): string[] {
  const items = Array.isArray(value) ? value : [value];
  const tools: string[] = [];
  for (const item of items) {
    let current = '';
    let depth = 0;
    for (const char of item) {
      if (char === '(') depth++;
      if (char === ')') depth = Math.max(0, depth - 1);
      if (depth === 0 && (char === ',' || /\s/.test(char))) {
        if (current) tools.push(current);
        current = '';
      } else {
        current += char;
      }
    }
    if (current) tools.push(current);
  }
  return tools;
}

function readRequirements(metadata: Record<string, unknown>, warnings: string[]): SkillRequirements {
  const requirements: SkillRequirements = { bins: [], anyBins: [], env: [], os: [] };
  const block = metadata.openclaw ?? metadata.clawdbot;
  if (block === undefined) return requirements;
  if (!isRecord(block)) {
    warnings.push('`metadata.openclaw` is not a mapping; its requirements are ignored');
    return requirements;
  }
  const list = (value: unknown, label: string): string[] => {
    if (value === undefined || value === null) return [];
    const items = typeof value === 'string' ? [value] : value;
    if (Array.isArray(items) && items.every((item) => typeof item === 'string')) return items.map((item) => item.trim()).filter(Boolean);
    warnings.push(`\`metadata.openclaw.${label}\` should be a list of strings; ignored`);
    return [];
  };
  const requires = isRecord(block.requires) ? block.requires : {};
  requirements.bins = list(requires.bins, 'requires.bins');
  requirements.anyBins = list(requires.anyBins, 'requires.anyBins');
  requirements.env = list(requires.env, 'requires.env');
  requirements.os = list(block.os ?? requires.os, 'os');
  return requirements;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
