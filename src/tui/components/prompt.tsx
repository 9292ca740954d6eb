import { Box, Text, usePaste, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { commandsMatching, type SlashCommand } from '../commands.js';
import * as edit from '../input/draft.js';
import { EMPTY_DRAFT, draftOf, type Draft } from '../input/draft.js';
import type { PromptHistory } from '../input/history.js';
import { editDraft, isSubmit } from '../input/keys.js';
import type { FileIndex } from '../input/mentions.js';
import { pastedText, plural, truncate } from '../text.js';
import { useTheme } from './theme-context.js';

const MAX_COMPLETIONS = 6;
/** A paste longer than this is shown as one placeholder and sent in full. */
const LONG_PASTE_CHARS = 800;
const LONG_PASTE_LINES = 8;

export interface Completion {
  kind: 'command' | 'file';
  items: Array<{ value: string; label: string; description?: string }>;
  /** Where the completed word starts in the draft, and its length. */
  start: number;
  length: number;
}

interface Search {
  query: string;
  match: { index: number; text: string } | undefined;
}

export interface PromptState {
  draft: Draft;
  completion: Completion | undefined;
  selected: number;
  search: Search | undefined;
  /** Handles a key; false when it is not the prompt's. */
  handleKey: (input: string, key: Key) => boolean;
  clear: () => void;
}

/**
 * The prompt's behaviour: editing, history (Up/Down, Ctrl+R), `/command` and `@file` completion,
 * long pastes, and sending. Rendering is PromptView's.
 */
export function usePrompt(options: {
  history: PromptHistory;
  files: FileIndex;
  /** User-invocable skills, completed like commands. */
  skills: readonly SlashCommand[];
  onSubmit: (text: string) => void;
  active: boolean;
}): PromptState {
  const { history, files, skills, onSubmit, active } = options;
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<string | undefined>();
  const [search, setSearch] = useState<Search | undefined>();
  const [fileItems, setFileItems] = useState<{ word: string; files: string[] }>({ word: '', files: [] });
  const [filesReady, setFilesReady] = useState(files.ready);
  const browsing = useRef<{ index: number; saved: Draft } | undefined>(undefined);
  const pastes = useRef(new Map<string, string>());

  const { word, start } = edit.wordAtCursor(draft);
  const fileQuery = word.startsWith('@') ? word.slice(1) : undefined;

  useEffect(() => {
    if (fileQuery === undefined) return;
    if (!filesReady) {
      files.load(() => setFilesReady(true));
      return;
    }
    let current = true;
    void files.complete(fileQuery, MAX_COMPLETIONS).then((found) => {
      if (current) setFileItems({ word, files: found });
    });
    return () => {
      current = false;
    };
  }, [fileQuery, filesReady, files, word]);

  const completion = useMemo((): Completion | undefined => {
    if (dismissed === draft.text) return undefined;
    if (start === 0 && word.startsWith('/') && !draft.text.includes(' ') && !draft.text.includes('\n')) {
      const items = commandsMatching(word.slice(1), skills).map((command) => ({
        value: `/${command.name}`,
        label: `/${command.name}${command.argument ? ` ${command.argument}` : ''}`,
        description: command.description,
      }));
      return items.length > 0 && !(items.length === 1 && items[0].value === word) ? { kind: 'command', items, start, length: word.length } : undefined;
    }
    if (fileQuery !== undefined && fileItems.word === word && fileItems.files.length > 0) {
      const items = fileItems.files.map((file) => ({ value: `@${file}`, label: file }));
      return items.length === 1 && items[0].value === word ? undefined : { kind: 'file', items, start, length: word.length };
    }
    return undefined;
  }, [dismissed, draft.text, start, word, fileQuery, fileItems, skills]);

  const change = useCallback((next: Draft) => {
    setDraft(next);
    setSelected(0);
    browsing.current = undefined;
  }, []);

  const clear = useCallback(() => {
    change(EMPTY_DRAFT);
    pastes.current.clear();
  }, [change]);

  const submit = useCallback(
    (text: string) => {
      let message = text;
      for (const [placeholder, pasted] of pastes.current) message = message.split(placeholder).join(pasted);
      clear();
      onSubmit(message);
    },
    [clear, onSubmit],
  );

  usePaste(
    (text) => {
      const clean = pastedText(text);
      const lines = clean.split('\n').length;
      // Tabs have no width on screen: text with tabs is kept whole behind a placeholder too.
      if (clean.length > LONG_PASTE_CHARS || lines > LONG_PASTE_LINES || clean.includes('\t')) {
        const placeholder = `[Pasted text #${pastes.current.size + 1}, ${plural(lines, 'line')}]`;
        pastes.current.set(placeholder, clean);
        change(edit.insert(draft, placeholder));
      } else {
        change(edit.insert(draft, clean));
      }
    },
    { isActive: active },
  );

  const accept = (item: Completion['items'][number], current: Completion): Draft => edit.replaceWord(draft, current.start, current.length, `${item.value} `);

  const handleKey = (input: string, key: Key): boolean => {
    // Keys typed faster than they are read (or sent by a script) arrive as one chunk (Ink splits
    // off escape sequences and deletions, not Enter): each carriage return in it is the Enter key,
    // which sends, or after a trailing `\` starts a new line, as it would typed alone. The text
    // between goes in whole: a long chunk is not replayed a character at a time. Pastes come
    // separately, through usePaste.
    if (input.length > 1 && input.includes('\r') && !search) {
      const lines = input.split(/\r\n?/);
      const enter: Key = { ...key, return: true };
      let current = draft;
      for (const [index, line] of lines.entries()) {
        current = edit.insert(current, line);
        if (index === lines.length - 1) break;
        if (isSubmit('', enter, current)) {
          if (current.text.trim()) submit(current.text);
          current = EMPTY_DRAFT;
        } else {
          current = editDraft(current, '', enter) ?? current;
        }
      }
      change(current);
      return true;
    }
    if (search) {
      handleSearchKey(input, key);
      return true;
    }
    if (key.ctrl && input === 'r') {
      setSearch({ query: '', match: undefined });
      return true;
    }
    if (completion) {
      const item = completion.items[Math.min(selected, completion.items.length - 1)];
      if (key.tab) {
        change(accept(item, completion));
        return true;
      }
      if (key.upArrow || key.downArrow) {
        const count = completion.items.length;
        setSelected((selected + (key.upArrow ? count - 1 : 1)) % count);
        return true;
      }
      if (key.escape) {
        setDismissed(draft.text);
        return true;
      }
      if (key.return && !key.shift && !key.meta) {
        if (completion.kind === 'command') {
          const command = commandsMatching(item.value.slice(1), skills)[0];
          if (command?.argument) change(accept(item, completion));
          else submit(item.value);
        } else {
          change(accept(item, completion));
        }
        return true;
      }
    }
    if (key.upArrow) {
      const up = edit.lineUp(draft);
      if (up) setDraft(up);
      else browseHistory(-1);
      return true;
    }
    if (key.downArrow) {
      const down = edit.lineDown(draft);
      if (down) setDraft(down);
      else browseHistory(1);
      return true;
    }
    if (isSubmit(input, key, draft)) {
      if (draft.text.trim()) submit(draft.text);
      return true;
    }
    const next = editDraft(draft, input, key);
    if (!next) return false;
    change(next);
    return true;
  };

  const browseHistory = (step: number) => {
    const entries = history.entries;
    const current = browsing.current ?? { index: entries.length, saved: draft };
    const index = Math.max(0, Math.min(entries.length, current.index + step));
    if (index === current.index) return;
    setDraft(index === entries.length ? current.saved : draftOf(entries[index]));
    browsing.current = { index, saved: current.saved };
  };

  const handleSearchKey = (input: string, key: Key) => {
    const find = (query: string, before?: number) => (query ? history.search(query, before) : undefined);
    if (key.escape || (key.ctrl && input === 'g') || (key.ctrl && input === 'c')) {
      setSearch(undefined);
    } else if (key.return || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
      if (search?.match) change(draftOf(search.match.text));
      setSearch(undefined);
    } else if (key.ctrl && input === 'r') {
      const older = search?.match ? find(search.query, search.match.index) : undefined;
      if (older) setSearch({ query: search!.query, match: older });
    } else if (key.backspace) {
      const query = (search?.query ?? '').slice(0, -1);
      setSearch({ query, match: find(query) });
    } else if (input && !key.ctrl && !key.meta) {
      const query = (search?.query ?? '') + input;
      setSearch({ query, match: find(query) });
    }
  };

  return { draft, completion, selected, search, handleKey, clear };
}

/** The blank row and the rule above the draft, the draft, and the completions below it. */
export function promptHeight(draftRows: string[], completion: Completion | undefined): number {
  return 2 + draftRows.length + (completion ? Math.min(completion.items.length, MAX_COMPLETIONS) : 0);
}

/** The input area: a rule, the draft (or the history search), and what Tab would complete. */
export function PromptView({ prompt, rows, width, dim }: { prompt: PromptState; rows: string[]; width: number; dim: boolean }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={theme.ink.border} dimColor>
        {'─'.repeat(Math.max(1, width))}
      </Text>
      {prompt.search ? (
        <SearchRow search={prompt.search} width={width} />
      ) : (
        <Text dimColor={dim} wrap="truncate-end">
          {rows.join('\n')}
        </Text>
      )}
      {prompt.completion ? <CompletionList completion={prompt.completion} selected={prompt.selected} width={width} /> : null}
    </Box>
  );
}

