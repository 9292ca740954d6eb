import { Box, Text } from 'ink';
import type { Block, NoticeTone } from '../blocks.js';
import { plural } from '../text.js';
import { useTheme } from './theme-context.js';

/** Rows of command output shown before "Ctrl+O shows all". */
const OUTPUT_ROWS = 20;

/** One finished piece of the conversation, as written into the scrollback. */
export function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'welcome':
      return <Welcome block={block} />;
    case 'user':
      return <UserMessage text={block.text} />;
    case 'rows':
      return <Rows rows={block.rows} />;
    case 'thinking':
      return <Thinking text={block.text} expanded={block.expanded} />;
    case 'tool':
      return <ToolResult block={block} />;
    case 'proposal':
      return <Proposal title={block.title} rows={block.rows} />;
    case 'output':
      return <CommandOutput title={block.title} text={block.text} clipped={block.clipped} />;
    case 'notice':
      return <Notice tone={block.tone} text={block.text} />;
  }
}

function Welcome({ block }: { block: Extract<Block, { kind: 'welcome' }> }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.ink.accent} bold>
          ✻ openclaw
        </Text>
        <Text dimColor> {block.version} · </Text>
        {block.model}
      </Text>
      <Text dimColor>
        {'  '}
        {block.cwd}
        {block.session ? ` · session ${block.session}${block.resumed ? ' (resumed)' : ''}` : ' · not saved'}
      </Text>
      <Text dimColor>{'  '}/help · @file attaches · !command runs · Esc interrupts · Ctrl+D exits</Text>
    </Box>
  );
}

function UserMessage({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <Box marginTop={1}>
      <Text color={theme.ink.user} bold>
        {'› '}
      </Text>
      <Box flexShrink={1}>
        <Text bold>{text}</Text>
      </Box>
    </Box>
  );
}

/** Rows rendered beforehand (Markdown, diffs): each fits the width, so they are written as is. */
export function Rows({ rows }: { rows: string[] }) {
  return <Text wrap="truncate-end">{rows.join('\n')}</Text>;
}

function Thinking({ text, expanded }: { text: string; expanded: boolean }) {
  const lines = text.split('\n').length;
  if (!expanded) {
    return (
      <Box marginTop={1}>
        <Text dimColor italic>
          ✻ Thought for {plural(lines, 'line')} · Ctrl+O shows it
        </Text>
      </Box>
    );
  }
  return (
    <Box marginTop={1} flexDirection="column">
      <Text dimColor italic>
        ✻ Thinking
      </Text>
      <Box paddingLeft={2}>
        <Text dimColor italic>
          {text}
        </Text>
      </Box>
    </Box>
  );
}

export function ToolResult({ block }: { block: Extract<Block, { kind: 'tool' }> }) {
  const theme = useTheme();
  const mark = block.ok ? '●' : block.denied ? '⊘' : '✗';
  const color = block.ok ? theme.ink.success : block.denied ? theme.ink.warning : theme.ink.error;
  return (
    <Box marginTop={1} flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color}>{mark} </Text>
        <Text bold>{block.name}</Text>
        {block.target ? <Text dimColor> {block.target}</Text> : null}
      </Text>
      <Box paddingLeft={2}>
        <Text dimColor={block.ok} color={block.ok ? undefined : color} wrap="truncate-end">
          ⎿ {block.summary}
        </Text>
      </Box>
    </Box>
  );
}

/** What a tool call will do (the command, the diff), shown while its approval is asked. */
export function Proposal({ title, rows }: { title: string; rows: string[] }) {
  const theme = useTheme();
  return (
    <Box marginTop={1} flexDirection="column">
      <Text color={theme.ink.warning} bold>
        ◆ {title}
      </Text>
      <Box paddingLeft={2}>
        <Rows rows={rows} />
      </Box>
    </Box>
  );
}

function CommandOutput({ title, text, clipped }: { title: string; text: string; clipped: boolean }) {
  const lines = text.replace(/\n+$/, '').split('\n');
  const shown = clipped && lines.length > OUTPUT_ROWS ? lines.slice(0, OUTPUT_ROWS) : lines;
  return (
    <Box marginTop={1} flexDirection="column">
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      <Box paddingLeft={2} flexDirection="column">
        <Text>{shown.join('\n')}</Text>
        {shown.length < lines.length ? <Text dimColor>… {plural(lines.length - shown.length, 'more line')} · Ctrl+O shows all</Text> : null}
      </Box>
    </Box>
  );
}

function Notice({ tone, text }: { tone: NoticeTone; text: string }) {
  const theme = useTheme();
  const marks: Record<NoticeTone, string> = { info: '', muted: '', warning: '⚠ ', error: '✗ ', success: '✓ ' };
  const colors: Record<NoticeTone, string | undefined> = {
    info: undefined,
    muted: undefined,
    warning: theme.ink.warning,
    error: theme.ink.error,
    success: theme.ink.success,
  };
  return (
    <Box marginTop={1}>
      <Text color={colors[tone]} dimColor={tone === 'muted'}>
        {marks[tone]}
        {text}
      </Text>
    </Box>
  );
}
