import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, OpenclawError } from '../errors.js';
import { withFileLock } from '../store/lock.js';
import { ensureDir, openclawHome } from '../store/paths.js';
import { loadSkill, skillFolders, userSkillsDir } from './discovery.js';
import { hashSkillFolder } from './install/tree.js';
import { lockPath, readSkillLock, writeSkillLock } from './lock.js';

/** The outcome of comparing an installed skill with what the lock file recorded. */
export interface SkillVerification {
  name: string;
  dir: string;
  status: 'ok' | 'modified' | 'missing' | 'unrecorded';
  changed: string[];
  missing: string[];
  added: string[];
}

/**
 * Every installed skill against its recorded sha256s. `modified` and `missing` mean the files on
 * disk are not what was installed; `unrecorded` is a folder put there by hand (nothing to compare).
 */
export function verifySkills(home: string = openclawHome()): SkillVerification[] {
  const skillsDir = userSkillsDir(home);
  const lock = readSkillLock(skillsDir);
  const results: SkillVerification[] = [];
  for (const [name, entry] of Object.entries(lock.skills)) {
    const dir = join(skillsDir, name);
    if (!existsSync(dir)) {
      results.push({ name, dir, status: 'missing', changed: [], missing: Object.keys(entry.files), added: [] });
      continue;
    }
    const { files, odd } = hashSkillFolder(dir);
    const changed = Object.keys(entry.files).filter((path) => files[path] !== undefined && files[path] !== entry.files[path]);
    const missing = Object.keys(entry.files).filter((path) => files[path] === undefined);
    const added = [...Object.keys(files).filter((path) => entry.files[path] === undefined), ...odd].sort();
    const clean = changed.length + missing.length + added.length === 0;
    results.push({ name, dir, status: clean ? 'ok' : 'modified', changed, missing, added });
  }
  for (const dir of skillFolders(skillsDir)) {
    const name = dir.slice(skillsDir.length + 1);
    if (!lock.skills[name]) results.push({ name, dir, status: 'unrecorded', changed: [], missing: [], added: [] });
  }
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Removes an installed skill (by folder or skill name) and its lock entry. The folder is renamed
 * away first, so a reader sees it either whole or gone. Returns the path that was removed.
 */
export async function removeSkill(name: string, home: string = openclawHome()): Promise<string> {
  const skillsDir = ensureDir(userSkillsDir(home));
  return withFileLock(lockPath(skillsDir), () => {
    const lock = readSkillLock(skillsDir);
    const folder = installedFolder(skillsDir, name, Object.keys(lock.skills));
    if (!folder) {
      throw new OpenclawError('skill_not_installed', `no installed skill named ${name} in ${skillsDir}`, {
        exitCode: ExitCode.usage,
        hint: '`openclaw skill list` shows every skill and where it is; only skills in $OPENCLAW_HOME/skills are removed by this command.',
      });
    }
    const dir = join(skillsDir, folder);
    if (existsSync(dir)) {
      const trash = mkdtempSync(join(skillsDir, '.trash-'));
      renameSync(dir, join(trash, folder));
      delete lock.skills[folder];
      writeSkillLock(skillsDir, lock);
      rmSync(trash, { recursive: true, force: true });
    } else {
      delete lock.skills[folder];
      writeSkillLock(skillsDir, lock);
    }
    return dir;
  });
}

function installedFolder(skillsDir: string, name: string, recorded: string[]): string | undefined {
  if (!name.includes('/') && !name.startsWith('.') && (recorded.includes(name) || existsSync(join(skillsDir, name, 'SKILL.md')) || existsSync(join(skillsDir, name, 'skill.md')))) {
    return name;
  }
  for (const dir of skillFolders(skillsDir)) {
    const loaded = loadSkill(dir, 'user');
    if ('skill' in loaded && loaded.skill.name === name) return dir.slice(skillsDir.length + 1);
  }
  return undefined;
}
