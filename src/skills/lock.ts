import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenclawError } from '../errors.js';
import { writeJsonFile } from '../store/atomic.js';
import type { SourceKind } from './install/source.js';

/** What `skill install` recorded about one skill: enough to tell where it came from and whether it changed since. */
export interface SkillLockEntry {
  /** The source as given (local paths made absolute). */
  source: string;
  kind: SourceKind;
  /** The branch, tag or commit asked for. */
  ref?: string;
  /** The commit a git source resolved to. */
  commit?: string;
  /** The folder inside the source the skill came from. */
  path?: string;
  /** The npm package version, or the skill's own `metadata.version`. */
  version?: string;
  installedAt: string;
  /** Digest of the whole skill (see treeDigest). */
  sha256: string;
  /** sha256 of every file, by relative path. */
  files: Record<string, string>;
}

export interface SkillLock {
  version: 1;
  skills: Record<string, SkillLockEntry>;
}

export const LOCK_FILE = 'lock.json';

export function lockPath(skillsDir: string): string {
  return join(skillsDir, LOCK_FILE);
}

export function readSkillLock(skillsDir: string): SkillLock {
  const path = lockPath(skillsDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, skills: {} };
    throw error;
  }
  try {
    const lock = JSON.parse(text) as SkillLock;
    if (lock && typeof lock === 'object' && lock.skills && typeof lock.skills === 'object') return { version: 1, skills: lock.skills };
  } catch {
    // reported below
  }
  throw new OpenclawError('skill_lock_invalid', `${path} is not a valid skill lock file`, {
    hint: 'It records what `openclaw skill install` installed. Restore it from a backup, or delete it and reinstall your skills.',
  });
}

/** Written whole to a temp file, then renamed over: a reader never sees half a lock file. */
export function writeSkillLock(skillsDir: string, lock: SkillLock): void {
  const path = lockPath(skillsDir);
  const sorted = Object.fromEntries(Object.entries(lock.skills).sort(([a], [b]) => a.localeCompare(b)));
  writeJsonFile(path, { version: 1, skills: sorted });
}
