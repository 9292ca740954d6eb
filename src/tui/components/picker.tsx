import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { SessionMeta } from '../../store/sessions.js';
import { keystrokes } from '../input/keys.js';
import { truncate } from '../text.js';
import { useTheme } from './theme-context.js';

const VISIBLE = 8;

export function pickerHeight(sessions: SessionMeta[]): number {
  return Math.min(VISIBLE, sessions.length) + 2;
}

/** /resume: the sessions, most recent first; typing filters, Enter opens, Esc cancels. */
export function SessionPicker({ sessions, onPick, width }: { sessions: SessionMeta[]; onPick: (id: string | undefined) => void; width: number }) {
  const theme = useTheme();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState(0);
  const matchingFor = (text: string) => {
    const lower = text.toLowerCase();
    return sessions.filter((meta) => !lower || meta.title.toLowerCase().includes(lower) || meta.id.includes(lower));
  };
  const matching = matchingFor(filter);
  const index = Math.min(selected, Math.max(0, matching.length - 1));

  useInput((input, key) => {
    // Key by key: a filter typed faster than it was read arrives with its Enter in one chunk.
    let text = filter;
    let at = selected;
    for (const [piece, pieceKey] of keystrokes(input, key)) {
      const list = matchingFor(text);
      const current = Math.min(at, Math.max(0, list.length - 1));
      if (pieceKey.escape) return onPick(undefined);
      if (pieceKey.return) return onPick(list[current]?.id);
      if (pieceKey.upArrow) at = Math.max(0, current - 1);
      else if (pieceKey.downArrow) at = Math.min(list.length - 1, current + 1);
      else if (pieceKey.backspace) text = text.slice(0, -1);
      else if (piece && !pieceKey.ctrl && !pieceKey.meta) {
        text += piece;
        at = 0;
      }
    }
    setFilter(text);
    setSelected(at);
  });

  const first = Math.max(0, Math.min(index - VISIBLE + 1, matching.length - VISIBLE));
  const shown = matching.slice(Math.max(0, first), Math.max(0, first) + VISIBLE);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Resume a session{filter ? ` matching "${filter}"` : ''} <Text dimColor>(↑↓ choose · Enter opens · Esc cancels · type to filter)</Text>
      </Text>
      {shown.map((meta) => {
        const active = meta.id === matching[index]?.id;
        const when = meta.updated.slice(0, 16).replace('T', ' ');
        return (
          <Text key={meta.id} wrap="truncate-end" color={active ? theme.ink.accent : undefined} inverse={active && !theme.ink.accent}>
            {active ? '› ' : '  '}
            {truncate(meta.title || '(untitled)', Math.max(10, Math.floor(width / 2)))} <Text dimColor>· {when} · {meta.id}</Text>
          </Text>
        );
      })}
      <Text dimColor>{matching.length === 0 ? '  no session matches' : matching.length > shown.length ? `  … ${matching.length - shown.length} more` : ' '}</Text>
    </Box>
  );
}
