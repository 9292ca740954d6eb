import { render } from 'ink';
import { Component, type ReactNode } from 'react';
import type { Agent } from '../agent/runtime.js';
import { SessionStore, type SessionMeta } from '../store/sessions.js';
import type { TranscriptEntry } from '../store/transcript.js';
import { App } from './components/App.js';
import { ThemeContext } from './components/theme-context.js';
import { ChatController, closeSession } from './controller.js';
import { PromptHistory } from './input/history.js';
import { FileIndex } from './input/mentions.js';
import { skillCommands } from './skills.js';
import { createTheme } from './theme.js';

export interface SessionScreenOptions {
  agent: Agent;
  /** Sent as the first message when given (`openclaw chat "fix the bug"`). */
  prompt: string;
  /** Opens a new session, or the one to resume (for /new, /clear, /resume). */
  openAgent: (target: { resume?: string }) => Promise<Agent>;
  /** A session as Markdown, for /export. */
  exportMarkdown: (meta: SessionMeta, entries: TranscriptEntry[]) => Promise<string>;
  version: string;
}

/**
 * Runs the session screen until the person leaves, then prints the command that resumes the
 * session.
 */
export async function runSessionScreen(options: SessionScreenOptions): Promise<void> {
  const { agent } = options;
  const theme = createTheme();
  const controller = new ChatController({
    agent,
    openAgent: options.openAgent,
    listSessions: () => new SessionStore(agent.options.paths).list(),
    exportMarkdown: options.exportMarkdown,
    history: PromptHistory.load(agent.options.paths.home),
    skills: skillCommands(agent.options.cwd, agent.options.paths.home),
    theme,
    version: options.version,
    viewport: { columns: process.stdout.columns || 80, replyRows: Math.max(1, (process.stdout.rows || 24) - 8) },
  });
  let crash: Error | undefined;
  const ink = render(
    <ThemeContext.Provider value={theme}>
      <CrashGuard
        onCrash={(error) => {
          crash = error;
          void controller.exit();
        }}
      >
        <App controller={controller} history={controller.history} files={new FileIndex(agent.options.cwd)} />
      </CrashGuard>
    </ThemeContext.Provider>,
    // Interactive even where CI=true is set: Ink would otherwise write only the final frame, and
    // this screen is only ever shown when stdin and stdout are terminals.
    { exitOnCtrlC: false, patchConsole: true, maxFps: 30, incrementalRendering: true, kittyKeyboard: { mode: 'auto' }, interactive: true },
  );

  // Raw mode turns Ctrl+C into a key; these come from outside (kill, a closed terminal).
  const onInterrupt = () => (controller.busy ? controller.interrupt() : void controller.exit());
  const onTerminate = () => void controller.exit();
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onTerminate);
  let kept: string | undefined;
  try {
    if (options.prompt) controller.submit(options.prompt);
    await controller.exited;
    await ink.waitUntilRenderFlush();
    ink.clear();
    ink.unmount();
    await ink.waitUntilExit();
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
    kept = await closeSession(controller.currentAgent());
  }
  if (crash) throw crash;
  if (kept) process.stdout.write(`\nResume this session with: openclaw chat -r ${kept}\n`);
}

/** A rendering bug ends the session cleanly (the transcript is saved) instead of a stack trace. */
class CrashGuard extends Component<{ onCrash: (error: Error) => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error): void {
    this.props.onCrash(error);
  }

  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}
