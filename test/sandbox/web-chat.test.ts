import { readFile } from 'node:fs/promises';

import ExcelJS from 'exceljs';
import { Api, InlineKeyboard, InputFile, Keyboard } from 'grammy';
import type { Update } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderPriceChart } from '../../src/bot/charts/price-chart.js';
import { startFakeTelegram, type FakeTelegram, type WebSeller } from '../../src/telegram-sandbox/bot-api-server.js';
import { eventually, openPhonePage, screenshotOnFailure, textOf } from './browser.js';

const TOKEN = '7000000009:AAH_web-chat-test-token-000000000000';
const AIGERIM: WebSeller = { id: 810_001, first_name: 'Айгерим', language_code: 'ru', phone: '+7 701 000 00 01' };
const ERLAN: WebSeller = { id: 810_002, first_name: 'Ерлан', language_code: 'ru', phone: '+7 701 000 00 02' };

let telegram: FakeTelegram;
let api: Api;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let offset = 0;

/** The bot's side: the next update matching, read by plain getUpdates as a bot would. */
async function nextUpdate(predicate: (update: Update) => boolean, timeoutMs = 10_000): Promise<Update> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const updates = await api.getUpdates({ offset, timeout: 1 });
    for (const update of updates) {
      offset = update.update_id + 1;
      if (predicate(update)) return update;
    }
  }
  throw new Error('no matching update arrived');
}

const row = (messageId: number) => page.locator(`.msg-row[data-message-id="${messageId}"]`);

beforeAll(async () => {
  telegram = await startFakeTelegram({
    token: TOKEN,
    webChat: {
      sellers: [AIGERIM, ERLAN],
      phoneHints: [{ phone: '+7 701 000 00 03', label: 'без магазинов' }],
      botDescription: 'Тестовый бот',
    },
  });
  api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
  await api.setMyCommands([
    { command: 'start', description: 'Главное меню' },
    { command: 'products', description: 'Товары и поиск' },
  ]);
  await api.setMyCommands([{ command: 'start', description: 'Main menu' }], { language_code: 'en' });
  ({ browser, page, errors: pageErrors } = await openPhonePage(telegram.webChat!.url));
  // A chat exists once the seller has written: «Начать» on the empty chat sends /start.
  await page.locator('#start-button').click();
  await nextUpdate((update) => update.message?.text === '/start' && update.message.from?.id === AIGERIM.id);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await telegram?.close();
});

