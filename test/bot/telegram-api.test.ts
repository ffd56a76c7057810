import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelegramApi, lenientHtml } from '../../src/bot/telegram-api.js';
import { createLogger } from '../../src/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';

const TOKEN = '123456789:TEST-transformer-stack';
const SELLER = { id: 5_550_001, first_name: 'Айгуль' };

describe('lenientHtml', () => {
  it('keeps Telegram tags and entities, escapes every other <, > and &', () => {
    expect(lenientHtml('<b>Цена</b> &amp; <i>пол</i>')).toBe('<b>Цена</b> &amp; <i>пол</i>');
    expect(lenientHtml('мин=<5 & макс>9')).toBe('мин=&lt;5 &amp; макс&gt;9');
    expect(lenientHtml('A&B <script>x</script>')).toBe('A&amp;B &lt;script&gt;x&lt;/script&gt;');
    expect(lenientHtml('<a href="https://kaspi.kz/shop/p/1">Kaspi</a>')).toBe(
      '<a href="https://kaspi.kz/shop/p/1">Kaspi</a>',
    );
    // Only the named entities Telegram knows count as entities.
    expect(lenientHtml('&nbsp; &#8376; &#x20B8; &quot;')).toBe('&amp;nbsp; &#8376; &#x20B8; &quot;');
  });

  it('is idempotent: text that is already well-formed goes through unchanged', () => {
    const once = lenientHtml('Sulpak <Store> & «<b>Alma</b>» 1 < 2');
    expect(lenientHtml(once)).toBe(once);
  });
});

describe('the process Telegram API (createTelegramApi)', () => {
  let fake: FakeTelegram;

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN, port: 0, logger: createLogger({ level: 'silent' }) });
    await fake.sendText(SELLER, '/start');
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends HTML by default: tags format, a seller’s stray < and & arrive as typed', async () => {
    const api = createTelegramApi(TOKEN, fake.apiRoot);
    await api.sendMessage(SELLER.id, '<b>A&B</b>: мин=<5');
    const message = fake.lastBotMessage(SELLER.id)!;
    expect(message.text).toBe('A&B: мин=<5');
    expect(message.entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
    const call = fake.calls.filter((item) => item.method === 'sendMessage').at(-1)!;
    expect(call.payload).toMatchObject({ parse_mode: 'HTML' });
  });

  it('leaves a message that names its own parse mode or entities alone', async () => {
    const api = createTelegramApi(TOKEN, fake.apiRoot);
    await api.sendMessage(SELLER.id, 'plain <b>', { entities: [] });
    expect(fake.lastBotMessage(SELLER.id)?.text).toBe('plain <b>');
    await api.sendMessage(SELLER.id, '*bold*', { parse_mode: 'MarkdownV2' });
    expect(fake.lastBotMessage(SELLER.id)?.text).toBe('bold');
  });

  it('answers a callback without a parse mode (Telegram refuses one there)', async () => {
    const api = createTelegramApi(TOKEN, fake.apiRoot);
    const sent = await api.sendMessage(SELLER.id, 'кнопка', {
      reply_markup: { inline_keyboard: [[{ text: 'Да', callback_data: 'yes' }]] },
    });
    const answered = fake.pressButton(SELLER, sent.message_id, 'yes');
    await fake.waitForPoll({ timeoutMs: 200 }).catch(() => undefined);
    const updates = await api.getUpdates({ timeout: 1 });
    const query = updates.find((update) => update.callback_query)?.callback_query;
    expect(query).toBeDefined();
    await api.answerCallbackQuery(query!.id, { text: 'Готово <ok>' });
    await answered;
    const answer = fake.callbackAnswers(query!.id);
    expect(answer?.payload).not.toHaveProperty('parse_mode');
    expect(answer?.payload).toMatchObject({ text: 'Готово <ok>' });
  });
});
