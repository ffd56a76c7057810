import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ProductSchema, type Product } from '../../src/db/entities/index.js';
import { PICK_ROW_BUDGET } from '../../src/bot/flows/product-lookup.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  type BotHarness,
  buttonData,
  loginAndSync,
  newUser,
  press,
  productsOf,
  say,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { forgeAndAwaitAnswer } from '../fuzz/support.js';

/**
 * Every command and step that asks for a product takes its name, a part of it (any case, words in any order,
 * Cyrillic look-alike letters) or its SKU; several matches are buttons, one product per row that fits a phone.
 * The demo catalogue's names are not relied on: three products of the synced store are given known names.
 */
let harness: BotHarness;
const seller = newUser('Дана');
let white: Product;
let black: Product;
let dryer: Product;

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
  const onSale = (await productsOf(harness, seller.id)).filter(
    (product) =>
      product.onSale &&
      product.availabilities.length === 2 &&
      product.availabilities.every((point) => point.available === 'yes'),
  );
  expect(onSale.length).toBeGreaterThanOrEqual(3);
  const em = harness.infrastructure.database.orm.em.fork();
  const names = ['Электрочайник Zubrix Q7 белый', 'Электрочайник Zubrix Q7 чёрный', 'Фен Quorvel Air 7'];
  for (const [index, title] of names.entries())
    await em.nativeUpdate(ProductSchema, { id: onSale[index]!.id }, { title });
  const renamed = await productsOf(harness, seller.id, { id: { $in: onSale.slice(0, 3).map(({ id }) => id) } });
  [white, black, dryer] = names.map((title) => renamed.find((product) => product.title === title)!) as [
    Product,
    Product,
    Product,
  ];
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

function buttons(message: ChatMessage): string[][] {
  const markup = message.reply_markup as { inline_keyboard: { text: string }[][] };
  return markup.inline_keyboard.map((row) => row.map((button) => button.text));
}

/** The pick list: one product per row within the row budget, no two rows alike, then «Отмена». */
function expectPickList(message: ChatMessage, count: number): void {
  const rows = buttons(message);
  expect(rows).toHaveLength(count + 1);
  for (const row of rows.slice(0, count)) {
    expect(row).toHaveLength(1);
    expect(row[0]!.length).toBeLessThanOrEqual(PICK_ROW_BUDGET);
  }
  expect(new Set(rows.slice(0, count).map(([label]) => label)).size).toBe(count);
  expect(rows.at(-1)).toEqual(['Отмена']);
}

