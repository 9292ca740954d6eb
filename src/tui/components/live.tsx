import { Box, Text, useAnimation } from 'ink';
import type { RunningTool } from '../conversation.js';
import { truncate } from '../text.js';
import { Rows } from './transcript.js';
import { useTheme } from './theme-context.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MAX_TOOL_ROWS = 3;
const MAX_QUEUE_ROWS = 2;

function Spinner() {
  const theme = useTheme();
  const { frame } = useAnimation({ interval: 100 });
  return <Text color={theme.ink.accent}>{SPINNER[frame % SPINNER.length]}</Text>;
}

function Elapsed({ since }: { since: number }) {
  useAnimation({ interval: 1000 });
  const seconds = Math.floor((Date.now() - since) / 1000);
  return <Text dimColor>{seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`}</Text>;
}

/** The end of the thinking so far, dimmed. */
export function ThinkingTail({ rows }: { rows: string[] }) {
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text dimColor italic wrap="truncate-end">
        {rows.map((row, index) => `${index === 0 ? '✻ ' : '  '}${row}`).join('\n')}
      </Text>
    </Box>
  );
}

/** The part of the streaming answer that is not in the scrollback yet. */
export function ReplyTail({ rows }: { rows: string[] }) {
  if (rows.length === 0) return null;
  return <Rows rows={rows} />;
}

export function runningToolsHeight(tools: RunningTool[]): number {
  return Math.min(tools.length, MAX_TOOL_ROWS) + (tools.length > MAX_TOOL_ROWS ? 1 : 0);
}

/** Tool calls in flight: name, what they act on, a spinner and how long they have run. */
export function RunningTools({ tools, width }: { tools: RunningTool[]; width: number }) {
  if (tools.length === 0) return null;
  const shown = tools.slice(0, MAX_TOOL_ROWS);
  return (
    <Box flexDirection="column">
      {shown.map((tool) => (
        <Text key={tool.id} wrap="truncate-end">
          <Spinner /> <Text bold>{tool.name}</Text> <Text dimColor>{truncate(tool.target, Math.max(10, width - tool.name.length - 14))}</Text> <Elapsed since={tool.since} />
        </Text>
      ))}
      {tools.length > shown.length ? <Text dimColor>  … and {tools.length - shown.length} more</Text> : null}
    </Box>
  );
}

/** One row while a turn runs: what is going on, for how long, how to stop it. */
export function Activity({ since, activity }: { since: number; activity: string | undefined }) {
  return (
    <Text wrap="truncate-end">
      <Spinner /> {activity ?? 'Working'}… <Elapsed since={since} />
      <Text dimColor> · Esc to interrupt</Text>
    </Text>
  );
}

export function queueHeight(queue: string[]): number {
  return Math.min(queue.length, MAX_QUEUE_ROWS) + (queue.length > MAX_QUEUE_ROWS ? 1 : 0);
}

/** Messages typed during the turn, sent one by one after it. */
export function QueueView({ queue }: { queue: string[] }) {
  if (queue.length === 0) return null;
  const shown = queue.slice(0, MAX_QUEUE_ROWS);
  return (
    <Box flexDirection="column">
      {shown.map((text, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          ⏵ queued: {text.replace(/\s+/g, ' ')}
        </Text>
      ))}
      {queue.length > shown.length ? <Text dimColor>  … and {queue.length - shown.length} more</Text> : null}
    </Box>
  );
}
