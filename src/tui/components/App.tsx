import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import type { ChatController } from '../controller.js';
import type { PromptHistory } from '../input/history.js';
import { draftRows } from '../input/layout.js';
import type { FileIndex } from '../input/mentions.js';
import { ApprovalPrompt, approvalHeight } from './approval.js';
import { Activity, QueueView, ReplyTail, RunningTools, ThinkingTail, queueHeight, runningToolsHeight } from './live.js';
import { SessionPicker, pickerHeight } from './picker.js';
import { PromptView, promptHeight, usePrompt } from './prompt.js';
import { STATUS_HEIGHT, StatusLine } from './status.js';
import { useTheme } from './theme-context.js';
import { BlockView } from './transcript.js';

/** Rows kept free below the live region: Ink redraws everything once it fills the screen. */
const SPARE_ROWS = 2;

/**
 * The session screen. Finished blocks go to `<Static>` (written once, then the terminal's
 * scrollback); below them, a live region that is always shorter than the screen: the end of the
 * streaming answer, running tools, an approval, the prompt and the status line.
 */
export function App({ controller, history, files }: { controller: ChatController; history: PromptHistory; files: FileIndex }) {
  const theme = useTheme();
  const view = useSyncExternalStore(controller.subscribe, controller.getView);
  const { columns, rows } = useWindowSize();
  const { live, picker } = view;
  const modal = Boolean(live.approval || picker);
  const prompt = usePrompt({ history, files, skills: controller.skillCommands, onSubmit: (text) => controller.submit(text), active: !modal });

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (live.busy) controller.interrupt();
      else if (prompt.search || prompt.draft.text) prompt.clear();
      else if (controller.armExit()) void controller.exit();
      return;
    }
    if (modal) return;
    if (key.escape && live.busy && !prompt.completion && !prompt.search) {
      controller.interrupt();
      return;
    }
    if (key.ctrl && input === 'd' && !prompt.draft.text) {
      void controller.exit();
      return;
    }
    if (key.ctrl && input === 'o') {
      controller.expandLast();
      return;
    }
    if (key.ctrl && input === 't') {
      controller.toggleThinking();
      return;
    }
    prompt.handleKey(input, key);
  });

  const width = Math.max(10, columns);
  const inputRows = draftRows(prompt.draft, width, Math.max(1, Math.min(8, Math.floor(rows / 4))), theme);
  const showPlaceholder = !prompt.draft.text && !live.busy && !modal;
  const showActivity = live.busy && live.since !== undefined && live.tools.length === 0 && !live.approval;
  // Every part of the live region but the answer has a known height; the answer gets the rest.
  const otherRows = [
    live.thinking.length,
    runningToolsHeight(live.tools),
    showActivity ? 1 : 0,
    live.approval ? approvalHeight(live.approval, width) : 0,
    queueHeight(live.queue),
    picker ? pickerHeight(picker) : 0,
    promptHeight(inputRows, prompt.completion),
    view.hint ? 1 : 0,
    STATUS_HEIGHT,
  ];
  const replyRows = Math.max(1, rows - otherRows.reduce((sum, height) => sum + height, 0) - SPARE_ROWS);

  useEffect(() => {
    controller.setViewport({ columns: width, replyRows });
  }, [controller, width, replyRows]);

  return (
    <>
      <Static key={view.transcript.generation} items={view.transcript.blocks}>
        {(block) => (
          <Box key={block.id} width={width} flexDirection="column">
            <BlockView block={block} />
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        <ThinkingTail rows={live.thinking} />
        <ReplyTail rows={live.reply.slice(-replyRows)} />
        <RunningTools tools={live.tools} width={width} />
        {showActivity ? <Activity since={live.since!} activity={live.activity} /> : null}
        {live.approval ? (
          <ApprovalPrompt key={live.approval.request.id} approval={live.approval} onAnswer={(answer) => controller.answerApproval(answer)} width={width} />
        ) : null}
        <QueueView queue={live.queue} />
        {picker ? <SessionPicker sessions={picker} onPick={(id) => void controller.pickSession(id)} width={width} /> : null}
        <PromptView prompt={prompt} rows={showPlaceholder ? [`› ${theme.style.inverse(' ')}${theme.style.dim('Ask anything · / for commands · @ to attach a file')}`] : inputRows} width={width} dim={modal} />
        {view.hint ? <Text color={theme.ink.warning}>{view.hint}</Text> : null}
        <StatusLine status={view.status} width={width} />
      </Box>
    </>
  );
}
