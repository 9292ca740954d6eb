import { ExitCode, OpenclawError } from '../errors.js';

/** The action of a command in the contract whose implementation has not landed yet. */
export function notYetAvailable(name: string): () => never {
  return () => {
    throw new OpenclawError('not_available', `\`openclaw ${name}\` is not yet available in this version`, {
      exitCode: ExitCode.usage,
      hint: 'See `openclaw --help` for what works today.',
    });
  };
}