describe('the web chat page of the Bot API emulator', () => {
  it('serves the page under a strict CSP and keeps its API off the Bot API paths', async () => {
    screenshotOnFailure(() => page, 'web-chat-page');
    const response = await fetch(telegram.webChat!.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    expect(await response.text()).toContain('lang="ru"');
    const state = (await (await fetch(`${telegram.apiRoot}/sandbox-api/state`)).json()) as {
      sellers: WebSeller[];
      bot: { username: string };
    };
    expect(state.sellers.map((seller) => seller.first_name)).toEqual(['Айгерим', 'Ерлан']);
    expect(state.bot.username).toBe('kaspi_sandbox_bot');
    // The Bot API is untouched: same answers, and the web endpoints are not API methods.
    expect((await api.getMe()).username).toBe('kaspi_sandbox_bot');
    expect((await fetch(`${telegram.apiRoot}/bot${TOKEN}/sandbox-api`)).status).toBe(404);
    // Another origin cannot post in a seller's name.
    const forged = await fetch(`${telegram.apiRoot}/sandbox-api/chats/${AIGERIM.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(forged.status).toBe(403);
    expect((await fetch(`${telegram.apiRoot}/sandbox-api/chats/999/files/x`)).status).toBe(404);
    await eventually(() => textOf(page.locator('#bot-name'))).toBe('Kaspi Sandbox');
    await eventually(() => textOf(page.locator('.msg-row.from-user').last())).toContain('/start');
  });

  it('renders Telegram HTML from entities and never as markup', async () => {
    screenshotOnFailure(() => page, 'web-chat-formatting');
    const sent = await api.sendMessage(
      AIGERIM.id,
      [
        '<b>Жирный <i>и курсив</i></b> <u>подчёркнутый</u> <s>зачёркнутый</s> <code>код</code>',
        '<a href="https://kaspi.kz/shop">Kaspi</a> и https://example.kz/page, команда /products',
        '&lt;img src=x onerror="window.__xss=1"&gt; <tg-spoiler>секрет</tg-spoiler>',
        '<blockquote>цитата</blockquote><pre><code class="language-ts">const price = 1 &lt; 2;</code></pre>',
      ].join('\n'),
      { parse_mode: 'HTML' },
    );
    const bubble = row(sent.message_id);
    await eventually(() => textOf(bubble.locator('b'))).toContain('Жирный');
    await eventually(() => textOf(bubble.locator('b i'))).toBe('и курсив');
    await eventually(() => textOf(bubble.locator('u'))).toBe('подчёркнутый');
    await eventually(() => textOf(bubble.locator('s'))).toBe('зачёркнутый');
    await eventually(() => textOf(bubble.locator('.text > code'))).toBe('код');
    await eventually(() => textOf(bubble.locator('a[href="https://kaspi.kz/shop"]'))).toBe('Kaspi');
    await eventually(() => textOf(bubble.locator('a[href="https://example.kz/page"]'))).toBe('https://example.kz/page');
    await eventually(() => textOf(bubble.locator('blockquote'))).toBe('цитата');
    await eventually(() => textOf(bubble.locator('pre code.language-ts'))).toBe('const price = 1 < 2;');
    await eventually(() => textOf(bubble)).toContain('<img src=x onerror="window.__xss=1">');
    expect(await bubble.locator('img').count()).toBe(0);
    await bubble.locator('.spoiler').click();
    await eventually(() => textOf(bubble.locator('.spoiler.revealed'))).toBe('секрет');

    // Entities given explicitly (a bot may send any URL): a javascript: link is shown as text, not a link.
    const text = 'нажми сюда и здесь';
    const tricky = await api.sendMessage(AIGERIM.id, text, {
      entities: [
        { type: 'text_link', offset: 0, length: 10, url: 'javascript:window.__xss=2' },
        { type: 'bold', offset: 6, length: 12 },
      ],
    });
    const trickyBubble = row(tricky.message_id);
    await eventually(() => textOf(trickyBubble.locator('.text'))).toContain(text);
    expect(await trickyBubble.locator('a').count()).toBe(0);
    // Overlapping entities are split, never dropped: «сюда и здесь» is bold across the link's end.
    await eventually(() => textOf(trickyBubble.locator('b').first())).toBe('сюда');
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    // A command in a message is tappable and sends itself.
    await bubble.locator('.command', { hasText: '/products' }).click();
    await nextUpdate((update) => update.message?.text === '/products');
    expect(pageErrors).toEqual([]);
  });

  it('presses inline buttons, shows the answer, edits in place and removes deleted messages', async () => {
    screenshotOnFailure(() => page, 'web-chat-inline');
    const keyboard = new InlineKeyboard()
      .text('Товары', 'menu:products')
      .text('Демпер', 'menu:demper')
      .row()
      .url('Kaspi', 'https://kaspi.kz');
    const menu = await api.sendMessage(AIGERIM.id, 'Главное меню', { reply_markup: keyboard });
    await row(menu.message_id).locator('.ik-button', { hasText: 'Демпер' }).click();
    const update = await nextUpdate((candidate) => candidate.callback_query?.data === 'menu:demper');
    expect(update.callback_query!.from.id).toBe(AIGERIM.id);
    expect(update.callback_query!.message?.message_id).toBe(menu.message_id);
    await eventually(() => row(menu.message_id).locator('.ik-button.loading').count()).toBe(1);
    await api.answerCallbackQuery(update.callback_query!.id, { text: 'Открываю демпер' });
    await eventually(() => textOf(page.locator('#toast'))).toBe('Открываю демпер');
    await eventually(() => row(menu.message_id).locator('.ik-button.loading').count()).toBe(0);

    await api.editMessageText(AIGERIM.id, menu.message_id, 'Демпер <b>включён</b>', {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Выключить', 'demper:off'),
    });
    await eventually(() => textOf(row(menu.message_id).locator('.text b'))).toBe('включён');
    await eventually(() => textOf(row(menu.message_id).locator('.meta'))).toContain('изменено');
    await eventually(() => row(menu.message_id).locator('.ik-button').allTextContents()).toEqual(['Выключить']);
    // Same place in the chat: the edited message is still before the ones that came after it.
    const later = await api.sendMessage(AIGERIM.id, 'потом');
    const ids = await page
      .locator('.msg-row')
      .evaluateAll((nodes) =>
        nodes.map((node) => Number((node as unknown as { dataset: { messageId: string } }).dataset.messageId)),
      );
    expect(ids.indexOf(menu.message_id)).toBeLessThan(ids.indexOf(later.message_id));

    await api.sendChatAction(AIGERIM.id, 'typing');
    await eventually(() => textOf(page.locator('#bot-status'))).toBe('печатает…');
    await api.deleteMessage(AIGERIM.id, later.message_id);
    await eventually(() => row(later.message_id).count()).toBe(0);
    await eventually(() => textOf(page.locator('#bot-status'))).toBe('печатает…');

    await api.answerCallbackQuery((await pressAndWait(menu.message_id, 'Выключить')).id, {
      text: 'Точно выключить?',
      show_alert: true,
    });
    await eventually(() => textOf(page.locator('#dialog-text'))).toBe('Точно выключить?');
    await page.locator('#dialog-ok').click();
    await eventually(() => page.locator('#dialog-overlay').isVisible()).toBe(false);
  });

  it('shows a reply keyboard, shares the seller’s contact after asking, and hides a one-time keyboard', async () => {
    screenshotOnFailure(() => page, 'web-chat-contact');
    await api.sendMessage(AIGERIM.id, 'Отправьте номер', {
      reply_markup: new Keyboard()
        .requestContact('📱 Поделиться номером')
        .row()
        .text('Отмена')
        .resized()
        .oneTime()
        .placeholder('+7 7XX XXX XX XX'),
    });
    await eventually(() => page.locator('.rk-button').allTextContents()).toEqual(['📱 Поделиться номером', 'Отмена']);
    await eventually(() => page.locator('#input').getAttribute('placeholder')).toBe('+7 7XX XXX XX XX');
    await page.locator('.rk-button', { hasText: 'Поделиться' }).click();
    await eventually(() => textOf(page.locator('#dialog-text'))).toContain('+7 701 000 00 01');
    await page.locator('#dialog-ok').click();
    const update = await nextUpdate((candidate) => candidate.message?.contact !== undefined);
    expect(update.message!.contact).toMatchObject({
      phone_number: '77010000001',
      first_name: 'Айгерим',
      user_id: AIGERIM.id,
    });
    await eventually(() => textOf(page.locator('.msg-row.from-user .contact'))).toContain('+7 701 000 00 01');
    await eventually(() => page.locator('#reply-keyboard').isVisible()).toBe(false);

    // A plain reply button sends its text; the keyboard toggle hides and shows a persistent keyboard.
    await api.sendMessage(AIGERIM.id, 'Выберите', { reply_markup: new Keyboard().text('Да').text('Нет').resized() });
    await page.locator('#keyboard-toggle').click();
    await eventually(() => page.locator('#reply-keyboard').isVisible()).toBe(false);
    await page.locator('#keyboard-toggle').click();
    await page.locator('.rk-button', { hasText: 'Да' }).click();
    await nextUpdate((candidate) => candidate.message?.text === 'Да');
    await api.sendMessage(AIGERIM.id, 'Хорошо', { reply_markup: { remove_keyboard: true } });
    await eventually(() => page.locator('#reply-keyboard').isVisible()).toBe(false);
    await eventually(() => page.locator('#keyboard-toggle').isVisible()).toBe(false);
  });

  it('downloads the bot’s Excel file, shows its photo, and uploads the seller’s document', async () => {
    screenshotOnFailure(() => page, 'web-chat-files');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Предзаказы').addRow(['SKU', 'Товар', 'Количество']);
    workbook.getWorksheet('Предзаказы')!.addRow(['123_456', 'Чайник Tefal', 3]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const document = await api.sendDocument(AIGERIM.id, new InputFile(xlsx, 'предзаказы.xlsx'), {
      caption: 'Ваши <b>предзаказы</b>',
      parse_mode: 'HTML',
    });
    const link = row(document.message_id).locator('a.document');
    await eventually(() => textOf(link)).toContain('предзаказы.xlsx');
    await eventually(() => textOf(row(document.message_id).locator('.text b'))).toBe('предзаказы');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('предзаказы.xlsx');
    const downloaded = new ExcelJS.Workbook();
    await downloaded.xlsx.load((await readFile((await download.path())!)) as never);
    expect(downloaded.getWorksheet('Предзаказы')!.getRow(2).getCell(2).value).toBe('Чайник Tefal');

    const { png: chart } = renderPriceChart({
      ours: [
        {
          label: 'Ваша цена',
          points: [
            { at: new Date(Date.now() - 86_400_000), price: 10_000 },
            { at: new Date(), price: 9_900 },
          ],
        },
      ],
      rival: [],
      floor: 9_000,
      marks: [],
      labels: { rival: 'Конкурент', floor: 'Минимум', demperChanges: 'Демпер', otherChanges: 'Вручную' },
      now: new Date(),
      timeZone: 'Asia/Almaty',
    });
    const photo = await api.sendPhoto(AIGERIM.id, new InputFile(chart, 'chart.png'), { caption: 'История цены' });
    const image = row(photo.message_id).locator('.photo img');
    await eventually(() => image.isVisible()).toBe(true);
    await expect
      .poll(() => image.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(100);

    await page
      .locator('#file-input')
      .setInputFiles({ name: 'цены.csv', mimeType: 'text/csv', buffer: Buffer.from('SKU;price\n123;1000\n') });
    const update = await nextUpdate((candidate) => candidate.message?.document !== undefined);
    expect(update.message!.document).toMatchObject({ file_name: 'цены.csv', mime_type: 'text/csv' });
    const file = await api.getFile(update.message!.document!.file_id);
    const bytes = await (await fetch(`${telegram.apiRoot}/file/bot${TOKEN}/${file.file_path}`)).text();
    expect(bytes).toBe('SKU;price\n123;1000\n');
    await eventually(() => textOf(page.locator('.msg-row.from-user a.document').last())).toContain('цены.csv');
  });

  it('offers the bot’s command menu from «/» and from typing a slash', async () => {
    screenshotOnFailure(() => page, 'web-chat-commands');
    await page.reload();
    await page.locator('#menu-button').click();
    await eventually(() => page.locator('.command-item .cmd').allTextContents()).toEqual(['/start', '/products']);
    await eventually(() => textOf(page.locator('.command-item .desc').first())).toBe('Главное меню');
    await page.locator('.command-item', { hasText: '/products' }).click();
    await nextUpdate((candidate) => candidate.message?.text === '/products');
    await page.locator('#input').fill('/st');
    await eventually(() => page.locator('.command-item .cmd').allTextContents()).toEqual(['/start']);
    await page.locator('#input').fill('привет');
    await eventually(() => page.locator('#command-menu').isVisible()).toBe(false);
    await page.locator('#input').press('Enter');
    await nextUpdate((candidate) => candidate.message?.text === 'привет');
    await eventually(() => page.locator('#input').inputValue()).toBe('');
  });

  it('switches between sellers: each sees only their own chat, others’ messages count as unread', async () => {
    screenshotOnFailure(() => page, 'web-chat-sellers');
    await page.locator('#seller-button').click();
    await page.locator('.seller-item', { hasText: 'Ерлан' }).click();
    await eventually(() => textOf(page.locator('#seller-name'))).toBe('Ерлан');
    await eventually(() => page.locator('#empty').isVisible()).toBe(true);
    await eventually(() => page.locator('.msg-row').count()).toBe(0);
    await page.locator('#start-button').click();
    await nextUpdate((candidate) => candidate.message?.text === '/start' && candidate.message.from?.id === ERLAN.id);

    await api.sendMessage(AIGERIM.id, 'Только для Айгерим');
    await eventually(() => textOf(page.locator('#others-unread'))).toBe('1');
    await eventually(() => page.locator('.msg-row', { hasText: 'Только для Айгерим' }).count()).toBe(0);

    // A new seller in English gets the English command menu.
    await page.locator('#seller-button').click();
    await page.locator('#new-seller-name').fill('Dana');
    await page.locator('#new-seller-language').selectOption('en');
    await page.locator('#new-seller-phone').fill('+7 701 000 00 03');
    await page.locator('.seller-form button[type="submit"]').click();
    await eventually(() => textOf(page.locator('#seller-name'))).toBe('Dana');
    await page.locator('#start-button').click();
    const dana = (
      await nextUpdate(
        (candidate) => candidate.message?.text === '/start' && candidate.message.from?.first_name === 'Dana',
      )
    ).message!.from!;
    expect(dana.language_code).toBe('en');
    expect(telegram.webChat!.sellers().map((seller) => seller.first_name)).toEqual(['Айгерим', 'Ерлан', 'Dana']);
    await api.sendMessage(dana.id, 'Hello Dana');
    await eventually(() => page.locator('#menu-button').isVisible()).toBe(true);
    await page.locator('#menu-button').click();
    await eventually(() => page.locator('.command-item .desc').allTextContents()).toEqual(['Main menu']);

    await page.locator('#seller-button').click();
    await page.locator('.seller-item', { hasText: 'Айгерим' }).click();
    await eventually(() => page.locator('.msg-row', { hasText: 'Только для Айгерим' }).count()).toBe(1);
    await eventually(() => page.locator('.msg-row', { hasText: 'Hello Dana' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

async function pressAndWait(messageId: number, label: string): Promise<NonNullable<Update['callback_query']>> {
  await row(messageId).locator('.ik-button', { hasText: label }).click();
  return (await nextUpdate((candidate) => candidate.callback_query?.message?.message_id === messageId)).callback_query!;
}
