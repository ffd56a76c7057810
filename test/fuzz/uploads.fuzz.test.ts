import { randomBytes } from 'node:crypto';

import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import { MAX_IMPORT_ROWS, planImport } from '../../src/excel/products-import.js';
import { createI18n, LOCALES } from '../../src/i18n.js';
import { changedSince, loginAndSync, newUser, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  genericErrorsIn,
  genericErrorTexts,
  openSql,
  sellerSnapshot,
  settle,
  trackUnhandledRejections,
} from './support.js';
import { plainWorkbook, zipBomb } from './xlsx-files.js';

/**
 * Files a seller (or anyone) can send the bot: the wrong type, too big, a zip bomb, a workbook with
 * formulas, random bytes. Each is refused or read with a clear message, never evaluated into a price,
 * never written in part, and the bot keeps answering.
 */
const MERCHANT = '30067228';
const logs = captureLogger('warn');
const rejections = trackUnhandledRejections();
const i18n = createI18n();
const translators = LOCALES.map(
  (locale) => (key: string, variables?: Record<string, string | number>) => i18n.t(locale, key, variables),
);
let bomb: Buffer;
let lyingBomb: Buffer;

beforeAll(async () => {
  // ~500 MB of sheet XML in a file under 2 MB; the lying one claims 4 KB in its zip headers.
  bomb = await zipBomb(500 * 1024 * 1024);
  lyingBomb = await zipBomb(500 * 1024 * 1024, true);
}, 60_000);

afterAll(() => {
  rejections.stop();
});

const PRODUCT = {
  id: 1,
  sku: 'SKU-1',
  title: 'Чайник',
  price: 5000,
  onSale: true,
  demperEnabled: false,
  minPrice: null,
  maxPrice: null,
  step: 1,
  stepIsPercent: false,
  strategy: 'first',
  targetPlace: 1,
  availabilities: [],
} as unknown as Product;

