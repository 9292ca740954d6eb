import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineBatch } from '../../src/gateway/line-batch.js';
import { tempDir } from '../helpers/cli.js';

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.cleanup());

describe('the gateway log lines', () => {
  it('are written together once per turn of the event loop, in order', async () => {
    dir = tempDir('openclaw-log-');
    const path = join(dir.path, 'gateway.log');
    const fd = openSync(path, 'a');
    try {
      const batch = new LineBatch(() => fd, { keepOnError: false });
      for (let index = 0; index < 3; index++) batch.write(`{"n":${index}}\n`);
      expect(readFileSync(path, 'utf8')).toBe('');
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
      batch.write('{"n":3}\n');
      batch.flushSync();
      expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5);
    } finally {
      closeSync(fd);
    }
  });

  it('keep a batch whose write failed for the next flush when asked to, else drop it', () => {
    dir = tempDir('openclaw-log-');
    const path = join(dir.path, 'inbound.jsonl');
    const fd = openSync(path, 'a');
    try {
      for (const keepOnError of [true, false]) {
        let target = 99_999; // no such descriptor: the write fails with EBADF
        const batch = new LineBatch(() => target, { keepOnError });
        batch.write('{"op":"received"}\n');
        expect(() => batch.flushSync()).toThrow(/EBADF/);
        target = fd;
        batch.write('{"op":"done"}\n');
        batch.flushSync();
      }
      expect(readFileSync(path, 'utf8')).toBe('{"op":"received"}\n{"op":"done"}\n{"op":"done"}\n');
    } finally {
      closeSync(fd);
    }
  });

  it('reach the file when the process exits right after logging', () => {
    dir = tempDir('openclaw-log-');
    const path = join(dir.path, 'gateway.log');
    const script = `
      const { jsonLogger } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/gateway/logger.js'))});
      const logger = await jsonLogger();
      logger.info({ id: 1 }, 'last words');
      process.exit(3);
    `;
    const fd = openSync(path, 'a');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(result.status).toBe(3);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ level: 30, id: 1, msg: 'last words' });
  });
});
