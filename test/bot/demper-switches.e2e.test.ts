import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatPrice } from '../../src/bot/replies/format.js';
import { ProductSchema, SellerSchema, StoreSchema, type Product, type Store } from '../../src/db/entities/index.js';
import { findDueProducts } from '../../src/demper/due.js';
import { storesWithDemperWork } from '../../src/demper/scheduler.js';
import { demperSettingsOf } from '../../src/demper/settings.js';
import { applyImport } from '../../src/excel/import-apply.js';
import {
  buttonData,
  changedSince,
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

/**
 * Floors and switches that say what they do (issue 15, item 8) and the store's rival filters (item 5), from the
 * chat as a seller meets them. The demper ticks every 5 minutes here, so «в течение 5 мин.» comes from DEMPER_CRON.
 */
let harness: BotHarness;
const seller = newUser('Асель');
const stranger = newUser('Ерлан');
const DENIED =
  'Недоступно: этот магазин или товар удалён или принадлежит другому продавцу. Откройте список заново: /products или /stores.';
const HOUR = 60 * 60_000;

beforeAll(async () => {
  harness = await startBotHarness({
    logger: captureLogger('warn').logger,
    productsPerMerchant: 32,
    env: { DEMPER_CRON: '*/5 * * * *' },
  });
  await loginAndSync(harness, seller);
  await loginBySms(harness, stranger, '+7 701 000 00 02', /Sandbox Home/);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const em = () => harness.infrastructure.database.orm.em.fork();
const products = async () => (await productsOf(harness, seller.id, { removedAt: null })).sort((a, b) => a.id - b.id);
const fresh = (id: number) => em().findOneOrFail(ProductSchema, id, { populate: ['store'] });
const storeOf = async (): Promise<Store> =>
  em().findOneOrFail(StoreSchema, { seller: await em().findOneOrFail(SellerSchema, { telegramUserId: seller.id }) });
const tenge = (value: number) => formatPrice(value);

/** A forged press of `data` by the stranger: the usual refusal, as an alert. */
async function strangerPresses(data: string): Promise<void> {
  const { telegram } = harness;
  const own = await say(telegram, stranger, '/start', /С возвращением/);
  const since = telegram.calls.length;
  const queryId = await telegram.forgeCallback(stranger, own.message_id, data);
  const answer = await telegram.waitForCall(
    (call) => call.method === 'answerCallbackQuery' && call.payload.callback_query_id === queryId,
    { since },
  );
  expect(answer.payload).toMatchObject({ text: DENIED, show_alert: true });
}

describe('floors and switches that say what they do', () => {
  it('a floor typed under 10 ₸ becomes 10 ₸ and the same reply says so; junk and a ceiling under 10 ₸ are refused', async () => {
    const { telegram } = harness;
    const [target, other] = await products();
    const reply = await say(telegram, seller, `/demper ${target!.sku} мин=5`, /Демпер выключен/);
    expect(reply.text).toContain(`Минимум ${tenge(5)} ниже минимальной цены Kaspi — поставили ${tenge(10)}.`);
    expect((await fresh(target!.id)).minPrice).toBe(10);
    await say(
      telegram,
      seller,
      `/demper ${target!.sku} min=9`,
      new RegExp(`Минимум ${tenge(9)} ниже минимальной цены Kaspi — поставили ${tenge(10)}\\.`),
    );
    for (const junk of ['abc', '0', '-5', '5.5'])
      await say(
        telegram,
        seller,
        `/demper ${target!.sku} мин=${junk}`,
        new RegExp(`min=${junk.replace('.', '\\.')} — не цена`),
      );
    await say(telegram, seller, `/demper ${target!.sku} мин=5 макс=9`, /max=9 — не цена/);
    expect(await fresh(target!.id)).toMatchObject({ minPrice: 10, maxPrice: null });

    // The settings conversation says the same.
    const view = await say(telegram, seller, `/demper ${other!.sku}`, /Демпер выключен/);
    await press(telegram, seller, view, '⌨️ Текстом', /Демпер: выключен/);
    await say(
      telegram,
      seller,
      'мин=7',
      new RegExp(`✅ .*Минимум ${tenge(7)} ниже минимальной цены Kaspi — поставили ${tenge(10)}\\.`, 's'),
    );
    expect((await fresh(other!.id)).minPrice).toBe(10);
  });

  it('enabling while the store’s switch is off says so, with a button that switches the store on and brings checks within one tick', async () => {
    const { telegram } = harness;
    const all = await products();
    const [target, waiting] = [all[2]!, all[3]!];
    const store = await storeOf();
    expect(store.demperEnabled).toBe(false);
    // Another product already on, next checked in two hours.
    await em().nativeUpdate(
      ProductSchema,
      { id: waiting.id },
      { demperEnabled: true, minPrice: waiting.price - 1000, nextCheckAt: new Date(Date.now() + 2 * HOUR) },
    );

    const reply = await say(telegram, seller, `/demper ${target.sku} вкл мин=${target.price - 1000}`, /Демпер включён/);
    expect(reply.text).toContain(
      '⏸ Демпер магазина Sandbox Electronics выключен: пока он выключен, товары не проверяются.',
    );
    expect(reply.text).not.toMatch(/Первая проверка/);
    const data = buttonData(reply, '▶️ Включить демпер магазина');
    expect(data).toBe(`1:dm:${store.id}:on:p`);
    expect(await storesWithDemperWork(harness.infrastructure.database.orm, new Date())).not.toContain(store.id);

    // Someone else's press of the same button, or of a garbage id, changes nothing.
    await strangerPresses(data);
    await strangerPresses(`1:dm:abc:on:p`);
    expect((await storeOf()).demperEnabled).toBe(false);

    const since = telegram.calls.length;
    await press(
      telegram,
      seller,
      reply,
      '▶️ Включить демпер магазина',
      /▶️ Демпер магазина Sandbox Electronics включён\.\nТоваров с демпером: 2\. Первая проверка — в течение 5 мин\./,
    );
    expect(telegram.calls.slice(since).find((call) => call.method === 'answerCallbackQuery')!.payload).toMatchObject({
      text: 'Демпер включён',
    });
    expect((await storeOf()).demperEnabled).toBe(true);
    // Both products are due now: the next tick picks the store and them.
    const now = new Date(Date.now() + 1000);
    for (const id of [target.id, waiting.id])
      expect((await fresh(id)).nextCheckAt!.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(await storesWithDemperWork(harness.infrastructure.database.orm, now)).toContain(store.id);
    expect((await findDueProducts(em(), now, 100, store.id)).map((product) => product.id).sort()).toEqual(
      [target.id, waiting.id].sort(),
    );
    // The reply keeps its other buttons; only the store's one has left it.
    const after = telegram.messages(seller.id).find((message) => message.message_id === reply.message_id)!;
    expect(() => buttonData(after, 'Включить демпер магазина')).toThrow();
    expect(buttonData(after, '⌨️ Текстом')).toBe(`1:dp:${target.id}`);
  });

  it('with both switches on, enabling says when the first check comes; the settings conversation and the /demper switch do too', async () => {
    const { telegram } = harness;
    const all = await products();
    const [target, viaConversation] = [all[4]!, all[5]!];
    const reply = await say(telegram, seller, `/demper ${target.sku} вкл мин=${target.price - 1000}`, /Демпер включён/);
    expect(reply.text).toContain('Первая проверка — в течение 5 мин.');
    expect(reply.text).not.toMatch(/выключен/);
    expect(() => buttonData(reply, 'Включить демпер магазина')).toThrow();
    expect((await fresh(target.id)).nextCheckAt!.getTime()).toBeLessThanOrEqual(Date.now());

    // The store off again from /demper; the conversation then says so, with the same button.
    const panel = await say(telegram, seller, '/demper', /Демпер магазина Sandbox Electronics включён/);
    await press(telegram, seller, panel, '⏸ Выключить', /Демпер магазина Sandbox Electronics выключен/);
    const view = await say(telegram, seller, `/demper ${viaConversation.sku}`, /Демпер выключен/);
    await press(telegram, seller, view, '⌨️ Текстом', /Демпер: выключен/);
    const saved = await say(telegram, seller, `вкл мин=${viaConversation.price - 1000}`, /✅ .*Демпер включён/s);
    expect(saved.text).toContain('Демпер магазина Sandbox Electronics выключен');
    expect(buttonData(saved, '▶️ Включить демпер магазина')).toBe(`1:dm:${(await storeOf()).id}:on:p`);

    // Checks far away come within one tick when the store is switched on from the /demper panel.
    await em().nativeUpdate(
      ProductSchema,
      { store: (await storeOf()).id, demperEnabled: true },
      { nextCheckAt: new Date(Date.now() + 3 * HOUR) },
    );
    const off = await say(telegram, seller, '/demper', /Демпер магазина Sandbox Electronics выключен/);
    const on = await press(telegram, seller, off, '▶️ Включить', /Демпер магазина Sandbox Electronics включён/);
    expect(on.text).toContain('Товаров с включённым демпером: 4 из');
    expect(on.text).toContain('Первая проверка — в течение 5 мин.');
    const enabled = await em().find(ProductSchema, { store: (await storeOf()).id, demperEnabled: true });
    expect(enabled).toHaveLength(4);
    for (const product of enabled) expect(product.nextCheckAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('an Excel «Минимум» under 10 ₸ becomes 10 ₸ in the preview; products switched on there hear about the store’s switch', async () => {
    const { telegram } = harness;
    const target = (await products())[6]!;
    await em().nativeUpdate(StoreSchema, { id: (await storeOf()).id }, { demperEnabled: false });
    const exported = changedSince(telegram, seller.id, /Товаров: \d+\. Измените цену/);
    await telegram.sendText(seller, '/export');
    const file = await telegram.waitForBotMessage(seller.id, exported, { timeoutMs: 15_000 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.document!.data as never);
    const sheet = workbook.worksheets[0]!;
    sheet.eachRow((row) => {
      if (row.getCell(1).value !== target.sku) return;
      row.getCell(5).value = 5; // «Минимум»
      row.getCell(8).value = 'да'; // «Демпер»
    });
    const previewed = changedSince(telegram, seller.id, /Изменится товаров: 1/);
    await telegram.sendDocument(
      seller,
      'products.xlsx',
      Buffer.from(await workbook.xlsx.writeBuffer()),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const preview = await telegram.waitForBotMessage(seller.id, previewed, { timeoutMs: 20_000 });
    expect(preview.text).toContain(
      `мин. ${tenge(10)}, минимум ${tenge(5)} ниже минимальной цены Kaspi — будет ${tenge(10)}`,
    );
    const note = changedSince(telegram, seller.id, /Демпер магазина Sandbox Electronics выключен: пока он выключен/);
    await press(telegram, seller, preview, 'Применить (1)', /Готово\. Настройки демпера — 1/, 30_000);
    const told = await telegram.waitForBotMessage(seller.id, note);
    expect(await fresh(target.id)).toMatchObject({ minPrice: 10, demperEnabled: true });
    await press(
      telegram,
      seller,
      told,
      '▶️ Включить демпер магазина',
      /Демпер магазина Sandbox Electronics включён\.\nТоваров с демпером: 5\. Первая проверка — в течение 5 мин\./,
    );
  });

  it('an import switching on a few products checks them on the next tick; more than 20 at once spread their first checks', async () => {
    const store = await storeOf();
    const off = (await products()).filter((product) => !product.demperEnabled);
    expect(off.length).toBeGreaterThan(20);
    const switchOn = (list: Product[]) =>
      list.map((product) => ({
        productId: product.id,
        sku: product.sku,
        title: product.title,
        demperEnabled: true,
        minPrice: product.price - 1000,
      }));
    // Far-away checks first: the import itself must bring them forward (or spread them), whatever was there.
    await em().nativeUpdate(
      ProductSchema,
      { id: { $in: off.map((product) => product.id) } },
      { nextCheckAt: new Date(Date.now() + 5 * HOUR) },
    );
    const before = Date.now();
    const few = await applyImport(harness.deps, store.id, switchOn(off.slice(0, 2)), 'test');
    expect(few.demper).toEqual({ switchedOn: 2, spreadSeconds: 0 });
    for (const product of off.slice(0, 2))
      expect((await fresh(product.id)).nextCheckAt!.getTime()).toBeLessThanOrEqual(Date.now());

    const many = off.slice(2);
    expect(many.length).toBeGreaterThan(20);
    const bulk = await applyImport(harness.deps, store.id, switchOn(many), 'test');
    expect(bulk.demper).toEqual({ switchedOn: many.length, spreadSeconds: 900 });
    const checks = await Promise.all(many.map(async (product) => (await fresh(product.id)).nextCheckAt!.getTime()));
    for (const at of checks) expect(at).toBeGreaterThanOrEqual(before - 1000);
    for (const at of checks) expect(at).toBeLessThan(before + 900_000 + 5_000);
    expect(new Set(checks.map((at) => Math.floor(at / 1000))).size).toBeGreaterThan(many.length / 2); // spread, not one burst
  });
});

describe('rival filters the seller sees', () => {
  it('both on by default, each toggled from /demper for the store, shown on /demper <sku>; a product’s own value wins', async () => {
    const { telegram } = harness;
    const store = await storeOf();
    const target = await fresh((await products())[0]!.id);
    expect(demperSettingsOf(target, undefined, store)!.rivalFilter).toMatchObject({
      ignoreIntercity: true,
      ignoreUnproven: true,
    });

    const panel = await say(telegram, seller, '/demper', /Демпер магазина Sandbox Electronics/);
    expect(buttonData(panel, 'Не учитывать другие города: ✅')).toBe(`1:dm:${store.id}:fi`);
    expect(buttonData(panel, 'Не учитывать новичков: ✅')).toBe(`1:dm:${store.id}:fu`);

    const since = telegram.calls.length;
    const toggled = await press(telegram, seller, panel, 'другие города', /Демпер магазина Sandbox Electronics/);
    expect(telegram.calls.slice(since).find((call) => call.method === 'answerCallbackQuery')!.payload).toMatchObject({
      text: 'Фильтр выключен',
    });
    expect(buttonData(toggled, 'Не учитывать другие города: ❌')).toBe(`1:dm:${store.id}:fi`);
    expect(buttonData(toggled, 'новичков: ✅')).toBe(`1:dm:${store.id}:fu`);
    const switched = await storeOf();
    expect(switched.demperFilters).toEqual({ ignoreIntercity: false });
    // The strategy's settings follow: with the store passed, and from a product loaded with its store.
    expect(demperSettingsOf(target, undefined, switched)!.rivalFilter).toMatchObject({
      ignoreIntercity: false,
      ignoreUnproven: true,
    });
    expect(demperSettingsOf(await fresh(target.id))!.rivalFilter).toMatchObject({
      ignoreIntercity: false,
      ignoreUnproven: true,
    });

    await say(
      telegram,
      seller,
      `/demper ${target.sku}`,
      /Не учитываем продавцов: из другого города ❌, с рейтингом ниже 4\.0 и меньше чем 10 отзывами ✅/,
    );
    // A product's own value wins over the store's.
    await em().nativeUpdate(ProductSchema, { id: target.id }, { demperOptions: { ignoreIntercity: true } });
    await say(telegram, seller, `/demper ${target.sku}`, /Не учитываем продавцов: из другого города ✅, с рейтингом/);
    expect(demperSettingsOf(await fresh(target.id))!.rivalFilter.ignoreIntercity).toBe(true);
    await em().nativeUpdate(ProductSchema, { id: target.id }, { demperOptions: {} });

    // Someone else's filter buttons change nothing.
    await strangerPresses(`1:dm:${store.id}:fu`);
    await strangerPresses(`1:dm:${store.id}:fi`);
    expect((await storeOf()).demperFilters).toEqual({ ignoreIntercity: false });

    const back = await press(telegram, seller, toggled, 'другие города', /Демпер магазина Sandbox Electronics/);
    expect(buttonData(back, 'Не учитывать другие города: ✅')).toBe(`1:dm:${store.id}:fi`);
    const unproven = await press(telegram, seller, back, 'новичков', /Демпер магазина Sandbox Electronics/);
    expect(buttonData(unproven, 'новичков: ❌')).toBe(`1:dm:${store.id}:fu`);
    expect((await storeOf()).demperFilters).toEqual({ ignoreIntercity: true, ignoreUnproven: false });
  });
});
