import { readFileSync } from 'node:fs';

/**
 * Where the build puts each completion script, relative to the package root, under the names
 * each shell looks for. Kept apart from the generator so start-up can print a script without
 * loading commander or the config schema.
 */
export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export const COMPLETION_FILES: Record<Shell, string> = {
  bash: 'completions/openclaw.bash',
  zsh: 'completions/_openclaw',
  fish: 'completions/openclaw.fish',
};

export function completionFile(shell: Shell): URL {
  return new URL(`../../${COMPLETION_FILES[shell]}`, import.meta.url);
}

/** The committed script; undefined in a checkout that has not been built. */
export function readCompletionScript(shell: Shell): string | undefined {
  try {
    return readFileSync(completionFile(shell), 'utf8');
  } catch {
    return undefined;
  }
}

export function isShell(word: string | undefined): word is Shell {
  return SHELLS.includes(word as Shell);
}
