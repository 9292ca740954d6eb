import { closeSync, copyFileSync, createWriteStream, mkdirSync, openSync, readSync, symlinkSync } from 'node:fs';
import { finished, pipeline } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Entry as ZipEntry, ZipFile } from 'yauzl';
import { OpenclawError } from '../../errors.js';
import { ARCHIVE_LIMITS, linkTargetInside, refused, safeEntryPath, SizeBudget, type SkillLimits } from './safety.js';

/**
 * Unpacking a .tar.gz, .tgz, .tar or .zip without trusting it. Every entry is listed and checked
 * first (paths, types, links, sizes); only when all pass is anything written, and then only
 * regular files and folders, through fresh paths (`wx`), into `dest`. Links are re-created last,
 * after every file is in place, so no write can ever follow one.
 */
export async function extractArchive(file: string, dest: string, limits: SkillLimits = ARCHIVE_LIMITS): Promise<void> {
  const format = archiveFormat(file);
  const raw = format === 'zip' ? await listZip(file) : await listTar(file);
  const entries = checkEntries(raw, limits);
  mkdirSync(dest, { recursive: true });
  if (format === 'zip') await writeZip(file, dest, entries);
  else await writeTar(file, dest, entries);
  for (const entry of entries) {
    if (entry.kind === 'dir') mkdirSync(join(dest, entry.path), { recursive: true });
  }
  for (const entry of entries) {
    if (entry.kind !== 'hardlink' && entry.kind !== 'symlink') continue;
    mkdirSync(dirname(join(dest, entry.path)), { recursive: true });
    try {
      if (entry.kind === 'hardlink') copyFileSync(join(dest, entry.target!), join(dest, entry.path));
      else symlinkSync(entry.linkpath!, join(dest, entry.path));
    } catch (error) {
      throw refused(`link "${entry.path}" cannot be re-created (${(error as NodeJS.ErrnoException).code})`);
    }
  }
}

/** By content, not name: a download's name says little. */
export function archiveFormat(file: string): 'zip' | 'tar' {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x50 && head[1] === 0x4b ? 'zip' : 'tar';
}

type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'socket' | 'other';

interface RawEntry {
  path: string;
  kind: EntryKind;
  size: number;
  mode: number;
  linkpath?: string;
}

interface CheckedEntry extends RawEntry {
  /** For links: the resolved path inside the archive. */
  target?: string;
}

const REFUSED_KINDS: Partial<Record<EntryKind, string>> = {
  device: 'a device file',
  fifo: 'a named pipe',
  socket: 'a socket',
  other: 'of a type a skill has no use for',
};

function checkEntries(raw: RawEntry[], limits: SkillLimits): CheckedEntry[] {
  const budget = new SizeBudget(limits);
  const kinds = new Map<string, EntryKind>();
  const sizes = new Map<string, number>();
  const parents = new Set<string>();
  const checked: CheckedEntry[] = [];
  for (const entry of raw) {
    const refusedKind = REFUSED_KINDS[entry.kind];
    if (refusedKind) throw refused(`entry "${entry.path}" is ${refusedKind}`);
    const path = safeEntryPath(entry.path);
    if (path === '') continue;
    const previous = kinds.get(path);
    if (previous && !(previous === 'dir' && entry.kind === 'dir')) throw refused(`entry "${path}" appears twice in the archive`);
    if (entry.kind !== 'dir' && parents.has(path)) throw refused(`entry "${path}" is also the folder of other entries`);
    const ancestors = path.split('/').slice(0, -1).map((_, index, parts) => parts.slice(0, index + 1).join('/'));
    for (const ancestor of ancestors) {
      const kind = kinds.get(ancestor);
      if (kind === 'symlink' || kind === 'hardlink') throw refused(`entry "${path}" lies inside the link "${ancestor}"`);
      if (kind === 'file') throw refused(`entry "${path}" lies inside the file "${ancestor}"`);
      parents.add(ancestor);
    }
    const item: CheckedEntry = { ...entry, path };
    if (entry.kind === 'file') {
      budget.add(path, entry.size);
      sizes.set(path, entry.size);
    } else if (entry.kind === 'symlink') {
      item.target = linkTargetInside(path, entry.linkpath ?? '');
    } else if (entry.kind === 'hardlink') {
      const target = safeEntryPath(entry.linkpath ?? '');
      if (kinds.get(target) !== 'file') throw refused(`hard link "${path}" points to "${entry.linkpath}", which is not a file before it in the archive`);
      item.target = target;
      budget.add(path, sizes.get(target) ?? 0);
    }
    kinds.set(path, entry.kind);
    checked.push(item);
  }
  return checked;
}

function unreadable(file: string, error: unknown): OpenclawError {
  if (error instanceof OpenclawError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/decompression ratio/.test(message)) return refused(`${file} expands more than 1000-fold when unpacked, like a decompression bomb`);
  return new OpenclawError('skill_archive_invalid', `cannot read the archive ${file}: ${message}`, {
    hint: 'Expected a .tar.gz, .tgz, .tar or .zip file. Nothing was installed.',
  });
}

// tar -----------------------------------------------------------------------------------------

