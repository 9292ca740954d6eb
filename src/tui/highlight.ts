import type { ChalkInstance } from 'chalk';
import type { createEmphasize, Sheet } from 'emphasize';
import type { Theme } from './theme.js';

type Highlighter = ReturnType<typeof createEmphasize>;

let highlighter: Highlighter | undefined;

/**
 * Loads the grammars (highlight.js's common languages). Rendering is synchronous, so this runs
 * once before the first frame; until it has, code is shown without colour.
 */
export async function loadHighlighter(): Promise<void> {
  if (highlighter) return;
  const { createEmphasize, common } = await import('emphasize');
  highlighter = createEmphasize(common);
}

const sheets = new WeakMap<ChalkInstance, Sheet>();

function sheetFor(color: ChalkInstance): Sheet {
  let sheet = sheets.get(color);
  if (!sheet) {
    sheet = {
      comment: color.gray,
      quote: color.gray,
      keyword: color.magenta,
      'selector-tag': color.magenta,
      built_in: color.cyan,
      type: color.cyan,
      class: color.cyan,
      'title class_': color.cyan,
      literal: color.blue,
      number: color.yellow,
      string: color.green,
      regexp: color.red,
      symbol: color.yellow,
      meta: color.gray,
      title: color.blue,
      'title function_': color.blue,
      attr: color.yellow,
      attribute: color.yellow,
      variable: color.red,
      'template-variable': color.red,
      tag: color.red,
      name: color.red,
      addition: color.green,
      deletion: color.red,
      section: color.bold.blue,
      bullet: color.yellow,
    };
    sheets.set(color, sheet);
  }
  return sheet;
}

/** Code with colours, or as it is when the language is unknown or colours are off. */
export function highlightCode(code: string, language: string | undefined, theme: Theme): string {
  const lang = language?.trim().split(/\s+/)[0]?.toLowerCase();
  if (!highlighter || !lang || theme.color.level === 0 || !highlighter.registered(lang)) return code;
  try {
    return highlighter.highlight(lang, code, sheetFor(theme.color)).value;
  } catch {
    return code;
  }
}
