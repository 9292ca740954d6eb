import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const AGENTS_FILE = 'AGENTS.md';
const MAX_AGENTS_BYTES = 32 * 1024;

export interface SystemPromptInput {
  cwd: string;
  toolNames: string[];
  /** Said once so the model knows why a call may come back denied. */
  approvalMode: string;
  /** The compact index of available skills (already bounded), or empty. */
  skills?: string;
  now?: Date;
}

/**
 * The system prompt: who the agent is, how to work, where it is, and the workspace's AGENTS.md.
 * Kept short on purpose: every byte is paid for on every request.
 */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const date = (input.now ?? new Date()).toISOString().slice(0, 10);
  const sections = [
    [
      'You are openclaw, a personal AI agent working in a terminal on the user\'s machine.',
      'Act through the tools; do not guess what a file or command would show. Read before you edit.',
      'Keep answers short and concrete. When a task is done, say what you changed.',
      'A tool result starting with "Denied" is the user\'s policy: do not retry the same call; find another way or ask.',
    ].join('\n'),
    `Environment: cwd ${input.cwd}; ${process.platform}; date ${date}; approval mode ${input.approvalMode}; tools: ${input.toolNames.join(', ')}.`,
  ];
  if (input.skills) sections.push(input.skills);
  const agents = readAgentsFile(input.cwd);
  if (agents) sections.push(`# ${AGENTS_FILE} (project instructions)\n${agents}`);
  return sections.join('\n\n');
}

function readAgentsFile(cwd: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(cwd, AGENTS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  if (Buffer.byteLength(text) > MAX_AGENTS_BYTES) {
    text = `${Buffer.from(text).subarray(0, MAX_AGENTS_BYTES).toString('utf8')}\n[AGENTS.md truncated at ${MAX_AGENTS_BYTES} bytes]`;
  }
  return text.trim() || undefined;
}
