import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairingStore } from '../../src/channels/pairing.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { TelegramSettings } from '../../src/store/config-schema.js';
import { TELEGRAM_TOKEN, TelegramFixture } from '../fixtures/telegram.js';
import { connect, echo, sessionsByKey, userTexts, waitFor } from '../gateway/helpers.js';
import { channelTestBed } from './helpers.js';

const ANA = { id: 1001, name: 'Ana' };
const BOB = { id: 1002, name: 'Bob' };
const GROUP = -5001;

const bed = channelTestBed('openclaw-telegram-');
let telegram: TelegramFixture;

beforeEach(async () => {
  telegram = await TelegramFixture.start();
});
afterEach(async () => {
  await bed.stopGateway(); // before its Bot API goes away
  await telegram.stop();
});

async function open(settings: TelegramSettings = {}): Promise<Gateway> {
  const gateway = await bed.open({ channels: { telegram: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot, pollIntervalMs: 20, ...settings } } });
  await waitFor(() => gateway.status().channels.telegram?.ok, 10_000, () => `telegram did not connect: ${JSON.stringify(gateway.status().channels.telegram)}`);
  return gateway;
}

const sentTo = (chat: number, count: number) => waitFor(() => telegram.sent(chat).length >= count && telegram.sent(chat), 10_000, () => `expected ${count} message(s) to ${chat}, got ${JSON.stringify(telegram.sent(chat))}`);
const logged = (text: string) => waitFor(() => bed.lines.find((line) => line.message.includes(text)), 10_000, () => `no log line "${text}":\n${bed.lines.map((line) => line.message).join('\n')}`);