const TAR_KINDS: Record<string, EntryKind> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'dir',
  GNUDumpDir: 'dir',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'device',
  BlockDevice: 'device',
  FIFO: 'fifo',
};

async function listTar(file: string): Promise<RawEntry[]> {
  const tar = await import('tar');
  const entries: RawEntry[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        entries.push({ path: entry.path, kind: TAR_KINDS[entry.type] ?? 'other', size: entry.size ?? 0, mode: entry.mode ?? 0o644, linkpath: entry.linkpath });
      },
    });
  } catch (error) {
    throw unreadable(file, error);
  }
  return entries;
}

async function writeTar(file: string, dest: string, entries: CheckedEntry[]): Promise<void> {
  const tar = await import('tar');
  const writes: Promise<void>[] = [];
  const expected = entries.filter((entry) => entry.kind === 'file');
  let index = 0;
  // Thrown inside the parser's entry event, an error would escape the promise: it is kept here.
  let failure: unknown;
  try {
    await tar.t({
      file,
      strict: true,
      noResume: true,
      onReadEntry: (entry) => {
        const planned = (TAR_KINDS[entry.type] ?? 'other') === 'file' && failure === undefined ? expected[index++] : undefined;
        if (!planned) {
          entry.resume();
          return;
        }
        try {
          if (planned.path !== safeEntryPath(entry.path)) throw refused('the archive changed while it was being read');
          const out = openEntryFile(dest, planned);
          entry.pipe(out);
          writes.push(finished(out));
        } catch (error) {
          failure = error;
          entry.resume();
        }
      },
    });
    await Promise.all(writes);
  } catch (error) {
    throw unreadable(file, error);
  }
  if (failure !== undefined) throw unreadable(file, failure);
  if (index !== expected.length) throw refused('the archive changed while it was being read');
}

/** A new file for an entry: `wx` never opens an existing path, so nothing is overwritten or followed. */
function openEntryFile(dest: string, entry: CheckedEntry) {
  const path = join(dest, entry.path);
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'wx', mode: entry.mode & 0o100 ? 0o755 : 0o644 });
}

// zip -----------------------------------------------------------------------------------------

const S_IFMT = 0o170000;
const ZIP_KINDS: Record<number, EntryKind> = {
  0o100000: 'file',
  0o040000: 'dir',
  0o120000: 'symlink',
  0o020000: 'device',
  0o060000: 'device',
  0o010000: 'fifo',
  0o140000: 'socket',
};
const MADE_BY_UNIX = new Set([3, 19]);

function zipKind(entry: ZipEntry): { kind: EntryKind; mode: number } {
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if (MADE_BY_UNIX.has(entry.versionMadeBy >> 8) && (mode & S_IFMT) !== 0) return { kind: ZIP_KINDS[mode & S_IFMT] ?? 'other', mode: mode & 0o7777 };
  return { kind: entry.fileName.endsWith('/') ? 'dir' : 'file', mode: 0o644 };
}

async function listZip(file: string): Promise<RawEntry[]> {
  const entries: RawEntry[] = [];
  await eachZipEntry(file, async (zip, entry) => {
    const { kind, mode } = zipKind(entry);
    const item: RawEntry = { path: entry.fileName, kind, size: entry.uncompressedSize, mode };
    if (kind === 'symlink') {
      if (entry.uncompressedSize > 4096) throw refused(`link "${entry.fileName}" has an over-long target`);
      item.linkpath = (await readAll(await openZipStream(zip, entry))).toString('utf8');
    }
    entries.push(item);
  });
  return entries;
}

async function writeZip(file: string, dest: string, entries: CheckedEntry[]): Promise<void> {
  const expected = entries.filter((entry) => entry.kind === 'file');
  let index = 0;
  await eachZipEntry(file, async (zip, entry) => {
    if (zipKind(entry).kind !== 'file') return;
    const planned = expected[index++];
    if (!planned || planned.path !== safeEntryPath(entry.fileName)) throw refused('the archive changed while it was being read');
    await pipeline(await openZipStream(zip, entry), openEntryFile(dest, planned));
  });
}

/** yauzl, one entry at a time. Its own name checks (absolute, "..") surface as refusals. */
async function eachZipEntry(file: string, visit: (zip: ZipFile, entry: ZipEntry) => Promise<void>): Promise<void> {
  const yauzl = (await import('yauzl')).default;
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, decodeStrings: true, strictFileNames: false, validateEntrySizes: true, autoClose: true }, (error, opened) =>
        error ? reject(error) : resolve(opened!),
      ),
    );
  } catch (error) {
    throw unreadable(file, zipError(error));
  }
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      if (zip.isOpen) zip.close();
      reject(unreadable(file, zipError(error)));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: ZipEntry) => {
      visit(zip, entry).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}

function zipError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(message);
  if (!match) return error;
  return refused(`entry "${match[2]}" ${match[1] === 'absolute path' ? 'has an absolute path' : match[1] === 'invalid relative path' ? 'has a ".." path segment' : 'has an invalid name'}`);
}

function openZipStream(zip: ZipFile, entry: ZipEntry): Promise<Readable> {
  if (entry.isEncrypted()) return Promise.reject(refused(`entry "${entry.fileName}" is encrypted`));
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream!))));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
