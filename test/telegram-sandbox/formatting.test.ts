import { describe, expect, it } from 'vitest';

import { ALICE, apiError, botFor, postJson, withFake } from './support.js';

describe('fake Telegram Bot API: parse modes and entities', () => {
  it('rejects malformed HTML and MarkdownV2 with "can\'t parse entities", and parses good HTML into entities', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, 'hi');
      const unclosed = await apiError(bot.api.sendMessage(ALICE.id, '<b>Цена', { parse_mode: 'HTML' }));
      expect(unclosed.description).toBe(
        'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
      );
      const rawLess = await apiError(bot.api.sendMessage(ALICE.id, 'цена < 100', { parse_mode: 'HTML' }));
      // Byte offsets count UTF-8 bytes, as TDLib's do.
      expect(rawLess.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9');
      const unsupported = await apiError(bot.api.sendMessage(ALICE.id, 'line<br/>break', { parse_mode: 'HTML' }));
      expect(unsupported.description).toContain('Unsupported start tag "br/"');
      const crossed = await apiError(bot.api.sendMessage(ALICE.id, '<b><i>x</b></i>', { parse_mode: 'HTML' }));
      expect(crossed.description).toContain('Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');
      const ampersand = await apiError(bot.api.sendMessage(ALICE.id, 'Tom & Jerry', { parse_mode: 'HTML' }));
      expect(ampersand.description).toMatch(/^Bad Request: can't parse entities: Character '&' at byte offset 4/);
      const markdown = await apiError(bot.api.sendMessage(ALICE.id, 'Price: 100.5', { parse_mode: 'MarkdownV2' }));
      expect(markdown.description).toBe(
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      );

      const good = await bot.api.sendMessage(
        ALICE.id,
        '<b>Цена</b> &lt;100&gt; <a href="https://kaspi.kz/shop">магазин</a> <tg-spoiler>😀x</tg-spoiler> <pre><code class="language-json">{}</code></pre>',
        { parse_mode: 'HTML' },
      );
      expect(good.text).toBe('Цена <100> магазин 😀x {}');
      expect(good.entities).toEqual([
        { type: 'bold', offset: 0, length: 4 },
        { type: 'text_link', offset: 11, length: 7, url: 'https://kaspi.kz/shop' },
        { type: 'spoiler', offset: 19, length: 3 },
        { type: 'pre', offset: 23, length: 2, language: 'json' },
      ]);
      const escaped = await bot.api.sendMessage(ALICE.id, '*Итого:* 100\\.5 ₸ \\- [Kaspi](https://kaspi.kz)', {
        parse_mode: 'MarkdownV2',
      });
      expect(escaped.text).toBe('Итого: 100.5 ₸ - Kaspi');
      expect(escaped.entities).toEqual([
        { type: 'bold', offset: 0, length: 6 },
        { type: 'text_link', offset: 17, length: 5, url: 'https://kaspi.kz/' },
      ]);
      expect(fake.messages(ALICE.id).filter((message) => message.from === 'bot')).toHaveLength(2);
    });
  });

  it('parses MarkdownV2 and legacy Markdown the way TDLib does', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const quote = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: '>Товар снят\n>с продажи\nи всё',
        parse_mode: 'MarkdownV2',
      });
      expect(quote.body.result).toMatchObject({
        text: 'Товар снят\nс продажи\nи всё',
        entities: [{ type: 'blockquote', offset: 0, length: 20 }],
      });
      const unclosed = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: 'x *bold',
        parse_mode: 'MarkdownV2',
      });
      expect(unclosed.body.description).toBe(
        "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2",
      );
      const legacy = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: '*Итого* `42` [Kaspi](https://kaspi.kz)',
        parse_mode: 'Markdown',
      });
      expect(legacy.body.result).toMatchObject({
        text: 'Итого 42 Kaspi',
        entities: [
          { type: 'bold', offset: 0, length: 5 },
          { type: 'code', offset: 6, length: 2 },
          { type: 'text_link', offset: 9, length: 5, url: 'https://kaspi.kz/' },
        ],
      });
      expect(
        (await postJson(fake, 'sendMessage', { chat_id: ALICE.id, text: '_open', parse_mode: 'Markdown' })).body
          .description,
      ).toBe("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0");
    });
  });
});
