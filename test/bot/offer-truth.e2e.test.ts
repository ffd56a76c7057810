import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatPrice } from '../../src/bot/replies/format.js';
import {
  type BotHarness,
  buttonData,
  changedSince,
  loginAndSync,
  newUser,
  press,
  productButton,
  productsOf,
  say,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';

// What the chat shows of an offer follows what Kaspi shows, whoever wrote it: each write is read back and our copy
// moves once Kaspi shows it, so the list, the card and /disable show it at once, without a /sync.

const MERCHANT = '30067228';
let harness: BotHarness;
const seller = newUser('Жанар');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const products = () => productsOf(harness, seller.id);

async function openCard(sku: string, productId: number): Promise<ChatMessage> {
  const found = await say(harness.telegram, seller, `/products ${sku}`, /Поиск|Найдено/);
  return press(harness.telegram, seller, found, productButton(found, productId), /Цена:/);
}

/** The product list's button of this product (the list searched by SKU). */
async function listRow(sku: string): Promise<string> {
  const found = await say(harness.telegram, seller, `/products ${sku}`, /Поиск|Найдено/);
  const markup = found.reply_markup as { inline_keyboard: { text: string }[][] };
  return markup.inline_keyboard.flat()[0]!.text;
}

async function importWorkbook(edit: (sheet: ExcelJS.Worksheet) => void, applyLabel: RegExp): Promise<void> {
  const { telegram } = harness;
  const exported = changedSince(telegram, seller.id, /Товаров: \d+\. Измените цену/);
  await telegram.sendText(seller, '/export');
  const file = await telegram.waitForBotMessage(seller.id, exported, { timeoutMs: 15_000 });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.document!.data as never);
  edit(workbook.worksheets[0]!);
  const previewed = changedSince(telegram, seller.id, /Изменится товаров/);
  await telegram.sendDocument(
    seller,
    'products.xlsx',
    Buffer.from(await workbook.xlsx.writeBuffer()),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  const preview = await telegram.waitForBotMessage(seller.id, previewed, { timeoutMs: 20_000 });
  await press(telegram, seller, preview, applyLabel, /Готово\./, 30_000);
}

function rowOf(sheet: ExcelJS.Worksheet, sku: string): ExcelJS.Row {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === sku) found = row;
  });
  if (!found) throw new Error(`no row for ${sku}`);
  return found;
}

