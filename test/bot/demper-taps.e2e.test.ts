import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mainCityOf, priceIn } from '../../src/catalog/city-prices.js';
import { formatPrice } from '../../src/bot/replies/format.js';
import { ProductSchema, type Product, type Store } from '../../src/db/entities/index.js';
import { floorBelow } from '../../src/demper/settings-values.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  buttonData,
  loginAndSync,
  loginBySms,
  newUser,
  press,
  productsOf,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

/** A product's demper settings by tapping, one value at a time, and in one line with any language's keywords. */
let harness: BotHarness;
const seller = newUser('Жанар');
const stranger = newUser('Бауыржан');
const DENIED =
  'Недоступно: этот магазин или товар удалён или принадлежит другому продавцу. Откройте список заново: /products или /stores.';

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
  await loginBySms(harness, stranger, '+7 701 000 00 02', /Sandbox Home/);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const em = () => harness.infrastructure.database.orm.em.fork();
const products = async () => (await productsOf(harness, seller.id, { removedAt: null })).sort((a, b) => a.id - b.id);
const fresh = (id: number) =>
  em().findOneOrFail(ProductSchema, id, { populate: ['store'] }) as Promise<Product & { store: Store }>;
const tenge = (value: number) => formatPrice(value);
const current = (message: ChatMessage) =>
  harness.telegram.messages(seller.id).find((each) => each.message_id === message.message_id)!;

