import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayLogger } from '../../src/gateway/logger.js';
import type { Config } from '../../src/store/config-schema.js';
import { FakeProvider } from '../fixtures/fake-provider.js';
import { tempDir } from '../helpers/cli.js';
import { echo, startGateway } from '../gateway/helpers.js';

type TempDir = ReturnType<typeof tempDir>;

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A gateway logger that keeps every line, for tests that check what was logged. */
function capturingLogger(): { logger: GatewayLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): GatewayLogger => {
    const write = (level: LogLine['level']) => (fields: object, message?: string) => lines.push({ level, message: message ?? '', fields: { ...bindings, ...fields } });
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { logger: make({}), lines };
}

/** A gateway in this process with chat channels from `config`, retrying lost channels quickly. */
function startChannelGateway(home: string, fake: FakeProvider, config: Config, logger?: GatewayLogger): Promise<Gateway> {
  return startGateway(home, fake, config, { channelRetry: { baseMs: 50, maxMs: 200 }, ...(logger ? { logger } : {}) });
}

export interface ChannelTestBed {
  /** One fake provider for the file, echoing its input, reset before each test. */
  fake: FakeProvider;
  /** A fresh $OPENCLAW_HOME for each test, removed after it. */
  home: TempDir;
  /** The gateway the test opened, if any; stopped after the test. */
  gateway: Gateway | undefined;
  /** What the last opened gateway logged. */
  lines: LogLine[];
  /** Starts a gateway in this process with `config`, logging into `lines`. */
  open(config: Config): Promise<Gateway>;
  /** Stops the test's gateway now (before a fixture it talks to goes away). */
  stopGateway(): Promise<void>;
}

/** The set-up the in-process channel tests share; call once at the top of a test file. */
export function channelTestBed(prefix: string): ChannelTestBed {
  const bed = {
    gateway: undefined,
    lines: [],
    async open(config: Config) {
      const capture = capturingLogger();
      bed.lines = capture.lines;
      bed.gateway = await startChannelGateway(bed.home.path, bed.fake, config, capture.logger);
      return bed.gateway;
    },
    async stopGateway() {
      await bed.gateway?.stop({ drainMs: 0 });
      bed.gateway = undefined;
    },
  } as unknown as ChannelTestBed;
  beforeAll(async () => {
    bed.fake = await FakeProvider.start();
  });
  afterAll(async () => {
    await bed.fake.close();
  });
  beforeEach(() => {
    bed.fake.reset();
    echo(bed.fake);
    bed.home = tempDir(prefix);
  });
  afterEach(async () => {
    await bed.stopGateway();
    bed.home.cleanup();
  });
  return bed;
}