describe('one truth for an offer', () => {
  it('an import that takes an offer off sale and reprices another: the card, the list and /disable show it', async () => {
    const all = (await products()).filter((product) => product.onSale && product.availabilities.length === 2);
    const [offSale, repriced] = all;
    const newPrice = repriced!.price - 20;
    await importWorkbook((sheet) => {
      rowOf(sheet, offSale!.sku).getCell(4).value = 'нет';
      rowOf(sheet, repriced!.sku).getCell(3).value = newPrice;
    }, /Применить \(2\)/);
    // The read-backs are what moves our copy: once they are done, every view shows Kaspi's state.
    await harness.settled(30_000);
    expect(
      harness.sandbox
        .catalogue(MERCHANT)
        .find((offer) => offer.sku === offSale!.sku)!
        .availabilities.every((point) => point.available === 'no'),
    ).toBe(true);
    const card = await openCard(offSale!.sku, offSale!.id);
    expect(card.text).toContain('Снят с продажи');
    expect(card.text).not.toContain('В продаже');
    expect(buttonData(card, 'Вернуть в продажу')).toBeTruthy();
    expect(await listRow(offSale!.sku)).toMatch(/^⚪️/);
    const disable = await say(harness.telegram, seller, '/disable', /Отметьте товары|снять с продажи/i);
    expect(() => productButton(disable, offSale!.id)).toThrow();

    const priced = await openCard(repriced!.sku, repriced!.id);
    expect(priced.text).toContain(formatPrice(newPrice));
    expect(priced.text).not.toContain('Отправлено в Kaspi');
    expect(await listRow(repriced!.sku)).toContain(formatPrice(newPrice).replace(/\u00a0₸$/, ''));
  });

  it('a card’s «⏳ снимается с продажи» is edited to ✅ once Kaspi shows it, also after a restart', async () => {
    const { telegram } = harness;
    const product = (await products()).filter((candidate) => candidate.onSale).at(-1)!;
    const card = await openCard(product.sku, product.id);
    const sent = await press(telegram, seller, card, 'Снять с продажи', /снимается с продажи: отправлено в Kaspi/);
    // The process stops right after telling «отправлено»; the next one reads it back and tells the outcome.
    await harness.restart();
    const resolved = await telegram.waitForBotMessage(
      seller.id,
      (message) => message.message_id === sent.message_id && /^✅/.test(message.text ?? ''),
      { timeoutMs: 20_000 },
    );
    expect(resolved.text).toContain('снят с продажи: Kaspi применил');
    await harness.settled(20_000);
    // Told once: by editing the ⏳ message, never as a second message.
    const outcomes = telegram
      .messages(seller.id)
      .filter((message) => message.from === 'bot' && /Kaspi применил/.test(message.text ?? ''));
    expect(outcomes.map((message) => message.message_id)).toEqual([sent.message_id]);
    const redrawn = telegram.messages(seller.id).find((message) => message.message_id === card.message_id)!;
    expect(redrawn.text).toContain('Снят с продажи');

    // The first card, still showing «Снять с продажи» somewhere above: its button acts on today's state.
    const writes = harness.sandbox.writes(MERCHANT).length;
    const old = buttonData(card, 'Снять с продажи');
    const callback = await telegram.forgeCallback(seller, card.message_id, old);
    await telegram.waitForCall(
      (call) =>
        call.method === 'answerCallbackQuery' &&
        String(call.payload.callback_query_id) === callback &&
        /уже снят с продажи/.test(String(call.payload.text)),
    );
    expect(harness.sandbox.writes(MERCHANT).length).toBe(writes);
    const current = telegram.messages(seller.id).find((message) => message.message_id === card.message_id)!;
    expect(JSON.stringify(current.reply_markup)).toContain('Вернуть в продажу');
  });

  it('a batch’s «⏳» report is edited once to ✅, also after a restart, and the list rows show the new state', async () => {
    const { telegram } = harness;
    const chosen = (await products()).filter((candidate) => candidate.onSale).slice(0, 2);
    const skus = chosen.map((product) => product.sku).join(' ');
    const ownOutcomes = (messageId: number) =>
      telegram.messages(seller.id).filter((message) => message.message_id === messageId);

    const confirm = await say(telegram, seller, `/disable ${skus}`, /Снять с продажи 2 товара\?/);
    const sent = await press(telegram, seller, confirm, 'Да', /⏳ Снимаются с продажи: 2/, 20_000);
    const since = telegram.calls.length;
    // The process stops right after telling «⏳»; the next one reads the batch back and edits the report.
    await harness.restart();
    const resolved = await telegram.waitForBotMessage(
      seller.id,
      (message) => message.message_id === sent.message_id && /^✅/.test(message.text ?? ''),
      { timeoutMs: 20_000 },
    );
    expect(resolved.text).toBe('✅ Снято с продажи: 2. Kaspi применил.');
    await harness.settled(20_000);
    const edits = telegram.calls
      .slice(since)
      .filter((call) => call.method === 'editMessageText' && call.payload.message_id === sent.message_id);
    expect(edits).toHaveLength(1);
    expect(ownOutcomes(sent.message_id)).toHaveLength(1);
    for (const product of chosen) expect(await listRow(product.sku)).toMatch(/^⚪️/);
    const disable = await say(telegram, seller, '/disable', /Отметьте товары|Все товары/);
    // Its rows toggle products by id (`bt:<id>:`): the two taken off sale are not offered.
    for (const product of chosen) expect(JSON.stringify(disable.reply_markup)).not.toContain(`:bt:${product.id}:`);
    await press(telegram, seller, disable, 'Отмена', /Отменено|отменено/);

    // Back on sale, without a restart: the same report, edited to its outcome; the rows are on sale again.
    const back = await say(telegram, seller, `/enable ${skus}`, /Вернуть в продажу 2 товара\?/);
    const enabling = await press(telegram, seller, back, 'Да', /⏳ Возвращаются в продажу: 2/, 20_000);
    await harness.settled(20_000);
    expect(ownOutcomes(enabling.message_id).at(-1)!.text).toBe('✅ Возвращено в продажу: 2. Kaspi применил.');
    for (const product of chosen) expect(await listRow(product.sku)).toMatch(/^🟢/);
  });

  it('«« К товару» brings the card back in the same message, not as a second copy', async () => {
    const { telegram } = harness;
    const product = (await products()).find((candidate) => candidate.onSale)!;
    const card = await openCard(product.sku, product.id);
    const before = telegram.messages(seller.id).length;
    const offers = await press(telegram, seller, card, 'Конкуренты', /продавцов: \d+/);
    expect(offers.message_id).toBe(card.message_id);
    const back = await press(telegram, seller, offers, 'К товару', /Цена:/);
    expect(back.message_id).toBe(card.message_id);
    expect(telegram.messages(seller.id).length).toBe(before);
  });
});
