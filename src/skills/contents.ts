import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT_EXTENSIONS = /\.(sh|bash|zsh|fish|py|js|mjs|cjs|ts|mts|rb|pl|php|ps1|bat|cmd|lua|go|rs|swift|applescript|scpt)$/i;

/**
 * The files a skill ships and, among them, the ones it could ask the agent to run: everything
 * under `scripts/`, anything executable, anything with a script's extension. Shown by
 * `skill info` and at install, so a user sees what a skill brings before the agent uses it.
 */
export function skillContents(dir: string): { files: string[]; scripts: string[] } {
  const files: string[] = [];
  const scripts: string[] = [];
  const visit = (folder: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = prefix ? `${prefix}/${name}` : name;
      const stat = lstatSync(join(folder, name));
      if (stat.isDirectory()) {
        if (name !== '.git') visit(join(folder, name), path);
        continue;
      }
      files.push(path);
      if (path.startsWith('scripts/') || (stat.isFile() && (stat.mode & 0o111) !== 0) || SCRIPT_EXTENSIONS.test(name)) scripts.push(path);
    }
  };
  visit(dir, '');
  return { files, scripts };
}
