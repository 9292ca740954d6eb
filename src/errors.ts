/**
 * Exit statuses of the command-line contract (DESIGN.md): scripts depend on these numbers.
 */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  provider: 3,
  limit: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error a user can act on: a stable code, a one-line message, an optional hint, and the
 * exit status it maps to. Anything that is not an OpenclawError is a bug and is reported as one.
 */
export class OpenclawError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenclawError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.runtime;
  }
}

export function usageError(message: string, hint?: string): OpenclawError {
  return new OpenclawError('usage', message, { hint, exitCode: ExitCode.usage });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
