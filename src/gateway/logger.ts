import { fstatSync } from 'node:fs';

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
 * /dev/null. Those get each line written straight away: pino's asynchronous destination
 * re-flattens its buffer string on every line, a tenth of all the gateway's allocation under
 * load. A pipe or socket (a journal, `serve | jq`) keeps the asynchronous buffer, so a reader
 * that falls behind never blocks the gateway.
 */
function writesAtOnce(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

/** JSON lines on stdout (the log file, under `serve start`), with ISO times; `flush` before exit. */
export async function jsonLogger(level = process.env.OPENCLAW_LOG_LEVEL ?? 'info'): Promise<{ logger: GatewayLogger; flush: () => void }> {
  const { default: pino } = await import('pino');
  const destination = pino.destination({ dest: 1, sync: writesAtOnce(1) });
  const logger = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return {
    logger,
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // nothing buffered, or stdout is gone
      }
    },
  };
}
