import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PreorderSchema, PriceChangeSchema, ProductSchema } from '../../src/db/entities/index.js';
import {
  type BotHarness,
  changedSince,
  loginAndSync,
  newUser,
  productsOf,
  press,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { formatPrice } from '../../src/bot/replies/format.js';

const MERCHANT = '30067228';
let harness: BotHarness;
const seller = newUser('Марат');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const products = () => productsOf(harness, seller.id);

async function exportWorkbook(): Promise<ExcelJS.Workbook> {
  const arrived = changedSince(harness.telegram, seller.id, /Товаров: \d+\. Измените цену/);
  await harness.telegram.sendText(seller, '/export');
  const message = await harness.telegram.waitForBotMessage(seller.id, arrived, { timeoutMs: 15_000 });
  expect(message.document!.file_name).toMatch(/^products-30067228-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(message.document!.data as never);
  return workbook;
}

function rowOf(sheet: ExcelJS.Worksheet, sku: string): ExcelJS.Row {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === sku) found = row;
  });
  if (!found) throw new Error(`no row for ${sku}`);
  return found;
}

async function sendBack(workbook: ExcelJS.Workbook | Buffer, name: string, expect: RegExp) {
  const data = Buffer.isBuffer(workbook) ? workbook : Buffer.from(await workbook.xlsx.writeBuffer());
  const arrived = changedSince(harness.telegram, seller.id, expect);
  await harness.telegram.sendDocument(
    seller,
    name,
    data,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  return harness.telegram.waitForBotMessage(seller.id, arrived, { timeoutMs: 20_000 });
}

describe('products in Excel and back', () => {
  it('/export writes every product with its settings, a frozen Russian header and number formats', async () => {
    const workbook = await exportWorkbook();
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Товары');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'SKU',
      'Название',
      'Цена, ₸',
      'В продаже',
      'Минимум, ₸',
      'Максимум, ₸',
      'Шаг, ₸ или %',
      'Демпер',
      'Стратегия',
      // Points by city and the name the seller gave them in the cabinet (the second one has none).
      'Предзаказ, Алматы, ТЦ Mega, дней',
      'Предзаказ, Астана, дней',
      'Место',
      'Конкурент, ₸',
      'Цена, Алматы, ₸',
      'Цена, Астана, ₸',
      'Минимум, Алматы, ₸',
      'Минимум, Астана, ₸',
    ]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const all = await products();
    expect(sheet.rowCount).toBe(all.length + 1);
    for (const product of all) {
      const row = rowOf(sheet, product.sku);
      expect(row.getCell(2).value).toBe(product.title);
      // «Цена» is the price in every city; where the cities differ it is empty and each city's column says it.
      const cityPrices = new Set(product.cityPrices.map((entry) => entry.price));
      expect(row.getCell(3).value).toBe(cityPrices.size > 1 ? null : product.price);
      for (const [index, cityId] of ['750000000', '710000000'].entries()) {
        expect(row.getCell(14 + index).value).toBe(
          product.cityPrices.find((entry) => entry.cityId === cityId)?.price ?? product.price,
        );
      }
      expect(row.getCell(4).value).toBe(product.onSale ? 'да' : 'нет');
      expect(row.getCell(8).value).toBe('нет');
      expect(row.getCell(9).value).toBe('первое место');
    }
    expect(sheet.getColumn(3).numFmt).toBe('#,##0');
  });

  it('imports good and bad rows: a preview with per-row errors, then only the good rows are applied', async () => {
    const { telegram, sandbox } = harness;
    const all = (await products()).filter((product) => product.onSale && product.availabilities.length === 2);
    const [cheaper, offSale, demper, preorder, badPrice, badBounds] = all;
    const before = sandbox.catalogue(MERCHANT);
    const workbook = await exportWorkbook();
    const sheet = workbook.worksheets[0]!;
    rowOf(sheet, cheaper!.sku).getCell(3).value = cheaper!.price - 15;
    rowOf(sheet, offSale!.sku).getCell(4).value = 'нет';
    const demperRow = rowOf(sheet, demper!.sku);
    demperRow.getCell(5).value = demper!.price - 1000;
    demperRow.getCell(6).value = demper!.price + 1000;
    demperRow.getCell(7).value = '2%';
    demperRow.getCell(8).value = 'да';
    rowOf(sheet, preorder!.sku).getCell(10).value = 3;
    rowOf(sheet, badPrice!.sku).getCell(3).value = 'abc';
    const bounds = rowOf(sheet, badBounds!.sku);
    bounds.getCell(5).value = 9000;
    bounds.getCell(6).value = 8000;
    sheet.addRow(['NO-SUCH-SKU', 'x', 1000]);

    const writesBeforeFile = sandbox.writes(MERCHANT).length;
    const preview = await sendBack(workbook, 'products.xlsx', /Изменится товаров: 4/);
    expect(preview.text).toMatch(/цены — 1, в продаже — 1, демпер — 1, предзаказ — 1/);
    expect(preview.text).toMatch(/Строк с ошибками: 3/);
    // The values the seller confirms, not «настройки демпера».
    expect(preview.text).toContain(
      `демпер вкл, мин. ${formatPrice(demper!.price - 1000)}, макс. ${formatPrice(demper!.price + 1000)}, шаг 2%`,
    );
    expect(preview.text).toMatch(/предзаказ Алматы, ТЦ Mega: 3 дн\./);
    expect(preview.text).toContain(`(${badPrice!.sku}): цена «abc» — нужно целое число тенге, не меньше 10`);
    expect(preview.text).toContain(`(${badBounds!.sku}): минимум 9\u202f000\u00a0₸ больше максимума 8\u202f000\u00a0₸`);
    expect(preview.text).toContain('(NO-SUCH-SKU): такого SKU нет в магазине');
    expect(sandbox.writes(MERCHANT).length).toBe(writesBeforeFile); // nothing is sent before the confirmation
    const writesBefore = writesBeforeFile;

    const confirmed = changedSince(telegram, seller.id, /Kaspi показывает предзаказ: 1/);
    await press(
      telegram,
      seller,
      preview,
      'Применить (4)',
      /Готово\. Настройки демпера — 1, в продаже — 1, цены — 1, предзаказы — 1/,
      30_000,
    );
    expect(sandbox.writes(MERCHANT).length).toBeGreaterThan(writesBefore);
    await new Promise((resolve) => setTimeout(resolve, 500)); // Kaspi applies writes asynchronously
    const after = sandbox.catalogue(MERCHANT);
    const offer = (sku: string) => after.find((candidate) => candidate.sku === sku)!;
    const earlier = (sku: string) => before.find((candidate) => candidate.sku === sku)!;
    expect(offer(cheaper!.sku).price).toBe(cheaper!.price - 15);
    expect(offer(offSale!.sku).availabilities.every((point) => point.available === 'no')).toBe(true);
    expect(offer(preorder!.sku).availabilities.map((point) => point.preOrder ?? 0)).toEqual([
      3,
      earlier(preorder!.sku).availabilities[1]!.preOrder ?? 0,
    ]);
    for (const untouched of [demper!, badPrice!, badBounds!])
      expect(offer(untouched.sku)).toEqual(earlier(untouched.sku));

    const em = harness.infrastructure.database.orm.em.fork();
    expect(await em.findOneOrFail(ProductSchema, demper!.id)).toMatchObject({
      demperEnabled: true,
      minPrice: demper!.price - 1000,
      maxPrice: demper!.price + 1000,
      step: 2,
      stepIsPercent: true,
    });
    expect(await em.findOneOrFail(ProductSchema, badBounds!.id)).toMatchObject({
      minPrice: badBounds!.minPrice ?? null,
      maxPrice: badBounds!.maxPrice ?? null,
    });
    const change = await em.findOneOrFail(PriceChangeSchema, { product: cheaper!.id });
    expect(change).toMatchObject({ source: 'import', oldPrice: cheaper!.price, newPrice: cheaper!.price - 15 });
    // The imported preorder is read back like an uploaded one: the plan becomes «в Kaspi».
    await telegram.waitForBotMessage(seller.id, confirmed, { timeoutMs: 20_000 });
    expect(await em.fork().findOneOrFail(PreorderSchema, { product: preorder!.id })).toMatchObject({
      status: 'confirmed',
    });
  });

  it('a newer file replaces a preview that waits for confirmation', async () => {
    const workbook = await exportWorkbook();
    const sheet = workbook.worksheets[0]!;
    // Products without a floor: a missing zero is then a warning, not a refusal (the test above set one floor).
    const [first, second] = (await products()).filter((product) => product.onSale && product.minPrice === null);
    rowOf(sheet, first!.sku).getCell(3).value = first!.price + 11;
    await sendBack(workbook, 'v1.xlsx', /Изменится товаров: 1 \(цены — 1/);
    rowOf(sheet, second!.sku).getCell(3).value = Math.floor(second!.price / 10); // a missing zero
    const preview = await sendBack(workbook, 'v2.xlsx', /Изменится товаров: 2 \(цены — 2/);
    expect(preview.text).toMatch(/⚠️ −(89|90) %/);
    await press(harness.telegram, seller, preview, 'Отмена', /^Отменено/);
  });

  it('an older file: a price left as exported is no change (its floor applies), an edited one is refused', async () => {
    const workbook = await exportWorkbook();
    const sheet = workbook.worksheets[0]!;
    const [moved, other] = (await products())
      .filter((product) => product.onSale && product.minPrice === null)
      .slice(-2);
    // After the export, the price of both moves (as the demper would move it).
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the change is recorded after the file's timestamp
    for (const product of [moved!, other!]) {
      const sent = await harness.deps.offers.setPrice(product.id, product.price - 7, { reasonText: 'test' });
      expect(sent.status).toBe('sent');
    }
    rowOf(sheet, moved!.sku).getCell(5).value = moved!.price - 1000; // the price cell stays as exported
    rowOf(sheet, other!.sku).getCell(3).value = other!.price + 25; // edited over a price that changed since
    const preview = await sendBack(workbook, 'old.xlsx', /Изменится товаров: 1 \(цены — 0/);
    expect(preview.text).toContain(`мин. ${formatPrice(moved!.price - 1000)}`);
    expect(preview.text).toContain(`(${other!.sku}): цена изменилась после выгрузки файла`);
    await press(harness.telegram, seller, preview, 'Отмена', /^Отменено/);
  });

  it('each city has its own price and floor columns: an edit moves only that city', async () => {
    const { sandbox } = harness;
    const [ALMATY, ASTANA] = ['750000000', '710000000'];
    const product = (await products()).find(
      (candidate) =>
        candidate.onSale &&
        candidate.minPrice === null &&
        candidate.availabilities.every((point) => point.available === 'yes'),
    )!;
    const kaspi = () => sandbox.catalogue(MERCHANT).find((offer) => offer.sku === product.sku)!.allCityPrices;
    const before = { almaty: kaspi()[ALMATY]!.price, astana: kaspi()[ASTANA]!.price };
    const workbook = await exportWorkbook();
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const column = (name: string) => header.indexOf(name);
    const row = rowOf(sheet, product.sku);
    expect(row.getCell(column('Цена, Астана, ₸')).value).toBe(before.astana);
    row.getCell(column('Цена, Астана, ₸')).value = before.astana - 30;
    row.getCell(column('Минимум, Астана, ₸')).value = before.astana - 500;
    const preview = await sendBack(workbook, 'cities.xlsx', /Изменится товаров: 1/);
    expect(preview.text).toContain(`Астана: ${formatPrice(before.astana)} → ${formatPrice(before.astana - 30)}`);
    expect(preview.text).toContain(`Астана: мин. ${formatPrice(before.astana - 500)}`);
    await press(harness.telegram, seller, preview, /Применить/, /Готово/, 30_000);
    const deadline = Date.now() + 10_000;
    while (kaspi()[ASTANA]!.price !== before.astana - 30 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kaspi()[ASTANA]!.price).toBe(before.astana - 30);
    expect(kaspi()[ALMATY]!.price).toBe(before.almaty);
    const saved = await harness.infrastructure.database.orm.em.fork().findOneOrFail(ProductSchema, product.id);
    expect(saved.cityOverrides).toEqual({ [ASTANA]: { minPrice: before.astana - 500 } });
    expect(saved.minPrice).toBeNull();
    const changes = await harness.infrastructure.database.orm.em
      .fork()
      .find(PriceChangeSchema, { product: product.id, source: 'import' });
    expect(changes.map((change) => change.cityId)).toEqual([ASTANA]);
  });

  it('a file exported before points had names and headers had units still imports: its columns are the same', async () => {
    const product = (await products())
      .filter(
        (candidate) =>
          candidate.onSale &&
          candidate.minPrice === null &&
          candidate.availabilities.length === 2 &&
          candidate.availabilities.every((point) => point.available === 'yes'),
      )
      .at(-1)!;
    const almatyDays = product.availabilities.find((point) => point.storeId.endsWith('PP1'))!.preOrder ?? 0;
    const days = almatyDays === 4 ? 5 : 4;
    const floor = Math.round(product.price * 0.8);
    const old = new ExcelJS.Workbook();
    old.addWorksheet('Товары').addRows([
      ['SKU', 'Название', 'Минимум', 'Предзаказ PP1 Алматы, дн.', 'Минимум, Астана'],
      [product.sku, product.title, floor, days, floor + 100],
    ]);
    const preview = await sendBack(old, 'products-old.xlsx', /Изменится товаров: 1/);
    expect(preview.text).toMatch(/цены — 0.*демпер — 1, предзаказ — 1/s);
    expect(preview.text).toContain(`мин. ${formatPrice(floor)}`);
    expect(preview.text).toContain(`Астана: мин. ${formatPrice(floor + 100)}`);
    // Its points are named as the seller knows them, not by Kaspi's codes.
    expect(preview.text).toContain(`предзаказ Алматы, ТЦ Mega: ${days} дн.`);
    await press(harness.telegram, seller, preview, 'Отмена', /Отменено|отменен/i);
  });

  it('refuses a broken file, a foreign workbook and a non-Excel file without changing anything', async () => {
    const { sandbox } = harness;
    const writesBefore = sandbox.writes(MERCHANT).length;
    await sendBack(Buffer.from('PK\u0003\u0004 definitely not a workbook'), 'products.xlsx', /Не удалось открыть файл/);
    const foreign = new ExcelJS.Workbook();
    foreign.addWorksheet('Лист1').addRows([
      ['Артикул', 'Цена'],
      ['1', 2],
    ]);
    await sendBack(foreign, 'прайс.xlsx', /Это не наш файл/);
    await sendBack(Buffer.from('not an image'), 'photo.png', /Нужен файл Excel/);
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore);
  });
});
