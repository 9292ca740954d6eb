/**
 * The TUI rendered into a headless xterm: a virtual terminal with a real screen and scrollback,
 * fed with every byte Ink writes, and a keyboard that types into Ink's stdin. Drives the real
 * Agent against the loopback fake provider.
 */
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { createElement as h } from 'react';
import { Agent } from '../../src/agent/runtime.js';
import type { ApprovalMode } from '../../src/store/config-schema.js';
import { resolveConnection } from '../../src/providers/connection.js';
import { storePaths } from '../../src/store/paths.js';
import { SessionStore } from '../../src/store/sessions.js';
import { App } from '../../src/tui/components/App.js';
import { ThemeContext } from '../../src/tui/components/theme-context.js';
import { ChatController, closeSession } from '../../src/tui/controller.js';
import { PromptHistory } from '../../src/tui/input/history.js';
import { FileIndex } from '../../src/tui/input/mentions.js';
import { skillCommands } from '../../src/tui/skills.js';
import { plainTheme } from '../../src/tui/theme.js';
import type { FakeProvider } from '../fixtures/fake-provider.js';

export const ESC = '\u001b';

/** A stdout that is a terminal of a given size: what Ink writes goes into xterm. */
export class VirtualTerminal extends EventEmitter {
  readonly isTTY = true;
  /** Everything written, as written. */
  bytes = '';
  readonly term: InstanceType<typeof xterm.Terminal>;
  private pending = Promise.resolve();

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    // convertEol: a real terminal's line discipline turns "\n" into "\r\n".
    super();
    this.term = new xterm.Terminal({ cols: columns, rows, scrollback: 5000, allowProposedApi: true, convertEol: true });
  }

  write(data: string | Uint8Array, callback?: () => void): boolean {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.bytes += text;
    this.pending = this.pending.then(() => new Promise<void>((resolve) => this.term.write(text, resolve)));
    callback?.();
    return true;
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  async screen(): Promise<string[]> {
    await this.pending;
    const buffer = this.term.buffer.active;
    return Array.from({ length: this.rows }, (_, row) => buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
  }

  /** Every row the terminal holds: the scrollback, then the screen. */
  async allRows(): Promise<string[]> {
    await this.pending;
    const buffer = this.term.buffer.active;
    return Array.from({ length: buffer.length }, (_, row) => buffer.getLine(row)?.translateToString(true) ?? '');
  }
}

/** A stdin in raw mode: keys typed by the test. */
export class Keyboard extends EventEmitter {
  readonly isTTY = true;
  private queued: string | null = null;

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}

  read = (): string | null => {
    const data = this.queued;
    this.queued = null;
    return data;
  };

  /** Sends bytes as one read, the way a terminal delivers a key or a burst of typing. */
  send(data: string): void {
    this.queued = data;
    this.emit('readable');
    this.emit('data', data);
  }
}

export const KEYS = { enter: '\r', escape: ESC, up: `${ESC}[A`, down: `${ESC}[B`, tab: '\t', ctrlC: '\u0003', ctrlD: '\u0004', ctrlJ: '\n', ctrlR: '\u0012' };

export interface TuiSession {
  terminal: VirtualTerminal;
  keyboard: Keyboard;
  controller: ChatController;
  /** Types text, one key at a time. */
  type(text: string): Promise<void>;
  press(key: keyof typeof KEYS): Promise<void>;
  /** Waits until the screen (or the whole buffer) shows the text. */
  waitFor(text: string | RegExp, where?: 'screen' | 'all'): Promise<string[]>;
  /** Waits until no turn runs (the session has recorded it). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface TuiOptions {
  home: string;
  cwd: string;
  fake: FakeProvider;
  columns?: number;
  rows?: number;
  mode?: ApprovalMode;
  resume?: string;
}

export async function openAgentFor(options: TuiOptions, target: { resume?: string } = {}): Promise<Agent> {
  const paths = storePaths(options.home);
  const config = { retry: { baseDelayMs: 0, maxDelayMs: 0 } };
  const connection = resolveConnection(config, {}, { OPENAI_BASE_URL: options.fake.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-tui-0123456789' });
  const sessions = new SessionStore(paths);
  const session = target.resume ? await sessions.open(target.resume) : await sessions.create({ cwd: options.cwd, provider: connection.id, model: connection.model });
  return Agent.create({ paths, config, connection, cwd: options.cwd, mode: options.mode ?? 'ask', session, maxTurns: 20 });
}

export async function startTui(options: TuiOptions): Promise<TuiSession> {
  const { render } = await import('ink');
  writeFileSync(join(options.home, 'config.json'), '{}');
  const terminal = new VirtualTerminal(options.columns ?? 80, options.rows ?? 24);
  const keyboard = new Keyboard();
  const theme = plainTheme();
  const history = PromptHistory.load(options.home);
  const controller = new ChatController({
    agent: await openAgentFor(options, { resume: options.resume }),
    openAgent: (target) => openAgentFor(options, target),
    listSessions: () => new SessionStore(storePaths(options.home)).list(),
    exportMarkdown: async () => '# exported\n',
    history,
    skills: skillCommands(options.cwd, options.home),
    theme,
    version: 'test',
    viewport: { columns: terminal.columns, replyRows: terminal.rows - 8 },
  });
  const ink = render(h(ThemeContext.Provider, { value: theme }, h(App, { controller, history, files: new FileIndex(options.cwd) })), {
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    stderr: terminal as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
    maxFps: 30,
    incrementalRendering: true,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 15));
  // Keys sent before Ink listens would be lost.
  while (keyboard.listenerCount('readable') === 0) await settle();

  const session: TuiSession = {
    terminal,
    keyboard,
    controller,
    async type(text) {
      for (const character of text) {
        keyboard.send(character);
        await settle();
      }
    },
    async press(key) {
      keyboard.send(KEYS[key]);
      // A lone ESC is only known to be the Escape key once no sequence follows it.
      await new Promise((resolve) => setTimeout(resolve, key === 'escape' ? 120 : 30));
    },
    async waitFor(text, where = 'screen') {
      const deadline = performance.now() + 10_000;
      while (true) {
        const rows = where === 'screen' ? await terminal.screen() : await terminal.allRows();
        const joined = rows.join('\n');
        if (typeof text === 'string' ? joined.includes(text) : text.test(joined)) return rows;
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${(await terminal.screen()).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async idle() {
      const deadline = performance.now() + 10_000;
      while (controller.busy) {
        if (performance.now() > deadline) throw new Error('timed out waiting for the turn to end');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await controller.exit();
      ink.unmount();
      await closeSession(controller.currentAgent());
    },
  };
  return session;
}
