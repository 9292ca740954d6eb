import { writeSync } from 'node:fs';
import { ExitCode } from '../errors.js';
import { cachedHelp } from './help-cache.js';
import { version } from './version.js';

/**
 * Start-up. `--version` and `--help` are answered before commander or anything else loads;
 * every other command loads only its own module.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    print(`${version()}\n`);
    return;
  }
  const help = cachedHelp(argv);
  if (help !== undefined) {
    print(help);
    return;
  }

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

function allCommands(command: import('commander').Command): import('commander').Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}
