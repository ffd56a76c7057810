import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PreorderSchema, ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import {
  type BotHarness,
  buttonData,
  changedSince,
  loginAndSync,
  newUser,
  press,
  productsOf,
  say,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { PREORDER_FAILURE } from '../../src/preorders/service.js';

const MERCHANT = '30067228';
let harness: BotHarness;
const seller = newUser('Гульнара');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12, filePollMs: 100 });
  await loginAndSync(harness, seller);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function products(): Promise<Product[]> {
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  return em.find(ProductSchema, { store: { seller: owner } }, { orderBy: { id: 'ASC' } });
}

/** Two-point offers with no preorder yet. */
async function candidates(): Promise<Product[]> {
  return (await products()).filter(
    (product) => product.availabilities.length === 2 && product.availabilities.every((point) => !point.preOrder),
  );
}

const offerAt = (sku: string) => harness.sandbox.catalogue(MERCHANT).find((offer) => offer.sku === sku)!;

describe('preorders in the chat', () => {
  it('adds a preorder on one point with bad input on the way, uploads it through the price feed, and Kaspi shows it', async () => {
    const { telegram } = harness;
    const [target] = await candidates();
    const before = harness.sandbox.catalogue(MERCHANT);
    const list = await say(telegram, seller, '/preorders', /Предзаказы · Sandbox Electronics/);
    await press(telegram, seller, list, 'Добавить предзаказ', /название, часть названия или SKU/);
    await say(telegram, seller, 'no-such-sku', /«no-such-sku» не найден/);
    const points = await say(telegram, seller, target!.sku, /На каких точках продаж предзаказ/);
    // Both points are ticked, shown by city and name; untick the second (Astana) — only PP1 goes on preorder.
    expect(JSON.stringify(points.reply_markup)).toMatch(/☑️ Алматы, ТЦ Mega/);
    const second = await press(telegram, seller, points, /Астана/, /На каких точках/);
    expect(JSON.stringify(second.reply_markup)).toMatch(/⬜️ Астана/);
    await press(telegram, seller, second, 'Далее', /Через сколько дней/);
    await say(telegram, seller, '45', /«45» — не подходит/);
    await say(telegram, seller, 'завтра', /не подходит/);
    const confirm = await say(telegram, seller, '7 дней', /Предзаказ .*Алматы, ТЦ Mega.* — 7 дн\. Сохранить\?/s);
    const planned = await press(telegram, seller, confirm, 'Сохранить', /запланирован/);

    const done = await press(telegram, seller, planned, 'Загрузить в Kaspi', /Отправлено в Kaspi: 1 из 1/, 20_000);
    expect(done.text).toContain(target!.title.slice(0, 20));
    await telegram.waitForBotMessage(seller.id, (message) => /Kaspi показывает предзаказ: 1/.test(message.text ?? ''), {
      timeoutMs: 20_000,
    });

    const offer = offerAt(target!.sku);
    const earlier = before.find((candidate) => candidate.sku === target!.sku)!;
    expect(
      offer.availabilities.map((point) => [point.storeId, point.preOrder ?? 0, point.available, point.stockCount]),
    ).toEqual(
      earlier.availabilities.map((point) => [
        point.storeId,
        point.storeId.endsWith('_PP1') ? 7 : (point.preOrder ?? 0),
        point.available,
        point.stockCount,
      ]),
    );
    expect(offer.price).toBe(earlier.price);
    for (const other of harness.sandbox.catalogue(MERCHANT).filter((candidate) => candidate.sku !== target!.sku)) {
      expect(other.availabilities).toEqual(before.find((candidate) => candidate.sku === other.sku)!.availabilities);
    }
    const row = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(PreorderSchema, { product: target!.id });
    expect(row).toMatchObject({ status: 'confirmed', uploadMethod: 'pricefeed' });
  });

  it('uploads a whole-product preorder as a price-list file, following Kaspi’s file status to the end', async () => {
    const { telegram } = harness;
    const [, target] = await candidates();
    const priceBefore = offerAt(target!.sku).price;
    const uploadsBefore = harness.sandbox.writes(MERCHANT).filter((write) => write.endpoint === 'upload').length;
    const result = await harness.deps.preorders.plan(
      target!.store.id,
      target!.id,
      target!.availabilities.map((point) => ({ storeId: point.storeId, days: 5 })),
    );
    expect(result.ok).toBe(true);
    const list = await say(telegram, seller, '/preorders', /Запланировано \(ещё не в Kaspi\): 1/);
    await press(telegram, seller, list, 'Загрузить файлом', /Отправлено в Kaspi: 1 из 1/, 30_000);
    expect(harness.sandbox.writes(MERCHANT).filter((write) => write.endpoint === 'upload').length).toBe(
      uploadsBefore + 1,
    );
    const offer = offerAt(target!.sku);
    expect(offer.availabilities.map((point) => point.preOrder)).toEqual([5, 5]);
    expect(offer.price).toBe(priceBefore);
    await telegram.waitForBotMessage(seller.id, (message) => /Kaspi показывает предзаказ: 1/.test(message.text ?? ''), {
      timeoutMs: 20_000,
    });
  });

  it('sends the preorder list as an Excel file a seller can read: header, frozen row, days per point', async () => {
    const { telegram } = harness;
    await say(telegram, seller, '/sync', /синхронизировано — \d+\./, 30_000);
    const list = await say(telegram, seller, '/preorders', /В Kaspi на предзаказе: [1-9]/);
    // Plans and Kaspi's preorders share one numbering, and «✏️ n» / «⏹ n» act on line n.
    const [, number, firstTitle] = (list.text ?? '').match(/В Kaspi на предзаказе: \d+\n(\d+)\. (.+?) — /)!;
    const firstProduct = (await productsOf(harness, seller.id)).find((product) =>
      product.title.startsWith(firstTitle!.replace(/…$/, '')),
    )!;
    expect(buttonData(list, new RegExp(`^✏️ ${number}$`))).toBe(`1:pr:edit:${firstProduct.id}`);
    expect(buttonData(list, new RegExp(`^⏹ ${number}$`))).toBe(`1:pr:off:${firstProduct.id}`);
    const sent = changedSince(telegram, seller.id, /Предзаказы: \d+\. Дни указаны/);
    await telegram.pressButton(seller, list.message_id, '1:pr:xlsx');
    const document = await telegram.waitForBotMessage(seller.id, sent, { timeoutMs: 15_000 });
    expect(document.document!.file_name).toMatch(/^preorders-30067228-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(document.document!.data as never);
    // Sent back as it is, the list is named for what it is (read-only), not «не наш файл».
    const told = changedSince(telegram, seller.id, /Это файл со списком предзаказов — он только для просмотра/);
    await telegram.sendDocument(
      seller,
      document.document!.file_name!,
      document.document!.data!,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    await telegram.waitForBotMessage(seller.id, told, { timeoutMs: 15_000 });
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Предзаказы');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['SKU', 'Товар', 'Бренд', 'Цена, ₸', 'Алматы, ТЦ Mega, дней', 'Астана, дней', 'Статус']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(2).width).toBeGreaterThan(30);
    const [first, second] = await candidatesBefore();
    const rowOf = (sku: string) => {
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(1).value === sku) found = row;
      });
      return found!;
    };
    expect([rowOf(first!).getCell(5).value, rowOf(first!).getCell(6).value]).toEqual([7, 0]);
    expect([rowOf(second!).getCell(5).value, rowOf(second!).getCell(6).value]).toEqual([5, 5]);
    expect(typeof rowOf(first!).getCell(4).value).toBe('number');
    expect(sheet.getColumn(4).numFmt).toBe('#,##0');
  });

  it("tells why a plan failed in the seller's words, never the English error kept for the log", async () => {
    const { telegram } = harness;
    await harness.deps.background.idle();
    await harness.settled();
    const [target] = await candidates();
    const result = await harness.deps.preorders.plan(
      target!.store.id,
      target!.id,
      target!.availabilities.map((point) => ({ storeId: point.storeId, days: 3 })),
    );
    expect(result.ok).toBe(true);
    const em = harness.infrastructure.database.orm.em.fork();
    const cases: [string, RegExp][] = [
      [
        `${PREORDER_FAILURE.fileRefused} ERROR`,
        /ошибка \(Kaspi не принял файл — отправьте кнопкой «⬆️ Загрузить в Kaspi»\)/,
      ],
      [PREORDER_FAILURE.notFound, /ошибка \(товара нет в кабинете Kaspi\)/],
      [
        `${PREORDER_FAILURE.notSent} Kaspi 429 on /bff/offer-view/import`,
        /ошибка \(не отправлено — нажмите «⬆️ Загрузить в Kaspi» ещё раз\)/,
      ],
      [
        `offer ${target!.sku} has no point 30067228_PP9`,
        /ошибка \(точки продаж изменились — обновите товары: \/sync\)/,
      ],
      ['something nobody expected', /ошибка \(не отправлено — попробуйте ещё раз\)/],
    ];
    for (const [error, shown] of cases) {
      await em.nativeUpdate(PreorderSchema, { product: target!.id }, { status: 'failed', error });
      const list = await say(telegram, seller, '/preorders', shown);
      expect(list.text).not.toContain(error);
    }
    await em.nativeDelete(PreorderSchema, { product: target!.id });
  });

  it('takes a product off preorder with ⏹, and says «снял», not «показывает», once Kaspi shows it', async () => {
    const { telegram } = harness;
    await harness.deps.background.idle();
    await harness.settled();
    const list = await say(telegram, seller, '/preorders', /В Kaspi на предзаказе: [1-9]/);
    const [, number, title] = (list.text ?? '').match(/В Kaspi на предзаказе: \d+\n(\d+)\. (.+?) — /)!;
    const product = (await products()).find((candidate) => candidate.title.startsWith(title!.replace(/…$/, '')))!;
    const planned = await press(
      telegram,
      seller,
      list,
      new RegExp(`^⏹ ${number}$`),
      /Запланировано \(ещё не в Kaspi\): 1/,
    );
    const removed = changedSince(telegram, seller.id, /Kaspi снял предзаказ: 1/);
    await press(telegram, seller, planned, 'Загрузить в Kaspi', /Отправлено в Kaspi: 1 из 1/, 20_000);
    await telegram.waitForBotMessage(seller.id, removed, { timeoutMs: 20_000 });
    expect(offerAt(product.sku).availabilities.every((point) => !point.preOrder)).toBe(true);
    await harness.deps.background.idle();
    await harness.settled();
  });

  it('pages a long list, every line with its own ✏️ and 🗑/⏹ buttons', async () => {
    const { telegram } = harness;
    const em = harness.infrastructure.database.orm.em.fork();
    const planIds: number[] = [];
    for (const product of (await products()).filter((candidate) => candidate.availabilities.length > 0).slice(0, 9)) {
      const result = await harness.deps.preorders.plan(
        product.store.id,
        product.id,
        product.availabilities.map((point) => ({ storeId: point.storeId, days: 2 })),
      );
      if (result.ok) planIds.push(product.id);
    }
    expect(planIds.length).toBe(9);
    try {
      const list = await say(telegram, seller, '/preorders', /Запланировано \(ещё не в Kaspi\): 9/);
      expect(list.text).toMatch(/\n8\. /);
      expect(list.text).not.toMatch(/\n9\. /);
      expect(list.text).toContain('✏️ — изменить · 🗑 — отменить план · ⏹ — снять предзаказ в Kaspi');
      for (let number = 1; number <= 8; number++) expect(buttonData(list, `🗑 ${number}`)).toMatch(/^1:pr:del:\d+$/);
      const next = await press(telegram, seller, list, '▶️', /\n9\. /);
      expect(next.message_id).toBe(list.message_id); // edited in place
      expect(buttonData(next, '✏️ 9')).toMatch(/^1:pr:edit:\d+$/);
      expect(() => buttonData(next, /^✏️ 1$/)).toThrow();
      await press(telegram, seller, next, '◀️', /\n1\. /);
    } finally {
      await em.nativeDelete(PreorderSchema, { product: { $in: planIds }, status: 'planned' });
    }
  });

  it('says so when the upload went through but reading it back fails; the plan keeps waiting, nothing is lost', async () => {
    const { telegram } = harness;
    // The earlier uploads' read-backs finish first: one background task per store uploads or reads back.
    const deadline = Date.now() + 20_000;
    while (
      (await harness.infrastructure.database.orm.em.fork().count(PreorderSchema, { status: 'uploaded' })) > 0 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await harness.deps.background.idle();
    await harness.settled();
    const [target] = await candidates();
    const result = await harness.deps.preorders.plan(
      target!.store.id,
      target!.id,
      target!.availabilities.map((point) => ({ storeId: point.storeId, days: 4 })),
    );
    expect(result.ok).toBe(true);
    const list = await say(telegram, seller, '/preorders', /Запланировано \(ещё не в Kaspi\): 1/);
    const failed = changedSince(
      telegram,
      seller.id,
      /Предзаказы загружены, но проверить их в Kaspi не удалось: Сессия Kaspi истекла/,
    );
    await press(telegram, seller, list, 'Загрузить в Kaspi', /Отправлено в Kaspi: 1 из 1/, 20_000);
    harness.sandbox.expireSessions(MERCHANT); // before the first read-back (300 ms in the harness)
    await telegram.waitForBotMessage(seller.id, failed, { timeoutMs: 15_000 });
    expect(offerAt(target!.sku).availabilities.map((point) => point.preOrder)).toEqual([4, 4]);
    const row = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(PreorderSchema, { product: target!.id });
    expect(row.status).toBe('uploaded');
  });
});

/** The two products the first tests put on preorder (they are the first two-point products by id). */
async function candidatesBefore(): Promise<string[]> {
  const rows = await harness.infrastructure.database.orm.em
    .fork()
    .find(PreorderSchema, {}, { populate: ['product'], orderBy: { id: 'ASC' } });
  return rows.map((row) => row.product.sku);
}
