import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { webhookCallback } from 'grammy';
import { describe, expect, it } from 'vitest';

import { ALICE, botFor, postJson, withFake } from './support.js';

describe('fake Telegram Bot API: webhook delivery', () => {
  it('POSTs updates to a webhook with the secret header and retries until it gets a 2xx', async () => {
    const headers: IncomingHttpHeaders[] = [];
    const updates: unknown[] = [];
    let webhookServer: Server | undefined;
    await withFake(
      async (fake) => {
        const bot = botFor(fake);
        bot.use((ctx, next) => {
          updates.push(ctx.update);
          return next();
        });
        bot.command('start', (ctx) => ctx.reply('Hi from webhook'));
        const handle = webhookCallback(bot, 'http', { secretToken: 'sandbox_secret-1' });
        webhookServer = createServer((request, response) => {
          headers.push(request.headers);
          if (headers.length === 1) {
            // The first delivery fails, as a restarting bot would.
            request.resume();
            response.writeHead(500).end();
            return;
          }
          void handle(request, response);
        });
        await new Promise<void>((resolve) => webhookServer?.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/telegram`;

        const set = await postJson(fake, 'setWebhook', { url, secret_token: 'sandbox_secret-1' });
        expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
        const conflict = await postJson(fake, 'getUpdates', {});
        expect(conflict).toEqual({
          status: 409,
          body: {
            ok: false,
            error_code: 409,
            description:
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          },
        });

        await fake.sendText(ALICE, '/start');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Hi from webhook');
        expect(headers.length).toBe(2);
        expect(headers.map((item) => item['x-telegram-bot-api-secret-token'])).toEqual([
          'sandbox_secret-1',
          'sandbox_secret-1',
        ]);
        expect(updates).toMatchObject([{ update_id: 1, message: { text: '/start', chat: { id: ALICE.id } } }]);

        const info = await bot.api.getWebhookInfo();
        expect(info).toMatchObject({
          url,
          pending_update_count: 0,
          last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
        });
        const deleted = await postJson(fake, 'deleteWebhook', {});
        expect(deleted.body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
        expect((await postJson(fake, 'getUpdates', {})).body).toEqual({ ok: true, result: [] });
      },
      { webhookRetryDelayMs: 20 },
    );
    await new Promise<void>((resolve) => {
      webhookServer?.close(() => resolve());
      webhookServer?.closeAllConnections();
    });
  });

  it('performs a method call a bot returns in its webhook answer', async () => {
    let hits = 0;
    const hook = createServer((request, response) => {
      hits += 1;
      request.resume();
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ method: 'sendMessage', chat_id: ALICE.id, text: 'replied in the webhook answer' }));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      await withFake(async (fake) => {
        await postJson(fake, 'setWebhook', { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` });
        await fake.sendText(ALICE, 'hello');
        const reply = await fake.waitForBotMessage(
          ALICE.id,
          (message) => message.text === 'replied in the webhook answer',
        );
        expect(reply.message_id).toBe(2);
        expect(fake.calls.at(-1)).toMatchObject({
          method: 'sendMessage',
          ok: true,
          viaWebhookReply: true,
          payload: { chat_id: ALICE.id },
        });
        expect(hits).toBe(1);
      });
    } finally {
      await new Promise<void>((resolve) => {
        hook.close(() => resolve());
        hook.closeAllConnections();
      });
    }
  });
});
