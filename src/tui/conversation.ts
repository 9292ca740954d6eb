import type { AgentEvent } from '../agent/events.js';
import type { ApprovalRequest } from '../agent/loop.js';
import { proposedChange, toolTarget, type Block, type NewBlock, type NoticeTone } from './blocks.js';
import { diffRows, type FileChange } from './diff.js';
import { ReplyStream } from './reply-stream.js';
import { sanitize, wrapRows } from './text.js';
import type { Theme } from './theme.js';

/** Blocks kept for `<Static>` before a new generation starts (what was written stays on screen). */
const TRANSCRIPT_GENERATION = 100;
const THINKING_LIVE_ROWS = 3;

export interface RunningTool {
  id: string;
  name: string;
  target: string;
  since: number;
}

/** What `<Static>` renders: a new generation remounts it with only the blocks not yet written. */
export interface Transcript {
  generation: number;
  blocks: Block[];
}

/** What Ctrl+O shows in full: a text at hand, or a tool's output (kept in the session). */
export type Expandable = { title: string; text: string } | { title: string; toolCallId: string };

export interface Frame {
  transcript: Transcript;
  thinking: string[];
  reply: string[];
  tools: RunningTool[];
}

/**
 * The conversation as the screen shows it: the agent's events become blocks for the scrollback,
 * plus the little that is still changing (the end of the answer, the thinking, running tools).
 */
export class ConversationView {
  private transcript: Transcript = { generation: 0, blocks: [] };
  private pending: Block[] = [];
  private nextId = 1;
  private readonly reply: ReplyStream;
  private liveReply: string[] = [];
  private thinking = '';
  private tools: RunningTool[] = [];
  /**
   * What each running edit or write changes, read when the call arrives (before it runs), shown
   * as a diff when its approval is asked, or else once it has run.
   */
  private readonly changes = new Map<string, { change: FileChange; shown: boolean }>();
  showThinking = false;
  expandable: Expandable | undefined;

  constructor(
    private readonly theme: Theme,
    private readonly cwd: () => string,
    private width: number,
    private replyRows: number,
  ) {
    this.reply = new ReplyStream(theme);
  }

  resize(width: number, replyRows: number): void {
    this.width = width;
    this.replyRows = replyRows;
  }

  push(block: NewBlock): void {
    this.moveFinishedReply();
    this.pending.push({ ...block, id: this.nextId++ } as Block);
  }

  notice(tone: NoticeTone, text: string): void {
    this.push({ kind: 'notice', tone, text });
  }

  /** Applies an agent event; true when it should be drawn at once rather than at the next frame. */
  apply(event: AgentEvent): boolean {
    switch (event.type) {
      case 'thinking_delta':
        this.thinking += sanitize(event.text);
        return false;
      case 'text_delta':
        this.closeThinking();
        this.reply.append(event.text);
        return false;
      case 'tool_call': {
        this.endReply();
        this.tools = [...this.tools, { id: event.id, name: event.name, target: toolTarget(event.args), since: Date.now() }];
        const change = proposedChange(event.name, event.args, this.cwd());
        if (change) this.changes.set(event.id, { change, shown: false });
        return true;
      }
      case 'tool_result':
        this.finishTool(event.id, event.name, event.ok, event.summary);
        return true;
      case 'error':
        if (event.retryable) {
          // The response is streamed again from the start: what was not written yet is void.
          this.reply.discard();
          this.liveReply = [];
          this.thinking = '';
          this.notice('warning', event.message);
        } else if (event.code !== 'interrupted') {
          this.notice('error', event.message);
        }
        return true;
      case 'notice':
        this.notice('warning', sanitize(event.message));
        return true;
      case 'compaction':
        this.notice('muted', `Compacted: ${event.summarized} older messages summarised, ${event.kept} kept.`);
        return true;
      case 'done':
        this.endReply();
        return true;
      default:
        return true;
    }
  }

  /** What an approval is asked for: the command, or the diff of the edit. */
  showProposal(request: ApprovalRequest): void {
    this.endReply();
    const width = this.width - 2;
    const edit = this.changes.get(request.id);
    if (edit) {
      edit.shown = true;
      this.push({ kind: 'proposal', title: `${request.tool} ${sanitize(edit.change.path)}`, rows: diffRows(edit.change, width, this.theme) });
    } else if (request.target.kind === 'command') {
      const rows = sanitize(request.target.command)
        .split('\n')
        .flatMap((line, index) => wrapRows(`${index === 0 ? '$' : ' '} ${line}`, width));
      this.push({ kind: 'proposal', title: request.tool, rows });
    }
  }

  /** The turn is over (done, failed or interrupted): nothing stays live. */
  endTurn(): void {
    this.endReply();
    this.tools = [];
    this.changes.clear();
  }

  /** Another session: what belonged to the previous one is dropped (the scrollback stays). */
  forgetSession(): void {
    this.endTurn();
    this.expandable = undefined;
  }

  /** Moves what is finished to the transcript and returns what the screen shows now. */
  frame(): Frame {
    this.moveFinishedReply();
    if (this.pending.length > 0) {
      const { generation, blocks } = this.transcript;
      // Blocks already written stay in the terminal; a new generation lets them go from memory.
      this.transcript =
        blocks.length + this.pending.length > TRANSCRIPT_GENERATION
          ? { generation: generation + 1, blocks: this.pending }
          : { generation, blocks: [...blocks, ...this.pending] };
      this.pending = [];
    }
    return {
      transcript: this.transcript,
      thinking: this.thinking ? thinkingTail(this.thinking, this.width - 2) : [],
      reply: this.liveReply,
      tools: this.tools,
    };
  }

  private finishTool(id: string, name: string, ok: boolean, summary: string): void {
    const target = this.tools.find((tool) => tool.id === id)?.target ?? '';
    this.tools = this.tools.filter((tool) => tool.id !== id);
    this.push({ kind: 'tool', name, target, ok, summary: sanitize(summary), denied: !ok && summary.startsWith('denied') });
    const edit = this.changes.get(id);
    this.changes.delete(id);
    if (ok && edit && !edit.shown) this.push({ kind: 'rows', rows: diffRows(edit.change, this.width - 4, this.theme).map((row) => `    ${row}`) });
    this.expandable = { toolCallId: id, title: `${name} ${target}`.trim() };
  }

  private closeThinking(): void {
    const text = this.thinking.trim();
    this.thinking = '';
    if (!text) return;
    this.push({ kind: 'thinking', text, expanded: this.showThinking });
    this.expandable = { title: 'thinking', text };
  }

  private endReply(): void {
    this.closeThinking();
    this.moveFinishedReply();
    const rows = this.reply.finish(this.width);
    this.liveReply = [];
    if (rows.length > 0) this.pending.push({ kind: 'rows', id: this.nextId++, rows });
  }

  /** Finished Markdown blocks of the reply go to the scrollback, ahead of any later block. */
  private moveFinishedReply(): void {
    if (this.reply.empty) return;
    const { commit, live } = this.reply.take(this.width, this.replyRows);
    if (commit.length > 0) this.pending.push({ kind: 'rows', id: this.nextId++, rows: commit });
    this.liveReply = live;
  }
}

/** The last rows of the thinking so far: only the end of a long text is wrapped. */
function thinkingTail(text: string, width: number): string[] {
  const tail = text.slice(-THINKING_LIVE_ROWS * Math.max(20, width) * 2);
  return wrapRows(tail.trim(), width).slice(-THINKING_LIVE_ROWS);
}