function SearchRow({ search, width }: { search: Search; width: number }) {
  const match = search.match ? truncate(search.match.text, Math.max(10, width - search.query.length - 24)) : search.query ? 'no match' : '';
  return (
    <Text wrap="truncate-end">
      <Text dimColor>(history search) </Text>
      {search.query}
      <Text dimColor>: </Text>
      {match}
    </Text>
  );
}

/** Slash commands or files matching what is typed; the selected one is highlighted. */
export function CompletionList({ completion, selected, width }: { completion: Completion; selected: number; width: number }) {
  const theme = useTheme();
  const chosen = Math.min(selected, completion.items.length - 1);
  // A window of the list that keeps the selected item in view.
  const first = Math.max(0, Math.min(chosen - MAX_COMPLETIONS + 1, completion.items.length - MAX_COMPLETIONS));
  const items = completion.items.slice(first, first + MAX_COMPLETIONS);
  const labelWidth = Math.max(...items.map((item) => item.label.length)) + 2;
  return (
    <Box flexDirection="column">
      {items.map((item, index) => {
        const active = first + index === chosen;
        return (
          <Text key={item.value} wrap="truncate-end">
            <Text color={active ? theme.ink.accent : undefined} inverse={active && !theme.ink.accent} bold={active}>
              {active ? '› ' : '  '}
              {item.label.padEnd(labelWidth)}
            </Text>
            {item.description ? <Text dimColor>{truncate(item.description, Math.max(10, width - labelWidth - 4))}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