async function workbookOf(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Товары').addRows([['SKU', 'Название', 'Цена', 'В продаже', 'Минимум', 'Максимум'], ...rows]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Runs a plan and reports what it cost: a zip bomb must be refused in moments, not minutes and gigabytes. */
async function timedPlan(data: Buffer) {
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const plan = await planImport(data, translators, MERCHANT, [], [PRODUCT]);
  return { plan, ms: Date.now() - started, grewMb: (process.memoryUsage().rss - rss) / 1024 / 1024 };
}

describe('the import reader', () => {
  it('the bomb files are real workbooks under the upload limit (the refusals below are about unpacking)', async () => {
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    expect(lyingBomb.length).toBeLessThan(2 * 1024 * 1024);
    const small = await planImport(plainWorkbook(3), translators, MERCHANT, [], [PRODUCT]);
    expect(small).toMatchObject({ ok: true, rows: 3, changes: [] });
    // The same construction as the bombs, only small: a workbook ExcelJS reads.
    const defused = await planImport(await zipBomb(256 * 1024), translators, MERCHANT, [], [PRODUCT]);
    expect(defused).toMatchObject({ ok: true, rows: 1, changes: [] });
  });

  it('refuses a zip bomb before unpacking it, in moments and without exhausting memory', async () => {
    for (const file of [bomb, lyingBomb]) {
      const { plan, ms, grewMb } = await timedPlan(file);
      expect(plan).toMatchObject({ ok: false, key: 'import-unpacked-too-big' });
      expect(ms).toBeLessThan(5_000);
      expect(grewMb).toBeLessThan(400);
    }
  });

  it('refuses a small file with more rows than an import takes, before loading them', async () => {
    const { plan, ms } = await timedPlan(plainWorkbook(MAX_IMPORT_ROWS + 500));
    expect(plan).toMatchObject({ ok: false, key: 'import-too-many-rows' });
    expect(ms).toBeLessThan(3_000);
  });

  it('never evaluates a formula into a price or a switch: the row is refused, the cached result ignored', async () => {
    const cases: [ExcelJS.CellValue, string][] = [
      [{ formula: 'HYPERLINK("http://evil.example/","7777")', result: 7777 } as ExcelJS.CellFormulaValue, '7777'],
      [{ formula: '1+1', result: 2000 } as ExcelJS.CellFormulaValue, '2000'],
      [{ formula: 'C3*0.9' } as ExcelJS.CellFormulaValue, 'no cached result'],
      ['=1+1', 'text that looks like a formula'],
      ['=HYPERLINK("http://evil.example/","6000")', 'text'],
      ['+7000', 'leading plus'],
      ['@SUM(1,2)', 'at-sign'],
    ];
    for (const [value, what] of cases) {
      const plan = await planImport(await workbookOf([['SKU-1', 'x', value]]), translators, MERCHANT, [], [PRODUCT]);
      expect(plan.ok, what).toBe(true);
      if (!plan.ok) continue;
      expect(plan.changes, what).toEqual([]);
      expect(
        plan.errors.map((error) => error.key),
        what,
      ).toEqual(['import-row-bad-price']);
    }
    // A formula in «В продаже» or «Минимум» is refused too, not read as its result.
    const onSale = await planImport(
      await workbookOf([['SKU-1', 'x', 5000, { formula: 'FALSE()', result: false } as ExcelJS.CellFormulaValue]]),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
    );
    expect(onSale.ok && onSale.errors.map((error) => error.key)).toEqual(['import-row-bad-yes-no']);
    const floor = await planImport(
      await workbookOf([['SKU-1', 'x', 5000, 'да', { formula: '10*10', result: 100 } as ExcelJS.CellFormulaValue]]),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
    );
    expect(floor.ok && floor.errors.map((error) => error.key)).toEqual(['import-row-bad-bound']);
  });

  it('a file made before the price last changed cannot undo that change; its price left as exported is no change', async () => {
    const madeAt = new Date('2026-11-25T10:00:00Z');
    const fileWith = async (row: unknown[]) => {
      const workbook = new ExcelJS.Workbook();
      workbook.created = madeAt;
      workbook.addWorksheet('Товары').addRows([['SKU', 'Название', 'Цена', 'В продаже', 'Минимум'], row]);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    };
    // The demper moved SKU-1 from 4900 to today's 5000 after the file was made.
    const changedAfterFile = async (since: Date) =>
      since.getTime() === madeAt.getTime() ? new Map([[PRODUCT.id, 4900]]) : new Map<number, number>();
    const edited = await planImport(
      await fileWith(['SKU-1', 'x', 4990, 'да']),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
      changedAfterFile,
    );
    expect(edited.ok && edited.changes).toEqual([]);
    expect(edited.ok && edited.errors.map((error) => error.key)).toEqual(['import-row-price-changed-since']);
    // Left as exported (4900), the price is not a change, and the floor the seller typed still applies.
    const untouched = await planImport(
      await fileWith(['SKU-1', 'x', 4900, 'да', 4000]),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
      changedAfterFile,
    );
    expect(untouched.ok && untouched.errors).toEqual([]);
    expect(untouched.ok && untouched.changes).toEqual([expect.objectContaining({ minPrice: 4000 })]);
    expect(untouched.ok && untouched.changes[0]!.price).toBeUndefined();
    // No change since the file: its price is the seller's.
    const current = await planImport(
      await fileWith(['SKU-1', 'x', 4990, 'да']),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
      async () => new Map(),
    );
    expect(current.ok && current.changes).toEqual([expect.objectContaining({ price: { from: 5000, to: 4990 } })]);
    // Today's price in the cell: nothing to refuse, nothing to change.
    const same = await planImport(
      await fileWith(['SKU-1', 'x', 5000, 'да']),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
      changedAfterFile,
    );
    expect(same.ok && same.errors).toEqual([]);
    expect(same.ok && same.changes).toEqual([]);
  });

  it('a two-column file (SKU | Цена) is a plan, not a foreign file; one column alone is refused', async () => {
    const two = new ExcelJS.Workbook();
    two.addWorksheet('Лист1').addRows([
      ['SKU', 'Цена'],
      ['SKU-1', 4990],
    ]);
    const plan = await planImport(Buffer.from(await two.xlsx.writeBuffer()), translators, MERCHANT, [], [PRODUCT]);
    expect(plan.ok && plan.changes).toEqual([expect.objectContaining({ price: { from: 5000, to: 4990 } })]);
    const one = new ExcelJS.Workbook();
    one.addWorksheet('Лист1').addRows([['SKU'], ['SKU-1']]);
    expect(
      await planImport(Buffer.from(await one.xlsx.writeBuffer()), translators, MERCHANT, [], [PRODUCT]),
    ).toMatchObject({ ok: false, key: 'import-foreign' });
  });

  it('a SKU on two rows is refused on both: neither row’s price or switch reaches the product', async () => {
    const plan = await planImport(
      await workbookOf([
        ['SKU-1', 'x', 4990, 'нет'],
        ['SKU-1', 'x', 6000, 'да'],
      ]),
      translators,
      MERCHANT,
      [],
      [PRODUCT],
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.changes).toEqual([]);
    expect(plan.errors.map((error) => [error.row, error.key])).toEqual([
      [2, 'import-row-duplicate'],
      [3, 'import-row-duplicate'],
    ]);
  });

  it('random bytes, truncated and bit-flipped workbooks: a refusal or a plan, never a throw; prices only from plain cells', async () => {
    const valid = await workbookOf([['SKU-1', 'x', 4990, 'нет', 100, 9000]]);
    const file = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
      fc.nat({ max: valid.length }).map((cut) => valid.subarray(0, cut)),
      fc
        .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 20,
        })
        .map((flips) => {
          const copy = Buffer.from(valid);
          for (const [at, value] of flips) copy[at] = value;
          return copy;
        }),
    );
    await fc.assert(
      fc.asyncProperty(file, async (data) => {
        const plan = await planImport(data, translators, MERCHANT, [], [PRODUCT]);
        if (!plan.ok) {
          expect([
            'import-broken',
            'import-foreign',
            'import-too-big',
            'import-unpacked-too-big',
            'import-too-many-rows',
          ]).toContain(plan.key);
          return;
        }
        for (const change of plan.changes) {
          expect(change.productId).toBe(PRODUCT.id);
          if (change.price) expect(Number.isSafeInteger(change.price.to) && change.price.to >= 10).toBe(true);
        }
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );
  });

  it('random cell values in every column: a plan with per-row errors, never a throw or a non-integer price', async () => {
    const cell = fc
      .oneof(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.constantFrom(
          'да',
          'нет',
          '5%',
          '25%',
          'place 3',
          'first',
          '=1+1',
          '12 000',
          '-5',
          '1e5',
          '0x10',
          '__proto__',
          '<b>',
        ),
        fc.double({ noNaN: false }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.date({ noInvalidDate: true }),
        fc.record({
          formula: fc.constantFrom('1+1', 'NOW()', 'HYPERLINK("x")'),
          result: fc.oneof(fc.integer(), fc.string()),
        }),
        fc.record({
          richText: fc.array(
            fc.record({ text: fc.string({ maxLength: 10 }) }).map((part) => ({ ...part })),
            { maxLength: 3 },
          ),
        }),
        fc.record({ text: fc.string({ maxLength: 10 }), hyperlink: fc.constant('http://example.com') }),
        fc.record({ error: fc.constantFrom('#N/A', '#DIV/0!', '#REF!') }),
      )
      .map((value) => (value !== null && typeof value === 'object' && !(value instanceof Date) ? { ...value } : value)); // ExcelJS wants plain prototypes
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('SKU-1', 'SKU-2', '', '=A1'), cell, cell, cell, cell, cell), {
          minLength: 1,
          maxLength: 5,
        }),
        async (rows) => {
          const plan = await planImport(
            await workbookOf(rows as ExcelJS.CellValue[][]),
            translators,
            MERCHANT,
            [],
            [PRODUCT],
          );
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          expect(plan.changes.length).toBeLessThanOrEqual(1);
          for (const change of plan.changes) {
            if (change.price) expect(Number.isSafeInteger(change.price.to) && change.price.to >= 10).toBe(true);
            for (const bound of [change.minPrice, change.maxPrice])
              if (bound !== undefined && bound !== null) expect(Number.isSafeInteger(bound) && bound >= 10).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );
  });
});

