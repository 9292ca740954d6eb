import { Box, Text, useInput, type Key } from 'ink';
import { useState } from 'react';
import type { ApprovalAnswer, ApprovalRequest } from '../../agent/loop.js';
import type { PendingApproval } from '../controller.js';
import { EMPTY_DRAFT, type Draft } from '../input/draft.js';
import { editDraft, keystrokes } from '../input/keys.js';
import { draftRows } from '../input/layout.js';
import { truncate, wrapRows } from '../text.js';
import { useTheme } from './theme-context.js';

/** The keys and what they do; "this session" and "always" only when a rule can cover the call. */
function choices(request: ApprovalRequest): Array<[key: string, meaning: string]> {
  const lasting: Array<[string, string]> = request.suggestedRules.length > 0 ? [['s', 'this session'], ['a', 'always']] : [];
  return [['y', 'yes'], ...lasting, ['n', 'no, say why'], ['Esc', 'no']];
}

/** Rows the prompt takes at most, whatever its stage: the choices wrap on a narrow screen. */
export function approvalHeight(approval: PendingApproval, width: number): number {
  const text = choices(approval.request).map(([key, meaning]) => `[${key}] ${meaning}`).join(' ');
  return Math.max(4, 3 + wrapRows(`  ${text}`, width).length);
}

type Stage = 'choose' | 'confirm-always' | 'reason';

interface PromptState {
  stage: Stage;
  reason: Draft;
}

/** What one key does to the prompt: a new state, or the answer. */
export function approvalStep(state: PromptState, input: string, key: Key, ruleCanCover: boolean): { state: PromptState; answer?: ApprovalAnswer } {
  const choice = input.toLowerCase();
  const to = (stage: Stage) => ({ state: { ...state, stage } });
  switch (state.stage) {
    case 'choose':
      if (choice === 'y') return { state, answer: { decision: 'allow', scope: 'once' } };
      if (choice === 's' && ruleCanCover) return { state, answer: { decision: 'allow', scope: 'session' } };
      if (choice === 'a' && ruleCanCover) return to('confirm-always');
      if (choice === 'n') return to('reason');
      if (key.escape) return { state, answer: { decision: 'deny' } };
      return { state };
    case 'confirm-always':
      if (key.return || choice === 'y') return { state, answer: { decision: 'allow', scope: 'always' } };
      if (key.escape || choice === 'n') return to('choose');
      return { state };
    case 'reason': {
      if (key.return) {
        const text = state.reason.text.trim();
        return { state, answer: text ? { decision: 'deny', reason: text } : { decision: 'deny' } };
      }
      if (key.escape) return { state, answer: { decision: 'deny' } };
      const next = editDraft(state.reason, input === '\n' ? ' ' : input, { ...key, shift: false, meta: false });
      return next ? { state: { ...state, reason: { text: next.text.replace(/\n/g, ' '), cursor: Math.min(next.cursor, next.text.length) } } } : { state };
    }
  }
}

/**
 * Asks whether a tool call may run: `y` once, `s` for this session, `a` always (the rule is
 * shown before it is saved), `n` to deny with a reason for the model, Esc to deny.
 */
export function ApprovalPrompt({ approval, onAnswer, width }: { approval: PendingApproval; onAnswer: (answer: ApprovalAnswer) => void; width: number }) {
  const theme = useTheme();
  const [stage, setStage] = useState<Stage>('choose');
  const [reason, setReason] = useState<Draft>(EMPTY_DRAFT);
  const { request, target } = approval;
  const rules = request.suggestedRules;
  const ruleText = rules.join(', ');

  useInput((input, key) => {
    // One key at a time, so a chunk typed faster than it was read ("no new files⏎") still ends
    // with Enter: Ink hands such a chunk over whole.
    let state: PromptState = { stage, reason };
    for (const [piece, pieceKey] of keystrokes(input, key)) {
      const step = approvalStep(state, piece, pieceKey, rules.length > 0);
      if (step.answer) {
        onAnswer(step.answer);
        return;
      }
      state = step.state;
    }
    setStage(state.stage);
    setReason(state.reason);
  });

  const question = `Allow ${request.tool}${target ? `: ${target}` : ''}?`;
  return (
    <Box flexDirection="column">
      <Text color={theme.ink.warning} bold wrap="truncate-end">
        ◆ {truncate(question, width - 2)}
      </Text>
      <Text dimColor wrap="truncate-end">
        {'  '}
        {request.why}
      </Text>
      {stage === 'choose' ? (
        <>
          <Text>
            {'  '}
            {choices(request).map(([key, meaning], index) => (
              <Text key={key}>
                {index > 0 ? ' ' : ''}
                <Key k={key} /> {meaning}
              </Text>
            ))}
          </Text>
          <Text dimColor wrap="truncate-end">
            {'  '}
            {rules.length > 0 ? `session/always allow: ${ruleText}` : 'no rule can cover this call (it uses command substitution): only once'}
          </Text>
        </>
      ) : null}
      {stage === 'confirm-always' ? (
        <>
          <Text wrap="truncate-end">
            {'  '}Save {rules.length === 1 ? 'rule' : 'rules'} <Text bold>{ruleText}</Text> for this directory?
          </Text>
          <Text wrap="truncate-end">
            {'  '}
            <Key k="Enter" /> save and allow <Key k="Esc" /> back
          </Text>
        </>
      ) : null}
      {stage === 'reason' ? (
        <>
          <Text dimColor wrap="truncate-end">
            {'  '}Why not? The model reads this (optional). Enter denies, Esc denies without a reason.
          </Text>
          <Text wrap="truncate-end">{draftRows(reason, width, 1, theme, '  › ')[0]}</Text>
        </>
      ) : null}
    </Box>
  );
}

function Key({ k }: { k: string }) {
  const theme = useTheme();
  return (
    <Text color={theme.ink.accent} bold>
      [{k}]
    </Text>
  );
}
