import { InlineKeyboard } from 'grammy';
import { describe, expect, it } from 'vitest';

import { ALICE, apiError, botFor, whileRunning, withFake } from './support.js';

describe('fake Telegram Bot API: inline keyboards and callback queries', () => {
  it('runs an inline keyboard round trip: press, answerCallbackQuery, editMessageText', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      bot.command('menu', (ctx) =>
        ctx.reply('Pick a city', {
          reply_markup: new InlineKeyboard().text('Almaty', 'city:almaty').text('Astana', 'city:astana'),
        }),
      );
      bot.callbackQuery(/^city:(.+)$/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: `Saved ${ctx.match[1]}` });
        await ctx.editMessageText(`City: ${ctx.match[1]}`);
      });
      await whileRunning(bot, async () => {
        await fake.sendText(ALICE, '/menu');
        const menu = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Pick a city');
        expect(menu.reply_markup).toEqual({
          inline_keyboard: [
            [
              { text: 'Almaty', callback_data: 'city:almaty' },
              { text: 'Astana', callback_data: 'city:astana' },
            ],
          ],
        });
        await expect(fake.pressButton(ALICE, menu.message_id, 'city:shymkent')).rejects.toThrow(
          /no button with callback_data "city:shymkent"/,
        );

        const queryId = await fake.pressButton(ALICE, menu.message_id, 'city:astana');
        const edited = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'City: astana');
        expect(edited.message_id).toBe(menu.message_id);
        expect(edited.edits).toBe(1);
        // Telegram drops the inline keyboard when an edit does not repeat it.
        expect(edited.reply_markup).toBeUndefined();
        expect(fake.callbackAnswers(queryId)?.payload).toMatchObject({
          callback_query_id: queryId,
          text: 'Saved astana',
        });
        await expect(fake.pressButton(ALICE, menu.message_id, 'city:almaty')).rejects.toThrow(/has no button/);
      });
      const update = fake.calls.find(
        (call) => call.method === 'getUpdates' && JSON.stringify(call.result).includes('callback_query'),
      );
      const query = (update?.result as { callback_query?: Record<string, unknown> }[]).find(
        (item) => item.callback_query,
      )?.callback_query;
      expect(query).toMatchObject({
        data: 'city:astana',
        from: { id: ALICE.id },
        message: { message_id: 2, text: 'Pick a city', chat: { id: ALICE.id } },
      });
      expect(fake.messages(ALICE.id)).toHaveLength(2);
    });
  });

  it('lets the bot delete a user message (a password) and answer a callback query only once', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const password = await fake.sendText(ALICE, 'Sandbox-Pass-1');
      await expect(bot.api.deleteMessage(ALICE.id, password.message_id)).resolves.toBe(true);
      expect(fake.messages(ALICE.id)[0]).toMatchObject({ from: 'user', text: 'Sandbox-Pass-1', deleted: true });
      const again = await apiError(bot.api.deleteMessage(ALICE.id, password.message_id));
      expect(again.description).toBe('Bad Request: message to delete not found');

      const menu = await bot.api.sendMessage(ALICE.id, 'Confirm?', {
        reply_markup: new InlineKeyboard().text('Yes', 'yes'),
      });
      const queryId = await fake.pressButton(ALICE, menu.message_id, 'yes');
      await expect(bot.api.answerCallbackQuery(queryId, { text: 'Done', show_alert: true })).resolves.toBe(true);
      const twice = await apiError(bot.api.answerCallbackQuery(queryId));
      expect(twice.description).toBe(
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
      expect(fake.callbackAnswers(queryId)?.payload).toMatchObject({ text: 'Done', show_alert: true });
    });
  });
});
