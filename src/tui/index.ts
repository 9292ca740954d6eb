import { loadHighlighter } from './highlight.js';
import type { SessionScreenOptions } from './screen.js';

export type InteractiveOptions = SessionScreenOptions;

/**
 * `openclaw chat` on a terminal. Loaded only for interactive chats: it brings Ink and React.
 *
 * React picks its build when it is first loaded, from NODE_ENV; unset, that is the development
 * build, several times slower. NODE_ENV is set only while the screen's modules load, so the
 * commands the agent runs still see the user's environment.
 */
export async function runInteractive(options: InteractiveOptions): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV ??= 'production';
  let screen: typeof import('./screen.js');
  try {
    [screen] = await Promise.all([import('./screen.js'), loadHighlighter()]);
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
  }
  await screen.runSessionScreen(options);
}