describe('Telegram direct messages', () => {
  it('pairs an unknown sender: a code and nothing for the agent, then answers once approved', async () => {
    await open();
    await telegram.write(ANA, 'hello bot');
    const [pairing] = await sentTo(ANA.id, 1);
    const code = /\b([A-Z2-9]{8})\b/.exec(pairing.text)![1];
    expect(pairing.text).toContain(`openclaw pairing approve telegram ${code}`);
    expect(bed.fake.requests).toHaveLength(0);

    // Writing again while the code waits: no second code, still nothing for the agent.
    await telegram.write(ANA, 'are you there?');
    await logged('waiting for pairing approval');
    expect(telegram.sent(ANA.id)).toHaveLength(1);
    expect(bed.fake.requests).toHaveLength(0);

    const store = new PairingStore(`${bed.home.path}/gateway`);
    expect(store.pending('telegram')).toMatchObject([{ code, sender: { id: String(ANA.id) } }]);
    await store.approve('telegram', code);

    await telegram.write(ANA, 'now?');
    const [, answer] = await sentTo(ANA.id, 2);
    expect(answer.text).toBe('reply to now?');
    expect(bed.fake.requests).toHaveLength(1);
    expect(sessionsByKey(bed.home.path).has(`telegram:dm:${ANA.id}`)).toBe(true);
  });

  it('answers an allowlisted sender in a reply threaded to the message, with a session per user', async () => {
    await open({ allowFrom: [ANA.id] });
    bed.fake.script({ text: 'Use **bold** & `code`' });
    const update = await telegram.write(ANA, 'format something');
    const [reply] = await sentTo(ANA.id, 1);
    expect(reply.parse_mode).toBe('HTML');
    expect(reply.text).toBe('Use <b>bold</b> &amp; <code>code</code>');
    const asked = telegram.server.storage.userMessages.find((item) => item.updateId === update)!;
    expect(reply.reply_parameters).toMatchObject({ message_id: asked.messageId });
    const session = sessionsByKey(bed.home.path).get(`telegram:dm:${ANA.id}`)!;
    expect(session.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('ignores strangers under dmPolicy allowlist, without a code', async () => {
    await open({ dmPolicy: 'allowlist', allowFrom: [ANA.id] });
    await telegram.write(BOB, 'let me in');
    await logged('not in channels.telegram.allowFrom');
    expect(telegram.sent(BOB.id)).toHaveLength(0);
    expect(bed.fake.requests).toHaveLength(0);
  });

  it('answers a redelivered update once', async () => {
    await open({ allowFrom: [ANA.id] });
    const update = await telegram.write(ANA, 'only once');
    await sentTo(ANA.id, 1);
    telegram.redeliver(update);
    await waitFor(() => telegram.delivered(update));
    await logged('already taken, not answered twice');
    expect(telegram.sent(ANA.id)).toHaveLength(1);
    expect(bed.fake.requests).toHaveLength(1);
  });

  it('answers the messages of one chat in order, each with the ones before it in context', async () => {
    await open({ allowFrom: [ANA.id, BOB.id] });
    echo(bed.fake, 30);
    for (const text of ['one', 'two', 'three']) await telegram.write(ANA, text);
    await telegram.write(BOB, 'meanwhile');
    const replies = await sentTo(ANA.id, 3);
    expect(replies.map((reply) => reply.text)).toEqual(['reply to one', 'reply to two', 'reply to three']);
    const last = bed.fake.requests.find((request) => userTexts(request.body).at(-1) === 'three')!;
    expect(userTexts(last.body)).toEqual(['one', 'two', 'three']);
    expect((await sentTo(BOB.id, 1))[0].text).toBe('reply to meanwhile');
  });

  it('answers a message cut off by a gateway restart once the gateway is back', async () => {
    await open({ allowFrom: [ANA.id] });
    bed.fake.script({ kind: 'hang' });
    const update = await telegram.write(ANA, 'long task');
    await waitFor(() => bed.fake.requests.length === 1);
    await bed.gateway!.stop({ drainMs: 0 });
    await logged('no reply now');
    expect(telegram.sent(ANA.id)).toHaveLength(0);

    await open({ allowFrom: [ANA.id] });
    const [reply] = await sentTo(ANA.id, 1);
    expect(reply.text).toBe('reply to long task');
    const asked = telegram.server.storage.userMessages.find((item) => item.updateId === update)!;
    expect(reply.reply_parameters).toMatchObject({ message_id: asked.messageId });
  });

  it('splits a 10,000-character answer at line breaks, never inside a code block', async () => {
    await open({ allowFrom: [ANA.id] });
    const code = Array.from({ length: 120 }, (_, index) => `const value${index} = ${index}; // ${'x'.repeat(20)}`).join('\n');
    const prose = Array.from({ length: 50 }, (_, index) => `Paragraph ${index}: ${'lorem ipsum '.repeat(8)}`).join('\n\n');
    const answer = `${prose}\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThe end.`;
    expect(answer.length).toBeGreaterThan(10_000);
    bed.fake.script({ text: answer });
    await telegram.write(ANA, 'write a lot');
    const parts = await waitFor(() => {
      const sent = telegram.sent(ANA.id);
      return sent.at(-1)?.text.includes('The end.') && sent;
    }, 15_000);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.text.replace(/<[^>]+>/g, '').length).toBeLessThanOrEqual(4096);
      expect(part.text.split('<pre>').length).toBe(part.text.split('</pre>').length);
    }
    // Every line of the code arrived inside a code block, once.
    const codeLines = parts.flatMap((part) => [...part.text.matchAll(/<pre><code class="language-ts">([\s\S]*?)<\/code><\/pre>/g)].flatMap((match) => match[1].split('\n')));
    expect(codeLines).toEqual(code.split('\n'));
    expect(parts.slice(1).every((part) => part.reply_parameters === undefined)).toBe(true);
  });

  it('denies a shell command asked for from a chat, and says so in the reply', async () => {
    await open({ allowFrom: [ANA.id] });
    bed.fake.script({ toolCalls: [{ name: 'shell', args: { command: 'rm -rf ~/notes' } }] }, { text: 'I could not run that.' });
    await telegram.write(ANA, 'delete my notes');
    const [reply] = await sentTo(ANA.id, 1);
    expect(reply.text).toContain('I could not run that.');
    expect(reply.text).toContain('Not allowed in this chat');
    expect(reply.text).toContain('<code>shell</code> <code>rm -rf ~/notes</code>: denied by rule exec');
    const toolResult = (bed.fake.requests[1].body.messages as Array<{ role: string; content: string }>).find((message) => message.role === 'tool')!;
    expect(toolResult.content).toContain('denied by rule exec');
  });

  it('writes files only in the gateway workspace, and no long-term memory, under the messaging profile', async () => {
    await open({ allowFrom: [ANA.id] });
    const outside = join(bed.home.path, 'outside.txt');
    bed.fake.script(
      {
        toolCalls: [
          { name: 'write', args: { path: 'notes.txt', content: 'kept' } },
          { name: 'write', args: { path: outside, content: 'escaped' } },
          { name: 'memory_write', args: { text: 'Ana likes tea' } },
        ],
      },
      { text: 'Done what I could.' },
    );
    await telegram.write(ANA, 'save some things');
    const [reply] = await sentTo(ANA.id, 1);
    expect(readFileSync(join(bed.home.path, 'workspace', 'notes.txt'), 'utf8')).toBe('kept');
    expect(existsSync(outside)).toBe(false);
    expect(reply.text).toContain('Done what I could.');
    expect(reply.text).toContain('Not allowed in this chat');
    expect(reply.text).toContain('<code>write</code>');
    expect(reply.text).toContain('<code>memory_write</code>');
    expect(reply.text).not.toContain('notes.txt');
  });

  it('runs /new, /status and /help without the agent', async () => {
    await open({ allowFrom: [ANA.id] });
    await telegram.write(ANA, 'first');
    await sentTo(ANA.id, 1);
    await telegram.write(ANA, '/status');
    const [, status] = await sentTo(ANA.id, 2);
    expect(status.text).toContain(`telegram:dm:${ANA.id}`);
    expect(status.text).toContain('2 messages');
    await telegram.write(ANA, '/new');
    const [, , fresh] = await sentTo(ANA.id, 3);
    expect(fresh.text).toContain('Started a new conversation');
    await telegram.write(ANA, 'second');
    await sentTo(ANA.id, 4);
    expect(userTexts(bed.fake.requests[1].body)).toEqual(['second']);
    await telegram.write(ANA, '/help');
    const [, , , , help] = await sentTo(ANA.id, 5);
    expect(help.text).toContain('/new');
    expect(bed.fake.requests).toHaveLength(2);
  });

  it('keeps a /new sent during a run queued when that run is aborted, then starts the new conversation', async () => {
    const gateway = await open({ allowFrom: [ANA.id] });
    bed.fake.script({ kind: 'hang' });
    await telegram.write(ANA, 'long task');
    await waitFor(() => bed.fake.requests.length === 1);
    await telegram.write(ANA, '/new');
    await waitFor(() => gateway.status().queue.waiting === 1);
    const client = await connect(gateway.url);
    try {
      expect(await client.request('chat.abort', { key: `telegram:dm:${ANA.id}` })).toEqual({ aborted: 1 });
    } finally {
      client.close();
    }
    const replies = await waitFor(() => telegram.sent(ANA.id).find((message) => message.text.includes('Started a new conversation')) && telegram.sent(ANA.id));
    expect(replies.some((message) => message.text.includes('Started a new conversation'))).toBe(true);
  });
});

describe('Telegram groups', () => {
  it('ignores a group message without a mention and answers one with a mention', async () => {
    await open({ allowFrom: [ANA.id], groups: [GROUP] });
    await telegram.write(BOB, 'just chatting', { group: GROUP });
    await logged('neither mentions the bot nor replies to it');
    expect(telegram.sent(GROUP)).toHaveLength(0);
    await telegram.write(BOB, 'what is 2+2?', { group: GROUP, mention: true });
    const [reply] = await sentTo(GROUP, 1);
    expect(reply.text).toBe('reply to what is 2+2?');
    // A mention written out, without Telegram's entity, is a mention too.
    await telegram.write(BOB, 'and 3+3?', { group: GROUP, mention: 'text' });
    const [, second] = await sentTo(GROUP, 2);
    expect(second.text).toBe('reply to and 3+3?');
    expect(sessionsByKey(bed.home.path).has(`telegram:group:${GROUP}`)).toBe(true);
    expect(bed.fake.requests).toHaveLength(2);
  });

  it('with no group list, answers an approved sender in any group, and no stranger there', async () => {
    await open({ allowFrom: [ANA.id] });
    await telegram.write(BOB, 'me too?', { group: GROUP, mention: true });
    await logged(`sender ${BOB.id} is not approved`);
    await telegram.write(ANA, 'what is 3+3?', { group: GROUP, mention: true });
    const [reply] = await sentTo(GROUP, 1);
    expect(reply.text).toBe('reply to what is 3+3?');
    expect(bed.fake.requests).toHaveLength(1);
  });

  it('answers a reply to the bot, and nothing in a group that is not allowed', async () => {
    await open({ groups: [GROUP] });
    await telegram.write(BOB, 'and then?', { group: GROUP, replyToBot: 7 });
    const [reply] = await sentTo(GROUP, 1);
    expect(reply.text).toBe('reply to and then?');
    await telegram.write(BOB, 'hello?', { group: -9999, mention: true });
    await logged('group -9999 is not in channels.telegram.groups');
    expect(telegram.sent(-9999)).toHaveLength(0);
    expect(bed.fake.requests).toHaveLength(1);
  });
});

describe('Telegram outages', () => {
  it('reports a lost Bot API in the status, keeps the gateway up, and recovers', async () => {
    await open({ allowFrom: [ANA.id] });
    await telegram.stop();
    const down = await waitFor(() => {
      const health = bed.gateway!.status().channels.telegram;
      return !health.ok && health.lastError && health;
    });
    expect(down.state).toBe('retrying');
    expect(down.detail).toContain('retrying');
    expect(bed.lines.some((line) => line.level === 'error' && /telegram (lost its connection|could not connect)/.test(line.message))).toBe(true);
    expect(JSON.stringify(bed.lines)).not.toContain(TELEGRAM_TOKEN);
    expect(bed.gateway!.status().channels.webchat.ok).toBe(true);

    await telegram.restart();
    await waitFor(() => bed.gateway!.status().channels.telegram.ok, 10_000);
    await telegram.write(ANA, 'back?');
    const [reply] = await sentTo(ANA.id, 1);
    expect(reply.text).toBe('reply to back?');
    expect(bed.gateway!.status().channels.telegram.lastInboundAt).toBeDefined();
  });
});

describe('Telegram without a token', () => {
  it('is reported as misconfigured, and the gateway serves the rest', async () => {
    const gateway = await bed.open({ channels: { telegram: { apiRoot: telegram.apiRoot } } });
    expect(gateway.status().channels.telegram).toMatchObject({ ok: false, state: 'misconfigured' });
    expect(gateway.status().channels.telegram.detail).toContain('TELEGRAM_BOT_TOKEN');
    expect(bed.lines.some((line) => line.level === 'error' && line.message.includes('telegram is not started'))).toBe(true);
  });
});

