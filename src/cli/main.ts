import { writeSync } from 'node:fs';
import { ExitCode } from '../errors.js';
import { isShell, readCompletionScript } from './completion-files.js';
import { cachedHelp } from './help-cache.js';
import { version } from './version.js';

/**
 * Start-up. `--version`, `--help` and `completion <shell>` are answered before commander or
 * anything else loads; every other command loads only its own module.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    print(`${version()}\n`);
    return;
  }
  if (argv.length === 2 && argv[0] === 'completion' && isShell(argv[1])) {
    const script = readCompletionScript(argv[1]);
    if (script !== undefined) {
      print(script);
      return;
    }
  }
  const help = cachedHelp(argv);
  if (help !== undefined) {
    print(help);
    return;
  }

  // `openclaw session list | head`: a reader that stops early is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const { buildProgram } = await import('./program.js');
  const { CommanderError } = await import('commander');
  const program = buildProgram(version());
  program.exitOverride();
  for (const command of allCommands(program)) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the message
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      process.exitCode = benign ? ExitCode.ok : ExitCode.usage;
      if (!benign) process.stderr.write(`hint: see \`${['openclaw', ...commandPath(program, argv)].join(' ')} --help\`\n`);
      return;
    }
    const { reportError } = await import('./output.js');
    process.exitCode = reportError(error);
  }
}

/**
 * Writes straight to fd 1: setting up process.stdout costs more than the rest of `--version`.
 * A non-blocking stdout that is full (EAGAIN) falls back to the stream.
 */
function print(text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch {
    process.stdout.write(bytes.subarray(written));
  }
}

/** The commands named in `argv`, as far as they go: `session show x --bad` is `session show`. */
function commandPath(program: import('commander').Command, argv: string[]): string[] {
  const path: string[] = [];
  let command = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const child = command.commands.find((candidate) => candidate.name() === word || candidate.aliases().includes(word));
    if (!child) break;
    path.push(child.name());
    command = child;
  }
  return path;
}

function allCommands(command: import('commander').Command): import('commander').Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}
