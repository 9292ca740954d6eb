import { styleText } from 'node:util';
import { OpenclawError } from '../errors.js';

type Style = Parameters<typeof styleText>[0];

/** Colour for a stream, off when it is not a terminal or NO_COLOR is set; FORCE_COLOR turns it on. */
export function colorEnabled(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export type Verbosity = 'quiet' | 'normal' | 'verbose';
let verbosity: Verbosity = 'normal';

/**
 * The global flags, applied before a command runs. `--no-color` sets NO_COLOR so everything
 * below (chalk in the TUI, tools' own output) follows it too.
 */
export function applyGlobalOptions(options: { color?: boolean; quiet?: boolean; verbose?: boolean }): void {
  if (options.color === false) {
    process.env.NO_COLOR = '1';
    delete process.env.FORCE_COLOR;
  }
  verbosity = options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal';
}

/** Progress on stderr (tool activity, steps of a long command) is left out with --quiet. */
export function isQuiet(): boolean {
  return verbosity === 'quiet';
}

export function isVerbose(): boolean {
  return verbosity === 'verbose';
}

/** Extra detail on stderr, shown with --verbose only. */
export function detail(line: string): void {
  if (verbosity === 'verbose') process.stderr.write(`${paint(process.stderr, 'dim', line)}\n`);
}

/**
 * Runs `work` with an ora spinner on stderr, only on a terminal, never with --quiet, and only once
 * the work has taken 200 ms: quick work shows nothing, and pipes and logs never get spinner frames.
 */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY || verbosity === 'quiet') return work();
  let spinner: { stop(): unknown } | undefined;
  let finished = false;
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (!finished) spinner = ora({ text, stream: process.stderr, color: 'cyan', isEnabled: true }).start();
    });
  }, 200);
  try {
    return await work();
  } finally {
    finished = true;
    clearTimeout(timer);
    spinner?.stop();
  }
}

export function paint(stream: NodeJS.WriteStream, style: Style, text: string): string {
  return colorEnabled(stream) ? styleText(style, text, { validateStream: false }) : text;
}

export function warn(message: string): void {
  process.stderr.write(`${paint(process.stderr, 'yellow', 'warning:')} ${message}\n`);
}

/** A failure as the user sees it: one line of cause, then a hint. No stack unless OPENCLAW_DEBUG or --verbose is set. */
export function reportError(error: unknown): number {
  const debug = Boolean(process.env.OPENCLAW_DEBUG) || verbosity === 'verbose';
  if (error instanceof OpenclawError) {
    process.stderr.write(`${paint(process.stderr, 'red', 'openclaw:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${paint(process.stderr, 'dim', 'hint:')} ${error.hint.replace(/\n/g, '\n  ')}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${paint(process.stderr, 'red', 'openclaw: unexpected error:')} ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write(`${paint(process.stderr, 'dim', 'hint:')} this is a bug; rerun with OPENCLAW_DEBUG=1 for details and report it.\n`);
  return 1;
}

/** Plain aligned columns for list commands. */
export function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd())
    .join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
