import { fstatSync, writeSync } from 'node:fs';

/**
 * What the gateway logs through: the part of pino's logger it uses, so tests can pass a silent
 * one and only `openclaw serve` loads pino.
 */
export interface GatewayLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: object): GatewayLogger;
}

export const silentLogger: GatewayLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/**
 * Whether a write to `fd` completes at once: a file (the log of `serve start`), a terminal or
 * /dev/null. Those get their lines from `LineBatch`: pino's asynchronous destination re-flattens
 * its buffer string on every line, a tenth of all the gateway's allocation under load. A pipe or
 * socket (a journal, `serve | jq`) keeps that asynchronous buffer, so a reader that falls behind
 * never blocks the gateway.
 */
function writesAtOnce(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Log lines written together, once per turn of the event loop: under load the gateway logs three
 * lines a message, and one write(2) each was a third of its system calls (strace of bench/gateway.ts).
 * What a kill -9 can lose is the lines of the current turn; `flushSync` runs on exit.
 */
export class LineBatch {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly fd: number) {}

  write(line: string): boolean {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushSync());
    }
    return true;
  }

  flushSync(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''));
    this.pending = [];
    let offset = 0;
    for (let busy = 0; offset < bytes.length; ) {
      try {
        offset += writeSync(this.fd, bytes, offset);
      } catch (error) {
        // A terminal in non-blocking mode may refuse for a moment; anything else drops the batch.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++busy > 1000) return;
      }
    }
  }
}

/** JSON lines on stdout (the log file, under `serve start`), with ISO times; `flush` before exit. */
export async function jsonLogger(level = process.env.OPENCLAW_LOG_LEVEL ?? 'info'): Promise<{ logger: GatewayLogger; flush: () => void }> {
  const { default: pino } = await import('pino');
  const destination = writesAtOnce(1) ? new LineBatch(1) : pino.destination({ dest: 1, sync: false });
  const flush = () => {
    try {
      destination.flushSync();
    } catch {
      // nothing buffered, or stdout is gone
    }
  };
  process.once('exit', flush);
  const logger = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return { logger, flush };
}
