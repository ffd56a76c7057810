import { InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';

import { ALICE, apiError, botFor, withFake } from './support.js';

describe('fake Telegram Bot API: commands, chat actions and blocked users', () => {
  it('keeps commands, chat actions, photos and a blocked user the way Telegram does', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const events: string[] = [];
      const unsubscribe = fake.subscribe((event) => events.push(`${event.type}:${event.chat_id}`));
      await bot.api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
      await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
      expect(await bot.api.getMyCommands({ language_code: 'ru' })).toEqual([
        { command: 'start', description: 'Начать' },
      ]);
      expect(fake.botCommands('ru')).toEqual([{ command: 'start', description: 'Начать' }]);
      expect(fake.botCommands('kk')).toEqual([{ command: 'start', description: 'Start' }]);
      const invalid = await apiError(bot.api.setMyCommands([{ command: 'Start', description: 'x' }]));
      expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
      await bot.api.deleteMyCommands();
      expect(fake.botCommands()).toEqual([]);

      await fake.sendText(ALICE, 'chart?');
      await bot.api.sendChatAction(ALICE.id, 'upload_photo');
      const png = Buffer.alloc(33);
      png.writeUInt32BE(0x89504e47, 0);
      png.write('IHDR', 12, 'ascii');
      png.writeUInt32BE(640, 16);
      png.writeUInt32BE(480, 20);
      const photo = await bot.api.sendPhoto(ALICE.id, new InputFile(png, 'chart.png'), { caption: 'Chart' });
      expect(photo.photo?.[0]).toMatchObject({ width: 640, height: 480, file_size: 33 });
      expect(fake.lastBotMessage(ALICE.id)).toMatchObject({ caption: 'Chart', photo: { width: 640, height: 480 } });
      const mismatch = await apiError(bot.api.sendDocument(ALICE.id, photo.photo?.[0]?.file_id ?? ''));
      expect(mismatch.description).toBe('Bad Request: type of file mismatch');

      fake.blockBot(ALICE);
      const blocked = await apiError(bot.api.sendMessage(ALICE.id, 'are you there?'));
      expect(blocked.error_code).toBe(403);
      expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
      fake.blockBot(ALICE, false);
      await bot.api.sendMessage(ALICE.id, 'welcome back');
      unsubscribe();
      expect(events).toEqual([
        `message:${ALICE.id}`,
        `chat_action:${ALICE.id}`,
        `message:${ALICE.id}`,
        `message:${ALICE.id}`,
      ]);
    });
  });

  it('shows the menu Telegram would: the chat’s scope, then all private chats, then the default; language first', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await bot.api.setMyCommands([{ command: 'start', description: 'Басты мәзір' }], { language_code: 'kk' });
      await bot.api.setMyCommands([{ command: 'start', description: 'Главное меню' }]);
      expect(fake.botCommands('kk', ALICE.id)).toEqual([{ command: 'start', description: 'Басты мәзір' }]);
      expect(fake.botCommands('en', ALICE.id)).toEqual([{ command: 'start', description: 'Главное меню' }]);
      await bot.api.setMyCommands([{ command: 'help', description: 'Private' }], {
        scope: { type: 'all_private_chats' },
      });
      expect(fake.botCommands('kk', ALICE.id)).toEqual([{ command: 'help', description: 'Private' }]);
      // A chat's own list wins, whether its id came as a number or a string.
      await bot.api.setMyCommands([{ command: 'sync', description: 'Только Алиса' }], {
        scope: { type: 'chat', chat_id: String(ALICE.id) },
      });
      expect(fake.botCommands('kk', ALICE.id)).toEqual([{ command: 'sync', description: 'Только Алиса' }]);
      expect(fake.botCommands('kk', ALICE.id + 1)).toEqual([{ command: 'help', description: 'Private' }]);
    });
  });
});