describe('files sent to the bot', () => {
  let harness: BotHarness;
  let sql: pg.Client;
  const seller = newUser('Ержан');
  let generic: string[];
  let products: Product[];

  beforeAll(async () => {
    harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 6 });
    sql = await openSql(harness);
    await loginAndSync(harness, seller);
    generic = genericErrorTexts(harness);
    const em = harness.infrastructure.database.orm.em.fork();
    const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
    products = await em.find(ProductSchema, { store: { seller: owner } }, { orderBy: { id: 'ASC' } });
  }, 90_000);

  afterAll(async () => {
    await sql?.end();
    await harness?.close();
  });

  /** Sends a document and waits for the bot's message matching `expect`; asserts nothing was written. */
  async function sendFile(name: string, data: Buffer, expect_: RegExp, timeoutMs = 15_000): Promise<string> {
    const { telegram, sandbox } = harness;
    const before = await sellerSnapshot(sql, seller.id);
    const writes = sandbox.writes(MERCHANT).length;
    const since = telegram.calls.length;
    const fresh = changedSince(telegram, seller.id, expect_);
    await telegram.sendDocument(seller, name, data);
    const answer = await telegram.waitForBotMessage(seller.id, fresh, { timeoutMs });
    await settle(telegram);
    expect(genericErrorsIn(telegram.calls.slice(since), generic), name).toEqual([]);
    expect(await sellerSnapshot(sql, seller.id), name).toBe(before);
    expect(sandbox.writes(MERCHANT).length, name).toBe(writes);
    return answer.text ?? '';
  }

  async function stillAnswers(withinMs: number): Promise<void> {
    const fresh = changedSince(harness.telegram, seller.id, /С возвращением/);
    await harness.telegram.sendText(seller, '/start');
    await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: withinMs });
  }

  it('the wrong type of file: a clear message, nothing downloaded into a plan', async () => {
    const valid = await workbookOf([[products[0]!.sku, 'x', products[0]!.price + 10]]);
    for (const name of [
      'photo.png',
      'products.csv',
      'products.xls',
      'products.xlsx.exe',
      'products',
      'products.xlsm',
      '.xlsx.pdf',
      '<b>.txt',
    ]) {
      await sendFile(name, valid, /Нужен файл Excel/);
    }
  });

  it('a file over 2 MB is refused by its size, before it is downloaded', async () => {
    const since = harness.telegram.calls.length;
    await sendFile('products.xlsx', randomBytes(2 * 1024 * 1024 + 1), /Файл больше 2 МБ/);
    expect(harness.telegram.calls.slice(since).filter((call) => call.method === 'getFile')).toEqual([]);
  });

  it('zip bombs (honest and lying headers) are refused in seconds, and the bot answers right after', async () => {
    for (const file of [bomb, lyingBomb]) {
      const started = Date.now();
      await sendFile('products.xlsx', file, /распаковывается больше чем в 40 МБ/, 10_000);
      expect(Date.now() - started).toBeLessThan(8_000);
      await stillAnswers(3_000);
    }
  });

  it('broken and foreign workbooks, random bytes and too many rows: each its own clear message', async () => {
    await sendFile('products.xlsx', Buffer.from('PK\u0003\u0004 not really'), /Не удалось открыть файл/);
    await sendFile('products.xlsx', randomBytes(5000), /Не удалось открыть файл/);
    await sendFile('products.xlsx', plainWorkbook(MAX_IMPORT_ROWS + 10), /больше 5\s?000 строк/);
    const foreign = new ExcelJS.Workbook();
    foreign.addWorksheet('Лист1').addRows([
      ['=HYPERLINK("http://evil.example","SKU")', 'Цена'],
      ['1', 2],
    ]);
    await sendFile('products.xlsx', Buffer.from(await foreign.xlsx.writeBuffer()), /Это не наш файл/);
  });

  it('formulas in price cells are shown as row errors; nothing is previewed to apply', async () => {
    const [first, second, third] = products;
    const data = await workbookOf([
      [
        first!.sku,
        'x',
        { formula: 'HYPERLINK("http://evil.example/","7777")', result: 7777 } as ExcelJS.CellFormulaValue,
      ],
      [second!.sku, 'x', '=1+1'],
      [
        third!.sku,
        '=HYPERLINK("http://evil.example/","title")',
        { formula: `${third!.price}+10`, result: third!.price + 10 } as ExcelJS.CellFormulaValue,
      ],
    ]);
    const text = await sendFile('products.xlsx', data, /Строк с ошибками: 3/);
    expect(text).toMatch(/Изменится товаров: 0/);
    expect(text).toContain('цена «=HYPERLINK(');
    expect(text).toContain('цена «=1+1»');
    expect(text).not.toMatch(/7\u202f?777/);
  });

  it('random documents (names and bytes): each gets an answer, never the generic error, nothing written', async () => {
    const valid = await workbookOf([[products[0]!.sku, 'x', products[0]!.price]]);
    const name = fc.oneof(
      fc.constantFrom('products.xlsx', 'PRODUCTS.XLSX', 'a.xlsx', '.xlsx', 'x.xlsx.xlsx'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map((base) => `${base}.xlsx`),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    );
    const content = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((bytes) => Buffer.from(bytes)),
      fc.integer({ min: 1, max: valid.length }).map((cut) => valid.subarray(0, cut)),
      fc.constant(valid),
    );
    await fc.assert(
      fc.asyncProperty(name, content, async (fileName, data) => {
        await sendFile(fileName, data, /.+/);
        await harness.telegram.sendText(seller, '/cancel');
        await settle(harness.telegram);
      }),
      { numRuns: 20, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );
  });

  it('an exported title that looks like a formula or markup stays text in the workbook', async () => {
    const em = harness.infrastructure.database.orm.em.fork();
    const target = products[4]!;
    await em.nativeUpdate(
      ProductSchema,
      { id: target.id },
      { title: '=HYPERLINK("http://evil.example/","<b>&amp;</b>")' },
    );
    const fresh = changedSince(harness.telegram, seller.id, /Товаров: \d+/);
    await harness.telegram.sendText(seller, '/export');
    const file = await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: 15_000 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.document!.data as never);
    let cell: ExcelJS.Cell | undefined;
    workbook.worksheets[0]!.eachRow((row) => {
      if (row.getCell(1).value === target.sku) cell = row.getCell(2);
    });
    expect(cell?.type).toBe(ExcelJS.ValueType.String);
    expect(cell?.value).toBe('=HYPERLINK("http://evil.example/","<b>&amp;</b>")');
    await em.nativeUpdate(ProductSchema, { id: target.id }, { title: target.title });
  });

  it('afterwards: the bot answers, nothing failed inside an update, no unhandled rejection', async () => {
    await stillAnswers(5_000);
    expect(logs.lines().filter((line) => line.msg === 'update failed' || line.msg === 'unhandled bot error')).toEqual(
      [],
    );
    expect(rejections.reasons).toEqual([]);
  });
});
