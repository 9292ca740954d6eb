import chalk, { Chalk, type ChalkInstance } from 'chalk';

/**
 * How the TUI looks. Colours follow NO_COLOR (no colour, but bold, dim and inverse stay: they are
 * not colours) and FORCE_COLOR; chalk detects what the terminal supports.
 */
export interface Theme {
  /** Colour names for Ink's `color` prop, undefined when colours are off. */
  ink: {
    accent?: string;
    user?: string;
    success?: string;
    error?: string;
    warning?: string;
    border?: string;
  };
  /** Colours for text rendered to strings (Markdown, diffs, highlighted code). */
  color: ChalkInstance;
  /** Bold, dim, italic, underline, inverse: kept when colours are off. */
  style: ChalkInstance;
}

export function createTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  const level = chalk.level;
  const colours = level > 0 && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const color = new Chalk({ level: colours ? level : 0 });
  const ink = colours
    ? { accent: 'cyan', user: 'magenta', success: 'green', error: 'red', warning: 'yellow', border: 'gray' }
    : {};
  return { ink, color, style: new Chalk({ level: level > 0 ? 1 : 0 }) };
}

/** A theme without any escape codes: what tests compare against. */
export function plainTheme(): Theme {
  const none = new Chalk({ level: 0 });
  return { ink: {}, color: none, style: none };
}
