import { renderMarkdown } from './markdown.js';
import { sanitize } from './text.js';
import type { Theme } from './theme.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(\s|$)/;
/**
 * A code block longer than this is cut into pieces as it streams, each rendered on its own:
 * re-rendering a 1,000-line block on every frame would make a long answer quadratic.
 */
const CODE_PIECE_LINES = 40;

interface OpenFence {
  marker: string;
  /** The opening line, to open the rest again after a cut. */
  opener: string;
  /** Lines of code since the opening line (or the last cut). */
  lines: number;
}

/**
 * A streaming reply, split for the screen: rows of finished Markdown blocks go to the scrollback
 * (written once), only the block being written stays live. A block taller than the live budget
 * gives up its top rows to the scrollback too, so the live region never outgrows the screen.
 *
 * `append` is called per delta and only concatenates; the Markdown work happens in `take`, once
 * per frame, and only on the unfinished block.
 */
export class ReplyStream {
  /** Text from the start of the first unfinished block. */
  private text = '';
  /** Offset up to which whole lines were classified. */
  private scanned = 0;
  /** Offset before which every block is finished. */
  private boundary = 0;
  private fence: OpenFence | undefined;
  /** Where a long code block is cut (an offset), when it is. */
  private cut: number | undefined;
  /** The unfinished block continues a cut code block: no blank row before it. */
  private continued = false;
  /** Rows of the unfinished block already in the scrollback. */
  private committedRows = 0;

  constructor(private readonly theme: Theme) {}

  append(delta: string): void {
    this.text += sanitize(delta);
  }

  get empty(): boolean {
    return this.text === '';
  }

  /** Rows to move to the scrollback now, and the rows that stay live (at most `liveRows`). */
  take(width: number, liveRows: number): { commit: string[]; live: string[] } {
    this.scan();
    const commit: string[] = [];
    if (this.boundary > 0) {
      commit.push(...this.rowsOf(this.text.slice(0, this.boundary), width).slice(this.committedRows));
      this.advance(this.boundary);
    } else if (this.cut !== undefined && this.fence) {
      commit.push(...this.rowsOf(`${this.text.slice(0, this.cut)}${this.fence.marker}\n`, width).slice(this.committedRows));
      this.advance(this.cut, `${this.fence.opener}\n`);
    }
    const rows = this.text.trim() ? this.rowsOf(this.text, width) : [];
    let live = rows.slice(this.committedRows);
    const overflow = live.length - Math.max(1, liveRows);
    if (overflow > 0) {
      commit.push(...live.slice(0, overflow));
      this.committedRows += overflow;
      live = live.slice(overflow);
    }
    return { commit, live };
  }

  /** The reply ended: every remaining row, for the scrollback. */
  finish(width: number): string[] {
    const rows = this.text.trim() ? this.rowsOf(this.text, width).slice(this.committedRows) : [];
    this.reset();
    return rows;
  }

  /** Forgets what has not reached the scrollback (the provider is retrying the response). */
  discard(): void {
    this.reset();
  }

  private reset(): void {
    this.text = '';
    this.scanned = 0;
    this.boundary = 0;
    this.fence = undefined;
    this.cut = undefined;
    this.continued = false;
    this.committedRows = 0;
  }

  /** A block's rows, after the blank row that separates it from what came before. */
  private rowsOf(text: string, width: number): string[] {
    const rows = renderMarkdown(text, width, this.theme);
    return rows.length > 0 && !this.continued ? ['', ...rows] : rows;
  }

  /** Drops the text before `offset` (it is in the scrollback); `reopen` starts what is left. */
  private advance(offset: number, reopen = ''): void {
    this.text = reopen + this.text.slice(offset);
    this.scanned += reopen.length - offset;
    this.boundary = 0;
    this.cut = undefined;
    this.continued = reopen !== '';
    this.committedRows = 0;
  }

  /** Finds where finished blocks end: after a blank line, a heading or a closed code fence. */
  private scan(): void {
    let newline: number;
    while ((newline = this.text.indexOf('\n', this.scanned)) !== -1) {
      const start = this.scanned;
      const line = this.text.slice(start, newline);
      this.scanned = newline + 1;
      if (this.fence) {
        const trimmed = line.trim();
        if (trimmed.startsWith(this.fence.marker) && trimmed.replace(/[`~]/g, '') === '') {
          this.fence = undefined;
          this.boundary = this.scanned;
          this.cut = undefined;
        } else if (++this.fence.lines >= CODE_PIECE_LINES && this.boundary === 0) {
          this.cut = this.scanned;
          this.fence.lines = 0;
        }
        continue;
      }
      const opening = FENCE.exec(line);
      if (opening) {
        this.fence = { marker: opening[1], opener: line, lines: 0 };
        if (this.text.slice(this.boundary, start).trim()) this.boundary = start;
      } else if (line.trim() === '' || HEADING.test(line)) {
        this.boundary = this.scanned;
      }
    }
  }
}
