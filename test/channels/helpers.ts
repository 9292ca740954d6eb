import type { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayLogger } from '../../src/gateway/logger.js';
import type { Config } from '../../src/store/config-schema.js';
import type { FakeProvider } from '../fixtures/fake-provider.js';
import { startGateway } from '../gateway/helpers.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A gateway logger that keeps every line, for tests that check what was logged. */
export function capturingLogger(): { logger: GatewayLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): GatewayLogger => {
    const write = (level: LogLine['level']) => (fields: object, message?: string) => lines.push({ level, message: message ?? '', fields: { ...bindings, ...fields } });
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { logger: make({}), lines };
}

/** A gateway in this process with chat channels from `config`, retrying lost channels quickly. */
export function startChannelGateway(home: string, fake: FakeProvider, config: Config, logger?: GatewayLogger): Promise<Gateway> {
  return startGateway(home, fake, config, { channelRetry: { baseMs: 50, maxMs: 200 }, ...(logger ? { logger } : {}) });
}
