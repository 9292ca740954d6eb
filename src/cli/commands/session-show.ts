import { storePaths } from '../../store/paths.js';
import { SessionStore } from '../../store/sessions.js';
import { sinceLastCompaction, type TranscriptEntry } from '../../store/transcript.js';
import { printJson, table } from '../output.js';
import { renderMarkdown } from './session-export.js';

export default async function sessionShow(id: string, options: { json?: boolean; all?: boolean; tools?: boolean }): Promise<void> {
  const store = new SessionStore(storePaths());
  const meta = await store.find(id);
  const loaded = store.read(meta.id);
  for (const note of loaded.notes) process.stderr.write(`note: ${note}\n`);
  if (options.tools) {
    const calls = toolCalls(loaded.entries);
    if (options.json) printJson(calls);
    else if (calls.length === 0) process.stdout.write(`No tool calls in session ${meta.id}.\n`);
    else process.stdout.write(`${table(calls.map(row), ['TIME', 'TOOL', 'DECISION', 'BY', 'EXIT', 'MS', 'TARGET'])}\n`);
    return;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(loaded.header)}\n`);
    for (const entry of loaded.entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
    return;
  }
  if (options.all) {
    process.stdout.write(renderMarkdown(meta, loaded.entries));
    return;
  }
  // What the agent works from now: the last summary and what came after it.
  const { compaction, kept } = sinceLastCompaction(loaded.entries);
  const earlier = compaction ? loaded.entries.filter((entry) => entry.type === 'message').length - kept.filter((entry) => entry.type === 'message').length : 0;
  process.stdout.write(renderMarkdown(meta, compaction ? [compaction, ...kept] : kept));
  if (earlier > 0) process.stderr.write(`note: ${earlier} earlier messages were compacted into the summary; --all shows the full history\n`);
}

/** One line of the audit trail: a tool call, what was decided and by whom, what it touched. */
export interface ToolCallRecord {
  id: string;
  ts: string;
  tool: string;
  args: string;
  decision: 'allow' | 'deny' | 'unknown';
  by?: string;
  rule?: string;
  why?: string;
  ok: boolean;
  exitCode?: number;
  durationMs?: number;
  touched: string[];
  sandboxed?: boolean;
}

export function toolCalls(entries: TranscriptEntry[]): ToolCallRecord[] {
  const args = new Map<string, { tool: string; args: string }>();
  const records: ToolCallRecord[] = [];
  for (const entry of entries) {
    if (entry.type !== 'message') continue;
    const message = entry.message;
    if (message.role === 'assistant') {
      for (const part of message.parts) if (part.type === 'tool_call') args.set(part.id, { tool: part.name, args: part.argsText });
    } else if (message.role === 'tool') {
      const audit = entry.audit;
      records.push({
        id: message.toolCallId,
        ts: entry.ts,
        tool: message.toolName,
        args: args.get(message.toolCallId)?.args ?? '',
        decision: audit?.decision.decision ?? 'unknown',
        ...(audit?.decision.by ? { by: audit.decision.by } : {}),
        ...(audit?.decision.rule ? { rule: audit.decision.rule } : {}),
        ...(audit?.decision.why ? { why: audit.decision.why } : {}),
        ok: !message.isError,
        ...(audit?.exitCode !== undefined ? { exitCode: audit.exitCode } : {}),
        ...(audit?.durationMs !== undefined ? { durationMs: audit.durationMs } : {}),
        touched: audit?.touched ?? [],
        ...(audit?.sandboxed ? { sandboxed: true } : {}),
      });
    }
  }
  return records;
}

function row(record: ToolCallRecord): string[] {
  const target = record.touched[0] ?? record.args;
  return [
    record.ts.slice(11, 19),
    record.tool,
    record.decision,
    record.rule ? `${record.by} ${record.rule}` : (record.by ?? ''),
    record.exitCode === undefined ? '' : String(record.exitCode),
    record.durationMs === undefined ? '' : String(record.durationMs),
    `${target.replace(/\s+/g, ' ').slice(0, 60)}${record.sandboxed ? ' [sandbox]' : ''}`,
  ];
}