describe('a product by name in every command that asks for one', () => {
  it('/history: one match goes on; several give pick buttons; none says what was searched', async () => {
    const { telegram } = harness;
    await say(telegram, seller, '/history air quorvel', /📈 Фен Quorvel Air 7 — сейчас/);
    // «ZUВRIХ q7»: capitals, and Cyrillic «В» and «Х» typed for the Latin letters.
    const list = await say(telegram, seller, '/history ZUВRIХ q7', /По «ZUВRIХ q7» нашлось товаров: 2/);
    expectPickList(list, 2);
    await press(telegram, seller, list, /чёрный/, /📈 Электрочайник Zubrix Q7 чёрный/);
    await say(
      telegram,
      seller,
      '/history кофемолка zubrix',
      /«кофемолка zubrix» не найден.*ни по названию, ни по SKU/s,
    );
    // The SKU still works as it did, exactly.
    await say(telegram, seller, `/history ${white.sku}`, /📈 Электрочайник Zubrix Q7 белый/);
  });

  it('/offers and /demper find the product by part of its name; /offers keeps a trailing city', async () => {
    const { telegram } = harness;
    await say(telegram, seller, '/offers фен air quorvel Астана', /Фен Quorvel Air 7 — Астана, продавцов/);
    const list = await say(telegram, seller, '/offers zubrix', /нашлось товаров: 2/);
    expectPickList(list, 2);
    await press(telegram, seller, list, /белый/, /Электрочайник Zubrix Q7 белый — Алматы, продавцов/);
    await say(telegram, seller, '/demper quorvel', /Фен Quorvel Air 7/);
    const demper = await say(telegram, seller, '/demper q7 zubrix', /нашлось товаров: 2/);
    await press(telegram, seller, demper, /чёрный/, /Электрочайник Zubrix Q7 чёрный/);
  });

  it('/price: a name and a price sends it; a name alone asks the price; several matches keep the price for the pick', async () => {
    const { telegram, sandbox } = harness;
    const merchantUid = dryer.store.merchantUid;
    const writes = sandbox.writes(merchantUid).length;
    await say(telegram, seller, `/price quorvel air ${dryer.price + 10} Алматы`, /Фен Quorvel Air 7/);
    const deadline = Date.now() + 10_000;
    while (sandbox.writes(merchantUid).length === writes && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sandbox.writes(merchantUid).length).toBeGreaterThan(writes);

    await say(telegram, seller, '/price quorvel', /Фен Quorvel Air 7\nСейчас: .*Введите новую цену/s);
    await say(telegram, seller, '/cancel', /Отменено/);

    const list = await say(telegram, seller, `/price zubrix q7 ${black.price + 10} Алматы`, /нашлось товаров: 2/);
    expectPickList(list, 2);
    const before = sandbox.writes(merchantUid).length;
    await press(telegram, seller, list, /чёрный/, /Электрочайник Zubrix Q7 чёрный/);
    const until = Date.now() + 10_000;
    while (sandbox.writes(merchantUid).length === before && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(JSON.stringify(sandbox.writes(merchantUid).slice(before))).toContain(black.sku);
  });

  it('/disable and /enable: a name, several names by commas, a pick among several', async () => {
    const { telegram } = harness;
    await say(telegram, seller, '/disable фен quorvel', /Снять с продажи 1 .*Фен Quorvel Air 7/s);
    await say(telegram, seller, '/cancel', /Отменено|нечего отменять/i);
    const list = await say(telegram, seller, '/disable электрочайник zubrix', /нашлось товаров: 2/);
    expectPickList(list, 2);
    await press(telegram, seller, list, /белый/, /Снять с продажи 1 .*Электрочайник Zubrix Q7 белый/s);
    await say(telegram, seller, `/disable ${dryer.sku}, zubrix чёрный`, /Снять с продажи 2 /);
    await say(telegram, seller, '/disable zubrix, quorvel', /подходит несколько товаров.*zubrix/s);
  });

  it('the preorder conversation takes a name and offers the matches as buttons', async () => {
    const { telegram } = harness;
    const menu = await say(telegram, seller, '/preorders', /Предзаказы · Sandbox Electronics/);
    await press(telegram, seller, menu, 'Добавить предзаказ', /название, часть названия или SKU/);
    await say(telegram, seller, 'Чайник Zubrix Q7 Max', /«Чайник Zubrix Q7 Max» не найден/);
    const list = await say(telegram, seller, 'чайник zubrix', /нашлось товаров: 2/);
    expectPickList(list, 2);
    // A forged pick of a product the list did not offer is refused, and the list still works.
    const forged = buttonData(list, /белый/).replace(/:\d+$/, `:${dryer.id}`);
    const answer = await forgeAndAwaitAnswer(telegram, seller, list.message_id, forged);
    expect(answer.payload).toMatchObject({ text: expect.stringMatching(/^Недоступно/), show_alert: true });
    const points = await press(telegram, seller, list, /белый/, /Электрочайник Zubrix Q7 белый\nНа каких точках/);
    expect(JSON.stringify(points.reply_markup)).toMatch(/Алматы, ТЦ Mega/);
    await say(telegram, seller, '/cancel', /Отменено/);
  });

  it('forged picks are refused: a product the list did not offer, another list’s token, another intent', async () => {
    const { telegram } = harness;
    const list = await say(telegram, seller, '/history zubrix', /нашлось товаров: 2/);
    const data = buttonData(list, /белый/);
    const notOffered = data.replace(/:\d+$/, `:${dryer.id}`);
    expect((await forgeAndAwaitAnswer(telegram, seller, list.message_id, notOffered)).payload).toMatchObject({
      text: expect.stringMatching(/^Недоступно/),
      show_alert: true,
    });
    // The list's own button acts once; then it, another list's token or another command's are outdated.
    await press(telegram, seller, list, /белый/, /📈 Электрочайник Zubrix Q7 белый/);
    const otherToken = data.replace(/^(1:lp:history:)[^:]+/, '$1zzzz');
    const otherIntent = data.replace('1:lp:history:', '1:lp:price:');
    for (const stale of [data, otherToken, otherIntent])
      expect((await forgeAndAwaitAnswer(telegram, seller, list.message_id, stale)).payload, stale).toMatchObject({
        text: expect.stringMatching(/устарела/),
      });
  });
});
