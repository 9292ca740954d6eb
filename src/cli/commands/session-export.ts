import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { errorMessage, OpenclawError } from '../../errors.js';
import { storePaths } from '../../store/paths.js';
import { SessionStore, type SessionMeta } from '../../store/sessions.js';
import type { TranscriptEntry } from '../../store/transcript.js';

export default async function sessionExport(id: string, options: { format: 'md' | 'jsonl'; output?: string }): Promise<void> {
  const store = new SessionStore(storePaths());
  const meta = await store.find(id);
  if (options.format === 'jsonl') {
    // The transcript itself, byte for byte: it imports back unchanged.
    const source = store.existingTranscriptPath(meta.id);
    if (options.output) writeOutput(options.output, () => copyFileSync(source, options.output as string));
    else process.stdout.write(readFileSync(source));
    return;
  }
  const markdown = renderMarkdown(meta, store.read(meta.id).entries);
  // Private like the transcript it comes from.
  if (options.output) writeOutput(options.output, () => writeFileSync(options.output as string, markdown, { mode: 0o600 }));
  else process.stdout.write(markdown);
}

function writeOutput(path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw new OpenclawError('export_unwritable', `cannot write ${path}: ${errorMessage(error)}`);
  }
}

/** A transcript for people: the conversation, tool calls with their decisions and results. */
export function renderMarkdown(meta: SessionMeta, entries: TranscriptEntry[]): string {
  const out: string[] = [`# ${meta.title || meta.id}`, '', `- session: ${meta.id}`, `- directory: ${meta.cwd}`, `- model: ${meta.provider}/${meta.model}`, `- created: ${meta.created}`, ''];
  for (const entry of entries) {
    if (entry.type === 'compaction') {
      out.push('## Summary of earlier conversation', '', entry.summary, '');
      continue;
    }
    if (entry.type === 'meta') continue;
    const message = entry.message;
    if (message.role === 'user') {
      out.push('## User', '', message.text, '');
    } else if (message.role === 'assistant') {
      out.push('## Assistant', '');
      for (const part of message.parts) {
        if (part.type === 'text') out.push(part.text, '');
        else if (part.type === 'thinking') out.push(`> (thinking) ${part.text.replace(/\n/g, '\n> ')}`, '');
        else out.push(`**tool call** \`${part.name}\` \`${part.argsText}\``, '');
      }
      if (message.stopReason === 'aborted') out.push('_(interrupted)_', '');
    } else {
      const decision = entry.audit?.decision;
      const why = decision ? ` (${decision.decision} by ${decision.by}${decision.rule ? ` ${decision.rule}` : ''})` : '';
      out.push(`**tool result** \`${message.toolName}\`${message.isError ? ' (error)' : ''}${why}`, '', '```', message.content, '```', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
