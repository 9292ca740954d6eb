import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { ExitCode, OpenclawError, usageError } from '../../errors.js';
import { withFileLock } from '../../store/lock.js';
import { ensureDir, openclawHome } from '../../store/paths.js';
import { findSkillFile, userSkillsDir } from '../discovery.js';
import { lockPath, readSkillLock, writeSkillLock, type SkillLockEntry } from '../lock.js';
import { nameProblem, parseSkillFile, type SkillManifest, type SkillProblem } from '../manifest.js';
import { extractArchive } from './archive.js';
import { downloadArchive } from './download.js';
import { cloneRepository } from './git.js';
import { packNpmPackage } from './npm.js';
import { safeEntryPath } from './safety.js';
import { describeSource, parseSource, type SkillSource } from './source.js';
import { planSkillCopy, treeDigest, writeSkillCopy } from './tree.js';

export interface InstallOptions {
  home?: string;
  cwd?: string;
  /** Which skill, when the source holds several (by its name or its folder's). */
  name?: string;
  /** A folder inside the source to look in. */
  path?: string;
  /** Branch, tag or commit of a git source. */
  ref?: string;
  /** Replace an installed skill of the same name. */
  force?: boolean;
  /** Told about each slow step (download, clone, pack), for a spinner. */
  onStep?: (text: string) => void;
}

export interface InstallResult {
  name: string;
  dir: string;
  description: string;
  entry: SkillLockEntry;
  /** Flaws of the SKILL.md, and notes such as a rename. */
  warnings: string[];
  replaced: boolean;
}

/** A SKILL.md found in a source, parsed. */
interface Candidate {
  dir: string;
  folder: string;
  manifest: SkillManifest;
  warnings: string[];
}

/**
 * Installs one skill into `$OPENCLAW_HOME/skills/<name>`. The source is fetched, searched and
 * copied inside a staging folder next to the installed skills; everything is checked before it is
 * copied, and the copy becomes visible in one rename. Nothing from the skill is run.
 */
