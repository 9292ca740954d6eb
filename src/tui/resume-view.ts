import type { OpenSession } from '../store/sessions.js';
import { toolTarget, type NewBlock } from './blocks.js';
import { renderMarkdown } from './markdown.js';
import { plural, sanitize } from './text.js';
import type { Theme } from './theme.js';

/** How many of the last user inputs (with what followed each) a resumed session shows. */
const EXCHANGES = 3;

/**
 * The end of a resumed session's conversation as blocks, so the scrollback reads on from where
 * it stopped. Earlier messages are counted, not shown (`openclaw session show` has them all).
 */
export function conversationBlocks(session: OpenSession, width: number, theme: Theme): NewBlock[] {
  const messages = session.entries.flatMap((entry) => (entry.type === 'message' ? [entry.message] : []));
  let start = messages.length;
  for (let seen = 0; start > 0 && seen < EXCHANGES; ) {
    start--;
    if (messages[start].role === 'user') seen++;
  }
  const blocks: NewBlock[] = [];
  if (start > 0) blocks.push({ kind: 'notice', tone: 'muted', text: `… ${plural(start, 'earlier message')} (openclaw session show ${session.id})` });
  const targets = new Map<string, string>();
  for (const message of messages.slice(start)) {
    if (message.role === 'user') {
      blocks.push({ kind: 'user', text: withoutAttachments(sanitize(message.text)) });
    } else if (message.role === 'assistant') {
      for (const part of message.parts) {
        if (part.type === 'text' && part.text.trim()) blocks.push({ kind: 'rows', rows: ['', ...renderMarkdown(sanitize(part.text), width, theme)] });
        else if (part.type === 'tool_call') targets.set(part.id, toolTarget(parseArgs(part.argsText)));
      }
      if (message.stopReason === 'aborted') blocks.push({ kind: 'notice', tone: 'muted', text: '(interrupted)' });
    } else {
      const summary = sanitize(message.content.split('\n')[0] ?? '');
      const denied = message.isError && message.content.startsWith('Denied');
      blocks.push({ kind: 'tool', name: message.toolName, target: targets.get(message.toolCallId) ?? '', ok: !message.isError, summary, denied });
    }
  }
  return blocks;
}

/** Attached files (`@path`) are shown by name, not by content. */
function withoutAttachments(text: string): string {
  return text.replace(/\n\n<file path="([^"]+)">[\s\S]*?\n<\/file>/g, '\n[attached $1]');
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
