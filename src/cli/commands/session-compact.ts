import { openAgent } from './chat.js';
import { printJson } from '../output.js';

export default async function sessionCompact(id: string, options: { focus?: string; json?: boolean }): Promise<void> {
  const agent = await openAgent({ resume: id, session: true, outputFormat: 'text' }, undefined);
  try {
    const event = await agent.compact(options.focus, new AbortController().signal);
    if (options.json) printJson(event ?? { type: 'compaction', summarized: 0 });
    else if (!event) process.stdout.write(`Nothing to compact in session ${agent.sessionId}: it is short.\n`);
    else process.stdout.write(`Compacted session ${agent.sessionId}: ${event.summarized} older messages summarised, ${event.kept} kept (~${event.tokensBefore} → ~${event.tokensAfter} tokens). The full history stays in the transcript.\n`);
  } finally {
    agent.close();
  }
}
