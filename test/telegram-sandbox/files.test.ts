import { InlineKeyboard, InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';

import { ALICE, TOKEN, botFor, whileRunning, withFake } from './support.js';

describe('fake Telegram Bot API: documents, photos and file downloads', () => {
  it('stores the bytes of a multipart sendDocument and answers with a full Message', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, '/export');
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 31) % 256));
      const sent = await bot.api.sendDocument(ALICE.id, new InputFile(bytes, 'x.xlsx'), {
        caption: '<b>Цены</b> на сегодня',
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text('Again', 'export:again'),
      });
      expect(sent.document).toMatchObject({
        file_name: 'x.xlsx',
        mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        file_size: bytes.length,
      });
      expect(sent.caption).toBe('Цены на сегодня');
      expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
      expect(sent.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Again', callback_data: 'export:again' }]] });

      const stored = fake.lastBotMessage(ALICE.id);
      expect(stored?.document?.data.equals(bytes)).toBe(true);
      const call = fake.calls.find((item) => item.method === 'sendDocument');
      // Form fields are normalised like JSON ones: numbers are numbers, JSON fields are parsed.
      expect(call?.payload).toMatchObject({
        chat_id: ALICE.id,
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'export:again' }]] },
      });
      expect(call?.payload.document).toMatchObject({ file_name: 'x.xlsx', size: bytes.length });

      // Sending the same file again by file_id reuses it.
      const again = await bot.api.sendDocument(ALICE.id, sent.document?.file_id ?? '');
      expect(again.document?.file_id).toBe(sent.document?.file_id);
      expect(fake.lastBotMessage(ALICE.id)?.document?.data.equals(bytes)).toBe(true);
    });
  });

  it('lets the bot getFile a user document and download its bytes over HTTP', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const downloads: Buffer[] = [];
      bot.on('message:document', async (ctx) => {
        const file = await ctx.getFile();
        const response = await fetch(`${fake.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
        const data = Buffer.from(await response.arrayBuffer());
        downloads.push(data);
        await ctx.reply(`Got ${ctx.message.document.file_name}: ${data.length} bytes`);
      });
      const upload = Buffer.from('sku;price\n102298404;189990\n', 'utf8');
      await whileRunning(bot, async () => {
        await fake.sendDocument(ALICE, 'prices.csv', upload, undefined, 'my prices');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === `Got prices.csv: ${upload.length} bytes`);
      });
      expect(downloads).toHaveLength(1);
      expect(downloads[0]?.equals(upload)).toBe(true);
      const getFile = fake.calls.find((call) => call.method === 'getFile');
      expect(getFile?.result).toMatchObject({
        file_path: expect.stringMatching(/^documents\/file_\d+\.csv$/),
        file_size: upload.length,
      });
      expect(fake.messages(ALICE.id)[0]).toMatchObject({
        from: 'user',
        caption: 'my prices',
        document: { file_name: 'prices.csv', mime_type: 'text/csv' },
      });

      const wrongToken = await fetch(
        `${fake.apiRoot}/file/bot999:wrong/${String((getFile?.result as { file_path: string }).file_path)}`,
      );
      expect(wrongToken.status).toBe(404);
    });
  });
});
