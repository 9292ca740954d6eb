import { ExitCode } from '../errors.js';
import { cachedHelp } from './help-cache.js';
import { reportError } from './output.js';
import { version } from './version.js';

/**
 * Start-up. `--version` and `--help` are answered before commander or anything else loads;
 * every other command loads only its own module.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const help = cachedHelp(argv);
  if (help !== undefined) {
    process.stdout.write(help);
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
    process.exitCode = reportError(error);
  }
}

function allCommands(command: import('commander').Command): import('commander').Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}
