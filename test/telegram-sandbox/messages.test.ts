import { InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';

import { ALICE, BOB, apiError, botFor, postJson, whileRunning, withFake } from './support.js';

describe('fake Telegram Bot API: the messages a bot sends, edits and deletes', () => {
  it('delivers /start to bot.command and shows the reply in the chat', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const seen: Message[] = [];
      bot.command('start', async (ctx) => {
        seen.push(ctx.message as Message);
        await ctx.reply(`Hello, ${ctx.from?.first_name}!`);
      });
      await whileRunning(bot, async () => {
        const sent = await fake.sendText(ALICE, '/start');
        const reply = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Hello, Alice!');
        expect(sent.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
        expect(reply.message_id).toBe(2);

        await fake.sendText(BOB, '/start@kaspi_sandbox_bot');
        await fake.waitForBotMessage(BOB.id, (message) => message.text === 'Hello, Bob!');
        // A command addressed to another bot must not reach this one.
        await fake.sendText(BOB, '/start@other_bot');
        await fake.sendText(BOB, 'plain text');
        await fake.waitForCall(
          (call) => call.method === 'getUpdates' && JSON.stringify(call.result).includes('plain text'),
        );
      });

      expect(seen.map((message) => message.text)).toEqual(['/start', '/start@kaspi_sandbox_bot']);
      expect(seen[0]?.from).toMatchObject({
        id: ALICE.id,
        is_bot: false,
        first_name: 'Alice',
        username: 'alice',
        language_code: 'ru',
      });
      expect(seen[0]?.chat).toEqual({ id: ALICE.id, type: 'private', first_name: 'Alice', username: 'alice' });
      const sendMessage = fake.calls.find((call) => call.method === 'sendMessage');
      expect(sendMessage).toMatchObject({ ok: true, payload: { chat_id: ALICE.id, text: 'Hello, Alice!' } });
      expect(sendMessage?.result).toMatchObject({
        message_id: 2,
        text: 'Hello, Alice!',
        from: { id: 123456789, is_bot: true, username: 'kaspi_sandbox_bot' },
      });
      expect(fake.messages(ALICE.id).map(({ from, text, message_id }) => ({ from, text, message_id }))).toEqual([
        { from: 'user', text: '/start', message_id: 1 },
        { from: 'bot', text: 'Hello, Alice!', message_id: 2 },
      ]);
      expect(fake.lastBotMessage(BOB.id)?.text).toBe('Hello, Bob!');
      expect(fake.calls.filter((call) => call.method === 'getMe')).toHaveLength(1);
    });
  });

  it('answers an edit that changes nothing with "message is not modified", as a GrammyError', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, 'hi');
      const keyboard = new InlineKeyboard().text('OK', 'ok');
      const sent = await bot.api.sendMessage(ALICE.id, '<b>Same</b>', { parse_mode: 'HTML', reply_markup: keyboard });
      const error = await apiError(
        bot.api.editMessageText(ALICE.id, sent.message_id, '<b>Same</b>', {
          parse_mode: 'HTML',
          reply_markup: keyboard,
        }),
      );
      expect(error.error_code).toBe(400);
      expect(error.description).toBe(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
      // Different formatting of the same characters is a modification.
      const plain = await bot.api.editMessageText(ALICE.id, sent.message_id, 'Same', { reply_markup: keyboard });
      expect(plain).not.toHaveProperty('entities');
      const markupError = await apiError(
        bot.api.editMessageReplyMarkup(ALICE.id, sent.message_id, { reply_markup: keyboard }),
      );
      expect(markupError.description).toContain('message is not modified');
      expect(fake.messages(ALICE.id)[1]).toMatchObject({ text: 'Same', edits: 1 });
    });
  });

  it('words validation errors like Telegram', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const cases: [Record<string, unknown>, string][] = [
        [{ chat_id: ALICE.id, text: '   ' }, 'Bad Request: message text is empty'],
        [{ chat_id: ALICE.id, text: 'я'.repeat(4097) }, 'Bad Request: message is too long'],
        [
          {
            chat_id: ALICE.id,
            text: 'x',
            reply_markup: { inline_keyboard: [[{ text: 'Long', callback_data: 'ж'.repeat(33) }]] },
          },
          'Bad Request: BUTTON_DATA_INVALID',
        ],
        [
          { chat_id: ALICE.id, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'Nothing' }]] } },
          "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ],
        [{ chat_id: ALICE.id, text: 'x', parse_mode: 'BBCode' }, 'Bad Request: unsupported parse_mode'],
        [
          { chat_id: ALICE.id, text: 'x', reply_parameters: { message_id: 99 } },
          'Bad Request: message to be replied not found',
        ],
      ];
      for (const [payload, description] of cases) {
        expect(await postJson(fake, 'sendMessage', payload), description).toEqual({
          status: 400,
          body: { ok: false, error_code: 400, description },
        });
      }
      expect((await postJson(fake, 'sendMessage', { chat_id: ALICE.id, text: 'я'.repeat(4096) })).status).toBe(200);
      expect(
        (await postJson(fake, 'editMessageText', { chat_id: ALICE.id, message_id: 77, text: 'x' })).body.description,
      ).toBe('Bad Request: message to edit not found');
      expect(
        (await postJson(fake, 'editMessageText', { chat_id: ALICE.id, message_id: 1, text: 'x' })).body.description,
      ).toBe("Bad Request: message can't be edited");
      expect((await postJson(fake, 'deleteMessage', { chat_id: ALICE.id, message_id: 77 })).body.description).toBe(
        'Bad Request: message to delete not found',
      );
      expect((await postJson(fake, 'answerCallbackQuery', { callback_query_id: '42' })).body.description).toBe(
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
      expect((await postJson(fake, 'sendChatAction', { chat_id: ALICE.id, action: 'dancing' })).body.description).toBe(
        'Bad Request: wrong parameter action in request',
      );
      expect((await postJson(fake, 'getFile', { file_id: 'nope' })).body.description).toBe(
        'Bad Request: invalid file_id',
      );
      // Nothing that failed reached the chat.
      expect(fake.messages(ALICE.id)).toHaveLength(2);
    });
  });
});
