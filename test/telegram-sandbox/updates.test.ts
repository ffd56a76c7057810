import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';

import { startFakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';
import { ALICE, TOKEN, apiError, botFor, delay, postJson, whileRunning, withFake } from './support.js';

describe('fake Telegram Bot API: getUpdates and long polling', () => {
  it('long-polls: an update sent 300 ms into a poll is delivered by that poll, without the bot spinning', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
      await whileRunning(bot, async () => {
        await fake.waitForPoll();
        const firstPoll = fake.calls.length;
        await delay(300);
        const sentAt = Date.now();
        await fake.sendText(ALICE, 'late');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'echo: late');
        const polls = fake.calls.slice(firstPoll).filter((call) => call.method === 'getUpdates');
        expect(polls).toHaveLength(1);
        expect(polls[0]?.payload.timeout).toBe(30);
        expect(sentAt - (polls[0]?.at ?? sentAt)).toBeGreaterThanOrEqual(250);
        expect((polls[0]?.result as unknown[]).length).toBe(1);
      });
    });
  });

  it('answers the older of two concurrent long polls with 409, which stops the runner', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await whileRunning(bot, async (handle) => {
        await fake.waitForPoll();
        const second = postJson(fake, 'getUpdates', { timeout: 0 });
        const error = await apiError(handle.task() ?? Promise.resolve());
        expect(error.error_code).toBe(409);
        expect(error.description).toBe(
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        );
        expect((await second).body).toEqual({ ok: true, result: [] });
        expect(handle.isRunning()).toBe(false);
      });
    });
  });

  it('confirms updates by offset, honours limit, and keeps unconfirmed ones', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'one');
      await fake.sendContact(ALICE, '+77010000001');
      const all = await postJson(fake, 'getUpdates', {});
      const updates = all.body.result as { update_id: number; message: Message }[];
      expect(updates.map((update) => update.update_id)).toEqual([1, 2]);
      expect(updates[1]?.message.contact).toEqual({
        phone_number: '+77010000001',
        first_name: 'Alice',
        user_id: ALICE.id,
      });
      expect((await postJson(fake, 'getUpdates', { limit: 1 })).body.result).toHaveLength(1);
      expect(
        ((await postJson(fake, 'getUpdates', { offset: 2 })).body.result as { update_id: number }[]).map(
          (update) => update.update_id,
        ),
      ).toEqual([2]);
      expect((await postJson(fake, 'getUpdates', { offset: 3 })).body.result).toEqual([]);
      const started = Date.now();
      expect((await postJson(fake, 'getUpdates', { offset: 3, timeout: 1 })).body.result).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });
  });

  it('ends a pending long poll with [] on close and leaves waiting callers with a clear error', async () => {
    const fake = await startFakeTelegram({ token: TOKEN, port: 0 });
    const poll = postJson(fake, 'getUpdates', { timeout: 30 });
    await fake.waitForPoll();
    const waiting = expect(
      fake.waitForCall((call) => call.method === 'sendMessage', { timeoutMs: 30_000 }),
    ).rejects.toThrow(/closed/);
    const started = Date.now();
    await fake.close();
    expect((await poll).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
    await waiting;
    expect(fake.calls.map((call) => [call.method, call.ok, call.result])).toEqual([['getUpdates', true, []]]);
  });
});
