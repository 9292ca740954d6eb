import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairingStore } from '../../src/channels/pairing.js';
import type { SlackSettings } from '../../src/store/config-schema.js';
import { FakeSlack, SLACK_APP_TOKEN, SLACK_BOT_TOKEN } from '../fixtures/fake-slack.js';
import { sessionsByKey, waitFor } from '../gateway/helpers.js';
import { channelTestBed } from './helpers.js';

const ANA = 'U0ANA';
const BOB = 'U0BOB';
const GENERAL = 'C0GENERAL';

const bed = channelTestBed('openclaw-slack-');
let slack: FakeSlack;

beforeEach(async () => {
  slack = await FakeSlack.start();
});
afterEach(async () => {
  await bed.stopGateway(); // before its Slack goes away
  await slack.close();
});

async function open(settings: SlackSettings = {}): Promise<void> {
  const gateway = await bed.open({ channels: { slack: { botToken: SLACK_BOT_TOKEN, appToken: SLACK_APP_TOKEN, apiUrl: slack.apiUrl, ...settings } } });
  await waitFor(() => gateway.status().channels.slack?.ok && slack.connections > 0, 10_000, () => `slack did not connect: ${JSON.stringify(gateway.status().channels.slack)}`);
}

const postsTo = (channel: string, count: number) => waitFor(() => slack.postsTo(channel).length >= count && slack.postsTo(channel), 10_000, () => `expected ${count} post(s) to ${channel}: ${JSON.stringify(slack.posts)}`);
const logged = (text: string) => waitFor(() => bed.lines.find((line) => line.message.includes(text)), 10_000, () => `no log line "${text}":\n${bed.lines.map((line) => line.message).join('\n')}`);

describe('Slack direct messages', () => {
  it('pairs an unknown sender, then answers them once approved', async () => {
    await open();
    await slack.push(slack.dm(ANA, 'hi there'));
    const [pairing] = await postsTo(`D${ANA}`, 1);
    const code = /\*([A-Z2-9]{8})\*/.exec(pairing.text)![1];
    expect(pairing.text).toContain(`\`openclaw pairing approve slack ${code}\``);
    expect(bed.fake.requests).toHaveLength(0);

    await new PairingStore(`${bed.home.path}/gateway`).approve('slack', code);
    await slack.push(slack.dm(ANA, 'and now?'));
    const [, answer] = await postsTo(`D${ANA}`, 2);
    expect(answer.text).toBe('reply to and now?');
    expect(answer.thread_ts).toBeUndefined();
    expect(sessionsByKey(bed.home.path).has(`slack:dm:${ANA}`)).toBe(true);
  });

  it('answers an allowlisted sender in mrkdwn', async () => {
    await open({ allowFrom: [ANA] });
    bed.fake.script({ text: '**Bold**, _it_, ~~gone~~ and [a link](https://example.com/a?b=1&c=2)' });
    await slack.push(slack.dm(ANA, 'format'));
    const [reply] = await postsTo(`D${ANA}`, 1);
    expect(reply.text).toBe('*Bold*, _it_, ~gone~ and <https://example.com/a?b=1&amp;c=2|a link>');
  });

  it('answers a redelivered event once', async () => {
    await open({ allowFrom: [ANA] });
    const event = slack.dm(ANA, 'just once');
    const envelopeId = await slack.push(event);
    await postsTo(`D${ANA}`, 1);
    await slack.push(event, { envelopeId, retry: 1 });
    await logged('already taken, not answered twice');
    expect(slack.postsTo(`D${ANA}`)).toHaveLength(1);
    expect(bed.fake.requests).toHaveLength(1);
  });
});

