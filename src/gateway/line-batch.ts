import { writeSync } from 'node:fs';

/**
 * Lines appended to a file written together, once per turn of the event loop (or at once with
 * `flushSync`), in order. Under load the gateway logs three lines and appends three inbound records
 * a message; one write(2) each was two thirds of its system calls in an strace of bench/gateway.ts.
 *
 * `keepOnError`: a write that fails leaves what it did not write pending, so the next `flushSync`
 * tries again and reports the failure (the inbound log: a record must not be reported on disk when
 * it is not). Without it the failed batch is dropped (the log: a full disk must not grow memory).
 */
export class LineBatch {
  private pending: string[] = [];
  /** The unwritten end of a batch whose write failed (with `keepOnError`). */
  private rest: Buffer | undefined;
  private scheduled = false;

  constructor(
    private readonly fd: () => number,
    private readonly options: { keepOnError: boolean },
  ) {}

  write(line: string): boolean {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        try {
          this.flushSync();
        } catch {
          // kept or dropped as `keepOnError` says; the next flushSync reports it
        }
      });
    }
    return true;
  }

  /** Writes everything pending now; throws what the write threw. */
  flushSync(): void {
    this.scheduled = false;
    if (this.pending.length === 0 && !this.rest) return;
    const text = Buffer.from(this.pending.join(''));
    const bytes = this.rest ? Buffer.concat([this.rest, text]) : text;
    this.pending = [];
    this.rest = undefined;
    let offset = 0;
    for (let busy = 0; offset < bytes.length; ) {
      try {
        offset += writeSync(this.fd(), bytes, offset);
      } catch (error) {
        // A terminal in non-blocking mode may refuse for a moment.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN' && ++busy <= 1000) continue;
        if (this.options.keepOnError) this.rest = bytes.subarray(offset);
        throw error;
      }
    }
  }

  /** Forgets what is pending (it reached the file another way: a rewrite of the whole file). */
  discard(): void {
    this.pending = [];
    this.rest = undefined;
  }
}
