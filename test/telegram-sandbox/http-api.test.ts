import { autoRetry } from '@grammyjs/auto-retry';
import { describe, expect, it } from 'vitest';

import { ALICE, TOKEN, apiError, botFor, postJson, raw, whileRunning, withFake } from './support.js';

describe('fake Telegram Bot API: HTTP, tokens, faults and waiting', () => {
  it('answers a wrong token with 401 and an unknown chat with "chat not found"', async () => {
    await withFake(async (fake) => {
      expect(await postJson(fake, 'getMe', {}, '123456789:wrong')).toEqual({
        status: 401,
        body: { ok: false, error_code: 401, description: 'Unauthorized' },
      });
      const wrongBot = botFor(fake, '987654321:AAHanother-token-0123456789abcdefgh');
      const unauthorized = await apiError(wrongBot.api.getMe());
      expect(unauthorized.error_code).toBe(401);

      const bot = botFor(fake);
      const notFound = await apiError(bot.api.sendMessage(ALICE.id, 'nobody wrote from this chat'));
      expect(notFound.error_code).toBe(400);
      expect(notFound.description).toBe('Bad Request: chat not found');
      await fake.sendText(ALICE, 'now I did');
      await expect(bot.api.sendMessage(ALICE.id, 'hello')).resolves.toMatchObject({
        chat: { id: ALICE.id, type: 'private', first_name: 'Alice' },
      });
      expect(fake.calls.map((call) => [call.method, call.ok])).toEqual([
        ['getMe', false],
        ['getMe', false],
        ['sendMessage', false],
        ['sendMessage', true],
      ]);
    });
  });

  it('takes parameters as query string, urlencoded form and standard multipart, methods in any case', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const viaQuery = await raw(
        fake,
        `/bot${TOKEN}/SENDMESSAGE?chat_id=${ALICE.id}&text=${encodeURIComponent('from the query')}`,
      );
      expect(viaQuery.body).toMatchObject({ ok: true, result: { message_id: 2, text: 'from the query' } });

      const form = new URLSearchParams({
        chat_id: String(ALICE.id),
        text: 'from a form',
        reply_markup: JSON.stringify({
          keyboard: [['Share phone'], [{ text: 'Contact', request_contact: true }]],
          resize_keyboard: true,
        }),
      });
      const viaForm = await raw(fake, `/bot${TOKEN}/sendmessage`, { method: 'POST', body: form });
      expect(viaForm.body).toMatchObject({ ok: true, result: { text: 'from a form' } });
      // Reply keyboards are not echoed in the Message, but the chat shows them.
      expect((viaForm.body.result as Record<string, unknown>).reply_markup).toBeUndefined();
      expect(fake.replyKeyboard(ALICE.id)).toEqual({
        keyboard: [[{ text: 'Share phone' }], [{ text: 'Contact', request_contact: true }]],
        resize_keyboard: true,
      });

      const multipart = new FormData();
      multipart.set('chat_id', String(ALICE.id));
      multipart.set('document', new Blob([Buffer.from('a;b\n1;2\n')]), 'отчёт май.csv');
      const viaMultipart = await raw(fake, `/bot${TOKEN}/sendDocument`, { method: 'POST', body: multipart });
      expect(viaMultipart.body).toMatchObject({
        ok: true,
        result: { document: { file_name: 'отчёт май.csv', mime_type: 'text/csv', file_size: 8 } },
      });
      expect(fake.lastBotMessage(ALICE.id)?.document?.data.toString()).toBe('a;b\n1;2\n');

      expect(await raw(fake, `/bot${TOKEN}/getChatHistory`)).toEqual({
        status: 404,
        body: { ok: false, error_code: 404, description: 'Not Found' },
      });
      expect(fake.calls.map((call) => call.method)).toEqual([
        'sendMessage',
        'sendMessage',
        'sendDocument',
        'getChatHistory',
      ]);
    });
  });

  it('judges the token before the body, and hides a one-time keyboard once the user answered', async () => {
    await withFake(async (fake) => {
      const badJson = await raw(fake, `/bot123:nope/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(badJson.status).toBe(401);
      const badJsonGoodToken = await raw(fake, `/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(badJsonGoodToken.status).toBe(400);

      await fake.sendText(ALICE, '/phone');
      await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: 'Share?',
        reply_markup: { keyboard: [[{ text: 'Share', request_contact: true }]], one_time_keyboard: true },
      });
      expect(fake.replyKeyboard(ALICE.id)?.keyboard).toEqual([[{ text: 'Share', request_contact: true }]]);
      await fake.sendContact(ALICE, '77010000001');
      expect(fake.replyKeyboard(ALICE.id)).toBeUndefined();
    });
  });

  it('floods with 429 retry_after, and @grammyjs/auto-retry recovers', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const plain = botFor(fake);
      fake.injectFlood('sendMessage', 3);
      const error = await apiError(plain.api.sendMessage(ALICE.id, 'too fast'));
      expect(error.error_code).toBe(429);
      expect(error.description).toBe('Too Many Requests: retry after 3');
      expect(error.parameters).toEqual({ retry_after: 3 });

      const bot = botFor(fake);
      bot.api.config.use(autoRetry());
      bot.command('start', (ctx) => ctx.reply('after the flood'));
      fake.injectFlood('SENDMESSAGE', 1);
      await whileRunning(bot, async () => {
        await fake.sendText(ALICE, '/start');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'after the flood', { timeoutMs: 5000 });
      });
      const attempts = fake.calls.filter(
        (call) => call.method === 'sendMessage' && call.payload.text === 'after the flood',
      );
      expect(attempts.map((call) => call.ok)).toEqual([false, true]);
      expect(attempts[0]?.error).toEqual({ error_code: 429, description: 'Too Many Requests: retry after 1' });
      expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect(fake.messages(ALICE.id).filter((message) => message.text === 'after the flood')).toHaveLength(1);
    });
  });

  it('explains a waitForCall timeout with the recent calls', async () => {
    await withFake(async (fake) => {
      await postJson(fake, 'sendMessage', { chat_id: 5, text: 'x' });
      await expect(fake.waitForCall((call) => call.method === 'editMessageText', { timeoutMs: 50 })).rejects.toThrow(
        /no matching Bot API call within 50 ms[\s\S]*sendMessage 400 Bad Request: chat not found/,
      );
      await expect(fake.waitForBotMessage(5, () => true, { timeoutMs: 50 })).rejects.toThrow(
        /no matching bot message in chat 5/,
      );
    });
  });
});
