import type { Redactor } from '../policy/redaction.js';
import type { ChannelLog } from './types.js';

/**
 * A channel's log with its secrets (bot tokens) removed from every message and field: chat SDK
 * errors can quote a request, and the log file is read by people and shared in bug reports.
 * `log` is looked up on each call, as an adapter gets its log only when it starts.
 */
export function redactingLog(redactor: Redactor, log: () => ChannelLog | undefined): ChannelLog {
  const write = (level: 'info' | 'warn' | 'error') => (fields: Record<string, unknown>, message: string) => log()?.[level](redactor.redactValue(fields), redactor.redact(message));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
