import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TELEGRAM_TOKEN, TelegramFixture } from '../fixtures/telegram.js';
import { waitFor } from '../gateway/helpers.js';
import { channelTestBed } from './helpers.js';

const bed = channelTestBed('openclaw-telegram-delivery-');

/** A Bot API server that refuses every HTML message, as Telegram does with entities it cannot parse. */
async function strictBotApi(): Promise<{ server: Server; url: string; sent: Array<Record<string, any>>; queue: unknown[]; actions: Array<Record<string, any>> }> {
  const sent: Array<Record<string, any>> = [];
  const actions: Array<Record<string, any>> = [];
  const queue: unknown[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const method = request.url!.split('/').pop();
    const answer = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (method === 'sendChatAction') actions.push({ ...body, afterReplies: sent.length });
    if (method === 'getMe') return answer(200, { ok: true, result: { id: 99, is_bot: true, first_name: 'Bot', username: 'strict_bot' } });
    if (method === 'getUpdates') return answer(200, { ok: true, result: queue.splice(0) });
    if (method === 'sendMessage' && body.parse_mode === 'HTML') return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    if (method === 'sendMessage') {
      sent.push(body);
      return answer(200, { ok: true, result: { message_id: sent.length, date: 0, chat: { id: body.chat_id, type: 'private' }, text: body.text } });
    }
    answer(200, { ok: true, result: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent, queue, actions };
}

describe('Telegram formatting', () => {
  it('sends the reply as plain text when Telegram refuses the formatting', async () => {
    const api = await strictBotApi();
    try {
      await bed.open({ channels: { telegram: { token: TELEGRAM_TOKEN, apiRoot: api.url, allowFrom: [5], pollIntervalMs: 20 } } });
      bed.fake.script({ text: 'A **bold** claim', delayMs: 300 });
      api.queue.push({ update_id: 1, message: { message_id: 10, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'Ana' }, text: 'hi' } });
      const [reply] = await waitFor(() => api.sent.length > 0 && api.sent);
      expect(reply).toMatchObject({ chat_id: '5', text: 'A **bold** claim', reply_parameters: { message_id: 10 } });
      expect(reply.parse_mode).toBeUndefined();
      // "typing..." was shown in that chat while the agent worked, before the reply.
      expect(api.actions[0]).toMatchObject({ chat_id: '5', action: 'typing', afterReplies: 0 });
      expect(bed.lines.some((line) => line.message.includes('refused the formatted reply'))).toBe(true);
    } finally {
      await bed.stopGateway();
      api.server.close();
    }
  });
});

describe('Telegram webhook', () => {
  it('registers the webhook and takes updates that carry the secret, refusing the rest', async () => {
    const telegram = await TelegramFixture.start();
    try {
      const gateway = await bed.open({
        channels: { telegram: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot, allowFrom: [5], webhookUrl: 'https://bot.example.com/telegram/webhook', webhookSecret: 'sekret_1' } },
      });
      await waitFor(() => gateway.status().channels.telegram.ok);
      expect(gateway.status().channels.telegram.detail).toContain('webhook');
      const update = { update_id: 3, message: { message_id: 11, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'Ana' }, text: 'via webhook' } };
      const post = (secret: string) =>
        fetch(`${gateway.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
      expect((await post('wrong')).status).toBe(401);
      expect((await post('sekret_1')).status).toBe(200);
      const [reply] = await waitFor(() => telegram.sent(5).length > 0 && telegram.sent(5));
      expect(reply.text).toBe('reply to via webhook');
      expect((await post('sekret_1')).status).toBe(200);
      expect(bed.fake.requests).toHaveLength(1);
    } finally {
      await bed.stopGateway();
      await telegram.stop();
    }
  });
});
