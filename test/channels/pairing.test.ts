import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/channels/access.js';
import { MAX_PENDING_PER_CHANNEL, PAIRING_TTL_MS, PairingStore } from '../../src/channels/pairing.js';
import type { InboundEnvelope } from '../../src/channels/types.js';
import { tempDir } from '../helpers/cli.js';

let dir: ReturnType<typeof tempDir>;
let now: number;
let store: PairingStore;

beforeEach(() => {
  dir = tempDir('openclaw-pairing-');
  now = Date.parse('2026-01-01T00:00:00Z');
  store = new PairingStore(join(dir.path, 'gateway'), () => now);
});
afterEach(() => dir.cleanup());

describe('PairingStore', () => {
  it('gives an unknown sender one short code, kept in a 0600 file', async () => {
    const first = await store.request('telegram', { id: '42', name: 'ana' });
    expect(first.status).toBe('created');
    const code = first.status === 'created' ? first.request.code : '';
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(await store.request('telegram', { id: '42' })).toMatchObject({ status: 'pending', request: { code } });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
  });

  it('holds at most three pending requests per channel', async () => {
    for (let index = 0; index < MAX_PENDING_PER_CHANNEL; index++) expect((await store.request('telegram', { id: `u${index}` })).status).toBe('created');
    expect(await store.request('telegram', { id: 'late' })).toEqual({ status: 'full' });
    expect((await store.request('slack', { id: 'late' })).status).toBe('created');
  });

  it('lets codes expire after an hour, making room and refusing the old code', async () => {
    const outcome = await store.request('telegram', { id: '42' });
    const code = outcome.status === 'created' ? outcome.request.code : '';
    now += PAIRING_TTL_MS + 1;
    expect(store.pending()).toEqual([]);
    await expect(store.approve('telegram', code)).rejects.toMatchObject({ code: 'pairing_not_found' });
    expect((await store.request('telegram', { id: '42' })).status).toBe('created');
  });

  it('approves a code (case-insensitively) once, adding its sender to the allowlist', async () => {
    const outcome = await store.request('telegram', { id: '42', name: 'ana' });
    const code = outcome.status === 'created' ? outcome.request.code : '';
    expect(await store.approve('telegram', code.toLowerCase())).toMatchObject({ channel: 'telegram', id: '42', name: 'ana' });
    expect(store.isApproved('telegram', '42')).toBe(true);
    expect(store.isApproved('slack', '42')).toBe(false);
    await expect(store.approve('telegram', code)).rejects.toMatchObject({ code: 'pairing_not_found' });
  });

  it('denies a code, and takes an approved sender back by id', async () => {
    const first = await store.request('slack', { id: 'U1' });
    const second = await store.request('slack', { id: 'U2' });
    await store.deny('slack', first.status === 'created' ? first.request.code : '');
    expect(store.pending('slack').map((request) => request.sender.id)).toEqual(['U2']);
    await store.approve('slack', second.status === 'created' ? second.request.code : '');
    expect(await store.deny('slack', 'U2')).toMatchObject({ kind: 'sender', sender: { id: 'U2' } });
    expect(store.isApproved('slack', 'U2')).toBe(false);
  });

  it('sees changes another process made to the file', async () => {
    const other = new PairingStore(join(dir.path, 'gateway'), () => now);
    expect(store.isApproved('telegram', '42')).toBe(false);
    const outcome = await other.request('telegram', { id: '42' });
    await other.approve('telegram', outcome.status === 'created' ? outcome.request.code : '');
    expect(store.isApproved('telegram', '42')).toBe(true);
  });
});

describe('AccessControl', () => {
  const envelope = (chat: InboundEnvelope['chat'], sender: string, mentionsBot = false): InboundEnvelope => ({
    channel: 'telegram',
    account: 'default',
    chat,
    sender: { id: sender },
    text: 'hi',
    mentionsBot,
    timestamp: new Date().toISOString(),
  });

  it('answers the allowlist, pairs strangers by default, refuses them under allowlist, answers all under open', async () => {
    const dm = (id: string) => envelope({ id, type: 'dm' }, id);
    expect(await new AccessControl('telegram', { allowFrom: [7] }, store).decide(dm('7'), false)).toEqual({ kind: 'answer' });
    expect((await new AccessControl('telegram', {}, store).decide(dm('8'), false)).kind).toBe('pair');
    expect((await new AccessControl('telegram', { dmPolicy: 'allowlist' }, store).decide(dm('9'), false)).kind).toBe('refuse');
    expect(await new AccessControl('telegram', { dmPolicy: 'open' }, store).decide(dm('10'), false)).toEqual({ kind: 'answer' });
  });

  it('answers in allowed groups only when mentioned or replied to, unless mentions are not required', async () => {
    const access = new AccessControl('telegram', { groups: ['-1'] }, store);
    expect((await access.decide(envelope({ id: '-1', type: 'group' }, '5'), false)).kind).toBe('ignore');
    expect((await access.decide(envelope({ id: '-1', type: 'group' }, '5', true), false)).kind).toBe('answer');
    expect((await access.decide(envelope({ id: '-1', type: 'group' }, '5'), true)).kind).toBe('answer');
    expect((await access.decide(envelope({ id: '-2', type: 'group' }, '5', true), false)).kind).toBe('refuse');
    // With no group list, a group is answered for senders on the allowlist only.
    const unlisted = new AccessControl('telegram', { allowFrom: [7] }, store);
    expect((await unlisted.decide(envelope({ id: '-4', type: 'group' }, '7', true), false)).kind).toBe('answer');
    expect((await unlisted.decide(envelope({ id: '-4', type: 'group' }, '7'), false)).kind).toBe('ignore');
    expect((await unlisted.decide(envelope({ id: '-4', type: 'group' }, '5', true), false)).kind).toBe('refuse');
    const chatty = new AccessControl('telegram', { groups: ['*'], requireMention: false }, store);
    expect((await chatty.decide(envelope({ id: '-3', type: 'group' }, '5'), false)).kind).toBe('answer');
  });
});