/** Every row of a keyboard fits a phone: at most two buttons of ≤ 14 characters, or one of ≤ 30. */
function fitsAPhone(message: ChatMessage): void {
  const rows = (message.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard;
  for (const row of rows) {
    expect(row.length, JSON.stringify(row)).toBeLessThanOrEqual(2);
    for (const button of row)
      expect([...button.text].length, button.text).toBeLessThanOrEqual(row.length === 1 ? 30 : 14);
  }
}

/** A press of `data` under `message` by `user`; resolves with the callback's answer. */
async function forged(user: typeof seller, message: ChatMessage, data: string) {
  const { telegram } = harness;
  const since = telegram.calls.length;
  const queryId = await telegram.forgeCallback(user, message.message_id, data);
  return telegram.waitForCall(
    (call) => call.method === 'answerCallbackQuery' && call.payload.callback_query_id === queryId,
    { since },
  );
}

describe('demper settings by tapping', () => {
  it('each button changes the stored setting and the same message shows it', async () => {
    const { telegram } = harness;
    const target = (await products())[0]!;
    let view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    fitsAPhone(view);

    // On before any floor: said, nothing saved.
    const since = telegram.calls.length;
    await telegram.pressButton(seller, view.message_id, buttonData(view, '▶️ Включить'));
    const refusal = await telegram.waitForCall((call) => call.method === 'answerCallbackQuery', { since });
    expect(refusal.payload).toMatchObject({ text: expect.stringMatching(/Сначала задайте минимум/), show_alert: true });
    expect((await fresh(target.id)).demperEnabled).toBe(false);

    const before = await fresh(target.id);
    const floor = floorBelow(priceIn(before, mainCityOf(before, before.store.points)), 5);
    expect(floor).toBeLessThan(before.price);
    view = await press(telegram, seller, view, 'Мин −5 %', new RegExp(`мин\\. ${tenge(floor)}`));
    expect(view.message_id).toBe(current(view).message_id);
    expect((await fresh(target.id)).minPrice).toBe(floor);

    view = await press(telegram, seller, view, '▶️ Включить', /Демпер включён: первое место/);
    expect((await fresh(target.id)).demperEnabled).toBe(true);
    fitsAPhone(view);

    const strategies = await press(telegram, seller, view, '🎯 Стратегия', /Как демперу держать цену/);
    fitsAPhone(strategies);
    view = await press(telegram, seller, strategies, '2-е место', /Демпер включён: 2-е место/);
    expect(await fresh(target.id)).toMatchObject({ strategy: 'target_place', targetPlace: 2 });

    const steps = await press(telegram, seller, view, '👣 Шаг', /На сколько дешевле/);
    fitsAPhone(steps);
    view = await press(telegram, seller, steps, tenge(100), new RegExp(`шаг ${tenge(100)}`));
    expect(await fresh(target.id)).toMatchObject({ step: 100, stepIsPercent: false });

    const floor10 = floorBelow(priceIn(before, mainCityOf(before, before.store.points)), 10);
    view = await press(telegram, seller, view, 'Мин −10 %', new RegExp(`мин\\. ${tenge(floor10)}`));
    expect((await fresh(target.id)).minPrice).toBe(floor10);

    view = await press(telegram, seller, view, '⏸ Выключить', /Демпер выключен/);
    expect((await fresh(target.id)).demperEnabled).toBe(false);
    // Every one of these was the same message, edited in place.
    expect(telegram.messages(seller.id).filter((message) => message.message_id === view.message_id)).toHaveLength(1);
  });

  it('a city of its own: its floor goes to that city only, and «Как у товара» takes them back', async () => {
    const { telegram } = harness;
    const target = (await products())[1]!;
    await say(telegram, seller, `/demper ${target.sku} мин=${target.price - 5000}`, /Демпер выключен/);
    let view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    const cities = await press(telegram, seller, view, '🏙 Город', /Для какого города/);
    fitsAPhone(cities);
    const astanaData = buttonData(cities, /Астана/);
    const astana = astanaData.split(':').at(-1)!;
    view = await press(telegram, seller, cities, /Астана/, /кнопки ниже меняют только этот город/);
    fitsAPhone(view);
    expect(() => buttonData(view, '1 %')).toThrow();
    const product = await fresh(target.id);
    const floor = floorBelow(priceIn(product, astana), 10);
    view = await press(telegram, seller, view, 'Мин −10 %', new RegExp(`Астана: мин\\. ${tenge(floor)}`));
    const saved = await fresh(target.id);
    expect(saved.cityOverrides?.[astana]).toMatchObject({ minPrice: floor });
    expect(saved.minPrice).toBe(target.price - 5000);
    view = await press(telegram, seller, view, 'Как у товара', new RegExp(`мин\\. ${tenge(target.price - 5000)}`));
    expect((await fresh(target.id)).cityOverrides?.[astana]).toBeUndefined();
  });

  it('the card’s «⚙️ Настроить» opens the same view', async () => {
    const { telegram } = harness;
    const target = (await products())[2]!;
    const view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    const card = await press(telegram, seller, view, '« К товару', /Цена:/);
    expect(buttonData(card, '⚙️ Настроить')).toBe(`1:dt:${target.id}:v`);
    const opened = await press(telegram, seller, card, '⚙️ Настроить', /Нажмите кнопку, чтобы изменить настройку/);
    expect(buttonData(opened, 'Мин −5 %')).toBe(`1:dt:${target.id}:f:5`);
  });

  it('asks one value at a time, says what is wrong in words, and saves at the end', async () => {
    const { telegram } = harness;
    const target = (await products())[3]!;
    const view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    const askMin = await press(telegram, seller, view, '📝 Пошагово', /\(1\/3\) Минимум/);
    fitsAPhone(askMin);
    await say(telegram, seller, 'abc', /«abc» — не цена/);
    await say(telegram, seller, '-500', /Цена не может быть отрицательной/);
    const floor = target.price - 3000;
    const askMax = await say(telegram, seller, String(floor), /\(2\/3\) Максимум/);
    fitsAPhone(askMax);
    await say(telegram, seller, String(floor - 1000), /Максимум .* ниже минимума/);
    await say(telegram, seller, String(target.price + 4000), /\(3\/3\) Шаг/);
    await say(telegram, seller, '50%', /не шаг/);
    const askStep = telegram.lastBotMessage(seller.id)!;
    const askEnable = await press(
      telegram,
      seller,
      telegram.messages(seller.id).findLast((message) => /\(3\/3\) Шаг/.test(message.text ?? '')) ?? askStep,
      'Пропустить',
      /Включить демпер для этого товара сейчас/,
    );
    // Nothing is saved before the last answer.
    expect((await fresh(target.id)).minPrice).toBeNull();
    const done = await press(telegram, seller, askEnable, '▶️ Включить', /✅ .*Демпер включён/s);
    expect(buttonData(done, 'Мин −5 %')).toBe(`1:dt:${target.id}:f:5`);
    expect(await fresh(target.id)).toMatchObject({
      demperEnabled: true,
      minPrice: floor,
      maxPrice: target.price + 4000,
      step: target.step,
    });
    // Its buttons pressed after it ended are outdated, not acted on.
    const late = await forged(seller, askEnable, buttonData(askEnable, 'Не сейчас'));
    expect(late.payload).toMatchObject({ text: expect.stringMatching(/устарела/) });
  });

  it('«Отмена» in the conversation saves nothing', async () => {
    const { telegram } = harness;
    const target = (await products())[4]!;
    const view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    const ask = await press(telegram, seller, view, '✏️ Свой мин.', /\(1\/1\) Минимум/);
    await press(telegram, seller, ask, 'Отмена', /Отменено|отменен/i);
    await say(telegram, seller, String(target.price - 100), /./);
    expect((await fresh(target.id)).minPrice).toBeNull();
  });

  it('refuses forged and outdated buttons: another seller’s product, a value no button carries, a city not the store’s', async () => {
    const { telegram } = harness;
    const target = (await products())[5]!;
    const view = await say(telegram, seller, `/demper ${target.sku}`, /Демпер выключен/);
    const own = await say(telegram, stranger, '/start', /С возвращением/);
    for (const data of [`1:dt:${target.id}:f:5`, `1:dt:${target.id}:on`, `1:dt:${target.id}:v`])
      expect((await forged(stranger, own, data)).payload).toMatchObject({ text: DENIED, show_alert: true });
    for (const data of [
      `1:dt:${target.id}:f:50`,
      `1:dt:${target.id}:t:7`,
      `1:dt:${target.id}:s:zz`,
      `1:dt:${target.id}:f:5:123456789`,
      `1:dt:${target.id}:on::750000000`,
      `1:dt:${target.id}:frob`,
    ])
      expect((await forged(seller, view, data)).payload, data).toMatchObject({ text: DENIED, show_alert: true });
    expect(await fresh(target.id)).toMatchObject({ minPrice: null, demperEnabled: false, step: target.step });
  });
});

describe('one line with any language’s keywords', () => {
  it('Kazakh, Russian and English keywords all work for a Russian-speaking seller', async () => {
    const { telegram } = harness;
    const target = (await products())[6]!;
    const floor = target.price - 2000;
    await say(telegram, seller, `/demper ${target.sku} қосу мин=${floor} қадам=5`, /Демпер включён/);
    expect(await fresh(target.id)).toMatchObject({ demperEnabled: true, minPrice: floor, step: 5 });
    await say(telegram, seller, `/demper ${target.sku} орын=2`, /2-е место/);
    await say(telegram, seller, `/demper ${target.sku} mode=көшбасшы max=${target.price + 1000}`, /цена лидера/);
    expect(await fresh(target.id)).toMatchObject({ strategy: 'match_leader', maxPrice: target.price + 1000 });
    await say(telegram, seller, `/demper ${target.sku} өшіру`, /Демпер выключен/);
    expect((await fresh(target.id)).demperEnabled).toBe(false);
  });
});
