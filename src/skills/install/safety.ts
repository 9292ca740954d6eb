import { posix } from 'node:path';
import { ExitCode, OpenclawError } from '../../errors.js';

/**
 * What an installed skill may hold. A skill is instructions plus a few scripts and assets; a
 * folder past these limits is a mistake (a checked-in dataset) or an attack (a decompression bomb).
 */
export interface SkillLimits {
  fileBytes: number;
  totalBytes: number;
  files: number;
}

export const SKILL_LIMITS: SkillLimits = { fileBytes: 10 * 1024 * 1024, totalBytes: 50 * 1024 * 1024, files: 5000 };

/** An archive may hold a whole repository of skills; each entry still meets the per-file limit. */
export const ARCHIVE_LIMITS: SkillLimits = { fileBytes: SKILL_LIMITS.fileBytes, totalBytes: 200 * 1024 * 1024, files: 20_000 };

/** A download (archive URL, npm tarball) larger than this is refused while it streams. */
export const DOWNLOAD_LIMIT_BYTES = 100 * 1024 * 1024;

/** A refused installation: nothing was written, and the message says which entry and why. */
export function refused(message: string): OpenclawError {
  return new OpenclawError('skill_unsafe', `refused to install: ${message}`, {
    exitCode: ExitCode.runtime,
    hint: 'Nothing was installed. A skill may not hold paths with "..", absolute paths, links that leave it, device files, or files over the size limits; ask its author for a clean copy.',
  });
}

/**
 * A path inside an archive, as a relative POSIX path, or a refusal: absolute paths, drive
 * letters and `..` segments are never normalised away, because an archive that holds them was
 * made to write outside the folder it is unpacked into.
 */
export function safeEntryPath(raw: string): string {
  const name = raw.replace(/\\/g, '/');
  if (name.includes('\0')) throw refused(`entry "${printable(raw)}" has a NUL byte in its name`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw refused(`entry "${printable(raw)}" has an absolute path`);
  if (name.split('/').includes('..')) throw refused(`entry "${printable(raw)}" has a ".." path segment`);
  const normalized = posix.normalize(name).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized.replace(/^\.\//, '');
}

/** Where a link in an archive points, relative to the archive's root, or a refusal if it leaves it. */
export function linkTargetInside(entryPath: string, target: string, root = ''): string {
  const name = target.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw refused(`link "${entryPath}" points to the absolute path "${printable(target)}"`);
  const resolved = posix.normalize(posix.join(posix.dirname(entryPath), name));
  const inside = root === '' ? resolved !== '..' && !resolved.startsWith('../') : resolved === root || resolved.startsWith(`${root}/`);
  if (!inside) throw refused(`link "${entryPath}" points outside the skill (to "${printable(target)}")`);
  return resolved;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Counts files and bytes against limits, refusing at the first one passed. */
export class SizeBudget {
  private files = 0;
  private bytes = 0;

  constructor(private readonly limits: SkillLimits) {}

  add(path: string, size: number): void {
    if (size > this.limits.fileBytes) throw refused(`"${path}" is ${formatBytes(size)}, over the ${formatBytes(this.limits.fileBytes)} limit for one file`);
    this.files++;
    this.bytes += size;
    if (this.files > this.limits.files) throw refused(`it holds more than ${this.limits.files} files`);
    if (this.bytes > this.limits.totalBytes) throw refused(`it holds more than ${formatBytes(this.limits.totalBytes)} in total`);
  }
}

function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}
