import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { refused, SizeBudget, SKILL_LIMITS, type SkillLimits } from './safety.js';

/** One file of a skill about to be installed: where it will go, where it is read from. */
export interface PlannedFile {
  /** Relative POSIX path inside the skill. */
  path: string;
  /** Absolute real path of the content. */
  source: string;
  size: number;
  executable: boolean;
}

/** Folders that are never part of a skill's content. */
const SKIPPED = new Set(['.git', '.hg', '.svn']);

/**
 * Walks a skill folder and checks everything in it before a byte is copied: links must resolve
 * inside the skill (they are copied as the files they point to), nothing may be a device, pipe
 * or socket, and the sizes must fit the limits.
 */
export function planSkillCopy(skillDir: string, limits: SkillLimits = SKILL_LIMITS): PlannedFile[] {
  const root = realpathSync(skillDir);
  const budget = new SizeBudget(limits);
  const files: PlannedFile[] = [];
  const visit = (dir: string, prefix: string, open: Set<string>) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIPPED.has(name)) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      let real = join(dir, name);
      let stat = lstatSync(real);
      if (stat.isSymbolicLink()) {
        const target = readlinkSync(real);
        try {
          real = realpathSync(real);
        } catch {
          throw refused(`link "${path}" points to "${target}", which does not exist or loops`);
        }
        if (real !== root && !real.startsWith(root + sep)) throw refused(`link "${path}" points outside the skill (to "${target}")`);
        stat = statSync(real);
      }
      if (stat.isDirectory()) {
        if (open.has(real)) throw refused(`link "${path}" makes a loop`);
        visit(real, path, new Set([...open, real]));
      } else if (stat.isFile()) {
        budget.add(path, stat.size);
        files.push({ path, source: real, size: stat.size, executable: (stat.mode & 0o111) !== 0 });
      } else {
        throw refused(`"${path}" is ${stat.isFIFO() ? 'a named pipe' : stat.isSocket() ? 'a socket' : 'a device file'}`);
      }
    }
  };
  visit(root, '', new Set([root]));
  return files;
}

/** Copies planned files into a new folder, returning the sha256 of each (what the lock file records). */
export function writeSkillCopy(files: PlannedFile[], dest: string, limits: SkillLimits = SKILL_LIMITS): Record<string, string> {
  const hashes: Record<string, string> = {};
  mkdirSync(dest, { recursive: true, mode: 0o755 });
  for (const file of files) {
    const content = readFileSync(file.source);
    // The file may have grown since it was planned; the limit holds for what is written.
    if (content.length > limits.fileBytes) throw refused(`"${file.path}" grew past the size limit while it was being copied`);
    const target = join(dest, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, content, { flag: 'wx', mode: file.executable ? 0o755 : 0o644 });
    hashes[file.path] = sha256(content);
  }
  return hashes;
}

/** The sha256 of every file under an installed skill, by relative POSIX path; links and oddities are reported by kind. */
export function hashSkillFolder(dir: string): { files: Record<string, string>; odd: string[] } {
  const files: Record<string, string> = {};
  const odd: string[] = [];
  const visit = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const rel = relative(dir, path).split(sep).join('/');
      const stat = lstatSync(path);
      if (stat.isDirectory()) visit(path);
      else if (stat.isFile()) files[rel] = sha256(readFileSync(path));
      else odd.push(rel);
    }
  };
  visit(dir);
  return { files, odd };
}

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** A digest of the whole skill: the sha256 of its sorted `path sha256` lines. */
export function treeDigest(files: Record<string, string>): string {
  return sha256(
    Object.keys(files)
      .sort()
      .map((path) => `${path} ${files[path]}\n`)
      .join(''),
  );
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
