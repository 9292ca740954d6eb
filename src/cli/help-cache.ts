import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';

/**
 * `--help` without loading commander: the build renders every command's help into help.json,
 * and start-up prints it when the arguments are only command names and a help flag. The text is
 * commander's own, so it cannot drift from the command tree.
 */
const CACHE = new URL('./help.json', import.meta.url);

export function cachedHelp(argv: string[]): string | undefined {
  let path: string[];
  if (argv.length === 0) path = [];
  else if (argv[0] === 'help') path = argv.slice(1);
  else if (argv[argv.length - 1] === '--help' || argv[argv.length - 1] === '-h') path = argv.slice(0, -1);
  else return undefined;
  if (path.some((word) => word.startsWith('-'))) return undefined;
  try {
    const pages = JSON.parse(readFileSync(CACHE, 'utf8')) as Record<string, string>;
    return pages[path.join(' ')];
  } catch {
    return undefined;
  }
}

export function renderHelpPages(program: Command): Record<string, string> {
  const pages: Record<string, string> = {};
  const visit = (command: Command, path: string[]) => {
    let text = '';
    command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => 80 });
    command.outputHelp();
    pages[path.join(' ')] = text;
    for (const child of command.commands) visit(child, [...path, child.name()]);
  };
  visit(program, []);
  return pages;
}

/** Run by `npm run build`. */
export async function writeHelpCache(): Promise<void> {
  const { buildProgram } = await import('./program.js');
  const { version } = await import('./version.js');
  writeFileSync(CACHE, `${JSON.stringify(renderHelpPages(buildProgram(version())))}\n`);
}