export async function installSkill(sourceText: string, options: InstallOptions = {}): Promise<InstallResult> {
  const cwd = options.cwd ?? process.cwd();
  const source = parseSource(sourceText, cwd);
  const ref = resolveRef(source, options.ref);
  const subpath = options.path ?? (source.kind === 'git' ? source.path : undefined);
  const skillsDir = ensureDir(userSkillsDir(options.home ?? openclawHome()));
  removeAbandonedStaging(skillsDir);
  const staging = mkdtempSync(join(skillsDir, '.staging-'));
  try {
    const fetched = await fetchSource(source, staging, cwd, ref, options.onStep ?? (() => undefined));
    const searchRoot = subpath === undefined ? fetched.dir : folderInside(fetched.dir, subpath, sourceText);
    const { candidates, problems } = findCandidates(searchRoot, subpath === undefined ? fetched.rootName : basename(searchRoot));
    const chosen = choose(candidates, problems, options.name, sourceText, fetched.dir);
    const name = installName(chosen);
    const warnings = [...chosen.warnings];
    if (name !== chosen.folder) warnings.push(`installed as "${name}"`);

    const files = writeSkillCopy(planSkillCopy(chosen.dir), join(staging, 'skill'));
    const within = relative(fetched.dir, chosen.dir).split(sep).join('/');
    const metadataVersion = chosen.manifest.metadata.version;
    const entry: SkillLockEntry = {
      source: describeSource(source),
      kind: source.kind,
      ...(ref ? { ref } : {}),
      ...(fetched.commit ? { commit: fetched.commit } : {}),
      ...(within ? { path: within } : {}),
      ...(fetched.version || metadataVersion !== undefined ? { version: fetched.version ?? String(metadataVersion) } : {}),
      installedAt: new Date().toISOString(),
      sha256: treeDigest(files),
      files,
    };
    const dir = join(skillsDir, name);
    const replaced = await withFileLock(lockPath(skillsDir), () => {
      const lock = readSkillLock(skillsDir);
      const exists = existsSync(dir);
      if (exists && !options.force) {
        const from = lock.skills[name]?.source;
        throw new OpenclawError('skill_exists', `skill ${name} is already installed${from ? ` (from ${from})` : ''} in ${dir}`, {
          exitCode: ExitCode.usage,
          hint: 'Add --force to replace it, or remove it first with `openclaw skill remove`.',
        });
      }
      if (exists) renameSync(dir, join(staging, 'previous'));
      try {
        renameSync(join(staging, 'skill'), dir);
      } catch (error) {
        if (exists) renameSync(join(staging, 'previous'), dir);
        throw error;
      }
      lock.skills[name] = entry;
      writeSkillLock(skillsDir, lock);
      return exists;
    });
    return { name, dir, description: chosen.manifest.description, entry, warnings, replaced };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Staging and trash folders left by an install or remove that was killed midway. */
function removeAbandonedStaging(skillsDir: string): void {
  const cutoff = Date.now() - 60 * 60_000;
  for (const name of readdirSync(skillsDir)) {
    if (!/^\.(staging|trash)-/.test(name)) continue;
    try {
      if (lstatSync(join(skillsDir, name)).mtimeMs < cutoff) rmSync(join(skillsDir, name), { recursive: true, force: true });
    } catch {
      // another process is cleaning it up
    }
  }
}

function resolveRef(source: SkillSource, flag: string | undefined): string | undefined {
  if (source.kind !== 'git') {
    if (flag !== undefined) throw usageError('--ref applies only to git sources', 'For npm, write npm:<package>@<version>.');
    return undefined;
  }
  if (flag !== undefined && source.ref !== undefined && flag !== source.ref) {
    throw usageError(`the source names ref ${source.ref} and --ref names ${flag}`, 'Give the ref once.');
  }
  return flag ?? source.ref;
}

interface Fetched {
  /** A local folder holding the source's files. */
  dir: string;
  /** The name the source's root would have as a skill folder (a repository's, a package's, an archive's). */
  rootName: string;
  commit?: string;
  version?: string;
}

async function fetchSource(source: SkillSource, staging: string, cwd: string, ref: string | undefined, onStep: (text: string) => void): Promise<Fetched> {
  const unpacked = join(staging, 'source');
  switch (source.kind) {
    case 'folder':
      return { dir: source.path, rootName: basename(source.path) };
    case 'archive':
      onStep(`unpacking ${basename(source.path)}`);
      await extractArchive(source.path, unpacked);
      return { dir: unpacked, rootName: archiveStem(source.path) };
    case 'url': {
      onStep(`downloading ${source.url}`);
      const file = join(staging, 'download');
      await downloadArchive(source.url, file);
      onStep('unpacking');
      await extractArchive(file, unpacked);
      return { dir: unpacked, rootName: archiveStem(new URL(source.url).pathname) };
    }
    case 'git': {
      onStep(`cloning ${source.url}${ref ? ` at ${ref}` : ''}`);
      const { commit } = await cloneRepository(source.url, unpacked, ref);
      return { dir: unpacked, rootName: basename(source.url.replace(/\/+$/, '')).replace(/\.git$/, ''), commit };
    }
    case 'npm': {
      onStep(`fetching npm:${source.spec}`);
      const packed = await packNpmPackage(source.spec, join(staging, 'pack'), cwd);
      onStep('unpacking');
      await extractArchive(packed.tarball, unpacked);
      // npm tarballs hold one folder, `package/`: the package's root.
      const root = existsSync(join(unpacked, 'package')) ? join(unpacked, 'package') : unpacked;
      return { dir: root, rootName: packed.name.replace(/^@[^/]+\//, ''), version: packed.version };
    }
  }
}

function archiveStem(path: string): string {
  return basename(path).replace(/\.(tar\.gz|tgz|tar|zip)$/i, '');
}

function folderInside(root: string, subpath: string, sourceText: string): string {
  let relativePath: string;
  try {
    relativePath = safeEntryPath(subpath);
  } catch {
    throw usageError(`--path ${subpath} must be a relative path inside the source`);
  }
  const dir = join(root, relativePath);
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw usageError(`there is no folder ${relativePath} in ${sourceText}`);
  }
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw usageError(`--path ${subpath} leads outside the source`);
  if (!lstatSync(real).isDirectory()) throw usageError(`${relativePath} in ${sourceText} is not a folder`);
  return dir;
}

const SEARCH_DEPTH = 5;
const NOT_SEARCHED = new Set(['.git', 'node_modules']);

/**
 * The skills in a source: its root if it holds a SKILL.md, otherwise the top-most folders below
 * that do (a SKILL.md inside a skill belongs to that skill). Links are not followed.
 */
function findCandidates(root: string, rootName: string): { candidates: Candidate[]; problems: SkillProblem[] } {
  const candidates: Candidate[] = [];
  const problems: SkillProblem[] = [];
  const consider = (dir: string, folder: string) => {
    const file = findSkillFile(dir)!;
    const parsed = parseSkillFile(readFileSync(file, 'utf8'), relative(root, file) || basename(file), folder);
    if (parsed.ok) candidates.push({ dir, folder, manifest: parsed.manifest, warnings: parsed.warnings });
    else problems.push(parsed.problem);
  };
  if (findSkillFile(root)) {
    consider(root, rootName);
    return { candidates, problems };
  }
  let level = [root];
  for (let depth = 0; depth < SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const name of readdirSync(dir).sort()) {
        const child = join(dir, name);
        if (NOT_SEARCHED.has(name) || !lstatSync(child).isDirectory()) continue;
        if (findSkillFile(child)) consider(child, name);
        else next.push(child);
      }
    }
    level = next;
  }
  return { candidates, problems };
}

function choose(candidates: Candidate[], problems: SkillProblem[], name: string | undefined, sourceText: string, root: string): Candidate {
  const where = (candidate: Candidate) => relative(root, candidate.dir).split(sep).join('/') || '.';
  const listing = () =>
    candidates.map((candidate) => `  ${candidate.manifest.name.padEnd(24)} ${shorten(candidate.manifest.description, 60)} (${where(candidate)})`).join('\n');
  if (name !== undefined) {
    const matches = candidates.filter((candidate) => candidate.manifest.name === name || candidate.folder === name);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw usageError(`${sourceText} holds ${matches.length} skills named ${name}`, `Pick one with --path:\n${matches.map(where).map((path) => `  --path ${path}`).join('\n')}`);
    }
    const broken = problems.find((problem) => problem.file.split('/').includes(name));
    if (broken) throw invalidSkill(broken);
    throw usageError(`there is no skill named ${name} in ${sourceText}`, candidates.length > 0 ? `It holds:\n${listing()}` : undefined);
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    if (problems.length > 0) throw invalidSkill(problems[0]);
    throw new OpenclawError('skill_not_found', `no SKILL.md found in ${sourceText}`, {
      exitCode: ExitCode.usage,
      hint: 'A skill is a folder with a SKILL.md file; point at it, or at a folder of such folders. Use --path for a folder inside a repository.',
    });
  }
  throw usageError(`${sourceText} holds ${candidates.length} skills; choose one with --name`, `It holds:\n${listing()}`);
}

function invalidSkill(problem: SkillProblem): OpenclawError {
  return new OpenclawError('skill_invalid', `cannot install: ${problem.file}${problem.line ? `:${problem.line}` : ''} ${problem.message}`, {
    hint: 'A SKILL.md starts with YAML between two `---` lines holding at least `name:` and `description:`.',
  });
}

/** The installed folder is named after the skill, so that name and folder agree as the spec wants. */
function installName(candidate: Candidate): string {
  if (!nameProblem(candidate.manifest.name)) return candidate.manifest.name;
  const fromFolder = candidate.folder.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  if (fromFolder && !nameProblem(fromFolder)) return fromFolder;
  throw new OpenclawError('skill_invalid', `cannot install: neither the name "${candidate.manifest.name}" nor the folder "${candidate.folder}" makes a valid skill name`, {
    hint: 'Skill names use lowercase letters, digits and single hyphens, up to 64 characters.',
  });
}

function shorten(text: string, limit: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}
