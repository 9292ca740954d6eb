import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundEnvelope } from '../../src/channels/types.js';
import type { GatewayClient } from '../../src/gateway/client.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { InboundLog } from '../../src/gateway/inbound-log.js';
import { tempDir } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/fake.js';
import { connect, echo, send, startGateway } from './helpers.js';

/**
 * Every fdatasync the code under test makes, by the file it syncs; `fail` makes the next ones fail,
 * `hold` keeps them from completing until released.
 */
const syncs = vi.hoisted(() => ({
  files: [] as string[],
  fail: undefined as Error | undefined,
  held: [] as Array<() => void>,
  hold: false,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    syncs.files.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    const failure = syncs.fail;
    const run = () => (failure ? callback(failure) : fs.fdatasync(fd, callback));
    if (syncs.hold) syncs.held.push(run);
    else run();
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

let dir: ReturnType<typeof tempDir>;
let path: string;

beforeEach(() => {
  dir = tempDir('openclaw-inbound-sync-');
  path = join(dir.path, 'inbound.jsonl');
  syncs.files = [];
  syncs.fail = undefined;
  syncs.held = [];
  syncs.hold = false;
});
afterEach(() => dir.cleanup());

function envelope(text: string): InboundEnvelope {
  return { channel: 'webchat', account: 'default', chat: { id: 'ana', type: 'dm' }, sender: { id: 'ana' }, text, mentionsBot: true, timestamp: '2026-01-01T00:00:00.000Z' };
}

const inboundSyncs = () => syncs.files.filter((file) => file.endsWith('inbound.jsonl')).length;

describe('InboundLog syncs', () => {
  it('makes a message and the start of its run, appended in one turn, durable with one sync', async () => {
    const { log } = InboundLog.open(path);
    await Promise.all([log.received('m1', 'webchat:dm:ana', envelope('one')), log.running('m1', 'session-a', null), log.received('m2', 'webchat:dm:ana', envelope('two'))]);
    expect(inboundSyncs()).toBe(1);
    await log.close();
    expect(InboundLog.open(path).pending.map((message) => [message.id, message.running?.session])).toEqual([
      ['m1', 'session-a'],
      ['m2', undefined],
    ]);
  });

  it('releases each waiter once its own records are synced, and syncs what came meanwhile next', async () => {
    const { log } = InboundLog.open(path);
    syncs.hold = true;
    let firstDone = false;
    let secondDone = false;
    const first = log.received('m1', 'webchat:dm:ana', envelope('one')).then(() => (firstDone = true));
    await vi.waitFor(() => expect(syncs.held).toHaveLength(1));
    const second = log.received('m2', 'webchat:dm:ana', envelope('two')).then(() => (secondDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The second record is written but not in the sync in flight: no second sync yet.
    expect(syncs.held).toHaveLength(1);
    syncs.held.shift()!();
    await first;
    expect(secondDone).toBe(false);
    await vi.waitFor(() => expect(syncs.held).toHaveLength(1));
    syncs.held.shift()!();
    await second;
    expect([firstDone, secondDone, inboundSyncs()]).toEqual([true, true, 2]);
    syncs.hold = false;
    await log.close();
  });

  it('fails the waiters of a sync that fails, and syncs again for the next message', async () => {
    const { log } = InboundLog.open(path);
    syncs.fail = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const results = await Promise.allSettled([log.received('m1', 'webchat:dm:ana', envelope('one')), log.running('m1', 's', null)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/EIO/);
    syncs.fail = undefined;
    await log.received('m2', 'webchat:dm:ana', envelope('two'));
    expect(inboundSyncs()).toBe(2);
    await log.close();
  });
});

describe('the gateway', () => {
  const fake = useFakeProvider();
  let gateway: Gateway | undefined;
  let client: GatewayClient | undefined;

  afterEach(async () => {
    client?.close();
    await gateway?.stop({ drainMs: 0 });
    gateway = undefined;
  });

  it('waits for one inbound-log sync, not two, before a message on an idle session runs', async () => {
    fake.reset();
    echo(fake);
    gateway = await startGateway(dir.path, fake);
    client = await connect(gateway.url);
    await (await send(client, { key: 'webchat:dm:ana', text: 'warm up' })).done;
    const before = inboundSyncs();
    const sent = await send(client, { key: 'webchat:dm:ana', text: 'hello' });
    expect(sent.receipt).toMatchObject({ status: 'accepted' });
    expect(await sent.done).toMatchObject({ status: 'ok', text: 'reply to hello' });
    expect(inboundSyncs() - before).toBe(1);
  });
});