describe('Slack channels', () => {
  it('ignores a channel message without a mention and answers a mention in its thread', async () => {
    await open({ groups: [GENERAL] });
    await slack.push(slack.inChannel(GENERAL, BOB, 'chatting among ourselves'));
    await logged('neither mentions the bot nor replies to it');
    expect(slack.postsTo(GENERAL)).toHaveLength(0);

    const mention = slack.inChannel(GENERAL, BOB, 'what is up?', { mention: true });
    await slack.push(mention);
    const [reply] = await postsTo(GENERAL, 1);
    expect(reply).toMatchObject({ text: 'reply to what is up?', thread_ts: mention.ts });
    expect(sessionsByKey(bed.home.path).has(`slack:group:${GENERAL}`)).toBe(true);

    // A follow-up in the bot's thread needs no mention.
    await slack.push(slack.inChannel(GENERAL, BOB, 'tell me more', { thread: mention.ts }));
    const [, followUp] = await postsTo(GENERAL, 2);
    expect(followUp).toMatchObject({ text: 'reply to tell me more', thread_ts: mention.ts });
  });

  it('does not answer in a channel that is not allowed', async () => {
    await open({ groups: [GENERAL] });
    await slack.push(slack.inChannel('C0OTHER', BOB, 'hello?', { mention: true }));
    await logged('group C0OTHER is not in channels.slack.groups');
    expect(slack.postsTo('C0OTHER')).toHaveLength(0);
    expect(bed.fake.requests).toHaveLength(0);
  });

  it('splits a 10,000-character answer into thread replies, never inside a code block', async () => {
    await open({ groups: [GENERAL] });
    const code = Array.from({ length: 120 }, (_, index) => `const value${index} = ${index}; // ${'x'.repeat(20)}`).join('\n');
    const prose = Array.from({ length: 50 }, (_, index) => `Paragraph ${index}: ${'lorem ipsum '.repeat(8)}`).join('\n\n');
    const answer = `${prose}\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThe end.`;
    expect(answer.length).toBeGreaterThan(10_000);
    bed.fake.script({ text: answer });
    const mention = slack.inChannel(GENERAL, BOB, 'write a lot', { mention: true });
    await slack.push(mention);
    const parts = await waitFor(() => {
      const posts = slack.postsTo(GENERAL);
      return posts.at(-1)?.text.includes('The end.') && posts;
    }, 15_000);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(4000);
      expect(part.text.split('```').length % 2).toBe(1);
      expect(part.thread_ts).toBe(mention.ts);
    }
    // Every line of the code arrived inside a code block, once, in order.
    const codeLines = parts.flatMap((part) => [...part.text.matchAll(/```\n?([\s\S]*?)\n?```/g)].flatMap((match) => match[1].split('\n')));
    expect(codeLines).toEqual(code.split('\n'));
    expect(parts.map((part) => part.text).join('\n')).toContain('Paragraph 49:');
  });

  it('denies a shell command asked for from a channel, and says so in the thread', async () => {
    await open({ groups: ['*'] });
    bed.fake.script({ toolCalls: [{ name: 'shell', args: { command: 'cat /etc/passwd' } }] }, { text: 'Not possible here.' });
    await slack.push(slack.inChannel(GENERAL, BOB, 'show me /etc/passwd', { mention: true }));
    const [reply] = await postsTo(GENERAL, 1);
    expect(reply.text).toContain('Not possible here.');
    expect(reply.text).toContain('`shell` `cat /etc/passwd`: denied by rule exec');
  });
});

describe('Slack outages', () => {
  it('reports a lost connection in the status and reconnects', async () => {
    await open({ allowFrom: [ANA] });
    slack.outage();
    const down = await waitFor(() => {
      const health = bed.gateway!.status().channels.slack;
      return !health.ok && health.lastError && health;
    });
    expect(down.state).toBe('retrying');
    await logged('slack lost its connection');
    expect(JSON.stringify(bed.lines)).not.toContain(SLACK_BOT_TOKEN);
    expect(JSON.stringify(bed.lines)).not.toContain(SLACK_APP_TOKEN);

    slack.recover();
    await waitFor(() => bed.gateway!.status().channels.slack.ok && slack.connections > 0, 10_000);
    await slack.push(slack.dm(ANA, 'back?'));
    const [reply] = await postsTo(`D${ANA}`, 1);
    expect(reply.text).toBe('reply to back?');
  });
});
