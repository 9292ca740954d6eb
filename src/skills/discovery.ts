import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openclawHome } from '../store/paths.js';
import { parseSkillFile, SKILL_FILE_NAMES, type SkillManifest, type SkillProblem } from './manifest.js';
import { checkRequirements, type Availability, type RequirementContext } from './requirements.js';

/** Where a skill was found, highest precedence first. */
export type SkillScope = 'project' | 'agents' | 'user' | 'bundled';

export interface SkillRoot {
  scope: SkillScope;
  dir: string;
}

/** A skill as discovered: its manifest, where it lives, what was odd about it, whether it can work here. */
export interface Skill {
  name: string;
  description: string;
  /** Absolute path of the skill's folder; `{baseDir}` in its body resolves to it. */
  dir: string;
  /** Absolute path of its SKILL.md. */
  file: string;
  scope: SkillScope;
  manifest: SkillManifest;
  warnings: string[];
  availability: Availability;
}

/** A skill hidden by another of the same name in a root of higher precedence. */
export interface ShadowedSkill {
  skill: Skill;
  by: Skill;
}

export interface SkillCatalog {
  roots: SkillRoot[];
  /** One per name, the highest-precedence one, sorted by name; available or not. */
  skills: Skill[];
  shadowed: ShadowedSkill[];
  /** SKILL.md files that were skipped, with the reason. */
  problems: SkillProblem[];
}

/** The skills shipped with openclaw: `skills/` of the package, beside `dist/`. */
export const BUNDLED_SKILLS_DIR = fileURLToPath(new URL('../../skills/', import.meta.url));

/** Installed skills and their lock file live here. */
export function userSkillsDir(home: string = openclawHome()): string {
  return join(home, 'skills');
}

export function skillRoots(cwd: string, home: string = openclawHome()): SkillRoot[] {
  return [
    { scope: 'project', dir: join(cwd, '.openclaw', 'skills') },
    { scope: 'agents', dir: join(cwd, '.agents', 'skills') },
    { scope: 'user', dir: userSkillsDir(home) },
    { scope: 'bundled', dir: BUNDLED_SKILLS_DIR },
  ];
}

export interface DiscoverOptions extends RequirementContext {
  cwd?: string;
  home?: string;
  /** Instead of the four standard roots (tests, or a gateway with its own layout). */
  roots?: SkillRoot[];
}

/**
 * Every skill the agent could use from `cwd`. A name found in two roots is resolved by
 * precedence (project, .agents, user, bundled) and the loser is reported as shadowed.
 */
export function discoverSkills(options: DiscoverOptions = {}): SkillCatalog {
  const roots = options.roots ?? skillRoots(options.cwd ?? process.cwd(), options.home);
  const byName = new Map<string, Skill>();
  const shadowed: ShadowedSkill[] = [];
  const problems: SkillProblem[] = [];
  const cache = options.home ? new ManifestCache(join(options.home, 'cache', 'skills.json')) : undefined;
  for (const root of roots) {
    for (const dir of skillFolders(root.dir)) {
      const loaded = loadSkill(dir, root.scope, options, cache);
      if ('problem' in loaded) {
        problems.push(loaded.problem);
        continue;
      }
      const winner = byName.get(loaded.skill.name);
      if (winner) shadowed.push({ skill: loaded.skill, by: winner });
      else byName.set(loaded.skill.name, loaded.skill);
    }
  }
  cache?.save();
  // Code-unit order, not localeCompare: the first localeCompare loads ICU collation (~10 ms).
  const skills = [...byName.values()].sort((a, b) => byText(a.name, b.name));
  return { roots, skills, shadowed, problems };
}

/** The folders directly inside a root that hold a SKILL.md. Hidden folders (staging, trash) are not skills. */
export function skillFolders(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return [];
  }
  const folders: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const dir = join(root, name);
    if (isDirectory(dir) && findSkillFile(dir)) folders.push(dir);
  }
  return folders;
}

export function findSkillFile(dir: string): string | undefined {
  for (const name of SKILL_FILE_NAMES) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Every session reads every SKILL.md: one that is absurdly large is a mistake or an attack, not a skill. */
const MAX_SKILL_FILE_BYTES = 1024 * 1024;

/** Reads and checks one skill folder. */
export function loadSkill(dir: string, scope: SkillScope, context: RequirementContext = {}, cache?: ManifestCache): { skill: Skill } | { problem: SkillProblem } {
  const file = findSkillFile(dir);
  if (!file) return { problem: { file: join(dir, 'SKILL.md'), message: 'is missing: a skill folder needs a SKILL.md' } };
  let parsed: ParsedFrontmatter;
  try {
    const stat = statSync(file);
    if (stat.size > MAX_SKILL_FILE_BYTES) return { problem: { file, message: `is over ${MAX_SKILL_FILE_BYTES / 1024} KiB; a SKILL.md should be short, with details in other files` } };
    const key = `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${basename(dir)}`;
    const cached = cache?.get(file, key);
    if (cached) {
      parsed = cached;
    } else {
      const full = parseSkillFile(readFileSync(file, 'utf8'), file, basename(dir));
      parsed = full.ok ? { ok: true, manifest: full.manifest, warnings: full.warnings } : full;
      cache?.set(file, key, parsed);
    }
  } catch (error) {
    return { problem: { file, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` } };
  }
  if (!parsed.ok) return { problem: parsed.problem };
  const { manifest, warnings } = parsed;
  return {
    skill: {
      name: manifest.name,
      description: manifest.description,
      dir,
      file,
      scope,
      manifest,
      warnings,
      availability: checkRequirements(manifest.requirements, context),
    },
  };
}

/** The body of a skill's SKILL.md (frontmatter removed), with `{baseDir}` replaced by its folder. */
export function readSkillBody(skill: Pick<Skill, 'file' | 'dir'>): string {
  const parsed = parseSkillFile(readFileSync(skill.file, 'utf8'), skill.file, basename(skill.dir));
  const body = parsed.ok ? parsed.body : '';
  return body.replaceAll('{baseDir}', skill.dir);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What discovery keeps of a parsed SKILL.md: everything but the body. */
type ParsedFrontmatter = { ok: true; manifest: SkillManifest; warnings: string[] } | { ok: false; problem: SkillProblem };

/**
 * Parsed frontmatter of every SKILL.md seen, keyed by size, mtime and ctime, in
 * `$OPENCLAW_HOME/cache/skills.json`: each chat discovers skills, and parsing YAML (loading the
 * parser most of all) would otherwise cost every start tens of milliseconds. Disposable: a
 * missing or unreadable cache only means parsing again.
 */
export class ManifestCache {
  private entries: Record<string, { key: string; parsed: ParsedFrontmatter }> = {};
  private changed = false;

  constructor(private readonly path: string) {
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; entries?: ManifestCache['entries'] };
      if (data.version === CACHE_VERSION && data.entries && typeof data.entries === 'object') this.entries = data.entries;
    } catch {
      // no cache yet, or a broken one: start empty
    }
  }

  get(file: string, key: string): ParsedFrontmatter | undefined {
    const entry = this.entries[file];
    return entry?.key === key ? entry.parsed : undefined;
  }

  set(file: string, key: string, parsed: ParsedFrontmatter): void {
    this.entries[file] = { key, parsed };
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    for (const file of Object.keys(this.entries)) if (!existsSync(file)) delete this.entries[file];
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ version: CACHE_VERSION, entries: this.entries }), { mode: 0o600 });
      renameSync(temporary, this.path);
      this.changed = false;
    } catch {
      // a read-only home still works, only slower
    }
  }
}

const CACHE_VERSION = 1;

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
