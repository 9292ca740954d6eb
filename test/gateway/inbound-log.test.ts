import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../../src/channels/types.js';
import { InboundLog } from '../../src/gateway/inbound-log.js';
import { tempDir } from '../helpers/cli.js';

let dir: ReturnType<typeof tempDir>;
let path: string;

beforeEach(() => {
  dir = tempDir('openclaw-inbound-');
  path = join(dir.path, 'inbound.jsonl');
});
afterEach(() => dir.cleanup());

function envelope(text: string, messageId?: string): InboundEnvelope {
  return { channel: 'webchat', account: 'default', ...(messageId ? { messageId } : {}), chat: { id: 'ana', type: 'dm' }, sender: { id: 'ana' }, text, mentionsBot: true, timestamp: '2026-01-01T00:00:00.000Z' };
}

describe('InboundLog', () => {
  it('gives back what was not done, in order, with where each run began', async () => {
    const { log } = InboundLog.open(path);
    await log.received('m1', 'webchat:dm:ana', envelope('one'));
    await log.received('m2', 'webchat:dm:ana', envelope('two'));
    await log.received('m3', 'webchat:dm:bob', envelope('three'));
    await log.running('m1', 'session-a', null);
    log.done('m1', 'ok');
    await log.running('m2', 'session-a', 'entry-9');
    await log.close();

    const { pending } = InboundLog.open(path);
    expect(pending.map((message) => [message.id, message.envelope.text, message.running])).toEqual([
      ['m2', 'two', { session: 'session-a', after: 'entry-9' }],
      ['m3', 'three', undefined],
    ]);
  });

  it('survives a torn last line (a crash mid-write): the torn message was never acknowledged', async () => {
    const { log } = InboundLog.open(path);
    await log.received('m1', 'webchat:dm:ana', envelope('kept'));
    await log.close();
    appendFileSync(path, '{"op":"received","id":"m2","key":"webchat:dm:ana","envel');
    const { pending, log: reopened } = InboundLog.open(path);
    expect(pending.map((message) => message.id)).toEqual(['m1']);
    await reopened.received('m3', 'webchat:dm:ana', envelope('after the repair'));
    await reopened.close();
    expect(InboundLog.open(path).pending.map((message) => message.id)).toEqual(['m1', 'm3']);
  });

  it('remembers channel message ids after they are done, across restarts', async () => {
    const { log } = InboundLog.open(path);
    await log.received('m1', 'webchat:dm:ana', envelope('pay', 'client-1'));
    expect(log.lookup('webchat', 'client-1')).toEqual({ id: 'm1', state: 'received' });
    await log.running('m1', 's', null);
    expect(log.lookup('webchat', 'client-1')).toEqual({ id: 'm1', state: 'running' });
    log.done('m1', 'ok');
    expect(log.lookup('webchat', 'client-1')).toEqual({ id: 'm1', state: 'done' });
    expect(log.lookup('http', 'client-1')).toBeUndefined();
    await log.close();
    const { log: reopened } = InboundLog.open(path);
    expect(reopened.lookup('webchat', 'client-1')).toEqual({ id: 'm1', state: 'done' });
    await reopened.close();
  });

  it('has a record on disk when its promise resolves, and a done record by the end of the loop turn', async () => {
    const { log } = InboundLog.open(path);
    const lines = () => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).op);
    const first = log.received('m1', 'webchat:dm:ana', envelope('one'));
    const second = log.received('m2', 'webchat:dm:ana', envelope('two'));
    await Promise.all([first, second]);
    expect(lines()).toEqual(['received', 'received']);
    await log.running('m1', 's', null);
    log.done('m1', 'ok');
    expect(lines()).toEqual(['received', 'received', 'running']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual(['received', 'received', 'running', 'done']);
    await log.close();
  });

  it('rewrites itself on open with only what is still needed, mode 0600', async () => {
    const { log } = InboundLog.open(path);
    for (let index = 0; index < 100; index++) {
      await log.received(`m${index}`, 'webchat:dm:ana', envelope(`text ${index}`));
      log.done(`m${index}`, 'ok');
    }
    await log.received('last', 'webchat:dm:ana', envelope('still to do'));
    await log.close();
    InboundLog.open(path).log.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ op: 'received', id: 'last' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
