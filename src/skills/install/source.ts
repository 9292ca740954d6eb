import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { usageError } from '../../errors.js';

/** Where a skill comes from, as `skill install <source>` understood it. */
export type SkillSource =
  | { kind: 'folder'; path: string }
  | { kind: 'archive'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'git'; url: string; ref?: string; path?: string }
  | { kind: 'npm'; spec: string };

export type SourceKind = SkillSource['kind'];

const ARCHIVE_NAME = /\.(tar\.gz|tgz|tar|zip)$/i;

export const SOURCE_FORMS = [
  '  ./path/to/skill            a folder holding SKILL.md (or several skill folders)',
  '  skill.tar.gz, skill.zip    an archive (.tar.gz, .tgz, .tar, .zip)',
  '  https://host/skill.zip     an archive to download',
  '  https://github.com/o/r     a git repository (also git@host:o/r.git, file://..., path/to/repo.git)',
  '  npm:<package>[@version]    an npm package, fetched with `npm pack`',
].join('\n');

/**
 * Classifies a source string. Git sources may carry `#ref` (as in `npm install`), and a GitHub
 * `/tree/<ref>/<path>` address names the ref and the folder. Plain http is accepted only for
 * loopback addresses: a skill is code the agent will follow, so it is never fetched in the clear.
 */
export function parseSource(text: string, cwd: string = process.cwd()): SkillSource {
  const source = text.trim();
  if (source === '') throw usageError('the source is empty', `A source is one of:\n${SOURCE_FORMS}`);
  if (source.startsWith('npm:')) {
    const spec = source.slice(4).trim();
    if (spec === '' || spec.startsWith('-')) throw usageError(`"${source}" does not name an npm package`, 'Write npm:<package> or npm:<package>@<version>.');
    return { kind: 'npm', spec };
  }
  if (/^(git@|ssh:\/\/|git:\/\/|git\+(https|ssh|file):\/\/)/.test(source)) return gitSource(source.replace(/^git\+/, ''));
  if (/^https?:\/\//i.test(source)) return httpSource(source);
  if (/^file:\/\//i.test(source)) {
    const [location, ref] = splitFragment(source);
    const path = fileURLToPath(location);
    if (ARCHIVE_NAME.test(path) && isFile(path)) return { kind: 'archive', path };
    return { kind: 'git', url: location, ref };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    throw usageError(`unsupported source "${source}"`, `A source is one of:\n${SOURCE_FORMS}`);
  }
  const [location, ref] = existsSync(resolve(cwd, source)) ? [source, undefined] : splitFragment(source);
  const path = resolve(cwd, location);
  if (/\.git\/?$/.test(location)) {
    if (!existsSync(path)) throw usageError(`no git repository at ${path}`);
    return { kind: 'git', url: pathToFileURL(path).href, ref };
  }
  if (!existsSync(path)) {
    throw usageError(`no such file or folder: ${isAbsolute(location) ? location : `${location} (${path})`}`, `A source is one of:\n${SOURCE_FORMS}`);
  }
  if (statSync(path).isDirectory()) return { kind: 'folder', path };
  if (ARCHIVE_NAME.test(path)) return { kind: 'archive', path };
  throw usageError(`${path} is neither a folder nor an archive`, 'Archives must end in .tar.gz, .tgz, .tar or .zip.');
}

function httpSource(source: string): SkillSource {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw usageError(`"${source}" is not a valid URL`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw usageError(`refusing to fetch a skill over plain http: ${source}`, 'Use an https:// address.');
  }
  if (ARCHIVE_NAME.test(url.pathname)) return { kind: 'url', url: url.href };
  const tree = /^\/([^/]+)\/([^/]+)\/tree\/([^/]+)(?:\/(.+?))?\/?$/.exec(url.pathname);
  if (url.hostname === 'github.com' && tree) {
    return { kind: 'git', url: `https://github.com/${tree[1]}/${tree[2]}.git`, ref: decodeURIComponent(tree[3]), path: tree[4] && decodeURIComponent(tree[4]) };
  }
  return gitSource(source);
}

function gitSource(source: string): SkillSource {
  const [url, ref] = splitFragment(source);
  return { kind: 'git', url, ref };
}

function splitFragment(source: string): [string, string | undefined] {
  const hash = source.lastIndexOf('#');
  if (hash === -1) return [source, undefined];
  const ref = source.slice(hash + 1).trim();
  return [source.slice(0, hash), ref === '' ? undefined : ref];
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** How a source is shown and recorded: local paths absolute, URLs as given. */
export function describeSource(source: SkillSource): string {
  switch (source.kind) {
    case 'folder':
    case 'archive':
      return source.path;
    case 'url':
    case 'git':
      return source.url;
    case 'npm':
      return `npm:${source.spec}`;
  }
}
