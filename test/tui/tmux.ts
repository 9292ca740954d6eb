/**
 * A real pseudo-terminal for end-to-end tests and the TUI benchmark: the CLI runs in a tmux pane
 * on a private tmux server, keys are sent with `send-keys`, the screen is read with
 * `capture-pane`, and every byte the CLI writes is recorded with `pipe-pane`.
 *
 * Erasable TypeScript only: bench/tui.ts loads this file without a build step. Only async child
 * processes: a fake provider may be serving in this same process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const OPENCLAW_BIN = resolve(import.meta.dirname, '../../bin/openclaw');

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`));
      else resolvePromise(stdout);
    });
  });
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export interface PaneOptions {
  /** Arguments after `openclaw`. */
  args: string[];
  env: Record<string, string>;
  cwd: string;
  columns?: number;
  rows?: number;
}

export class TmuxPane {
  /** Every byte the program wrote to the terminal, from its first. */
  readonly rawLog: string;
  private readonly dir: string;
  private readonly socket: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.socket = join(dir, 'tmux.sock');
    this.rawLog = join(dir, 'raw.log');
  }

  /** Starts `openclaw <args>` in a new pane; recording begins before the program's first byte. */
  static async start(options: PaneOptions): Promise<TmuxPane> {
    const pane = new TmuxPane(mkdtempSync(join(tmpdir(), 'openclaw-tmux-')));
    writeFileSync(pane.rawLog, '');
    const gate = join(pane.dir, 'go');
    const command = [process.execPath, OPENCLAW_BIN, ...options.args].map(quote).join(' ');
    const script = `cd ${quote(options.cwd)} && while [ ! -e ${quote(gate)} ]; do sleep 0.02; done; exec ${command}`;
    const env = Object.entries({ ...options.env, TERM: 'tmux-256color' }).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    await pane.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30), ...env, 'sh', '-c', script);
    await pane.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
    await pane.tmux('pipe-pane', '-o', '-t', 'main', `cat >> ${quote(pane.rawLog)}`);
    writeFileSync(gate, '');
    return pane;
  }

  private tmux(...args: string[]): Promise<string> {
    return run('tmux', ['-S', this.socket, ...args]);
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Presses keys by tmux name: Enter, Escape, C-c, C-d, Up. */
  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** The screen, or with `history` everything the terminal holds (scrollback and screen). */
  async capture(history = false): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'main', ...(history ? ['-S', '-', '-E', '-'] : []));
  }

  /** Polls until the text shows up; fails with the screen when it does not. */
  async waitFor(text: string | RegExp, options: { history?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const deadline = performance.now() + (options.timeoutMs ?? 15_000);
    while (true) {
      const shown = await this.capture(options.history);
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${await this.capture()}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
    }
  }

  /**
   * Waits until the program reads keys: Ink turns on raw mode and bracketed paste together. Keys
   * sent before that would be line-buffered by the terminal, Enter becoming a line feed.
   */
  async waitForKeyboard(timeoutMs = 15_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.raw().includes('\u001b[?2004h')) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for the program to read keys; the screen shows:\n${await this.capture()}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 20));
    }
  }

  /** The pid of the program in the pane. */
  async pid(): Promise<number> {
    return Number((await this.tmux('display-message', '-p', '-t', 'main', '#{pane_pid}')).trim());
  }

  async exited(): Promise<boolean> {
    return (await this.tmux('display-message', '-p', '-t', 'main', '#{pane_dead}')).trim() === '1';
  }

  raw(): string {
    return existsSync(this.rawLog) ? readFileSync(this.rawLog, 'utf8') : '';
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
