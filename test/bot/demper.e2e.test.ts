import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createChatNotifier } from '../../src/bot/demper-notifier.js';
import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type Product,
} from '../../src/db/entities/index.js';
import type { DemperEngine } from '../../src/demper/engine.js';
import { createDemper } from '../../src/demper/wiring.js';
import {
  harnessFollowUps,
  type BotHarness,
  buttonData,
  changedSince,
  loginAndSync,
  newUser,
  press,
  say,
  sellOnlyAtFirstPoint,
  startBotHarness,
  productButton,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

const MERCHANT = '30067228';
const ALMATY = '750000000';
let harness: BotHarness;
let engine: DemperEngine;
const seller = newUser('Динара');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
  // The demper of this process, telling the chat through the same fake Telegram.
  ({ engine } = createDemper(
    harness.infrastructure,
    createChatNotifier(harness.infrastructure),
    harnessFollowUps(harness),
    {
      verifyAfterMs: 100,
    },
  ));
  // These tests follow one market (Almaty); the per-city decisions have tests of their own.
  await sellOnlyAtFirstPoint(harness, [await product()]);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function product(): Promise<Product> {
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  const products = await em.find(ProductSchema, { store: { seller: owner }, onSale: true }, { orderBy: { id: 'ASC' } });
  // A product sold in Almaty with at least one rival there.
  return products.find((candidate) => harness.sandbox.storefront(candidate.masterSku, ALMATY).length > 1)!;
}

/** Puts the cheapest rival of the product `below` tenge under our price. */
function undercutUs(target: Product, below: number): { merchantId: string; price: number } {
  const rivals = harness.sandbox.storefront(target.masterSku, ALMATY) as {
    merchantId?: string;
    merchantUid?: string;
    price: number;
  }[];
  const rival = rivals
    .map((offer) => ({ id: String(offer.merchantId ?? offer.merchantUid), price: offer.price }))
    .find((offer) => offer.id !== MERCHANT)!;
  const price = target.price - below;
  harness.sandbox.setRivalPrice(target.masterSku, ALMATY, rival.id, price);
  for (const other of rivals) {
    const id = String(other.merchantId ?? other.merchantUid);
    if (id !== MERCHANT && id !== rival.id && other.price <= price)
      harness.sandbox.setRivalPrice(target.masterSku, ALMATY, id, price + 500);
  }
  return { merchantId: rival.id, price };
}

describe('the demper from the chat', () => {
  it('refuses settings without a floor or with bad values, then takes them in one message', async () => {
    const { telegram } = harness;
    const target = await product();
    await say(
      telegram,
      seller,
      '/demper',
      /Демпер магазина Sandbox Electronics выключен.*Чтобы включить демпер для товара/s,
    );
    await say(telegram, seller, `/demper ${target.sku} on`, /Без минимальной цены демпер не включится/);
    await say(telegram, seller, `/demper ${target.sku} on min=abc`, /min=abc — не цена/);
    await say(
      telegram,
      seller,
      `/demper ${target.sku} on min=5000 max=1000`,
      /Минимум 5\u202f000\u00a0₸ больше максимума 1\u202f000\u00a0₸/,
    );
    await say(telegram, seller, `/demper ${target.sku} on min=${target.price - 3000} step=0`, /шаг должен быть целым/);
    await say(telegram, seller, `/demper ${target.sku} frobnicate`, /Не понял «frobnicate»/);
    const floor = target.price - 2000;
    await say(
      telegram,
      seller,
      `/demper ${target.sku} on min=${floor} max=${target.price + 5000} step=10`,
      /Демпер включён: первое место/,
    );
    const saved = await harness.infrastructure.database.orm.em.fork().findOneOrFail(ProductSchema, target.id);
    expect(saved).toMatchObject({
      demperEnabled: true,
      minPrice: floor,
      maxPrice: target.price + 5000,
      step: 10,
      stepIsPercent: false,
    });
    // With the store's demper off nothing moves the price: no warning.
    await say(telegram, seller, `/demper ${target.sku} min=${target.price + 1000}`, /Демпер включён/);
    await say(telegram, seller, `/demper ${target.sku} min=${floor}`, /Демпер включён/);
    // Running, a floor above today's price or a ceiling below it moves the price at the next check: said at once.
    const em = harness.infrastructure.database.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true });
    await say(
      telegram,
      seller,
      `/demper ${target.sku} min=${target.price + 1000}`,
      /текущая цена .* ниже нового минимума — при следующей проверке демпер поднимет её не ниже/,
    );
    await say(
      telegram,
      seller,
      `/demper ${target.sku} min=${floor} max=${target.price - 500}`,
      /выше нового максимума — при следующей проверке демпер опустит её не выше/,
    );
    // In trial mode it only proposes.
    await em.nativeUpdate(StoreSchema, { id: target.store.id }, { demperDryRun: true });
    await say(
      telegram,
      seller,
      `/demper ${target.sku} min=${target.price + 1000} max=-`,
      /ниже нового минимума — в пробном режиме демпер предложит поднять её/,
    );
    await em.nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: false, demperDryRun: false });
    await say(telegram, seller, `/demper ${target.sku} min=${floor} max=${target.price + 5000}`, /Демпер включён/);
    const warnings = telegram
      .messages(seller.id)
      .filter((message) => message.from === 'bot' && /нового (минимума|максимума)/.test(message.text ?? ''));
    expect(warnings).toHaveLength(3);
  });

  it('turns the store on, cuts under a cheaper rival, sends one digest with the reason, and rolls back', async () => {
    const { telegram, sandbox } = harness;
    const target = await product();
    const overview = await say(telegram, seller, '/demper', /выключен/);
    await press(telegram, seller, overview, '▶️ Включить', /Демпер магазина Sandbox Electronics включён/);
    const rival = undercutUs(target, 500);

    const digestArrives = changedSince(telegram, seller.id, /Демпер · Sandbox Electronics: изменено цен — 1/);
    const summary = await engine.runOnce();
    expect(summary.sent).toBe(1);
    const digest = await telegram.waitForBotMessage(seller.id, digestArrives);
    expect(digest.text).toContain(`→ ${(rival.price - 10).toLocaleString('ru-RU').replace(/\s/g, '\u202f')}`);
    expect(digest.text).toMatch(/дешевле, чтобы быть первыми/);
    const writes = sandbox.writes(MERCHANT).filter((write) => JSON.stringify(write.body).includes(target.sku));
    expect(writes.at(-1)!.body).toEqual([
      expect.objectContaining({
        sku: target.sku,
        cityPrices: expect.arrayContaining([{ cityId: ALMATY, value: rival.price - 10 }]),
      }),
    ]);

    await new Promise((resolve) => setTimeout(resolve, 400)); // Kaspi applies the write
    const ask = await press(
      telegram,
      seller,
      digest,
      'Вернуть прежние цены',
      /Вернуть цены, которые были до последней проверки демпера/,
    );
    // «Да» names the cycle it previewed: a confirmation of any other cycle undoes nothing.
    const yes = buttonData(ask, 'Да, вернуть');
    const [, , storeArg, lastId] = yes.split(':');
    const writesBeforeStale = sandbox.writes(MERCHANT).length;
    for (const other of [Number(lastId) + 1, 0, 'abc', '']) {
      const stale = changedSince(telegram, seller.id, /эта кнопка устарела/);
      await telegram.forgeCallback(seller, overview.message_id, `1:dry:${storeArg}:${other}`);
      await telegram.waitForBotMessage(seller.id, stale);
    }
    expect(sandbox.writes(MERCHANT).length).toBe(writesBeforeStale);
    expect(
      (await harness.infrastructure.database.orm.em.fork().findOneOrFail(StoreSchema, target.store.id)).demperEnabled,
    ).toBe(true); // an outdated button changes nothing
    await press(telegram, seller, ask, 'Да, вернуть', /демпер остановлен, цены возвращены — 1/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sandbox.catalogue(MERCHANT).find((offer) => offer.sku === target.sku)!.price).toBe(target.price);
    const em = harness.infrastructure.database.orm.em.fork();
    expect((await em.findOneOrFail(StoreSchema, target.store.id)).demperEnabled).toBe(false);
    // The rollback's own read-back settles it once Kaspi shows it (and moves our copy of the offer).
    await harness.settled(20_000);
    const changes = await em.find(PriceChangeSchema, { product: target.id }, { orderBy: { id: 'ASC' } });
    // The rollback's fresh read settled the demper's change as applied; nothing is left waiting to mis-alert.
    expect(changes.map((change) => [change.source, change.status])).toEqual([
      ['demper', 'applied'],
      ['rollback', 'applied'],
    ]);
  });

  it('in trial mode proposes with ✅/❌, re-checks the market on ✅, and refuses an expired proposal', async () => {
    const { telegram, sandbox } = harness;
    const target = await product();
    const em = harness.infrastructure.database.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true, demperDryRun: true });
    await em.nativeUpdate(ProductSchema, { id: target.id }, { nextCheckAt: new Date(0) });
    await engine.runOnce(); // settles the rollback's read-back first
    const rival = undercutUs(await product(), 300);
    await em.nativeUpdate(ProductSchema, { id: target.id }, { nextCheckAt: new Date(0) });
    const proposal = changedSince(telegram, seller.id, /пробный режим/);
    const writesBefore = sandbox.writes(MERCHANT).length;
    await engine.runOnce();
    const digest = await telegram.waitForBotMessage(seller.id, proposal);
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore);

    const yes = buttonData(digest, '✅ 1.');
    const [, , productId, price] = yes.split(':');
    await telegram.forgeCallback(
      seller,
      digest.message_id,
      `1:py:${productId}:${price}:${(Math.floor(Date.now() / 60_000) % 100_000) - 45}`,
    );
    await telegram.waitForCall(
      (call) => call.method === 'answerCallbackQuery' && /устарело/.test(String(call.payload.text)),
    );
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore);

    const sent = await press(telegram, seller, digest, '✅ 1.', /отправил/);
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore + 1);
    expect(JSON.stringify(sandbox.writes(MERCHANT).at(-1)!.body)).toContain(
      `{"cityId":"${ALMATY}","value":${rival.price - 10}}`,
    );
    // Decided once: its ✅/❌ left the digest; a repeat tap (a stale client) sends nothing and says so.
    const decided = telegram.messages(seller.id).find((message) => message.message_id === digest.message_id)!;
    expect(JSON.stringify(decided.reply_markup ?? {})).not.toMatch(new RegExp(`"1:p[yn]:${productId}(:|")`));
    const repeated = changedSince(telegram, seller.id, /уже отправлена|уже стоит/);
    await telegram.forgeCallback(seller, digest.message_id, yes);
    await telegram.waitForBotMessage(seller.id, repeated, { timeoutMs: 15_000 });
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore + 1);
    // «⏳ отправил» becomes what Kaspi shows, as a manual price does.
    await telegram.waitForBotMessage(
      seller.id,
      (message) => message.message_id === sent.message_id && /Kaspi применил цену/.test(message.text ?? ''),
      { timeoutMs: 20_000 },
    );
    // With notifications off no proposal can arrive: /demper says so instead of a trial mode that does nothing.
    await em.nativeUpdate(SellerSchema, { telegramUserId: seller.id }, { notifyLevel: 'off' });
    await say(
      telegram,
      seller,
      '/demper',
      /Пробный режим.*уведомления выключены, и предложения не приходят.*\/settings/s,
    );
    await em.nativeUpdate(SellerSchema, { telegramUserId: seller.id }, { notifyLevel: 'all' });
  });

  it('the panic button stops the store at once; /history lists reasons and sends a chart', async () => {
    const { telegram } = harness;
    const target = await product();
    const overview = await say(telegram, seller, '/demper', /Демпер магазина/);
    await press(telegram, seller, overview, 'Остановить демпер', /Демпер магазина Sandbox Electronics остановлен/);
    expect(
      (await harness.infrastructure.database.orm.em.fork().findOneOrFail(StoreSchema, target.store.id)).demperEnabled,
    ).toBe(false);

    const since = telegram.calls.length;
    await say(telegram, seller, `/history ${target.sku}`, /История|📈/);
    const photo = await telegram.waitForCall((call) => call.method === 'sendPhoto', { since, timeoutMs: 15_000 });
    expect(photo.ok).toBe(true);
    const history = telegram
      .messages(seller.id)
      .filter((message) => message.from === 'bot' && /📈/.test(message.text ?? ''))
      .at(-1)!;
    expect(history.text).toMatch(/демпер, применено|демпер, отправлено/);
    expect(history.text).toMatch(/возврат цен/);
    const chart = telegram
      .messages(seller.id)
      .filter((message) => message.photo)
      .at(-1)!;
    expect(chart.photo!.data.subarray(1, 4).toString()).toBe('PNG');
    // The PNG's own header (IHDR) says how wide it is: a phone-sized 1080 px.
    expect(chart.photo!.data.toString('latin1', 12, 16)).toBe('IHDR');
    expect(chart.photo!.data.readUInt32BE(16)).toBe(1080);
    expect(chart.photo!.data.readUInt32BE(20)).toBe(810);
    expect(chart.caption).toMatch(/^Цена за \d+ (ч|день|дня|дней): .*самый дешёвый конкурент — оранжевая/);

    // «📈 История» on the product's card sends the same chart.
    const found = await say(telegram, seller, `/products ${target.sku}`, /Поиск/);
    const card = await press(telegram, seller, found, productButton(found, target.id), /Цена:/);
    const photos = telegram.messages(seller.id).filter((message) => message.photo).length;
    await press(telegram, seller, card, /История/, /📈/);
    await expect
      .poll(() => telegram.messages(seller.id).filter((message) => message.photo).length, { timeout: 15_000 })
      .toBe(photos + 1);
    const fromCard = telegram
      .messages(seller.id)
      .filter((message) => message.photo)
      .at(-1)!;
    expect(fromCard.photo!.data.readUInt32BE(16)).toBe(1080);
    expect(fromCard.caption).toMatch(/^Цена за /);

    // The same history read in English tells the demper's reasons in English, not as they were recorded.
    const em = harness.infrastructure.database.orm.em.fork();
    await em.nativeUpdate(SellerSchema, { telegramUserId: seller.id }, { language: 'en' });
    try {
      const english = await say(telegram, seller, `/history ${target.sku}`, /repricer, applied/);
      expect(english.text).toMatch(/to be first/);
      expect(english.text).not.toMatch(/чтобы быть первыми|Изменено вручную|Возврат цен/);
    } finally {
      await em.nativeUpdate(SellerSchema, { telegramUserId: seller.id }, { language: 'ru' });
    }
  });

  it('a rollback below today’s minimum is marked in the preview, refused, and named in the result', async () => {
    const { telegram, sandbox } = harness;
    const target = await product();
    const em = harness.infrastructure.database.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true, demperDryRun: false });
    await em.nativeUpdate(
      ProductSchema,
      { id: target.id },
      { demperEnabled: true, minPrice: target.price - 3000, maxPrice: null, nextCheckAt: new Date(0) },
    );
    await engine.runOnce(); // settles earlier read-backs
    const now = await product();
    undercutUs(now, 500);
    await em.nativeUpdate(ProductSchema, { id: target.id }, { nextCheckAt: new Date(0) });
    const digestArrives = changedSince(telegram, seller.id, /Демпер · Sandbox Electronics: изменено цен — 1/);
    await engine.runOnce();
    const digest = await telegram.waitForBotMessage(seller.id, digestArrives);
    // Since the cut, the seller raised the minimum above the price the cycle started from.
    await em.nativeUpdate(ProductSchema, { id: target.id }, { minPrice: now.price + 100 });
    const ask = await press(
      telegram,
      seller,
      digest,
      'Вернуть прежние цены',
      /Вернуть цены, которые были до последней проверки демпера/,
    );
    expect(ask.text).toMatch(/ниже минимума .* — не вернём/);
    const writes = sandbox.writes(MERCHANT).length;
    const result = await press(telegram, seller, ask, 'Да, вернуть', /цены возвращены — 0\. Не удалось: 1/);
    expect(result.text).toContain(`• ${now.title}: ниже минимума`);
    expect(sandbox.writes(MERCHANT).length).toBe(writes);
  });

  it('the settings conversation from a card takes bad input until consistent settings', async () => {
    const { telegram } = harness;
    const target = await product();
    const list = await say(telegram, seller, `/products ${target.sku}`, /Поиск/);
    const card = await press(telegram, seller, list, productButton(list, target.id), /Цена:/);
    await press(telegram, seller, card, 'Демпер', /Напишите настройки одной строкой/);
    await say(telegram, seller, 'сделай дешевле', /Не понял/);
    await say(telegram, seller, 'min=100 max=50', /Минимум .* больше максимума/);
    await say(telegram, seller, `off step=2%`, /Демпер выключен .*шаг 2%/s);
  });
});
