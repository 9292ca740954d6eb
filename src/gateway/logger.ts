import { fstatSync } from 'node:fs';
import { LineBatch } from './line-batch.js';

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

/** JSON lines on stdout (the log file, under `serve start`), with ISO times; what is buffered is written on exit. */
export async function jsonLogger(level = process.env.OPENCLAW_LOG_LEVEL ?? 'info'): Promise<GatewayLogger> {
  const { default: pino } = await import('pino');
  const destination = writesAtOnce(1) ? new LineBatch(() => 1, { keepOnError: false }) : pino.destination({ dest: 1, sync: false });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // stdout is gone
    }
  });
  const logger: GatewayLogger = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return logger;
}
